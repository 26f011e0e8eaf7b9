/**
 * Relative strength: how a symbol did against a benchmark over a period, on the total-return basis.
 *
 * Relative return. Over a period in which A returned rA and the benchmark B returned rB, A's return
 * relative to B is
 *
 *     rel = (1 + rA) / (1 + rB) − 1
 *
 * It is the change of the A/B ratio line over the period (A_end/B_end ÷ A_start/B_start − 1), so it agrees
 * with every ratio chart and with the rotation map, and it compounds: the relative returns of two
 * consecutive periods chain by multiplication just as ordinary returns do. The plain difference rA − rB
 * does neither, and overstates gaps when both moved a lot (+60% vs +50% is a 10-point gap but only +6.7%
 * relative). A symbol against itself has a relative return of exactly 0.
 *
 * Measurements are made on the dates A and B have in common (see align.ts), ending on the last of them,
 * with the period's base close chosen by periodBaseIndex (see periods.ts).
 */
import { alignSeries } from './align.ts';
import { at } from './at.ts';
import { periodBaseIndex, priorPeriodBaseIndex, type Period } from './periods.ts';
import type { DailySeries } from './series.ts';

/** (1 + rA) / (1 + rB) − 1; see the header for why not rA − rB. */
export function relativeReturn(returnA: number, returnB: number): number {
  return (1 + returnA) / (1 + returnB) - 1;
}

/** A against its benchmark over one period. Returns and the relative return are fractions (0.081 = +8.1%). */
export interface RelativePerformance {
  /** The base close (common date) the period is measured from, and the end close. */
  from: string;
  to: string;
  returnA: number;
  returnB: number;
  relative: number;
}

export interface RelativeStrength {
  symbol: string;
  benchmark: string;
  /** The last date A and the benchmark share: every period ends here. Null when they share none. */
  end: string | null;
  /** One entry per requested period, in order; null when the common history does not reach back that far. */
  periods: (RelativePerformance | null)[];
}

/**
 * `a` against `b` over each of `periods`, all ending on their last common date.
 * Aligns once, so asking for several periods costs one merge of the two date columns.
 */
export function relativeStrength(a: DailySeries, b: DailySeries, periods: readonly Period[]): RelativeStrength {
  const { dates, series } = alignSeries([a, b]);
  const end = dates.length - 1;
  const sa = series[0];
  const sb = series[1];
  if (end < 0 || !sa || !sb) return { symbol: a.symbol, benchmark: b.symbol, end: null, periods: periods.map(() => null) };
  // A one-day period needs a previous close; periodBaseIndex gives −1 on a one-row history.
  const out = periods.map((p) => measure(dates, sa.adjClose, sb.adjClose, periodBaseIndex(dates, p, end), end));
  return { symbol: a.symbol, benchmark: b.symbol, end: at(dates, end), periods: out };
}

function measure(dates: readonly string[], a: ArrayLike<number>, b: ArrayLike<number>, base: number, end: number): RelativePerformance | null {
  if (base < 0 || end < base) return null;
  const returnA = at(a, end) / at(a, base) - 1;
  const returnB = at(b, end) / at(b, base) - 1;
  return { from: at(dates, base), to: at(dates, end), returnA, returnB, relative: relativeReturn(returnA, returnB) };
}

/** A against its benchmark over a period and over the window of the same length before it (periods.ts, priorPeriodBaseIndex). */
export interface RelativeRotation {
  now: RelativePerformance;
  before: RelativePerformance;
  /** Sessions in the window before: "the 12 sessions before" for periods without a calendar span. */
  sessionsBefore: number;
  /** 'in': ahead of the benchmark over the period after trailing it before; 'out': the reverse; null: no change of side. */
  turn: 'in' | 'out' | null;
}

/** A relative return within ±0.05% rounds to 0.0%: level with the benchmark, on neither side of it. */
export const ROTATION_SIDE = 0.0005;

/**
 * Rotation against a benchmark, tied to the period asked. A member rotates IN when its relative return is
 * above 0 over the period and below 0 over the window before it, and OUT the other way round. The side
 * of the benchmark, not a rank among peers, is the test: it holds for a list of two as for eleven sectors,
 * it is what the ratio chart and the rotation map show (ratio rising vs falling), and a rank can move
 * while nothing changed against the market. A side needs a relative return beyond ±ROTATION_SIDE: one
 * that rounds to 0.0% is level with the benchmark, on neither side. Null when the history does not reach
 * the window before.
 */
export function relativeRotation(a: DailySeries, b: DailySeries, p: Period): RelativeRotation | null {
  const { dates, series } = alignSeries([a, b]);
  const end = dates.length - 1;
  const sa = series[0];
  const sb = series[1];
  if (end < 1 || !sa || !sb) return null;
  const base = periodBaseIndex(dates, p, end);
  const prior = priorPeriodBaseIndex(dates, p, end);
  const now = measure(dates, sa.adjClose, sb.adjClose, base, end);
  const before = measure(dates, sa.adjClose, sb.adjClose, prior, base);
  if (!now || !before || prior < 0) return null;
  const side = (x: number) => (x > ROTATION_SIDE ? 1 : x < -ROTATION_SIDE ? -1 : 0);
  const turn = side(now.relative) > 0 && side(before.relative) < 0 ? 'in' : side(now.relative) < 0 && side(before.relative) > 0 ? 'out' : null;
  return { now, before, sessionsBefore: base - prior, turn };
}
