/** Tiingo, Polygon (Massive) and Alpha Vantage against fake servers replaying their real formats. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAlphaVantageProvider } from '../../../src/data/providers/alphavantage.ts';
import { createPolygonProvider } from '../../../src/data/providers/polygon.ts';
import { createTiingoProvider } from '../../../src/data/providers/tiingo.ts';
import { ProviderError } from '../../../src/errors.ts';
import { describeProviderContract } from '../provider-contract.ts';
import { FAST, SATURDAY, clockAt, recordedRequest, replay } from './_helpers.ts';
import { startFakeServer, type FakeServer } from './_server.ts';
import { alphaVantageRoute, csv, polygonRoute, tiingoRoute } from './_upstreams.ts';

const KEY = 'test-key-123456';
const servers: Record<'tiingo' | 'polygon' | 'alphavantage' | 'replay', FakeServer> = {} as never;
beforeAll(async () => {
  servers.tiingo = await startFakeServer(tiingoRoute);
  servers.polygon = await startFakeServer(polygonRoute);
  servers.alphavantage = await startFakeServer(alphaVantageRoute);
  servers.replay = await startFakeServer(() => ({ status: 500, body: 'no fixture set' }));
});
afterAll(async () => {
  for (const s of Object.values(servers)) await s.close();
});
beforeEach(() => {
  servers.replay.requests.length = 0;
});

const base = { apiKey: KEY, clock: clockAt(SATURDAY), policy: FAST };
const tiingo = (url = servers.tiingo.url) => createTiingoProvider({ ...base, baseURL: url });
const polygon = (url = servers.polygon.url) => createPolygonProvider({ ...base, baseURL: url });
const alphavantage = (url = servers.alphavantage.url) => createAlphaVantageProvider({ ...base, baseURL: url });
function replaying(name: string | ((path: string) => string)): string {
  servers.replay.setRoute((r) => replay(typeof name === 'string' ? name : name(r.path)));
  return servers.replay.url;
}
async function failureOf(p: Promise<unknown>): Promise<ProviderError> {
  const err: unknown = await p.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}
const csvRows = (symbol: string, from: string, to: string) => csv(symbol).filter((r) => r.date >= from && r.date <= to);

// Index symbols are what these providers know they lack: the contract's "unknown" is ^GSPC.
describeProviderContract('tiingo (fake server over the bundled CSVs)', () => tiingo(), { known: 'SPY', unknown: '^GSPC', from: '2026-06-01' });
describeProviderContract('polygon (fake server over the bundled CSVs)', () => polygon(), { known: 'SPY', unknown: '^GSPC', from: '2026-06-01' });
describeProviderContract('alphavantage (fake server over the bundled CSVs)', () => alphavantage(), { known: 'SPY', unknown: '^GSPC', from: '2026-06-01' });

describe('tiingo', () => {
  it('sends the token in the Authorization header and the recorded query', async () => {
    const url = replaying('tiingo-prices-SPY-2026-08-01-to-2026-08-21.fake.json');
    const bars = await tiingo(url).fetchDaily('SPY', { from: '2026-08-01' });
    const sent = servers.replay.requests[0];
    expect(sent?.headers.authorization).toBe(`Token ${KEY}`);
    expect(sent?.path).toBe(recordedRequest('tiingo-prices-SPY-2026-08-01-to-2026-08-21.fake.json').path);
    expect(sent?.query.get('startDate')).toBe('2026-08-01');
    expect(sent?.url, 'the key never travels in the URL').not.toContain(KEY);
    const rows = csvRows('SPY', '2026-08-01', '2026-08-21');
    expect(bars.map((b) => [b.date, b.close, b.adjClose])).toEqual(rows.map((r) => [r.date, r.close, r.adj]));
  });

  it('puts the as-traded prices before the XLK split of 2025-12-05 on the new basis', async () => {
    const h = await tiingo(replaying('tiingo-prices-XLK-2025-11-24-to-2025-12-12.fake.json')).fetchHistory('XLK', { from: '2025-11-24' });
    expect(h.splits).toEqual([{ date: '2025-12-05', ratio: 2 }]);
    const rows = csvRows('XLK', '2025-11-24', '2025-12-12');
    // The CSV close is split-adjusted; Tiingo sent twice that before Dec 5, rounded to 4 decimals.
    for (const [i, r] of rows.entries()) expect(h.bars[i]?.close, r.date).toBeCloseTo(r.close as number, 4);
  });

  it('maps its error payloads: unknown ticker → not-found, hourly allocation → rate-limited (no quick retry)', async () => {
    const missing = await failureOf(tiingo(replaying('tiingo-prices-ZZZZ.fake.json')).fetchDaily('ZZZZ'));
    expect([missing.failure, missing.message]).toEqual(['not-found', "Tiingo has no data for that symbol (Error: Ticker 'zzzz' not found)."]);
    servers.replay.requests.length = 0;
    const limited = await failureOf(tiingo(replaying('tiingo-prices-SPY-hourly-allocation.fake.json')).fetchDaily('SPY', { from: '2026-08-01' }));
    expect(limited.failure).toBe('rate-limited');
    expect(servers.replay.requests, 'an hourly quota is not retried within seconds').toHaveLength(1);
  });

  it('says it has no index data without asking', async () => {
    const before = servers.tiingo.requests.length;
    const p = tiingo();
    expect(p.knows?.('^GSPC')).toBe(false);
    expect((await failureOf(p.fetchDaily('^GSPC'))).message).toBe('Tiingo has no index data (^GSPC).');
    expect(servers.tiingo.requests.length).toBe(before);
  });
});

describe('polygon (Massive)', () => {
  const route = (path: string): string =>
    path.startsWith('/v2/aggs') ? 'polygon-aggs-SPY-2026-08-03-to-2026-08-21.fake.json' : path.endsWith('/dividends') ? 'polygon-dividends-SPY-2026-06-01.fake.json' : 'polygon-splits-XLK-2025-11-24.fake.json';

  it('asks aggregates (split-adjusted), dividends and splits with a Bearer key', async () => {
    const p = polygon(replaying(route));
    const h = await p.fetchHistory('SPY', { from: '2026-08-03' });
    const paths = servers.replay.requests.map((r) => r.path).sort();
    expect(paths).toEqual(['/stocks/v1/dividends', '/stocks/v1/splits', '/v2/aggs/ticker/SPY/range/1/day/2026-08-03/2026-08-22']);
    const aggs = servers.replay.requests.find((r) => r.path.startsWith('/v2/aggs'));
    const recorded = recordedRequest('polygon-aggs-SPY-2026-08-03-to-2026-08-21.fake.json');
    for (const k of ['adjusted', 'sort', 'limit']) expect(aggs?.query.get(k), k).toBe(recorded.query.get(k));
    expect(aggs?.headers.authorization).toBe(`Bearer ${KEY}`);
    const rows = csvRows('SPY', '2026-08-03', '2026-08-21');
    expect(h.bars.map((b) => [b.date, b.close])).toEqual(rows.map((r) => [r.date, r.close]));
  });

  it('reads the plan refusal and the per-minute limit', async () => {
    // Every request refused, even the one from two years back: the refusal stands after that one retry.
    const refused = await failureOf(polygon(replaying('polygon-aggs-SPY-not-authorized.fake.json')).fetchDaily('SPY'));
    expect(refused.failure).toBe('unavailable');
    expect(refused.message).toMatch(/doesn't include this data timeframe.*check POLYGON_API_KEY/);
    expect(servers.replay.requests.map((r) => r.path), 'the full range, then once from two years back').toEqual([
      '/v2/aggs/ticker/SPY/range/1/day/1990-01-01/2026-08-22',
      '/v2/aggs/ticker/SPY/range/1/day/2024-08-22/2026-08-22',
    ]);
    servers.replay.requests.length = 0;
    const notEntitled = await failureOf(polygon(replaying('polygon-aggs-SPY-not-entitled.fake.json')).fetchDaily('SPY'));
    expect(notEntitled.failure).toBe('unavailable');
    expect(servers.replay.requests, 'data outside the plan is not a timeframe: no shorter retry').toHaveLength(1);
    servers.replay.requests.length = 0;
    const limited = await failureOf(polygon(replaying('polygon-aggs-SPY-too-many-requests.fake.json')).fetchDaily('SPY', { from: '2026-08-03' }));
    expect(limited.failure).toBe('rate-limited');
    expect(servers.replay.requests.length, 'a 429 is retried (FAST: 2 retries)').toBe(3);
  });

  describe('on a free key (2 years of history)', () => {
    // The plan's window on SATURDAY (2026-08-22, New York): from 2024-08-22 on, by hand.
    const PLAN_START = '2024-08-22';
    let free: FakeServer;
    beforeAll(async () => {
      free = await startFakeServer((r) => {
        const m = /^\/v2\/aggs\/ticker\/[^/]+\/range\/1\/day\/([\d-]+)\//.exec(r.path);
        return m?.[1] !== undefined && m[1] < PLAN_START ? replay('polygon-aggs-SPY-not-authorized.fake.json') : polygonRoute(r);
      });
    });
    afterAll(() => free.close());
    const aggsStarts = (): string[] => free.requests.filter((r) => r.path.startsWith('/v2/aggs')).map((r) => r.path.split('/')[8] ?? '');

    it('asks again from two years back once refused, and starts there from then on', async () => {
      const p = polygon(free.url);
      const spy = await p.fetchHistory('SPY');
      expect(aggsStarts(), 'first the full history (refused), then from two years back').toEqual(['1990-01-01', PLAN_START]);
      const rows = csvRows('SPY', PLAN_START, '2026-08-21');
      expect(spy.bars.map((b) => [b.date, b.close]), 'the two years the plan allows, straight from the CSV').toEqual(rows.map((r) => [r.date, r.close]));
      const actions = free.requests.filter((r) => r.path.startsWith('/stocks/v1/'));
      expect(actions.map((r) => r.query.get('ex_dividend_date.gte') ?? r.query.get('execution_date.gte')), 'dividends and splits over the same two years').toEqual([PLAN_START, PLAN_START]);

      free.requests.length = 0;
      const xlk = await p.fetchHistory('XLK');
      expect(aggsStarts(), 'the limit is remembered: no refused request the second time').toEqual([PLAN_START]);
      expect(xlk.bars[0]?.date).toBe(csvRows('XLK', PLAN_START, '2026-08-21')[0]?.date);

      free.requests.length = 0;
      await p.fetchDaily('SPY', { from: '2026-08-03' });
      expect(aggsStarts(), 'a top-up inside the window is asked as is').toEqual(['2026-08-03']);
    });

    it('keeps the limit per provider: a new instance (another key, maybe a paid one) tries the full range first', async () => {
      free.requests.length = 0;
      await polygon(free.url).fetchHistory('SPY');
      expect(aggsStarts()).toEqual(['1990-01-01', PLAN_START]);
    });

    it('does not shorten a refused range that is already inside the window', async () => {
      free.inject({ when: (r) => r.path.startsWith('/v2/aggs'), reply: replay('polygon-aggs-SPY-not-authorized.fake.json') });
      free.requests.length = 0;
      const err = await failureOf(polygon(free.url).fetchDaily('SPY', { from: '2026-08-03' }));
      expect(err.failure).toBe('unavailable');
      expect(aggsStarts(), 'nothing shorter to ask').toEqual(['2026-08-03']);
    });
  });

  it('treats an empty full history as not-found', async () => {
    expect((await failureOf(polygon().fetchDaily('ZZZZ'))).failure).toBe('not-found');
  });
});

describe('alphavantage', () => {
  it('asks compact for a recent top-up and reads the newest-first series', async () => {
    const url = replaying('alphavantage-daily-adjusted-SPY-compact.fake.json');
    const bars = await alphavantage(url).fetchDaily('SPY', { from: '2026-08-03' });
    const sent = servers.replay.requests[0];
    const recorded = recordedRequest('alphavantage-daily-adjusted-SPY-compact.fake.json');
    for (const k of ['function', 'symbol', 'outputsize']) expect(sent?.query.get(k), k).toBe(recorded.query.get(k));
    expect(sent?.query.get('apikey'), 'Alpha Vantage only takes the key in the query').toBe(KEY);
    const rows = csvRows('SPY', '2026-08-03', '2026-08-21');
    expect(bars.map((b) => [b.date, b.close, b.adjClose])).toEqual(rows.map((r) => [r.date, r.close, r.adj]));
  });

  it('splits-adjusts with the split coefficient', async () => {
    // The compact XLK file covers the 100 sessions to 2026-08-21: after the split, so no coefficient in it.
    const h = await alphavantage(servers.alphavantage.url).fetchHistory('XLK', { from: '2025-11-24' });
    expect(h.splits).toEqual([{ date: '2025-12-05', ratio: 2 }]);
    const rows = csvRows('XLK', '2025-11-24', '2025-12-12');
    for (const [i, r] of rows.entries()) expect(h.bars[i]?.close, r.date).toBeCloseTo(r.close as number, 4);
  });

  it('reads the HTTP 200 error payloads: Note and Information are rate limits, a premium notice is unavailable', async () => {
    const note = await failureOf(alphavantage(replaying('alphavantage-note-call-frequency.fake.json')).fetchDaily('SPY', { from: '2026-08-03' }));
    expect(note.failure).toBe('rate-limited');
    const info = await failureOf(alphavantage(replaying('alphavantage-information-daily-limit.fake.json')).fetchDaily('SPY', { from: '2026-08-03' }));
    expect(info.failure).toBe('rate-limited');
    const premium = await failureOf(alphavantage(replaying('alphavantage-information-premium.fake.json')).fetchDaily('SPY'));
    expect([premium.failure, /premium plan/.test(premium.message)]).toEqual(['unavailable', true]);
    const invalid = await failureOf(alphavantage(replaying('alphavantage-daily-adjusted-ZZZZ.fake.json')).fetchDaily('ZZZZ'));
    expect(invalid.failure).toBe('not-found');
    expect(servers.replay.requests, 'none of these is retried').toHaveLength(4);
  });
});
