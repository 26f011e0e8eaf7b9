import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createYahooProvider, YAHOO_USER_AGENT } from '../../../src/data/providers/yahoo.ts';
import { ProviderError } from '../../../src/errors.ts';
import { describeProviderContract } from '../provider-contract.ts';
import { FAST, SATURDAY, clockAt, recordedRequest, replay } from './_helpers.ts';
import { startFakeServer, type FakeServer } from './_server.ts';
import { csv, yahooRoute } from './_upstreams.ts';

let live: FakeServer;
let replayer: FakeServer;
beforeAll(async () => {
  live = await startFakeServer(yahooRoute);
  replayer = await startFakeServer(() => ({ status: 500, body: 'no fixture set' }));
});
afterAll(async () => {
  await live.close();
  await replayer.close();
});
afterEach(() => {
  replayer.requests.length = 0;
});

const yahoo = (url: string) => createYahooProvider({ baseURL: url, clock: clockAt(SATURDAY), policy: FAST });
const fromFixture = (name: string) => {
  replayer.setRoute(() => replay(name));
  return yahoo(replayer.url);
};
async function failureOf(p: Promise<unknown>): Promise<ProviderError> {
  const err: unknown = await p.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

describeProviderContract('yahoo (fake query2 over the bundled CSVs)', () => yahoo(live.url), { known: 'SPY', unknown: 'ZZZZ', from: '2026-06-01' });

describe('yahoo: the request', () => {
  it('asks the chart endpoint the way the recorded request does, with a browser User-Agent', async () => {
    const p = fromFixture('yahoo-chart-SPY-2026-08-01-to-2026-08-21.fake.json');
    await p.fetchDaily('SPY', { from: '2026-08-01' });
    const sent = replayer.requests[0];
    const recorded = recordedRequest('yahoo-chart-SPY-2026-08-01-to-2026-08-21.fake.json');
    expect(sent?.path).toBe(recorded.path);
    for (const k of ['period1', 'interval', 'events', 'includeAdjustedClose']) expect(sent?.query.get(k), k).toBe(recorded.query.get(k));
    // period2 reaches past "now" (Saturday noon) so a session in progress is included.
    expect(Number(sent?.query.get('period2'))).toBeGreaterThan(SATURDAY.getTime() / 1000);
    expect(sent?.headers['user-agent']).toBe(YAHOO_USER_AGENT);
  });

  it('URL-encodes index symbols', async () => {
    const p = fromFixture('yahoo-chart-^GSPC-2026-08-01-to-2026-08-21.fake.json');
    const bars = await p.fetchDaily('^GSPC', { from: '2026-08-01' });
    expect(replayer.requests[0]?.url).toMatch(/^\/v8\/finance\/chart\/%5EGSPC\?/);
    expect(bars.every((b) => b.adjClose === b.close), 'an index has no dividends: total return = level').toBe(true);
  });
});

describe('yahoo: recorded responses', () => {
  it('reads the bars of Aug 2026 exactly as data/prices/SPY.csv has them', async () => {
    const bars = await fromFixture('yahoo-chart-SPY-2026-08-01-to-2026-08-21.fake.json').fetchDaily('SPY', { from: '2026-08-01' });
    const rows = csv('SPY').filter((r) => r.date >= '2026-08-01' && r.date <= '2026-08-21');
    expect(bars.map((b) => [b.date, b.open, b.high, b.low, b.close, b.volume])).toEqual(rows.map((r) => [r.date, r.open, r.high, r.low, r.close, r.volume]));
    // No dividend between Aug 3 and Aug 21, so the total return equals the close, as in the CSV.
    expect(bars.map((b) => b.adjClose)).toEqual(rows.map((r) => r.adj));
  });

  it('derives the June 2026 total return from the dividend event, matching the CSV adj_close returns', async () => {
    const h = await fromFixture('yahoo-chart-SPY-2026-06-01-to-2026-06-30.fake.json').fetchHistory('SPY', { from: '2026-06-01' });
    // SPY.csv 2026-06-17: close 740.96, adj 739.056; from 2026-06-18 adj = close. So the dividend that
    // went ex on Jun 18 is 740.96 − 739.056 = 1.904.
    expect(h.dividends).toEqual([{ date: '2026-06-18', amount: 1.904 }]);
    const rows = csv('SPY').filter((r) => r.date >= '2026-06-01' && r.date <= '2026-06-30');
    for (let i = 1; i < rows.length; i++) {
      const ours = (h.bars[i]?.adjClose as number) / (h.bars[i - 1]?.adjClose as number);
      const csvReturn = (rows[i]?.adj as number) / (rows[i - 1]?.adj as number);
      expect(Math.abs(ours - csvReturn), `return on ${rows[i]?.date}`).toBeLessThan(2e-6);
    }
  });

  it('reports the XLK 2-for-1 split of 2025-12-05 without changing the already split-adjusted closes', async () => {
    const h = await fromFixture('yahoo-chart-XLK-2025-11-24-to-2025-12-12.fake.json').fetchHistory('XLK', { from: '2025-11-24' });
    expect(h.splits).toEqual([{ date: '2025-12-05', ratio: 2 }]);
    const rows = csv('XLK').filter((r) => r.date >= '2025-11-24' && r.date <= '2025-12-12');
    expect(h.bars.map((b) => b.close)).toEqual(rows.map((r) => r.close));
  });

  it('maps the "Not Found" chart error to not-found', async () => {
    const err = await failureOf(fromFixture('yahoo-chart-ZZZZ-2026-08-01-to-2026-08-21.fake.json').fetchDaily('ZZZZ'));
    expect(err.failure).toBe('not-found');
    expect(err.message).toMatch(/No data found, symbol may be delisted/);
    expect(replayer.requests, 'not-found is not retried').toHaveLength(1);
  });
});

describe('yahoo: invented edge cases (*.fake.json)', () => {
  it('refuses a series with a gap', async () => {
    const err = await failureOf(fromFixture('yahoo-chart-SPY-gap.fake.json').fetchDaily('SPY', { from: '2026-08-01' }));
    expect(err.failure).toBe('invalid-data');
    expect(err.message).toMatch(/no bar for Aug 12, 2026/);
  });

  it('refuses a split-sized jump that has no split event', async () => {
    const err = await failureOf(fromFixture('yahoo-chart-SPY-split-without-event.fake.json').fetchDaily('SPY', { from: '2026-08-01' }));
    expect(err.failure).toBe('invalid-data');
    expect(err.message).toMatch(/Aug 12, 2026 \(×0\.50\d\), the size of a split, but there is no split event/);
  });

  it('refuses a missing close on a trading day', async () => {
    const err = await failureOf(fromFixture('yahoo-chart-SPY-missing-close.fake.json').fetchDaily('SPY', { from: '2026-08-01' }));
    expect(err.message).toMatch(/no closing price on Aug 7, 2026/);
  });

  it("keeps only the last of Yahoo's repeated live row", async () => {
    const bars = await fromFixture('yahoo-chart-SPY-repeated-last-row.fake.json').fetchDaily('SPY', { from: '2026-08-01' });
    expect(bars.map((b) => b.date).filter((d) => d === '2026-08-21')).toHaveLength(1);
    expect(bars).toHaveLength(15);
  });

  it('treats a range without bars as "nothing new", and a history without bars as not-found', async () => {
    const p = yahoo(live.url);
    expect(await p.fetchDaily('SPY', { from: '2026-08-24' })).toEqual([]);
    live.inject({ body: { chart: { result: [{ meta: { symbol: 'SPY', exchangeTimezoneName: 'America/New_York' }, indicators: { quote: [{}] } }], error: null } } });
    expect((await failureOf(p.fetchDaily('SPY'))).failure).toBe('not-found');
  });
});
