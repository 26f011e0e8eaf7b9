/**
 * Out-performance streaks: "IWM beat SPY for the 6th straight session".
 *
 * Definition. The two series are first aligned on their common trading days. On an aligned day
 * i ≥ 1, A "beats" B when A's daily total return (adjClose[i] / adjClose[i−1] − 1) is strictly greater
 * than B's. An equal day, or a day where either return cannot be computed, ends the streak and counts
 * for neither side. A streak is a maximal run of consecutive aligned sessions on which A beat B; its
 * length counts sessions. The "current" streak is the one that includes the last aligned date.
 */
import { alignSeries } from './align.ts';
import { NotEnoughDataError } from './series.ts';
import type { DailySeries } from './series.ts';
import { at } from './at.ts';

/** One streak; indices are into the aligned dates and inclusive at both ends. */
export type StreakRun = {
  length: number;
  startIndex: number;
  endIndex: number;
  startDate: string;
  endDate: string;
};

/** How a current streak ranks against history: the most recent earlier run at least as long, or none since `since`. */
export type LongestSince = { kind: 'run'; run: StreakRun } | { kind: 'none'; since: string };

/** Where the streak on the last date stands, for either side: what a sentence about it needs. */
export type StreakSides = {
  a: string;
  b: string;
  /** A-over-B streak that ends on the last aligned date, or null when A did not beat B that day. */
  current: StreakRun | null;
  /** B-over-A streak that ends on the last aligned date (only possible when A did not win that day). */
  opposite: StreakRun | null;
  /**
   * For `current`: the most recent earlier A-over-B run with length ≥ current.length, or
   * `{ kind: 'none', since: <first aligned date> }` when it is the longest in the data. Null without a current streak.
   */
  longestSince: LongestSince | null;
  /** The same for `opposite`, among B-over-A runs. */
  oppositeLongestSince: LongestSince | null;
};

export interface StreakAnalysis extends StreakSides {
  /** The aligned dates every index refers to. */
  dates: string[];
  /** The 5 longest A-over-B runs on record, longest first; equal lengths, most recent first. */
  top: StreakRun[];
  /** Every A-over-B run, oldest first. */
  runs: StreakRun[];
}

/**
 * flags[i] = A beat B on day i (see the header); flags[0] = false. Compares the growth factors
 * a[i]/a[i−1] vs b[i]/b[i−1], which order exactly like the returns; NaN compares false, ending a streak.
 */
export function beatFlags(a: ArrayLike<number>, b: ArrayLike<number>): boolean[] {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`beatFlags: arrays not aligned (${n} vs ${b.length} values)`);
  const flags = new Array<boolean>(n);
  if (n === 0) return flags;
  flags[0] = false;
  let pa = at(a, 0);
  let pb = at(b, 0);
  for (let i = 1; i < n; i++) {
    const ca = at(a, i);
    const cb = at(b, i);
    flags[i] = ca / pa > cb / pb;
    pa = ca;
    pb = cb;
  }
  return flags;
}

/** Maximal runs of `true`, oldest first. */
export function streakRuns(flags: readonly boolean[], dates: readonly string[]): StreakRun[] {
  if (dates.length !== flags.length) throw new RangeError(`streakRuns: ${flags.length} flags for ${dates.length} dates`);
  const runs: StreakRun[] = [];
  const n = flags.length;
  let start = -1;
  for (let i = 0; i <= n; i++) {
    if (i < n && flags[i]) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      runs.push({ length: i - start, startIndex: start, endIndex: i - 1, startDate: at(dates, start), endDate: at(dates, i - 1) });
      start = -1;
    }
  }
  return runs;
}

function runEndingAt(runs: readonly StreakRun[], endIndex: number): StreakRun | null {
  const last = runs[runs.length - 1];
  return last !== undefined && last.endIndex === endIndex ? last : null;
}

/** Assumes `current` is the last element of `runs`. */
function longestSince(runs: readonly StreakRun[], current: StreakRun | null, firstDate: string): LongestSince | null {
  if (!current) return null;
  for (let i = runs.length - 2; i >= 0; i--) {
    const run = at(runs, i);
    if (run.length >= current.length) return { kind: 'run', run };
  }
  return { kind: 'none', since: firstDate };
}

const TOP_N = 5;

/** The `TOP_N` longest runs, longest first, ties most recent first, without sorting every run. */
function topRuns(runs: readonly StreakRun[]): StreakRun[] {
  const top: StreakRun[] = [];
  // Newest to oldest: a strictly longer run goes ahead; an equal one goes behind the newer ones already in.
  for (let i = runs.length - 1; i >= 0; i--) {
    const run = at(runs, i);
    const worst = top[top.length - 1];
    if (top.length === TOP_N && worst !== undefined && run.length <= worst.length) continue;
    let slot = top.length;
    while (slot > 0 && at(top, slot - 1).length < run.length) slot--;
    top.splice(slot, 0, run);
    if (top.length > TOP_N) top.pop();
  }
  return top;
}

/**
 * Streaks of `a` over `b` on their common trading days, total-return basis.
 * @throws NotEnoughDataError when the two have fewer than two trading days in common.
 */
export function analyzeStreak(a: DailySeries, b: DailySeries): StreakAnalysis {
  const { dates, series } = alignSeries([a, b]);
  const first = dates[0];
  if (first === undefined || dates.length < 2) {
    throw new NotEnoughDataError(`${a.symbol} and ${b.symbol} have fewer than two trading days in common`, a.symbol);
  }
  const [sa, sb] = series as [DailySeries, DailySeries];
  const last = dates.length - 1;

  const runs = streakRuns(beatFlags(sa.adjClose, sb.adjClose), dates);
  const current = runEndingAt(runs, last);
  const oppositeRuns = streakRuns(beatFlags(sb.adjClose, sa.adjClose), dates);
  const opposite = runEndingAt(oppositeRuns, last);

  return {
    a: a.symbol,
    b: b.symbol,
    dates,
    current,
    opposite,
    longestSince: longestSince(runs, current, first),
    oppositeLongestSince: longestSince(oppositeRuns, opposite, first),
    top: topRuns(runs),
    runs,
  };
}
