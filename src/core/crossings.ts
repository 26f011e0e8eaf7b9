/**
 * Closes relative to a fixed price level: "the first close above $500 since March 2025", "retesting its
 * breakout above $200".
 *
 * A close is **above** a level when it is strictly greater, **below** when strictly less; a close equal
 * to the level is on neither side. A **run** is a maximal stretch of consecutive closes on one side.
 *
 * As with highs, the caller chooses the basis (`levelValues` in highs.ts); levels people quote are
 * prices they saw, so `close` is the natural one.
 */
import type { Extreme } from './highs.ts';
import { checkedEnd, notAPrice } from './highs.ts';
import { at } from './at.ts';

export interface LevelCrossing {
  level: number;
  direction: 'above' | 'below';
  /** The end-day close is strictly above the level, whatever `direction` is. */
  isAbove: boolean;
  /** The end-day close is on the `direction` side of the level (above for 'above', below for 'below'). */
  isOnSide: boolean;
  /** First close of the current run on the `direction` side; null when the end day is not on that side. */
  runStart: { date: string; index: number } | null;
  /** Closes in the current run, the end day included; 0 when the end day is not on that side. */
  runLength: number;
  /**
   * The last close on the `direction` side before the current run: "the first close above X since <this
   * date>". When the end day is not on that side, the last close that was ("last closed above X on …").
   * null when there is none in the data.
   */
  previousRunEnd: { date: string; index: number } | null;
  /** The current run is the first time on this side in the data. False when the end day is not on that side. */
  firstEver: boolean;
  /** First date of the data, for "the first time in the data, which starts …". */
  firstDate: string;
}

function checkFinite(x: number, name: string, what: string): void {
  if (!Number.isFinite(x)) throw new RangeError(`${what}: ${name} must be a finite number, got ${x}`);
}

/**
 * Where the end-day close (default: the last row) stands against `level`, and since when. Walks back from
 * the end only as far as it needs: the current run plus the gap before it.
 */
export function levelCrossing(
  values: readonly number[],
  dates: readonly string[],
  level: number,
  direction: 'above' | 'below' = 'above',
  endIndex: number = values.length - 1,
): LevelCrossing {
  const what = 'levelCrossing';
  const end = checkedEnd(values, dates, endIndex, what);
  checkFinite(level, 'level', what);
  // sign·(v − level) > 0 is "on the side", for either direction.
  const sign = direction === 'above' ? 1 : -1;
  const last = at(values, end);
  if (!(last > 0 && last < Infinity)) throw notAPrice(what, end, last);
  const isOnSide = sign * (last - level) > 0;

  let runStart = -1;
  let i = end;
  if (isOnSide) {
    for (; i > 0; i--) {
      const v = at(values, i - 1);
      if (!(v > 0 && v < Infinity)) throw notAPrice(what, i - 1, v);
      if (!(sign * (v - level) > 0)) break;
    }
    runStart = i;
    i--;
  }
  // Then back to the previous close on the side, if any.
  for (; i >= 0; i--) {
    const v = at(values, i);
    if (!(v > 0 && v < Infinity)) throw notAPrice(what, i, v);
    if (sign * (v - level) > 0) break;
  }

  return {
    level,
    direction,
    isAbove: last > level,
    isOnSide,
    runStart: runStart < 0 ? null : { date: at(dates, runStart), index: runStart },
    runLength: runStart < 0 ? 0 : end - runStart + 1,
    previousRunEnd: i < 0 ? null : { date: at(dates, i), index: i },
    firstEver: isOnSide && i < 0,
    firstDate: at(dates, 0),
  };
}

/**
 * A retest of a breakout above `level`, judged on the end day:
 * - the **band** is level·(1 − tolerance) .. level·(1 + tolerance);
 * - the **breakout** is the first close above the level after the last close below the band's floor,
 *   before the end day. It needs an earlier close at or below the level, so data that simply starts above
 *   the level has no breakout. Dips into the band (even slightly below the level) do not reset it;
 *   a close below the floor does (the breakout failed);
 * - it is a **retest** when the breakout came within the `lookback` sessions before the end day, the
 *   price then closed above the band (it moved away from the level), and the end-day close is back
 *   inside the band.
 */
export interface Retest {
  level: number;
  isRetest: boolean;
  /** The breakout as defined above, however old; null when there is none before the end day. */
  breakout: { date: string; index: number } | null;
  /** Sessions from the breakout to the end day; null without a breakout. */
  sessionsSinceBreakout: number | null;
  /** Highest close from the breakout to the day before the end day (earliest on a tie); null without a breakout. */
  peakSinceBreakout: Extreme | null;
  /** Index of the most recent close above the level, the end day included; null when there is none. */
  lastAboveIndex: number | null;
  /** last / level − 1: signed distance of the end-day close from the level (−0.01 = 1% below). */
  withinPct: number;
}

/** Whether the end-day close (default: the last row) is retesting a breakout above `level`; see `Retest`. */
export function retest(
  values: readonly number[],
  dates: readonly string[],
  level: number,
  lookback = 20,
  tolerance = 0.02,
  endIndex: number = values.length - 1,
): Retest {
  const what = 'retest';
  const end = checkedEnd(values, dates, endIndex, what);
  if (!(level > 0 && level < Infinity)) throw new RangeError(`${what}: level must be a positive price, got ${level}`);
  if (!Number.isInteger(lookback) || lookback < 1) throw new RangeError(`${what}: lookback must be a whole number ≥ 1, got ${lookback}`);
  if (!(tolerance >= 0 && tolerance < 1)) throw new RangeError(`${what}: tolerance must be in [0, 1), got ${tolerance}`);
  const floor = level * (1 - tolerance);
  const ceiling = level * (1 + tolerance);
  const last = at(values, end);
  if (!(last > 0 && last < Infinity)) throw notAPrice(what, end, last);

  // The stretch of closes at or above the floor that ends the day before the end day starts at `s`.
  let s = end - 1;
  for (; s >= 0; s--) {
    const v = at(values, s);
    if (!(v > 0 && v < Infinity)) throw notAPrice(what, s, v);
    if (v < floor) break;
  }
  s++;
  let b = s;
  while (b < end && !(at(values, b) > level)) b++;
  const hasBreakout = b < end && b > 0;

  let peak = b;
  if (hasBreakout) for (let i = b + 1; i < end; i++) if (at(values, i) > at(values, peak)) peak = i;

  let a = end;
  while (a >= 0 && !(at(values, a) > level)) a--;

  return {
    level,
    isRetest: hasBreakout && b >= end - lookback && at(values, peak) > ceiling && last >= floor && last <= ceiling,
    breakout: hasBreakout ? { date: at(dates, b), index: b } : null,
    sessionsSinceBreakout: hasBreakout ? end - b : null,
    peakSinceBreakout: hasBreakout ? { value: at(values, peak), date: at(dates, peak), index: peak } : null,
    lastAboveIndex: a < 0 ? null : a,
    withinPct: last / level - 1,
  };
}
