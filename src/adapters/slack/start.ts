/**
 * Starts the Slack app (Bolt v5).
 *
 * - Socket Mode when SLACK_APP_TOKEN is set: Bolt opens a WebSocket to Slack; no public URL needed.
 * - HTTP mode otherwise: Bolt listens on PORT (default 3000) and takes slash commands, events and
 *   interactivity at `/slack/events`, verifying every request's signature and refusing requests
 *   stamped more than 5 minutes from the local clock, either way, and replays of one signed request
 *   (http-guard.ts) before anything runs; idle and unfinished requests are closed after seconds.
 * - SLACK_API_URL points the Web API client elsewhere (GovSlack's https://slack-gov.com/api/, or a
 *   local fake in tests). Socket Mode opens its connection with its own client, so it gets the URL too.
 */
import { App, HTTPReceiver, type webApi } from '@slack/bolt';
import type { AddressInfo } from 'node:net';
import type { ChartRenderer } from '../../charts/renderer.ts';
import type { CommandRunner } from '../../command/run.ts';
import { ConfigError, type Config } from '../../config.ts';
import type { DigestPoster } from '../../digest/poster.ts';
import { maskingFetch, type Logger } from '../../log.ts';
import { describeError, ShuttingDownError } from '../../errors.ts';
import type { DrainReport } from '../../ops/shutdown.ts';
import { deadlineOf } from '../../ops/deadline.ts';
import { errorText } from './blocks.ts';
import { NO_HEALTH, type ComponentReporter } from '../../ops/health.ts';
import { NO_LATENCY, type LatencyObserver } from '../../ops/metrics.ts';
import { DEFAULT_DELIVERY, type DeliveryOptions } from './deliver.ts';
import { createSymbolDirectory, loadManifest, type SymbolDirectory } from '../../data/symbols.ts';
import { registerCommands, registerPeriodButtons } from './handlers.ts';
import { registerQuestions } from './mentions.ts';
import { boltLogger } from './logger.ts';
import { createSlackPoster } from './poster.ts';
import { createWorkQueue } from './work-queue.ts';
import { createAckFirstScheduler } from '../ack-first.ts';
import { EVENTS_PATH, slackCommandNamer } from './manifest.ts';
import { applyServerTimeouts, createRequestGuard, DEFAULT_HTTP_TIMEOUTS, type SlackHttpTimeouts } from './http-guard.ts';
import type { SeenKeys } from '../../store/recent-keys.ts';
import { createInFlight } from '../in-flight.ts';

export type SlackConfig = Pick<Config, 'SLACK_BOT_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_APP_TOKEN' | 'SLACK_API_URL' | 'PORT'> & Partial<Pick<Config, 'SLACK_COMMAND_PREFIX'>>;

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
   * Who may change what a channel receives (digests, watchlists, alerts); default nobody. main.ts
   * passes the configured admin list.
   */
  canManage?: (userId: string, channelId: string) => boolean;
  /** Commands, clicks and mentions answered at once (default 8); more wait, up to `maxQueued` (default 500). */
  concurrency?: number;
  maxQueued?: number;
  /** The symbols questions in plain words are read with; main.ts passes the app's. Default: the bundled manifest's. */
  symbols?: SymbolDirectory;
  /** The data's latest close (`() => market.latestClose()`): what "since june" in a question counts from. */
  asOf?: () => Promise<string>;
  /** Events already answered; main.ts passes one kept in the database, so retries are recognised across a restart. */
  seen?: SeenKeys;
  /** HTTP mode: when idle and unfinished connections are closed (default DEFAULT_HTTP_TIMEOUTS; tests shorten them). */
  httpTimeouts?: Partial<SlackHttpTimeouts>;
  /** Where the connection's readiness goes (/healthz); default nowhere. */
  health?: ComponentReporter;
  /** Where ack and reply latencies go (/metrics); default nowhere. */
  metrics?: LatencyObserver;
}

export interface SlackAdapter {
  readonly app: App;
  readonly mode: 'socket' | 'http';
  /** HTTP mode: the URL Slack must send requests to, as bound (e.g. http://127.0.0.1:53121/slack/events). Null in Socket Mode. */
  readonly url: string | null;
  /** Posts scheduled digests and alerts (hand it to the digest service). */
  readonly poster: DigestPoster;
  /** Resolves once every request received so far has been handled: no command, click or mention is still being answered. */
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

export async function startSlack(opts: StartSlackOptions): Promise<SlackAdapter> {
  const { config, logger } = opts;
  const health = opts.health ?? NO_HEALTH;
  const token = config.SLACK_BOT_TOKEN;
  const signingSecret = config.SLACK_SIGNING_SECRET;
  if (!token) throw new ConfigError('SLACK_BOT_TOKEN is required to start the Slack app.');
  const socketMode = Boolean(config.SLACK_APP_TOKEN);
  if (!socketMode && !signingSecret) throw new ConfigError('SLACK_SIGNING_SECRET is required to start the Slack app in HTTP mode.');

  const apiUrl = config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {};

  const receiver = socketMode ? undefined : new HTTPReceiver({ signingSecret: signingSecret ?? '', logger: boltLogger(logger), endpoints: [EVENTS_PATH] });
  if (receiver) receiver.requestListener = createRequestGuard({ logger }).wrap(receiver.requestListener);
  const app = new App({
    token,
    logger: boltLogger(logger),
    // maskingFetch: every body sent to Slack (Web API calls and response_url posts alike, since Bolt's
    // respond() uses the same fetch) passes through the log's secret masking.
    clientOptions: { ...apiUrl, retryConfig: opts.retryConfig ?? DEFAULT_RETRY, timeout: REQUEST_TIMEOUT_MS, fetch: maskingFetch(fetch) },
    // Call auth.test in init() below, so a bad token or URL stops start-up with a clear error.
    deferInitialization: true,
    ...(socketMode
      ? // Socket Mode's own client (apps.connections.open) keeps its reconnect retries; it only needs the URL.
        { socketMode: true, appToken: config.SLACK_APP_TOKEN, installerOptions: { clientOptions: { ...apiUrl, fetch: maskingFetch(fetch) } } }
      : { receiver }),
  });

  const queue = createWorkQueue({ concurrency: opts.concurrency ?? DEFAULT_CONCURRENCY, maxQueued: opts.maxQueued ?? DEFAULT_MAX_QUEUED });
  // Every request Bolt dispatches (HTTP or Socket Mode) is followed from the moment it is verified, before
  // its acknowledgement goes out, until its listeners return — their work on the queue included. An event
  // is acknowledged before its listener even starts, so the queue alone cannot say when nothing is left.
  const work = createInFlight();
  const processEvent = app.processEvent.bind(app);
  app.processEvent = (event) => work.track(processEvent(event));
  const idle = async () => {
    await work.idle();
    await queue.idle();
  };

  const delivery = { ...DEFAULT_DELIVERY, ...opts.delivery };
  const waiting = new Set<{ reply: (text: string) => Promise<void> }>();
  const deps = { runner: opts.runner, renderer: opts.renderer, logger, delivery, queue, scheduler: createAckFirstScheduler(), canManage: opts.canManage ?? (() => false), waiting, metrics: opts.metrics ?? NO_LATENCY, commandName: slackCommandNamer(config.SLACK_COMMAND_PREFIX) };
  registerCommands(app, deps);
  registerPeriodButtons(app, deps);
  registerQuestions(app, { ...deps, symbols: opts.symbols ?? createSymbolDirectory(loadManifest()), ...(opts.asOf ? { asOf: opts.asOf } : {}), ...(opts.seen ? { seen: opts.seen } : {}) });
  app.error(async (error) => {
    logger.error({ err: error, code: error.code }, 'unhandled error in a Slack listener');
  });

  try {
    await app.init();
  } catch (err) {
    throw new Error(`Slack rejected the bot token or could not be reached (auth.test): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }

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
  logger.info({ mode: socketMode ? 'socket' : 'http', url, commands: opts.runner.commands.map((c) => deps.commandName(c.name)), apiUrl: config.SLACK_API_URL ?? 'default' }, 'slack app started');

  let stopping: Promise<DrainReport> | null = null;
  return {
    app,
    mode: socketMode ? 'socket' : 'http',
    url,
    poster: createSlackPoster(app.client, { logger, delivery }),
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
