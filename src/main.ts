/**
 * `npm start`: reads the environment, builds the app and starts every configured chat adapter —
 * Discord and/or Slack when their tokens are set, the console when neither is. SIGINT/SIGTERM
 * stop taking work and close everything cleanly.
 */
import { createApp } from './app.ts';
import { createConsoleAsk, runRepl } from './adapters/console/repl.ts';
import { chatMode, ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger } from './log.ts';

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
  const app = createApp(config, { logger });
  const stops: (() => Promise<void>)[] = [];

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => logger.error({ err }, 'stop failed'));
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  if (mode.console) {
    // Warm the reference series so the first command is fast.
    await app.market.series('SPY');
    const ask = createConsoleAsk({ runner: app.runner, renderer: app.renderer, outDir: 'out', symbols: app.symbols, asOf: () => app.market.latestClose(), logger });
    await runRepl({ runner: app.runner, renderer: app.renderer, outDir: 'out', ask, banner: `tapebot console (${app.market.sourceLabel})` });
    await shutdown('end of input');
    return;
  }
  // Chat adapters load only when configured, so the console starts without their weight.
  if (mode.slack) {
    const { startSlack } = await import('./adapters/slack/start.ts');
    const admins = new Set(config.SLACK_ADMIN_USERS);
    const slack = await startSlack({ config, runner: app.runner, renderer: app.renderer, logger, canManage: (userId) => admins.has(userId) });
    stops.push(() => slack.stop());
  }
  logger.info({ discord: mode.discord, slack: mode.slack }, 'tapebot started');
}

try {
  await main();
} catch (e) {
  // Start-up failures (a rejected token, an unreachable API, a port in use) get one clear line.
  process.stderr.write(`tapebot could not start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
