/**
 * Returns on the total-return basis (adjClose): a "return" here includes dividends, so SPY's
 * return over a year is what a holder actually earned, not just the price move.
 */
import { describePeriod, formatPeriod, periodBaseIndex } from './periods.ts';
import type { Period } from './periods.ts';
import { formatDate } from './format.ts';
import { NotEnoughDataError } from './series.ts';
import type { DailySeries } from './series.ts';
import { at } from './at.ts';

/** r[i] = values[i] / values[i−1] − 1 as a fraction; r[0] = null (no previous close). */
export function dailyReturns(values: readonly number[]): (number | null)[] {
  const n = values.length;
  const out = new Array<number | null>(n);
  if (n === 0) return out;
  out[0] = null;
  let prev = at(values, 0);
  for (let i = 1; i < n; i++) {
    const v = at(values, i);
    out[i] = v / prev - 1;
    prev = v;
  }
  return out;
}

/** Change of one symbol over one period. `change` is a fraction: 0.123 = +12.3%. */
export interface PeriodReturn {
  symbol: string;
  from: string;
  to: string;
  fromValue: number;
  toValue: number;
  change: number;
}

/**
 * Total return of `s` over `p`, ending at `endIndex` (default: the last row). The base close is chosen
 * by periodBaseIndex (see periods.ts for the calendar convention).
 * @throws NotEnoughDataError when the series is empty or does not reach back to the period's start.
 */
export function periodReturn(s: DailySeries, p: Period, endIndex: number = s.dates.length - 1): PeriodReturn {
  const first = s.dates[0];
  if (first === undefined) throw new NotEnoughDataError(`${s.symbol}: no prices at all`, s.symbol);
  const from = periodBaseIndex(s.dates, p, endIndex);
  if (from < 0) {
    throw new NotEnoughDataError(
      `Not enough data for ${s.symbol} ${describePeriod(p)} (${formatPeriod(p)}): its history starts ${formatDate(first)}.`,
      s.symbol,
    );
  }
  const fromValue = at(s.adjClose, from);
  const toValue = at(s.adjClose, endIndex);
  return {
    symbol: s.symbol,
    from: at(s.dates, from),
    to: at(s.dates, endIndex),
    fromValue,
    toValue,
    change: toValue / fromValue - 1,
  };
}

/**
 * The series scaled so that values[fromIndex] = base (100 by default), for "growth of $100" charts;
 * null before `showFrom` (default fromIndex). A `showFrom` before fromIndex keeps the sessions
 * before the period on the same scale, as context.
 */
export function rebase(values: ArrayLike<number>, fromIndex: number, base = 100, showFrom = fromIndex): (number | null)[] {
  const start = values[fromIndex];
  if (start === undefined || !Number.isInteger(fromIndex)) {
    throw new RangeError(`rebase: index ${fromIndex} outside 0..${values.length - 1}`);
  }
  if (!Number.isInteger(showFrom) || showFrom < 0 || showFrom > fromIndex) throw new RangeError(`rebase: showFrom ${showFrom} outside 0..${fromIndex}`);
  const n = values.length;
  const out = new Array<number | null>(n);
  for (let i = 0; i < showFrom; i++) out[i] = null;
  const scale = base / start;
  for (let i = showFrom; i < n; i++) out[i] = i === fromIndex ? base : at(values, i) * scale;
  return out;
}
