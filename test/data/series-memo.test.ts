/** The bounded in-memory layer of the price cache (PRICE_CACHE_MB): least recently used dropped, pinned kept. */
import { describe, expect, it } from 'vitest';
import { seriesFromCloses, type DailySeries } from '../../src/core/series.ts';
import { createBundledProvider } from '../../src/data/bundled.ts';
import { createCachedMarketData, type SeriesSource } from '../../src/data/cache.ts';
import { createSeriesMemo, seriesBytes } from '../../src/data/series-memo.ts';
import { createSymbolDirectory, loadManifest } from '../../src/data/symbols.ts';
import { openDatabase } from '../../src/store/db.ts';

const days = (n: number): string[] => Array.from({ length: n }, (_, i) => `2026-01-${String(i + 1).padStart(2, '0')}`);
const entry = (symbol: string, n = 10): { series: DailySeries } => ({ series: seriesFromCloses(symbol, days(n), Array.from({ length: n }, (_, i) => 100 + i)) });

describe('seriesBytes', () => {
  it('counts 8 bytes a value for each column without null and 8 for each date pointer', () => {
    const s = entry('A').series;
    // seriesFromCloses leaves volume null: 24 bytes a row there; open/high/low/close 8 each.
    expect(seriesBytes(s)).toBe(200 + 10 * 8 + 10 * 8 + 4 * 10 * 8 + 10 * 24);
  });
});

describe('createSeriesMemo', () => {
  const size = seriesBytes(entry('X').series);

  it('drops the least recently used series once over the bound, never the pinned ones', () => {
    const memo = createSeriesMemo<{ series: DailySeries }>({ maxBytes: 2 * size, pinned: (s) => s === 'P' });
    memo.set('P', entry('P'));
    memo.set('A', entry('A'));
    memo.set('B', entry('B'));
    expect(memo.stats(), 'two unpinned series fit; the pinned one is not counted').toEqual({ bytes: 2 * size, entries: 3, evictions: 0 });
    expect(memo.get('A')?.series.symbol, 'A used: B is now the least recent').toBe('A');
    memo.set('C', entry('C'));
    expect(memo.has('B'), 'B dropped').toBe(false);
    expect([memo.has('P'), memo.has('A'), memo.has('C')]).toEqual([true, true, true]);
    expect(memo.stats()).toEqual({ bytes: 2 * size, entries: 3, evictions: 1 });
  });

  it('keeps the series just stored even when it alone is over the bound', () => {
    const memo = createSeriesMemo<{ series: DailySeries }>({ maxBytes: 1 });
    memo.set('A', entry('A'));
    memo.set('B', entry('B'));
    expect([memo.has('A'), memo.has('B')]).toEqual([false, true]);
  });

  it('replacing a symbol counts its bytes once', () => {
    const memo = createSeriesMemo<{ series: DailySeries }>({ maxBytes: Infinity });
    memo.set('A', entry('A'));
    memo.set('A', entry('A'));
    expect(memo.stats()).toEqual({ bytes: size, entries: 1, evictions: 0 });
  });
});

describe('the price cache with a memory bound', () => {
  it('reads a dropped series back from SQLite, with the same values', async () => {
    const db = openDatabase(':memory:');
    const seen: SeriesSource[] = [];
    // Room for about one of these symbols at a time; SPY pinned, as the bundled set is in the app.
    const md = createCachedMarketData({
      db,
      upstream: createBundledProvider(),
      symbols: createSymbolDirectory(loadManifest()),
      maxMemoryBytes: 1,
      pinned: (s) => s === 'SPY',
      onLookup: (s) => seen.push(s),
    });
    const xle = await md.series('XLE');
    await md.series('SPY');
    await md.series('XLK');
    const again = await md.series('XLE');
    expect(seen, 'first loads from the bundled files; XLE again from SQLite after it was dropped').toEqual(['upstream', 'upstream', 'upstream', 'database']);
    expect(again).not.toBe(xle);
    expect(again.dates).toEqual(xle.dates);
    expect(Array.from(again.adjClose)).toEqual(Array.from(xle.adjClose));
    expect(again.close).toEqual(xle.close);
    await md.series('SPY');
    expect(seen.at(-1), 'the pinned symbol stays in memory').toBe('memory');
    expect(md.memoryStats().evictions).toBe(2);
    db.close();
  });
});
