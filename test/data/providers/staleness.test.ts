/**
 * Live data whose newest bar is more than two completed NYSE sessions old says so in the answer's
 * first line (before: months-old live data carried no warning). Bundled offline data never does.
 * The clock is injected; session counts below are counted by hand on the 2026 NYSE calendar.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commands as allCommands } from '../../../commands/index.ts';
import { createApp, type App } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import { sessionsClosedSince } from '../../../src/data/cache.ts';
import { FAST } from './_helpers.ts';
import { startFakeServer, type FakeServer } from './_server.ts';
import { yahooRoute } from './_upstreams.ts';

describe('sessionsClosedSince (NYSE calendar, New York close)', () => {
  it.each([
    // Fri Aug 21 2026 is the newest bar. The close is 4 pm New York = 20:00 UTC in August.
    ['2026-08-22T16:00:00Z', 0, 'Saturday: no session since'],
    ['2026-08-24T19:00:00Z', 0, 'Monday before the close'],
    ['2026-08-24T20:30:00Z', 1, 'Monday after the close'],
    ['2026-08-26T19:00:00Z', 2, 'Wednesday before the close: Mon, Tue'],
    ['2026-08-26T20:30:00Z', 3, 'Wednesday after the close'],
    ['2026-09-08T20:30:00Z', 11, 'Tue Sep 8 after the close: Aug 24–28 (5), Aug 31–Sep 4 (5), Labor Day closed, Sep 8'],
  ])('at %s: %i (%s)', (now, n) => {
    expect(sessionsClosedSince('2026-08-21', new Date(now))).toBe(n);
  });
});

let yahooServer: FakeServer;
beforeAll(async () => {
  yahooServer = await startFakeServer(yahooRoute);
});
afterAll(async () => {
  await yahooServer.close();
});
const apps: App[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
});

function liveApp(clock: () => Date): App {
  const config = loadConfig({ RENDER_THREADS: '0', DATA_PROVIDERS: 'yahoo', YAHOO_BASE_URL: yahooServer.url });
  const app = createApp(config, { dbFile: ':memory:', commands: allCommands, data: { clock, httpPolicy: FAST } });
  apps.push(app);
  return app;
}

describe('the answer’s first line says when live data is stale', () => {
  it('months-old live data: the first line says how old, by the NYSE calendar', async () => {
    // The stand-in's newest bar is Fri Aug 21 2026; it is now Fri Nov 20 2026 after the close.
    // Aug 24 – Nov 20 is 13 weeks of weekdays (65), less Labor Day (Sep 7): 64 sessions.
    const app = liveApp(() => new Date('2026-11-20T21:30:00Z'));
    const r = await app.runner.runText('/compare IWM SPY period:1m');
    if (!r.ok) throw new Error(r.error.message);
    expect(r.answer.lines[0]).toBe('⚠ Stale data: the newest close I have for SPY and IWM is from Aug 21, 2026, 64 trading days ago.');
  }, 60_000);

  it('two sessions old is not stale; the third close makes it stale', async () => {
    let now = new Date('2026-08-26T19:00:00Z');
    const app = liveApp(() => now);
    const fresh = await app.runner.runText('/breakout SPY');
    if (!fresh.ok) throw new Error(fresh.error.message);
    expect(fresh.answer.lines.some((l) => /Stale data/.test(l))).toBe(false);
    now = new Date('2026-08-26T20:30:00Z');
    const stale = await app.runner.runText('/breakout SPY');
    if (!stale.ok) throw new Error(stale.error.message);
    expect(stale.answer.lines[0]).toBe('⚠ Stale data: the newest close I have for SPY is from Aug 21, 2026, 3 trading days ago.');
  }, 60_000);

  it('never for the bundled offline data, however old it is', async () => {
    const app = createApp(loadConfig({ RENDER_THREADS: '0' }), { dbFile: ':memory:', commands: allCommands });
    apps.push(app);
    const r = await app.runner.runText('/compare IWM SPY period:1m');
    if (!r.ok) throw new Error(r.error.message);
    expect(r.answer.lines.some((l) => /Stale data/.test(l))).toBe(false);
    expect(app.market.staleness?.('SPY')).toBeUndefined();
  });
});
