/**
 * Prices as they traded: undoing the stock splits that came after an as-of date.
 *
 * The price data is adjusted for every split up to its newest row (data/README.md): XLK's close of
 * $76.10 on 2023-05-15 is half of the ~$152 it traded at, because of the 2:1 split of Dec 5, 2025. An
 * answer as of a past date must not use that later split (it is data from after the date), so its prices,
 * levels and the levels people type are put back on the basis of that date.
 *
 * Terms:
 * - A **split** { date, ratio }: from `date` on (the first trading day on the new basis) each old share is
 *   `ratio` new ones (2 = 2-for-1; 0.5 would be a 1-for-2 reverse split). Prices before it are divided by
 *   `ratio` in split-adjusted data, volumes multiplied.
 * - The **split factor after** a date: the product of the ratios of the splits dated after it. Every row
 *   on or before the as-of date gets the same factor, since every such split came after all of them.
 * - `adjClose` is left alone: it is a total-return index whose level means nothing by itself (its ratios,
 *   the returns, are unchanged by any constant factor).
 */
import type { DailySeries } from './series.ts';

export interface Split {
  /** First trading day on the new basis (ISO date). */
  date: string;
  /** New shares per old share (2 = 2-for-1). */
  ratio: number;
}

/** Product of the ratios of the splits dated strictly after `asOf` (1 when none). */
export function splitFactorAfter(splits: readonly Split[], asOf: string): number {
  let f = 1;
  for (const s of splits) {
    if (!(s.ratio > 0 && s.ratio < Infinity)) throw new RangeError(`split ratio must be a positive number, got ${s.ratio} (${s.date})`);
    if (s.date > asOf) f *= s.ratio;
  }
  return f;
}

/** The splits dated strictly after `asOf`, oldest first. */
export function splitsAfter(splits: readonly Split[], asOf: string): Split[] {
  return splits.filter((s) => s.date > asOf).sort((a, b) => (a.date < b.date ? -1 : 1));
}

function scaled(col: readonly (number | null)[], k: number): (number | null)[] {
  const out = new Array<number | null>(col.length);
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    out[i] = v === null || v === undefined ? null : v * k;
  }
  return out;
}

/** Every price column times k, volume divided by k; adjClose and dates shared with the input. */
export function rescalePrices(s: DailySeries, k: number): DailySeries {
  if (k === 1) return s;
  if (!(k > 0 && k < Infinity)) throw new RangeError(`rescalePrices: factor must be a positive number, got ${k}`);
  return {
    symbol: s.symbol,
    dates: s.dates,
    open: scaled(s.open, k),
    high: scaled(s.high, k),
    low: scaled(s.low, k),
    close: scaled(s.close, k),
    adjClose: s.adjClose,
    volume: scaled(s.volume, 1 / k),
  };
}

/**
 * A series that ends on or before `asOf`, put back on that date's share basis: prices times the split
 * factor after `asOf`, volume divided by it. `redoSplits` is its inverse.
 */
export function undoSplits(s: DailySeries, splits: readonly Split[], asOf: string): DailySeries {
  const last = s.dates[s.dates.length - 1];
  if (last !== undefined && last > asOf) throw new RangeError(`undoSplits: ${s.symbol} has rows after ${asOf}; truncate it first`);
  return rescalePrices(s, splitFactorAfter(splits, asOf));
}

/** The inverse of `undoSplits`: back onto today's split-adjusted basis. */
export function redoSplits(s: DailySeries, splits: readonly Split[], asOf: string): DailySeries {
  return rescalePrices(s, 1 / splitFactorAfter(splits, asOf));
}
