import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { lookbackHigh, recordCloses } from '../../src/core/breakouts.ts';
import { levelValues } from '../../src/core/highs.ts';
import { NotEnoughDataError } from '../../src/core/series.ts';
import { loadSeries, rawRows } from './_realdata-b.ts';

function days(n: number): string[] {
  return Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10));
}

const V = [10, 12, 9, 11, 12, 8, 13, 14, 11];
const D = days(V.length);

describe('lookbackHigh', () => {
  it('finds the most recent earlier close at or above the end-day close (hand-computed)', () => {
    expect(lookbackHigh(V, D), '11 on i8: 14 on i7 was higher').toEqual({ since: { value: 14, date: D[7], index: 7 }, sessions: 1 });
    expect(lookbackHigh(V, D, 4), '12 on i4 ties 12 on i1: a 3-session high').toEqual({ since: { value: 12, date: D[1], index: 1 }, sessions: 3 });
    expect(lookbackHigh(V, D, 6), '13 on i6 beats every earlier close').toEqual({ since: null, sessions: 7 });
    expect(lookbackHigh(V, D, 0), 'the first close has nothing before it').toEqual({ since: null, sessions: 1 });
  });

  it('rejects bad input', () => {
    expect(() => lookbackHigh([], [])).toThrow(NotEnoughDataError);
    expect(() => lookbackHigh([1, NaN, 2], days(3))).toThrow(RangeError);
  });

  it('property: every close after `since` is below the end-day close, and `since` is not', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 50 }), (values) => {
        const e = values.length - 1;
        const last = values[e] as number;
        const r = lookbackHigh(values, days(values.length), e);
        const from = r.since ? r.since.index + 1 : 0;
        expect(values.slice(from, e).every((v) => v < last)).toBe(true);
        if (r.since) expect(r.since.value).toBeGreaterThanOrEqual(last);
        expect(r.sessions).toBe(e - (r.since?.index ?? -1));
      }),
    );
  });
});

describe('recordCloses', () => {
  it('counts closes strictly above every earlier one (hand-computed)', () => {
    const W = [10, 12, 9, 12, 13, 11, 14];
    const Dw = days(W.length);
    expect(recordCloses(W, Dw, 0).map((x) => x.index), 'the first row counts; the tie on i3 does not').toEqual([0, 1, 4, 6]);
    expect(recordCloses(W, Dw, 2).map((x) => x.index), 'records dated from i2, measured against all history').toEqual([4, 6]);
    expect(recordCloses(W, Dw, 0, 3).map((x) => x.index)).toEqual([0, 1]);
    expect(() => recordCloses(W, Dw, -1)).toThrow(RangeError);
  });

  it('SPY: record closes in 2025 up to Jun 30, counted by a naive loop over the CSV', () => {
    const rows = rawRows('SPY').filter((r) => r.date <= '2025-06-30');
    let best = -Infinity;
    let n = 0;
    for (const r of rows) {
      const c = parseFloat(r.close);
      if (c > best) {
        best = c;
        if (r.date >= '2025-01-01') n++;
      }
    }
    const s = loadSeries('SPY');
    const end = s.dates.indexOf('2025-06-30');
    const from = s.dates.findIndex((d) => d >= '2025-01-01');
    const recs = recordCloses(levelValues(s).values, s.dates, from, end);
    expect(recs).toHaveLength(n);
    // SPY.csv: 2025-02-19 close 612.9300 was the last record before the April 2025 sell-off.
    expect(recs.some((x) => x.date === '2025-02-19' && x.value === 612.93)).toBe(true);
  });
});

describe('lookbackHigh on real data', () => {
  it('SPY on 2023-05-26 (close 420.02): its highest close since Aug 2022, by a naive backward scan of the CSV', () => {
    const rows = rawRows('SPY');
    const e = rows.findIndex((r) => r.date === '2023-05-26');
    const last = parseFloat(rows[e]?.close ?? '');
    let j = e - 1;
    while (j >= 0 && parseFloat(rows[j]?.close ?? '') < last) j--;
    expect(rows[j]?.date.slice(0, 7)).toBe('2022-08');

    const s = loadSeries('SPY');
    const r = lookbackHigh(levelValues(s).values, s.dates, e);
    expect(r.since?.date).toBe(rows[j]?.date);
    expect(r.sessions).toBe(e - j);
  });
});
