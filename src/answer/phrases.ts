/**
 * Sentences more than one command says the same way. Each returns null when the fact is not
 * notable, so callers leave the line out instead of printing an empty one.
 */
import { formatDate, formatMonthYear, formatPercent, formatPrice, ordinal } from '../core/format.ts';
import type { LongestSince, StreakRun, StreakSides } from '../core/streaks.ts';
import type { UniverseMember } from '../core/universes.ts';
import { at } from '../core/at.ts';

/** A spread in percentage points: +3.1 pts. */
export function formatPoints(x: number, digits = 1): string {
  return formatPercent(x, digits).replace('%', ' pts');
}

/** Shortest streak worth a sentence on its own. */
export const NOTABLE_STREAK = 2;

/**
 * "IWM has beaten SPY for 6 straight sessions (since Jan 13, 2026), its longest streak since Mar 2025."
 * Speaks of whichever side holds the current streak.
 */
export function streakSentence(st: StreakSides, opts: { minLength?: number } = {}): string | null {
  const min = opts.minLength ?? NOTABLE_STREAK;
  if (st.current && st.current.length >= min) return oneSide(st.a, st.b, st.current, st.longestSince);
  if (st.opposite && st.opposite.length >= min) return oneSide(st.b, st.a, st.opposite, st.oppositeLongestSince);
  return null;
}

/**
 * "Longest since" is news only when the earlier run at least as long ended a while ago: one that
 * ended a few weeks before this one began makes this streak ordinary.
 */
export const LONGEST_SINCE_MIN_DAYS = 30;
/** Within this many days, the earlier run is dated to the day ("since Jun 12, 2025"), else to the month. */
const FULL_DATE_WITHIN_DAYS = 365;

const daysBetween = (from: string, to: string) => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;

function oneSide(winner: string, loser: string, run: StreakRun, since: LongestSince | null): string {
  const sessions = run.length === 1 ? '1 session' : `${run.length} straight sessions`;
  const head = `${winner} has beaten ${loser} for **${sessions}** (since ${formatDate(run.startDate)})`;
  if (!since || run.length < 2) return `${head}.`;
  if (since.kind === 'none') return `${head}, its longest streak in the data, which starts ${formatMonthYear(since.since)}.`;
  const prev = since.run;
  const ago = daysBetween(prev.endDate, run.startDate);
  if (ago < LONGEST_SINCE_MIN_DAYS) return `${head}.`;
  const when = ago < FULL_DATE_WITHIN_DAYS ? formatDate(prev.endDate) : formatMonthYear(prev.endDate);
  if (prev.length === run.length) return `${head}, its longest streak since ${when}, which also ran ${prev.length} sessions.`;
  return `${head}, its longest streak since ${when} (${prev.length} sessions then).`;
}

/** "the 3rd-longest on record" for a run's rank among runs (1-based), or null when unremarkable. */
export function recordRank(rank: number, of = 10): string | null {
  if (rank < 1 || rank > of) return null;
  return rank === 1 ? 'the longest on record' : `the ${ordinal(rank)}-longest on record`;
}

/** "XLE (Energy)", or just "XLE" for a symbol in no universe. */
export function withName(m: UniverseMember): string {
  return m.name === m.symbol ? m.symbol : `${m.symbol} (${m.name})`;
}

/** "XLE, XLU and XLV". */
export function listing(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${at(items, items.length - 1)}`;
}

/** A member left out, and why ("its data ends Jul 2, 2026"). */
export interface LeftOut {
  symbol: string;
  reason: string;
}

/** One sentence naming what was left out and why ("Not ranked: KRE (its data ends …)"), or null. */
export function leftOutSentence(head: string, leftOut: readonly LeftOut[]): string | null {
  if (leftOut.length === 0) return null;
  return `${head}: ${leftOut.map((l) => `${l.symbol} (${l.reason})`).join('; ')}.`;
}

/** A price level as people write it: "$612.50"; an index level is points, not dollars ("5,432.10"). */
export function fmtLevel(symbol: string, v: number): string {
  return symbol.startsWith('^') ? formatPrice(v).replace('$', '') : formatPrice(v);
}

/** Unsigned percent: "3.2%". */
export function pctAbs(x: number, digits = 1): string {
  return formatPercent(Math.abs(x), digits).replace(/^[+−]/, '');
}

/** Said once per answer for symbols whose levels fall back to total return: "No price is available for DIA (…)". */
export function noPriceNote(symbols: readonly string[]): string {
  const them = symbols.length === 1 ? 'its' : 'their';
  return `No price is available for ${listing(symbols)} (the data lacks ${them} split-adjusted closes), so ${them} levels are on total return.`;
}
