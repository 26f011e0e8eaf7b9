/**
 * The whole app on live providers (fake Yahoo and Tiingo servers): many simultaneous commands share
 * one fetch per symbol; when every live provider fails, answers come from the cache and say so;
 * /status shows provider health and the cache.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commands as allCommands } from '../../../commands/index.ts';
import status from '../../../commands/status.ts';
import { createApp, type App } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import { commandDriver } from '../../_app.ts';
import { FAST, SATURDAY } from './_helpers.ts';
import { startFakeServer, type FakeServer } from './_server.ts';
import { tiingoRoute, yahooRoute } from './_upstreams.ts';

let yahooServer: FakeServer;
let tiingoServer: FakeServer;
beforeAll(async () => {
  yahooServer = await startFakeServer(yahooRoute);
  tiingoServer = await startFakeServer(tiingoRoute);
});
afterAll(async () => {
  await yahooServer.close();
  await tiingoServer.close();
});
const apps: App[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
  for (const s of [yahooServer, tiingoServer]) {
    s.requests.length = 0;
  }
  yahooServer.setRoute(yahooRoute);
  tiingoServer.setRoute(tiingoRoute);
});

function liveApp(providers: string, clock: () => Date, httpPolicy = FAST, answerBudgetS?: number): App {
  const config = loadConfig({
    RENDER_THREADS: '0',
    ...(answerBudgetS === undefined ? {} : { ANSWER_BUDGET_S: String(answerBudgetS) }),
    DATA_PROVIDERS: providers,
    TIINGO_API_KEY: 'test-key-123456',
    YAHOO_BASE_URL: yahooServer.url,
    TIINGO_BASE_URL: tiingoServer.url,
  });
  const app = createApp(config, { dbFile: ':memory:', commands: [...allCommands.filter((c) => c.name !== 'status'), status], data: { clock, httpPolicy } });
  apps.push(app);
  return app;
}
const down = () => ({ status: 503, body: 'Service Unavailable' });

describe('live data through the app', () => {
  it('100 simultaneous commands over the same 10 symbols make at most 10 upstream requests', async () => {
    // 100 charts drawn inline share this thread with the fake servers: on a loaded machine a reply can wait
    // seconds behind them. This test counts requests, so the provider timeout and the answer budget are out
    // of its way.
    const app = liveApp('yahoo,tiingo', () => SATURDAY, { ...FAST, timeoutMs: 120_000 }, 120);
    const others = ['IWM', 'QQQ', 'XLK', 'XLF', 'XLE', 'XLU', 'XLV', 'XLP', 'XLI'];
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => app.runner.runText(`/compare ${others[i % others.length] ?? 'IWM'} SPY period:1m`)));
    const failed = results.filter((r) => !r.ok);
    expect(failed.map((r) => (r.ok ? '' : r.error.message)), 'every command answered').toEqual([]);
    expect(yahooServer.requests.length, 'one full-history request per symbol').toBeLessThanOrEqual(10);
    expect(new Set(yahooServer.requests.map((r) => r.path)).size).toBe(yahooServer.requests.length);
    expect(tiingoServer.requests).toHaveLength(0);
    const first = results[0];
    expect(first?.ok && first.answer.asOf).toBe('2026-08-21');
    expect(first?.ok && first.answer.source).toBe('Yahoo Finance daily prices (fallback: Tiingo)');
  }, 240_000);

  it('when every live provider fails, answers come from the cache with a visible warning', async () => {
    let now = SATURDAY;
    const app = liveApp('yahoo,tiingo', () => now);
    const warm = await app.runner.runText('/compare IWM SPY period:1m');
    expect(warm.ok && warm.answer.warnings).toEqual([]);
    // Monday after the close: the cache wants Monday's bar, and both providers are down.
    now = new Date('2026-08-24T21:10:00Z');
    yahooServer.setRoute(down);
    tiingoServer.setRoute(down);
    const r = await app.runner.runText('/compare IWM SPY period:1m');
    expect(r.ok, 'answered from the cache').toBe(true);
    if (!r.ok) return;
    expect(r.answer.asOf).toBe('2026-08-21');
    expect(r.answer.warnings).toContain('Data as of Aug 21, 2026, live data unavailable.');
    expect(r.answer.warnings.filter((w) => /live data unavailable/.test(w)), 'said once, not per symbol').toHaveLength(1);
    expect(yahooServer.requests.length, 'both providers were really asked').toBeGreaterThan(2);
    expect(tiingoServer.requests.length).toBeGreaterThan(0);
  });

  it('with nothing cached and every live provider down, it says there is no data', async () => {
    yahooServer.setRoute(down);
    tiingoServer.setRoute(down);
    const app = liveApp('yahoo,tiingo', () => SATURDAY);
    const r = await app.runner.runText('/compare IWM SPY');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.audience).toBe('retry');
    expect(r.error.message, "fixed words: which providers failed and how stays in the log").toMatch(/^Market data is unavailable right now; try again shortly\. Reference [0-9a-f]{6}\.$/);
  });

  it('with the bundled files as last resort, a cold start still answers, with the warning', async () => {
    yahooServer.setRoute(() => 'reset');
    tiingoServer.setRoute(down);
    // Data v2: the bundled files end Thu Oct 8, 2026, so the clock is the Saturday after it.
    const app = liveApp('yahoo,tiingo,bundled', () => new Date('2026-10-10T16:00:00Z'));
    const r = await app.runner.runText('/compare IWM SPY period:1m');
    expect(r.ok && r.answer.warnings).toContain('Data as of Oct 8, 2026, live data unavailable.');
  });

  it('/status shows each provider’s health and the newest cached close per symbol', async () => {
    const app = liveApp('yahoo,tiingo,bundled', () => SATURDAY);
    await app.runner.runText('/compare IWM SPY period:1m');
    const r = await app.runner.runText('/status');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const text = r.answer.lines.join('\n');
    expect(text).toMatch(/\*\*yahoo\*\* — healthy \(circuit closed\) · last success just now · 2 requests, 0 failed/);
    expect(text).toMatch(/\*\*tiingo\*\* — healthy \(circuit closed\) · no success yet · 0 requests, 0 failed/);
    expect(text).toMatch(/\*\*bundled\*\* — offline bundled files/);
    expect(text).toMatch(/Aug 21, 2026 \(from yahoo\): IWM, SPY/);
    const facts = (await commandDriver(app).answerOf(status, '/status')).facts;
    expect(facts.providers.find((p) => p.name === 'yahoo')?.circuit).toBe('closed');
    expect(facts.cache.SPY).toBe('2026-08-21');
  });

  it('an unknown ticker on a live provider is answered with what Yahoo’s symbol search finds, cached', async () => {
    // The search body is Yahoo's format (recorded as ../shared/fixtures/yahoo/search-AMZN.json), trimmed.
    const search = { quotes: [{ symbol: 'AMZN', shortname: 'Amazon.com, Inc.', longname: 'Amazon.com, Inc.', quoteType: 'EQUITY', exchDisp: 'NASDAQ' }] };
    yahooServer.setRoute((r) => (r.path === '/v1/finance/search' ? { body: search } : yahooRoute(r)));
    const app = liveApp('yahoo', () => SATURDAY);
    expect(app.lookup, 'created with a live Yahoo provider').toBeDefined();
    const r = await app.runner.runText('/perf AMZNN');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/Did you mean AMZN\?/);
    const again = await app.runner.runText('/perf AMZNN');
    expect(again.ok).toBe(false);
    expect(yahooServer.requests.filter((q) => q.path === '/v1/finance/search'), 'the second answer came from the cache').toHaveLength(1);
    expect(yahooServer.requests.find((q) => q.path === '/v1/finance/search')?.query.get('q')).toBe('AMZNN');
  });
});
