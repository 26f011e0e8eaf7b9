/**
 * A total time budget per answer (ANSWER_BUDGET_S): a stalled provider no longer keeps people waiting
 * for 3 attempts × 10 s. Retries and failover stop at the budget and the labelled fallback answers.
 * The providers run with the production HTTP policy (10 s per attempt, 2 retries); the budget is
 * made short so the test is quick. Nothing here reads a stopwatch: the tests assert which source
 * answered and what was asked, and the stalled server never answers at all — without the budget,
 * each would wait out 30+ s of attempts and fail on the test timeout.
 *
 * On a loaded machine: a budget is a real timer, so the one thing each test needs in time is the
 * stalled request reaching the fake server before the budget fires (a few ms on a quiet machine).
 * The budgets are 2 s or more (far under the 10 s an attempt may take, so it is still the budget that
 * stops the wait), and nothing else runs under a budget: the warm-up downloads are awaited without one.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commands as allCommands } from '../../../commands/index.ts';
import { createApp, type App } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import { createBundledProvider } from '../../../src/data/bundled.ts';
import { createFailoverProvider } from '../../../src/data/providers/failover.ts';
import { createYahooProvider } from '../../../src/data/providers/yahoo.ts';
import { SATURDAY, clockAt } from './_helpers.ts';
import { startFakeServer, type FakeServer } from './_server.ts';
import { yahooChart, yahooRoute } from './_upstreams.ts';

let yahooServer: FakeServer;
beforeAll(async () => {
  // Build the fake server's histories once up front, so a warm-up download is quick.
  for (const s of ['SPY', 'IWM']) yahooChart(s, 0, 2e9);
  yahooServer = await startFakeServer(yahooRoute);
});
afterAll(async () => {
  await yahooServer.close();
});
const apps: App[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
  yahooServer.requests.length = 0;
  yahooServer.setRoute(yahooRoute);
});

/** Production HTTP policy: nothing passed but the clock. */
function liveApp(providers: string, clock: () => Date, budget = '2'): App {
  const config = loadConfig({ RENDER_THREADS: '0', DATA_PROVIDERS: providers, YAHOO_BASE_URL: yahooServer.url, ANSWER_BUDGET_S: budget });
  const app = createApp(config, { dbFile: ':memory:', commands: allCommands, data: { clock } });
  apps.push(app);
  return app;
}

describe('the answer’s time budget', () => {
  it('is configurable, 8 s by default', () => {
    expect(loadConfig({}).ANSWER_BUDGET_S).toBe(8);
    expect(loadConfig({ ANSWER_BUDGET_S: '2.5' }).ANSWER_BUDGET_S).toBe(2.5);
    expect(() => loadConfig({ ANSWER_BUDGET_S: 'soon' })).toThrow(/ANSWER_BUDGET_S/);
  });

  it('a stalled provider on a cold start: the bundled files answer at the budget, labelled; no retry, no second stall', async () => {
    yahooServer.setRoute(() => 'hang');
    const app = liveApp('yahoo,bundled', clockAt(SATURDAY));
    const r = await app.runner.runText('/compare IWM SPY period:1m');
    if (!r.ok) throw new Error(r.error.message);
    // The bundled files that answered run to Oct 8, past the stand-ins' Aug 22 clock: the note names their newest close.
    expect(r.answer.warnings).toContain('Data as of Oct 8, 2026, live data unavailable.');
    expect(r.answer.asOf, 'answered wholly from the bundled files').toBe('2026-10-08');
    // SPY (the reference) waited on yahoo until the budget ran out; its retries were abandoned, and
    // IWM, loaded after it in the same answer, did not wait on yahoo at all.
    expect(yahooServer.requests.map((q) => q.path)).toEqual(['/v8/finance/chart/SPY']);
  }, 30_000);

  it('a stalled provider with a warm cache: the cached prices answer at the budget, labelled', async () => {
    let now = SATURDAY;
    const app = liveApp('yahoo', () => now);
    // The warm-up's full downloads run outside any answer's budget (a busy machine may take seconds
    // over them); the answer that follows reads them from the cache, and carries no warning.
    for (const s of ['SPY', 'IWM']) await app.market.series(s);
    const warm = await app.runner.runText('/compare IWM SPY period:1m');
    if (!warm.ok) throw new Error(warm.error.message);
    expect(warm.answer.warnings).toEqual([]);
    // Monday after the close: the cache wants Monday's bar, and yahoo stalls.
    now = new Date('2026-08-24T21:10:00Z');
    yahooServer.requests.length = 0;
    yahooServer.setRoute(() => 'hang');
    const r = await app.runner.runText('/compare IWM SPY period:1m');
    if (!r.ok) throw new Error(r.error.message);
    expect(r.answer.warnings).toContain('Data as of Aug 21, 2026, live data unavailable.');
    expect(yahooServer.requests, 'one stalled request, not three').toHaveLength(1);
  }, 30_000);

  it('the failover chain alone: a stall past its budget falls back, and says the budget stopped it', async () => {
    yahooServer.setRoute(() => 'hang');
    const yahoo = createYahooProvider({ baseURL: yahooServer.url, clock: clockAt(SATURDAY) });
    const chain = createFailoverProvider([yahoo, createBundledProvider()], { budgetMs: 2_000 });
    const h = await chain.fetchHistory('SPY', { from: '2026-08-03' });
    expect([h.provider, h.fallback]).toEqual(['bundled', true]);
    expect(h.fallbackReason).toMatch(/^yahoo: stopped waiting, the answer's time budget \(2 s\) ran out$/);
    expect(yahooServer.requests).toHaveLength(1);
  }, 30_000);

  it('a budget signal that has already fired skips the live providers without a request', async () => {
    const yahoo = createYahooProvider({ baseURL: yahooServer.url, clock: clockAt(SATURDAY) });
    const chain = createFailoverProvider([yahoo, createBundledProvider()]);
    const h = await chain.fetchHistory('SPY', { from: '2026-08-03', budget: AbortSignal.abort() });
    expect([h.provider, h.fallback]).toEqual(['bundled', true]);
    expect(yahooServer.requests).toHaveLength(0);
  });
});
