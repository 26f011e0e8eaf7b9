import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { levelValues } from '../../src/core/highs.ts';
import { calendarSpan, formatSpan, rangeBreakout, recentRangeBreakout, sidewaysRange, withArticle } from '../../src/core/ranges.ts';
import { NotEnoughDataError } from '../../src/core/series.ts';
import { loadSeries, rawRows } from './_realdata-b.ts';

function days(n: number): string[] {
  return Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10));
}

describe('sidewaysRange', () => {
  it('walks back while the amplitude stays within the threshold (hand-computed)', () => {
    // From i8 (96) back: 99, 92, 98, 90 (99/90 = 1.10), 95, 100 (100/90 = 1.111), then 80 (100/80 = 1.25 > 1.15): stop.
    // Band i2..i8, max 100, min 90; top quarter starts at 100 − 10/4 = 97.5, first reached on i2 itself.
    const V = [50, 80, 100, 95, 90, 98, 92, 99, 96];
    const D = days(V.length);
    const r = sidewaysRange(V, D);
    expect(r.start).toEqual({ date: D[2], index: 2 });
    expect(r.end).toEqual({ date: D[8], index: 8 });
    expect(r.sessions).toBe(7);
    expect(r.high).toEqual({ value: 100, date: D[2], index: 2 });
    expect(r.low).toEqual({ value: 90, date: D[4], index: 4 });
    expect(r.amplitude, '100/90 − 1').toBeCloseTo(1 / 9, 12);
  });

  it('cuts the climb into the band: the range starts at the first close in its top quarter', () => {
    // Band from i1 (88; 70 would make 100/70 > 1.15). Max 100, min 88 → top quarter from 100 − 12/4 = 97.
    // 88, 91, 94 are the climb; the range starts at i4 (97). Its low is then 97 (i4, the first of two).
    const V = [70, 88, 91, 94, 97, 99, 100, 98, 99.5, 97, 99];
    const D = days(V.length);
    const r = sidewaysRange(V, D);
    expect(r.start.index).toBe(4);
    expect(r.sessions).toBe(7);
    expect(r.high.index).toBe(6);
    expect(r.low).toEqual({ value: 97, date: D[4], index: 4 });
    expect(r.amplitude).toBeCloseTo(100 / 97 - 1, 12);
  });

  it('a threshold of 0 keeps only the run of equal closes', () => {
    const r = sidewaysRange([5, 7, 7, 7], days(4), 3, 0);
    expect(r.start.index).toBe(1);
    expect(r.amplitude).toBe(0);
  });

  it('rejects bad input', () => {
    expect(() => sidewaysRange([], [])).toThrow(NotEnoughDataError);
    expect(() => sidewaysRange([1, 2], days(2), 1, -0.1)).toThrow(RangeError);
    expect(() => sidewaysRange([1, 0, 2], days(3)), 'a zero close is not a price').toThrow(RangeError);
  });
});

describe('rangeBreakout', () => {
  // i1..i6 hold between 95 and 100 (high 100 on i1), then i7 closes at 104.
  const V = [80, 100, 96, 99, 95, 98, 97, 104];
  const D = days(V.length);
  const opts = { minSessions: 5, minSinceHigh: 2 };

  it('a close above a long-enough range whose high is old enough (hand-computed)', () => {
    const b = rangeBreakout(V, D, 7, opts);
    expect(b?.index).toBe(7);
    expect(b?.close).toBe(104);
    expect(b?.range.start.index, 'range i1..i6').toBe(1);
    expect(b?.range.end.index).toBe(6);
    expect(b?.range.high.value).toBe(100);
    expect(b?.range.low.value).toBe(95);
    expect(b?.aboveRange, '104/100 − 1').toBeCloseTo(0.04, 12);
  });

  it('needs a close strictly above the top', () => {
    expect(rangeBreakout([...V.slice(0, 7), 100], D, 7, opts), 'a tie with the top is not a breakout').toBeNull();
  });

  it('needs the range to last minSessions', () => {
    expect(rangeBreakout(V, D, 7, { ...opts, minSessions: 7 }), 'the range has 6 closes').toBeNull();
  });

  it('needs the range high to be minSinceHigh sessions old: a rise the day before is not a range top', () => {
    // The range ending i6 is i0..i6 (95..100.5; top quarter from 100.5 − 5.5/4 = 99.125, first reached by
    // i0's 100), and its high is i6 itself, one session before the close of 101.
    const W = [100, 96, 97, 95, 98, 99, 100.5, 101];
    expect(rangeBreakout(W, days(8), 7, { minSessions: 3, minSinceHigh: 2 })).toBeNull();
    const b = rangeBreakout(W, days(8), 7, { minSessions: 3, minSinceHigh: 1 });
    expect(b?.range.high.index).toBe(6);
    expect(b?.range.start.index).toBe(0);
  });

  it('recentRangeBreakout reports the earliest breakout of the last sessions that still holds', () => {
    const W = [...V, 105, 106];
    const DW = days(W.length);
    // i8's own range (ending i7) starts at i7 (104 is the only close in its top quarter): too short. So i7 it is.
    expect(recentRangeBreakout(W, DW, 9, 5, opts)?.index).toBe(7);
    expect(recentRangeBreakout(W, DW, 9, 2, opts), 'i7 is outside the last 2 sessions').toBeNull();
    const back = [...V, 105, 99];
    expect(recentRangeBreakout(back, days(back.length), 9, 5, opts), 'back inside the range: it did not hold').toBeNull();
  });
});

/** Brute force, straight from the definition: the earliest start s whose stretch [s, e] has max/min − 1 ≤ threshold. */
function naiveRange(values: number[], e: number, threshold: number): { start: number; high: number; low: number } {
  let s = e;
  for (let t = e; t >= 0; t--) {
    const w = values.slice(t, e + 1);
    if (Math.max(...w) / Math.min(...w) - 1 <= threshold) s = t;
    else break;
  }
  const band = values.slice(s, e + 1);
  const hi = Math.max(...band);
  const floor = hi - (hi - Math.min(...band)) / 4;
  const start = s + band.findIndex((v) => v >= floor);
  const range = values.slice(start, e + 1);
  return { start, high: Math.max(...range), low: Math.min(...range) };
}

describe('ranges: properties', () => {
  const prices = fc.array(fc.integer({ min: 80, max: 120 }), { minLength: 1, maxLength: 60 });

  it('sidewaysRange matches a brute-force search over every start', () => {
    fc.assert(
      fc.property(prices, fc.constantFrom(0, 0.05, 0.15, 0.3), (values, thr) => {
        const e = values.length - 1;
        const r = sidewaysRange(values, days(values.length), e, thr);
        const n = naiveRange(values, e, thr);
        expect(r.start.index).toBe(n.start);
        expect(r.high.value).toBe(n.high);
        expect(r.low.value).toBe(n.low);
        expect(r.amplitude).toBeLessThanOrEqual(thr + 1e-12);
      }),
    );
  });

  it('a breakout close is above every close of its range, and the range is long enough', () => {
    fc.assert(
      fc.property(prices, (values) => {
        const D = days(values.length);
        for (let b = 0; b < values.length; b++) {
          const br = rangeBreakout(values, D, b, { minSessions: 4, minSinceHigh: 2 });
          if (!br) continue;
          const inRange = values.slice(br.range.start.index, br.range.end.index + 1);
          expect(br.range.end.index).toBe(b - 1);
          expect(inRange.length).toBeGreaterThanOrEqual(4);
          expect(inRange.every((v) => v < br.close)).toBe(true);
          expect(b - br.range.high.index).toBeGreaterThanOrEqual(2);
        }
      }),
    );
  });
});

describe('ranges on real data', () => {
  it('SPY broke out of its Nov 2022–May 2023 range on 2023-05-26, checked by a brute-force scan of the CSV', () => {
    // SPY.csv: 2023-05-25 close 414.6500; 2023-05-26 close 420.0200, above every close since early Nov 2022.
    const rows = rawRows('SPY');
    const closes = rows.map((r) => parseFloat(r.close));
    const b = rows.findIndex((r) => r.date === '2023-05-26');
    const n = naiveRange(closes, b - 1, 0.15);
    expect(rows[n.start]?.date.slice(0, 7), 'the range starts in Nov 2022').toBe('2022-11');

    const s = loadSeries('SPY');
    const br = rangeBreakout(levelValues(s).values, s.dates, b);
    expect(br?.date).toBe('2023-05-26');
    expect(br?.close).toBe(420.02);
    expect(br?.range.start.index).toBe(n.start);
    expect(br?.range.high.value).toBe(n.high);
    expect(br?.range.low.value).toBe(n.low);
    expect(br?.range.high.value, 'no close in the range reached 420.02').toBeLessThan(420.02);
    expect(formatSpan(br?.range.start.date ?? '', br?.range.end.date ?? '', true)).toBe('6-month');
  });

  it('no range breakout while SPY made record after record in Jun 2025', () => {
    const s = loadSeries('SPY');
    const end = s.dates.indexOf('2025-06-30');
    expect(recentRangeBreakout(levelValues(s).values, s.dates, end), 'a V-shaped recovery, not a range').toBeNull();
  });
});

describe('calendarSpan and formatSpan', () => {
  it('picks the unit a person would use', () => {
    expect(calendarSpan('2024-01-01', '2024-01-08')).toEqual({ count: 7, unit: 'day' });
    expect(calendarSpan('2020-02-19', '2020-03-23'), '33 days ≈ 5 weeks').toEqual({ count: 5, unit: 'week' });
    expect(calendarSpan('2007-10-09', '2009-03-09'), '17 months').toEqual({ count: 17, unit: 'month' });
    expect(calendarSpan('2022-01-03', '2024-01-19'), '24.5 months → 2.0 years').toEqual({ count: 2, unit: 'year' });
    expect(calendarSpan('2007-10-09', '2013-03-14'), '65.2 months → 5.4 years').toEqual({ count: 5.4, unit: 'year' });
    expect(formatSpan('2022-03-01', '2023-05-01', true)).toBe('14-month');
    expect(formatSpan('2024-01-01', '2024-01-02')).toBe('1 day');
    expect(formatSpan('2024-01-01', '2024-03-15')).toBe('2 months');
    expect(() => calendarSpan('2024-02-01', '2024-01-01')).toThrow(RangeError);
  });

  it('withArticle follows the spoken number', () => {
    expect(withArticle('8-month range')).toBe('an 8-month range');
    expect(withArticle('11.1% drawdown')).toBe('an 11.1% drawdown');
    expect(withArticle('18-session high')).toBe('an 18-session high');
    expect(withArticle('86-session high')).toBe('an 86-session high');
    expect(withArticle('11,000-point drop')).toBe('an 11,000-point drop');
    expect(withArticle('14-month range')).toBe('a 14-month range');
    expect(withArticle('110-session high')).toBe('a 110-session high');
    expect(withArticle('1-day')).toBe('a 1-day');
    expect(withArticle('open range')).toBe('an open range');
  });
});
