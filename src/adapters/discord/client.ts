/**
 * How tapebot talks to Discord: one place that builds the REST client and the gateway client, so
 * the bot and `npm run register` share the API override and the upload workaround below.
 */
import { Client, GatewayIntentBits, Partials, REST, type RESTOptions } from 'discord.js';
import { createSecretRegistry, maskingFetch, type SecretRegistry } from '../../log.ts';

/**
 * REST options for every Discord client tapebot builds.
 *
 * `makeRequest: fetch` — discord.js's default strategy hands a FormData built by Node's global
 * undici to the separately installed `undici` package; when another library (@slack/bolt) shares
 * the process, that mix fails file uploads inside undici with "action is not a function"
 * (discord.js issues #10946, #11525). Node's own fetch and FormData always match. It is wrapped in
 * `maskingFetch`: every body sent to Discord passes through the secret masking of `secrets` (the
 * logs' registry; by default one holding the bot token).
 *
 * `api` — DISCORD_API_URL overrides the REST base (a proxy, or the fake Discord in the tests),
 * written like Discord's own: `https://discord.com/api` (the version is appended).
 */
export function discordRestOptions(apiUrl: string | undefined, secrets: SecretRegistry): Partial<RESTOptions> {
  return {
    makeRequest: maskingFetch(secrets, fetch) as unknown as RESTOptions['makeRequest'],
    ...(apiUrl ? { api: apiUrl.replace(/\/+$/, '') } : {}),
  };
}

/** A REST client with the bot token set, for registration and other one-off calls. */
export function createDiscordRest(o: { token: string; apiUrl?: string | undefined; secrets?: SecretRegistry }): REST {
  return new REST(discordRestOptions(o.apiUrl, o.secrets ?? createSecretRegistry([o.token]))).setToken(o.token);
}

/**
 * The gateway client. Only non-privileged intents: Guilds (the server and its channels, which
 * messages and threads need), GuildMessages and DirectMessages (questions: "@tapebot …" and DMs,
 * mentions.ts). Interactions arrive regardless of intents. Without the privileged MessageContent
 * intent Discord still sends the content of DMs and of messages that mention the bot — the only
 * ones tapebot reads. `Partials.Channel`: a DM channel is not cached before its first message, and
 * discord.js drops messages in uncached channels otherwise. No mention in a reply ever pings anyone
 * (`allowedMentions: { parse: [] }`), whatever a person typed.
 */
/**
 * `shards`: which of `shardCount` gateway shards this process runs (SHARD_IDS of SHARD_COUNT). Each
 * identifies with `shard: [id, count]` and Discord sends it the events of the servers whose
 * `(guild_id >> 22) % count` is its id (DMs to shard 0); one process runs several over one client.
 */
export function createDiscordClient(o: { apiUrl?: string | undefined; shards?: readonly number[]; shardCount?: number; secrets: SecretRegistry }): Client {
  return new Client({
    ...(o.shardCount !== undefined && o.shardCount > 1 ? { shards: [...(o.shards ?? Array.from({ length: o.shardCount }, (_, i) => i))], shardCount: o.shardCount } : {}),
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages],
    partials: [Partials.Channel],
    rest: discordRestOptions(o.apiUrl, o.secrets),
    allowedMentions: { parse: [] },
  });
}
