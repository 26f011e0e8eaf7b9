/** Frozen copy of src/core/rotation-map.ts before issue 18 (several passes, intermediate arrays): the baseline the rotation bench runs beside the current code. */
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
import { alignSeries } from '../../src/core/align.ts';
import { movingAverage } from '../../src/core/ratio.ts';
import type { DailySeries } from '../../src/core/series.ts';

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
  let week = weekNumber(dates[0] as string);
  for (let i = 1; i < n; i++) {
    const w = weekNumber(dates[i] as string);
    if (w !== week) {
      out.push(i - 1);
      week = w;
    }
  }
  out.push(n - 1);
  return out;
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
  /** One point per week from the first week both coordinates exist, oldest first; empty when history is too short. */
  points: RotationPoint[];
}

/** The weekly rotation path of `a` against `b` over their whole common history. */
export function rotationPath(a: DailySeries, b: DailySeries): RotationPath {
  const { series } = alignSeries([a, b]);
  const sa = series[0];
  const sb = series[1];
  const points: RotationPoint[] = [];
  if (!sa || !sb) return { symbol: a.symbol, benchmark: b.symbol, points };
  const weekEnds = weeklyCloseIndices(sa.dates);
  // 100 · (A / B), not 100 · A / B: a symbol against itself then gives exactly 100, not 100 ± 1 ulp.
  const rs = weekEnds.map((i) => 100 * ((sa.adjClose[i] as number) / (sb.adjClose[i] as number)));
  const ratio = rsRatio(rs);
  const momentum = rsMomentum(ratio);
  for (let w = 0; w < weekEnds.length; w++) {
    const x = ratio[w];
    const y = momentum[w];
    if (x === null || x === undefined || y === null || y === undefined) continue;
    points.push({ date: sa.dates[weekEnds[w] as number] as string, ratio: x, momentum: y, quadrant: quadrantOf(x, y) });
  }
  return { symbol: a.symbol, benchmark: b.symbol, points };
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
  while (k > 0 && (points[k - 1] as RotationPoint).quadrant === last.quadrant) k--;
  return { quadrant: last.quadrant, weeks: points.length - k, previous: k > 0 ? (points[k - 1] as RotationPoint).quadrant : null };
}
