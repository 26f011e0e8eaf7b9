/**
 * Which price basis a level analysis can use, and the words that say so.
 *
 * Price levels (highs, drawdowns, "$600") are read on `close` (split-adjusted only: what traded). Some
 * symbols lack `close` on some dates (data/README.md); there the analysis falls back to `adjClose`
 * (total return), whose past values sit below the prices that traded by the dividends paid since, so a
 * dollar figure on that basis would be wrong and is never quoted.
 */
import { formatDate } from './format.ts';
import type { DailySeries, PriceBasis } from './series.ts';
import { at } from './at.ts';

/** A run of consecutive rows without `close`, both ends included. */
export interface CloseGap {
  from: string;
  to: string;
  /** Index of the first and last row of the gap. */
  fromIndex: number;
  toIndex: number;
}

/** The runs of missing `close` in rows [fromIndex, endIndex], oldest first. */
export function missingCloses(s: DailySeries, fromIndex = 0, endIndex: number = s.dates.length - 1): CloseGap[] {
  const out: CloseGap[] = [];
  let open = -1;
  for (let i = Math.max(0, fromIndex); i <= endIndex; i++) {
    const missing = s.close[i] === null || s.close[i] === undefined;
    if (missing && open < 0) open = i;
    if (!missing && open >= 0) {
      out.push({ from: at(s.dates, open), to: at(s.dates, i - 1), fromIndex: open, toIndex: i - 1 });
      open = -1;
    }
  }
  if (open >= 0 && endIndex >= open) out.push({ from: at(s.dates, open), to: at(s.dates, endIndex), fromIndex: open, toIndex: endIndex });
  return out;
}

/** True when every row in [fromIndex, endIndex] has open, high, low and close: enough to draw candles. */
export function hasOhlc(s: DailySeries, fromIndex: number, endIndex: number): boolean {
  for (let i = Math.max(0, fromIndex); i <= endIndex; i++) {
    if (s.open[i] == null || s.high[i] == null || s.low[i] == null || s.close[i] == null) return false;
  }
  return true;
}

/**
 * Values of rows [fromIndex, endIndex] on one basis: `close` when every row there has it, otherwise
 * `adjClose`. The arrays cover the whole series (rows outside the window are left as they are), so
 * indices stay the series' own.
 */
export function levelValuesIn(s: DailySeries, fromIndex: number, endIndex: number): { values: number[]; basis: PriceBasis } {
  const gaps = missingCloses(s, fromIndex, endIndex);
  if (gaps.length > 0) return { values: Array.from(s.adjClose), basis: 'adjClose' };
  return { values: s.close.map((c, i) => c ?? at(s.adjClose, i)), basis: 'close' };
}

function describeGaps(gaps: readonly { from: string; to: string }[]): string {
  const words = gaps.slice(0, 2).map((g) => (g.from === g.to ? formatDate(g.from) : `${formatDate(g.from)} to ${formatDate(g.to)}`));
  if (gaps.length > 2) words.push(`${gaps.length - 2} more stretch${gaps.length > 3 ? 'es' : ''}`);
  return words.join(' and ');
}

/**
 * The sentence for an Answer's `basis`: which column the levels use and, on `adjClose`, why.
 * `gaps` are the missing closes that forced the fallback (empty on `close`).
 */
export function levelBasisNote(symbol: string, basis: PriceBasis, gaps: readonly { from: string; to: string }[], allMissing = false): string {
  if (basis === 'close') return 'Price levels use split-adjusted closes (the prices that traded, not adjusted for dividends).';
  const why = allMissing
    ? `the data has no split-adjusted closes for ${symbol}`
    : `split-adjusted closes for ${symbol} are missing from ${describeGaps(gaps)}`;
  return `Levels use total return (dividends reinvested) because ${why}; dollar prices are not quoted on that basis.`;
}
