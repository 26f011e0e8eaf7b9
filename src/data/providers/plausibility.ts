/**
 * Plausibility of a price series, judged from the series' own history (sanity.ts already refuses
 * what is impossible: missing or non-positive prices, gaps, split-sized jumps without a split).
 * Two rules, each defined once here:
 *
 * 1. **A daily move far outside the series' own distribution.** With r the log return between two
 *    consecutive bars (of `adjClose`, which every bar has; a dividend moves it by well under 1 %),
 *    a move is suspect when |r| exceeds BOTH
 *      - `MOVE_Z` robust standard deviations of the series' own log returns, the deviation being
 *        1.4826 × the median absolute deviation (MAD) from their median — the MAD ignores the very
 *        outliers it is meant to find, where a plain standard deviation is inflated by them; and
 *      - an absolute floor: `MOVE_FLOOR` = 0.25 in log terms (a rise of 28.4 % or a fall of 22.1 %)
 *        for indexes and funds, `SINGLE_NAME_FLOOR` = 0.8 for single stocks and coins, raised for a
 *        series whose own trusted record holds a bigger real day (`moveFloorFor`).
 *    Why the floor: a pure z-score cannot tell a real crash from bad data. The biggest real days in
 *    the bundled history are 15–31 robust deviations out (S&P 500 on 1987-10-19: −20.5 %, log −0.229,
 *    z ≈ 31; SPY on 2008-10-13: +14.5 %, z ≈ 17; XLE on 2020-03-09: −20.1 %, log −0.225), while a
 *    ×1.3 bad close in a calm month is about 24 out. The floor sits just above the largest real one-day
 *    move in nearly a century of S&P 500 closes, so no real day of these broad funds and indexes
 *    trips it, and the z-score keeps it from tripping on a naturally wild series (where 12 robust
 *    deviations exceed the floor, the series' own spread decides). With fewer than
 *    `MIN_RETURNS_FOR_SCALE` returns (a short top-up window), the floor alone decides.
 *    Moves inside the floor are not caught by this rule: rule 2 and the cache's check of every
 *    top-up against the stored closes (sanity.ts `checkAgainstCache`) cover those.
 * 2. **A level that breaks continuity with a trusted record of the same dates** (the bundled files,
 *    or the cached history). Over the dates both have a close, the ratio fetched / reference is one
 *    constant (1, or a split factor when a split came after the reference was made); a date whose
 *    ratio is more than `CONTINUITY_TOLERANCE` away from the median ratio breaks continuity.
 *
 * A suspect is not yet an error: the failover chain (failover.ts) asks another source for the same
 * two days. A move another source shows too is real and passes; one it contradicts, or that nothing
 * can confirm, is refused (ImplausibleDataError) and the next provider is asked instead.
 */
import type { DailyBar } from '../../core/series.ts';
import { at } from '../../core/at.ts';

/** Robust deviations beyond which a move is far outside the series' own distribution. */
export const MOVE_Z = 12;
/** log(1.284): no real one-day move of the covered broad funds and indexes reaches it (see above). */
export const MOVE_FLOOR = 0.25;
/**
 * The floor for a single company, a coin, or a ticker tapebot knows nothing about: log(2.23), a rise
 * of 123 % or a fall of 55 %. Single names move far more than the funds that hold them: the bundled
 * record has Apple −51.9 % on 2000-09-29 (log −0.731, the largest), bitcoin −37.2 % on 2020-03-12,
 * Nvidia, Robinhood and Microsoft beyond −30 % on one day. A bad ×1.3 close on a stock is therefore
 * left to rule 2 (continuity); a ×3.7 spike or a lost decimal is still caught here.
 */
export const SINGLE_NAME_FLOOR = 0.8;
/** A series whose own trusted record holds a bigger real move gets a floor this much above it. */
export const OWN_RECORD_MARGIN = 1.1;

/** The kinds of series (the bundled manifest's `kind`) that the broad floor fits: indexes and funds. */
const BROAD_KINDS = new Set(['index', 'etf']);

/**
 * The floor of rule 1 for one series: `MOVE_FLOOR` for an index or a fund, `SINGLE_NAME_FLOOR` for
 * anything else (a stock, a coin, an unknown live ticker), raised to `OWN_RECORD_MARGIN` × the largest
 * one-day move in the series' own trusted record when that is bigger (silver's SLV fell 28.5 % on
 * 2026-01-30: a real day of a fund that the broad floor alone would call suspect).
 */
export function moveFloorFor(kind: string | undefined, record: readonly Pick<DailyBar, 'adjClose'>[] = []): number {
  let largest = 0;
  for (let i = 1; i < record.length; i++) {
    const m = Math.abs(Math.log(at(record, i).adjClose / at(record, i - 1).adjClose));
    if (m > largest && Number.isFinite(m)) largest = m;
  }
  const base = kind !== undefined && BROAD_KINDS.has(kind) ? MOVE_FLOOR : SINGLE_NAME_FLOOR;
  return Math.max(base, OWN_RECORD_MARGIN * largest);
}
/** Below this many returns the robust deviation is not estimated: the floor alone decides. */
export const MIN_RETURNS_FOR_SCALE = 250;
/** How far (relative) a close may sit from the reference's common ratio before it breaks continuity. */
export const CONTINUITY_TOLERANCE = 0.015;
/** Fewest dates in common before continuity is judged (the median ratio needs a few to stand on). */
export const MIN_OVERLAP = 5;
/** Two sources agree on a move when their log returns differ by less than this (about 2 %). */
export const MOVE_AGREEMENT = 0.02;

/** One suspect move: from the close of `prevDate` to that of `date`. */
export interface SuspectMove {
  readonly date: string;
  readonly prevDate: string;
  /** The two values the move is between (adjusted closes). */
  readonly from: number;
  readonly to: number;
  /** Natural log of to / from. */
  readonly logMove: number;
}

/** A close that disagrees with the reference's close of the same date. */
export interface ContinuityBreak {
  readonly date: string;
  readonly close: number;
  /** What the reference implies for that date (its close × the common ratio). */
  readonly expected: number;
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  xs.sort((a, b) => a - b);
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? at(xs, mid) : (at(xs, mid - 1) + at(xs, mid)) / 2;
}

/** 1.4826 × MAD of the values: the standard deviation, for normal data, without the outliers' pull. */
export function robustScale(values: readonly number[]): { center: number; scale: number } {
  const center = median([...values]);
  const scale = 1.4826 * median(values.map((v) => Math.abs(v - center)));
  return { center, scale };
}

/** The smallest |log move| that is suspect for a series with these log returns. */
export function moveThreshold(logReturns: readonly number[], floor = MOVE_FLOOR): number {
  if (logReturns.length < MIN_RETURNS_FOR_SCALE) return floor;
  const { scale } = robustScale(logReturns);
  return Math.max(floor, MOVE_Z * scale);
}

/** Rule 1 over bars in date order: the moves far outside the series' own distribution. */
export function suspectMoves(bars: readonly Pick<DailyBar, 'date' | 'adjClose'>[], floor = MOVE_FLOOR): SuspectMove[] {
  const moves: number[] = [];
  for (let i = 1; i < bars.length; i++) {
    moves.push(Math.log(at(bars, i).adjClose / at(bars, i - 1).adjClose));
  }
  const threshold = moveThreshold(moves, floor);
  const out: SuspectMove[] = [];
  for (let i = 0; i < moves.length; i++) {
    const m = at(moves, i);
    // NaN (a zero or missing value upstream) is suspect too: never let it pass as "not far".
    if (!(Math.abs(m) < threshold)) {
      const a = at(bars, i);
      const b = at(bars, i + 1);
      out.push({ date: b.date, prevDate: a.date, from: a.adjClose, to: b.adjClose, logMove: m });
    }
  }
  return out;
}

/** Rule 2: the fetched closes that break continuity with a reference's closes of the same dates. */
export function continuityBreaks(
  fetched: readonly Pick<DailyBar, 'date' | 'close'>[],
  reference: readonly Pick<DailyBar, 'date' | 'close'>[],
): ContinuityBreak[] {
  const ref = new Map<string, number>();
  for (const b of reference) if (b.close !== null && b.close > 0) ref.set(b.date, b.close);
  const pairs: { date: string; close: number; ref: number }[] = [];
  for (const b of fetched) {
    const r = ref.get(b.date);
    if (r !== undefined && b.close !== null) pairs.push({ date: b.date, close: b.close, ref: r });
  }
  if (pairs.length < MIN_OVERLAP) return [];
  const common = median(pairs.map((p) => p.close / p.ref));
  return pairs
    .filter((p) => !(Math.abs(p.close / p.ref / common - 1) <= CONTINUITY_TOLERANCE))
    .map((p) => ({ date: p.date, close: p.close, expected: p.ref * common }));
}

/**
 * What another source says of a suspect move: 'confirmed' when it shows the same move between the
 * same two days, 'contradicted' when it shows another, 'unknown' when it lacks either day.
 */
export function judgeMove(move: SuspectMove, other: readonly Pick<DailyBar, 'date' | 'adjClose'>[]): 'confirmed' | 'contradicted' | 'unknown' {
  const a = other.find((b) => b.date === move.prevDate);
  const b = other.find((x) => x.date === move.date);
  if (!a || !b) return 'unknown';
  const theirs = Math.log(b.adjClose / a.adjClose);
  return Math.abs(theirs - move.logMove) <= MOVE_AGREEMENT ? 'confirmed' : 'contradicted';
}
