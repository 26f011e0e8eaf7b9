/**
 * Sentences more than one command says the same way. Each returns null when the fact is not
 * notable, so callers leave the line out instead of printing an empty one.
 */
import { formatDate, formatMonthYear, formatPercent, ordinal } from '../core/format.ts';
import type { StreakAnalysis, StreakRun } from '../core/streaks.ts';

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
export function streakSentence(st: StreakAnalysis, opts: { minLength?: number } = {}): string | null {
  const min = opts.minLength ?? NOTABLE_STREAK;
  if (st.current && st.current.length >= min) return oneSide(st.a, st.b, st.current, st.longestSince);
  if (st.opposite && st.opposite.length >= min) return oneSide(st.b, st.a, st.opposite, st.oppositeLongestSince);
  return null;
}

function oneSide(winner: string, loser: string, run: StreakRun, since: StreakAnalysis['longestSince']): string {
  const head = `${winner} has beaten ${loser} for **${run.length} straight sessions** (since ${formatDate(run.startDate)})`;
  if (!since) return `${head}.`;
  if (since.kind === 'none') return `${head}, its longest streak in the data, which starts ${formatMonthYear(since.since)}.`;
  const prev = since.run;
  const same = prev.length === run.length ? 'matching its' : 'its';
  return `${head}, ${same} longest streak since ${formatMonthYear(prev.endDate)}${prev.length > run.length ? ` (${prev.length} sessions then)` : ''}.`;
}

/** "the 3rd-longest on record" for a run's rank among runs (1-based), or null when unremarkable. */
export function recordRank(rank: number, of = 10): string | null {
  if (rank < 1 || rank > of) return null;
  return rank === 1 ? 'the longest on record' : `the ${ordinal(rank)}-longest on record`;
}
