/**
 * Relative rotation map: where a symbol stands against a benchmark on two axes, both centred on 100,
 * and the path it took there week by week.
 *
 * The best-known version of this chart uses proprietary formulas that have never been published, and
 * open imitations differ; some even compute "momentum" from a fixed base, so that it collapses into a
 * rescaled copy of the ratio and every tail lies on a straight line. This is tapebot's own definition,
 * chosen so that each number can be said in a sentence:
 *
 * 1. Weekly closes. The two series are aligned on their common trading days (align.ts); the close of a
 *    week is the last common close in that Monday–Sunday week. The latest week is usually partial and
 *    ends on the as-of date.
 * 2. Relative strength RS_t = 100 · A_t / B_t on total-return closes (adjClose): the ratio line.
 * 3. RS-Ratio_t = 100 · SMA_s(RS)_t / SMA_n(RS)_t with s = RS_RATIO_SHORT_WEEKS (4, about a month) and
 *    n = RS_RATIO_LONG_WEEKS (13, a quarter): relative strength over the last month against its average
 *    over the last quarter. 103 reads "over the past month A's relative strength averaged 3% above its
 *    13-week average": the trend of relative strength, centred on 100 whatever the price levels. The short
 *    average keeps one noisy week from throwing a tail across the map (with s = 1, raw weekly closes, the
 *    sector tails were zigzags of 5–7 points a week). A percentage rather than a z-score keeps a quiet
 *    fund's small moves small instead of inflating them to its own volatility.
 * 4. RS-Momentum_t = 100 · RS-Ratio_t / RS-Ratio_{t−k} with k = RS_MOMENTUM_WEEKS (4): the rate of change
 *    of RS-Ratio over the last k weeks, a true rolling change, again centred on 100. 102 reads "RS-Ratio
 *    rose 2% over the past 4 weeks".
 *
 * Why it rotates clockwise: if relative strength swings like a wave, RS-Ratio follows the wave and
 * RS-Momentum, its rate of change, runs ahead of it (by a quarter cycle less k/2 weeks, so for any cycle
 * longer than 2k weeks). Plotting (RS-Ratio, RS-Momentum) then traces a clockwise loop:
 * Improving (ratio < 100, momentum > 100) → Leading (both > 100) → Weakening (ratio > 100, momentum < 100)
 * → Lagging (both < 100) → Improving.
 * A symbol identical to its benchmark sits at (100, 100).
 *
 * Quadrant boundaries: a value counts as above 100 only when strictly above it. Everything is one pass
 * over the dates (alignment, weekly closes, a running-sum average), so the cost is linear in history.
 */
import { seekDate } from './align.ts';
import { movingAverage } from './ratio.ts';
import type { DailySeries } from './series.ts';
import { at, atF64, atI32, atStr } from './at.ts';

/** s in RS-Ratio: weeks of relative strength averaged for "now" (about a month). */
export const RS_RATIO_SHORT_WEEKS = 4;
/** n in RS-Ratio: weeks in the average "now" is compared with (a quarter). */
export const RS_RATIO_LONG_WEEKS = 13;
/** k in RS-Momentum: weeks over which the change of RS-Ratio is measured. */
export const RS_MOMENTUM_WEEKS = 4;
/** Weekly closes needed before the first point of the map exists: n for the long average, then k more for the change. */
export const ROTATION_WARMUP_WEEKS = RS_RATIO_LONG_WEEKS + RS_MOMENTUM_WEEKS;

export type Quadrant = 'leading' | 'weakening' | 'lagging' | 'improving';

export const QUADRANT_NAMES: Readonly<Record<Quadrant, string>> = {
  leading: 'Leading',
  weakening: 'Weakening',
  lagging: 'Lagging',
  improving: 'Improving',
};

export function quadrantOf(ratio: number, momentum: number): Quadrant {
  if (ratio > 100) return momentum > 100 ? 'leading' : 'weakening';
  return momentum > 100 ? 'improving' : 'lagging';
}

/** Days since 1970-01-01 of an ISO date, without Date objects (proleptic Gregorian; H. Hinnant's days_from_civil). */
export function dayNumber(iso: string): number {
  // Digits read in place: this runs once per trading day of every member, so no closures or substrings.
  let y = (iso.charCodeAt(0) - 48) * 1000 + (iso.charCodeAt(1) - 48) * 100 + (iso.charCodeAt(2) - 48) * 10 + (iso.charCodeAt(3) - 48);
  const m = (iso.charCodeAt(5) - 48) * 10 + (iso.charCodeAt(6) - 48);
  const d = (iso.charCodeAt(8) - 48) * 10 + (iso.charCodeAt(9) - 48);
  if (m <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Monday–Sunday week number: 1970-01-01 was a Thursday, so day + 3 puts Mondays on multiples of 7. */
function weekNumber(iso: string): number {
  return Math.floor((dayNumber(iso) + 3) / 7);
}

/** Index of each week's last date in ascending `dates` (the week's close); the last date always ends a week. */
export function weeklyCloseIndices(dates: readonly string[]): number[] {
  const out: number[] = [];
  const n = dates.length;
  if (n === 0) return out;
  let week = weekNumber(at(dates, 0));
  for (let i = 1; i < n; i++) {
    const w = weekNumber(at(dates, i));
    if (w !== week) {
      out.push(i - 1);
      week = w;
    }
  }
  out.push(n - 1);
  return out;
}

/**
 * Monday–Sunday week number of each of ascending `dates` (as weekNumber), read digit by digit with full
 * calendar arithmetic only when the month changes. A map of many symbols against one benchmark computes
 * the benchmark's once and hands it to every `rotationPath`: the common days then take their week from
 * it and the members' dates are only compared, never read.
 */
export function weekNumbers(dates: readonly string[]): Int32Array {
  const n = dates.length;
  const out = new Int32Array(n);
  const days = new AscendingDayNumbers();
  for (let i = 0; i < n; i++) out[i] = Math.floor((days.of(atStr(dates, i)) + 3) / 7);
  return out;
}

/**
 * dayNumber of ascending ISO dates, read digit by digit with full calendar arithmetic only when the
 * month changes (within a month the day number follows from the day of the month). The one place
 * that decoding lives: weekNumbers and rotationPath both read dates through it.
 */
class AscendingDayNumbers {
  private monthKey = -1; // year · 12 + month of the previous date
  private monthDay = 0; // its day of the month
  private monthDn = 0; // and its day number

  of(x: string): number {
    const key = (x.charCodeAt(0) * 1000 + x.charCodeAt(1) * 100 + x.charCodeAt(2) * 10 + x.charCodeAt(3) - 53328) * 12 + x.charCodeAt(5) * 10 + x.charCodeAt(6) - 528;
    const dd = x.charCodeAt(8) * 10 + x.charCodeAt(9) - 528;
    const dn = key === this.monthKey ? this.monthDn + (dd - this.monthDay) : dayNumber(x);
    this.monthKey = key;
    this.monthDay = dd;
    this.monthDn = dn;
    return dn;
  }
}

/**
 * RS-Ratio for each value of a weekly relative-strength series (step 3 of the header); null until `long`
 * values exist.
 */
export function rsRatio(rs: readonly number[], short: number = RS_RATIO_SHORT_WEEKS, long: number = RS_RATIO_LONG_WEEKS): (number | null)[] {
  const now = movingAverage(rs, short);
  const trend = movingAverage(rs, long);
  return rs.map((_, i) => {
    const a = now[i];
    const b = trend[i];
    return a === null || a === undefined || b === null || b === undefined ? null : (100 * a) / b;
  });
}

/** RS-Momentum for each RS-Ratio value (step 4 of the header); null until a ratio k weeks earlier exists. */
export function rsMomentum(ratio: readonly (number | null)[], weeks: number = RS_MOMENTUM_WEEKS): (number | null)[] {
  return ratio.map((v, i) => {
    const before = i >= weeks ? ratio[i - weeks] : null;
    return v === null || before === null || before === undefined ? null : (100 * v) / before;
  });
}

export interface RotationPoint {
  /** The week's closing date. */
  date: string;
  ratio: number;
  momentum: number;
  quadrant: Quadrant;
}

export interface RotationPath {
  symbol: string;
  benchmark: string;
  /** Number of points: one per week from the first week both coordinates exist; 0 when history is too short. */
  length: number;
  /** Per point, oldest first: the week's closing date, RS-Ratio and RS-Momentum (typed columns, no objects). */
  dates: readonly string[];
  ratio: Float64Array;
  momentum: Float64Array;
  /** The same points as objects, oldest first; built on first read (callers that need only the head use `pointAt`). */
  readonly points: RotationPoint[];
}

/** Point `i` of a path (negative counts from the end, like Array.at); undefined outside it. */
export function pointAt(path: RotationPath, i: number): RotationPoint | undefined {
  const k = i < 0 ? path.length + i : i;
  if (k < 0 || k >= path.length) return undefined;
  const ratio = at(path.ratio, k);
  const momentum = at(path.momentum, k);
  return { date: at(path.dates, k), ratio, momentum, quadrant: quadrantOf(ratio, momentum) };
}

/**
 * The weekly rotation path of `a` against `b` over their whole common history.
 *
 * One pass over the two date columns: a merge finds the common days (galloping over long runs only one
 * series has) and tracks the week of each as it goes (full calendar arithmetic only when the month
 * changes), writing each week's relative strength into one typed array. A short pass over the weeks then
 * computes RS-Ratio (window sums taken afresh each week, so no error accumulates) and RS-Momentum. No
 * aligned copies of the series and no per-week intermediate arrays or objects.
 *
 * `benchmarkWeeks`, when given, must be `weekNumbers(b.dates)`: the weeks are then read from it instead
 * of from the dates (the same path, computed faster when many symbols share the benchmark).
 */
export function rotationPath(a: DailySeries, b: DailySeries, benchmarkWeeks?: Int32Array): RotationPath {
  const ad = a.dates;
  const bd = b.dates;
  const ac = a.adjClose;
  const bc = b.adjClose;
  const na = ad.length;
  const nb = bd.length;
  // Room for every week the common span can touch (never more than the common days).
  const from = na > 0 && nb > 0 ? Math.max(dayNumber(atStr(ad, 0)), dayNumber(atStr(bd, 0))) : 0;
  const to = na > 0 && nb > 0 ? Math.min(dayNumber(atStr(ad, na - 1)), dayNumber(atStr(bd, nb - 1))) : -1;
  const cap = to < from ? 0 : Math.min(na, nb, Math.floor((to - from) / 7) + 2);
  const rs = new Float64Array(cap); // relative strength at each week's close
  const closeRow = new Int32Array(cap); // the row of `a` holding that close
  let weeks = 0;
  let openA = -1; // the week in progress: its latest common day, as rows of a and b, and its week number
  let openB = -1;
  let openWeek = 0;
  const days = new AscendingDayNumbers(); // the common days' day numbers (when no benchmarkWeeks)
  let i = 0;
  let j = 0;
  while (i < na && j < nb) {
    const x = atStr(ad, i);
    const y = atStr(bd, j);
    if (x !== y) {
      if (x < y) i = seekDate(ad, i + 1, y);
      else j = seekDate(bd, j + 1, x);
      continue;
    }
    // A common day: its week from the benchmark's when given, else from the date itself.
    const week = benchmarkWeeks ? atI32(benchmarkWeeks, j) : Math.floor((days.of(x) + 3) / 7);
    if (week !== openWeek && openA >= 0) {
      // 100 · (A / B), not 100 · A / B: a symbol against itself then gives exactly 100, not 100 ± 1 ulp.
      rs[weeks] = 100 * (atF64(ac, openA) / atF64(bc, openB));
      closeRow[weeks++] = openA;
    }
    openA = i++;
    openB = j++;
    openWeek = week;
  }
  if (openA >= 0) {
    rs[weeks] = 100 * (atF64(ac, openA) / atF64(bc, openB));
    closeRow[weeks++] = openA;
  }

  const short = RS_RATIO_SHORT_WEEKS;
  const long = RS_RATIO_LONG_WEEKS;
  const k = RS_MOMENTUM_WEEKS;
  const first = long - 1 + k; // the first week with both coordinates
  const length = Math.max(0, weeks - first);
  const ratioAll = new Float64Array(Math.max(0, weeks - (long - 1))); // RS-Ratio of week long - 1 + r at r
  for (let w = long - 1; w < weeks; w++) {
    let sumShort = 0;
    let sumLong = 0;
    for (let q = w - long + 1; q <= w; q++) {
      const v = atF64(rs, q);
      sumLong += v;
      if (q > w - short) sumShort += v;
    }
    ratioAll[w - long + 1] = (100 * (sumShort / short)) / (sumLong / long);
  }
  const ratio = ratioAll.subarray(k);
  const momentum = new Float64Array(length);
  const dates = new Array<string>(length);
  for (let p = 0; p < length; p++) {
    momentum[p] = (100 * atF64(ratio, p)) / atF64(ratioAll, p);
    dates[p] = atStr(ad, atI32(closeRow, first + p));
  }
  let points: RotationPoint[] | undefined;
  const path: RotationPath = {
    symbol: a.symbol,
    benchmark: b.symbol,
    length,
    dates,
    ratio,
    momentum,
    get points() {
      points ??= Array.from({ length }, (_, p) => pointAt(path, p) as RotationPoint);
      return points;
    },
  };
  return path;
}

/** How long the latest point has been in its quadrant, and where it was before. */
export interface QuadrantStay {
  quadrant: Quadrant;
  /** Consecutive weeks, ending with the latest, spent in `quadrant` (≥ 1). */
  weeks: number;
  /** The quadrant of the week before the stay began; null when the path starts inside the stay. */
  previous: Quadrant | null;
}

export function quadrantStay(points: readonly RotationPoint[]): QuadrantStay | null {
  const last = points[points.length - 1];
  if (!last) return null;
  let k = points.length - 1;
  while (k > 0 && at(points, k - 1).quadrant === last.quadrant) k--;
  return { quadrant: last.quadrant, weeks: points.length - k, previous: k > 0 ? at(points, k - 1).quadrant : null };
}
