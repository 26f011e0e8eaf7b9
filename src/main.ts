/**
 * `npm start`: reads the environment, builds the app and starts every configured chat adapter —
 * Discord and/or Slack when their tokens are set, the console when neither is — plus /healthz and
 * /metrics on HEALTH_PORT. SIGTERM/SIGINT stop taking work, let replies in flight finish and close
 * everything cleanly (src/ops/shutdown.ts).
 */
import { PassThrough, type Readable } from 'node:stream';
import { createApp, limitsFromConfig } from './app.ts';
import { createConsoleAsk, runRepl } from './adapters/console/repl.ts';
import { chatMode, ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger } from './log.ts';
import { health } from './ops/health.ts';
import { startOpsServer } from './ops/health.ts';
import { metrics } from './ops/metrics.ts';
import { createShutdown } from './ops/shutdown.ts';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const mode = chatMode(config);
  // In the console the prompt owns the terminal: only warnings and errors are logged there.
  const logger = createLogger({ level: mode.console && config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  const app = createApp(config, { logger, limiter: limitsFromConfig(config) });
  const graceMs = config.SHUTDOWN_GRACE_S * 1000;

  health.setComponent('accepting', true);
  const shutdown = createShutdown({ gate: app.gate, logger, graceMs, onDraining: () => health.setComponent('accepting', false, 'shutting down') });
  shutdown.installSignalHandlers();

  if (config.HEALTH_PORT !== undefined) {
    const ops = await startOpsServer({ port: config.HEALTH_PORT, host: config.HEALTH_HOST, health, metrics, logger });
    shutdown.onClose({ name: 'health server', run: () => ops.close() });
  }
  shutdown.onClose({ name: 'app', run: () => app.close() });

  try {
    if (mode.discord) {
      health.setComponent('discord', false, 'connecting');
      // Chat adapters load only when configured, so the console starts without their weight.
      const { startDiscord } = await import('./adapters/discord/index.ts');
      const discord = await startDiscord({ config, runner: app.runner, renderer: app.renderer, logger, symbols: app.symbols });
      health.setComponent('discord', true);
      shutdown.onDrain({ name: 'discord', run: () => discord.stop(graceMs) });
    }
    if (mode.slack) {
      health.setComponent('slack', false, 'connecting');
      const { startSlack } = await import('./adapters/slack/start.ts');
      const admins = new Set(config.SLACK_ADMIN_USERS);
      const slack = await startSlack({ config, runner: app.runner, renderer: app.renderer, logger, canManage: (userId) => admins.has(userId) });
      health.setComponent('slack', true);
      shutdown.onDrain({ name: 'slack', run: () => slack.stop(graceMs) });
    }
  } catch (err) {
    logger.fatal({ err }, 'a chat adapter could not start');
    // One clear line for whoever started it (a rejected token, an unreachable API, a port in use).
    process.stderr.write(`tapebot could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
    await shutdown.run('start-up failed');
    return;
  }

  if (mode.console) {
    // Warm the reference series so the first command is fast.
    await app.market.series('SPY');
    // A pipe is read through a PassThrough that shutdown can end; a terminal keeps its line editing.
    let input: Readable = process.stdin;
    let endInput = () => {
      process.stdin.on('error', () => {});
      process.stdin.push(null);
    };
    if (!process.stdin.isTTY) {
      const piped = new PassThrough();
      process.stdin.pipe(piped);
      input = piped;
      endInput = () => {
        process.stdin.unpipe(piped);
        piped.end();
      };
    }
    const ask = createConsoleAsk({ runner: app.runner, renderer: app.renderer, outDir: 'out', symbols: app.symbols, asOf: () => app.market.latestClose(), logger });
    const repl = runRepl({ runner: app.runner, renderer: app.renderer, outDir: 'out', ask, input, banner: `tapebot console (${app.market.sourceLabel})` });
    // The line being answered (its charts included) finishes; lines typed after the signal are refused.
    shutdown.onDrain({
      name: 'console',
      run: async () => {
        endInput();
        await repl;
      },
    });
    await repl;
    await shutdown.run('end of input');
    return;
  }
  logger.info({ discord: mode.discord, slack: mode.slack }, 'tapebot started');
}

await main();
