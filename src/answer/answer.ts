import type { ChartSpec } from './chart-spec.ts';

/** A structured fact behind the prose, for JSON output, tests and digests. */
export type FactValue = string | number | boolean | null;

/** A fact may also be a list or a record of facts: whatever `--json` can print as it is. */
export type Fact = FactValue | readonly Fact[] | { readonly [key: string]: Fact };

/**
 * The facts an Answer is built from. Each command names its own shape (`RotationFacts`, …) as a type
 * alias, so it checks against this one; lists and records replace keys made up at run time.
 */
export type Facts = { [key: string]: Fact };

/**
 * What every command returns: platform-free. Each adapter has one function that turns an Answer
 * into its native reply (Discord embed + attachments, Slack blocks + files, console text + PNG paths).
 *
 * `lines` use one piece of markup only: `**bold**`. Adapters translate it (Slack `*bold*`,
 * the console strips or styles it).
 */
/** A first line is shorter than this many characters: the verdict read at a glance in a chat column. */
export const FIRST_LINE_MAX = 120;

export interface Answer<F extends Facts = Facts> {
  /** The command that produced it, and the options to run it again (period buttons re-run with another period). */
  command: string;
  args: Record<string, string>;
  title: string;
  /**
   * What a glance needs: the first line is the verdict for the question asked (under 120 characters),
   * at most 6 lines in all besides a table. Everything else goes in `detail`.
   */
  lines: string[];
  /**
   * The rest of the answer, shown on request: behind a **More** button in chat (the button re-runs the
   * command with `full`, see adapters/rerun.ts), with `--full` in the console and the CLI, always in `--json`.
   */
  detail?: string[];
  /** What the words and charts say, as data: what `--json` prints, what tests and digests read. */
  facts: F;
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

/**
 * The answer with its detail shown: the lines, then `detail`, and no More left to show. What a
 * More click and `--full` display; the facts are the same either way.
 */
export function withDetail<A extends Answer>(answer: A): A {
  if (!answer.detail || answer.detail.length === 0) return answer;
  const { detail, ...rest } = answer;
  return { ...rest, lines: [...answer.lines, ...detail] } as A;
}
