/**
 * Sideways ranges (consolidations) and breakouts from them: "broke out of a 14-month range between
 * $480 and $552".
 *
 * Terms:
 * - The **amplitude** of a stretch of closes is max / min − 1 ((max − min) / min).
 * - The **band** ending on day e is the longest stretch of consecutive closes [s, e] whose amplitude is
 *   at most `threshold` (15% by default). Amplitude only grows as a stretch reaches further back, so this
 *   stretch is unique: walk back from e while the amplitude stays within the threshold.
 * - A **sideways range** ending on day e is that band with its lead-in cut off: it starts at the band's
 *   first close in the top quarter of the band (close ≥ max − (max − min) / 4). Before that the price was
 *   still climbing into the band, which is a trend, not a range; without the cut every new high in a slow
 *   uptrend would read as "a breakout from a range". Its high and low are taken over the range itself.
 * - A **range breakout** on day b: the sideways range ending on b − 1 lasts at least `minSessions`, its
 *   highest close was set at least `minSinceHigh` sessions before b (the price was held below it for a
 *   while, not just rising the day before), and the close on b is strictly above that highest close.
 *
 * As with highs, the caller chooses the basis (`levelValues` in highs.ts); dollar ranges need `close`.
 */
import { DateTime } from 'luxon';
import type { Extreme } from './highs.ts';
import { checkedEnd, notAPrice } from './highs.ts';
import { at } from './at.ts';

export const DEFAULT_RANGE_THRESHOLD = 0.15;
/** About two months of sessions: anything shorter is a pause, not a range. */
export const DEFAULT_MIN_RANGE_SESSIONS = 40;
export const DEFAULT_MIN_SESSIONS_SINCE_RANGE_HIGH = 5;
/** The top quarter of the band: the range starts at the first close there. */
const TOP_ZONE = 0.25;

export interface SidewaysRange {
  start: { date: string; index: number };
  end: { date: string; index: number };
  /** Closes in the range, both ends included. */
  sessions: number;
  /** Highest close of the range (earliest on a tie). */
  high: Extreme;
  /** Lowest close of the range (earliest on a tie). */
  low: Extreme;
  /** high / low − 1; ≤ the threshold. */
  amplitude: number;
}

export interface RangeBreakout {
  /** The breakout day: the first close above the range. */
  date: string;
  index: number;
  close: number;
  range: SidewaysRange;
  /** close / range high − 1; > 0. */
  aboveRange: number;
}

export interface RangeOptions {
  /** Largest amplitude a range may have (a fraction: 0.15 = 15%). */
  threshold?: number;
  /** Fewest closes a range must have to count. */
  minSessions?: number;
  /** Fewest sessions between the range's highest close and the breakout. */
  minSinceHigh?: number;
}

function checkThreshold(threshold: number, what: string): void {
  if (!(threshold >= 0 && threshold < Infinity)) throw new RangeError(`${what}: threshold must be a fraction ≥ 0, got ${threshold}`);
}

/** The sideways range ending on `endIndex` (default: the last row), as defined in the header. */
export function sidewaysRange(
  values: readonly number[],
  dates: readonly string[],
  endIndex: number = values.length - 1,
  threshold: number = DEFAULT_RANGE_THRESHOLD,
): SidewaysRange {
  const what = 'sidewaysRange';
  const end = checkedEnd(values, dates, endIndex, what);
  checkThreshold(threshold, what);
  const last = at(values, end);
  if (!(last > 0 && last < Infinity)) throw notAPrice(what, end, last);

  // The band: walk back while max / min − 1 stays within the threshold.
  let s = end;
  let hi = last;
  let lo = last;
  while (s > 0) {
    const v = at(values, s - 1);
    if (!(v > 0 && v < Infinity)) throw notAPrice(what, s - 1, v);
    const h = v > hi ? v : hi;
    const l = v < lo ? v : lo;
    if (h / l - 1 > threshold) break;
    hi = h;
    lo = l;
    s--;
  }
  // Cut the lead-in: start at the first close in the top quarter of the band.
  const floor = hi - (hi - lo) * TOP_ZONE;
  let start = s;
  while (at(values, start) < floor) start++;
  let hiAt = start;
  let loAt = start;
  for (let i = start + 1; i <= end; i++) {
    const v = at(values, i);
    if (v > at(values, hiAt)) hiAt = i;
    if (v < at(values, loAt)) loAt = i;
  }
  const high = at(values, hiAt);
  const low = at(values, loAt);
  return {
    start: { date: at(dates, start), index: start },
    end: { date: at(dates, end), index: end },
    sessions: end - start + 1,
    high: { value: high, date: at(dates, hiAt), index: hiAt },
    low: { value: low, date: at(dates, loAt), index: loAt },
    amplitude: high / low - 1,
  };
}

/** The range breakout on `endIndex` (default: the last row), or null when that day is not one. */
export function rangeBreakout(
  values: readonly number[],
  dates: readonly string[],
  endIndex: number = values.length - 1,
  opts: RangeOptions = {},
): RangeBreakout | null {
  const what = 'rangeBreakout';
  const b = checkedEnd(values, dates, endIndex, what);
  const minSessions = opts.minSessions ?? DEFAULT_MIN_RANGE_SESSIONS;
  const minSinceHigh = opts.minSinceHigh ?? DEFAULT_MIN_SESSIONS_SINCE_RANGE_HIGH;
  if (!Number.isInteger(minSessions) || minSessions < 1) throw new RangeError(`${what}: minSessions must be a whole number ≥ 1, got ${minSessions}`);
  if (!Number.isInteger(minSinceHigh) || minSinceHigh < 1) throw new RangeError(`${what}: minSinceHigh must be a whole number ≥ 1, got ${minSinceHigh}`);
  const close = at(values, b);
  if (!(close > 0 && close < Infinity)) throw notAPrice(what, b, close);
  if (b < minSessions) return null;
  const range = sidewaysRange(values, dates, b - 1, opts.threshold ?? DEFAULT_RANGE_THRESHOLD);
  if (range.sessions < minSessions || !(close > range.high.value) || b - range.high.index < minSinceHigh) return null;
  return { date: at(dates, b), index: b, close, range, aboveRange: close / range.high.value - 1 };
}

/**
 * The range breakout the price "just left": the earliest breakout day among the last `within` sessions
 * up to `endIndex` whose range top the end-day close is still above. Earliest, because the range a
 * breakout leaves is the longest on its first day (later days carry the breakout's own closes).
 * Null when there is none.
 */
export function recentRangeBreakout(
  values: readonly number[],
  dates: readonly string[],
  endIndex: number = values.length - 1,
  within = 5,
  opts: RangeOptions = {},
): RangeBreakout | null {
  const end = checkedEnd(values, dates, endIndex, 'recentRangeBreakout');
  if (!Number.isInteger(within) || within < 1) throw new RangeError(`recentRangeBreakout: within must be a whole number ≥ 1, got ${within}`);
  const last = at(values, end);
  for (let b = Math.max(0, end - within + 1); b <= end; b++) {
    const br = rangeBreakout(values, dates, b, opts);
    if (br && last > br.range.high.value) return br;
  }
  return null;
}

export type SpanUnit = 'day' | 'week' | 'month' | 'year';

/**
 * The calendar length from one ISO date to another, in the unit a person would use: days under two
 * weeks, weeks under two months, months under two years, then years to one decimal.
 */
export function calendarSpan(from: string, to: string): { count: number; unit: SpanUnit } {
  const a = DateTime.fromISO(from, { zone: 'utc' });
  const b = DateTime.fromISO(to, { zone: 'utc' });
  if (!a.isValid || !b.isValid) throw new RangeError(`calendarSpan: not ISO dates: "${from}", "${to}"`);
  if (b < a) throw new RangeError(`calendarSpan: ${to} is before ${from}`);
  const days = Math.round(b.diff(a, 'days').days);
  const months = b.diff(a, 'months').months;
  if (days < 14) return { count: days, unit: 'day' };
  if (months < 2) return { count: Math.round(days / 7), unit: 'week' };
  if (Math.round(months) < 24) return { count: Math.round(months), unit: 'month' };
  return { count: Math.round(months / 1.2) / 10, unit: 'year' };
}

/**
 * "14 months", "2.5 years", "3 weeks"; as an adjective ("a 14-month range") when `adjective` is set.
 */
export function formatSpan(from: string, to: string, adjective = false): string {
  const { count, unit } = calendarSpan(from, to);
  if (adjective) return `${count}-${unit}`;
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/**
 * "a" or "an" before a phrase that starts with a number, by how the number is spoken: an 8-month,
 * an 11.1%, an 18-session, an 86-day; a 14-month, a 110-day.
 */
export function withArticle(phrase: string): string {
  const m = /^[+−-]?([\d,]+)/.exec(phrase);
  if (!m) return `${/^[aeiou]/i.test(phrase) ? 'an' : 'a'} ${phrase}`;
  const digits = at(m, 1).replace(/,/g, '');
  const an = digits.startsWith('8') || (digits.length % 3 === 2 && /^1[18]/.test(digits));
  return `${an ? 'an' : 'a'} ${phrase}`;
}

/**
 * The **measured move** after a breakout from a sideways range: the range's height (high − low) added to
 * the breakout level (the range high), the textbook price objective of a rectangle breakout (Edwards &
 * Magee, "Technical Analysis of Stock Trends", ch. on rectangles; Bulkowski, "Encyclopedia of Chart
 * Patterns"). A technical projection of how far such moves have tended to carry, not a forecast.
 */
export function measuredMoveTarget(range: Pick<SidewaysRange, 'high' | 'low'>): number {
  return range.high.value + (range.high.value - range.low.value);
}
