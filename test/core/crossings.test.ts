import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { levelCrossing, retest } from '../../src/core/crossings.ts';
import { levelValues } from '../../src/core/highs.ts';
import { NotEnoughDataError } from '../../src/core/series.ts';
import { loadSeries, rawRows } from './_realdata-b.ts';

function days(n: number): string[] {
  return Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10));
}

// Level 11. Above (> 11): i1, i4, i6, i7. i3 equals 11: neither side. Below (< 11): i0, i2, i5.
const V = [10, 12, 9, 11, 12, 8, 13, 14];
const D = days(V.length);
const at = (i: number) => ({ date: D[i], index: i });

describe('levelCrossing above', () => {
  it('a two-day run above, first since the close of i4', () => {
    const c = levelCrossing(V, D, 11);
    expect(c.isAbove).toBe(true);
    expect(c.isOnSide).toBe(true);
    expect(c.runStart).toEqual(at(6));
    expect(c.runLength).toBe(2);
    expect(c.previousRunEnd, '12 on i4 was the last close above before the run').toEqual(at(4));
    expect(c.firstEver).toBe(false);
    expect(c.firstDate).toBe(D[0]);
  });

  it('a close equal to the level is not above: it ends the run before it', () => {
    const c = levelCrossing(V, D, 11, 'above', 4);
    expect(c.runStart, 'i3 closed at exactly 11, so the run starts at i4').toEqual(at(4));
    expect(c.runLength).toBe(1);
    expect(c.previousRunEnd, 'first close above 11 since i1').toEqual(at(1));
  });

  it('on the level itself: not above; previousRunEnd says when it last was', () => {
    const c = levelCrossing(V, D, 11, 'above', 3);
    expect(c.isAbove).toBe(false);
    expect(c.isOnSide).toBe(false);
    expect(c.runStart).toBeNull();
    expect(c.runLength).toBe(0);
    expect(c.previousRunEnd, 'last closed above 11 on i1').toEqual(at(1));
    expect(c.firstEver, 'no current run to be first').toBe(false);
  });

  it('the first close above in the data', () => {
    const c = levelCrossing(V, D, 11, 'above', 1);
    expect(c.runStart).toEqual(at(1));
    expect(c.previousRunEnd).toBeNull();
    expect(c.firstEver).toBe(true);
  });

  it('never above', () => {
    const c = levelCrossing(V, D, 20);
    expect(c.isOnSide).toBe(false);
    expect(c.previousRunEnd, 'never closed above 20').toBeNull();
    expect(c.firstEver).toBe(false);
  });
});

describe('levelCrossing below', () => {
  it('not below at the end: previousRunEnd is the last close below', () => {
    const c = levelCrossing(V, D, 11, 'below');
    expect(c.isOnSide).toBe(false);
    expect(c.isAbove, 'isAbove is literal, whatever the direction').toBe(true);
    expect(c.previousRunEnd, '8 on i5').toEqual(at(5));
  });

  it('the equal close on i3 separates the runs below', () => {
    const c = levelCrossing(V, D, 11, 'below', 5);
    expect(c.runStart).toEqual(at(5));
    expect(c.runLength).toBe(1);
    expect(c.previousRunEnd, '9 on i2').toEqual(at(2));
    expect(c.isAbove).toBe(false);
  });

  it('the first day below is first ever', () => {
    const c = levelCrossing(V, D, 11, 'below', 0);
    expect(c.runStart).toEqual(at(0));
    expect(c.firstEver).toBe(true);
  });
});

describe('levelCrossing edge cases', () => {
  it('a single row', () => {
    const up = levelCrossing([5], ['2024-01-02'], 4);
    expect(up).toMatchObject({ isOnSide: true, runLength: 1, previousRunEnd: null, firstEver: true, firstDate: '2024-01-02' });
    const flat = levelCrossing([5], ['2024-01-02'], 5);
    expect(flat, 'equal is not above').toMatchObject({ isOnSide: false, runStart: null, runLength: 0, previousRunEnd: null, firstEver: false });
  });

  it('a series always above: one run from the first day, first ever', () => {
    const c = levelCrossing([5, 6, 7], days(3), 1);
    expect(c.runStart).toEqual({ date: '2024-01-01', index: 0 });
    expect(c.runLength).toBe(3);
    expect(c.firstEver).toBe(true);
  });

  it('throws on an empty series and a non-finite level', () => {
    expect(() => levelCrossing([], [], 1)).toThrow(NotEnoughDataError);
    expect(() => levelCrossing([1], ['2024-01-02'], Number.NaN)).toThrow(RangeError);
    expect(() => levelCrossing([1, Number.NaN, 3], days(3), 2), 'the walk back meets the NaN').toThrow(RangeError);
  });
});

describe('levelCrossing on real data', () => {
  it('^GSPC 2020-08-18 was its first close ever above 3386.15: the Feb 19 record only equalled it', () => {
    // ^GSPC.csv: 2020-02-19 close 3386.1500 (no earlier close ≥ it); 2020-08-18 close 3389.7800.
    const s = loadSeries('^GSPC');
    const c = levelCrossing(levelValues(s).values, s.dates, 3386.15, 'above', s.dates.indexOf('2020-08-18'));
    expect(c.runLength).toBe(1);
    expect(c.firstEver, 'an equal close is not above').toBe(true);
    expect(c.firstDate).toBe('1927-12-30');
  });

  it('SPY first close above 600 after the April 2025 sell-off, against a naive forward scan of the CSV', () => {
    const rows = rawRows('SPY');
    const closes = rows.map((r) => parseFloat(r.close));
    // Naive: the first day after 2025-04-08 that closes above 600, and the last close above 600 before the
    // run that contains it.
    const from = rows.findIndex((r) => r.date > '2025-04-08');
    const first = closes.findIndex((c, i) => i >= from && c > 600);
    let runStart = first;
    while (runStart > 0 && (closes[runStart - 1] ?? 0) > 600) runStart--;
    let prev = -1;
    for (let i = 0; i < runStart; i++) if ((closes[i] ?? 0) > 600) prev = i;

    const s = loadSeries('SPY');
    const c = levelCrossing(levelValues(s).values, s.dates, 600, 'above', first);
    expect(c.runStart?.index).toBe(runStart);
    expect(c.previousRunEnd?.index).toBe(prev);
    expect(c.previousRunEnd?.date ?? '', 'the previous close above 600 was before the sell-off').toMatch(/^2025-0[1-4]/);
  });
});

describe('levelCrossing: property', () => {
  it('agrees with a naive forward scan over every prefix', () => {
    const arb = fc.tuple(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 7 }), fc.boolean());
    fc.assert(
      fc.property(arb, ([values, level, up]) => {
        const dates = days(values.length);
        const side = (v: number) => (up ? v > level : v < level);
        // Forward scan: track the current run start and the last on-side close before it.
        let runStart = -1;
        let prevEnd = -1;
        values.forEach((v, end) => {
          if (side(v)) {
            if (runStart < 0) runStart = end;
          } else if (runStart >= 0) {
            prevEnd = end - 1;
            runStart = -1;
          }
          const c = levelCrossing(values, dates, level, up ? 'above' : 'below', end);
          expect(c.isOnSide).toBe(side(v));
          expect(c.runStart?.index ?? -1).toBe(runStart);
          expect(c.runLength).toBe(runStart < 0 ? 0 : end - runStart + 1);
          expect(c.previousRunEnd?.index ?? -1, 'the last on-side close before the current run (or before today)').toBe(prevEnd);
          expect(c.firstEver).toBe(runStart >= 0 && prevEnd < 0);
        });
      }),
    );
  });
});

describe('retest (level 100, tolerance 2%: band 98..102)', () => {
  const base = [95, 97, 101, 104, 106, 103, 101];

  it('broke out on i2, ran to 106, back to 101: a retest', () => {
    const r = retest(base, days(base.length), 100);
    expect(r.isRetest).toBe(true);
    expect(r.breakout, '97 on i1 was below the band; 101 on i2 is the first close above').toEqual({ date: '2024-01-03', index: 2 });
    expect(r.sessionsSinceBreakout).toBe(4);
    expect(r.peakSinceBreakout?.value).toBe(106);
    expect(r.lastAboveIndex).toBe(6);
    expect(r.withinPct, '101/100 − 1').toBeCloseTo(0.01, 12);
  });

  it('slightly below the level is still a retest', () => {
    const v = [...base, 99.5];
    const r = retest(v, days(v.length), 100);
    expect(r.isRetest).toBe(true);
    expect(r.withinPct).toBeCloseTo(-0.005, 12);
    expect(r.lastAboveIndex, 'i6 was the last close above 100').toBe(6);
  });

  it('a dip into the band does not reset the breakout', () => {
    const v = [95, 101, 106, 99, 104, 101];
    const r = retest(v, days(v.length), 100);
    expect(r.breakout?.index, 'the 99 on i3 stayed above the 98 floor').toBe(1);
    expect(r.isRetest).toBe(true);
  });

  it('a close below the floor means the breakout failed', () => {
    const v = [95, 97, 101, 104, 106, 97, 101];
    const r = retest(v, days(v.length), 100);
    expect(r.breakout, 'no close above 100 after the 97 on i5, before the end day').toBeNull();
    expect(r.isRetest).toBe(false);
  });

  it('hovering at the level without moving away is not a retest', () => {
    const v = [95, 101, 101.5, 100.5];
    const r = retest(v, days(v.length), 100);
    expect(r.breakout?.index).toBe(1);
    expect(r.isRetest, 'never closed above 102').toBe(false);
  });

  it('a breakout older than lookback sessions does not count', () => {
    expect(retest(base, days(base.length), 100, 4).isRetest, 'breakout 4 sessions back, lookback 4').toBe(true);
    expect(retest(base, days(base.length), 100, 3).isRetest, 'lookback 3').toBe(false);
  });

  it('the end day has to be back in the band', () => {
    const v = [95, 101, 106, 105];
    expect(retest(v, days(4), 100).isRetest, '105 is above the 102 ceiling').toBe(false);
    const w = [95, 101, 106, 102];
    expect(retest(w, days(4), 100).isRetest, 'the ceiling itself is in the band').toBe(true);
  });

  it('data that starts above the level has no breakout', () => {
    const v = [101, 104, 106, 101];
    const r = retest(v, days(4), 100);
    expect(r.breakout).toBeNull();
    expect(r.isRetest).toBe(false);
  });

  it('a single row has nothing to retest', () => {
    const r = retest([100], ['2024-01-02'], 100);
    expect(r).toEqual({ level: 100, isRetest: false, breakout: null, sessionsSinceBreakout: null, peakSinceBreakout: null, lastAboveIndex: null, withinPct: 0 });
  });

  it('rejects a bad lookback or tolerance', () => {
    expect(() => retest(base, days(base.length), 100, 0)).toThrow(RangeError);
    expect(() => retest(base, days(base.length), 100, 20, 1)).toThrow(RangeError);
  });
});
