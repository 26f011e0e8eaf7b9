import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { barAt, compactColumn, createDateInterner, indexOnOrBefore, lastDate, NotEnoughDataError, seriesFromBars, seriesFromCloses, sliceSeries, truncateAsOf } from '../../src/core/series.ts';

// Fri Aug 14 – Fri Aug 21, 2026: a weekend in the middle.
const DATES = ['2026-08-14', '2026-08-17', '2026-08-18', '2026-08-19', '2026-08-20', '2026-08-21'];

describe('indexOnOrBefore', () => {
  it('finds the date itself, the last trading day before a weekend date, or -1', () => {
    expect(indexOnOrBefore(DATES, '2026-08-19'), 'the date itself').toBe(3);
    expect(indexOnOrBefore(DATES, '2026-08-16'), 'Sunday → Friday Aug 14').toBe(0);
    expect(indexOnOrBefore(DATES, '2026-08-13'), 'before the first date').toBe(-1);
    expect(indexOnOrBefore(DATES, '2026-12-31'), 'after the last: the last').toBe(5);
    expect(indexOnOrBefore([], '2026-08-19'), 'empty').toBe(-1);
  });

  it('agrees with a linear scan (property)', () => {
    const day = fc.integer({ min: 0, max: 400 }).map((n) => new Date(Date.UTC(2025, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
    fc.assert(
      fc.property(fc.uniqueArray(day, { maxLength: 60 }), day, (raw, probe) => {
        const dates = [...raw].sort();
        let expected = -1;
        for (let i = 0; i < dates.length; i++) if ((dates[i] as string) <= probe) expected = i;
        expect(indexOnOrBefore(dates, probe)).toBe(expected);
      }),
    );
  });
});

describe('sliceSeries and truncateAsOf', () => {
  const s = seriesFromBars(
    'SPY',
    DATES.map((date, i) => ({ date, open: 100 + i, high: 101 + i, low: 99 + i, close: 100.5 + i, adjClose: 100.25 + i, volume: 1000 * (i + 1) })),
  );

  it('slices every column together, half-open like Array.slice', () => {
    const t = sliceSeries(s, 1, 3);
    expect(t.dates).toEqual(['2026-08-17', '2026-08-18']);
    expect([t.open, t.high, t.low, t.close, Array.from(t.adjClose), t.volume]).toEqual([
      [101, 102],
      [102, 103],
      [100, 101],
      [101.5, 102.5],
      [101.25, 102.25],
      [2000, 3000],
    ]);
    expect(sliceSeries(s, 4).dates, 'to the end by default').toEqual(['2026-08-20', '2026-08-21']);
  });

  it('drops every row after asOf, and returns the series itself when nothing is later', () => {
    const t = truncateAsOf(s, '2026-08-16');
    expect(t.dates, 'Sunday Aug 16: as known at Friday’s close').toEqual(['2026-08-14']);
    expect(Array.from(t.adjClose)).toEqual([100.25]);
    expect(truncateAsOf(s, '2026-08-21'), 'nothing later: the same object').toBe(s);
    expect(truncateAsOf(s, '2026-08-01').dates, 'before the start: empty').toEqual([]);
  });

  it('barAt reads one row, and refuses an index outside the series', () => {
    expect(barAt(s, 5)).toEqual({ date: '2026-08-21', open: 105, high: 106, low: 104, close: 105.5, adjClose: 105.25, volume: 6000 });
    expect(() => barAt(s, 6)).toThrow(RangeError);
  });

  it('lastDate names the last row, and an empty series is not enough data', () => {
    expect(lastDate(s)).toBe('2026-08-21');
    expect(() => lastDate(sliceSeries(s, 0, 0))).toThrow(NotEnoughDataError);
  });

  it('seriesFromCloses refuses mismatched lengths', () => {
    expect(() => seriesFromCloses('X', DATES, [1, 2])).toThrow(/6 dates, 2 closes/);
  });
});

describe('typed columns', () => {
  it('adjClose is a Float64Array of exactly the rows; nullable columns keep their nulls and values', () => {
    const s = seriesFromBars('X', [
      { date: '2026-08-14', open: null, high: 2, low: 1, close: null, adjClose: 1.5, volume: 10 },
      { date: '2026-08-17', open: 2.5, high: 3, low: 2, close: 2.75, adjClose: 2.5, volume: null },
    ]);
    expect(s.adjClose).toBeInstanceOf(Float64Array);
    expect(Array.from(s.adjClose)).toEqual([1.5, 2.5]);
    expect([s.open, s.high, s.close, s.volume]).toEqual([
      [null, 2.5],
      [2, 3],
      [null, 2.75],
      [10, null],
    ]);
  });

  it('compactColumn copies values and nulls as they are', () => {
    expect(compactColumn([1, null, 3])).toEqual([1, null, 3]);
    expect(compactColumn(Float64Array.of(1.25, 2))).toEqual([1.25, 2]);
    expect(compactColumn([])).toEqual([]);
  });

  it('a date interner gives back an equal string, the same one each time', () => {
    const internDate = createDateInterner();
    const d = '2026-08-14,1,2'.slice(0, 10);
    expect(internDate(d)).toBe('2026-08-14');
    expect(internDate('2026-08-14')).toBe(internDate(d));
  });
});
