/**
 * Swing highs and lows, and the declines that start at them: "IWM fell 27.9% in 4.5 months from its
 * Nov 25, 2024 high", "QQQ fell 53.6% from Oct 2007 to Nov 2008" (inside its 2000–2015 drawdown).
 *
 * Terms:
 * - **Swing rule** (a reversal filter, the "zigzag" of technical analysis): a **swing high** is the highest
 *   close of a rising leg, confirmed once a later close is at least `threshold` below it; a **swing low**
 *   is the lowest close of a falling leg, confirmed once a later close is at least `threshold` above it.
 *   Highs and lows alternate. A tie with the leg's extreme moves it to the later day (the latest close at
 *   the level, as with drawdown peaks). The first leg's direction is whichever reversal comes first. The
 *   leg still in progress at the end is not a swing: it is `pending`. One pass, O(n).
 *   Thresholds used in the commands, named after the market's conventional vocabulary: a **pullback** is a
 *   fall of 5%, a **correction** 10%, a **bear market** 20% (close to close, from a high). Reference: the
 *   20% rule as used in S&P Dow Jones Indices' and Yardeni Research's tables of S&P 500 bull and bear
 *   markets ("a decline of 20% or more from a high, close to close"); 10% for a correction, likewise.
 * - The **decline from a high** at index h: from the close at h to the lowest close after it and before
 *   the first later close at or above it (the high's recovery), or to the end day when it is not yet
 *   regained. This is a drawdown episode (drawdowns.ts) measured from a local high instead of the running
 *   peak, so it finds falls that happen inside a longer underwater stretch (QQQ 2007–2008 within 2000–2015).
 *   A decline is never deeper than the drawdown from the running peak on its trough day (the peak is ≥ the
 *   high).
 * - **Bear markets** (`bearMarkets`): the declines of at least the threshold from swing highs, leaving out
 *   a decline whose high falls within an earlier listed decline (between its high and its trough): that is
 *   a rally inside the same fall (QQQ's Jun 2008 high inside Oct 2007 → Nov 2008), not a new one.
 *
 * As with highs, the caller chooses the basis (`levelValues` in highs.ts).
 */
import type { Extreme } from './highs.ts';
import { checkedEnd, notAPrice } from './highs.ts';
import { at } from './at.ts';

/** A fall of this size from a high is a pullback (the smallest swing the commands name). */
export const PULLBACK = 0.05;
/** A fall of this size from a high is a correction. */
export const CORRECTION = 0.1;
/** A fall of this size from a high is a bear market (the 20% rule, close to close). */
export const BEAR_MARKET = 0.2;

export interface SwingPoint extends Extreme {
  kind: 'high' | 'low';
}

export interface Swings {
  /** Confirmed swing points, oldest first, alternating high and low. */
  points: SwingPoint[];
  /** The extreme of the leg in progress at the end day (not yet confirmed by a reversal); null before any leg. */
  pending: SwingPoint | null;
}

function checkThreshold(threshold: number, what: string): void {
  if (!(threshold > 0 && threshold < 1)) throw new RangeError(`${what}: threshold must be a fraction between 0 and 1, got ${threshold}`);
}

/**
 * The swing highs and lows of [0, endIndex] under the swing rule (see the header) with the given reversal
 * `threshold` (0.1 = 10%).
 */
export function swingPoints(values: readonly number[], dates: readonly string[], threshold: number, endIndex: number = values.length - 1): Swings {
  const what = 'swingPoints';
  const end = checkedEnd(values, dates, endIndex, what);
  checkThreshold(threshold, what);
  const points: SwingPoint[] = [];
  const point = (kind: 'high' | 'low', i: number): SwingPoint => ({ kind, value: at(values, i), date: at(dates, i), index: i });
  const v0 = at(values, 0);
  if (!(v0 > 0 && v0 < Infinity)) throw notAPrice(what, 0, v0);
  // trend 0: undecided (track both extremes); 1: rising leg (track its high); −1: falling leg (track its low).
  let trend = 0;
  let hi = 0;
  let lo = 0;
  let hiV = v0;
  let loV = v0;
  const down = 1 - threshold;
  const up = 1 + threshold;
  for (let i = 1; i <= end; i++) {
    const v = at(values, i);
    if (!(v > 0 && v < Infinity)) throw notAPrice(what, i, v);
    if (trend >= 0 && v >= hiV) {
      hi = i;
      hiV = v;
    }
    if (trend <= 0 && v <= loV) {
      lo = i;
      loV = v;
    }
    // Undecided, whichever reversal happens first sets the direction (both cannot happen on one day:
    // the earlier extreme would have confirmed the other one already).
    if (trend >= 0 && v <= hiV * down) {
      points.push(point('high', hi));
      trend = -1;
      lo = i;
      loV = v;
      for (let j = hi + 1; j < i; j++) {
        const x = at(values, j);
        if (x <= loV) {
          lo = j;
          loV = x;
        }
      }
    } else if (trend <= 0 && v >= loV * up) {
      points.push(point('low', lo));
      trend = 1;
      hi = i;
      hiV = v;
      for (let j = lo + 1; j < i; j++) {
        const x = at(values, j);
        if (x >= hiV) {
          hi = j;
          hiV = x;
        }
      }
    }
  }
  const pending = trend === 1 ? point('high', hi) : trend === -1 ? point('low', lo) : null;
  return { points, pending };
}

export interface Decline {
  high: Extreme;
  /** The lowest close after the high and before its recovery (earliest on a tie); the high itself when nothing lower followed. */
  trough: Extreme;
  /** The first later close ≥ the high; null = not regained by the end day. */
  recovery: { date: string; index: number } | null;
  /** trough / high − 1; ≤ 0. */
  depth: number;
}

/** The decline from the close at `highIndex` (see the header), looking no further than `endIndex`. */
export function declineFrom(values: readonly number[], dates: readonly string[], highIndex: number, endIndex: number = values.length - 1): Decline {
  const what = 'declineFrom';
  const end = checkedEnd(values, dates, endIndex, what);
  if (!(Number.isInteger(highIndex) && highIndex >= 0 && highIndex <= end)) throw new RangeError(`${what}: high index ${highIndex} outside 0..${end}`);
  const h = at(values, highIndex);
  if (!(h > 0 && h < Infinity)) throw notAPrice(what, highIndex, h);
  let t = highIndex;
  let tV = h;
  let r = -1;
  for (let i = highIndex + 1; i <= end; i++) {
    const v = at(values, i);
    if (!(v > 0 && v < Infinity)) throw notAPrice(what, i, v);
    if (v >= h) {
      r = i;
      break;
    }
    if (v < tV) {
      t = i;
      tV = v;
    }
  }
  return {
    high: { value: h, date: at(dates, highIndex), index: highIndex },
    trough: { value: tV, date: at(dates, t), index: t },
    recovery: r < 0 ? null : { date: at(dates, r), index: r },
    depth: tV / h - 1,
  };
}

/**
 * The bear markets (or, with another threshold, corrections) of [0, endIndex]: declines of at least
 * `threshold` from swing highs, nested ones left out (see the header). Oldest first.
 */
export function bearMarkets(values: readonly number[], dates: readonly string[], threshold: number = BEAR_MARKET, endIndex: number = values.length - 1): Decline[] {
  const { points } = swingPoints(values, dates, threshold, endIndex);
  const out: Decline[] = [];
  let coveredTo = -1; // the trough index of the last kept decline
  for (const p of points) {
    if (p.kind !== 'high' || p.index <= coveredTo) continue;
    const d = declineFrom(values, dates, p.index, endIndex);
    // The same comparison the swing rule confirmed the high with (a depth compared with −threshold could
    // disagree with it in the last bit).
    if (d.trough.value <= d.high.value * (1 - threshold)) {
      out.push(d);
      coveredTo = d.trough.index;
    }
  }
  return out;
}

/**
 * The decline in progress at the end day from the most recent swing high of the given threshold: present
 * only when the leg since that high is still falling (the last confirmed swing point is that high) and
 * the high has not been regained. Null otherwise.
 */
export function currentDecline(values: readonly number[], dates: readonly string[], threshold: number, endIndex: number = values.length - 1): Decline | null {
  const { points } = swingPoints(values, dates, threshold, endIndex);
  const last = points[points.length - 1];
  if (!last || last.kind !== 'high') return null;
  const d = declineFrom(values, dates, last.index, endIndex);
  return d.recovery ? null : d;
}

export interface RoundTrip {
  /** The earlier swing point the end-day close is back at. */
  point: SwingPoint;
  /** last / point − 1. */
  distance: number;
  sessionsAgo: number;
}

/**
 * A **round trip**: the end-day close is within `band` (0.01 = ±1%) of an earlier swing point (swing rule
 * above, `threshold`) at least `minSessions` sessions old. The price has moved away from it by at least
 * the threshold since (that is what made it a swing point), so "back where it was" says something. When
 * several qualify, the oldest is named: it is the longest round trip. Null when none does.
 */
export function roundTrip(
  values: readonly number[],
  dates: readonly string[],
  opts: { threshold: number; band: number; minSessions: number },
  endIndex: number = values.length - 1,
): RoundTrip | null {
  const end = checkedEnd(values, dates, endIndex, 'roundTrip');
  const { points } = swingPoints(values, dates, opts.threshold, end);
  const last = at(values, end);
  for (const p of points) {
    if (end - p.index < opts.minSessions) break;
    const distance = last / p.value - 1;
    if (Math.abs(distance) <= opts.band) return { point: p, distance, sessionsAgo: end - p.index };
  }
  return null;
}
