/**
 * A small fake Discord for tests and benchmarks: the REST API under `/api/v10` and a gateway
 * WebSocket on the same port, speaking the real v10 pieces a bot meets — HELLO, IDENTIFY → READY,
 * heartbeats, INTERACTION_CREATE dispatches, interaction callbacks, and the webhook routes that edit,
 * delete and follow up an interaction's messages. For messages people write: GUILD_CREATE for the one
 * test server after READY, MESSAGE_CREATE dispatches (held to the intents the client identified with),
 * and the channel routes a bot answers them with — create message, start a thread from a message,
 * typing indicator. Point the real discord.js client at it with
 * DISCORD_API_URL=`fake.apiUrl`; the gateway URL comes from `GET /gateway/bot` as with Discord.
 *
 * It records everything the bot sends, with arrival times (`performance.now()`, the same clock as the
 * test), keeps the messages the bot creates the way Discord would, and enforces the rules a real bot
 * is held to — the 3-second acknowledgement deadline, one acknowledgement per interaction, callback
 * types valid for the interaction type, and Discord's message, embed, component and autocomplete
 * limits. A violation gets Discord's error status and body, and is also listed in `problems`, so a
 * test can assert that nothing the bot sent would have been refused.
 *
 * Payload shapes follow Discord's developer docs (Interaction object, Interaction Response, Gateway
 * events) and are type-checked against discord-api-types through discord.js's re-exports.
 *
 * Uncompressed JSON only: discord.js asks for `compress=zlib-stream` only when zlib-sync is
 * installed (it is not); `encoding=etf` is refused with close code 4002 (decode error).
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  ApplicationCommandType,
  ChannelType,
  ComponentType,
  InteractionContextType,
  InteractionType,
  Locale,
  MessageType,
  type APIBaseInteraction,
  type APIApplicationCommandAutocompleteInteraction,
  type APIApplicationCommandInteractionDataBasicOption,
  type APIAttachment,
  type APIChatInputApplicationCommandInteraction,
  type APIEmbed,
  type APIInteraction,
  type APIMessage,
  type APIMessageComponentButtonInteraction,
  type APIUser,
  type ApplicationFlags,
  type GuildMemberFlags,
  type GatewayReadyDispatchData,
  type APIGuildMember,
  type APIPublicThreadChannel,
  type APITextChannel,
  type GatewayGuildCreateDispatchData,
  type GatewayMessageCreateDispatchData,
  type MessageFlags,
  type ChannelFlags,
  type ThreadMemberFlags,
  type RoleFlags,
  type GuildSystemChannelFlags,
} from 'discord.js';

/** Where an interaction happens and who sends it: everything but its id, token, type and data. */
type InteractionContext = Omit<APIBaseInteraction<InteractionType, unknown>, 'id' | 'token' | 'type' | 'data' | 'message'> &
  Required<Pick<APIBaseInteraction<InteractionType, unknown>, 'channel' | 'channel_id'>>;

/** Discord's epoch for snowflakes (2015-01-01T00:00:00Z). */
const DISCORD_EPOCH = 1420070400000n;
let increment = 0n;
/** A real-looking 19-digit snowflake: milliseconds since Discord's epoch, shifted, plus a counter. */
export function snowflake(): string {
  increment = (increment + 1n) % 4096n;
  return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | increment).toString();
}

export const INTERACTION_TYPE = { Ping: 1, ApplicationCommand: 2, MessageComponent: 3, Autocomplete: 4, ModalSubmit: 5 } as const;
export const CALLBACK_TYPE = { Pong: 1, ChannelMessage: 4, DeferredChannelMessage: 5, DeferredUpdateMessage: 6, UpdateMessage: 7, AutocompleteResult: 8, Modal: 9 } as const;
export const MESSAGE_FLAGS = { Ephemeral: 1 << 6, Loading: 1 << 7 } as const;
/** Gateway intents that decide which MESSAGE_CREATE a session gets, and with what content (Gateway docs, "List of Intents"). */
export const INTENTS = { Guilds: 1 << 0, GuildMessages: 1 << 9, DirectMessages: 1 << 12, MessageContent: 1 << 15 } as const;
/** Permission bit CREATE_PUBLIC_THREADS (Permissions docs). */
const CREATE_PUBLIC_THREADS = 1n << 35n;
const SEND_MESSAGES_IN_THREADS = 1n << 38n;
/** Permission bit MANAGE_CHANNELS (Permissions docs); @everyone's permissions in the test server lack it. */
export const MANAGE_CHANNELS = 1n << 4n;
/** @everyone's permissions in the test server, and a member's in an interaction unless the test says otherwise. */
export const EVERYONE_PERMISSIONS = 2248473465835073n;
/** How long a nonce sent with `enforce_nonce: true` returns the message it first created (Discord: "the past few minutes"). */
export const NONCE_WINDOW_MS = 5 * 60_000;

/** Who sends an interaction in the server channel: their roles and their permissions in the channel. */
export interface InteractionMember {
  roles?: string[];
  permissions?: bigint;
  /** The bot's own permissions in the channel (`app_permissions`); default: everything it asks for. */
  appPermissions?: bigint;
}

export interface UserMessageOptions {
  /** In the DM channel with the bot instead of a server channel. */
  dm?: boolean;
  /** A server channel other than `channelId` (e.g. `noThreadsChannelId`). */
  channelId?: string;
  /** Who writes it (default `person`); a bot author sets `bot: true`. */
  author?: APIUser;
}

export interface RecordedFile {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface RecordedRequest {
  /** When the request's headers arrived (performance.now()). */
  at: number;
  method: string;
  /** Path after `/api/v10`, without the query, e.g. `/interactions/123/abc/callback`. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** The JSON body, or a multipart request's `payload_json`, parsed. */
  json: unknown;
  multipart: boolean;
  files: RecordedFile[];
  status: number;
}

export interface GatewayFrame {
  at: number;
  direction: 'received' | 'sent';
  op: number;
  t?: string | null;
  d: unknown;
  /** The [shard_id, num_shards] of the session it went to or came from, once it identified. */
  shard?: [number, number];
}

export interface DispatchedInteraction {
  id: string;
  token: string;
  payload: APIInteraction;
  dispatchedAt: number;
}

interface InteractionState {
  payload: APIInteraction;
  dispatchedAt: number;
  ackedWith?: number;
  /** The message `@original` refers to: the response for commands, the clicked message for components. */
  originalId?: string;
  followUpIds: string[];
}

interface RegisteredCommand {
  id: string;
  name: string;
  options?: { name: string; type: number; required?: boolean; choices?: { value: string | number }[]; autocomplete?: boolean; max_length?: number }[];
  [key: string]: unknown;
}

export interface FakeDiscordOptions {
  token?: string;
  /** Heartbeat interval announced in HELLO (Discord uses 41250 ms). */
  heartbeatIntervalMs?: number;
  /** How long an interaction may wait for its acknowledgement (Discord: 3 s). */
  ackDeadlineMs?: number;
  /** The test server's id (a snowflake); pick one to land it on a given shard: `(id >> 22) % count`. */
  guildId?: string;
  /** The shard count GET /gateway/bot recommends (default 1). */
  recommendedShards?: number;
  /**
   * A second server, with one text channel (`secondChannelId`), for tests that need servers on
   * different shards; its commands must be registered globally. Default: none.
   */
  secondGuildId?: string;
}

/**
 * Which shard of `count` receives a guild's events, as Discord routes them: `(guild_id >> 22) % count`
 * (the snowflake's timestamp bits). DMs, which have no guild, go to shard 0.
 */
export function shardOf(guildId: string | undefined, count: number): number {
  if (guildId === undefined) return 0;
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

const json = (res: ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

/** Width and height from a PNG's IHDR chunk, or null when the bytes are not a PNG. */
export function pngSize(data: Buffer): { width: number; height: number } | null {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (data.length < 24 || !data.subarray(0, 8).equals(signature) || data.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: { message: string; code: number; errors?: unknown },
  ) {
    super(body.message);
  }
}

export class FakeDiscord {
  readonly token: string;
  readonly applicationId = snowflake();
  readonly guildId: string;
  readonly channelId = snowflake();
  /** The second server (FakeDiscordOptions.secondGuildId) and its one text channel. */
  readonly secondGuildId: string | undefined;
  readonly secondChannelId = snowflake();
  readonly dmChannelId = snowflake();
  /** A server text channel where @everyone may not create public threads (the bot must reply instead). */
  readonly noThreadsChannelId = snowflake();
  /** A server text channel where @everyone may start public threads but not post in them. */
  readonly noThreadSendChannelId = snowflake();
  /** A role of the test server with no permissions of its own (e.g. the digest role, DISCORD_DIGEST_ROLE_ID). */
  readonly extraRoleId = snowflake();
  readonly botUser: APIUser;
  readonly person: APIUser;
  /** Every REST request, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** Every gateway frame in either direction. */
  readonly gateway: GatewayFrame[] = [];
  /** What Discord would have refused, in words. */
  readonly problems: string[] = [];
  /** Registered commands: 'global' or a guild id → the commands of the last bulk overwrite. */
  readonly registered = new Map<string, RegisteredCommand[]>();
  readonly messages = new Map<string, APIMessage & { deleted?: boolean }>();
  /** Threads created from messages (a thread's id is its starter message's id). */
  readonly threads = new Map<string, APIPublicThreadChannel>();
  /** The server's text channels, as GUILD_CREATE lists them. */
  readonly textChannels: APITextChannel[];
  /** The intents of the last IDENTIFY. */
  intents = 0;

  private readonly interactions = new Map<string, InteractionState>();
  /** Nonces of the bot's channel messages → the message created and when (enforce_nonce). */
  private readonly nonces = new Map<string, { id: string; at: number }>();
  private readonly byToken = new Map<string, string>();
  private readonly sockets = new Set<WebSocket>();
  private readonly identified = new Set<WebSocket>();
  /** Each identified session's [shard_id, num_shards] (IDENTIFY's `shard`; [0, 1] without one). */
  private readonly shards = new Map<WebSocket, [number, number]>();
  private readonly recommendedShards: number;
  /** Session id → its shard, so a RESUME keeps the shard it identified with. */
  private readonly sessionShards = new Map<string, [number, number]>();
  private seq = 0;
  private readyWaiters: (() => void)[] = [];
  private requestWaiters: { match: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void }[] = [];
  private port = 0;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly heartbeatIntervalMs: number;
  private readonly ackDeadlineMs: number;

  private constructor(opts: FakeDiscordOptions) {
    this.guildId = opts.guildId ?? snowflake();
    this.secondGuildId = opts.secondGuildId;
    this.recommendedShards = opts.recommendedShards ?? 1;
    this.token = opts.token ?? `${Buffer.from(this.applicationId).toString('base64url')}.fake.${randomBytes(20).toString('base64url')}`;
    this.heartbeatIntervalMs = opts.heartbeatIntervalMs ?? 41250;
    this.ackDeadlineMs = opts.ackDeadlineMs ?? 3000;
    this.botUser = { id: this.applicationId, username: 'tapebot', discriminator: '0000', global_name: null, avatar: null, bot: true };
    this.person = { id: snowflake(), username: 'trader', discriminator: '0', global_name: 'Trader', avatar: null };
    const text = (id: string, name: string, position: number, deny = 0n): APITextChannel => ({
      id,
      type: ChannelType.GuildText,
      guild_id: this.guildId,
      name,
      position,
      nsfw: false,
      parent_id: null,
      rate_limit_per_user: 0,
      topic: null,
      last_message_id: null,
      // The @everyone role's id is the guild's id.
      permission_overwrites: deny === 0n ? [] : [{ id: this.guildId, type: 0, allow: '0', deny: deny.toString() }],
    });
    this.textChannels = [
      text(this.channelId, 'markets', 0),
      text(this.noThreadsChannelId, 'no-threads', 1, CREATE_PUBLIC_THREADS),
      text(this.noThreadSendChannelId, 'no-thread-send', 2, SEND_MESSAGES_IN_THREADS),
    ];
    this.http = createServer((req, res) => void this.onHttp(req, res));
    this.wss = new WebSocketServer({ server: this.http });
    this.wss.on('connection', (ws, req) => this.onSocket(ws, req));
  }

  static async start(opts: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(opts);
    fake.http.listen(0, '127.0.0.1');
    await once(fake.http, 'listening');
    fake.port = (fake.http.address() as AddressInfo).port;
    return fake;
  }

  /** What DISCORD_API_URL should be: Discord's is https://discord.com/api. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Resolves once a client has identified and received READY. */
  whenIdentified(): Promise<void> {
    if (this.identified.size > 0) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  // ---------------------------------------------------------------- gateway

  private send(ws: WebSocket, payload: { op: number; d: unknown; s?: number | null; t?: string | null }): void {
    const shard = this.shards.get(ws);
    this.gateway.push({ at: performance.now(), direction: 'sent', op: payload.op, t: payload.t ?? null, d: payload.d, ...(shard ? { shard } : {}) });
    ws.send(JSON.stringify({ s: null, t: null, ...payload }));
  }

  private onSocket(ws: WebSocket, req: IncomingMessage): void {
    this.sockets.add(ws);
    ws.on('close', () => {
      this.sockets.delete(ws);
      this.identified.delete(ws);
      this.shards.delete(ws);
    });
    const query = new URL(req.url ?? '/', this.gatewayUrl).searchParams;
    if (query.get('v') !== '10') this.problems.push(`gateway connected with v=${query.get('v')}, expected 10`);
    if ((query.get('encoding') ?? 'json') !== 'json') {
      ws.close(4002, 'Only encoding=json is supported by the fake');
      return;
    }
    if (query.has('compress')) this.problems.push(`gateway asked for compress=${query.get('compress')}; the fake sends plain JSON`);
    ws.on('message', (raw, isBinary) => {
      if (isBinary) {
        ws.close(4002, 'Decode error: expected JSON text frames');
        return;
      }
      let frame: { op: number; d: unknown };
      try {
        frame = JSON.parse(raw.toString()) as { op: number; d: unknown };
      } catch {
        ws.close(4002, 'Decode error');
        return;
      }
      this.gateway.push({ at: performance.now(), direction: 'received', op: frame.op, d: frame.d });
      this.onFrame(ws, frame);
    });
    this.send(ws, { op: 10, d: { heartbeat_interval: this.heartbeatIntervalMs } });
  }

  private onFrame(ws: WebSocket, frame: { op: number; d: unknown }): void {
    switch (frame.op) {
      case 1: // heartbeat
        this.send(ws, { op: 11, d: null });
        return;
      case 2: {
        // identify
        const d = frame.d as { token?: string; intents?: number; properties?: unknown; shard?: unknown };
        if (d.token !== this.token) {
          ws.close(4004, 'Authentication failed.');
          return;
        }
        if (typeof d.intents !== 'number') {
          ws.close(4013, 'Invalid intent(s).');
          return;
        }
        // IDENTIFY's shard is [shard_id, num_shards], 0 <= shard_id < num_shards; without one, [0, 1].
        const shard = d.shard ?? [0, 1];
        if (!Array.isArray(shard) || shard.length !== 2 || !shard.every((x) => Number.isInteger(x)) || !(shard[0] >= 0 && shard[0] < shard[1])) {
          ws.close(4010, 'Invalid shard.');
          return;
        }
        const [shardId, shardCount] = shard as [number, number];
        const ours = [this.guildId, ...(this.secondGuildId !== undefined ? [this.secondGuildId] : [])].filter((g) => shardOf(g, shardCount) === shardId);
        this.shards.set(ws, [shardId, shardCount]);
        const ready: GatewayReadyDispatchData = {
          v: 10,
          user: this.botUser,
          // As Discord does: the shard's guilds unavailable in READY, then one GUILD_CREATE each.
          guilds: ours.map((id) => ({ id, unavailable: true })),
          session_id: randomBytes(16).toString('hex'),
          resume_gateway_url: this.gatewayUrl,
          shard: [shardId, shardCount],
          application: { id: this.applicationId, flags: 0 as ApplicationFlags, flags_new: '0' },
        };
        this.intents = d.intents;
        this.sessionShards.set(ready.session_id, [shardId, shardCount]);
        this.send(ws, { op: 0, s: ++this.seq, t: 'READY', d: ready });
        for (const g of ours) this.send(ws, { op: 0, s: ++this.seq, t: 'GUILD_CREATE', d: this.guildCreate(g) });
        this.identified.add(ws);
        for (const w of this.readyWaiters.splice(0)) w();
        return;
      }
      case 6: {
        // resume: the session keeps the shard it identified with
        const shard = this.sessionShards.get(String((frame.d as { session_id?: unknown } | null)?.session_id));
        if (shard) this.shards.set(ws, shard);
        this.send(ws, { op: 0, s: ++this.seq, t: 'RESUMED', d: {} });
        this.identified.add(ws);
        return;
      }
      default:
        return; // presence updates and the like: recorded, nothing to answer
    }
  }

  /** The open sessions that receive a guild's events (or a DM's, `guildId` undefined): those of its shard. */
  private sessionsFor(guildId: string | undefined): WebSocket[] {
    return [...this.identified].filter((ws) => {
      const [id, count] = this.shards.get(ws) ?? [0, 1];
      return ws.readyState === ws.OPEN && shardOf(guildId, count) === id;
    });
  }

  /** The [shard_id, num_shards] of every identified session. */
  identifiedShards(): [number, number][] {
    return [...this.identified].map((ws) => this.shards.get(ws) ?? [0, 1]);
  }

  /** Sends INTERACTION_CREATE to the identified sessions of its guild's shard and starts the acknowledgement clock. */
  dispatchInteraction(payload: APIInteraction): DispatchedInteraction {
    if (this.identified.size === 0) throw new Error('fake discord: no identified gateway session to dispatch to');
    const dispatchedAt = performance.now();
    this.interactions.set(payload.id, { payload, dispatchedAt, followUpIds: [] });
    this.byToken.set(payload.token, payload.id);
    for (const ws of this.sessionsFor(payload.guild_id)) this.send(ws, { op: 0, s: ++this.seq, t: 'INTERACTION_CREATE', d: payload });
    return { id: payload.id, token: payload.token, payload, dispatchedAt };
  }

  /**
   * Sends MESSAGE_CREATE the way Discord decides who gets it: a server message only to sessions with
   * GUILD_MESSAGES, a DM only with DIRECT_MESSAGES, and without MESSAGE_CONTENT the content (and
   * embeds, attachments) empty unless the bot wrote it, it is a DM, or it mentions the bot.
   * Returns false when the session's intents kept the message from it.
   */
  dispatchMessage(message: GatewayMessageCreateDispatchData): boolean {
    this.messages.set(message.id, { ...message } as APIMessage);
    const needed = message.guild_id === undefined ? INTENTS.DirectMessages : INTENTS.GuildMessages;
    if ((this.intents & needed) === 0) return false;
    const readable =
      (this.intents & INTENTS.MessageContent) !== 0 || message.guild_id === undefined || message.author.id === this.botUser.id || message.mentions.some((u) => u.id === this.botUser.id);
    const d = readable ? message : { ...message, content: '', embeds: [], attachments: [], components: [] };
    for (const ws of this.sessionsFor(message.guild_id)) this.send(ws, { op: 0, s: ++this.seq, t: 'MESSAGE_CREATE', d });
    return true;
  }

  /**
   * A message a person (or another bot) writes, as MESSAGE_CREATE carries it. `<@id>` in the content
   * puts that user in `mentions`, as the Discord client does.
   */
  userMessage(content: string, o: UserMessageOptions = {}): GatewayMessageCreateDispatchData {
    const author = o.author ?? this.person;
    const channelId = o.dm ? this.dmChannelId : (o.channelId ?? this.channelId);
    const channelType = o.dm ? ChannelType.DM : this.threads.has(channelId) ? ChannelType.PublicThread : ChannelType.GuildText;
    const mentioned = [...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1]);
    const known = [this.botUser, this.person];
    const base: GatewayMessageCreateDispatchData = {
      id: snowflake(),
      type: MessageType.Default,
      channel_id: channelId,
      channel_type: channelType,
      author,
      content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: known.filter((u) => mentioned.includes(u.id)),
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      flags: 0 as MessageFlags,
      components: [],
    };
    if (o.dm) return base;
    return { ...base, guild_id: this.guildId, member: this.memberOf(author) };
  }

  private memberOf(_user: APIUser): Omit<APIGuildMember, 'user'> {
    return { roles: [], premium_since: null, pending: false, nick: null, mute: false, joined_at: '2024-03-13T19:19:14.040000+00:00', deaf: false, flags: 0 as GuildMemberFlags, avatar: null, communication_disabled_until: null };
  }

  /** The server a channel belongs to. */
  private guildOfChannel(channelId: string): string {
    return channelId === this.secondChannelId && this.secondGuildId !== undefined ? this.secondGuildId : this.guildId;
  }

  /** A test server, as GUILD_CREATE sends it after READY: the main one, or the second with its one channel. */
  private guildCreate(id: string): GatewayGuildCreateDispatchData {
    const main = this.mainGuildCreate();
    if (id === this.guildId) return main;
    const [everyone] = main.roles;
    const channel: APITextChannel = { ...(this.textChannels[0] as APITextChannel), id: this.secondChannelId, guild_id: id, name: 'second-markets' };
    return { ...main, id, name: 'tapebot second server', roles: everyone ? [{ ...everyone, id }] : [], channels: [channel] };
  }

  private mainGuildCreate(): GatewayGuildCreateDispatchData {
    return {
      id: this.guildId,
      name: 'tapebot test server',
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: this.person.id,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 1,
      explicit_content_filter: 0,
      roles: [
        { id: this.guildId, name: '@everyone', color: 0, colors: { primary_color: 0, secondary_color: null, tertiary_color: null }, hoist: false, icon: null, unicode_emoji: null, position: 0, permissions: '2248473465835073', managed: false, mentionable: false, flags: 0 as RoleFlags },
        { id: this.extraRoleId, name: 'market desk', color: 0, colors: { primary_color: 0, secondary_color: null, tertiary_color: null }, hoist: false, icon: null, unicode_emoji: null, position: 1, permissions: '0', managed: false, mentionable: false, flags: 0 as RoleFlags },
      ],
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: null,
      system_channel_flags: 0 as GuildSystemChannelFlags,
      rules_channel_id: null,
      vanity_url_code: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      preferred_locale: Locale.EnglishUS,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      hub_type: null,
      incidents_data: null,
      joined_at: '2024-03-13T19:19:14.040000+00:00',
      large: false,
      unavailable: false,
      member_count: 2,
      voice_states: [],
      members: [{ user: this.botUser, ...this.memberOf(this.botUser) }],
      channels: this.textChannels,
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  // ------------------------------------------------------- interaction payloads

  private registeredCommand(name: string): RegisteredCommand {
    for (const list of [this.registered.get(this.guildId), this.registered.get('global')]) {
      const c = list?.find((x) => x.name === name);
      if (c) return c;
    }
    throw new Error(`fake discord: /${name} is not registered (register the commands first)`);
  }

  private where(dm: boolean, member: InteractionMember = {}, second = false): InteractionContext {
    const common = { application_id: this.applicationId, version: 1 as const, locale: Locale.EnglishUS, entitlements: [], attachment_size_limit: 10 * 1024 * 1024 };
    if (dm) {
      return {
        ...common,
        app_permissions: '1126174785006657',
        // In a DM with the bot, the guild-install owner is "0".
        authorizing_integration_owners: { '0': '0' },
        context: InteractionContextType.BotDM,
        channel: { id: this.dmChannelId, type: ChannelType.DM, last_message_id: null, recipients: [this.person] },
        channel_id: this.dmChannelId,
        user: this.person,
      };
    }
    if (second && this.secondGuildId === undefined) throw new Error('fake discord: no second server (FakeDiscordOptions.secondGuildId)');
    const guildId = second ? (this.secondGuildId as string) : this.guildId;
    const channelId = second ? this.secondChannelId : this.channelId;
    return {
      ...common,
      app_permissions: (member.appPermissions ?? 2248473465835073n).toString(),
      authorizing_integration_owners: { '0': guildId },
      context: InteractionContextType.Guild,
      guild: { id: guildId, locale: Locale.EnglishUS, features: [] },
      guild_id: guildId,
      guild_locale: Locale.EnglishUS,
      channel: { id: channelId, type: ChannelType.GuildText, guild_id: guildId, name: second ? 'second-markets' : 'markets', position: 0, nsfw: false, parent_id: null, rate_limit_per_user: 0, topic: null, last_message_id: null },
      channel_id: channelId,
      member: {
        user: this.person,
        roles: member.roles ?? [],
        premium_since: null,
        permissions: (member.permissions ?? EVERYONE_PERMISSIONS).toString(),
        pending: false,
        nick: null,
        mute: false,
        joined_at: '2024-03-13T19:19:14.040000+00:00',
        deaf: false,
        flags: 0 as GuildMemberFlags,
        avatar: null,
        communication_disabled_until: null,
      },
    };
  }

  /**
   * Options the way a Discord client sends them for the registered command: each typed as
   * registered; a missing required option, an unknown one or a value outside `choices` throws
   * (the client would not let a person send it).
   */
  private commandOptions(name: string, values: Record<string, string | number>, focused?: string): APIApplicationCommandInteractionDataBasicOption[] {
    const cmd = this.registeredCommand(name);
    const decls = cmd.options ?? [];
    for (const key of Object.keys(values)) {
      if (!decls.some((d) => d.name === key)) throw new Error(`fake discord: /${name} has no option "${key}"`);
    }
    if (focused === undefined) {
      for (const d of decls) if (d.required && values[d.name] === undefined) throw new Error(`fake discord: /${name} needs option "${d.name}"`);
    }
    return decls
      .filter((d) => values[d.name] !== undefined)
      .map((d) => {
        const raw = values[d.name] as string | number;
        const isFocused = d.name === focused;
        // Autocomplete sends the partial text as a string whatever the option's type.
        const value = isFocused ? String(raw) : d.type === 4 || d.type === 10 ? Number(raw) : String(raw);
        if (!isFocused && d.choices && !d.choices.some((c) => c.value === value)) throw new Error(`fake discord: ${String(value)} is not a choice of ${d.name}`);
        if (!isFocused && typeof value === 'string' && d.max_length !== undefined && value.length > d.max_length) throw new Error(`fake discord: ${d.name} longer than ${d.max_length}`);
        return { name: d.name, type: d.type, value, ...(isFocused ? { focused: true } : {}) } as APIApplicationCommandInteractionDataBasicOption;
      });
  }

  private token64(): string {
    return `aW50ZXJhY3Rpb246${randomBytes(96).toString('base64url')}`;
  }

  /**
   * A slash-command interaction (type 2) for a registered command, in the server channel or a DM.
   * `member`: the sender's roles and channel permissions in the server (default @everyone's).
   */
  chatInput(name: string, values: Record<string, string | number> = {}, o: { dm?: boolean; member?: InteractionMember; secondGuild?: boolean } = {}): APIChatInputApplicationCommandInteraction {
    const cmd = this.registeredCommand(name);
    const guildScoped = this.registered.get(this.guildId)?.some((c) => c.name === name) ?? false;
    return {
      ...this.where(o.dm ?? false, o.member, o.secondGuild ?? false),
      id: snowflake(),
      token: this.token64(),
      type: InteractionType.ApplicationCommand,
      data: { id: cmd.id, name, type: ApplicationCommandType.ChatInput, options: this.commandOptions(name, values), ...(guildScoped ? { guild_id: this.guildId } : {}) },
    };
  }

  /** An autocomplete request (type 4): `focused` names the option being typed, its partial text in `values`. */
  autocomplete(name: string, values: Record<string, string | number>, focused: string, o: { dm?: boolean } = {}): APIApplicationCommandAutocompleteInteraction {
    const cmd = this.registeredCommand(name);
    return {
      ...this.where(o.dm ?? false),
      id: snowflake(),
      token: this.token64(),
      type: InteractionType.ApplicationCommandAutocomplete,
      data: { id: cmd.id, name, type: ApplicationCommandType.ChatInput, options: this.commandOptions(name, values, focused) },
    };
  }

  /** A button click (type 3) on a message the bot posted; throws when the message has no such button. */
  buttonClick(messageId: string, customId: string, o: { dm?: boolean } = {}): APIMessageComponentButtonInteraction {
    const message = this.messages.get(messageId);
    if (!message || message.deleted) throw new Error(`fake discord: no message ${messageId}`);
    const buttons = (message.components ?? []).flatMap((row) => ('components' in row ? (row.components as { custom_id?: string; disabled?: boolean }[]) : []));
    const button = buttons.find((b) => b.custom_id === customId);
    if (!button) throw new Error(`fake discord: message ${messageId} has no button ${customId}`);
    if (button.disabled) throw new Error(`fake discord: button ${customId} is disabled`);
    return {
      ...this.where(o.dm ?? false),
      id: snowflake(),
      token: this.token64(),
      type: InteractionType.MessageComponent,
      message,
      data: { component_type: ComponentType.Button, custom_id: customId },
    };
  }

  // ---------------------------------------------------------------- queries

  /** Requests carrying this interaction's id or token (callback, webhook edits, follow-ups). */
  requestsFor(d: { id: string; token: string }): RecordedRequest[] {
    return this.requests.filter((r) => r.path.includes(`/${d.id}/`) || r.path.includes(`/${d.token}`));
  }

  /** The message `@original` of an interaction currently refers to. */
  original(d: { id: string }): (APIMessage & { deleted?: boolean }) | undefined {
    const id = this.interactions.get(d.id)?.originalId;
    return id === undefined ? undefined : this.messages.get(id);
  }

  /** Messages in one channel (a thread is a channel), oldest first. */
  /** Forgets every nonce, as Discord does after a few minutes: what a longer outage looks like to a resumed post. */
  expireNonces(): void {
    this.nonces.clear();
  }

  channelMessages(channelId: string): APIMessage[] {
    return [...this.messages.values()].filter((m) => m.channel_id === channelId && !m.deleted);
  }

  followUps(d: { id: string }): APIMessage[] {
    return (this.interactions.get(d.id)?.followUpIds ?? []).map((id) => this.messages.get(id) as APIMessage);
  }

  /** Resolves with the first recorded request (past or future) that matches. */
  waitForRequest(match: (r: RecordedRequest) => boolean, timeoutMs = 10_000): Promise<RecordedRequest> {
    const seen = this.requests.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve: (r: RecordedRequest) => (clearTimeout(timer), resolve(r)) };
      const timer = setTimeout(() => {
        this.requestWaiters = this.requestWaiters.filter((w) => w !== waiter);
        reject(new Error(`fake discord: no matching request within ${timeoutMs} ms`));
      }, timeoutMs);
      this.requestWaiters.push(waiter);
    });
  }

  // ---------------------------------------------------------------- REST

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = performance.now();
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${this.port}`);
    const method = (req.method ?? 'GET').toUpperCase();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const contentType = String(req.headers['content-type'] ?? '');
    const record: RecordedRequest = {
      at,
      method,
      path: decodeURIComponent(url.pathname).replace(/^\/api\/v10/, ''),
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      json: undefined,
      multipart: contentType.startsWith('multipart/form-data'),
      files: [],
      status: 0,
    };
    let status = 500;
    let payload: unknown = { message: 'fake discord: internal error', code: 0 };
    try {
      if (!url.pathname.startsWith('/api/v10/')) throw new HttpError(404, { message: '404: Not Found', code: 0 });
      if (record.multipart) {
        const form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
        for (const [field, value] of form.entries()) {
          if (typeof value === 'string') {
            if (field === 'payload_json') record.json = JSON.parse(value);
          } else {
            record.files.push({ field, filename: value.name, contentType: value.type, data: Buffer.from(await value.arrayBuffer()) });
          }
        }
      } else if (body.length > 0) {
        record.json = JSON.parse(body.toString('utf8'));
      }
      [status, payload] = this.route(method, record);
    } catch (err) {
      if (err instanceof HttpError) {
        status = err.status;
        payload = err.body;
      } else {
        this.problems.push(`fake discord crashed on ${method} ${record.path}: ${String(err)}`);
      }
    }
    record.status = status;
    this.requests.push(record);
    for (const w of [...this.requestWaiters]) {
      if (w.match(record)) {
        this.requestWaiters = this.requestWaiters.filter((x) => x !== w);
        w.resolve(record);
      }
    }
    if (status === 204) {
      res.writeHead(204);
      res.end();
    } else {
      json(res, status, payload);
    }
  }

  private requireAuth(r: RecordedRequest): void {
    if (r.headers.authorization !== `Bot ${this.token}`) throw new HttpError(401, { message: '401: Unauthorized', code: 0 });
  }

  private invalid(where: string, message: string): never {
    this.problems.push(`${where}: ${message}`);
    throw new HttpError(400, { message: 'Invalid Form Body', code: 50035, errors: { _errors: [{ code: 'BASE_TYPE_INVALID', message }] } });
  }

  private route(method: string, r: RecordedRequest): [number, unknown] {
    const p = r.path;
    let m: RegExpExecArray | null;
    if (method === 'GET' && p === '/gateway/bot') {
      this.requireAuth(r);
      return [200, { url: this.gatewayUrl, shards: this.recommendedShards, session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 } }];
    }
    if (method === 'GET' && p === '/gateway') return [200, { url: this.gatewayUrl }];
    if (method === 'GET' && p === '/users/@me') {
      this.requireAuth(r);
      return [200, this.botUser];
    }
    if (method === 'GET' && p === '/applications/@me') {
      this.requireAuth(r);
      return [200, { id: this.applicationId, name: 'tapebot', description: '', icon: null, bot_public: true, bot_require_code_grant: false, verify_key: randomBytes(32).toString('hex'), flags: 0, bot: this.botUser }];
    }
    if ((m = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(p))) {
      this.requireAuth(r);
      if (m[1] !== this.applicationId) throw new HttpError(403, { message: 'Missing Access', code: 50001 });
      const scope = m[2] ?? 'global';
      if (method === 'GET') return [200, this.registered.get(scope) ?? []];
      if (method === 'PUT') return [200, this.putCommands(scope, r.json)];
    }
    if ((m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(p)) && method === 'POST') {
      return this.callback(m[1] as string, m[2] as string, r);
    }
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/(@original|\d+))?$/.exec(p))) {
      return this.webhook(method, m[1] as string, m[2] as string, m[3], r);
    }
    if ((m = /^\/channels\/(\d+)\/messages$/.exec(p)) && method === 'POST') {
      this.requireAuth(r);
      return [200, this.channelMessage(m[1] as string, r)];
    }
    if ((m = /^\/channels\/(\d+)\/messages$/.exec(p)) && method === 'GET') {
      this.requireAuth(r);
      return [200, this.channelHistory(m[1] as string, r)];
    }
    if ((m = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(p)) && method === 'POST') {
      this.requireAuth(r);
      return [200, this.startThread(m[1] as string, m[2] as string, r)];
    }
    if ((m = /^\/channels\/(\d+)\/messages\/(\d+)\/reactions\/([^/]+)\/@me$/.exec(p)) && method === 'PUT') {
      this.requireAuth(r);
      this.channelKind(m[1] as string);
      return [204, null];
    }
    if ((m = /^\/channels\/(\d+)\/typing$/.exec(p)) && method === 'POST') {
      this.requireAuth(r);
      this.channelKind(m[1] as string);
      return [204, null];
    }
    this.problems.push(`unknown route ${method} ${p}`);
    throw new HttpError(404, { message: '404: Not Found', code: 0 });
  }

  private putCommands(scope: string, body: unknown): RegisteredCommand[] {
    const where = `PUT commands (${scope})`;
    if (!Array.isArray(body)) this.invalid(where, 'body must be an array of commands');
    const NAME = /^[-_'\p{Ll}\p{Lo}\p{N}]{1,32}$/u;
    const out: RegisteredCommand[] = [];
    for (const c of body as Record<string, unknown>[]) {
      const name = String(c.name);
      if (!NAME.test(name)) this.invalid(where, `command name "${name}" is not a valid lower-case name`);
      if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 100) this.invalid(where, `/${name} description must be 1–100 characters`);
      if (scope !== 'global' && (c.contexts !== undefined || c.integration_types !== undefined)) {
        this.problems.push(`${where}: /${name} sets contexts/integration_types, which apply to global commands only`);
      }
      const options = (c.options ?? []) as Record<string, unknown>[];
      if (options.length > 25) this.invalid(where, `/${name} has more than 25 options`);
      let optionalSeen = false;
      for (const o of options) {
        const oname = String(o.name);
        if (!NAME.test(oname)) this.invalid(where, `/${name} option "${oname}" is not a valid lower-case name`);
        if (typeof o.description !== 'string' || o.description.length < 1 || o.description.length > 100) this.invalid(where, `/${name} ${oname}: description must be 1–100 characters`);
        if (o.required === true && optionalSeen) this.invalid(where, `/${name} ${oname}: required options must be placed before non-required options`);
        if (o.required !== true) optionalSeen = true;
        const choices = o.choices as unknown[] | undefined;
        if (choices && o.autocomplete === true) this.invalid(where, `/${name} ${oname}: autocomplete cannot be set with choices`);
        if (choices && choices.length > 25) this.invalid(where, `/${name} ${oname}: more than 25 choices`);
        if (o.autocomplete === true && ![3, 4, 10].includes(Number(o.type))) this.invalid(where, `/${name} ${oname}: autocomplete on an option type that does not allow it`);
      }
      const prior = this.registered.get(scope)?.find((x) => x.name === name);
      out.push({
        ...c,
        id: prior?.id ?? snowflake(),
        application_id: this.applicationId,
        version: snowflake(),
        type: (c.type as number | undefined) ?? 1,
        default_member_permissions: null,
        nsfw: false,
        ...(scope === 'global' ? {} : { guild_id: scope }),
        name,
      } as RegisteredCommand);
    }
    this.registered.set(scope, out);
    return out;
  }

  private stateFor(id: string, token: string): InteractionState {
    const s = this.interactions.get(id);
    if (!s || s.payload.token !== token) throw new HttpError(404, { message: 'Unknown interaction', code: 10062 });
    return s;
  }

  private callback(id: string, token: string, r: RecordedRequest): [number, unknown] {
    const s = this.stateFor(id, token);
    const where = `interaction ${id} callback`;
    const elapsed = r.at - s.dispatchedAt;
    if (elapsed > this.ackDeadlineMs) {
      this.problems.push(`${where}: acknowledged after ${Math.round(elapsed)} ms (deadline ${this.ackDeadlineMs} ms)`);
      throw new HttpError(404, { message: 'Unknown interaction', code: 10062 });
    }
    if (s.ackedWith !== undefined) {
      this.problems.push(`${where}: acknowledged twice`);
      throw new HttpError(400, { message: 'Interaction has already been acknowledged.', code: 40060 });
    }
    const body = (r.json ?? {}) as { type?: number; data?: Record<string, unknown> };
    const type = Number(body.type);
    const allowed: Record<number, number[]> = {
      [INTERACTION_TYPE.ApplicationCommand]: [4, 5, 9],
      [INTERACTION_TYPE.MessageComponent]: [4, 5, 6, 7, 9],
      [INTERACTION_TYPE.Autocomplete]: [8],
    };
    if (!(allowed[s.payload.type] ?? []).includes(type)) this.invalid(where, `callback type ${type} is not valid for interaction type ${s.payload.type}`);
    const data = body.data ?? {};
    s.ackedWith = type;
    if (type === CALLBACK_TYPE.AutocompleteResult) {
      const choices = (data.choices ?? []) as { name?: unknown; value?: unknown }[];
      if (choices.length > 25) this.invalid(where, `${choices.length} autocomplete choices (max 25)`);
      for (const c of choices) {
        if (typeof c.name !== 'string' || c.name.length < 1 || c.name.length > 100) this.invalid(where, `choice name must be 1–100 characters: ${JSON.stringify(c.name)}`);
        if (typeof c.value === 'string' && c.value.length > 100) this.invalid(where, `choice value longer than 100: ${c.value}`);
      }
    } else if (type === CALLBACK_TYPE.ChannelMessage) {
      s.originalId = this.createMessage(s, data, r.files, where).id;
    } else if (type === CALLBACK_TYPE.DeferredChannelMessage) {
      const flags = Number(data.flags ?? 0);
      if ((flags & ~MESSAGE_FLAGS.Ephemeral) !== 0) this.invalid(where, 'a deferred response may only set the EPHEMERAL flag');
      s.originalId = this.createMessage(s, { content: '', flags: flags | MESSAGE_FLAGS.Loading }, [], where).id;
    } else if (type === CALLBACK_TYPE.DeferredUpdateMessage || type === CALLBACK_TYPE.UpdateMessage) {
      s.originalId = s.payload.message?.id;
      if (type === CALLBACK_TYPE.UpdateMessage && s.originalId) this.editMessage(s.originalId, data, r.files, where);
    }
    if (r.query.with_response === 'true') {
      const msg = s.originalId ? this.messages.get(s.originalId) : undefined;
      return [200, { interaction: { id, type: s.payload.type, response_message_id: msg?.id, response_message_loading: type === 5, response_message_ephemeral: Boolean(Number(msg?.flags ?? 0) & MESSAGE_FLAGS.Ephemeral) }, resource: { type, ...(msg && (type === 4 || type === 7) ? { message: msg } : {}) } }];
    }
    return [204, null];
  }

  private webhook(method: string, appId: string, token: string, which: string | undefined, r: RecordedRequest): [number, unknown] {
    const id = this.byToken.get(token);
    if (appId !== this.applicationId || id === undefined) throw new HttpError(404, { message: 'Unknown Webhook', code: 10015 });
    const s = this.interactions.get(id) as InteractionState;
    const where = `interaction ${id} ${method} ${which ?? 'follow-up'}`;
    if (s.ackedWith === undefined) {
      this.problems.push(`${where}: webhook used before the interaction was acknowledged`);
      throw new HttpError(404, { message: 'Unknown Webhook', code: 10015 });
    }
    if (which === undefined) {
      if (method !== 'POST') throw new HttpError(405, { message: '405: Method Not Allowed', code: 0 });
      const data = (r.json ?? {}) as Record<string, unknown>;
      const original = s.originalId ? this.messages.get(s.originalId) : undefined;
      // Discord's documented backwards compatibility: a follow-up straight after a deferred
      // response fills in the loading message, and its EPHEMERAL flag is ignored.
      if (original && !original.deleted && Number(original.flags ?? 0) & MESSAGE_FLAGS.Loading) {
        return [200, this.editMessage(original.id, data, r.files, where)];
      }
      const msg = this.createMessage(s, { ...data, flags: Number(data.flags ?? 0) & MESSAGE_FLAGS.Ephemeral }, r.files, where);
      s.followUpIds.push(msg.id);
      return [200, msg];
    }
    const messageId = which === '@original' ? s.originalId : which;
    const msg = messageId ? this.messages.get(messageId) : undefined;
    if (!msg || msg.deleted || (which !== '@original' && !s.followUpIds.includes(which))) throw new HttpError(404, { message: 'Unknown Message', code: 10008 });
    if (method === 'GET') return [200, msg];
    if (method === 'DELETE') {
      msg.deleted = true;
      return [204, null];
    }
    if (method === 'PATCH') return [200, this.editMessage(msg.id, (r.json ?? {}) as Record<string, unknown>, r.files, where)];
    throw new HttpError(405, { message: '405: Method Not Allowed', code: 0 });
  }

  // ---------------------------------------------------- channel messages, threads

  private channelKind(id: string): 'text' | 'thread' | 'dm' {
    if (id === this.dmChannelId) return 'dm';
    if (this.threads.has(id)) return 'thread';
    if (this.textChannels.some((c) => c.id === id) || (id === this.secondChannelId && this.secondGuildId !== undefined)) return 'text';
    throw new HttpError(404, { message: 'Unknown Channel', code: 10003 });
  }

  /**
   * POST /channels/{id}/messages: a message from the bot (a reply when it carries message_reference).
   * A `nonce` (an integer, or a string of up to 25 characters) is echoed back; with `enforce_nonce:
   * true`, a nonce the bot used within NONCE_WINDOW_MS returns that message and creates none.
   */
  private channelMessage(channelId: string, r: RecordedRequest): APIMessage {
    const kind = this.channelKind(channelId);
    const where = `POST /channels/${channelId}/messages`;
    const data = (r.json ?? {}) as Record<string, unknown> & { message_reference?: { message_id?: string; fail_if_not_exists?: boolean } };
    const hasBody = (typeof data.content === 'string' && data.content.length > 0) || (Array.isArray(data.embeds) && data.embeds.length > 0) || r.files.length > 0;
    if (!hasBody) throw new HttpError(400, { message: 'Cannot send an empty message', code: 50006 });
    if (kind === 'thread') {
      // A thread takes its parent's overwrites: without Send Messages in Threads, Discord refuses the post.
      const parent = this.textChannels.find((c) => c.id === this.threads.get(channelId)?.parent_id);
      if ((parent?.permission_overwrites ?? []).some((o) => o.id === this.guildId && (BigInt(o.deny) & SEND_MESSAGES_IN_THREADS) !== 0n)) {
        throw new HttpError(403, { message: 'Missing Permissions', code: 50013 });
      }
    }
    const attachments = this.checkMessage(data, r.files, where, []);
    const nonce = data.nonce;
    if (nonce !== undefined && !(typeof nonce === 'string' ? nonce.length <= 25 : Number.isSafeInteger(nonce))) this.invalid(where, `nonce ${JSON.stringify(nonce)} is not an integer or a string of up to 25 characters`);
    if (data.enforce_nonce === true && nonce !== undefined) {
      const seen = this.nonces.get(String(nonce));
      const original = seen && Date.now() - seen.at < NONCE_WINDOW_MS ? this.messages.get(seen.id) : undefined;
      if (original) return { ...original, nonce: nonce as string | number };
    }
    const ref = data.message_reference;
    const referenced = ref?.message_id ? this.messages.get(ref.message_id) : undefined;
    if (ref && (!referenced || referenced.channel_id !== channelId)) {
      if (ref.fail_if_not_exists !== false) this.invalid(where, `message_reference ${String(ref.message_id)} is not a message of this channel`);
    }
    const msg: APIMessage = {
      id: snowflake(),
      type: referenced ? MessageType.Reply : MessageType.Default,
      channel_id: channelId,
      ...this.botMessageBody(data, attachments),
      flags: 0 as MessageFlags,
      ...(referenced ? { message_reference: { type: 0, message_id: referenced.id, channel_id: channelId, ...(kind === 'dm' ? {} : { guild_id: this.guildOfChannel(channelId) }) }, referenced_message: referenced } : {}),
      ...(nonce !== undefined ? { nonce: nonce as string | number } : {}),
    } as APIMessage;
    this.messages.set(msg.id, msg);
    if (nonce !== undefined) this.nonces.set(String(nonce), { id: msg.id, at: Date.now() });
    // Discord echoes every message to the gateway, the bot's own included: a bot must ignore itself.
    const { referenced_message: _omit, ...echo } = msg;
    this.dispatchMessage({ ...echo, channel_type: kind === 'dm' ? ChannelType.DM : kind === 'thread' ? ChannelType.PublicThread : ChannelType.GuildText, ...(kind === 'dm' ? {} : { guild_id: this.guildOfChannel(channelId), member: this.memberOf(this.botUser) }) } as GatewayMessageCreateDispatchData);
    return msg;
  }

  /**
   * GET /channels/{id}/messages?after=&limit=: the channel's messages newer than `after` (a
   * snowflake), oldest first when `after` is given, at most `limit` (1–100, default 50), as Discord
   * documents it. Reading history needs View Channel and Read Message History.
   */
  private channelHistory(channelId: string, r: RecordedRequest): APIMessage[] {
    this.channelKind(channelId);
    const limit = r.query.limit === undefined ? 50 : Number(r.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) this.invalid(`GET /channels/${channelId}/messages`, `limit ${r.query.limit} is not 1–100`);
    const after = r.query.after === undefined ? 0n : BigInt(r.query.after);
    const all = [...this.messages.values()].filter((x) => x.channel_id === channelId && BigInt(x.id) > after);
    all.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    // Newest first without `after`; with it, the messages just after it (Discord's order is then ascending).
    const page = r.query.after === undefined ? all.reverse().slice(0, limit) : all.slice(0, limit);
    // Discord does not return a message's nonce when it is read back.
    return page.map(({ nonce: _nonce, ...m }) => m);
  }

  /** POST /channels/{id}/messages/{mid}/threads: a public thread whose id is the starter message's id. */
  private startThread(channelId: string, messageId: string, r: RecordedRequest): APIPublicThreadChannel {
    const where = `POST /channels/${channelId}/messages/${messageId}/threads`;
    if (this.channelKind(channelId) !== 'text') throw new HttpError(400, { message: 'Cannot execute action on this channel type', code: 50024 });
    const channel = this.textChannels.find((c) => c.id === channelId);
    const denied = (channel?.permission_overwrites ?? []).some((o) => o.id === this.guildId && (BigInt(o.deny) & CREATE_PUBLIC_THREADS) !== 0n);
    if (denied) throw new HttpError(403, { message: 'Missing Permissions', code: 50013 });
    const starter = this.messages.get(messageId);
    if (!starter || starter.channel_id !== channelId) throw new HttpError(404, { message: 'Unknown Message', code: 10008 });
    if (this.threads.has(messageId)) throw new HttpError(400, { message: 'A thread has already been created for this message', code: 160004 });
    const body = (r.json ?? {}) as { name?: unknown; auto_archive_duration?: unknown };
    if (typeof body.name !== 'string' || body.name.length < 1 || body.name.length > 100) this.invalid(where, `thread name must be 1–100 characters: ${JSON.stringify(body.name)}`);
    const duration = body.auto_archive_duration ?? 4320;
    if (![60, 1440, 4320, 10080].includes(Number(duration))) this.invalid(where, `auto_archive_duration ${String(duration)} is not 60, 1440, 4320 or 10080`);
    const thread: APIPublicThreadChannel = {
      id: messageId,
      type: ChannelType.PublicThread,
      guild_id: this.guildId,
      parent_id: channelId,
      owner_id: this.botUser.id,
      name: body.name as string,
      last_message_id: null,
      rate_limit_per_user: 0,
      message_count: 0,
      member_count: 1,
      total_message_sent: 0,
      flags: 0 as ChannelFlags,
      thread_metadata: { archived: false, auto_archive_duration: Number(duration) as 4320, archive_timestamp: new Date().toISOString(), locked: false },
      member: { id: messageId, user_id: this.botUser.id, join_timestamp: new Date().toISOString(), flags: 0 as ThreadMemberFlags },
    };
    this.threads.set(messageId, thread);
    for (const ws of this.identified) {
      if (ws.readyState === ws.OPEN) this.send(ws, { op: 0, s: ++this.seq, t: 'THREAD_CREATE', d: { ...thread, newly_created: true } });
    }
    return thread;
  }

  // ---------------------------------------------------------------- messages

  private checkMessage(data: Record<string, unknown>, files: RecordedFile[], where: string, keep: APIAttachment[]): APIAttachment[] {
    if (typeof data.content === 'string' && data.content.length > 2000) this.invalid(where, 'content longer than 2000');
    const embeds = (data.embeds ?? []) as APIEmbed[];
    if (embeds.length > 10) this.invalid(where, 'more than 10 embeds');
    let total = 0;
    for (const e of embeds) {
      if ((e.title?.length ?? 0) > 256) this.invalid(where, 'embed title longer than 256');
      if ((e.description?.length ?? 0) > 4096) this.invalid(where, 'embed description longer than 4096');
      if ((e.footer?.text.length ?? 0) > 2048) this.invalid(where, 'embed footer longer than 2048');
      if ((e.fields?.length ?? 0) > 25) this.invalid(where, 'more than 25 embed fields');
      for (const f of e.fields ?? []) {
        if (f.name.length > 256 || f.value.length > 1024 || f.value.length === 0) this.invalid(where, 'embed field name > 256 or value not 1–1024');
      }
      total += (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
    }
    if (total > 6000) this.invalid(where, `embeds total ${total} characters (max 6000)`);
    const rows = (data.components ?? []) as { type: number; components?: { type: number; custom_id?: string; label?: string; style?: number }[] }[];
    if (rows.length > 5) this.invalid(where, 'more than 5 action rows');
    for (const row of rows) {
      if (row.type !== 1) this.invalid(where, 'top-level components must be action rows');
      if ((row.components?.length ?? 0) > 5) this.invalid(where, 'more than 5 buttons in a row');
      for (const b of row.components ?? []) {
        if (b.type === 2 && b.style !== 5 && b.style !== 6 && (!b.custom_id || b.custom_id.length > 100)) this.invalid(where, `button custom_id missing or longer than 100: ${b.custom_id}`);
        if ((b.label?.length ?? 0) > 80) this.invalid(where, 'button label longer than 80');
      }
    }
    // Attachments: entries with an id matching an uploaded files[n] are new; others must already exist.
    type Listed = { id: string | number; filename?: string; description?: string };
    const listed = data.attachments as Listed[] | undefined;
    const result: APIAttachment[] = [];
    const fileByIndex = new Map(files.map((f) => [/^files\[(\d+)\]$/.exec(f.field)?.[1] ?? f.field, f]));
    const entries: Listed[] = listed ?? (files.length > 0 ? files.map((_, k) => ({ id: String(k) })) : keep.map((a) => ({ id: a.id })));
    if (entries.length > 10) this.invalid(where, 'more than 10 attachments');
    for (const entry of entries) {
      const file = fileByIndex.get(String(entry.id));
      if (file) {
        if ((entry.description?.length ?? 0) > 1024) this.invalid(where, 'attachment description longer than 1024');
        const size = pngSize(file.data);
        const attId = snowflake();
        const filename = entry.filename ?? file.filename;
        result.push({
          id: attId,
          filename,
          ...(entry.description !== undefined ? { description: entry.description } : {}),
          content_type: file.contentType,
          size: file.data.length,
          url: `https://cdn.discordapp.com/attachments/${this.channelId}/${attId}/${filename}`,
          proxy_url: `https://media.discordapp.net/attachments/${this.channelId}/${attId}/${filename}`,
          ...(size ? { width: size.width, height: size.height } : {}),
        });
        continue;
      }
      const existing = keep.find((a) => a.id === String(entry.id));
      if (!existing) this.invalid(where, `attachment ${String(entry.id)} is neither uploaded nor on the message`);
      result.push(existing);
    }
    for (const f of files) {
      const idx = /^files\[(\d+)\]$/.exec(f.field)?.[1];
      if (idx === undefined || !entries.some((e) => String(e.id) === idx)) this.problems.push(`${where}: uploaded ${f.field} (${f.filename}) is not listed in attachments`);
    }
    for (const e of embeds) {
      const url = e.image?.url ?? '';
      if (url.startsWith('attachment://') && !result.some((a) => a.filename === url.slice('attachment://'.length))) {
        this.invalid(where, `embed image ${url} names no attachment of the message`);
      }
    }
    return result;
  }

  /** What every message the bot posts carries, from the request's `content`, `embeds` and `components`. */
  private botMessageBody(data: Record<string, unknown>, attachments: APIAttachment[]) {
    return {
      author: this.botUser,
      content: typeof data.content === 'string' ? data.content : '',
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments,
      embeds: this.resolveEmbeds((data.embeds ?? []) as APIEmbed[], attachments),
      pinned: false,
      components: (data.components ?? []) as APIMessage['components'],
    };
  }

  /** Discord shows `attachment://name` images as the uploaded file's CDN URL. */
  private resolveEmbeds(embeds: APIEmbed[], attachments: APIAttachment[]): APIEmbed[] {
    return embeds.map((e) => {
      const url = e.image?.url ?? '';
      const a = url.startsWith('attachment://') ? attachments.find((x) => x.filename === url.slice('attachment://'.length)) : undefined;
      return { type: 'rich' as APIEmbed['type'], ...e, ...(a ? { image: { url: a.url, proxy_url: a.proxy_url, ...(a.width ? { width: a.width, height: a.height ?? 0 } : {}) } } : {}) } as APIEmbed;
    });
  }

  private createMessage(s: InteractionState, data: Record<string, unknown>, files: RecordedFile[], where: string): APIMessage {
    const attachments = this.checkMessage(data, files, where, []);
    const p = s.payload;
    const msg: APIMessage = {
      id: snowflake(),
      type: MessageType.ChatInputCommand,
      channel_id: p.channel?.id ?? this.channelId,
      ...this.botMessageBody(data, attachments),
      flags: Number(data.flags ?? 0),
      webhook_id: this.applicationId,
      application_id: this.applicationId,
      interaction_metadata: { id: p.id, type: p.type as 2, user: this.person, authorizing_integration_owners: p.authorizing_integration_owners },
    } as APIMessage;
    this.messages.set(msg.id, msg);
    return msg;
  }

  private editMessage(id: string, data: Record<string, unknown>, files: RecordedFile[], where: string): APIMessage {
    const msg = this.messages.get(id) as APIMessage;
    const attachments = this.checkMessage(data, files, where, msg.attachments);
    const next: APIMessage = {
      ...msg,
      ...(typeof data.content === 'string' ? { content: data.content } : {}),
      ...(data.embeds !== undefined ? { embeds: this.resolveEmbeds(data.embeds as APIEmbed[], attachments) } : {}),
      ...(data.components !== undefined ? { components: data.components as APIMessage['components'] } : {}),
      attachments,
      // Filling in a deferred response clears its loading state; its ephemeral state never changes.
      flags: Number(msg.flags ?? 0) & ~MESSAGE_FLAGS.Loading,
      edited_timestamp: Number(msg.flags ?? 0) & MESSAGE_FLAGS.Loading ? null : new Date().toISOString(),
    };
    this.messages.set(id, next);
    return next;
  }
}
