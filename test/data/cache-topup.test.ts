/**
 * A live top-up adds the new bars to the series already in memory instead of reading the symbol's
 * whole history back from SQLite. The SQL reads are counted through the cache's `onBarsRead` seam
 * (no timings); the values come from the providers' own data: SPY's bundled CSV rows for a plain
 * provider, and hand-set closes and a dividend for a history provider.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DailyBar, DailySeries } from '../../src/core/series.ts';
import { createCachedMarketData, NEVER_REFRESH, type RefreshPolicy } from '../../src/data/cache.ts';
import type { PriceProvider } from '../../src/data/provider.ts';
import { deriveAdjClose, type Dividend, type HistoryProvider, type RawBar } from '../../src/data/providers/actions.ts';
import { createSymbolDirectory, loadManifest } from '../../src/data/symbols.ts';
import { openDatabase, type Database } from '../../src/store/db.ts';
import { csvRows } from '../core/_realdata.ts';

const symbols = createSymbolDirectory(loadManifest());
const always: RefreshPolicy = { refreshFrom: (m) => m.lastDate };
const dbs: Database[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});
const memoryDb = (): Database => {
  const db = openDatabase(':memory:');
  dbs.push(db);
  return db;
};

const num = (field: string): number | null => (field === '' ? null : Number(field));
/** SPY's bundled CSV rows as bars, straight from the file. */
const spyBars: DailyBar[] = csvRows('SPY').map((r) => ({ date: r.date, open: num(r.open), high: num(r.high), low: num(r.low), close: num(r.close), adjClose: Number(r.adj_close), volume: num(r.volume) }));

/** A plain provider serving SPY's CSV up to `state.through`, as a live feed would as days pass. */
function csvFeed(state: { through: string; asks: (string | undefined)[] }): PriceProvider {
  return {
    name: 'feed',
    knows: (s) => s === 'SPY',
    async fetchDaily(symbol, opts) {
      state.asks.push(opts?.from);
      return spyBars.filter((b) => b.date <= state.through && (opts?.from === undefined || b.date >= opts.from));
    },
  };
}

const rows = (s: DailySeries) => s.dates.map((date, i) => [date, s.open[i], s.high[i], s.low[i], s.close[i], s.adjClose[i], s.volume[i]]);
const barRows = (bars: readonly DailyBar[]) => bars.map((b) => [b.date, b.open, b.high, b.low, b.close, b.adjClose, b.volume]);

describe('incremental top-ups', () => {
  it('appends exactly the new bars to the series in memory, reading the stored history from SQLite only at the cold start', async () => {
    const db = memoryDb();
    const state = { through: '2025-06-20', asks: [] as (string | undefined)[] };
    // A first process downloads and stores SPY up to Jun 20.
    await createCachedMarketData({ db, upstream: csvFeed(state), symbols, refreshPolicy: NEVER_REFRESH }).series('SPY');

    // A second process starts from the database and then tops up as new closes arrive.
    const reads: string[] = [];
    const md = createCachedMarketData({ db, upstream: csvFeed(state), symbols, refreshPolicy: always, onBarsRead: (symbol) => reads.push(symbol) });
    state.through = '2025-06-19'; // the cold load's own check finds nothing newer
    const cold = await md.series('SPY');
    expect(reads, 'the cold start reads the history once').toEqual(['SPY']);
    expect(cold.dates.at(-1)).toBe('2025-06-20');

    state.through = '2025-06-27';
    const topped = await md.series('SPY');
    expect(state.asks.at(-1), 'only from the newest stored bar on').toBe('2025-06-20');
    expect(reads, 'no re-read of the whole history for the top-up').toEqual(['SPY']);
    const expected = spyBars.filter((b) => b.date <= '2025-06-27');
    expect(topped.dates.length).toBe(expected.length);
    expect(rows(topped).slice(cold.dates.length), 'exactly the new bars, values from the feed').toEqual(barRows(spyBars.filter((b) => b.date > '2025-06-20' && b.date <= '2025-06-27')));
    expect(topped.dates.slice(cold.dates.length)).toEqual(['2025-06-23', '2025-06-24', '2025-06-25', '2025-06-26', '2025-06-27']);
    expect(rows(topped), 'the whole series is the feed up to Jun 27').toEqual(barRows(expected));
    expect(cold.dates.at(-1), 'the series handed out before is left as it was').toBe('2025-06-20');

    // What is in memory is what the database holds: a fresh process reading it gets the same rows.
    const fresh = await createCachedMarketData({ db, upstream: csvFeed(state), symbols, refreshPolicy: NEVER_REFRESH }).series('SPY');
    expect(rows(topped)).toEqual(rows(fresh));
  });

  it('through a history provider, re-bases the series in memory as the database is re-based, without reading it back', async () => {
    const db = memoryDb();
    const closes = new Map<string, number>([
      ['2026-08-17', 100],
      ['2026-08-18', 101],
      ['2026-08-19', 102],
    ]);
    let dividends: Dividend[] = [];
    const raw = (): RawBar[] => [...closes].sort(([a], [b]) => (a < b ? -1 : 1)).map(([date, close]) => ({ date, open: close, high: close + 1, low: close - 1, close, volume: 1000 }));
    const provider: HistoryProvider = {
      name: 'live',
      async fetchHistory(_symbol, opts) {
        const bars = deriveAdjClose(raw(), dividends).filter((b) => opts?.from === undefined || b.date >= opts.from);
        const first = bars[0]?.date ?? '';
        return { bars, dividends: dividends.filter((d) => d.date >= first), splits: [], provider: 'yahoo' };
      },
      async fetchDaily(symbol, opts) {
        return (await this.fetchHistory(symbol, opts)).bars;
      },
    };
    const reads: string[] = [];
    const md = createCachedMarketData({ db, upstream: provider, symbols, refreshPolicy: always, onBarsRead: (s) => reads.push(s) });
    await md.series('SPY');
    closes.set('2026-08-20', 100);
    dividends = [{ date: '2026-08-20', amount: 1.5 }];
    const s = await md.series('SPY');
    expect(reads, 'neither the download nor the top-up reads the history back').toEqual([]);
    const f = 1 - 1.5 / 102; // the ex-dividend day scales every earlier total return by 1 − 1.5/102
    expect(s.dates).toEqual(['2026-08-17', '2026-08-18', '2026-08-19', '2026-08-20']);
    expect(s.adjClose[0]).toBeCloseTo(100 * f, 12);
    expect(s.adjClose[1]).toBeCloseTo(101 * f, 12);
    expect(Array.from(s.adjClose.slice(2))).toEqual([102 * f, 100]);
    expect(s.high).toEqual([101, 102, 103, 101]);
    const fresh = await createCachedMarketData({ db, upstream: provider, symbols, refreshPolicy: NEVER_REFRESH }).series('SPY');
    expect(rows(s), 'memory and database agree').toEqual(rows(fresh));
  });
});
