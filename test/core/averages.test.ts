import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { lastCross, sideRun } from '../../src/core/averages.ts';
import { movingAverage } from '../../src/core/ratio.ts';
import { loadSeries, rawRows } from './_realdata-b.ts';

describe('sideRun', () => {
  it('counts the sessions in a row on the end day’s side (hand-computed)', () => {
    const v = [5, 6, 7, 4, 8, 9, 10];
    const ref = [null, 5, 5, 5, 5, 5, 5];
    expect(sideRun(v, ref)).toEqual({ side: 'above', sessions: 3, startIndex: 4 });
    expect(sideRun(v, ref, 3)).toEqual({ side: 'below', sessions: 1, startIndex: 3 });
    expect(sideRun(v, ref, 2), 'the null reference on i0 ends the run').toEqual({ side: 'above', sessions: 2, startIndex: 1 });
    expect(sideRun(v, ref, 0), 'no reference that day').toBeNull();
    expect(sideRun([5, 5], [4, 5]), 'equal is neither side').toBeNull();
    expect(() => sideRun([1], [1], 3)).toThrow(RangeError);
  });
});

describe('lastCross', () => {
  it('dates a cross to the first day on the new side (hand-computed)', () => {
    //         i0    i1  i2  i3  i4  i5  i6
    const fast = [null, 9, 9, 10, 11, 12, 11];
    const slow = [null, 10, 10, 10, 10, 10, 12];
    // below on i1–i2, equal on i3 (no side), above i4–i5, below on i6.
    expect(lastCross(fast, slow), 'the death cross on i6').toEqual({ side: 'below', index: 6 });
    expect(lastCross(fast, slow, 5), 'golden cross on i4; the tie on i3 is skipped').toEqual({ side: 'above', index: 4 });
    expect(lastCross(fast, slow, 2), 'never changed sides').toBeNull();
  });

  it('property: the cross day is on its side and the previous sided day is on the other', () => {
    const arb = fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(arb, (pairs) => {
        const fast = pairs.map((p) => p[0]);
        const slow = pairs.map((p) => p[1]);
        const c = lastCross(fast, slow);
        const side = (i: number) => (fast[i] as number) > (slow[i] as number) ? 'above' : (fast[i] as number) < (slow[i] as number) ? 'below' : null;
        const sided = pairs.map((_, i) => i).filter((i) => side(i) !== null);
        const changes = sided.filter((i, k) => k > 0 && side(i) !== side(sided[k - 1] as number));
        if (changes.length === 0) expect(c).toBeNull();
        else expect(c).toEqual({ side: side(changes[changes.length - 1] as number), index: changes[changes.length - 1] });
      }),
    );
  });

  it('SPY 2022: the 50-day fell below the 200-day in March 2022 (death cross), by a naive average over the CSV', () => {
    const rows = rawRows('SPY').filter((r) => r.date <= '2022-06-30');
    const c = rows.map((r) => parseFloat(r.close));
    const avg = (i: number, n: number) => c.slice(i - n + 1, i + 1).reduce((x, y) => x + y, 0) / n;
    let expected = -1;
    for (let i = 200; i < c.length; i++) {
      if (avg(i, 50) < avg(i, 200) && avg(i - 1, 50) > avg(i - 1, 200)) expected = i;
    }
    const s = loadSeries('SPY');
    const v = s.close.map((x) => x as number);
    const end = s.dates.indexOf('2022-06-30');
    const cross = lastCross(movingAverage(v, 50), movingAverage(v, 200), end);
    expect(cross?.side).toBe('below');
    expect(cross?.index).toBe(expected);
    expect(s.dates[cross?.index ?? 0]?.slice(0, 7)).toBe('2022-03');
  });
});
