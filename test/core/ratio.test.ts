import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { movingAverage, ratioLine } from '../../src/core/ratio.ts';
import { alignSeries } from '../../src/core/align.ts';
import { realSeries } from './_realdata.ts';

describe('ratioLine', () => {
  it('divides day by day', () => {
    expect(ratioLine([2, 6, 5], [1, 3, 10])).toEqual([2, 2, 0.5]);
    expect(ratioLine([], [])).toEqual([]);
  });

  it('is exactly 1 everywhere for a series against itself', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1e-6, max: 1e9, noNaN: true }), { maxLength: 60 }), (v) => {
        expect(ratioLine(v, v).every((x) => x === 1)).toBe(true);
      }),
    );
  });

  it('refuses arrays of different lengths (unaligned data)', () => {
    expect(() => ratioLine([1, 2], [1])).toThrow(RangeError);
  });
});

describe('movingAverage', () => {
  it('averages the last `window` values, null until there are that many', () => {
    expect(movingAverage([1, 2, 3, 4, 5], 3)).toEqual([null, null, 2, 3, 4]);
    expect(movingAverage([4, 8], 1), 'window 1 is the values themselves').toEqual([4, 8]);
    expect(movingAverage([1, 2], 3), 'too few values').toEqual([null, null]);
  });

  it('refuses a window that is not a positive integer', () => {
    expect(() => movingAverage([1], 0)).toThrow(RangeError);
    expect(() => movingAverage([1], 2.5)).toThrow(RangeError);
  });

  it('matches a fresh sum of each window on random data', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 120 }),
        fc.integer({ min: 1, max: 30 }),
        (values, w) => {
          const ma = movingAverage(values, w);
          values.forEach((_, i) => {
            if (i < w - 1) expect(ma[i]).toBeNull();
            else {
              const fresh = values.slice(i - w + 1, i + 1).reduce((a, b) => a + b, 0) / w;
              expect(ma[i] as number).toBeCloseTo(fresh, 3);
            }
          });
        },
      ),
    );
  });

  it('does not drift over a long series with a wide range of magnitudes', () => {
    // 200,000 values: one huge spike, then small ones. A plain running sum loses the small values'
    // low bits while the spike is in the window and never gets them back.
    const n = 200_000;
    const values = Array.from({ length: n }, (_, i) => (i === 10 ? 1e15 : 0.1 + (i % 7) * 0.01));
    const w = 50;
    const ma = movingAverage(values, w);
    let worst = 0;
    for (let i = n - 1000; i < n; i++) {
      let fresh = 0;
      for (let k = i - w + 1; k <= i; k++) fresh += values[k] as number;
      fresh /= w;
      worst = Math.max(worst, Math.abs((ma[i] as number) - fresh) / fresh);
    }
    expect(worst, 'relative error long after the spike left the window').toBeLessThan(1e-12);
  });

  it('matches a naive 200-day average of the real ^GSPC/SPY ratio', () => {
    const { series } = alignSeries([realSeries('^GSPC'), realSeries('SPY')]);
    const [g, s] = series as [typeof series[number], typeof series[number]];
    const ratio = ratioLine(g.adjClose, s.adjClose);
    const ma = movingAverage(ratio, 200);
    for (let i = 199; i < ratio.length; i += 97) {
      let sum = 0;
      for (let k = i - 199; k <= i; k++) sum += (g.adjClose[k] as number) / (s.adjClose[k] as number);
      expect(ma[i] as number, `day ${g.dates[i]}`).toBeCloseTo(sum / 200, 9);
    }
  });
});
