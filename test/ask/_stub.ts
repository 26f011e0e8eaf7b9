/**
 * A runner that records what it was asked to run and answers instantly: the question reader is tested
 * without computing any market answer. Binding still happens for real, in answerQuestion.
 */
import type { Answer } from '../../src/answer/answer.ts';
import { bindOptions, type BoundInvocation } from '../../src/command/bind.ts';
import type { AnyCommand } from '../../src/command/define.ts';
import { parseCommandText } from '../../src/command/parse.ts';
import type { CommandRunner, Invocation, RunResult } from '../../src/command/run.ts';
import { createSymbolDirectory, loadManifest } from '../../src/data/symbols.ts';
import { allCommands } from './_commands.ts';
import { buildLexicon } from '../../src/ask/lexicon.ts';
import { createBundledProvider } from '../../src/data/bundled.ts';
import { seriesFromBars, type DailySeries } from '../../src/core/series.ts';

export const symbols = createSymbolDirectory(loadManifest());

export interface RecordingRunner extends CommandRunner {
  readonly calls: Invocation[];
}

export function recordingRunner(commands: readonly AnyCommand[] = allCommands): RecordingRunner {
  const calls: Invocation[] = [];
  const byName = new Map(commands.map((c) => [c.name, c]));
  const answerOf = (name: string): Answer => ({ command: name, args: {}, title: name, lines: [], facts: {}, charts: [], asOf: null, source: null, warnings: [] });
  const ok = (name: string): RunResult => ({ ok: true, ms: 0, answer: answerOf(name) });
  return {
    calls,
    commands,
    find: (name) => byName.get(name),
    async run(inv) {
      calls.push(inv);
      return ok(inv.name);
    },
    async invoke(inv) {
      calls.push(inv);
      return answerOf(inv.name);
    },
    async admit(meta) {
      return { ok: true, meta };
    },
    async runText(text) {
      const p = parseCommandText(text);
      calls.push({ name: p.name, args: p.args });
      return ok(p.name);
    },
  };
}

/** What a command text binds to: the command and every option's value, defaults included. */
export function bound(name: string, args: Invocation['args'], commands: readonly AnyCommand[] = allCommands): { name: string } & Pick<BoundInvocation, 'options' | 'asof'> {
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) throw new Error(`no /${name} command`);
  const b = bindOptions(cmd, args, symbols);
  return { name, options: b.options, asof: b.asof };
}

export function boundText(text: string, commands: readonly AnyCommand[] = allCommands) {
  const p = parseCommandText(text);
  return bound(p.name, p.args, commands);
}

/** The registered commands' lexicon, built once as createApp builds it. */
export const lexicon = buildLexicon(allCommands);

const bundled = createBundledProvider();
/** A symbol's bundled prices, as `market.series` gives them: where "at the 2022 low" is looked up. */
export const closes = async (symbol: string): Promise<DailySeries> => seriesFromBars(symbol, await bundled.fetchDaily(symbol));
