import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { firstReached, highsAndLows, levelValues, sessionsSinceHigh, yearExtreme } from '../../src/core/highs.ts';
import { NotEnoughDataError, seriesFromBars, seriesFromCloses } from '../../src/core/series.ts';
import { loadSeries, rawRows } from './_realdata-b.ts';

/** `n` consecutive calendar days from `start`. */
function days(n: number, start = '2024-01-01'): string[] {
  const d0 = DateTime.fromISO(start, { zone: 'utc' });
  return Array.from({ length: n }, (_, i) => d0.plus({ days: i }).toISODate() ?? '');
}

describe('highsAndLows: hand-computed', () => {
  // The end day is 2024-06-03, so the 52-week window is dates > 2023-06-03.
  const dates = ['2022-06-01', '2023-01-03', '2023-06-03', '2023-06-04', '2024-01-02', '2024-06-03'];
  const values = [120, 80, 85, 90, 110, 105];
  const h = highsAndLows(values, dates);

  it('finds the all-time extremes over the whole history', () => {
    expect(h.allTimeHigh, 'ATH is the 2022 close of 120').toEqual({ value: 120, date: '2022-06-01', index: 0 });
    expect(h.allTimeLow, 'ATL is the 2023-01-03 close of 80').toEqual({ value: 80, date: '2023-01-03', index: 1 });
  });

  it('uses closes strictly after end − 1 year for the 52-week window', () => {
    expect(h.low52w, '2023-06-03 (85) is exactly one year back, so outside; 90 on 2023-06-04 is the low').toEqual({
      value: 90,
      date: '2023-06-04',
      index: 3,
    });
    expect(h.high52w, '110 on 2024-01-02').toEqual({ value: 110, date: '2024-01-02', index: 4 });
  });

  it('measures the distances from the last close', () => {
    expect(h.last).toBe(105);
    expect(h.lastDate).toBe('2024-06-03');
    expect(h.fromAllTimeHigh, '105/120 − 1').toBeCloseTo(-0.125, 12);
    expect(h.from52wHigh, '105/110 − 1').toBeCloseTo(-5 / 110, 12);
    expect(h.from52wLow, '105/90 − 1').toBeCloseTo(15 / 90, 12);
    expect(h.isNewAllTimeHigh || h.isNew52wHigh || h.isNew52wLow, '105 sets no record').toBe(false);
    expect(h.priorAllTimeHigh, 'the record before the last day').toEqual({ value: 120, date: '2022-06-01', index: 0 });
  });

  it('honours endIndex', () => {
    const e = highsAndLows(values, dates, 4);
    expect(e.last).toBe(110);
    expect(e.isNew52wHigh, '110 beats 90 and 85 within 2023-01-02..2024-01-02').toBe(true);
    expect(e.isNewAllTimeHigh, '110 is below 120').toBe(false);
    expect(e.low52w.value, 'window 2023-01-02 < d ≤ 2024-01-02 includes 80').toBe(80);
  });
});

describe('highsAndLows: records and ties', () => {
  it('a tie with the old high is not a new all-time high, and the record keeps its first date', () => {
    const h = highsAndLows([100, 90, 100], days(3));
    expect(h.isNewAllTimeHigh, 'equal is not new').toBe(false);
    expect(h.isNew52wHigh, 'equal is not new within 52 weeks either').toBe(false);
    expect(h.allTimeHigh.index, 'a tie does not move the record date').toBe(0);
    expect(h.fromAllTimeHigh, 'at the high').toBe(0);
  });

  it('a close above the old high is a new all-time high', () => {
    const h = highsAndLows([100, 90, 101], days(3));
    expect(h.isNewAllTimeHigh).toBe(true);
    expect(h.priorAllTimeHigh?.value, 'the beaten record').toBe(100);
    expect(h.allTimeHigh.index).toBe(2);
  });

  it('a new 52-week low that is not an all-time low', () => {
    // 50 in 2022 is outside the window of 2024-03-01; 70 beats 80 and 75 inside it.
    const h = highsAndLows([50, 80, 75, 70], ['2022-01-03', '2023-06-01', '2023-12-01', '2024-03-01']);
    expect(h.isNew52wLow).toBe(true);
    expect(h.allTimeLow.value).toBe(50);
    expect(h.from52wLow, 'at the low').toBe(0);
  });

  it('a Feb 29 end day still means one calendar year', () => {
    // luxon: 2024-02-29 minus 1 year = 2023-02-28, so 2023-02-28 is out and 2023-03-01 in.
    const h = highsAndLows([10, 20, 15], ['2023-02-28', '2023-03-01', '2024-02-29']);
    expect(h.high52w.date).toBe('2023-03-01');
    expect(h.low52w.date, '10 on 2023-02-28 is outside').toBe('2024-02-29');
  });

  it('a single row is its own high and low, and new by default (nothing earlier to beat)', () => {
    const h = highsAndLows([42], ['2024-01-02']);
    expect(h.allTimeHigh).toEqual({ value: 42, date: '2024-01-02', index: 0 });
    expect(h.allTimeLow).toEqual(h.allTimeHigh);
    expect(h.fromAllTimeHigh).toBe(0);
    expect(h.isNewAllTimeHigh && h.isNew52wHigh && h.isNew52wLow, 'vacuously new').toBe(true);
    expect(h.priorAllTimeHigh, 'no earlier close: how a caller tells the vacuous case apart').toBeNull();
  });

  it('throws NotEnoughDataError on an empty series or an end outside it', () => {
    expect(() => highsAndLows([], [])).toThrow(NotEnoughDataError);
    expect(() => highsAndLows([1, 2], days(2), 2)).toThrow(NotEnoughDataError);
    expect(() => highsAndLows([1, 2], days(2), -1)).toThrow(NotEnoughDataError);
  });

  it('refuses a non-positive or missing price instead of returning NaN', () => {
    expect(() => highsAndLows([1, Number.NaN, 2], days(3))).toThrow(RangeError);
    expect(() => highsAndLows([1, 0, 2], days(3))).toThrow(RangeError);
  });
});

describe('sessionsSinceHigh', () => {
  it('counts from the latest close at the high', () => {
    expect(sessionsSinceHigh([100, 90, 100, 95, 96]), 'the tie on index 2 is the latest touch').toBe(2);
    expect(sessionsSinceHigh([100, 90, 101]), 'at a high').toBe(0);
    expect(sessionsSinceHigh([100, 90, 101], 1), 'as of index 1').toBe(1);
  });
});

describe('firstReached', () => {
  const dates = ['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09', '2026-01-12'];
  it('finds the first session that got as high as the last one, ties included', () => {
    // 10, 14, 12, 9, 11, 12: the last close 12 was first reached (14 ≥ 12) on Jan 6.
    expect(firstReached([10, 14, 12, 9, 11, 12], dates)).toEqual({ index: 1, date: '2026-01-06', value: 14 });
    expect(firstReached([10, 12, 13, 9, 11, 12], dates), 'a tie counts').toEqual({ index: 1, date: '2026-01-06', value: 12 });
    expect(firstReached([10, 14, 12, 9, 11, 15], dates), 'a record: never reached before').toBeNull();
    expect(firstReached([10, 14, 12, 9, 11, 12], dates, 3), 'as of an earlier end').toEqual({ index: 0, date: '2026-01-05', value: 10 });
  });
});

describe('levelValues', () => {
  it('uses close when every row has one', () => {
    const s = seriesFromBars('X', [
      { date: '2024-01-02', open: null, high: null, low: null, close: 10, adjClose: 9, volume: null },
      { date: '2024-01-03', open: null, high: null, low: null, close: 11, adjClose: 10, volume: null },
    ]);
    expect(levelValues(s)).toEqual({ values: [10, 11], basis: 'close' });
  });

  it('falls back to adjClose when close is missing anywhere', () => {
    const s = seriesFromBars('X', [
      { date: '2024-01-02', open: null, high: null, low: null, close: 10, adjClose: 9, volume: null },
      { date: '2024-01-03', open: null, high: null, low: null, close: null, adjClose: 10, volume: null },
    ]);
    expect(levelValues(s)).toEqual({ values: [9, 10], basis: 'adjClose' });
  });

  it('returns a copy the caller may change', () => {
    const s = seriesFromCloses('X', days(2), [1, 2]);
    levelValues(s).values[0] = 99;
    expect(s.close[0]).toBe(1);
  });

  it('picks the basis the data README documents for real symbols', () => {
    expect(levelValues(loadSeries('SPY')).basis, 'SPY has close on every row').toBe('close');
    expect(levelValues(loadSeries('DIA')).basis, 'DIA close is empty 2024-04-12..2026-03-19').toBe('adjClose');
    expect(levelValues(loadSeries('AAPL')).basis, 'AAPL has adj_close only before 2000').toBe('adjClose');
    expect(levelValues(loadSeries('MAGS')).basis, 'data v2 fills MAGS close on every row').toBe('close');
  });
});

describe('highsAndLows on real data', () => {
  it('matches a naive scan of the SPY CSV at its last row', () => {
    const rows = rawRows('SPY');
    const s = loadSeries('SPY');
    const { values } = levelValues(s);
    const h = highsAndLows(values, s.dates);

    const lastRow = rows[rows.length - 1];
    if (lastRow === undefined) throw new Error('empty CSV');
    const cutoff = DateTime.fromISO(lastRow.date).minus({ years: 1 }).toISODate() ?? '';
    let ath = -Infinity;
    let hi52 = -Infinity;
    let lo52 = Infinity;
    for (const r of rows) {
      const c = parseFloat(r.close);
      ath = Math.max(ath, c);
      if (r.date > cutoff) {
        hi52 = Math.max(hi52, c);
        lo52 = Math.min(lo52, c);
      }
    }
    expect(h.lastDate).toBe(lastRow.date);
    expect(h.allTimeHigh.value).toBe(ath);
    expect(h.high52w.value).toBe(hi52);
    expect(h.low52w.value).toBe(lo52);
    expect(h.fromAllTimeHigh).toBeCloseTo(parseFloat(lastRow.close) / ath - 1, 12);
  });

  it('^GSPC: 2020-02-19 was a record, 2020-08-17 fell short of it, 2020-08-18 beat it', () => {
    // ^GSPC.csv: 2020-02-19 close 3386.1500 (no earlier close ≥ it), 2020-08-17 3381.9900, 2020-08-18 3389.7800.
    const s = loadSeries('^GSPC');
    const { values } = levelValues(s);
    const at = (d: string) => highsAndLows(values, s.dates, s.dates.indexOf(d));
    expect(at('2020-02-19').isNewAllTimeHigh).toBe(true);
    expect(at('2020-08-17').isNewAllTimeHigh, '3381.99 < 3386.15').toBe(false);
    expect(at('2020-08-17').fromAllTimeHigh).toBeCloseTo(3381.99 / 3386.15 - 1, 12);
    const aug18 = at('2020-08-18');
    expect(aug18.isNewAllTimeHigh, '3389.78 > 3386.15').toBe(true);
    expect(aug18.priorAllTimeHigh).toEqual({ value: 3386.15, date: '2020-02-19', index: s.dates.indexOf('2020-02-19') });
  });
});

describe('highsAndLows: properties', () => {
  it('agrees with a naive max/min over slices, whatever the end index', () => {
    const arb = fc
      .array(fc.tuple(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 120 })), { minLength: 1, maxLength: 60 })
      .chain((rows) => fc.tuple(fc.constant(rows), fc.integer({ min: 0, max: rows.length - 1 })));
    fc.assert(
      fc.property(arb, ([rows, end]) => {
        // Gaps of 1..200 calendar days so 52-week windows vary; prices 1..120 so ties are common.
        const dates: string[] = [];
        let d = DateTime.fromISO('2000-01-01', { zone: 'utc' });
        for (const [gap] of rows) {
          d = d.plus({ days: gap });
          dates.push(d.toISODate() ?? '');
        }
        const values = rows.map(([, v]) => v);
        const h = highsAndLows(values, dates, end);
        const upTo = values.slice(0, end + 1);
        const endDate = dates[end] ?? '';
        const cutoff = DateTime.fromISO(endDate, { zone: 'utc' }).minus({ years: 1 }).toISODate() ?? '';
        const win = upTo.filter((_, i) => (dates[i] ?? '') > cutoff);
        const before = upTo.slice(0, -1);
        const winBefore = win.slice(0, -1);
        const last = values[end] ?? 0;
        expect(h.allTimeHigh.value).toBe(Math.max(...upTo));
        expect(h.allTimeHigh.index, 'first date of the record').toBe(upTo.indexOf(Math.max(...upTo)));
        expect(h.allTimeLow.value).toBe(Math.min(...upTo));
        expect(h.high52w.value).toBe(Math.max(...win));
        expect(h.low52w.value).toBe(Math.min(...win));
        expect(h.isNewAllTimeHigh).toBe(before.every((v) => last > v));
        expect(h.isNew52wHigh).toBe(winBefore.every((v) => last > v));
        expect(h.isNew52wLow).toBe(winBefore.every((v) => last < v));
        expect(h.fromAllTimeHigh).toBeLessThanOrEqual(0);
        expect(h.from52wHigh).toBeLessThanOrEqual(0);
        expect(h.from52wLow).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('an increasing series is a new all-time high every day', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.001, max: 10, noNaN: true }), { minLength: 1, maxLength: 50 }), (steps) => {
        let v = 1;
        const values = steps.map((x) => (v += x));
        const dates = days(values.length);
        for (let i = 0; i < values.length; i++) {
          const h = highsAndLows(values, dates, i);
          expect(h.isNewAllTimeHigh, `day ${i}`).toBe(true);
          expect(h.fromAllTimeHigh).toBe(0);
        }
      }),
    );
  });
});

describe('yearExtreme', () => {
  // Hand-made closes over a year boundary: the 2022 low is 90 (Jun 1), the high 120 (Dec 30); 2021 and 2023 are ignored.
  const s = seriesFromCloses('X', ['2021-12-30', '2022-01-03', '2022-06-01', '2022-06-02', '2022-12-30', '2023-01-03'], [50, 100, 90, 90, 120, 200]);
  it('finds the lowest and the highest close of the year, the first of equal ones', () => {
    expect(yearExtreme(s, 2022, 'low')).toEqual({ value: 90, date: '2022-06-01', index: 2 });
    expect(yearExtreme(s, 2022, 'high')).toEqual({ value: 120, date: '2022-12-30', index: 4 });
  });
  it('is null for a year with no closes', () => {
    expect(yearExtreme(s, 2019, 'low')).toBeNull();
  });
});
