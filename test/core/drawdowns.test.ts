import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { currentDrawdown, drawdownCurve, drawdownEpisodes, drawdownRank, largestDrawdowns } from '../../src/core/drawdowns.ts';
import type { DrawdownEpisode } from '../../src/core/drawdowns.ts';
import { levelValues } from '../../src/core/highs.ts';
import { NotEnoughDataError } from '../../src/core/series.ts';
import { loadSeries, rawRows } from './_realdata-b.ts';
import { weekdays } from './_weekdays.ts';

// Hand example: peak 110 (i1) → trough 88 (i3) → recovered by the tie at i5; new peak 120 (i6) → 108 (i7) → 114.
const V = [100, 110, 99, 88, 105, 110, 120, 108, 114];
const D = weekdays(V.length);

describe('drawdownCurve', () => {
  it('is close / running peak − 1, 0 at new and tied peaks', () => {
    const expected = [0, 0, 99 / 110 - 1, 88 / 110 - 1, 105 / 110 - 1, 0, 0, 108 / 120 - 1, 114 / 120 - 1];
    const curve = drawdownCurve(V);
    expect(curve).toHaveLength(expected.length);
    curve.forEach((x, i) => expect(x, `day ${i}`).toBeCloseTo(expected[i] ?? NaN, 12));
    expect(curve[5], 'the tie with 110 is back at the peak').toBe(0);
  });

  it('is empty for an empty series', () => {
    expect(drawdownCurve([])).toEqual([]);
  });
});

describe('currentDrawdown', () => {
  it('measures the drawdown in progress (hand-computed)', () => {
    const c = currentDrawdown(V, D);
    expect(c.peak).toEqual({ value: 120, date: D[6], index: 6 });
    expect(c.last).toBe(114);
    expect(c.lastDate).toBe(D[8]);
    expect(c.depth, '114/120 − 1').toBeCloseTo(-0.05, 12);
    expect(c.neededToRegain, '120/114 − 1').toBeCloseTo(6 / 114, 12);
    expect(c.trough, '108 on i7 is the low since the peak').toEqual({ value: 108, date: D[7], index: 7 });
    expect(c.rallyFromTrough, '114/108 − 1').toBeCloseTo(6 / 108, 12);
    expect(c.sessionsSincePeak).toBe(2);
  });

  it('as of an earlier end index', () => {
    const c = currentDrawdown(V, D, 4);
    expect(c.peak.index).toBe(1);
    expect(c.depth, '105/110 − 1').toBeCloseTo(-5 / 110, 12);
    expect(c.trough.index).toBe(3);
    expect(c.rallyFromTrough, '105/88 − 1').toBeCloseTo(17 / 88, 12);
  });

  it('a tie with the peak restarts the count; the trough keeps its first date', () => {
    const c = currentDrawdown([100, 90, 100, 95, 93, 93, 94], weekdays(7));
    expect(c.peak.index, 'the tie on index 2 is the latest peak').toBe(2);
    expect(c.sessionsSincePeak).toBe(4);
    expect(c.trough.index, 'first of the two 93s').toBe(4);
  });

  it('at a peak the depth is 0 and the trough is the peak', () => {
    const c = currentDrawdown([1, 2, 3], weekdays(3));
    expect(c.depth).toBe(0);
    expect(c.neededToRegain).toBe(0);
    expect(c.trough.index).toBe(2);
    expect(c.sessionsSincePeak).toBe(0);
  });

  it('throws NotEnoughDataError on an empty series, RangeError on a value that is not a price', () => {
    expect(() => currentDrawdown([], [])).toThrow(NotEnoughDataError);
    expect(() => currentDrawdown([1, Number.NaN, 2], weekdays(3)), 'a NaN would otherwise be skipped silently').toThrow(RangeError);
    expect(() => drawdownEpisodes([1, -1, 2], weekdays(3))).toThrow(RangeError);
    expect(() => drawdownCurve([1, 0])).toThrow(RangeError);
  });
});

describe('drawdownEpisodes', () => {
  const eps = drawdownEpisodes(V, D);

  it('splits the hand example into two episodes', () => {
    expect(eps).toHaveLength(2);
    const [a, b] = eps;
    expect(a?.peak).toEqual({ value: 110, date: D[1], index: 1 });
    expect(a?.trough).toEqual({ value: 88, date: D[3], index: 3 });
    expect(a?.recovery, 'the close equal to the peak recovers it').toEqual({ date: D[5], index: 5 });
    expect(a?.depth, '88/110 − 1').toBeCloseTo(-0.2, 12);
    expect(a?.sessionsPeakToTrough).toBe(2);
    expect(a?.sessionsTroughToRecovery).toBe(2);
    expect(a?.calendarDaysPeakToRecovery, 'Tue 2024-01-02 to Mon 2024-01-08').toBe(6);

    expect(b?.peak.index).toBe(6);
    expect(b?.trough.index).toBe(7);
    expect(b?.recovery, 'still below 120').toBeNull();
    expect(b?.depth, '108/120 − 1, the deepest point, not today').toBeCloseTo(-0.1, 12);
    expect(b?.sessionsTroughToRecovery).toBeNull();
    expect(b?.calendarDaysPeakToRecovery).toBeNull();
  });

  it('stops at endIndex, leaving the episode open', () => {
    const e = drawdownEpisodes(V, D, 4);
    expect(e).toHaveLength(1);
    expect(e[0]?.recovery, 'not recovered by index 4').toBeNull();
  });

  it('a single row or a rising series has none', () => {
    expect(drawdownEpisodes([5], ['2024-01-02'])).toEqual([]);
    expect(drawdownEpisodes([1, 1, 2, 3], weekdays(4)), 'flat days are not a drawdown').toEqual([]);
  });

  it('largestDrawdowns sorts by depth and cuts to n', () => {
    expect(largestDrawdowns(V, D, 1).map((e) => e.peak.index)).toEqual([1]);
    expect(largestDrawdowns(V, D).map((e) => e.peak.index), 'deepest (−20%) first').toEqual([1, 6]);
    expect(largestDrawdowns(V, D, 0)).toEqual([]);
    expect(largestDrawdowns(V, D, 5, 4).map((e) => e.recovery), 'endIndex applies').toEqual([null]);
  });

  it('drawdownRank counts strictly deeper episodes', () => {
    expect(drawdownRank(eps, -0.2), 'the −20% episode is the deepest').toBe(1);
    expect(drawdownRank(eps, 108 / 120 - 1), 'its own depth ranks it 2nd').toBe(2);
    expect(drawdownRank(eps, -0.05), 'a −5% drawdown would be 3rd').toBe(3);
    expect(drawdownRank(eps, -0.5)).toBe(1);
    expect(drawdownRank([], -0.1)).toBe(1);
  });
});

describe('drawdowns on real data', () => {
  it('^GSPC 2020 COVID crash: 3386.15 → 2237.40 (−33.92%), recovered 2020-08-18', () => {
    // ^GSPC.csv rows:
    //   2020-02-19,3380.3900,3393.5200,3378.8300,3386.1500,3386.1500,3614200000   (no earlier close ≥ 3386.15)
    //   2020-03-23,2290.7100,2300.7300,2191.8600,2237.4000,2237.4000,7411380000
    //   2020-08-17,...,3381.9900,...   2020-08-18,3387.0400,3395.0600,3370.1500,3389.7800,3389.7800,3669550000
    // 2237.40 / 3386.15 − 1 = −0.339250 (python); 2020-02-19 → 2020-08-18 = 181 calendar days.
    const s = loadSeries('^GSPC');
    const { values, basis } = levelValues(s);
    expect(basis).toBe('close');
    const covid = drawdownEpisodes(values, s.dates).find((e) => e.peak.date === '2020-02-19');
    expect(covid?.peak.value).toBe(3386.15);
    expect(covid?.trough).toMatchObject({ value: 2237.4, date: '2020-03-23' });
    expect(covid?.depth).toBeCloseTo(-0.3392495902, 9);
    expect(covid?.recovery?.date).toBe('2020-08-18');
    expect(covid?.calendarDaysPeakToRecovery).toBe(181);
  });

  it('SPY 2007–2009 on close: 156.48 on 2007-10-09 → 68.11 on 2009-03-09, back above on 2013-03-14', () => {
    // SPY.csv rows: 2007-10-09 close 156.4800; 2009-03-09 close 68.1100; 2013-03-14 close 156.7300 (the first
    // close ≥ 156.48 after 2009). Reference values recomputed below by a naive scan over the raw CSV text.
    const rows = rawRows('SPY');
    const closes = rows.map((r) => parseFloat(r.close));
    const troughAt = rows.findIndex((r) => r.date === '2009-03-09');
    const peakValue = Math.max(...closes.slice(0, troughAt + 1));
    const peakAt = closes.lastIndexOf(peakValue, troughAt);
    const recoveryAt = closes.findIndex((c, i) => i > troughAt && c >= peakValue);
    const troughValue = Math.min(...closes.slice(peakAt, recoveryAt));
    expect(rows[peakAt]?.date).toBe('2007-10-09');
    expect(troughValue).toBe(68.11);

    const s = loadSeries('SPY');
    const gfc = drawdownEpisodes(levelValues(s).values, s.dates).find((e) => e.trough.date === '2009-03-09');
    expect(gfc?.peak).toEqual({ value: peakValue, date: '2007-10-09', index: peakAt });
    expect(gfc?.depth, '≈ −56.5% on close').toBeCloseTo(68.11 / 156.48 - 1, 12);
    expect(gfc?.recovery).toEqual({ date: rows[recoveryAt]?.date, index: recoveryAt });
    expect(gfc?.recovery?.date).toBe('2013-03-14');
  });

  it('the deepest ^GSPC episode equals the max drawdown found by a backward scan', () => {
    // Independent formulation: max drawdown = min over i of (lowest close from i on) / close_i − 1,
    // computed right to left from the raw CSV text.
    const rows = rawRows('^GSPC');
    let minAfter = Infinity;
    let mdd = 0;
    for (let i = rows.length - 1; i >= 0; i--) {
      const c = parseFloat(rows[i]?.close ?? '');
      minAfter = Math.min(minAfter, c);
      mdd = Math.min(mdd, minAfter / c - 1);
    }
    const s = loadSeries('^GSPC');
    const [deepest] = largestDrawdowns(levelValues(s).values, s.dates, 1);
    expect(deepest?.depth).toBeCloseTo(mdd, 12);
    expect(deepest?.peak.date, 'the 1929 crash').toMatch(/^1929-/);
    const all = drawdownEpisodes(levelValues(s).values, s.dates);
    const covid = all.find((e) => e.peak.date === '2020-02-19');
    expect(drawdownRank(all, covid?.depth ?? 0), 'rank = 1 + episodes deeper than COVID, by a plain filter').toBe(
      1 + all.filter((e) => e.depth < (covid?.depth ?? 0)).length,
    );
  });
});

/** Prices with many ties: integers 1..30. */
const prices = fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 80 });

describe('drawdowns: properties', () => {
  it('the curve is ≤ 0, and exactly 0 where the close is at its running maximum', () => {
    fc.assert(
      fc.property(prices, (values) => {
        const curve = drawdownCurve(values);
        values.forEach((v, i) => {
          const atMax = values.slice(0, i + 1).every((u) => v >= u);
          expect(curve[i]).toBeLessThanOrEqual(0);
          expect(curve[i] === 0, `day ${i}: 0 iff at the running max`).toBe(atMax);
        });
      }),
    );
  });

  it('neededToRegain ≥ 0 and (1 + depth)(1 + needed) = 1', () => {
    fc.assert(
      // Prices within a factor 1000 of each other: beyond that, 1 + depth (tiny) loses relative precision in float.
      fc.property(fc.array(fc.double({ min: 1, max: 1000, noNaN: true }), { minLength: 1, maxLength: 50 }), (values) => {
        const c = currentDrawdown(values, weekdays(values.length));
        expect(c.neededToRegain).toBeGreaterThanOrEqual(0);
        expect(c.depth).toBeLessThanOrEqual(0);
        expect((1 + c.depth) * (1 + c.neededToRegain)).toBeCloseTo(1, 10);
        expect(c.rallyFromTrough).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('episodes tile the drawdown days: each ends at the first close ≥ its peak, and its trough is the lowest between', () => {
    fc.assert(
      fc.property(prices, (values) => {
        const dates = weekdays(values.length);
        const eps = drawdownEpisodes(values, dates);
        const curve = drawdownCurve(values);
        // Every day below the running peak lies in exactly one episode (peak < day < recovery or end).
        const covered = values.map(() => 0);
        for (const e of eps) {
          const stop = e.recovery?.index ?? values.length;
          for (let i = e.peak.index + 1; i < stop; i++) {
            covered[i] = (covered[i] ?? 0) + 1;
            expect(values[i], 'below the peak until recovery').toBeLessThan(e.peak.value);
          }
          if (e.recovery) expect(values[e.recovery.index]).toBeGreaterThanOrEqual(e.peak.value);
          const between = values.slice(e.peak.index + 1, stop);
          expect(e.trough.value).toBe(Math.min(...between));
          expect(e.depth).toBeLessThan(0);
        }
        curve.forEach((x, i) => expect(covered[i], `day ${i}`).toBe(x < 0 ? 1 : 0));
        expect(Math.min(0, ...eps.map((e) => e.depth)), 'deepest episode = deepest point of the curve').toBeCloseTo(Math.min(...curve), 12);
      }),
    );
  });

  it('largestDrawdowns(n) = the episodes stably sorted by depth, first n', () => {
    fc.assert(
      fc.property(prices, fc.integer({ min: 0, max: 6 }), (values, n) => {
        const dates = weekdays(values.length);
        const sorted = [...drawdownEpisodes(values, dates)].sort((a: DrawdownEpisode, b: DrawdownEpisode) => a.depth - b.depth);
        expect(largestDrawdowns(values, dates, n)).toEqual(sorted.slice(0, n));
      }),
    );
  });

  it('an increasing series has no drawdown', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.001, max: 10, noNaN: true }), { minLength: 1, maxLength: 50 }), (steps) => {
        let v = 1;
        const values = steps.map((x) => (v += x));
        const dates = weekdays(values.length);
        expect(drawdownEpisodes(values, dates)).toEqual([]);
        expect(drawdownCurve(values).every((x) => x === 0)).toBe(true);
        expect(currentDrawdown(values, dates).depth).toBe(0);
      }),
    );
  });
});
