/**
 * Price against its moving averages (the averages themselves: `movingAverage` in ratio.ts).
 *
 * Terms:
 * - A close is **above** an average when strictly greater, **below** when strictly less; equal is neither
 *   and ends a run, as with price levels in crossings.ts. Days without an average yet (null) end a run too.
 * - A **cross** of a fast average over a slow one is the first day the fast one is on a new side after
 *   being on the other: a golden cross (50-day crosses above the 200-day) or a death cross (below).
 *   A day where the two are equal does not count as a side; the cross is dated to the day the new side
 *   begins.
 */

export type Side = 'above' | 'below';

export interface SideRun {
  side: Side;
  /** Consecutive sessions on that side, the end day included. */
  sessions: number;
  /** Index of the first session of the run. */
  startIndex: number;
}

function sideOf(x: number, y: number | null | undefined): Side | null {
  if (y === null || y === undefined || !Number.isFinite(y) || !Number.isFinite(x)) return null;
  return x > y ? 'above' : x < y ? 'below' : null;
}

/**
 * Which side of `reference` the value at `endIndex` is on, and for how many sessions in a row; null when
 * it is on neither (equal, or no reference value that day).
 */
export function sideRun(
  values: readonly (number | null)[],
  reference: readonly (number | null)[],
  endIndex: number = values.length - 1,
): SideRun | null {
  if (!Number.isInteger(endIndex) || endIndex < 0 || endIndex >= values.length) {
    throw new RangeError(`sideRun: end index ${endIndex} outside 0..${values.length - 1}`);
  }
  const side = sideOf(values[endIndex] ?? NaN, reference[endIndex]);
  if (side === null) return null;
  let i = endIndex;
  while (i > 0 && sideOf(values[i - 1] ?? NaN, reference[i - 1]) === side) i--;
  return { side, sessions: endIndex - i + 1, startIndex: i };
}

export interface Cross {
  /** The fast series' new side: 'above' is a golden cross for 50/200-day averages. */
  side: Side;
  index: number;
}

/**
 * The most recent cross of `fast` over `slow` on or before `endIndex` (see the header), or null when the
 * two never changed sides.
 */
export function lastCross(
  fast: readonly (number | null)[],
  slow: readonly (number | null)[],
  endIndex: number = fast.length - 1,
): Cross | null {
  if (!Number.isInteger(endIndex) || endIndex < 0 || endIndex >= fast.length) {
    throw new RangeError(`lastCross: end index ${endIndex} outside 0..${fast.length - 1}`);
  }
  // Walk back: `later` is the side of the most recent sided day seen so far, `laterAt` where its run starts.
  let later: Side | null = null;
  let laterAt = -1;
  for (let i = endIndex; i >= 0; i--) {
    const s = sideOf(fast[i] ?? NaN, slow[i]);
    if (s === null) {
      if (fast[i] === null || slow[i] === null || fast[i] === undefined || slow[i] === undefined) break;
      continue;
    }
    if (later === null || s === later) {
      later = s;
      laterAt = i;
      continue;
    }
    return { side: later, index: laterAt };
  }
  return null;
}
