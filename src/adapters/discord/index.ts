/**
 * The Discord adapter: a gateway client that turns slash commands, period-button clicks and
 * autocomplete requests into runs of the shared command runner (see interactions.ts).
 *
 *   const discord = await startDiscord({ config, runner, renderer, logger, symbols });
 *   …
 *   await discord.stop();
 *
 * Commands are registered separately (`npm run register`, scripts/register.ts), not at start-up:
 * registration is a deliberate, rate-limited change to what every server sees.
 */
import { once } from 'node:events';
import { Events, type Client, type Interaction } from 'discord.js';
import type { ChartRenderer } from '../../charts/renderer.ts';
import type { CommandRunner } from '../../command/run.ts';
import type { Config } from '../../config.ts';
import type { SymbolDirectory } from '../../data/symbols.ts';
import type { Logger } from '../../log.ts';
import { createDiscordClient } from './client.ts';
import { createInteractionHandler } from './interactions.ts';

export { buildCommandPayloads, registerCommands } from './registration.ts';
export { createDiscordRest } from './client.ts';

export interface DiscordDeps {
  config: Pick<Config, 'DISCORD_TOKEN' | 'DISCORD_API_URL'>;
  runner: CommandRunner;
  renderer: ChartRenderer;
  logger: Logger;
  symbols: SymbolDirectory;
}

export interface DiscordAdapter {
  readonly client: Client<true>;
  /** Stops taking interactions, lets the ones in flight finish (up to `graceMs`), then disconnects. */
  stop(graceMs?: number): Promise<void>;
}

/** How long start-up waits for the gateway's READY before giving up. */
const READY_TIMEOUT_MS = 30_000;
/** Default time `stop()` gives interactions in flight to post their final reply. */
const STOP_GRACE_MS = 10_000;

/**
 * Logs in and resolves once the gateway session is ready. Rejects (after destroying the client)
 * when the token is missing or refused or READY does not come.
 */
export async function startDiscord(deps: DiscordDeps): Promise<DiscordAdapter> {
  const { config, logger } = deps;
  const token = config.DISCORD_TOKEN;
  if (!token) throw new Error('startDiscord: DISCORD_TOKEN is not set');

  const client = createDiscordClient({ apiUrl: config.DISCORD_API_URL });
  const handle = createInteractionHandler(deps);
  const inFlight = new Set<Promise<void>>();
  let accepting = true;

  client.on(Events.InteractionCreate, (interaction: Interaction) => {
    if (!accepting) return;
    const p = handle(interaction).finally(() => inFlight.delete(p));
    inFlight.add(p);
  });
  client.on(Events.Error, (err) => logger.error({ err, adapter: 'discord' }, 'discord client error'));
  client.on(Events.Warn, (message) => logger.warn({ adapter: 'discord', message }, 'discord client warning'));
  client.on(Events.ShardDisconnect, (event, shard) => logger.warn({ adapter: 'discord', shard, code: event.code }, 'discord gateway disconnected'));
  client.on(Events.ShardReconnecting, (shard) => logger.info({ adapter: 'discord', shard }, 'discord gateway reconnecting'));
  client.on(Events.ShardResume, (shard, replayed) => logger.info({ adapter: 'discord', shard, replayed }, 'discord gateway resumed'));

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

  let stopped: Promise<void> | null = null;
  return {
    client: readyClient,
    stop(graceMs = STOP_GRACE_MS) {
      stopped ??= (async () => {
        accepting = false;
        if (inFlight.size > 0) {
          let t: NodeJS.Timeout | undefined;
          const grace = new Promise<void>((resolve) => {
            t = setTimeout(resolve, graceMs);
          });
          await Promise.race([Promise.allSettled([...inFlight]), grace]);
          clearTimeout(t);
        }
        await client.destroy();
        logger.info({ adapter: 'discord' }, 'discord disconnected');
      })();
      return stopped;
    },
  };
}
