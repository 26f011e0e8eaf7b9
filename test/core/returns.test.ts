import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { dailyReturns, periodReturn, rebase } from '../../src/core/returns.ts';
import type { Period } from '../../src/core/periods.ts';
import { NotEnoughDataError, seriesFromBars, seriesFromCloses } from '../../src/core/series.ts';
import { realSeries } from './_realdata.ts';

const named = (name: 'ytd' | '1w' | '1m' | '1d' | 'max' | '5y' | '1y'): Period => ({ kind: 'named', name });

describe('dailyReturns', () => {
  it('is each close over the previous one, minus one', () => {
    const r = dailyReturns([100, 110, 99, 99]);
    expect(r[0], 'no return on the first day').toBeNull();
    expect(r[1]).toBeCloseTo(0.1, 15); // 110/100 − 1
    expect(r[2]).toBeCloseTo(-0.1, 15); // 99/110 − 1
    expect(r[3], 'an unchanged close is exactly zero').toBe(0);
    expect(dailyReturns([]), 'empty in, empty out').toEqual([]);
    expect(dailyReturns([5])).toEqual([null]);
  });

  it('compounds back to the total change', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1, max: 1000, noNaN: true }), { minLength: 2, maxLength: 50 }), (values) => {
        const growth = dailyReturns(values).reduce<number>((g, r) => g * (1 + (r ?? 0)), 1);
        expect(growth).toBeCloseTo((values[values.length - 1] as number) / (values[0] as number), 9);
      }),
    );
  });
});

describe('periodReturn (hand-made)', () => {
  const s = seriesFromCloses('TEST', ['2025-12-30', '2025-12-31', '2026-01-02', '2026-01-05'], [100, 80, 90, 100]);

  it('measures from the base close to the end close', () => {
    // ytd base = 2025-12-31 (80); end = 100 → +25%.
    expect(periodReturn(s, named('ytd'))).toEqual({ symbol: 'TEST', from: '2025-12-31', to: '2026-01-05', fromValue: 80, toValue: 100, change: 0.25 });
    // 1d: 90 → 100 = +11.11…%.
    expect(periodReturn(s, named('1d')).change).toBeCloseTo(1 / 9, 15);
    // max from 100 to 100.
    expect(periodReturn(s, named('max')).change, 'back where it started').toBe(0);
  });

  it('can end at an earlier row', () => {
    const r = periodReturn(s, named('1d'), 2); // 80 → 90
    expect(r.to).toBe('2026-01-02');
    expect(r.change).toBeCloseTo(0.125, 15);
  });

  it('uses adjClose (total return), not close', () => {
    const bars = [
      { date: '2026-01-02', open: 50, high: 50, low: 50, close: 50, adjClose: 40, volume: null },
      { date: '2026-01-05', open: 50, high: 50, low: 50, close: 50, adjClose: 41, volume: null },
    ];
    // close is flat; the total-return line gained 1/40 = 2.5% (a dividend re-invested).
    expect(periodReturn(seriesFromBars('DIV', bars), named('1d')).change).toBeCloseTo(0.025, 15);
  });

  it('throws NotEnoughDataError naming the symbol, period and first date', () => {
    let error: unknown;
    try {
      periodReturn(s, named('1y'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NotEnoughDataError);
    const e = error as NotEnoughDataError;
    expect(e.symbol).toBe('TEST');
    expect(e.message, 'names the symbol').toContain('TEST');
    expect(e.message, 'names the period').toContain('over the past year');
    expect(e.message, 'names the first date available').toContain('Dec 30, 2025');
    expect(() => periodReturn(seriesFromCloses('EMPTY', [], []), named('max')), 'an empty series').toThrow(NotEnoughDataError);
  });
});

describe('periodReturn on real data (values read from the CSVs)', () => {
  it('SPY year to date as of 2025-12-31', () => {
    // SPY.csv adj_close: 2024-12-31 574.7880, 2025-12-31 676.6350 → +17.72% (data v2: rescaled to 2026-10-08).
    const r = periodReturn(realSeries('SPY'), named('ytd'), realSeries('SPY').dates.indexOf('2025-12-31'));
    expect(r.from).toBe('2024-12-31');
    expect(r.fromValue).toBe(574.788);
    expect(r.toValue).toBe(676.635);
    expect(r.change).toBeCloseTo(676.635 / 574.788 - 1, 12);
    expect(r.change).toBeCloseTo(0.17719, 5);
  });

  it('IWM over the week to 2025-01-16, across the 2025-01-09 closure', () => {
    // IWM.csv adj_close: 2025-01-08 217.7671, 2025-01-16 220.4977 → +1.254%.
    const iwm = realSeries('IWM');
    const r = periodReturn(iwm, named('1w'), iwm.dates.indexOf('2025-01-16'));
    expect(r.from).toBe('2025-01-08');
    expect(r.change).toBeCloseTo(220.4977 / 217.7671 - 1, 12);
  });

  it('SPY over the month to 2023-03-31 starts at Feb 28', () => {
    // SPY.csv adj_close: 2023-02-28 377.9590, 2023-03-31 391.9728 → +3.708%.
    const spy = realSeries('SPY');
    const r = periodReturn(spy, named('1m'), spy.dates.indexOf('2023-03-31'));
    expect(r.from).toBe('2023-02-28');
    expect(r.change).toBeCloseTo(391.9728 / 377.959 - 1, 12);
  });

  it('XLC has no 5-year return before mid-2023', () => {
    // XLC.csv starts 2018-06-19.
    const xlc = realSeries('XLC');
    expect(() => periodReturn(xlc, named('5y'), xlc.dates.indexOf('2022-01-03'))).toThrow(/XLC.*Jun 19, 2018/);
    expect(periodReturn(xlc, named('5y'), xlc.dates.indexOf('2023-06-20')).from, '2023-06-20 − 5y = 2018-06-20').toBe('2018-06-20');
  });
});

describe('rebase', () => {
  it('is null before the start and the base from it on', () => {
    expect(rebase([50, 100, 200, 150], 1)).toEqual([null, 100, 200, 150]);
    expect(rebase([50, 100, 200, 150], 0, 1)).toEqual([1, 2, 4, 3]);
    expect(rebase([40, 50, 100, 200, 150], 2, 100, 1), 'context before the start, on the same scale').toEqual([null, 50, 100, 200, 150]);
    expect(() => rebase([50, 100], 0, 100, 1), 'context must come before the start').toThrow(RangeError);
    expect(rebase([7], 0)).toEqual([100]);
  });

  it('keeps every ratio between later values', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.01, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 40 }), fc.nat(), (values, k) => {
        const from = k % values.length;
        const out = rebase(values, from);
        for (let i = from; i < values.length; i++) {
          const want = ((values[i] as number) / (values[from] as number)) * 100;
          expect(Math.abs((out[i] as number) - want) / want, `value ${i} relative error`).toBeLessThan(1e-12);
        }
      }),
    );
  });

  it('refuses a start outside the values', () => {
    expect(() => rebase([1, 2], 2)).toThrow(RangeError);
    expect(() => rebase([1, 2], -1)).toThrow(RangeError);
  });
});
