/**
 * The cache over a HistoryProvider (the live chain): top-ups anchored on a final bar, re-based by
 * exact factors at dividends and splits, refused when history changes under us, and served from
 * the cache with a warning when upstream fails. Plus the live refresh policy against the calendar.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createCachedMarketData, type RefreshPolicy, type SeriesMeta } from '../../../src/data/cache.ts';
import { deriveAdjClose, type Dividend, type HistoryProvider, type PriceHistory, type RawBar, type Split } from '../../../src/data/providers/actions.ts';
import { latestSession, liveRefreshPolicy } from '../../../src/data/providers/refresh.ts';
import { createSymbolDirectory, loadManifest } from '../../../src/data/symbols.ts';
import { ProviderError } from '../../../src/errors.ts';
import { openDatabase, type Database } from '../../../src/store/db.ts';

const symbols = createSymbolDirectory(loadManifest());
const dbs: Database[] = [];
const memoryDb = (): Database => {
  const db = openDatabase(':memory:');
  dbs.push(db);
  return db;
};
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

/** An in-memory live provider whose closes and events tests change between calls. */
function scriptedHistory() {
  const state = {
    closes: new Map<string, number>(),
    dividends: [] as Dividend[],
    splits: [] as Split[],
    calls: [] as (string | undefined)[],
    fail: undefined as ProviderError | undefined,
    fallback: false,
  };
  const raw = (): RawBar[] =>
    [...state.closes].sort(([a], [b]) => (a < b ? -1 : 1)).map(([date, close]) => ({ date, open: close, high: close, low: close, close, volume: 1000 }));
  const provider: HistoryProvider = {
    name: 'live',
    async fetchHistory(symbol, opts) {
      state.calls.push(opts?.from);
      if (state.fail) throw state.fail;
      if (symbol !== 'SPY') throw new ProviderError('live', 'not-found', `no ${symbol}`);
      const bars = deriveAdjClose(raw(), state.dividends).filter((b) => opts?.from === undefined || b.date >= opts.from);
      const first = bars[0]?.date ?? '';
      const h: PriceHistory = {
        bars,
        dividends: state.dividends.filter((d) => d.date >= first),
        splits: state.splits.filter((s) => s.date >= first),
        provider: state.fallback ? 'bundled' : 'yahoo',
        ...(state.fallback ? { fallback: true, fallbackReason: 'yahoo: down' } : {}),
      };
      return h;
    },
    async fetchDaily(symbol, opts) {
      return (await this.fetchHistory(symbol, opts)).bars;
    },
  };
  /** What a fresh full download would give now: the reference the cache must equal. */
  const fullNow = () => deriveAdjClose(raw(), state.dividends);
  return { provider, state, fullNow };
}

const always: RefreshPolicy = { refreshFrom: (m) => m.lastDate };
const setCloses = (s: ReturnType<typeof scriptedHistory>['state'], rows: [string, number][]) => {
  s.closes = new Map(rows);
};
const sqlAll = (db: Database, sql: string): unknown[] => db.prepare(sql).raw(true).all();

describe('top-up through a history provider', () => {
  it('re-bases the stored total return by the exact factor of a new dividend, without re-downloading', async () => {
    const db = memoryDb();
    const { provider, state, fullNow } = scriptedHistory();
    setCloses(state, [['2026-08-17', 100], ['2026-08-18', 101], ['2026-08-19', 102]]);
    const md = createCachedMarketData({ db, upstream: provider, symbols, refreshPolicy: always });
    await md.series('SPY');
    // A $1.50 dividend goes ex on Aug 20 (close 100): every earlier day scales by 1 − 1.5/102.
    state.closes.set('2026-08-20', 100);
    state.dividends = [{ date: '2026-08-20', amount: 1.5 }];
    const s = await md.series('SPY');
    expect(state.calls, 'full history once, then only from the anchor').toEqual([undefined, '2026-08-19']);
    const f = 1 - 1.5 / 102;
    expect(s.adjClose[0]).toBeCloseTo(100 * f, 12);
    expect(s.adjClose[1]).toBeCloseTo(101 * f, 12);
    expect(Array.from(s.adjClose.slice(2))).toEqual([102 * f, 100]);
    expect(Array.from(s.adjClose), 'same as a fresh full download').toEqual(fullNow().map((b) => expect.closeTo(b.adjClose, 10)));
    expect(sqlAll(db, "SELECT date, kind, value, provider FROM events WHERE symbol = 'SPY'")).toEqual([['2026-08-20', 'dividend', 1.5, 'yahoo']]);
    expect(md.notes('SPY')).toEqual([]);
  });

  it('puts stored prices on the new basis after a split, checked against the overlap', async () => {
    const db = memoryDb();
    const { provider, state } = scriptedHistory();
    setCloses(state, [['2025-12-02', 290], ['2025-12-03', 292], ['2025-12-04', 294]]);
    const md = createCachedMarketData({ db, upstream: provider, symbols, refreshPolicy: always });
    await md.series('SPY');
    // 2-for-1 from Dec 5: the provider now sends everything on the new basis, with the event.
    setCloses(state, [['2025-12-02', 145], ['2025-12-03', 146], ['2025-12-04', 147], ['2025-12-05', 148]]);
    state.splits = [{ date: '2025-12-05', ratio: 2 }];
    const s = await md.series('SPY');
    expect(s.close).toEqual([145, 146, 147, 148]);
    expect(Array.from(s.adjClose)).toEqual([145, 146, 147, 148]);
    expect(s.volume, 'volume doubles on the old days').toEqual([2000, 2000, 1000, 1000]);
    // Asked again (nothing new), the split is not applied twice.
    const again = await md.series('SPY');
    expect(again.close).toEqual([145, 146, 147, 148]);
  });

  it('refuses a provider that rewrites a closed day, and keeps serving the cache with a warning', async () => {
    const db = memoryDb();
    const { provider, state } = scriptedHistory();
    setCloses(state, [['2026-08-19', 100], ['2026-08-20', 101]]);
    let now = new Date('2026-08-22T16:00:00Z');
    const md = createCachedMarketData({ db, upstream: provider, symbols, refreshPolicy: always, clock: () => now });
    const before = await md.series('SPY');
    state.closes.set('2026-08-20', 110);
    state.closes.set('2026-08-21', 111);
    const after = await md.series('SPY');
    expect(after, 'the cached series, unchanged').toBe(before);
    expect(md.notes('SPY')).toEqual(['Data as of Aug 20, 2026, live data unavailable.']);
    // Within the failure back-off upstream is left alone; after it, asked again.
    await md.series('SPY');
    expect(state.calls).toHaveLength(2);
    now = new Date(now.getTime() + 31_000);
    state.closes.set('2026-08-20', 101);
    const fixed = await md.series('SPY');
    expect(fixed.dates).toEqual(['2026-08-19', '2026-08-20', '2026-08-21']);
    expect(md.notes('SPY'), 'a good top-up clears the warning').toEqual([]);
  });

  it('anchors on the bar before a provisional one, and replaces the provisional bar', async () => {
    const db = memoryDb();
    const { provider, state } = scriptedHistory();
    setCloses(state, [['2026-08-20', 100], ['2026-08-21', 100.5]]);
    const provisional: RefreshPolicy = { refreshFrom: (m) => m.lastDate, lastBarFinal: () => false };
    const md = createCachedMarketData({ db, upstream: provider, symbols, refreshPolicy: provisional });
    await md.series('SPY');
    state.closes.set('2026-08-21', 102); // the final close differs from the intraday one
    const s = await md.series('SPY');
    expect(state.calls[1], 'fetched from the last final bar').toBe('2026-08-20');
    expect(s.close).toEqual([100, 102]);
  });

  it('keeps its fresher history when only the offline fallback answers, and says so', async () => {
    const { provider, state } = scriptedHistory();
    setCloses(state, [['2026-08-20', 100], ['2026-08-21', 101]]);
    const md = createCachedMarketData({ db: memoryDb(), upstream: provider, symbols, refreshPolicy: always });
    const before = await md.series('SPY');
    state.fallback = true;
    expect(await md.series('SPY')).toBe(before);
    expect(md.notes('SPY')).toEqual(['Data as of Aug 21, 2026, live data unavailable.']);
  });

  it('stores a cold fallback answer with the warning, and reports the cache for /status', async () => {
    const { provider, state } = scriptedHistory();
    setCloses(state, [['2026-08-20', 100], ['2026-08-21', 101]]);
    state.fallback = true;
    const md = createCachedMarketData({ db: memoryDb(), upstream: provider, symbols });
    expect((await md.series('SPY')).dates).toEqual(['2026-08-20', '2026-08-21']);
    expect(md.notes('spx'), 'other symbols carry no warning').toEqual([]);
    expect(md.cacheStatus()).toEqual([
      { symbol: 'SPY', lastDate: '2026-08-21', source: 'bundled', fetchedAt: expect.any(String) as string, note: 'Data as of Aug 21, 2026, live data unavailable.' },
    ]);
  });

  it('with no cache and upstream down, there is no data: the error says so', async () => {
    const { provider, state } = scriptedHistory();
    state.fail = new ProviderError('live', 'unavailable', 'No market data for SPY right now: yahoo: down');
    const md = createCachedMarketData({ db: memoryDb(), upstream: provider, symbols });
    await expect(md.series('SPY')).rejects.toMatchObject({ failure: 'unavailable' });
  });
});

describe('live refresh policy', () => {
  const policy = liveRefreshPolicy();
  const meta = (lastDate: string, fetchedAt: string): SeriesMeta => ({ symbol: 'SPY', provider: 'live', fetchedAt, firstDate: '1993-01-29', lastDate });
  const ny = (local: string): Date => new Date(`${local}-04:00`); // EDT in August

  it('never asks on a weekend once Friday’s bar is final', () => {
    expect(latestSession(ny('2026-08-22T12:00:00'))).toBe('2026-08-21');
    expect(policy.refreshFrom(meta('2026-08-21', '2026-08-21T20:30:00.000Z'), ny('2026-08-23T12:00:00'))).toBeNull();
  });

  it('fetches the missing session once it has opened, with the intraday TTL', () => {
    const m = meta('2026-08-21', '2026-08-24T13:58:00.000Z'); // fetched Monday 9:58 NY
    expect(policy.refreshFrom(m, ny('2026-08-24T09:15:00')), 'before the open: nothing new').toBeNull();
    expect(policy.refreshFrom(m, ny('2026-08-24T10:01:00')), '3 minutes later: still fresh').toBeNull();
    expect(policy.refreshFrom(m, ny('2026-08-24T10:04:00'))).toBe('2026-08-21');
  });

  it('trusts a bar of the session in progress for 5 minutes, then finalizes it after the close', () => {
    const intraday = meta('2026-08-24', '2026-08-24T18:58:00.000Z'); // 14:58 NY
    expect(policy.refreshFrom(intraday, ny('2026-08-24T15:02:00'))).toBeNull();
    expect(policy.refreshFrom(intraday, ny('2026-08-24T15:04:00'))).toBe('2026-08-24');
    expect(policy.lastBarFinal?.(intraday)).toBe(false);
    // After 16:00 + 20 min of settling: fetch once more, then it is final and never asked again.
    expect(policy.refreshFrom(meta('2026-08-24', '2026-08-24T20:12:00.000Z'), ny('2026-08-24T16:25:00'))).toBe('2026-08-24');
    const final = meta('2026-08-24', '2026-08-24T20:25:00.000Z');
    expect(policy.lastBarFinal?.(final)).toBe(true);
    expect(policy.refreshFrom(final, ny('2026-08-24T23:00:00'))).toBeNull();
  });

  it('looks again every 15 minutes for an end-of-day bar not published yet', () => {
    const m = meta('2026-08-21', '2026-08-24T20:50:00.000Z'); // 16:50 NY, no Monday bar yet
    expect(policy.refreshFrom(m, ny('2026-08-24T17:00:00'))).toBeNull();
    expect(policy.refreshFrom(m, ny('2026-08-24T17:06:00'))).toBe('2026-08-21');
  });

  it('uses early closes: the day after Thanksgiving 2026 closes at 13:00', () => {
    // 13:25 NY (EST, UTC−5) is after 13:00 + 20 min: final.
    expect(policy.lastBarFinal?.(meta('2026-11-27', '2026-11-27T18:25:00.000Z'))).toBe(true);
    expect(policy.lastBarFinal?.(meta('2026-11-27', '2026-11-27T18:15:00.000Z'))).toBe(false);
  });
});
