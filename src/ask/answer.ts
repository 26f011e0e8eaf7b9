/**
 * Mentions: "@tapebot is KRE breaking out?" answered like the command it amounts to. Platform-free:
 * the Discord and Slack adapters strip the mention (stripMentions), call answerQuestion, and post
 * `line` ("Read as: /breakout KRE") above the Answer exactly as they post the command's answer.
 */
import { bindOptions } from '../command/bind.ts';
import type { CommandRunner, RunResult } from '../command/run.ts';
import type { SymbolDirectory } from '../data/symbols.ts';
import type { DailySeries } from '../core/series.ts';
import type { Lexicon } from './lexicon.ts';
import { describeError, newErrorRef, UserInputError } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { planQuestion, settleDate, shownCommand, shownCommandText, MAX_CLARIFY_CHARS, type AskPlan, type PlanContext } from './plan.ts';
import type { ExtremeDate } from './read.ts';
import { yearExtreme, type Extreme } from '../core/highs.ts';
import { formatDate } from '../core/format.ts';
import { echo, neutralise } from '../echo.ts';

export interface AskDeps {
  runner: CommandRunner;
  symbols: SymbolDirectory;
  /** The phrases questions are read with, built once from the runner's commands at composition (createApp's `lexicon`). */
  lexicon: Lexicon;
  /**
   * The day relative dates are read against ("since june", "last year" → calendar 2025): the data's
   * latest close, or a function giving it (e.g. `() => market.latestClose()`), called once per question.
   * Without it, questions with a relative date are asked for an exact one. Never the wall clock.
   */
  asOf?: string | (() => Promise<string>);
  /**
   * A symbol's prices, for days that prices decide ("at the 2022 low", "at its 2021 peak"): usually
   * `(s) => market.series(s)`. Without it, such questions are asked for the day itself.
   */
  closes?: (symbol: string) => Promise<DailySeries>;
  /**
   * A command's name as people type it on this platform, used for every command named to people (the
   * Read-as line, notes, questions back): on Slack `slackCommandName`, which gives "/tapebot-help" for
   * "help". Given the bare name; a result without a leading "/" gets one. Default: the name itself.
   * `readAs` stays the registered command ("/help"), runnable by the CommandRunner.
   */
  commandName?: (name: string) => string;
  logger?: Logger;
  /** Added to the runner's log line (adapter, channel, user). */
  meta?: Record<string, unknown>;
}

export type AskOutcome =
  | {
      kind: 'answer';
      /** The command the question was read as, by its registered name, runnable by the CommandRunner: "/compare IWM QQQ since:2026-06-01". */
      readAs: string;
      /** The one line to show above the answer: "Read as: /compare IWM QQQ since:2026-06-01", plus any note, in the platform's command names. */
      line: string;
      /** What the question said that the command has no option for ("/drawdown takes no period …"). */
      notes: string[];
      /** The command's result, exactly as running `readAs` gives it (an Answer, or a refusal to show). */
      result: RunResult;
    }
  /** The question could not be read with confidence: what was understood, what was not, and questions that work. */
  | { kind: 'clarify'; message: string };

/** Longest command echoed back in "I read that as …": enough to recognise it, never a paragraph. */
const MAX_ECHOED_COMMAND = 80;

/** Longest Read-as line: a note never pushes it past one short chat line. */
const MAX_LINE_CHARS = 300;

export function readAsLine(readAs: string, notes: readonly string[] = []): string {
  const line = `Read as: ${neutralise(readAs)}${notes.length > 0 ? ` — ${notes.join('; ')}.` : ''}`;
  return line.length <= MAX_LINE_CHARS ? line : `${line.slice(0, MAX_LINE_CHARS - 1)}…`;
}

/** Answers a question in plain words. Never throws; a reply is always within chat limits. */
export async function answerQuestion(text: string, deps: AskDeps): Promise<AskOutcome> {
  const logger = deps.logger ?? silentLogger;
  try {
    const commandName = deps.commandName;
    const help = shownCommand('help', commandName);
    // The reference day first: questions back name it too ("calendar 2025"), not only dates.
    const reference = await referenceDay(deps.asOf, logger, deps.meta);
    const ctx: PlanContext = {
      lexicon: deps.lexicon,
      symbols: deps.symbols,
      ...(reference !== undefined ? { reference } : {}),
      ...(commandName ? { commandName } : {}),
    };
    const planned: AskPlan = planQuestion(text, ctx);
    if (planned.kind === 'needs-reference') {
      return { kind: 'clarify', message: 'I need an exact date for that: write it with a year, e.g. "since june 1 2026" or since:2026-06-01.' };
    }
    if (planned.kind === 'clarify') return planned;
    const plan = planned.extreme ? await settleExtreme(planned, planned.extreme, deps) : planned;
    if (plan.kind === 'clarify') return plan;

    // Bind first: a reading the command refuses is a question back to the person, not an error reply.
    const cmd = deps.runner.find(plan.name);
    if (!cmd) return { kind: 'clarify', message: `There is no ${shownCommand(plan.name, commandName)} command here. Type ${help} for the commands.` };
    try {
      bindOptions(cmd, plan.args, deps.symbols);
    } catch (e) {
      if (!(e instanceof UserInputError)) throw e;
      const why = describeError(e, '').message;
      const message = `I read that as ${echo(shownCommandText(plan.text, commandName), MAX_ECHOED_COMMAND)}, but: ${why}`;
      return { kind: 'clarify', message: message.length <= MAX_CLARIFY_CHARS ? message : `${message.slice(0, MAX_CLARIFY_CHARS - 1)}…` };
    }
    const result = await deps.runner.run({ name: plan.name, args: plan.args }, { ...deps.meta, via: 'question', readAs: plan.text });
    return { kind: 'answer', readAs: plan.text, line: readAsLine(shownCommandText(plan.text, commandName), plan.notes), notes: plan.notes, result };
  } catch (err) {
    const ref = newErrorRef();
    logger.error({ ...deps.meta, ref, err }, 'question failed');
    return {
      kind: 'clarify',
      message: `Something went wrong reading that question — reference ${ref}. Try a command such as ${shownCommand('rotation', deps.commandName)}, or ${shownCommand('help', deps.commandName)}.`,
    };
  }
}

/**
 * "at the 2022 low": the day of that close, looked up in the symbol's prices here, beside the runner
 * (the reader that planned it has no prices), and added to the plan as `asof:` with a note saying how.
 */
async function settleExtreme(plan: Extract<AskPlan, { kind: 'run' }>, e: ExtremeDate, deps: AskDeps): Promise<Extract<AskPlan, { kind: 'run' | 'clarify' }>> {
  const lowest = e.which === 'low' ? 'lowest' : 'highest';
  if (!deps.closes) return { kind: 'clarify', message: `I can't look up "${e.said}" here; write the day instead, e.g. "on oct 12 ${e.year}".` };
  let found: Extreme | null = null;
  try {
    found = yearExtreme(await deps.closes(e.of), e.year, e.which);
  } catch (err) {
    (deps.logger ?? silentLogger).warn({ ...deps.meta, err, symbol: e.of }, 'no prices to settle a date');
  }
  if (!found) return { kind: 'clarify', message: `I have no ${e.of} closes in ${e.year}, so I can't find "${e.said}"; write the day instead, e.g. "on oct 12 ${e.year}".` };
  const note = `"${e.said}" is ${e.of}'s ${lowest} close of ${e.year}, on ${formatDate(found.date)}`;
  return settleDate(plan, found.date, note);
}

/** The reference day, or none when it cannot be had: relative dates are then asked for exactly, other questions still answered. */
async function referenceDay(asOf: AskDeps['asOf'], logger: Logger, meta: Record<string, unknown> | undefined): Promise<string | undefined> {
  if (typeof asOf !== 'function') return asOf;
  try {
    return await asOf();
  } catch (err) {
    logger.warn({ ...meta, err }, 'no reference day for a question');
    return undefined;
  }
}
