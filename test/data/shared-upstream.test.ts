/**
 * The providers shared by replicas, on a real PostgreSQL: one fetch per symbol across two replicas,
 * closed days asked for once, and a re-based history fetched whole.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { DailyBar } from '../../src/core/series.ts';
import { createCachedMarketData } from '../../src/data/cache.ts';
import type { PriceProvider } from '../../src/data/provider.ts';
import { createSharedUpstream, migrateSharedPrices } from '../../src/data/shared-upstream.ts';
import { createSymbolDirectory, loadManifest } from '../../src/data/symbols.ts';
import { openDatabase } from '../../src/store/db.ts';
import { openPg, type PgPool } from '../../src/store/pg.ts';
import { hasPg, TEST_DATABASE_URL, testSchema } from '../_services/services.ts';

const up = await hasPg();
const symbols = createSymbolDirectory(loadManifest());
const pools: { pool: PgPool; schema: string }[] = [];
afterAll(async () => {
  for (const { pool, schema } of pools) {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await pool.end();
  }
});

const DATES = ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06'];
const bar = (date: string, close: number, adj = close): DailyBar => ({ date, open: close, high: close, low: close, close, adjClose: adj, volume: 1000 });

/** A provider whose history the test writes; it records every ask. */
function fakeProvider() {
  const history = new Map<string, DailyBar[]>();
  const asks: { symbol: string; from: string | undefined }[] = [];
  const provider: PriceProvider = {
    name: 'fake-live',
    async fetchDaily(symbol, o) {
      asks.push({ symbol, from: o?.from });
      // Long enough that asks from both replicas overlap with it.
      await new Promise((r) => setTimeout(r, 40));
      return (history.get(symbol) ?? []).filter((b) => o?.from === undefined || b.date >= o.from);
    },
  };
  return { provider, history, asks };
}

async function pools2(label: string): Promise<[PgPool, PgPool]> {
  const schema = testSchema(label);
  const a = await openPg({ url: TEST_DATABASE_URL, schema, max: 4 });
  const b = await openPg({ url: TEST_DATABASE_URL, schema, max: 4 });
  pools.push({ pool: a, schema }, { pool: b, schema });
  await migrateSharedPrices(a);
  return [a, b];
}

describe.skipIf(!up)('shared upstream', () => {
  it('100 lookups of 10 symbols spread over two replicas ask the provider 10 times', async () => {
    const fake = fakeProvider();
    const ten = ['SPY', 'QQQ', 'IWM', 'XLK', 'XLE', 'XLF', 'XLU', 'XLV', 'XLP', 'XLY'];
    for (const s of ten) fake.history.set(s, DATES.map((d, i) => bar(d, 100 + i)));
    const [p1, p2] = await pools2('shared_ten');
    const replicas = [p1, p2].map((pool) => createCachedMarketData({ db: openDatabase(':memory:'), upstream: createSharedUpstream(fake.provider, { pool }), symbols }));
    const lookups = Array.from({ length: 100 }, (_, i) => (i % 2 ? replicas[1] : replicas[0])?.series(ten[i % 10] ?? 'SPY') ?? Promise.reject(new Error('no replica')));
    const got = await Promise.all(lookups);
    expect(got.every((s) => s?.dates.length === 5), 'every lookup has the five days').toBe(true);
    expect(fake.asks.length, 'one provider fetch per symbol, not per replica').toBe(10);
    expect(new Set(fake.asks.map((a) => a.symbol)).size).toBe(10);
  });

  it('after the fresh window, asks only for the days since the newest stored bar, and joins them', async () => {
    const fake = fakeProvider();
    fake.history.set('SPY', DATES.slice(0, 4).map((d, i) => bar(d, 100 + i)));
    const [pool] = await pools2('shared_topup');
    let t = 1_000_000;
    const shared = createSharedUpstream(fake.provider, { pool, freshMs: 60_000, now: () => t });
    expect((await shared.fetchDaily('SPY')).length).toBe(4);
    fake.history.set('SPY', DATES.map((d, i) => bar(d, 100 + i)));
    t += 30_000;
    expect((await shared.fetchDaily('SPY')).length, 'within the window: the stored answer').toBe(4);
    expect(fake.asks.length).toBe(1);
    t += 60_000;
    const joined = await shared.fetchDaily('SPY');
    expect(fake.asks[1], 'the newest stored day again (the overlap), and what follows').toEqual({ symbol: 'SPY', from: '2026-03-05' });
    expect(joined.map((b) => b.date)).toEqual(DATES);
    expect((await shared.fetchDaily('SPY', { from: '2026-03-04' })).map((b) => b.date), 'a window of the stored answer').toEqual(DATES.slice(2));
  });

  it('a re-based overlap (a new dividend moved adjClose) fetches the history whole', async () => {
    const fake = fakeProvider();
    fake.history.set('SPY', DATES.slice(0, 4).map((d, i) => bar(d, 100 + i)));
    const [pool] = await pools2('shared_rebase');
    let t = 1_000_000;
    const shared = createSharedUpstream(fake.provider, { pool, freshMs: 1, now: () => t });
    await shared.fetchDaily('SPY');
    // Every earlier adjClose scaled by 0.99: the provider re-based its total return.
    fake.history.set('SPY', DATES.map((d, i) => bar(d, 100 + i, (100 + i) * 0.99)));
    t += 10;
    const bars = await shared.fetchDaily('SPY');
    expect(fake.asks.map((a) => a.from), 'the top-up, then the whole history').toEqual([undefined, '2026-03-05', undefined]);
    expect(bars[0]?.adjClose, 'on the new basis throughout: 100 × 0.99').toBeCloseTo(99, 10);
  });
});
