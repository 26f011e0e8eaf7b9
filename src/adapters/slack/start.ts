/**
 * Starts the Slack app (Bolt v5).
 *
 * - Socket Mode when SLACK_APP_TOKEN is set: Bolt opens a WebSocket to Slack; no public URL needed.
 * - HTTP mode otherwise: Bolt listens on PORT (default 3000) and takes slash commands, events and
 *   interactivity at `/slack/events`, verifying every request's signature and refusing requests
 *   stamped more than 5 minutes from the local clock, either way, and replays of one signed request
 *   (http-guard.ts) before anything runs; idle and unfinished requests are closed after seconds.
 * - Installed in many workspaces (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET; HTTP
 *   mode): people install at `/slack/install`, Slack sends them back to `/slack/oauth_redirect`, and
 *   each workspace's installation (its bot token) is kept in the installation store (installations.ts).
 *   Every command, mention and button is answered with its workspace's token (Bolt's `authorize`
 *   reads the store), and every digest and alert is posted with the token of the workspace it was set
 *   up in. A SLACK_BOT_TOKEN beside them keeps its own workspace working without an install.
 *   Without them, SLACK_BOT_TOKEN serves its one workspace, as it always has.
 * - SLACK_API_URL points the Web API client elsewhere (GovSlack's https://slack-gov.com/api/, or a
 *   local fake in tests). Socket Mode opens its connection with its own client, so it gets the URL too.
 */
import { App, HTTPReceiver, webApi } from '@slack/bolt';
import type { AddressInfo } from 'node:net';
import type { ChartRenderer } from '../../charts/renderer.ts';
import type { CommandRunner } from '../../command/run.ts';
import { ConfigError, slackOAuth, type Config } from '../../config.ts';
import { PostError, type ChannelRef, type DigestPoster } from '../../digest/poster.ts';
import { createSecretRegistry, maskingFetch, type Logger, type SecretRegistry } from '../../log.ts';
import type { Lexicon } from '../../ask/lexicon.ts';
import type { DailySeries } from '../../core/series.ts';
import { describeError, ShuttingDownError } from '../../errors.ts';
import type { DrainReport } from '../../ops/shutdown.ts';
import { deadlineOf } from '../../ops/deadline.ts';
import { errorText } from './blocks.ts';
import { NO_HEALTH, type ComponentReporter } from '../../ops/health.ts';
import { NO_LATENCY, type LatencyObserver } from '../../ops/metrics.ts';
import { DEFAULT_DELIVERY, type DeliveryOptions } from './deliver.ts';
import { createSymbolDirectory, loadManifest, type SymbolDirectory } from '../../data/symbols.ts';
import { registerCommands, registerPeriodButtons, type SlackHandlerDeps } from './handlers.ts';
import { registerQuestions } from './mentions.ts';
import { boltLogger } from './logger.ts';
import { createSlackPoster } from './poster.ts';
import { createWorkQueue } from './work-queue.ts';
import { createAckFirstScheduler } from '../ack-first.ts';
import { EVENTS_PATH, slackCommandNamer } from './manifest.ts';
import { applyServerTimeouts, createRequestGuard, DEFAULT_HTTP_TIMEOUTS, type SlackHttpTimeouts } from './http-guard.ts';
import type { SeenKeys } from '../../store/recent-keys.ts';
import { NoInstallationError, oauthReceiverOptions, withBotToken, type SlackInstallations } from './installations.ts';
import { createManagerCheck } from './managers.ts';
import { registerUninstalls } from './uninstall.ts';

export type SlackConfig = Pick<Config, 'SLACK_BOT_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_APP_TOKEN' | 'SLACK_API_URL' | 'PORT'> &
  Partial<Pick<Config, 'SLACK_COMMAND_PREFIX' | 'SLACK_ADMIN_USERS' | 'SLACK_CLIENT_ID' | 'SLACK_CLIENT_SECRET' | 'SLACK_STATE_SECRET'>>;

export interface StartSlackOptions {
  config: SlackConfig;
  runner: CommandRunner;
  renderer: ChartRenderer;
  logger: Logger;
  /** HTTP mode only: where to listen. Default: PORT (or 3000) on every interface. Tests use `{ port: 0, host: '127.0.0.1' }`. */
  listen?: { port?: number; host?: string };
  /** Waits between retries when an uploaded chart is not ready yet (tests shorten them). */
  delivery?: Partial<DeliveryOptions>;
  /** Web API retry policy for network errors, 5xx and 429 (default: 2 retries within a few seconds). */
  retryConfig?: webApi.RetryOptions;
  /**
   * Who may change what a channel receives (digests, watchlists, alerts). Default (managers.ts): the
   * people on SLACK_ADMIN_USERS when it is set; otherwise, per workspace, whoever installed the app
   * there and the workspace's admins and owners.
   */
  canManage?: SlackHandlerDeps['canManage'];
  /** Where workspaces' installations are kept: required with SLACK_CLIENT_ID (main.ts passes one on the app's store). */
  installations?: SlackInstallations;
  /**
   * With OAuth: removes what was set up in a workspace that uninstalled the app or revoked its bot
   * token (main.ts: its subscriptions, watchlists, alerts and unsent posts). Its installation is
   * removed in any case.
   */
  onWorkspaceGone?: (workspace: string) => Promise<unknown>;
  /** Slack's consent page for installs (default Slack's own; tests: the fake's). */
  authorizationUrl?: string;
  /** Commands, clicks and mentions answered at once (default 8); more wait, up to `maxQueued` (default 500). */
  concurrency?: number;
  maxQueued?: number;
  /** The symbols questions in plain words are read with; main.ts passes the app's. Default: the bundled manifest's. */
  symbols?: SymbolDirectory;
  /** The data's latest close (`() => market.latestClose()`): what "since june" in a question counts from. */
  asOf?: () => Promise<string>;
  /** The phrases questions are read with (the app's `lexicon`); default: compiled once, at start, from the runner's commands. */
  lexicon?: Lexicon;
  /** A symbol's prices, for days that prices decide ("at the 2022 low"): `(s) => market.series(s)`. Without it such questions ask for the day. */
  closes?: (symbol: string) => Promise<DailySeries>;
  /** Events already answered; main.ts passes one kept in the database, so retries are recognised across a restart. */
  seen?: SeenKeys;
  /** HTTP mode: when idle and unfinished connections are closed (default DEFAULT_HTTP_TIMEOUTS; tests shorten them). */
  httpTimeouts?: Partial<SlackHttpTimeouts>;
  /** Where the connection's readiness goes (/healthz); default nowhere. */
  health?: ComponentReporter;
  /** Where ack and reply latencies go (/metrics); default nowhere. */
  metrics?: LatencyObserver;
  /** What every body sent to Slack is masked with (main.ts passes the logs' registry); default: the configured Slack secrets. */
  secrets?: SecretRegistry;
}

export interface SlackAdapter {
  readonly app: App;
  readonly mode: 'socket' | 'http';
  /** HTTP mode: the URL Slack must send requests to, as bound (e.g. http://127.0.0.1:53121/slack/events). Null in Socket Mode. */
  readonly url: string | null;
  /** Posts scheduled digests and alerts (hand it to the digest service). */
  readonly poster: DigestPoster;
  /** Resolves once no command, click or mention is still being answered. */
  idle(): Promise<void>;
  /**
   * Drains, then stops: requests keep being answered while work in flight finishes (up to `drainMs`,
   * default 10 s, or until `deadline` aborts) — new work hears "I’m restarting" from the closed
   * runner — then whoever still waits is told the same, and the server closes. Resolves with how
   * many replies were abandoned.
   */
  stop(drainMs?: number, deadline?: AbortSignal): Promise<DrainReport>;
}

export const DEFAULT_PORT = 3000;
/**
 * Enough answers in flight to overlap Slack's round trips; few enough that the analysis between
 * them (≈10–20 ms each, on the main thread) never holds an ack back for long.
 */
export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_MAX_QUEUED = 500;

/**
 * A reply that is useless after a minute is not worth ten retries over half an hour (the Web API
 * client's default): retry twice, quickly.
 */
const DEFAULT_RETRY: webApi.RetryOptions = { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 3000, randomize: true };
const REQUEST_TIMEOUT_MS = 30_000;

/** What people still waiting at shutdown are told (the runner's words for a closed gate). */
const RESTARTING_TEXT = describeError(new ShuttingDownError(), '').message;
/** Time given to telling them. */
const TELL_MS = 2_000;

/** Who a bot token belongs to (auth.test), or a start-up error that says the token was refused. */
async function authTest(client: webApi.WebClient): Promise<{ teamId: string | undefined; userId: string | undefined; botId: string | undefined }> {
  try {
    const r = await client.auth.test();
    return { teamId: r.team_id, userId: r.user_id, botId: r.bot_id };
  } catch (err) {
    throw new Error(`Slack rejected the bot token or could not be reached (auth.test): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

export async function startSlack(opts: StartSlackOptions): Promise<SlackAdapter> {
  const { config, logger } = opts;
  const health = opts.health ?? NO_HEALTH;
  const token = config.SLACK_BOT_TOKEN;
  const signingSecret = config.SLACK_SIGNING_SECRET;
  const oauth = slackOAuth(config);
  if (!token && !oauth) throw new ConfigError('SLACK_BOT_TOKEN (or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET) is required to start the Slack app.');
  const socketMode = Boolean(config.SLACK_APP_TOKEN);
  if (!socketMode && !signingSecret) throw new ConfigError('SLACK_SIGNING_SECRET is required to start the Slack app in HTTP mode.');
  if (oauth && socketMode) throw new ConfigError('SLACK_APP_TOKEN must be empty when SLACK_CLIENT_ID is set: installing in many workspaces runs in HTTP mode.');
  if (oauth && !opts.installations) throw new Error('startSlack: installing in many workspaces needs an installation store (opts.installations).');

  const apiUrl = config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {};
  const secrets = opts.secrets ?? createSecretRegistry([token, signingSecret, config.SLACK_APP_TOKEN, config.SLACK_CLIENT_SECRET, config.SLACK_STATE_SECRET]);
  // maskingFetch: every body sent to Slack (Web API calls and response_url posts alike, since Bolt's
  // respond() uses the same fetch) passes through the log's secret masking.
  const clientOptions: webApi.WebClientOptions = { ...apiUrl, retryConfig: opts.retryConfig ?? DEFAULT_RETRY, timeout: REQUEST_TIMEOUT_MS, fetch: maskingFetch(secrets, fetch) };

  // With OAuth, a SLACK_BOT_TOKEN still answers its own workspace, as if installed there.
  let installations = opts.installations;
  if (oauth && installations && token) {
    const who = await authTest(new webApi.WebClient(token, { ...clientOptions, logger: boltLogger(logger) }));
    if (who.teamId) installations = withBotToken(installations, { teamId: who.teamId, token, botId: who.botId, botUserId: who.userId });
  }

  const receiver = socketMode
    ? undefined
    : new HTTPReceiver({
        signingSecret: signingSecret ?? '',
        logger: boltLogger(logger),
        endpoints: [EVENTS_PATH],
        ...(oauth && installations ? oauthReceiverOptions({ ...oauth, installations, apiUrl: config.SLACK_API_URL, ...(opts.authorizationUrl ? { authorizationUrl: opts.authorizationUrl } : {}) }) : {}),
      });
  if (receiver) receiver.requestListener = createRequestGuard({ logger }).wrap(receiver.requestListener);
  const app = new App({
    // With OAuth there is no app-wide token: Bolt's authorize reads each workspace's from the store.
    ...(oauth ? {} : { token }),
    logger: boltLogger(logger),
    clientOptions,
    // Call auth.test in init() below, so a bad token or URL stops start-up with a clear error.
    deferInitialization: true,
    ...(socketMode
      ? // Socket Mode's own client (apps.connections.open) keeps its reconnect retries; it only needs the URL.
        { socketMode: true, appToken: config.SLACK_APP_TOKEN, installerOptions: { clientOptions: { ...apiUrl, fetch: maskingFetch(secrets, fetch) } } }
      : { receiver }),
  });

  const queue = createWorkQueue({ concurrency: opts.concurrency ?? DEFAULT_CONCURRENCY, maxQueued: opts.maxQueued ?? DEFAULT_MAX_QUEUED });
  const idle = () => queue.idle();

  const delivery = { ...DEFAULT_DELIVERY, ...opts.delivery };
  const waiting = new Set<{ reply: (text: string) => Promise<void> }>();
  const store = installations;
  const commandName = slackCommandNamer(config.SLACK_COMMAND_PREFIX);
  const managers = createManagerCheck({ override: config.SLACK_ADMIN_USERS ?? [], ...(store ? { installerOf: (team: string) => store.installerOf(team) } : {}), logger });
  const deps: SlackHandlerDeps = {
    runner: opts.runner,
    renderer: opts.renderer,
    logger,
    delivery,
    queue,
    scheduler: createAckFirstScheduler(),
    canManage: opts.canManage ?? ((user, _channel, where) => managers({ user, ...where })),
    ...(opts.canManage ? {} : { managers: managers.who }),
    waiting,
    metrics: opts.metrics ?? NO_LATENCY,
    commandName,
  };
  registerCommands(app, deps);
  registerPeriodButtons(app, deps);
  registerQuestions(app, { ...deps, symbols: opts.symbols ?? createSymbolDirectory(loadManifest()), ...(opts.asOf ? { asOf: opts.asOf } : {}), ...(opts.lexicon ? { lexicon: opts.lexicon } : {}), ...(opts.closes ? { closes: opts.closes } : {}), ...(opts.seen ? { seen: opts.seen } : {}) });
  if (oauth && store) registerUninstalls(app, { installations: store, ...(opts.onWorkspaceGone ? { onWorkspaceGone: opts.onWorkspaceGone } : {}), logger });
  app.error(async (error) => {
    logger.error({ err: error, code: error.code }, 'unhandled error in a Slack listener');
  });

  try {
    await app.init();
  } catch (err) {
    throw new Error(`Slack rejected the bot token or could not be reached (auth.test): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }

  /**
   * The Web API client of a workspace's token, for scheduled posts: with one SLACK_BOT_TOKEN, the
   * app's; with OAuth, the workspace's installation (a channel set up before workspaces were
   * recorded uses SLACK_BOT_TOKEN when there is one).
   */
  const clients = new Map<string, { token: string; client: webApi.WebClient }>();
  const clientOf = async (channel: ChannelRef): Promise<webApi.WebClient> => {
    if (!oauth || !store) return app.client;
    let botToken: string | undefined;
    if (channel.workspace !== undefined) {
      try {
        botToken = (await store.fetchInstallation({ teamId: channel.workspace, enterpriseId: undefined, isEnterpriseInstall: false })).bot?.token;
      } catch (err) {
        // Not installed there (any more): no retry can help. The store itself failing is transient.
        if (err instanceof NoInstallationError) throw new PostError('permanent', `tapebot is not installed in Slack workspace ${channel.workspace}`, undefined, { cause: err });
        throw new PostError('transient', `could not read the installation of Slack workspace ${channel.workspace}`, undefined, { cause: err });
      }
    } else botToken = token;
    if (!botToken) throw new PostError('permanent', `no Slack workspace recorded for channel ${channel.id}, and no SLACK_BOT_TOKEN to post with`);
    // One client per workspace, replaced when a reinstall brings a new token.
    const key = channel.workspace ?? '';
    const kept = clients.get(key);
    if (kept?.token === botToken) return kept.client;
    const client = new webApi.WebClient(botToken, { ...clientOptions, logger: boltLogger(logger) });
    clients.set(key, { token: botToken, client });
    return client;
  };

  let url: string | null = null;
  if (socketMode) {
    await app.start();
    // Readiness for /healthz follows the Socket Mode connection (Bolt keeps its client on the receiver).
    const socket = (app as unknown as { receiver?: { client?: { on(event: string, fn: () => void): unknown } } }).receiver?.client;
    socket?.on('connected', () => health.setComponent('slack', true));
    socket?.on('reconnecting', () => health.setComponent('slack', false, 'reconnecting'));
    socket?.on('disconnected', () => health.setComponent('slack', false, 'disconnected'));
  } else {
    const port = opts.listen?.port ?? config.PORT ?? DEFAULT_PORT;
    const timeouts = { ...DEFAULT_HTTP_TIMEOUTS, ...opts.httpTimeouts };
    // node:http checks the headers and request timeouts every `connectionsCheckingInterval` (default 30 s).
    const server = await app.start({ port, ...(opts.listen?.host ? { host: opts.listen.host } : {}) }, { connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs), headersTimeout: timeouts.headersMs, requestTimeout: timeouts.requestMs });
    applyServerTimeouts(server, timeouts);
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    url = `http://${host}:${address.port}${EVENTS_PATH}`;
  }
  health.setComponent('slack', true);
  logger.info({ mode: socketMode ? 'socket' : 'http', url, commands: opts.runner.commands.map((c) => commandName(c.name)), apiUrl: config.SLACK_API_URL ?? 'default' }, 'slack app started');

  let stopping: Promise<DrainReport> | null = null;
  return {
    app,
    mode: socketMode ? 'socket' : 'http',
    url,
    poster: createSlackPoster(clientOf, { logger, delivery }),
    idle,
    stop(drainMs = 10_000, deadline) {
      stopping ??= (async () => {
        health.setComponent('slack', false, 'stopped');
        // The server keeps answering while draining: a request now is acknowledged and hears "restarting".
        const outcome = await Promise.race([idle().then(() => 'idle' as const), deadlineOf(drainMs, deadline)]);
        const abandoned = outcome === 'idle' ? 0 : waiting.size;
        if (abandoned > 0) {
          logger.warn({ abandoned, running: queue.running, waiting: queue.waiting }, 'slack replies still waiting at the end of the grace period; telling them "restarting"');
          await Promise.race([Promise.allSettled([...waiting].map((w) => w.reply(errorText(RESTARTING_TEXT)))), deadlineOf(TELL_MS)]);
        }
        await app.stop().catch((err: unknown) => logger.warn({ err }, 'slack receiver did not stop cleanly'));
        logger.info({ abandoned }, 'slack app stopped');
        return { abandoned };
      })();
      return stopping;
    },
  };
}
