import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { alignSeries } from '../../src/core/align.ts';
import { seriesFromBars, seriesFromCloses } from '../../src/core/series.ts';
import type { DailySeries } from '../../src/core/series.ts';
import { realSeries } from './_realdata.ts';

const day = (n: number): string => `2026-01-${String(n).padStart(2, '0')}`;
const make = (symbol: string, days: number[]): DailySeries =>
  seriesFromCloses(symbol, days.map(day), days.map((d) => 100 + d));

/** Reference: set intersection, written the obvious (slow) way. */
function naiveCommon(series: readonly DailySeries[]): string[] {
  const [first, ...rest] = series;
  if (!first) return [];
  const sets = rest.map((s) => new Set(s.dates));
  return first.dates.filter((d) => sets.every((set) => set.has(d)));
}

describe('alignSeries (hand-made)', () => {
  it('keeps the dates every series has and reports what each lost', () => {
    const a = make('A', [1, 2, 3, 5]);
    const b = make('B', [2, 3, 4, 5, 6]);
    const { dates, series, dropped } = alignSeries([a, b]);
    expect(dates).toEqual([day(2), day(3), day(5)]);
    expect(series.map((s) => s.dates)).toEqual([dates, dates]);
    expect(series[0]?.close, "A's closes on the common days").toEqual([102, 103, 105]);
    expect(Array.from(series[1]?.adjClose ?? []), "B's adjusted closes on the common days").toEqual([102, 103, 105]);
    expect(dropped).toEqual([
      { symbol: 'A', count: 1, firstDropped: day(1) },
      { symbol: 'B', count: 2, firstDropped: day(4) },
    ]);
  });

  it('reports a dropped tail when one series ends earlier', () => {
    const { dates, dropped } = alignSeries([make('LONG', [1, 2, 3, 4]), make('SHORT', [1, 2])]);
    expect(dates).toEqual([day(1), day(2)]);
    expect(dropped[0], 'the long series loses its last two rows').toEqual({ symbol: 'LONG', count: 2, firstDropped: day(3) });
    expect(dropped[1]).toEqual({ symbol: 'SHORT', count: 0, firstDropped: null });
  });

  it('intersects three or more series', () => {
    const { dates, dropped } = alignSeries([make('A', [1, 2, 3, 4, 5, 6]), make('B', [2, 4, 6, 8]), make('C', [1, 4, 6, 7])]);
    expect(dates).toEqual([day(4), day(6)]);
    expect(dropped.map((d) => [d.count, d.firstDropped])).toEqual([
      [4, day(1)],
      [2, day(2)],
      [2, day(1)],
    ]);
  });

  it('carries every column, nulls included', () => {
    const bars = ['2026-01-02', '2026-01-05', '2026-01-06'].map((date, i) => ({
      date,
      open: i === 1 ? null : i + 0.5,
      high: i + 1,
      low: i,
      close: i === 1 ? null : i + 0.75,
      adjClose: i + 0.7,
      volume: i === 2 ? null : 1000 * i,
    }));
    const withGap = seriesFromBars('GAP', bars);
    const other = seriesFromCloses('OTHER', ['2026-01-05', '2026-01-06'], [1, 2]);
    const [g] = alignSeries([withGap, other]).series;
    expect(g).toEqual({
      symbol: 'GAP',
      dates: ['2026-01-05', '2026-01-06'],
      open: [null, 2.5],
      high: [2, 3],
      low: [1, 2],
      close: [null, 2.75],
      adjClose: Float64Array.of(1.7, 2.7),
      volume: [1000, null],
    });
  });

  it('returns series that lost nothing unchanged', () => {
    const a = make('A', [1, 2, 3]);
    const b = make('B', [1, 2, 3]);
    const out = alignSeries([a, b]);
    expect(out.series[0], 'same object, no copy').toBe(a);
    expect(out.series[1]).toBe(b);
    expect(out.dropped.every((d) => d.count === 0 && d.firstDropped === null)).toBe(true);
  });

  it('handles no series, one series and disjoint series', () => {
    expect(alignSeries([])).toEqual({ dates: [], series: [], dropped: [] });
    const a = make('A', [1, 2]);
    expect(alignSeries([a]).dates).toEqual(a.dates);
    const disjoint = alignSeries([a, make('B', [3, 4, 5])]);
    expect(disjoint.dates).toEqual([]);
    expect(disjoint.dropped).toEqual([
      { symbol: 'A', count: 2, firstDropped: day(1) },
      { symbol: 'B', count: 3, firstDropped: day(3) },
    ]);
    expect(alignSeries([a, make('E', [])]).dates, 'an empty series leaves nothing in common').toEqual([]);
  });

  it('agrees with a set intersection on random calendars (2 to 4 series)', () => {
    const calendar = fc.uniqueArray(fc.integer({ min: 1, max: 31 }), { maxLength: 31 }).map((d) => d.sort((x, y) => x - y));
    fc.assert(
      fc.property(fc.array(calendar, { minLength: 2, maxLength: 4 }), (calendars) => {
        const series = calendars.map((days, i) => make(`S${i}`, days));
        const { dates, series: out, dropped } = alignSeries(series);
        const want = naiveCommon(series);
        expect(dates).toEqual(want);
        series.forEach((s, i) => {
          const lost = s.dates.filter((d) => !want.includes(d));
          expect(dropped[i], `series ${i}`).toEqual({ symbol: s.symbol, count: lost.length, firstDropped: lost[0] ?? null });
          expect(Array.from(out[i]?.adjClose ?? []), `series ${i} values follow their dates`).toEqual(want.map((d) => 100 + Number(d.slice(8))));
        });
      }),
      { numRuns: 500 },
    );
  });
});

describe('alignSeries on real data', () => {
  it('^GSPC with SPY: every SPY day, ^GSPC trimmed to them', () => {
    const gspc = realSeries('^GSPC');
    const spy = realSeries('SPY');
    const { dates, series, dropped } = alignSeries([gspc, spy]);
    const want = naiveCommon([gspc, spy]);
    expect(dates).toEqual(want);
    expect(dropped[0]?.count).toBe(gspc.dates.length - want.length);
    expect(dropped[0]?.firstDropped, "^GSPC's first row (^GSPC.csv starts 1927-12-30)").toBe('1927-12-30');
    // ^GSPC.csv 2024-12-31 close 5881.63 (data/README.md spot value); adj_close = close for indexes.
    const i = dates.indexOf('2024-12-31');
    expect(series[0]?.adjClose[i]).toBe(5881.63);
    expect(series[1]?.close[i], 'SPY 2024-12-31 close, data/README.md spot value').toBe(586.08);
  });

  it('SPY with TOST, which ends 2026-09-15: SPY loses its head and its tail', () => {
    // Data v2: KRE (the old example) now runs to 2026-10-08 like SPY; TOST ends early.
    const spy = realSeries('SPY');
    const tost = realSeries('TOST');
    const { dates, dropped } = alignSeries([spy, tost]);
    const want = naiveCommon([spy, tost]);
    expect(dates).toEqual(want);
    expect(dates[0], 'TOST.csv starts 2021-09-22').toBe('2021-09-22');
    expect(dates[dates.length - 1], 'TOST.csv ends 2026-09-15').toBe('2026-09-15');
    expect(dropped[0]).toEqual({ symbol: 'SPY', count: spy.dates.length - want.length, firstDropped: '1993-01-29' });
    expect(dropped[1]?.count).toBe(tost.dates.length - want.length);
  });
});
