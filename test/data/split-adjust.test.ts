/** The price cache's pure re-basing: expected values worked out by hand in the comments. */
import { describe, expect, it } from 'vitest';
import type { DailyBar, DailySeries } from '../../src/core/series.ts';
import { rebasedPrice, rebasedVolume, rebaseFor, spliceTopUp } from '../../src/data/split-adjust.ts';

/** Four stored sessions, Jan 2–7, 2025; high and low unknown. */
const STORED: DailySeries = {
  symbol: 'XYZ',
  dates: ['2025-01-02', '2025-01-03', '2025-01-06', '2025-01-07'],
  open: [99, 109, 119, 129],
  high: [null, null, null, null],
  low: [null, null, null, null],
  close: [100, 110, 120, 130],
  adjClose: Float64Array.from([50, 55, 60, 65]),
  volume: [1000, 1000, 2000, 2000],
};

const bar = (date: string, close: number, adjClose: number, volume: number): DailyBar => ({ date, open: close, high: null, low: null, close, adjClose, volume });

const rows = (s: DailySeries) =>
  s.dates.map((date, i) => ({ date, open: s.open[i], close: s.close[i], adjClose: s.adjClose[i], volume: s.volume[i] }));

describe('split adjustment', () => {
  it('divides prices by each split ratio in turn and multiplies volumes', () => {
    expect(rebasedPrice(120, [2])).toBe(60);
    // 3-for-1 then 2-for-1: 120 / 3 / 2 = 20; 1000 × 3 × 2 = 6000.
    expect(rebasedPrice(120, [3, 2])).toBe(20);
    expect(rebasedVolume(1000, [3, 2])).toBe(6000);
    expect(rebasedPrice(120, [])).toBe(120);
  });

  it('asks for a re-basing only when a split is new or the anchor’s total return moved', () => {
    expect(rebaseFor([], { date: '2025-01-07', storedAdj: 65, fetchedAdj: 65 })).toBeUndefined();
    const onlySplit = rebaseFor([{ date: '2025-01-08', ratio: 2 }], { date: '2025-01-07', storedAdj: 65, fetchedAdj: 65 });
    expect(onlySplit).toEqual({ before: '2025-01-07', splits: [2], adjFactor: null });
    // A dividend re-based the history: 64.35 / 65 = 0.99.
    const dividend = rebaseFor([], { date: '2025-01-07', storedAdj: 65, fetchedAdj: 64.35 });
    expect(dividend?.splits).toEqual([]);
    expect(dividend?.adjFactor).toBeCloseTo(0.99, 12);
  });

  it('puts the stored days before the anchor on the new basis and joins the fetched bars', () => {
    // A 2-for-1 split on Jan 8 and a total return re-based by 0.99, anchored on Jan 7: the fetched
    // Jan 7 bar (close 130 / 2 = 65, adjClose 65 × 0.99 = 64.35) replaces the stored one, Jan 8 joins.
    const rebase = rebaseFor([{ date: '2025-01-08', ratio: 2 }], { date: '2025-01-07', storedAdj: 65, fetchedAdj: 64.35 });
    expect(rebase).toBeDefined();
    const out = spliceTopUp(STORED, [bar('2025-01-07', 65, 64.35, 4000), bar('2025-01-08', 66, 65.34, 5000)], { ...(rebase ? { rebase } : {}), dropAfter: '2025-01-08' });
    const got = rows(out);
    expect(got.map((r) => r.date)).toEqual(['2025-01-02', '2025-01-03', '2025-01-06', '2025-01-07', '2025-01-08']);
    // Jan 2: open 99 / 2 = 49.5, close 100 / 2 = 50, volume 1000 × 2 = 2000, adjClose 50 × 0.99 = 49.5.
    expect(got[0]).toMatchObject({ open: 49.5, close: 50, volume: 2000 });
    expect(got[0]?.adjClose).toBeCloseTo(49.5, 10);
    // Jan 6: close 120 / 2 = 60, volume 2000 × 2 = 4000, adjClose 60 × 0.99 = 59.4.
    expect(got[2]).toMatchObject({ close: 60, volume: 4000 });
    expect(got[2]?.adjClose).toBeCloseTo(59.4, 10);
    // The anchor and the new day are the fetched bars, untouched.
    expect(got[3]).toMatchObject({ close: 65, adjClose: 64.35, volume: 4000 });
    expect(got[4]).toMatchObject({ close: 66, adjClose: 65.34, volume: 5000 });
    // Returns across the split are unchanged by it: 65.34 / 64.35 − 1 = 1.538…%, and Jan 6 → Jan 7: 64.35 / 59.4 − 1 = 8.333…%, as 65 / 60 − 1 was.
    expect((got[3]?.adjClose ?? NaN) / (got[2]?.adjClose ?? NaN) - 1).toBeCloseTo(65 / 60 - 1, 10);
    expect(STORED.close[0], 'the stored series is not changed in place').toBe(100);
  });

  it('without a re-basing, fetched bars replace or join stored ones by date, and rows after dropAfter go', () => {
    // A fetched Jan 3 replaces the stored one; Jan 4 (a Saturday here only to sit between two stored days) joins in order.
    const merged = spliceTopUp(STORED, [bar('2025-01-03', 111, 55.5, 1500), bar('2025-01-04', 112, 56, 10)]);
    expect(rows(merged).map((r) => [r.date, r.close])).toEqual([
      ['2025-01-02', 100],
      ['2025-01-03', 111],
      ['2025-01-04', 112],
      ['2025-01-06', 120],
      ['2025-01-07', 130],
    ]);
    // The provisional Jan 7 is gone when the provider's newest bar is Jan 6.
    const dropped = spliceTopUp(STORED, [bar('2025-01-06', 121, 60.5, 2100)], { dropAfter: '2025-01-06' });
    expect(rows(dropped).map((r) => [r.date, r.close])).toEqual([
      ['2025-01-02', 100],
      ['2025-01-03', 110],
      ['2025-01-06', 121],
    ]);
    expect(spliceTopUp(STORED, []), 'nothing fetched, nothing to change: the same series').toBe(STORED);
  });
});
