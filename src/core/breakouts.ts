/**
 * How far back a close reaches: "its highest close since Mar 29, 2022", "a 120-day high", "its 23rd
 * record close this year". Complements highs.ts (fixed windows: all-time, 52 weeks) with the open-ended
 * look-back that commentary uses.
 *
 * Terms:
 * - The **look-back high** of the end day: the most recent earlier close at or above the end-day close.
 *   Every close after it is strictly below the end-day close, so the end day is "the highest close since"
 *   that day, and "back where it was on" that day. None means no earlier close was as high: a high in all
 *   the data.
 * - An **N-day high**: the end-day close is the highest of the last N closes (itself included), with N
 *   counted back to the look-back high, which is excluded (it was at least as high).
 * - A **record close**: a close strictly above every earlier close (a new all-time high in the data,
 *   as in highs.ts; the first row counts).
 *
 * As with highs, the caller chooses the basis (`levelValues` in highs.ts).
 */
import type { Extreme } from './highs.ts';
import { checkedEnd, notAPrice } from './highs.ts';

export interface LookbackHigh {
  /** The most recent earlier close ≥ the end-day close; null when there is none. */
  since: Extreme | null;
  /** N of "an N-day high": end − since.index, or end + 1 (every close in the data) when since is null. */
  sessions: number;
}

/** The end day's look-back high (default end: the last row). Walks back only as far as it needs. */
export function lookbackHigh(values: readonly number[], dates: readonly string[], endIndex: number = values.length - 1): LookbackHigh {
  const what = 'lookbackHigh';
  const end = checkedEnd(values, dates, endIndex, what);
  const last = values[end] as number;
  if (!(last > 0 && last < Infinity)) throw notAPrice(what, end, last);
  for (let i = end - 1; i >= 0; i--) {
    const v = values[i] as number;
    if (!(v > 0 && v < Infinity)) throw notAPrice(what, i, v);
    if (v >= last) return { since: { value: v, date: dates[i] as string, index: i }, sessions: end - i };
  }
  return { since: null, sessions: end + 1 };
}

/**
 * Record closes (see the header) dated in [fromIndex, endIndex], oldest first. The scan starts at the
 * first row, since a record is measured against all earlier closes.
 */
export function recordCloses(values: readonly number[], dates: readonly string[], fromIndex: number, endIndex: number = values.length - 1): Extreme[] {
  const what = 'recordCloses';
  const end = checkedEnd(values, dates, endIndex, what);
  if (!Number.isInteger(fromIndex) || fromIndex < 0) throw new RangeError(`${what}: fromIndex must be a whole number ≥ 0, got ${fromIndex}`);
  const out: Extreme[] = [];
  let best = -Infinity;
  for (let i = 0; i <= end; i++) {
    const v = values[i] as number;
    if (!(v > 0 && v < Infinity)) throw notAPrice(what, i, v);
    if (v > best) {
      best = v;
      if (i >= fromIndex) out.push({ value: v, date: dates[i] as string, index: i });
    }
  }
  return out;
}
