/**
 * Scans: rules that pick, from a list of symbols, the ones showing a setup people trade on. Each rule is
 * defined once here, with why its thresholds are what they are; each hit carries the one number that made
 * the cut, and the list is ranked by it.
 *
 * - **snapback**: fell sharply from a recent high and has started to turn. The close is at least 25%
 *   below its highest close of the last 3 months (63 sessions), has since rallied at least 5% off the
 *   lowest close after that high, and closes above its 10-day average. 25% in a quarter is a fall of
 *   about two quarterly standard deviations for a typical 30%-volatility stock, which is what "sharply"
 *   means; 5% off the low and a close above the 10-day average say the fall has paused and the short-term
 *   trend turned up, rather than a stock still falling. Number: the fall from the high (deepest first).
 * - **breakouts**: in the last 5 sessions (a week), a record close, the first close above a round level
 *   (a multiple of half a power of ten: $50 steps at $482, $5 at $28) that no close had passed for a
 *   year (252 sessions), or a new 52-week high close; still above the level broken at the as-of close.
 *   A week, so a breakout two days ago is still on the list; "still above" drops the ones that already
 *   failed. Number: how far the close is above the level broken (records, then round levels, then
 *   52-week highs; the latest day wins among equals).
 * - **streaks**: the current out-performance streak against a benchmark (see streaks.ts), 3 sessions or
 *   more (1 or 2 happen by chance every week). Number: sessions (longest first).
 * - **unwind**: the momentum leaders that lost the most in the last month. Leaders: total return over the
 *   6 months (126 sessions) ending a month ago positive and in the upper half of the list (the usual
 *   momentum measure skips the latest month, so the month being judged does not decide who led). Of those,
 *   the ones down at least 5% over the last month (21 sessions). Number: the 1-month return (worst first).
 * Levels (snapback, breakouts) use the split-adjusted close (`levelValues`); returns use total return.
 */
import { median } from './analogs.ts';
import { levelValues } from './highs.ts';
import type { DailySeries } from './series.ts';
import { analyzeStreak } from './streaks.ts';
import { at } from './at.ts';

export const SCAN_KINDS = ['snapback', 'breakouts', 'streaks', 'unwind'] as const;
export type ScanKind = (typeof SCAN_KINDS)[number];

export const SNAPBACK = { lookback: 63, minFall: 0.25, minRally: 0.05, average: 10 } as const;
export const BREAKOUT = { window: 5, year: 252 } as const;
export const STREAK_MIN = 3;
export const UNWIND = { leaderSessions: 126, recentSessions: 21, minLoss: 0.05 } as const;

export interface ScanHit {
  symbol: string;
  /** The number that made the cut (a fraction for snapback, breakouts and unwind; sessions for streaks). */
  value: number;
  /** Words for the hit, e.g. "record close", "52-week high", "above $500". */
  label: string;
  /** The reference level drawn in the hit's mini chart (the high fallen from, the level broken). */
  level?: number;
  /** Further figures for the table (rally off the low, 6-month return…). */
  extra: Record<string, number>;
}

/** A snapback on the last day of `values`, or null (see the header). */
export function snapbackAt(values: readonly number[], end: number = values.length - 1): ScanHit | null {
  const from = end - SNAPBACK.lookback + 1;
  if (from < 0 || end < SNAPBACK.average - 1) return null;
  let hi = from;
  for (let i = from; i <= end; i++) if (at(values, i) > at(values, hi)) hi = i;
  let lo = hi;
  for (let i = hi; i <= end; i++) if (at(values, i) < at(values, lo)) lo = i;
  const high = at(values, hi);
  const low = at(values, lo);
  const last = at(values, end);
  const fall = low / high - 1;
  const rally = last / low - 1;
  let sum = 0;
  for (let i = end - SNAPBACK.average + 1; i <= end; i++) sum += at(values, i);
  const avg = sum / SNAPBACK.average;
  if (!(fall <= -SNAPBACK.minFall && rally >= SNAPBACK.minRally && last > avg)) return null;
  return { symbol: '', value: fall, label: `${Math.round(-fall * 100)}% off its high, +${Math.round(rally * 100)}% off the low`, level: high, extra: { fall, rally, fromHigh: last / high - 1, sessionsSinceLow: end - lo } };
}

/** The round-level step for a price: half of its power of ten (50 for 482, 5 for 28, 0.5 for 9.5). */
export function roundStep(price: number): number {
  return 10 ** Math.floor(Math.log10(price)) / 2;
}

/** Records first; a round level crossed says more than the 52-week high it also is. */
const KIND_ORDER: Readonly<Record<BreakoutKind, number>> = { record: 0, level: 1, high52: 2 };
type BreakoutKind = 'record' | 'level' | 'high52';

/**
 * The strongest breakout of the last BREAKOUT.window sessions still holding at `end`, or null. A first
 * close above a round level untouched for a year is always a 52-week high too; it is named by its level.
 */
export function breakoutAt(values: readonly number[], end: number = values.length - 1): ScanHit | null {
  const last = at(values, end);
  let best: { kind: BreakoutKind; level: number; day: number } | null = null;
  for (let d = Math.max(1, end - BREAKOUT.window + 1); d <= end; d++) {
    const v = at(values, d);
    let allMax = -Infinity;
    let yearMax = -Infinity;
    for (let i = 0; i < d; i++) {
      const x = at(values, i);
      if (x > allMax) allMax = x;
      if (i >= d - BREAKOUT.year && x > yearMax) yearMax = x;
    }
    let found: { kind: BreakoutKind; level: number } | null = null;
    if (v > allMax && last > allMax) found = { kind: 'record', level: allMax };
    else if (d >= BREAKOUT.year && v > yearMax) {
      const step = roundStep(v);
      const r = Math.floor(v / step) * step;
      // r < v (strictly above), and no close above it for a year (yearMax ≤ r): the first close above r in a year.
      if (r > 0 && r < v && yearMax <= r && last > r) found = { kind: 'level', level: r };
      else if (last > yearMax) found = { kind: 'high52', level: yearMax };
    }
    if (found && (best === null || KIND_ORDER[found.kind] <= KIND_ORDER[best.kind])) best = { ...found, day: d };
  }
  if (!best) return null;
  const label = best.kind === 'record' ? 'record close' : best.kind === 'high52' ? '52-week high' : `first close above ${best.level} in a year`;
  return { symbol: '', value: last / best.level - 1, label, level: best.level, extra: { kindOrder: KIND_ORDER[best.kind], sessionsAgo: end - best.day } };
}

export interface ScanInput {
  symbol: string;
  series: DailySeries;
}

/** Runs one scan over the symbols; hits ranked by their number (see the header for each rule's order). */
export function runScan(kind: ScanKind, items: readonly ScanInput[], benchmark?: DailySeries): ScanHit[] {
  const hits: ScanHit[] = [];
  switch (kind) {
    case 'snapback':
      for (const it of items) {
        const h = snapbackAt(levelValues(it.series).values);
        if (h) hits.push({ ...h, symbol: it.symbol });
      }
      return hits.sort((a, b) => a.value - b.value);
    case 'breakouts':
      for (const it of items) {
        const h = breakoutAt(levelValues(it.series).values);
        if (h) hits.push({ ...h, symbol: it.symbol });
      }
      return hits.sort((a, b) => (a.extra.kindOrder as number) - (b.extra.kindOrder as number) || b.value - a.value);
    case 'streaks': {
      if (!benchmark) throw new RangeError('runScan: streaks need a benchmark');
      for (const it of items) {
        if (it.symbol === benchmark.symbol || it.series.dates.length < 2) continue;
        const st = analyzeStreak(it.series, benchmark);
        const n = st.current?.length ?? 0;
        if (n >= STREAK_MIN) hits.push({ symbol: it.symbol, value: n, label: `${n} sessions ahead of ${benchmark.symbol}`, extra: {} });
      }
      return hits.sort((a, b) => b.value - a.value);
    }
    case 'unwind': {
      const { leaderSessions: L, recentSessions: R } = UNWIND;
      const measured = items
        .filter((it) => it.series.adjClose.length > L + R)
        .map((it) => {
          const v = it.series.adjClose;
          const e = v.length - 1;
          return { symbol: it.symbol, r6: at(v, e - R) / at(v, e - R - L) - 1, r1: at(v, e) / at(v, e - R) - 1 };
        });
      if (measured.length === 0) return [];
      const mid = median(measured.map((m) => m.r6));
      for (const m of measured) {
        if (m.r6 > 0 && m.r6 >= mid && m.r1 <= -UNWIND.minLoss) hits.push({ symbol: m.symbol, value: m.r1, label: `led with ${fmtPct(m.r6)} over 6 months, then ${fmtPct(m.r1)}`, extra: { r6: m.r6, r1: m.r1 } });
      }
      return hits.sort((a, b) => a.value - b.value);
    }
  }
}

function fmtPct(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(0)}%`;
}
