import type { ChartSpec } from './chart-spec.ts';

/** A structured fact behind the prose, for JSON output, tests and digests. */
export type FactValue = string | number | boolean | null;

/**
 * What every command returns: platform-free. Each adapter has one function that turns an Answer
 * into its native reply (Discord embed + attachments, Slack blocks + files, console text + PNG paths).
 *
 * `lines` use one piece of markup only: `**bold**`. Adapters translate it (Slack `*bold*`,
 * the console strips or styles it).
 */
export interface Answer {
  /** The command that produced it, and the options to run it again (period buttons re-run with another period). */
  command: string;
  args: Record<string, string>;
  title: string;
  lines: string[];
  facts: Record<string, FactValue>;
  charts: ChartSpec[];
  /** The close the answer is computed as of (ISO date). */
  asOf: string | null;
  /** Where the prices came from, e.g. "bundled daily prices (Yahoo Finance and others)". */
  source: string | null;
  /** Which price basis the numbers use, when it matters (total return vs split-adjusted close). */
  basis?: string;
  warnings: string[];
  /** When set, the answer has a period that chat buttons can change: the option's name and its current value. */
  period?: { option: string; value: string };
}

/** Turns `**bold**` markup into plain text. */
export function plainText(line: string): string {
  return line.replace(/\*\*(.+?)\*\*/g, '$1');
}
