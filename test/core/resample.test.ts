import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { resampleBars } from '../../src/core/resample.ts';
import { seriesFromBars } from '../../src/core/series.ts';
import { loadSeries, rawRows } from './_realdata-b.ts';

// Thu Dec 28 2023 .. Tue Jan 9 2024, with Mon Jan 1 a holiday.
const dates = ['2023-12-28', '2023-12-29', '2024-01-02', '2024-01-03', '2024-01-05', '2024-01-08', '2024-01-09'];
const s = seriesFromBars(
  'T',
  dates.map((date, i) => ({ date, open: 10 + i, high: 12 + i, low: 9 + i, close: 11 + i, adjClose: 11 + i, volume: 100 * (i + 1) })),
);

describe('resampleBars', () => {
  it('groups Monday-to-Sunday weeks (hand-computed)', () => {
    const w = resampleBars(s, 'week');
    expect(w.dates, 'bars dated by their last session').toEqual(['2023-12-29', '2024-01-05', '2024-01-09']);
    expect(w.firstIndex).toEqual([0, 2, 5]);
    expect(w.lastIndex).toEqual([1, 4, 6]);
    // Week of Jan 1: rows 2–4: open of row 2 = 12, high max(14,15,16) = 16, low min(11,12,13) = 11, close of row 4 = 15.
    expect([w.open[1], w.high[1], w.low[1], w.close[1]]).toEqual([12, 16, 11, 15]);
    expect(w.volume[1], '300 + 400 + 500').toBe(1200);
  });

  it('groups calendar months, within a window', () => {
    const m = resampleBars(s, 'month', 1, 5);
    expect(m.dates).toEqual(['2023-12-29', '2024-01-08']);
    expect([m.open[1], m.close[1]]).toEqual([12, 16]);
    expect(m.volume[0], 'only row 1 of December is in the window').toBe(200);
  });

  it('a bar with a missing field has no OHLC; missing volume makes its volume null', () => {
    const bars = dates.map((date, i) => ({ date, open: 1, high: 2, low: 0.5, close: i === 3 ? null : 1, adjClose: 1, volume: i === 0 ? null : 1 }));
    const w = resampleBars(seriesFromBars('T', bars), 'week');
    expect(w.close[1]).toBeNull();
    expect(w.high[1]).toBeNull();
    expect(w.close[0]).toBe(1);
    expect(w.volume[0]).toBeNull();
    expect(() => resampleBars(s, 'week', 3, 2)).toThrow(RangeError);
  });

  it('SPY week of 2020-03-16: matches a naive aggregation of the CSV rows', () => {
    const rows = rawRows('SPY').filter((r) => r.date >= '2020-03-16' && r.date <= '2020-03-20');
    expect(rows).toHaveLength(5);
    const full = loadSeries('SPY');
    const from = full.dates.indexOf('2020-03-09');
    const to = full.dates.indexOf('2020-03-27');
    const w = resampleBars(full, 'week', from, to);
    expect(w.dates).toEqual(['2020-03-13', '2020-03-20', '2020-03-27']);
    expect(w.open[1]).toBe(parseFloat(rows[0]?.open ?? ''));
    expect(w.close[1]).toBe(parseFloat(rows[4]?.close ?? ''));
    expect(w.high[1]).toBe(Math.max(...rows.map((r) => parseFloat(r.high))));
    expect(w.low[1]).toBe(Math.min(...rows.map((r) => parseFloat(r.low))));
    expect(w.volume[1]).toBe(rows.reduce((t, r) => t + parseInt(r.volume, 10), 0));
  });

  it('property: bars cover the window exactly once, in order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 120 }), { minLength: 1, maxLength: 60 }), fc.constantFrom('week' as const, 'month' as const), (offsets, interval) => {
        const ds = [...offsets].sort((x, y) => x - y).map((d) => new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10));
        const series = seriesFromBars('P', ds.map((date) => ({ date, open: 1, high: 1, low: 1, close: 1, adjClose: 1, volume: 1 })));
        const b = resampleBars(series, interval);
        expect(b.firstIndex[0]).toBe(0);
        expect(b.lastIndex[b.lastIndex.length - 1]).toBe(ds.length - 1);
        b.firstIndex.forEach((f, k) => {
          if (k > 0) expect(f).toBe((b.lastIndex[k - 1] as number) + 1);
        });
        expect(b.volume.reduce((t: number, v) => t + (v ?? 0), 0)).toBe(ds.length);
      }),
    );
  });
});
