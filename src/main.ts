/**
 * `npm start`: reads the environment, builds the app and starts every configured chat adapter —
 * Discord and/or Slack when their tokens are set, the console when neither is — plus /healthz and
 * /metrics on HEALTH_PORT, and the daily digests and alerts for the chat platforms that started
 * (docs/digests.md). SIGTERM/SIGINT stop taking work (what arrives hears "restarting"), let replies
 * in flight finish, tell whoever still waits at the end of the grace period, and close everything
 * (src/ops/shutdown.ts); a second signal ends the grace period at once.
 */
import { hostname } from 'node:os';
import { PassThrough, type Readable } from 'node:stream';
import { backupDirOf, createApp, limitsFromConfig, type App } from './app.ts';
import { consoleBanner, createConsoleAsk, runRepl } from './adapters/console/repl.ts';
import { chatMode, ConfigError, configSecrets, loadConfig, slackOAuth, type Config } from './config.ts';
import type { SlackInstallations } from './adapters/slack/installations.ts';
import type { DigestPoster } from './digest/poster.ts';
import { createDigestService, type DigestJobs, type DigestService } from './digest/service.ts';
import { digestSettingsFromEnv, type DigestSettings } from './digest/settings.ts';
import type { DigestStore } from './digest/types.ts';
import { createLogger, createSecretRegistry, type SecretRegistry } from './log.ts';
import { createHealthRegistry, pollComponent, startOpsServer } from './ops/health.ts';
import { createMetrics } from './ops/metrics.ts';
import { systemClock } from './digest/clock.ts';
import type { PriceProvider } from './data/provider.ts';
import type { LimitStore } from './ops/limits.ts';
import type { PgPool } from './store/pg.ts';
import type { Redis } from './ops/redis.ts';
import { createShutdown } from './ops/shutdown.ts';
import { warmUp } from './ops/warmup.ts';
import { createBackups, scheduleBackups } from './store/backup.ts';
import { StoreOpenError } from './store/guard.ts';

/** The DIGEST_* settings; a bad value stops start-up like any other bad setting. */
function loadDigestSettings(): DigestSettings {
  try {
    return digestSettingsFromEnv(process.env);
  } catch (e) {
    throw new ConfigError(e instanceof Error ? e.message : String(e));
  }
}

async function main(secrets: SecretRegistry): Promise<void> {
  let config: Config;
  let digestSettings: DigestSettings;
  try {
    config = loadConfig();
    digestSettings = loadDigestSettings();
  } catch (e) {
    if (e instanceof ConfigError) {
      // Nothing is registered yet: a configuration error names variables, never their values.
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const mode = chatMode(config);
  // In the console the prompt owns the terminal: only warnings and errors are logged there.
  // One registry of the secrets for the whole process: the logs, the chat clients and the console mask with it.
  configSecrets(config, secrets);
  const logger = createLogger({ level: mode.console && config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, secrets });
  // REDIS_URL: the limits' buckets are shared by every replica (src/ops/limits-redis.ts).
  let limitStore: LimitStore | undefined;
  let redis: Redis | undefined;
  if (config.REDIS_URL) {
    const { openRedisForRequests } = await import('./ops/redis.ts');
    const { createRedisLimitStore } = await import('./ops/limits-redis.ts');
    redis = openRedisForRequests(config.REDIS_URL, logger);
    limitStore = createRedisLimitStore(redis, { logger });
  }
  // DATABASE_URL: one pool for the digest store and the shared provider answers (src/data/shared-upstream.ts).
  let pool: PgPool | undefined;
  let upstreamLayer: ((p: PriceProvider) => PriceProvider) | undefined;
  if (config.DATABASE_URL) {
    const { openPg } = await import('./store/pg.ts');
    const { createSharedUpstream, migrateSharedPrices } = await import('./data/shared-upstream.ts');
    const opened = await openPg({ url: config.DATABASE_URL, logger });
    pool = opened;
    await migrateSharedPrices(opened);
    upstreamLayer = (upstream) => createSharedUpstream(upstream, { pool: opened, logger });
  }
  // The process's metrics and readiness: what /metrics and /healthz serve, recorded by the app and the adapters.
  const metrics = createMetrics({ defaultMetrics: true });
  const health = createHealthRegistry();
  // Digests: /digest, /watch and /alert reach the store in every mode (the console's `/digest preview`
  // included), through the app; the service that posts runs only with a chat platform to post to
  // (below). With DATABASE_URL the store is PostgreSQL, shared by every replica; otherwise the app
  // keeps it in its SQLite file.
  const pgDigests = pool ? await (await import('./digest/store-pg.ts')).createPgDigestStore(pool) : null;
  let app: App;
  try {
    app = createApp(config, {
      logger,
      secrets,
      limiter: limitsFromConfig(config, limitStore),
      metrics,
      health,
      ...(upstreamLayer ? { upstreamLayer } : {}),
      ...(pgDigests ? { digests: { store: pgDigests, clock: systemClock } } : {}),
    });
  } catch (e) {
    if (e instanceof StoreOpenError) {
      // DATA_DIR missing, not a directory, read-only or full, or a damaged database: one line naming the path.
      process.stderr.write(`tapebot could not start: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const graceMs = config.SHUTDOWN_GRACE_S * 1000;

  health.setComponent('accepting', true);
  const shutdown = createShutdown({ gate: app.gate, logger, graceMs, onDraining: () => health.setComponent('accepting', false, 'shutting down') });
  shutdown.installSignalHandlers();

  if (redis) {
    const r = redis;
    const stopPoll = pollComponent(health, 'redis', async () => void (await r.ping()), 10_000, logger);
    shutdown.onClose({ name: 'redis', run: async () => {
      stopPoll();
      r.disconnect();
    } });
  }
  if (config.HEALTH_PORT !== undefined) {
    const ops = await startOpsServer({ port: config.HEALTH_PORT, host: config.HEALTH_HOST, health, metrics, logger });
    shutdown.onClose({ name: 'health server', run: () => ops.close() });
  }
  // Backups of the settings into BACKUP_DIR on BACKUP_SCHEDULE (src/store/backup.ts); the price
  // cache's rows are left out: it refills itself from the providers.
  if (config.BACKUP_KEEP > 0) {
    const backups = createBackups({ db: app.db, dir: backupDirOf(config), keep: config.BACKUP_KEEP, skipRowsOf: ['bars', 'events', 'series_meta'], logger });
    // One now, so a database lost before the first scheduled time still has a backup to come back from.
    try {
      backups.run();
    } catch (err) {
      logger.error({ err }, 'backup failed');
    }
    const stopBackups = scheduleBackups(backups, config.BACKUP_SCHEDULE, { logger });
    shutdown.onClose({ name: 'backups', run: async () => stopBackups() });
  }
  shutdown.onClose({ name: 'app', run: () => app.close() });

  const digestStore: DigestStore = app.digests;
  if (pool && pgDigests) {
    const p = pool;
    const pg = pgDigests;
    shutdown.onClose({ name: 'postgres', run: () => p.end() });
    let counts: readonly { platform: string; kind: string; count: number }[] = [];
    // The gauge is read at scrape time, which cannot wait for a query: the health poll refreshes it.
    // (The SQLite store's gauge is the app's own.)
    metrics.addDigestOutbox(() => counts);
    const stopPoll = pollComponent(health, 'postgres', async () => {
      counts = await pg.pendingCounts();
    }, 10_000, logger);
    shutdown.onClose({ name: 'postgres health', run: async () => stopPoll() });
  }
  const posters: DigestPoster[] = [];
  let digests: DigestService | null = null;
  let digestsStopped: Promise<void> | null = null;
  /** Stops the digest service once. Each adapter waits for it, so a post in flight ends over a live connection. */
  const stopDigests = (): Promise<void> => (digestsStopped ??= digests ? digests.stop() : Promise.resolve());
  shutdown.onDrain({ name: 'digests', run: stopDigests });

  if (!mode.console) {
    // Read every series before taking traffic: cold reads would otherwise stall the first commands' acks.
    health.setComponent('market data', false, 'warming up');
    await warmUp({ market: app.market, symbols: app.symbols.list().map((s) => s.symbol), logger });
    health.setComponent('market data', true);
  }

  try {
    if (mode.discord) {
      health.setComponent('discord', false, 'connecting');
      // Chat adapters load only when configured, so the console starts without their weight.
      const { startDiscord } = await import('./adapters/discord/index.ts');
      const discord = await startDiscord({ config, secrets, runner: app.runner, renderer: app.renderer, logger, symbols: app.symbols, asOf: () => app.market.latestClose(), lexicon: app.lexicon, closes: (s) => app.market.series(s), lookup: app.lookup, health, metrics });
      health.setComponent('discord', true);
      posters.push(discord.poster);
      shutdown.onDrain({ name: 'discord', run: (deadline) => stopDigests().then(() => discord.stop(graceMs, deadline)) });
    }
    if (mode.slack) {
      health.setComponent('slack', false, 'connecting');
      const { startSlack } = await import('./adapters/slack/start.ts');
      // SLACK_CLIENT_ID…: installed in many workspaces, each one's installation kept beside the subscriptions.
      let installations: SlackInstallations | undefined;
      if (slackOAuth(config)) {
        const { createSlackInstallations, pgInstallationRepo, sqliteInstallationRepo } = await import('./adapters/slack/installations.ts');
        installations = createSlackInstallations(pool ? await pgInstallationRepo(pool) : sqliteInstallationRepo(app.db), undefined, secrets);
      }
      const { createPgRecentKeys, createStoredRecentKeys } = await import('./store/recent-keys.ts');
      // With DATABASE_URL the event ids are shared: a retry is recognised by whichever replica it reaches.
      const seen = pool ? await createPgRecentKeys(pool, { scope: 'slack', logger }) : createStoredRecentKeys(app.db, { scope: 'slack', writes: app.store });
      const slack = await startSlack({
        config,
        secrets,
        runner: app.runner,
        renderer: app.renderer,
        logger,
        // A workspace that uninstalls the app takes what was set up there with it.
        ...(installations ? { installations, onWorkspaceGone: async (team: string) => digestStore.dropWorkspace('slack', team) } : {}),
        symbols: app.symbols,
        asOf: () => app.market.latestClose(),
        lexicon: app.lexicon,
        closes: (s) => app.market.series(s),
        seen,
        health,
        metrics,
      });
      health.setComponent('slack', true);
      posters.push(slack.poster);
      shutdown.onDrain({ name: 'slack', run: (deadline) => stopDigests().then(() => slack.stop(graceMs, deadline)) });
    }
  } catch (err) {
    logger.fatal({ err }, 'a chat adapter could not start');
    // One clear line for whoever started it (a rejected token, an unreachable API, a port in use).
    process.stderr.write(startupLine(secrets, 'tapebot could not start', err));
    await shutdown.run('start-up failed', 1);
    return;
  }

  // No service in the console: it has no channel, so nothing there can subscribe, and deciding the
  // digests of Discord or Slack channels (from a database shared with an earlier run) with no way to
  // post them would only leave them pending until they are too late to send.
  if (posters.length > 0) {
    // REDIS_URL: the slots and the alert run are BullMQ job schedulers shared by every replica.
    let jobs: DigestJobs | undefined;
    if (config.REDIS_URL) {
      const { openRedisForJobs } = await import('./ops/redis.ts');
      const { createBullJobs } = await import('./digest/jobs-bullmq.ts');
      const connection = openRedisForJobs(config.REDIS_URL, logger);
      jobs = createBullJobs({ connection, logger });
      shutdown.onClose({ name: 'redis (jobs)', run: async () => void connection.disconnect() });
    }
    digests = createDigestService({ ...(jobs ? { jobs } : {}), store: digestStore, market: app.market, runner: app.runner, renderer: app.renderer, posters, logger, settings: digestSettings, onPost: (e) => metrics.digestPost(e), replicaId: config.REPLICA_ID ?? `${hostname()}-${process.pid}` });
    try {
      await digests.start();
    } catch (err) {
      logger.fatal({ err }, 'the digest service could not start');
      process.stderr.write(startupLine(secrets, 'tapebot could not start digests', err));
      await shutdown.run('start-up failed', 1);
      return;
    }
    logger.info({ platforms: posters.map((p) => p.platform), subscriptions: (await digestStore.subscriptions()).length, alerts: (await digestStore.alerts()).length }, 'digests started');
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
    const ask = createConsoleAsk({ runner: app.runner, renderer: app.renderer, outDir: 'out', symbols: app.symbols, asOf: () => app.market.latestClose(), lexicon: app.lexicon, closes: (s) => app.market.series(s), logger });
    const repl = runRepl({ runner: app.runner, renderer: app.renderer, outDir: 'out', ask, input, secrets, banner: consoleBanner(app.market.sourceLabel) });
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

/**
 * One masked line for whoever started tapebot: never a stack (a provider's error can quote an API
 * key, and a stack carries the message), never more than a line.
 */
function startupLine(secrets: SecretRegistry, what: string, err: unknown): string {
  const detail = err instanceof Error ? err.message : String(err);
  return `${secrets.redact(`${what}: ${detail}`).replace(/\s*\n\s*/g, ' ').slice(0, 500)}\n`;
}

/** The process's secrets: filled as soon as the configuration is read, masked in every line tapebot writes. */
const secrets = createSecretRegistry();
try {
  await main(secrets);
} catch (err) {
  process.stderr.write(startupLine(secrets, 'tapebot could not start', err));
  // Exit now: what had started (the storage check, the backup schedule) would keep the process alive.
  process.exit(1);
}
