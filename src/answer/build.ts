/** Small pieces every command uses to assemble an Answer, so wording of footers and bases stays in one place. */
import { formatDate } from '../core/format.ts';
import type { Answer, Facts } from './answer.ts';
import { at } from '../core/at.ts';

export const BASIS_TOTAL_RETURN = 'Returns, ratios and streaks use total return (dividends reinvested).';
export const BASIS_LEVELS = 'Price levels use split-adjusted closes.';

/** "Source: bundled daily prices · as of Aug 21, 2026 · tapebot" — drawn under every chart. */
export function chartFooter(source: string, asOf: string): string {
  return `Source: ${source} · as of the close of ${formatDate(asOf)} · tapebot`;
}

export function emptyAnswer(command: string, title: string, asOf: string | null, source: string | null): Answer {
  return answerWith(command, title, asOf, source, {});
}

/** An Answer with its facts already worked out; the words, charts and warnings are added after. */
export function answerWith<F extends Facts>(command: string, title: string, asOf: string | null, source: string | null, facts: F): Answer<F> {
  return { command, args: {}, title, lines: [], facts, charts: [], asOf, source, warnings: [] };
}

/**
 * Picks at most `max` evenly spaced indices of [from, to], always keeping both ends, so a chart of
 * 25 years of daily closes stays legible and fast to draw.
 */
export function thinIndices(from: number, to: number, max = 750): number[] {
  const n = to - from + 1;
  if (n <= 0) return [];
  if (n <= max) return Array.from({ length: n }, (_, k) => from + k);
  const step = (n - 1) / (max - 1);
  const out: number[] = [];
  for (let k = 0; k < max; k++) out.push(from + Math.round(k * step));
  return out;
}

export function pick<T>(values: readonly T[], indices: readonly number[]): T[] {
  return indices.map((i) => at(values, i));
}
