
import { at } from './at.ts';/**
 * The daily price series every analysis works on.
 *
 * Columns, not rows: analyses walk one column at a time over tens of thousands of days, and
 * column arrays keep that fast and allocation-free. Dates are ISO `YYYY-MM-DD` exchange-local
 * trading days, strictly ascending, so string comparison is date comparison.
 *
 * Two price bases, on purpose (see data/README.md):
 * - `close` (and open/high/low) is adjusted for splits only: the price people saw. Levels,
 *   highs, breakouts and "first close above X" use it.
 * - `adjClose` is adjusted for splits and dividends: a total-return series. Returns, ratios and
 *   out-performance streaks use it.
 * `close` may be missing (null) on some days of some symbols; `adjClose` never is.
 *
 * Memory (tens of thousands of rows per symbol, every symbol anyone asks about): `adjClose` is a
 * Float64Array (8 bytes a row, off the JavaScript heap); the columns that may hold null are
 * arrays built so V8 keeps them as unboxed doubles whenever they hold no null (`compactColumn`);
 * dates can be interned, so the same trading day is one string across every series (`createDateInterner`).
 */
export interface DailySeries {
  readonly symbol: string;
  readonly dates: readonly string[];
  readonly open: readonly (number | null)[];
  readonly high: readonly (number | null)[];
  readonly low: readonly (number | null)[];
  readonly close: readonly (number | null)[];
  readonly adjClose: Float64Array;
  readonly volume: readonly (number | null)[];
}

/** One row of a DailySeries, for code that builds or inspects series row by row. */
export interface DailyBar {
  date: string;
  open: number | null;
  high: number | null;
  low: number | null;
  close: number | null;
  adjClose: number;
  volume: number | null;
}

/** Which column an analysis reads: `adjClose` for returns, `close` for price levels. */
export type PriceBasis = 'adjClose' | 'close';

/** Thrown when a series is too short, or a window lies outside it, for the asked computation. */
export class NotEnoughDataError extends Error {
  override readonly name = 'NotEnoughDataError';
  constructor(
    message: string,
    readonly symbol?: string,
  ) {
    super(message);
  }
}

/** A date as its own flat string: a date sliced out of a larger string (a CSV line) would keep that whole string alive. */
export function ownDate(date: string): string {
  return (' ' + date).slice(1);
}

/**
 * One string per ISO date across every series its owner builds: a cache of 22 symbols holds ~160,000
 * rows but only ~25,000 distinct trading days. The table only grows by distinct days (≈ 252 a year),
 * never by rows. The price cache owns one (data/cache.ts).
 */
export function createDateInterner(): (date: string) => string {
  const interned = new Map<string, string>();
  return (date) => {
    const known = interned.get(date);
    if (known !== undefined) return known;
    const own = ownDate(date);
    interned.set(own, own);
    return own;
  };
}

/**
 * A nullable column as compact as V8 allows: a column without null is stored as unboxed doubles
 * (8 bytes a value); one null makes every value a boxed number (≈ 24 bytes), so a column that has
 * one is kept as it must be. (Measured on the 22 bundled symbols: 134 bytes a bar before, when
 * most columns had ended up boxed.)
 */
export function compactColumn(values: ArrayLike<number | null>): (number | null)[] {
  const n = values.length;
  for (let i = 0; i < n; i++) if (values[i] === null) return boxed(values);
  return unboxed(values as ArrayLike<number>);
}

// Two functions, so two allocation sites: V8 starts every array from a site in the element kind
// that site last needed, and one null column would make every later column from it boxed.
function unboxed(values: ArrayLike<number>): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = at(values, i);
  return out;
}

function boxed(values: ArrayLike<number | null>): (number | null)[] {
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] ?? null;
  return out;
}

/** `intern`: how each date is kept (default: as its own flat string; the price cache passes its interner). */
export function seriesFromBars(symbol: string, bars: readonly DailyBar[], intern: (date: string) => string = ownDate): DailySeries {
  const adjClose = new Float64Array(bars.length);
  for (let i = 0; i < bars.length; i++) adjClose[i] = at(bars, i).adjClose;
  return {
    symbol,
    dates: bars.map((b) => intern(b.date)),
    open: compactColumn(bars.map((b) => b.open)),
    high: compactColumn(bars.map((b) => b.high)),
    low: compactColumn(bars.map((b) => b.low)),
    close: compactColumn(bars.map((b) => b.close)),
    adjClose,
    volume: compactColumn(bars.map((b) => b.volume)),
  };
}

/** Convenience for tests and simple callers: a series whose close and adjClose are the same values. */
export function seriesFromCloses(symbol: string, dates: readonly string[], closes: readonly number[]): DailySeries {
  if (dates.length !== closes.length) throw new Error(`seriesFromCloses: ${dates.length} dates, ${closes.length} closes`);
  return seriesFromBars(
    symbol,
    dates.map((date, i) => {
      const c = at(closes, i);
      return { date, open: c, high: c, low: c, close: c, adjClose: c, volume: null };
    }),
  );
}

export function barAt(s: DailySeries, i: number): DailyBar {
  const date = s.dates[i];
  const adjClose = s.adjClose[i];
  if (date === undefined || adjClose === undefined) throw new RangeError(`${s.symbol}: no bar at index ${i}`);
  return {
    date,
    open: s.open[i] ?? null,
    high: s.high[i] ?? null,
    low: s.low[i] ?? null,
    close: s.close[i] ?? null,
    adjClose,
    volume: s.volume[i] ?? null,
  };
}

/** Index of the last date <= `date`, or -1 when every date is later. Binary search. */
export function indexOnOrBefore(dates: readonly string[], date: string): number {
  let lo = 0;
  let hi = dates.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (at(dates, mid) <= date) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Rows [from, to) of a series (half-open, like Array.slice). */
export function sliceSeries(s: DailySeries, from: number, to: number = s.dates.length): DailySeries {
  return {
    symbol: s.symbol,
    dates: s.dates.slice(from, to),
    open: s.open.slice(from, to),
    high: s.high.slice(from, to),
    low: s.low.slice(from, to),
    close: s.close.slice(from, to),
    adjClose: s.adjClose.slice(from, to),
    volume: s.volume.slice(from, to),
  };
}

/** The series as it was known at the close of `asOf`: every later row dropped. */
export function truncateAsOf(s: DailySeries, asOf: string): DailySeries {
  const last = indexOnOrBefore(s.dates, asOf);
  return last === s.dates.length - 1 ? s : sliceSeries(s, 0, last + 1);
}

export function lastDate(s: DailySeries): string {
  const d = s.dates[s.dates.length - 1];
  if (d === undefined) throw new NotEnoughDataError(`${s.symbol}: the series is empty`, s.symbol);
  return d;
}
