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
import { periodBaseIndex, type Period } from './periods.ts';
import type { DailySeries } from './series.ts';
import { at } from './at.ts';

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
  const aEnd = at(sa.adjClose, end);
  const bEnd = at(sb.adjClose, end);
  const out = periods.map((p): RelativePerformance | null => {
    // A one-day period needs a previous close; periodBaseIndex gives −1 on a one-row history.
    const base = periodBaseIndex(dates, p, end);
    if (base < 0) return null;
    const returnA = aEnd / at(sa.adjClose, base) - 1;
    const returnB = bEnd / at(sb.adjClose, base) - 1;
    return { from: at(dates, base), to: at(dates, end), returnA, returnB, relative: relativeReturn(returnA, returnB) };
  });
  return { symbol: a.symbol, benchmark: b.symbol, end: at(dates, end), periods: out };
}
