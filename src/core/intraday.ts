/**
 * Intraday levels: the day's high and low against a level or a record the close did not reach.
 *
 * Closes stay the primary basis of every analysis (they are what the day settled at, and what every other
 * figure here uses); the day's range is read only to add that the price **traded** through a level during
 * the session: "KRE traded above $70 intraday on Nov 25, 2024 but has not closed there since Mar 2022".
 *
 * Terms:
 * - The day **traded above** L intraday when its high is strictly above L, and **closed above** it when
 *   its close is. "Above intraday but not at the close" needs both: high > L ≥ close.
 * - Likewise below with the low.
 * High, low and close must be on the same basis (the bundled data: split-adjusted only, see data/README.md).
 */
import { NotEnoughDataError } from './series.ts';
import { at } from './at.ts';

export interface IntradayCross {
  /** The session whose range crossed the level while its close did not. */
  date: string;
  index: number;
  /** Its high (above) or low (below). */
  extreme: number;
  close: number;
  /** The last earlier close beyond the level (strictly above / below); null when none in the data. */
  lastCloseBeyond: { date: string; index: number; value: number } | null;
}

/**
 * Whether the session at `endIndex` traded beyond `level` (above: high > level; below: low < level) while
 * its close did not, and when a close was last beyond it. Null when the day did not, or when its high /
 * low / close is missing.
 */
export function intradayCross(
  high: readonly (number | null)[],
  low: readonly (number | null)[],
  close: readonly (number | null)[],
  dates: readonly string[],
  level: number,
  direction: 'above' | 'below' = 'above',
  endIndex: number = dates.length - 1,
): IntradayCross | null {
  if (!Number.isFinite(level)) throw new RangeError(`intradayCross: level must be a finite number, got ${level}`);
  const end = endIndex;
  if (!(Number.isInteger(end) && end >= 0 && end < dates.length)) throw new NotEnoughDataError(`intradayCross: end index ${end} is outside the series (0..${dates.length - 1})`);
  const c = close[end];
  const x = direction === 'above' ? high[end] : low[end];
  if (c === null || c === undefined || x === null || x === undefined) return null;
  const sign = direction === 'above' ? 1 : -1;
  if (!(sign * (x - level) > 0) || sign * (c - level) > 0) return null;
  let lastCloseBeyond: IntradayCross['lastCloseBeyond'] = null;
  for (let i = end - 1; i >= 0; i--) {
    const v = close[i];
    if (v !== null && v !== undefined && sign * (v - level) > 0) {
      lastCloseBeyond = { date: at(dates, i), index: i, value: v };
      break;
    }
  }
  return { date: at(dates, end), index: end, extreme: x, close: c, lastCloseBeyond };
}
