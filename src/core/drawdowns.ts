/**
 * Drawdowns of a price level.
 *
 * A **drawdown** is the decline of the close from its running peak (the highest close so far). Its
 * **depth** is close / peak − 1, a fraction ≤ 0 (−0.34 = 34% below the peak). Regaining the peak from
 * there takes a gain of peak / close − 1 = 1 / (1 + depth) − 1 (a 50% drawdown needs +100%).
 *
 * A **drawdown episode** runs from a peak to the first later close at or above that peak (its
 * **recovery**), or to the end of the data if there is none yet. Its **trough** is the lowest close in
 * between, and its depth is trough / peak − 1. A close that ties the peak recovers it, so the peak of the
 * next episode is the latest close at the running high. Episodes never overlap, so they can be ranked.
 * Reference: the usual maximum-drawdown definition (e.g. Magdon-Ismail & Atiya, "Maximum drawdown",
 * Risk, 2004), applied to closes.
 *
 * As with highs, the caller chooses the basis (`levelValues` in highs.ts): on `close` a drawdown is
 * what holders saw on the tape; on `adjClose` it includes dividends.
 */
import type { Extreme } from './highs.ts';
import { checkedEnd, notAPrice } from './highs.ts';
import { at } from './at.ts';

export interface CurrentDrawdown {
  /** The latest close at the running high of [0, end]. */
  peak: Extreme;
  last: number;
  lastDate: string;
  /** last / peak − 1; ≤ 0, and 0 on a day at the peak. */
  depth: number;
  /** peak / last − 1; ≥ 0: the gain still needed to get back to the peak. */
  neededToRegain: number;
  /** The lowest close since the peak (the peak itself when the end day is the peak); earliest on a tie. */
  trough: Extreme;
  /** last / trough − 1; ≥ 0. */
  rallyFromTrough: number;
  sessionsSincePeak: number;
}

export interface DrawdownEpisode {
  peak: Extreme;
  /** The lowest close between the peak and the recovery (earliest on a tie). */
  trough: Extreme;
  /** The first close ≥ the peak after the trough; null = not yet recovered at the end day. */
  recovery: { date: string; index: number } | null;
  /** trough / peak − 1; < 0. For an unrecovered episode this is the deepest point so far, not today's depth. */
  depth: number;
  sessionsPeakToTrough: number;
  sessionsTroughToRecovery: number | null;
  calendarDaysPeakToRecovery: number | null;
}

/** Close / running peak − 1 for every day: ≤ 0 everywhere, exactly 0 at each new (or tied) peak. */
export function drawdownCurve(values: readonly number[]): number[] {
  const out = new Array<number>(values.length);
  let peak = 0;
  for (let i = 0; i < values.length; i++) {
    const v = at(values, i);
    if (!(v > 0 && v < Infinity)) throw notAPrice('drawdownCurve', i, v);
    if (v >= peak) {
      peak = v;
      out[i] = 0;
    } else out[i] = v / peak - 1;
  }
  return out;
}

/** The drawdown in progress at `endIndex` (default: the last row). One pass over [0, endIndex]. */
export function currentDrawdown(
  values: readonly number[],
  dates: readonly string[],
  endIndex: number = values.length - 1,
): CurrentDrawdown {
  const end = checkedEnd(values, dates, endIndex, 'currentDrawdown');
  let peak = 0;
  let trough = 0;
  let peakValue = at(values, 0);
  if (!(peakValue > 0 && peakValue < Infinity)) throw notAPrice('currentDrawdown', 0, peakValue);
  let troughValue = peakValue;
  for (let i = 1; i <= end; i++) {
    const v = at(values, i);
    if (!(v > 0 && v < Infinity)) throw notAPrice('currentDrawdown', i, v);
    if (v >= peakValue) {
      peak = trough = i;
      peakValue = troughValue = v;
    } else if (v < troughValue) {
      trough = i;
      troughValue = v;
    }
  }
  const last = at(values, end);
  return {
    peak: { value: peakValue, date: at(dates, peak), index: peak },
    last,
    lastDate: at(dates, end),
    depth: last / peakValue - 1,
    neededToRegain: peakValue / last - 1,
    trough: { value: troughValue, date: at(dates, trough), index: trough },
    rallyFromTrough: last / troughValue - 1,
    sessionsSincePeak: end - peak,
  };
}

/**
 * Walks [0, end] once and reports each episode as (peak, trough, recovery) indices, recovery −1 when
 * the episode is still open at `end`. Allocation-free; the visitors decide what to keep.
 */
function scanEpisodes(
  values: readonly number[],
  end: number,
  what: string,
  visit: (peak: number, trough: number, recovery: number) => void,
): void {
  let peak = 0;
  let peakValue = at(values, 0);
  if (!(peakValue > 0 && peakValue < Infinity)) throw notAPrice(what, 0, peakValue);
  let trough = -1; // −1: not in a drawdown
  let troughValue = 0;
  for (let i = 1; i <= end; i++) {
    const v = at(values, i);
    if (!(v > 0 && v < Infinity)) throw notAPrice(what, i, v);
    if (v >= peakValue) {
      if (trough >= 0) {
        visit(peak, trough, i);
        trough = -1;
      }
      peak = i;
      peakValue = v;
    } else if (trough < 0 || v < troughValue) {
      trough = i;
      troughValue = v;
    }
  }
  if (trough >= 0) visit(peak, trough, -1);
}

const DAY_MS = 86_400_000;

function episode(values: readonly number[], dates: readonly string[], p: number, t: number, r: number): DrawdownEpisode {
  const peakValue = at(values, p);
  const troughValue = at(values, t);
  const peakDate = at(dates, p);
  const recoveryDate = r >= 0 ? at(dates, r) : null;
  return {
    peak: { value: peakValue, date: peakDate, index: p },
    trough: { value: troughValue, date: at(dates, t), index: t },
    recovery: recoveryDate === null ? null : { date: recoveryDate, index: r },
    depth: troughValue / peakValue - 1,
    sessionsPeakToTrough: t - p,
    sessionsTroughToRecovery: recoveryDate === null ? null : r - t,
    // ISO dates parse as UTC midnight, so the difference is a whole number of days.
    calendarDaysPeakToRecovery: recoveryDate === null ? null : Math.round((Date.parse(recoveryDate) - Date.parse(peakDate)) / DAY_MS),
  };
}

/** Every drawdown episode in [0, endIndex], oldest first; the last may be unrecovered. */
export function drawdownEpisodes(
  values: readonly number[],
  dates: readonly string[],
  endIndex: number = values.length - 1,
): DrawdownEpisode[] {
  const end = checkedEnd(values, dates, endIndex, 'drawdownEpisodes');
  const out: DrawdownEpisode[] = [];
  scanEpisodes(values, end, 'drawdownEpisodes', (p, t, r) => {
    out.push(episode(values, dates, p, t, r));
  });
  return out;
}

/**
 * The `n` deepest episodes in [0, endIndex], deepest first (the older first on an exact tie). Keeps only
 * the running top `n` while scanning, so long histories with thousands of small dips stay cheap.
 */
export function largestDrawdowns(
  values: readonly number[],
  dates: readonly string[],
  n = 5,
  endIndex: number = values.length - 1,
): DrawdownEpisode[] {
  const end = checkedEnd(values, dates, endIndex, 'largestDrawdowns');
  if (!((Number.isInteger(n) && n >= 0) || n === Infinity)) throw new RangeError(`largestDrawdowns: n must be a count ≥ 0, got ${n}`);
  if (n === 0) return [];
  // Parallel arrays, deepest first: [depth, peak, trough, recovery] of the kept episodes.
  const depths: number[] = [];
  const idx: number[] = [];
  scanEpisodes(values, end, 'largestDrawdowns', (p, t, r) => {
    const depth = at(values, t) / at(values, p) - 1;
    if (depths.length >= n && depth >= at(depths, depths.length - 1)) return;
    let k = depths.length;
    while (k > 0 && depth < at(depths, k - 1)) k--;
    depths.splice(k, 0, depth);
    idx.splice(3 * k, 0, p, t, r);
    if (depths.length > n) {
      depths.pop();
      idx.length -= 3;
    }
  });
  const out: DrawdownEpisode[] = [];
  for (let k = 0; k < depths.length; k++) {
    out.push(episode(values, dates, at(idx, 3 * k), at(idx, 3 * k + 1), at(idx, 3 * k + 2)));
  }
  return out;
}

/**
 * Rank of a drawdown of `depth` among `episodes`: 1 + the number of strictly deeper ones (1 = deepest,
 * ties share a rank). Pass the episode's own depth with the full list to get "the 5th-deepest drawdown in
 * its history"; pass a current depth to place a drawdown in progress.
 */
export function drawdownRank(episodes: readonly Pick<DrawdownEpisode, 'depth'>[], depth: number): number {
  let deeper = 0;
  for (const e of episodes) if (e.depth < depth) deeper++;
  return deeper + 1;
}
