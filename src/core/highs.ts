/**
 * All-time and 52-week highs and lows of a price level.
 *
 * Terms, used across the core:
 * - **all-time high / low**: the highest / lowest close in the data up to the end day. The data starts
 *   where the series starts (see data/README.md), so "all-time" means "in the data".
 * - **52-week window**: the closes dated strictly after the end date minus one calendar year, up to and
 *   including the end day. For 2026-08-21 that is 2025-08-22..2026-08-21. (A Feb 29 end day steps back to
 *   Feb 28 of the previous year; "> the day before Mar 1" gives the same window either way.)
 * - **new high / low**: the end-day close is strictly beyond every earlier close in the window. A close that
 *   only ties the old record is not new. On the first day of the window there is nothing earlier to beat,
 *   so it counts as new; `priorAllTimeHigh === null` tells that case apart.
 * - A record's date is the first day it was reached: a later tie does not move it.
 *
 * Every function takes the value array explicitly so the caller chooses the basis: price levels use
 * `close` (what people saw); `levelValues` falls back to `adjClose` where `close` has gaps.
 */
import type { DailySeries, PriceBasis } from './series.ts';
import { NotEnoughDataError } from './series.ts';
import { at, atStr } from './at.ts';

/** One extreme close: its value and where it happened. */
export interface Extreme {
  value: number;
  date: string;
  index: number;
}

export interface HighsLows {
  last: number;
  lastDate: string;
  allTimeHigh: Extreme;
  allTimeLow: Extreme;
  high52w: Extreme;
  low52w: Extreme;
  /** last / allTimeHigh − 1; ≤ 0. */
  fromAllTimeHigh: number;
  /** last / high52w − 1; ≤ 0. */
  from52wHigh: number;
  /** last / low52w − 1; ≥ 0. */
  from52wLow: number;
  /** The last close is strictly above every earlier close (a tie with the old high is not new). */
  isNewAllTimeHigh: boolean;
  /** The last close is strictly above every earlier close in the 52-week window. */
  isNew52wHigh: boolean;
  /** The last close is strictly below every earlier close in the 52-week window. */
  isNew52wLow: boolean;
  /** The highest close before the last day (the record the last close is measured against); null on the first day. */
  priorAllTimeHigh: Extreme | null;
}

/**
 * The level series a caller should use for highs, drawdowns and crossings: `close` when the series has a
 * close on every row, otherwise `adjClose` (total return, never missing). `basis` says which, so the
 * commentary can say so. Returns a fresh array.
 */
export function levelValues(s: DailySeries): { values: number[]; basis: PriceBasis } {
  const n = s.adjClose.length;
  const values = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const c = s.close[i];
    if (c === null || c === undefined) return { values: Array.from(s.adjClose), basis: 'adjClose' };
    values[i] = c;
  }
  return { values, basis: 'close' };
}

/**
 * Checks that `endIndex` picks a row of `values` (with a date) and returns it. Shared by the level
 * analyses: an empty series or an end outside it is "not enough data", never a NaN.
 */
export function checkedEnd(values: readonly number[], dates: readonly string[], endIndex: number, what: string): number {
  const n = values.length;
  if (!(endIndex >= 0 && endIndex < n && endIndex % 1 === 0) || dates.length < n) throw badEnd(values, dates, endIndex, what);
  return endIndex;
}

// The messages are built only on failure, keeping checkedEnd itself a few comparisons.
function badEnd(values: readonly number[], dates: readonly string[], endIndex: number, what: string): Error {
  if (values.length === 0) return new NotEnoughDataError(`${what}: the series is empty`);
  if (dates.length < values.length) return new RangeError(`${what}: ${dates.length} dates for ${values.length} values`);
  return new NotEnoughDataError(`${what}: end index ${endIndex} is outside the series (0..${values.length - 1})`);
}

/**
 * The error for a value that is not a usable price level (NaN, missing, 0, negative or infinite): every
 * ratio against it would be meaningless. Hot loops test `!(v > 0 && v < Infinity)` inline and throw this;
 * the test is written out rather than called because, under tsx and vitest, a function imported from
 * another module is reached through a getter on every call, which is several times slower in a loop.
 */
export function notAPrice(what: string, index: number, value: unknown): RangeError {
  return new RangeError(`${what}: value ${String(value)} at index ${index} is not a positive price`);
}

/**
 * The date one calendar year before `date`, as a string to compare ISO dates against. It may name a
 * day that does not exist (Feb 29 of a common year); only string order matters.
 */
function oneYearBefore(date: string): string {
  const year = Number(date.slice(0, 4));
  return String(year - 1).padStart(4, '0') + date.slice(4);
}

/** First index in [0, end] whose date is strictly after `cutoff`; binary search. */
function firstIndexAfter(dates: readonly string[], cutoff: string, end: number): number {
  let lo = 0;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (at(dates, mid) > cutoff) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function extreme(values: readonly number[], dates: readonly string[], index: number): Extreme {
  return { value: at(values, index), date: at(dates, index), index };
}

/**
 * All-time and 52-week highs and lows as of `endIndex` (default: the last row). One pass over
 * [0, endIndex]; throws NotEnoughDataError when that window is empty.
 */
export function highsAndLows(
  values: readonly number[],
  dates: readonly string[],
  endIndex: number = values.length - 1,
): HighsLows {
  const end = checkedEnd(values, dates, endIndex, 'highsAndLows');
  const start52 = firstIndexAfter(dates, oneYearBefore(at(dates, end)), end);

  // Indices of the extremes. "prior" ones cover [.., end − 1]; strict comparisons keep the first date of a tie.
  let hi = 0;
  let lo = 0;
  let priorHi = -1;
  let hi52 = start52;
  let lo52 = start52;
  let priorHi52 = -1;
  let priorLo52 = -1;
  for (let i = 0; i <= end; i++) {
    const v = at(values, i);
    if (!(v > 0 && v < Infinity)) throw notAPrice('highsAndLows', i, v);
    if (i === end) {
      priorHi = end > 0 ? hi : -1;
      priorHi52 = end > start52 ? hi52 : -1;
      priorLo52 = end > start52 ? lo52 : -1;
    }
    if (v > at(values, hi)) hi = i;
    if (v < at(values, lo)) lo = i;
    if (i > start52) {
      if (v > at(values, hi52)) hi52 = i;
      if (v < at(values, lo52)) lo52 = i;
    }
  }

  const last = at(values, end);
  const allTimeHigh = extreme(values, dates, hi);
  const high52w = extreme(values, dates, hi52);
  const low52w = extreme(values, dates, lo52);
  return {
    last,
    lastDate: at(dates, end),
    allTimeHigh,
    allTimeLow: extreme(values, dates, lo),
    high52w,
    low52w,
    fromAllTimeHigh: last / allTimeHigh.value - 1,
    from52wHigh: last / high52w.value - 1,
    from52wLow: last / low52w.value - 1,
    isNewAllTimeHigh: priorHi < 0 || last > at(values, priorHi),
    isNew52wHigh: priorHi52 < 0 || last > at(values, priorHi52),
    isNew52wLow: priorLo52 < 0 || last < at(values, priorLo52),
    priorAllTimeHigh: priorHi < 0 ? null : extreme(values, dates, priorHi),
  };
}

/**
 * Sessions since the most recent close at the highest level of [0, endIndex]: 0 when the end day closes
 * at (or ties) the high. Unlike a record's date, this counts from the latest touch, like a drawdown does.
 */
export function sessionsSinceHigh(values: readonly number[], endIndex: number = values.length - 1): number {
  if (values.length === 0 || !Number.isInteger(endIndex) || endIndex < 0 || endIndex >= values.length) {
    throw new NotEnoughDataError(`sessionsSinceHigh: end index ${endIndex} is outside the series (0..${values.length - 1})`);
  }
  let hi = 0;
  for (let i = 0; i <= endIndex; i++) {
    const v = at(values, i);
    if (!(v > 0 && v < Infinity)) throw notAPrice('sessionsSinceHigh', i, v);
    if (v >= at(values, hi)) hi = i;
  }
  return endIndex - hi;
}

/**
 * The first session whose value reached the value at `endIndex` — when the symbol first traded at
 * today's level, for "back where it was on <date>". Null when no earlier session got that high
 * (today is a record).
 */
export function firstReached(values: readonly number[], dates: readonly string[], endIndex: number = values.length - 1): Extreme | null {
  const end = checkedEnd(values, dates, endIndex, 'firstReached');
  const v = at(values, end);
  for (let i = 0; i < end; i++) {
    const x = at(values, i);
    if (!(x > 0 && x < Infinity)) throw notAPrice('firstReached', i, x);
    if (x >= v) return { index: i, date: at(dates, i), value: x };
  }
  return null;
}

/**
 * The lowest or highest close of a calendar year ("the 2022 low"), on the level basis (`levelValues`:
 * the split-adjusted close people saw); the first of equal closes. Null when the series has no close
 * in that year.
 */
export function yearExtreme(s: DailySeries, year: number, which: 'low' | 'high'): Extreme | null {
  const { values } = levelValues(s);
  const prefix = String(year);
  let best: Extreme | null = null;
  for (let i = 0; i < s.dates.length; i++) {
    const date = atStr(s.dates, i);
    if (!date.startsWith(prefix)) continue;
    const v = at(values, i);
    if (best === null || (which === 'low' ? v < best.value : v > best.value)) best = { value: v, date, index: i };
  }
  return best;
}
