
import { at } from './at.ts';/**
 * Relative-strength lines. The ratio line A/B rises while A out-performs B; on total-return prices
 * (adjClose) its slope is the return gap between them. Its moving average smooths the day-to-day noise.
 */

/** a[i] / b[i] for two arrays already aligned on the same dates (see alignSeries). */
export function ratioLine(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`ratioLine: arrays not aligned (${n} vs ${b.length} values)`);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = at(a, i) / at(b, i);
  return out;
}

/**
 * Simple moving average over the last `window` values; null until `window` values exist.
 * A running sum keeps it O(n); Neumaier compensation keeps the add-one-drop-one sum from drifting
 * over tens of thousands of steps.
 */
export function movingAverage(values: ArrayLike<number>, window: number): (number | null)[] {
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`movingAverage: window must be a positive integer, got ${window}`);
  const n = values.length;
  const out = new Array<number | null>(n);
  let sum = 0;
  let comp = 0; // lost low-order bits of `sum`
  const add = (x: number): void => {
    const t = sum + x;
    comp += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  };
  for (let i = 0; i < n; i++) {
    add(at(values, i));
    if (i >= window) add(-at(values, i - window));
    out[i] = i >= window - 1 ? (sum + comp) / window : null;
  }
  return out;
}
