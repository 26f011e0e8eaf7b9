/**
 * The console adapter: an interactive prompt over the same runner the chat platforms use.
 * Type `/rotation` or `/compare IWM SPY QQQ period:1y`; the text and the chart paths come back.
 */
import readline from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import type { ChartRenderer } from '../../charts/renderer.ts';
import { answerQuestion, type AskDeps } from '../../ask/answer.ts';
import { buildLexicon } from '../../ask/lexicon.ts';
import type { CommandRunner, RunResult } from '../../command/run.ts';
import { writeAnswerCharts } from './deliver.ts';
import { formatAnswerText, formatErrorText } from './format.ts';
import type { SecretRegistry } from '../../log.ts';

/** The console's first line: names where prices come from, and for bundled data how far they reach. */
export function consoleBanner(sourceLabel: string): string {
  return `tapebot console (${sourceLabel})`;
}

export interface ReplOptions {
  runner: CommandRunner;
  renderer: ChartRenderer;
  outDir: string;
  input?: Readable;
  output?: Writable;
  /** Answers a line that is not a slash command (a question in plain words), when mentions are wired. */
  ask?: (question: string) => Promise<string>;
  banner?: string;
  /** What every reply is masked with: the logs' registry. */
  secrets: SecretRegistry;
}

/** Handles one line; returns the text to print. Never throws. */
export async function handleConsoleLine(line: string, o: Pick<ReplOptions, 'runner' | 'renderer' | 'outDir' | 'ask'>): Promise<string> {
  const text = line.trim();
  if (text === '') return '';
  if (!text.startsWith('/')) {
    if (o.ask) return o.ask(text);
    return formatErrorText('Commands start with a slash, e.g. /rotation or /compare IWM SPY. Try /help.');
  }
  // "/breakout KRE --full": the whole answer, as a More click shows it in chat.
  const full = /\s--full$/.test(text);
  return resultText(await o.runner.runText(full ? text.replace(/\s--full$/, '') : text, { adapter: 'console' }), o, full);
}

/** A command's result as console text, with its charts written as PNGs. */
async function resultText(result: RunResult, o: Pick<ReplOptions, 'renderer' | 'outDir'>, full = false): Promise<string> {
  if (!result.ok) return formatErrorText(result.error.message);
  try {
    const paths = await writeAnswerCharts(o.renderer, result.answer, o.outDir);
    return formatAnswerText(result.answer, paths, { full });
  } catch {
    return `${formatAnswerText(result.answer, [], { full })}\n${formatErrorText("The chart could not be drawn this time; the numbers above stand.")}`;
  }
}

/**
 * The console's `ask`: a question in plain words, answered like the command it reads as, with the
 * "Read as:" line first so people learn the command. A question it cannot read gets a question back.
 */
export function createConsoleAsk(o: Pick<ReplOptions, 'runner' | 'renderer' | 'outDir'> & Pick<AskDeps, 'symbols' | 'asOf' | 'logger' | 'closes'> & Partial<Pick<AskDeps, 'lexicon'>>): (question: string) => Promise<string> {
  // The app's lexicon when given; otherwise compiled here, once, from the runner's commands.
  const lexicon = o.lexicon ?? buildLexicon(o.runner.commands);
  return async (question) => {
    const out = await answerQuestion(question, { runner: o.runner, symbols: o.symbols, lexicon, ...(o.asOf !== undefined ? { asOf: o.asOf } : {}), ...(o.closes ? { closes: o.closes } : {}), ...(o.logger ? { logger: o.logger } : {}), meta: { adapter: 'console' } });
    if (out.kind === 'clarify') return out.message;
    return `${out.line}\n${await resultText(out.result, o)}`;
  };
}

export async function runRepl(o: ReplOptions): Promise<void> {
  const output = o.output ?? process.stdout;
  const rl = readline.createInterface({ input: o.input ?? process.stdin, output, terminal: Boolean((o.input ?? process.stdin) === process.stdin && process.stdin.isTTY) });
  output.write(`${o.banner ?? 'tapebot console'} — type /help, a command such as /rotation${o.ask ? ', a question such as "is KRE breaking out?"' : ''}, or "exit".\n`);
  rl.setPrompt('tapebot> ');
  rl.prompt();
  for await (const line of rl) {
    const t = line.trim();
    if (t === 'exit' || t === 'quit' || t === '/exit' || t === '/quit') break;
    const reply = await handleConsoleLine(t, o);
    // The same masking as the logs, as a second wall (errors.ts keeps provider text out of replies).
    if (reply) output.write(`${o.secrets.redact(reply)}\n\n`);
    rl.prompt();
  }
  rl.close();
}
