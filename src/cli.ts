/**
 * Scripted use:
 *   npm run tapebot -- run "/rotation asof:2025-06-30" --out DIR   prints the answer, writes its PNGs
 *   npm run tapebot -- run "/compare IWM SPY" --json                 prints the Answer as JSON (detail included)
 *   npm run tapebot -- run "/breakout KRE" --full                    the whole answer, detail included (chat: More)
 *   npm run tapebot -- ask "is KRE breaking out?" [--json] [--out DIR]   a question in plain words: prints
 *                                                                    "Read as: /breakout KRE" and the answer
 * Exit code 0 on an answer, 1 on a refused or failed command (or a question answered with a question),
 * 2 on bad configuration.
 */
import { Command } from 'commander';
import { createApp, type App } from './app.ts';
import { writeAnswerCharts } from './adapters/console/deliver.ts';
import { formatAnswerText, formatErrorText } from './adapters/console/format.ts';
import { consoleBanner, createConsoleAsk, runRepl } from './adapters/console/repl.ts';
import { answerQuestion } from './ask/answer.ts';
import { ConfigError, configSecrets, loadConfig } from './config.ts';
import { createLogger, createSecretRegistry, type SecretRegistry } from './log.ts';
import { StoreOpenError } from './store/guard.ts';

/** The run's secrets: filled when the configuration is read; everything printed and logged is masked with them. */
const secrets: SecretRegistry = createSecretRegistry();
/** Everything the CLI prints passes through the secret masking, as every chat reply does. */
const print = (text: string) => process.stdout.write(secrets.redact(text));
const printError = (text: string) => process.stderr.write(secrets.redact(text));

function buildApp(): App {
  const config = loadConfig();
  configSecrets(config, secrets);
  // One-shot runs draw on the main thread: starting workers costs more than one chart.
  return createApp({ ...config, RENDER_THREADS: config.RENDER_THREADS ?? 0 }, { secrets, logger: createLogger({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, secrets }) });
}

async function runOnce(text: string, opts: { out: string; json?: boolean; full?: boolean }): Promise<number> {
  const app = buildApp();
  try {
    const result = await app.runner.runText(text, { adapter: 'cli' });
    if (!result.ok) {
      if (opts.json) print(`${JSON.stringify({ ok: false, error: result.error.message, ref: result.ref }, null, 2)}\n`);
      else printError(`${formatErrorText(result.error.message)}\n`);
      return 1;
    }
    const paths = await writeAnswerCharts(app.renderer, result.answer, opts.out);
    if (opts.json) print(`${JSON.stringify({ ok: true, answer: result.answer, charts: paths }, null, 2)}\n`);
    else print(`${formatAnswerText(result.answer, paths, { full: opts.full === true })}\n`);
    return 0;
  } finally {
    await app.close();
  }
}

async function askOnce(question: string, opts: { out: string; json?: boolean; full?: boolean }): Promise<number> {
  const app = buildApp();
  try {
    const out = await answerQuestion(question, { runner: app.runner, symbols: app.symbols, lexicon: app.lexicon, asOf: () => app.market.latestClose(), closes: (s) => app.market.series(s), logger: app.logger, meta: { adapter: 'cli' } });
    if (out.kind === 'clarify') {
      if (opts.json) print(`${JSON.stringify({ ok: false, clarify: out.message }, null, 2)}\n`);
      else printError(`${out.message}\n`);
      return 1;
    }
    const result = out.result;
    if (!result.ok) {
      if (opts.json) print(`${JSON.stringify({ ok: false, readAs: out.readAs, error: result.error.message, ref: result.ref }, null, 2)}\n`);
      else printError(`${out.line}\n${formatErrorText(result.error.message)}\n`);
      return 1;
    }
    const paths = await writeAnswerCharts(app.renderer, result.answer, opts.out);
    if (opts.json) print(`${JSON.stringify({ ok: true, readAs: out.readAs, notes: out.notes, answer: result.answer, charts: paths }, null, 2)}\n`);
    else print(`${out.line}\n${formatAnswerText(result.answer, paths, { full: opts.full === true })}\n`);
    return 0;
  } finally {
    await app.close();
  }
}

const program = new Command()
  .name('tapebot')
  .description('Market commentary from real prices, with charts')
  .showHelpAfterError();

program
  .command('run')
  .description('run one command, e.g. "/rotation asof:2025-06-30"')
  .argument('<command>', 'the command text, in quotes')
  .option('-o, --out <dir>', 'where to write chart PNGs', 'out')
  .option('--json', 'print the Answer as JSON')
  .option('--full', 'the whole answer: the detail chat shows behind its More button')
  .action(async (text: string, opts: { out: string; json?: boolean; full?: boolean }) => {
    process.exitCode = await runOnce(text, opts);
  });

program
  .command('ask')
  .description('ask a question in plain words, e.g. "is KRE breaking out?"')
  .argument('<question>', 'the question, in quotes')
  .option('-o, --out <dir>', 'where to write chart PNGs', 'out')
  .option('--json', 'print the reading and the Answer as JSON')
  .option('--full', 'the whole answer: the detail chat shows behind its More button')
  .action(async (question: string, opts: { out: string; json?: boolean; full?: boolean }) => {
    process.exitCode = await askOnce(question, opts);
  });

program
  .command('repl')
  .description('interactive console (what `npm start` opens without chat tokens)')
  .option('-o, --out <dir>', 'where to write chart PNGs', 'out')
  .action(async (opts: { out: string }) => {
    const app = buildApp();
    try {
      const ask = createConsoleAsk({ runner: app.runner, renderer: app.renderer, outDir: opts.out, symbols: app.symbols, asOf: () => app.market.latestClose(), lexicon: app.lexicon, closes: (s) => app.market.series(s), logger: app.logger });
      await runRepl({ runner: app.runner, renderer: app.renderer, outDir: opts.out, ask, secrets, banner: consoleBanner(app.market.sourceLabel) });
    } finally {
      await app.close();
    }
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof ConfigError || e instanceof StoreOpenError) {
    printError(`${e.message}\n`);
    process.exitCode = 2;
  } else {
    printError(`${formatErrorText(`tapebot failed: ${e instanceof Error ? e.message : String(e)}`)}\n`);
    process.exitCode = 1;
  }
}
