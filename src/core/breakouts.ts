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
import { at } from './at.ts';

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
  const last = at(values, end);
  if (!(last > 0 && last < Infinity)) throw notAPrice(what, end, last);
  for (let i = end - 1; i >= 0; i--) {
    const v = at(values, i);
    if (!(v > 0 && v < Infinity)) throw notAPrice(what, i, v);
    if (v >= last) return { since: { value: v, date: at(dates, i), index: i }, sessions: end - i };
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
    const v = at(values, i);
    if (!(v > 0 && v < Infinity)) throw notAPrice(what, i, v);
    if (v > best) {
      best = v;
      if (i >= fromIndex) out.push({ value: v, date: at(dates, i), index: i });
    }
  }
  return out;
}

/**
 * What followed a breakout: did it hold or fail?
 *
 * Terms:
 * - A **breakout** above a level L on day b: the close on b is strictly above L (L being a prior record, a
 *   prior 52-week high or a price someone named).
 * - It **failed** when a close within `failWithin` sessions after b is strictly below L: the move did not
 *   hold above the level it cleared. (Technical-analysis usage, e.g. Edwards & Magee, "Technical Analysis of
 *   Stock Trends", on false breakouts: a close back inside the old range soon after the breakout.)
 * - A **retest** is a pullback, within that window, to within `band` above L (a close ≤ L·(1 + band)). A
 *   retest that **held** stayed at or above L through the window; one that did not is a failed breakout.
 * - Still `pending` while fewer than `failWithin` sessions have passed and nothing has failed yet.
 * - **What followed**: the decline from the breakout close (see `declineFrom` in swings.ts): the lowest
 *   close after b before the breakout close was regained.
 */
export interface BreakoutOutcome {
  breakout: Extreme;
  level: number;
  status: 'failed' | 'held' | 'pending';
  /** The first close below the level within the window (failed only). */
  fellBack: { date: string; index: number; sessions: number } | null;
  /** The lowest close within the window that came back to within the band above the level; null if none. */
  retest: Extreme | null;
}

export function breakoutOutcome(
  values: readonly number[],
  dates: readonly string[],
  breakoutIndex: number,
  level: number,
  opts: { failWithin: number; band: number },
  endIndex: number = values.length - 1,
): BreakoutOutcome {
  const what = 'breakoutOutcome';
  const end = checkedEnd(values, dates, endIndex, what);
  if (!(Number.isInteger(breakoutIndex) && breakoutIndex >= 0 && breakoutIndex <= end)) throw new RangeError(`${what}: breakout index ${breakoutIndex} outside 0..${end}`);
  const b = at(values, breakoutIndex);
  if (!(b > level)) throw new RangeError(`${what}: the close ${b} on ${dates[breakoutIndex]} is not above the level ${level}`);
  const last = Math.min(end, breakoutIndex + opts.failWithin);
  let retest: Extreme | null = null;
  for (let i = breakoutIndex + 1; i <= last; i++) {
    const v = at(values, i);
    if (!(v > 0 && v < Infinity)) throw notAPrice(what, i, v);
    if (v < level) {
      return { breakout: { value: b, date: at(dates, breakoutIndex), index: breakoutIndex }, level, status: 'failed', fellBack: { date: at(dates, i), index: i, sessions: i - breakoutIndex }, retest };
    }
    if (v <= level * (1 + opts.band) && (retest === null || v < retest.value)) retest = { value: v, date: at(dates, i), index: i };
  }
  return {
    breakout: { value: b, date: at(dates, breakoutIndex), index: breakoutIndex },
    level,
    status: last - breakoutIndex >= opts.failWithin ? 'held' : 'pending',
    fellBack: null,
    retest,
  };
}

/** A breakout fails when a close falls back below the level it cleared within this many sessions (two weeks). */
export const FAIL_WITHIN_SESSIONS = 10;
/** The prior high a breakout clears must be at least a week old: a high one day after another is a trend, not a breakout. */
export const MIN_SESSIONS_SINCE_PRIOR_HIGH = 5;

/** A 52-week-high breakout: the close on `index` above the highest close of the 52 weeks before it (`level`, set on `levelIndex`). */
export interface Breakout52w {
  index: number;
  level: number;
  levelIndex: number;
}

/**
 * Whether the close on day `b` is a 52-week-high breakout (strictly above every close of the year before
 * it; see highs.ts), with the level it cleared: the highest close of the 52 weeks before it (latest on a
 * tie), at least `minSinceLevel` sessions older than b. Null otherwise, or when there was no earlier
 * close in its window. Stops at the first close of the year as high as b's (most days are not highs).
 */
function breakout52wAt(values: readonly number[], dates: readonly string[], b: number, minSinceLevel: number): Breakout52w | null {
  const vb = at(values, b);
  const day = at(dates, b);
  const cutoff = String(Number(day.slice(0, 4)) - 1).padStart(4, '0') + day.slice(4);
  let best = -1;
  let bestV = -Infinity;
  for (let i = b - 1; i >= 0 && at(dates, i) > cutoff; i--) {
    const v = at(values, i);
    if (v >= vb) return null;
    if (best < 0 || v > bestV) {
      best = i;
      bestV = v;
    }
  }
  return best >= 0 && b - best >= minSinceLevel ? { index: b, level: bestV, levelIndex: best } : null;
}

/**
 * The most recent close in [endIndex − lookback, endIndex] that was a 52-week-high breakout (see
 * breakout52wAt). With `minSinceLevel` > 1 the prior high must be at least that many sessions older than
 * the breakout, so a new high one day after another is not a "breakout" above it. Null when there is none.
 */
export function recent52wBreakout(
  values: readonly number[],
  dates: readonly string[],
  lookback: number,
  endIndex: number = values.length - 1,
  minSinceLevel = 1,
): Breakout52w | null {
  const end = checkedEnd(values, dates, endIndex, 'recent52wBreakout');
  for (let b = end; b >= Math.max(1, end - lookback); b--) {
    const r = breakout52wAt(values, dates, b, minSinceLevel);
    if (r) return r;
  }
  return null;
}

/** A failed breakout: the breakout, the prior high it cleared, and the first close back below that high. */
export interface FailedBreakout extends Breakout52w {
  breakout: Extreme;
  fellBack: { date: string; index: number; sessions: number };
}

/**
 * Every **failed breakout** in [0, endIndex], oldest first: a 52-week-high breakout (breakout52wAt, the
 * prior high at least MIN_SESSIONS_SINCE_PRIOR_HIGH sessions old) followed within FAIL_WITHIN_SESSIONS by a
 * close below the prior high it cleared (breakoutOutcome's `failed`), as /breakout and /drawdown say it.
 * The failure is known on the fall-back day, never earlier, and nothing after endIndex is read.
 *
 * Episodes do not overlap: when several breakouts precede one fall-back (new highs stacked within two
 * weeks), the episode is the latest of them, whose higher level is lost first (a close below an earlier,
 * lower level is below the later one too); the next episode needs a breakout after the fall-back day.
 */
export function failedBreakouts(values: readonly number[], dates: readonly string[], endIndex: number = values.length - 1): FailedBreakout[] {
  const end = checkedEnd(values, dates, endIndex, 'failedBreakouts');
  const out: FailedBreakout[] = [];
  const failure = (bo: Breakout52w): FailedBreakout | null => {
    const o = breakoutOutcome(values, dates, bo.index, bo.level, { failWithin: FAIL_WITHIN_SESSIONS, band: 0 }, end);
    return o.status === 'failed' && o.fellBack ? { ...bo, breakout: o.breakout, fellBack: o.fellBack } : null;
  };
  for (let b = 1; b < end; b++) {
    const bo = breakout52wAt(values, dates, b, MIN_SESSIONS_SINCE_PRIOR_HIGH);
    if (!bo) continue;
    let f = failure(bo);
    if (!f) continue;
    for (let j = f.fellBack.index - 1; j > b; j--) {
      const later = breakout52wAt(values, dates, j, MIN_SESSIONS_SINCE_PRIOR_HIGH);
      if (later) {
        f = failure(later) ?? f;
        break;
      }
    }
    out.push(f);
    b = f.fellBack.index;
  }
  return out;
}
