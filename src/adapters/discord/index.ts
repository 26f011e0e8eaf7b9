/**
 * The Discord adapter: a gateway client that turns slash commands, period-button clicks and
 * autocomplete requests into runs of the shared command runner (see interactions.ts), and questions
 * in plain words — "@tapebot …" in a server, anything in a DM — into the command they read as
 * (see mentions.ts).
 *
 *   const discord = await startDiscord({ config, runner, renderer, logger, symbols, asOf });
 *   …
 *   await discord.stop();
 *
 * Commands are registered separately (`npm run register`, scripts/register.ts), not at start-up:
 * registration is a deliberate, rate-limited change to what every server sees.
 */
import { once } from 'node:events';
import { Events, type Client, type Interaction, type Message } from 'discord.js';
import type { ChartRenderer } from '../../charts/renderer.ts';
import type { CommandRunner } from '../../command/run.ts';
import type { Config } from '../../config.ts';
import type { DigestPoster } from '../../digest/poster.ts';
import type { SymbolDirectory } from '../../data/symbols.ts';
import { createSecretRegistry, type Logger, type SecretRegistry } from '../../log.ts';
import { NO_HEALTH, type ComponentReporter } from '../../ops/health.ts';
import type { LatencyObserver } from '../../ops/metrics.ts';
import { createDiscordClient } from './client.ts';
import { createInteractionHandler, tellRestarting } from './interactions.ts';
import { createMessageHandler, RESTARTING_REACTION } from './mentions.ts';
import type { DrainReport } from '../../ops/shutdown.ts';
import { deadlineOf } from '../../ops/deadline.ts';
import { createDiscordPoster } from './poster.ts';
import { createAckFirstScheduler } from '../ack-first.ts';
import type { SymbolLookup } from '../../data/symbol-lookup.ts';
import type { Lexicon } from '../../ask/lexicon.ts';
import type { DailySeries } from '../../core/series.ts';

export { buildCommandPayloads, registerCommands } from './registration.ts';
export { createDiscordRest } from './client.ts';

export interface DiscordDeps {
  config: Pick<Config, 'DISCORD_TOKEN' | 'DISCORD_API_URL'> & Partial<Pick<Config, 'DISCORD_DIGEST_ROLE_ID' | 'SHARD_COUNT' | 'SHARD_IDS'>>;
  runner: CommandRunner;
  renderer: ChartRenderer;
  logger: Logger;
  symbols: SymbolDirectory;
  /** The data's latest close (`() => market.latestClose()`): what "since june" in a question counts from. */
  asOf?: () => Promise<string>;
  /** The phrases questions are read with (the app's `lexicon`); default: compiled once, at start, from the runner's commands. */
  lexicon?: Lexicon;
  /** A symbol's prices, for days that prices decide ("at the 2022 low"): `(s) => market.series(s)`. Without it such questions ask for the day. */
  closes?: (symbol: string) => Promise<DailySeries>;
  /** With a live provider: symbol search for autocomplete beyond the bundled list. */
  lookup?: SymbolLookup | undefined;
  /** Where the gateway connection's readiness goes (/healthz); default nowhere. */
  health?: ComponentReporter;
  /** Where ack and reply latencies go (/metrics); default nowhere. */
  metrics?: LatencyObserver;
  /** What every body sent to Discord is masked with (main.ts passes the logs' registry); default: the bot token. */
  secrets?: SecretRegistry;
}

export interface DiscordAdapter {
  readonly client: Client<true>;
  /** Posts scheduled digests and alerts (hand it to the digest service). */
  readonly poster: DigestPoster;
  /**
   * Drains, then disconnects: interactions and questions keep being handled while the ones in flight
   * finish (up to `graceMs`, or until `deadline` aborts) — new ones hear "I’m restarting" from the
   * closed runner (an ephemeral reply; a reaction on a question) — then whoever still waits is told
   * the same. Resolves with how many replies were abandoned.
   */
  stop(graceMs?: number, deadline?: AbortSignal): Promise<DrainReport>;
}

/** How long start-up waits for the gateway's READY before giving up. */
const READY_TIMEOUT_MS = 30_000;
/** Default time `stop()` gives interactions in flight to post their final reply. */
const STOP_GRACE_MS = 10_000;
/** Time given to telling the people still waiting at shutdown. */
const TELL_MS = 2_000;

/**
 * Logs in and resolves once the gateway session is ready. Rejects (after destroying the client)
 * when the token is missing or refused or READY does not come.
 */
export async function startDiscord(deps: DiscordDeps): Promise<DiscordAdapter> {
  const { config, logger } = deps;
  const health = deps.health ?? NO_HEALTH;
  const token = config.DISCORD_TOKEN;
  if (!token) throw new Error('startDiscord: DISCORD_TOKEN is not set');

  const client = createDiscordClient({ apiUrl: config.DISCORD_API_URL, secrets: deps.secrets ?? createSecretRegistry([token]), ...(config.SHARD_COUNT !== undefined ? { shardCount: config.SHARD_COUNT } : {}), ...(config.SHARD_IDS ? { shards: config.SHARD_IDS } : {}) });
  // One scheduler for both: a question's work waits while slash commands are being acknowledged.
  const scheduler = createAckFirstScheduler();
  const handle = createInteractionHandler({ ...deps, scheduler, digestRoleId: config.DISCORD_DIGEST_ROLE_ID });
  const handleMessage = createMessageHandler({ ...deps, scheduler });
  /** Work in flight → how to tell its person that tapebot is restarting, should the grace period end first. */
  const inFlight = new Map<Promise<void>, () => Promise<void>>();
  let accepting = true;
  let draining = false;
  const track = (p: Promise<void>, tell: () => Promise<void>): void => {
    const tracked = p.finally(() => inFlight.delete(tracked));
    inFlight.set(tracked, tell);
  };

  client.on(Events.InteractionCreate, (interaction: Interaction) => {
    if (!accepting) return;
    track(handle(interaction), () => tellRestarting(interaction, logger));
  });
  client.on(Events.MessageCreate, (message: Message) => {
    if (!accepting) return;
    track(handleMessage(message), async () => {
      await message.react(RESTARTING_REACTION).catch((err: unknown) => logger.info({ adapter: 'discord', err }, 'could not react to a question at shutdown'));
    });
  });
  client.on(Events.Error, (err) => logger.error({ err, adapter: 'discord' }, 'discord client error'));
  client.on(Events.Warn, (message) => logger.warn({ adapter: 'discord', message }, 'discord client warning'));
  client.on(Events.ShardDisconnect, (event, shard) => logger.warn({ adapter: 'discord', shard, code: event.code }, 'discord gateway disconnected'));
  client.on(Events.ShardReconnecting, (shard) => logger.info({ adapter: 'discord', shard }, 'discord gateway reconnecting'));
  client.on(Events.ShardResume, (shard, replayed) => logger.info({ adapter: 'discord', shard, replayed }, 'discord gateway resumed'));
  // Readiness for /healthz follows the gateway session (until stop(), which says "stopped").
  const setReady = (up: boolean, detail?: string) => {
    if (accepting && !draining) health.setComponent('discord', up, detail);
  };
  client.on(Events.ShardReady, () => setReady(true));
  client.on(Events.ShardResume, () => setReady(true));
  client.on(Events.ShardDisconnect, () => setReady(false, 'disconnected'));
  client.on(Events.ShardReconnecting, () => setReady(false, 'reconnecting'));

  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), READY_TIMEOUT_MS);
  try {
    const ready = once(client, Events.ClientReady, { signal: ac.signal });
    await client.login(token);
    await ready;
  } catch (err) {
    await client.destroy();
    if (ac.signal.aborted) throw new Error(`Discord did not report ready within ${READY_TIMEOUT_MS / 1000} s`, { cause: err });
    throw err;
  } finally {
    clearTimeout(timer);
  }
  const readyClient = client as Client<true>;
  logger.info({ adapter: 'discord', user: readyClient.user.tag, application: readyClient.application.id, guilds: readyClient.guilds.cache.size }, 'discord connected');

  let stopped: Promise<DrainReport> | null = null;
  return {
    client: readyClient,
    poster: createDiscordPoster(readyClient.rest),
    stop(graceMs = STOP_GRACE_MS, deadline) {
      stopped ??= (async () => {
        draining = true;
        health.setComponent('discord', false, 'stopped');
        // Still listening: what arrives now is refused by the closed runner, in private.
        const end = deadlineOf(graceMs, deadline);
        let over = false;
        void end.then(() => (over = true));
        while (inFlight.size > 0 && !over) await Promise.race([Promise.allSettled([...inFlight.keys()]), end]);
        accepting = false;
        const abandoned = inFlight.size;
        if (abandoned > 0) {
          logger.warn({ adapter: 'discord', abandoned }, 'discord replies still waiting at the end of the grace period; telling them "restarting"');
          await Promise.race([Promise.allSettled([...inFlight.values()].map((tell) => tell())), deadlineOf(TELL_MS)]);
        }
        await client.destroy();
        logger.info({ adapter: 'discord', abandoned }, 'discord disconnected');
        return { abandoned };
      })();
      return stopped;
    },
  };
}
