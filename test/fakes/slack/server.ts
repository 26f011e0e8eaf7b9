/**
 * A local fake of the parts of Slack the adapter talks to, on 127.0.0.1 and a random port:
 *
 *   POST /api/<method>        the Web API methods below, with Slack's request and response shapes
 *   POST /upload/v1/<key>     the upload URL handed out by files.getUploadURLExternal (stores the bytes)
 *   POST /response/<id>       a slash command's or button's `response_url`
 *   GET  /link/ (WebSocket)   Socket Mode, for the URL apps.connections.open returns
 *
 * Web API shapes follow Slack's reference (https://docs.slack.dev/reference/methods) and what
 * @slack/web-api sends: `application/x-www-form-urlencoded` bodies with object fields (blocks, files)
 * JSON-encoded, the token in `Authorization: Bearer`, and HTTP 200 with `{ ok: false, error }` for
 * refusals. Blocks are checked against Block Kit's limits the way Slack does (`invalid_blocks` with
 * `errors: ['… [json-pointer:/blocks/0/…]']`), and an image block's `slack_file` must name a file that
 * was uploaded, completed and is ready — `fileReadyDelayMs` reproduces Slack finishing uploads a
 * moment after completeUploadExternal returns.
 *
 * Every request is recorded with a `performance.now()` timestamp.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeCall {
  /** A Web API method ('chat.postMessage'), or 'upload' (bytes to an upload URL), or 'response_url'. */
  method: string;
  /** performance.now() when the request had been read. */
  at: number;
  path: string;
  contentType: string;
  authorization: string | undefined;
  params: Record<string, unknown>;
  /** What the fake answered (for Web API methods and response URLs). */
  result: unknown;
}

export interface FakeFile {
  id: string;
  filename: string;
  /** The `length` declared to getUploadURLExternal. */
  length: number;
  altText: string | undefined;
  title?: string;
  bytes?: Buffer;
  /** performance.now() after which Slack would accept the file in blocks; undefined until completed. */
  readyAt?: number;
  /** Further messages that will be refused as "not ready" before the file is accepted. */
  refusalsLeft: number;
  deleted: boolean;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  text: string | undefined;
  blocks: unknown[] | undefined;
  threadTs?: string;
  /** Message metadata (event_type, event_payload), as posted. */
  metadata?: unknown;
  /** Earlier versions, oldest first, when the message was updated. */
  history: { text: string | undefined; blocks: unknown[] | undefined }[];
  /** The workspace whose bot token posted it. */
  team: string;
}

/** A workspace that can install the app through OAuth (`grantCode`, then `oauth.v2.access`). */
export interface FakeWorkspace {
  teamId: string;
  teamName: string;
  /** The bot token `oauth.v2.access` hands out for it. */
  botToken: string;
  /** Who clicks "Allow". */
  installerUserId: string;
}

export type ChannelState = 'member' | 'not_in_channel' | 'channel_not_found';

export interface FakeSlackOptions {
  token?: string;
  appToken?: string;
  /** How long after files.completeUploadExternal a file is usable in blocks (default 0). */
  fileReadyDelayMs?: number;
  /** Added before every Web API answer, to imitate a network round trip (default 0). */
  latencyMs?: number;
}

interface SocketEnvelopeAck {
  envelope_id: string;
  payload?: unknown;
  at: number;
}

export interface FakeSlack {
  readonly baseUrl: string;
  /** The Web API base URL to give the client (SLACK_API_URL). */
  readonly apiUrl: string;
  readonly token: string;
  readonly appToken: string;
  readonly teamId: string;
  readonly botUserId: string;
  readonly calls: FakeCall[];
  readonly files: Map<string, FakeFile>;
  readonly messages: FakeMessage[];
  /** The OAuth client id and secret `oauth.v2.access` accepts. */
  readonly clientId: string;
  readonly clientSecret: string;
  /**
   * What Slack does when a person allows the app in a workspace: a one-time code for
   * `oauth.v2.access` (the browser carries it to the redirect URL with the state).
   */
  grantCode(workspace: FakeWorkspace): string;
  /** Makes a workspace's bot token stop working (an uninstall or a revocation). */
  revoke(teamId: string): void;
  /** What users.info says of a person (`is_admin`, `is_owner`); everyone else is a plain member. */
  setUserRole(userId: string, role: 'owner' | 'admin' | 'member'): void;
  /** Calls of one method, in order. */
  callsTo(method: string): FakeCall[];
  /** A fresh response_url for a command or button. */
  responseUrl(): string;
  /** Everything posted to one response URL. */
  responsesTo(url: string): FakeCall[];
  setChannel(channel: string, state: ChannelState): void;
  /** How long files completed from now on take to become usable in blocks. */
  setFileReadyDelay(ms: number): void;
  /** Files uploaded from now on are refused in the first `n` messages that show them (deterministic "not ready yet"). */
  setFileRefusals(n: number): void;
  /** The next call of `method` fails with `error` (queued; one call each). */
  failNext(method: string, error: string, extra?: Record<string, unknown>): void;
  /** Resolves with the first recorded call (past or future) that matches. */
  waitFor(match: (c: FakeCall) => boolean, timeoutMs?: number): Promise<FakeCall>;
  /** Socket Mode: send an envelope to the connected app and resolve with its acknowledgement. */
  socketSend(type: 'slash_commands' | 'interactive' | 'events_api', payload: unknown, timeoutMs?: number): Promise<SocketEnvelopeAck>;
  /** Resolves when a Socket Mode client has connected and been greeted. */
  socketConnected(timeoutMs?: number): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

/** Fields @slack/web-api JSON-encodes inside form bodies. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'files', 'metadata', 'file_uploads']);

const BLOCK_LIMITS = { blocks: 50, header: 150, section: 3000, altText: 2000, contextElements: 10, actionElements: 25, buttonText: 75, buttonValue: 2000, actionId: 255, blockId: 255 };

export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const token = opts.token ?? 'xoxb-fake-bot-token';
  const appToken = opts.appToken ?? 'xapp-1-fake-app-token';
  const teamId = 'T0FAKE0001';
  const botUserId = 'U0FAKEBOT1';
  const botId = 'B0FAKEBOT1';
  const appId = 'A0FAKEAPP1';
  const clientId = '1111111111.2222222222';
  const clientSecret = 'fake-client-secret-0123456789';
  /** One-time OAuth codes → the workspace that allowed the app. */
  const codes = new Map<string, FakeWorkspace>();
  /** Bot tokens of installed workspaces → the workspace. */
  const installed = new Map<string, FakeWorkspace>();
  let readyDelay = opts.fileReadyDelayMs ?? 0;
  let refusals = 0;

  const calls: FakeCall[] = [];
  const files = new Map<string, FakeFile>();
  const uploadKeys = new Map<string, string>();
  const messages: FakeMessage[] = [];
  const channels = new Map<string, ChannelState>();
  const roles = new Map<string, 'owner' | 'admin' | 'member'>();
  const failures = new Map<string, { error: string; extra: Record<string, unknown> }[]>();
  const events = new EventEmitter();
  events.setMaxListeners(0);
  let counter = 0;
  const next = () => ++counter;

  const sockets = new Set<WebSocket>();
  const pendingAcks = new Map<string, (ack: SocketEnvelopeAck) => void>();
  let greeted = false;

  function record(call: FakeCall): void {
    calls.push(call);
    events.emit('call', call);
  }

  const fileId = () => `F${String(next()).padStart(10, '0')}`;
  const newTs = () => `${Math.floor(Date.now() / 1000)}.${String(next()).padStart(6, '0')}`;

  function channelError(channel: unknown): string | null {
    if (typeof channel !== 'string' || channel === '') return 'channel_not_found';
    const state = channels.get(channel) ?? 'member';
    return state === 'member' ? null : state;
  }

  function validateBlocks(blocks: unknown): string[] {
    const errors: string[] = [];
    const err = (msg: string, pointer: string) => errors.push(`${msg} [json-pointer:${pointer}]`);
    if (!Array.isArray(blocks)) return ['must provide an array [json-pointer:/blocks]'];
    if (blocks.length > BLOCK_LIMITS.blocks) err(`no more than ${BLOCK_LIMITS.blocks} items allowed`, '/blocks');
    const blockIds = new Set<string>();
    blocks.forEach((raw, i) => {
      const p = `/blocks/${i}`;
      const b = raw as Record<string, unknown>;
      if (typeof b !== 'object' || b === null) return err('must be an object', p);
      if (typeof b.block_id === 'string') {
        if (b.block_id.length > BLOCK_LIMITS.blockId) err(`must be less than ${BLOCK_LIMITS.blockId + 1} characters`, `${p}/block_id`);
        if (blockIds.has(b.block_id)) err('duplicate block_id', `${p}/block_id`);
        blockIds.add(b.block_id);
      }
      const text = b.text as { type?: unknown; text?: unknown } | undefined;
      switch (b.type) {
        case 'header':
          if (text?.type !== 'plain_text') err('must be a plain_text text object', `${p}/text`);
          if (typeof text?.text !== 'string' || text.text.length === 0) err('must provide a string', `${p}/text/text`);
          else if (text.text.length > BLOCK_LIMITS.header) err(`must be less than ${BLOCK_LIMITS.header + 1} characters`, `${p}/text/text`);
          break;
        case 'section':
          if (typeof text?.text !== 'string' || text.text.length === 0) err('must provide a string', `${p}/text/text`);
          else if (text.text.length > BLOCK_LIMITS.section) err(`must be less than ${BLOCK_LIMITS.section + 1} characters`, `${p}/text/text`);
          break;
        case 'image': {
          if (typeof b.alt_text !== 'string' || b.alt_text.length === 0) err('must provide a string', `${p}/alt_text`);
          else if (b.alt_text.length > BLOCK_LIMITS.altText) err(`must be less than ${BLOCK_LIMITS.altText + 1} characters`, `${p}/alt_text`);
          const sf = b.slack_file as { id?: unknown; url?: unknown } | undefined;
          if ((sf === undefined) === (b.image_url === undefined)) err('must provide exactly one of image_url or slack_file', p);
          if (sf !== undefined) {
            const id = sf.id;
            if (typeof id !== 'string' || !/^F[A-Z0-9]{8,}$/.test(id)) err('input must match regex pattern: ^[F][A-Z0-9]{8,}$', `${p}/slack_file/id`);
            else {
              const f = files.get(id);
              if (!f || f.deleted || f.readyAt === undefined || performance.now() < f.readyAt) err('invalid slack file', `${p}/slack_file`);
              else if (f.refusalsLeft > 0) {
                f.refusalsLeft--;
                err('invalid slack file', `${p}/slack_file`);
              }
            }
          }
          break;
        }
        case 'context': {
          const elements = b.elements;
          if (!Array.isArray(elements) || elements.length === 0) err('must provide an array with at least 1 item', `${p}/elements`);
          else if (elements.length > BLOCK_LIMITS.contextElements) err(`no more than ${BLOCK_LIMITS.contextElements} items allowed`, `${p}/elements`);
          break;
        }
        case 'actions': {
          const elements = b.elements;
          if (!Array.isArray(elements) || elements.length === 0) {
            err('must provide an array with at least 1 item', `${p}/elements`);
            break;
          }
          if (elements.length > BLOCK_LIMITS.actionElements) err(`no more than ${BLOCK_LIMITS.actionElements} items allowed`, `${p}/elements`);
          const actionIds = new Set<string>();
          elements.forEach((rawEl, j) => {
            const e = rawEl as Record<string, unknown>;
            const q = `${p}/elements/${j}`;
            const label = (e.text as { text?: unknown } | undefined)?.text;
            if (typeof label !== 'string' || label.length === 0) err('must provide a string', `${q}/text/text`);
            else if (label.length > BLOCK_LIMITS.buttonText) err(`must be less than ${BLOCK_LIMITS.buttonText + 1} characters`, `${q}/text/text`);
            if (typeof e.action_id === 'string') {
              if (e.action_id.length > BLOCK_LIMITS.actionId) err(`must be less than ${BLOCK_LIMITS.actionId + 1} characters`, `${q}/action_id`);
              if (actionIds.has(e.action_id)) err('duplicate action_id', `${q}/action_id`);
              actionIds.add(e.action_id);
            }
            if (typeof e.value === 'string' && e.value.length > BLOCK_LIMITS.buttonValue) err(`must be less than ${BLOCK_LIMITS.buttonValue + 1} characters`, `${q}/value`);
            if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger') err('must be one of primary, danger', `${q}/style`);
          });
          break;
        }
        case 'divider':
          break;
        default:
          err(`unsupported type: ${String(b.type)}`, `${p}/type`);
      }
    });
    return errors;
  }

  type Result = Record<string, unknown>;
  const fail = (error: string, extra: Record<string, unknown> = {}): Result => ({ ok: false, error, ...extra });
  const invalidBlocks = (errors: string[]): Result => fail('invalid_blocks', { errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } });

  function webApi(method: string, params: Record<string, unknown>, auth: string | undefined): Result {
    if (method === 'oauth.v2.access') {
      // Client credentials as form fields or HTTP Basic; the code is single use.
      const basic = auth?.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString().split(':') : [];
      const id = params.client_id ?? basic[0];
      const secret = params.client_secret ?? basic[1];
      if (id !== clientId) return fail('invalid_client_id');
      if (secret !== clientSecret) return fail('bad_client_secret');
      const ws = codes.get(String(params.code));
      if (!ws) return fail('invalid_code');
      codes.delete(String(params.code));
      installed.set(ws.botToken, ws);
      return {
        ok: true,
        app_id: appId,
        authed_user: { id: ws.installerUserId },
        scope: 'commands,chat:write,app_mentions:read,files:write,channels:history',
        token_type: 'bot',
        access_token: ws.botToken,
        bot_user_id: `U${ws.teamId.slice(1)}BOT`,
        team: { id: ws.teamId, name: ws.teamName },
        enterprise: null,
        is_enterprise_install: false,
      };
    }
    const given = auth?.replace(/^Bearer\s+/i, '') ?? (typeof params.token === 'string' ? params.token : undefined);
    if (!given) return fail('not_authed');
    const workspace = installed.get(given);
    const team = workspace?.teamId ?? teamId;
    if (method === 'apps.connections.open') {
      if (given !== appToken) return fail(given === token ? 'not_allowed_token_type' : 'invalid_auth');
      return { ok: true, url: `ws://127.0.0.1:${port}/link/?ticket=${next()}&app_id=${appId}` };
    }
    if (given !== token && !workspace) return fail(given === appToken ? 'not_allowed_token_type' : 'invalid_auth');

    const queued = failures.get(method)?.shift();
    if (queued) return fail(queued.error, queued.extra);

    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://tapebot-fake.slack.com/', team: workspace?.teamName ?? 'tapebot fake', user: 'tapebot', team_id: team, user_id: workspace ? `U${workspace.teamId.slice(1)}BOT` : botUserId, bot_id: botId, is_enterprise_install: false };
      case 'chat.postMessage': {
        const bad = channelError(params.channel);
        if (bad) return fail(bad);
        if (params.text === undefined && params.blocks === undefined) return fail('no_text');
        if (params.blocks !== undefined) {
          const errors = validateBlocks(params.blocks);
          if (errors.length > 0) return invalidBlocks(errors);
        }
        if (params.metadata !== undefined) {
          const md = params.metadata as { event_type?: unknown; event_payload?: unknown } | null;
          if (typeof md?.event_type !== 'string' || !/^[A-Za-z0-9_]+$/.test(md.event_type) || typeof md.event_payload !== 'object' || md.event_payload === null) {
            return fail('invalid_metadata_format');
          }
        }
        const msg: FakeMessage = {
          channel: params.channel as string,
          ts: newTs(),
          text: params.text as string | undefined,
          blocks: params.blocks as unknown[] | undefined,
          ...(typeof params.thread_ts === 'string' ? { threadTs: params.thread_ts } : {}),
          ...(params.metadata !== undefined ? { metadata: params.metadata } : {}),
          history: [],
          team,
        };
        messages.push(msg);
        return { ok: true, channel: msg.channel, ts: msg.ts, message: { type: 'message', user: botUserId, bot_id: botId, app_id: appId, team, ts: msg.ts, text: msg.text ?? '', blocks: msg.blocks } };
      }
      case 'chat.update': {
        const bad = channelError(params.channel);
        if (bad) return fail(bad);
        const msg = messages.find((m) => m.channel === params.channel && m.ts === params.ts);
        if (!msg) return fail('message_not_found');
        if (params.blocks !== undefined) {
          const errors = validateBlocks(params.blocks);
          if (errors.length > 0) return invalidBlocks(errors);
        }
        msg.history.push({ text: msg.text, blocks: msg.blocks });
        msg.text = params.text as string | undefined;
        msg.blocks = params.blocks as unknown[] | undefined;
        return { ok: true, channel: msg.channel, ts: msg.ts, text: msg.text ?? '', message: { type: 'message', user: botUserId, bot_id: botId, text: msg.text ?? '', blocks: msg.blocks } };
      }
      case 'chat.postEphemeral': {
        const bad = channelError(params.channel);
        if (bad) return fail(bad);
        if (typeof params.user !== 'string') return fail('user_not_found');
        if (params.text === undefined && params.blocks === undefined) return fail('no_text');
        return { ok: true, message_ts: newTs() };
      }
      case 'users.info': {
        if (typeof params.user !== 'string' || !/^[UW][A-Z0-9]{2,}$/.test(params.user)) return fail('user_not_found');
        const role = roles.get(params.user) ?? 'member';
        // An owner is an admin too, as Slack reports them.
        return { ok: true, user: { id: params.user, team_id: team, name: params.user.toLowerCase(), deleted: false, is_bot: false, is_admin: role !== 'member', is_owner: role === 'owner', is_primary_owner: false } };
      }
      case 'conversations.info': {
        // A private channel the bot was never invited to is invisible to it: channel_not_found.
        const state = channels.get(String(params.channel)) ?? 'member';
        if (state === 'channel_not_found') return fail('channel_not_found');
        const id = String(params.channel);
        return { ok: true, channel: { id, is_channel: id.startsWith('C'), is_im: id.startsWith('D'), is_member: state === 'member', is_archived: false } };
      }
      case 'conversations.history': {
        const bad = channelError(params.channel);
        if (bad) return fail(bad);
        const oldest = Number(params.oldest ?? 0);
        const limit = Math.min(999, Number(params.limit ?? 100));
        const start = typeof params.cursor === 'string' && params.cursor !== '' ? Number(Buffer.from(params.cursor, 'base64').toString('utf8').replace('offset:', '')) : 0;
        const all = messages.filter((m) => m.channel === params.channel && Number(m.ts) >= oldest).reverse();
        const page = all.slice(start, start + limit);
        const more = start + limit < all.length;
        const withMeta = params.include_all_metadata === 'true' || params.include_all_metadata === true;
        return {
          ok: true,
          messages: page.map((m) => ({ type: 'message', user: botUserId, bot_id: botId, text: m.text ?? '', ts: m.ts, blocks: m.blocks, ...(withMeta && m.metadata ? { metadata: m.metadata } : {}) })),
          has_more: more,
          pin_count: 0,
          response_metadata: { next_cursor: more ? Buffer.from(`offset:${start + limit}`).toString('base64') : '' },
        };
      }
      case 'files.getUploadURLExternal': {
        const length = Number(params.length);
        if (typeof params.filename !== 'string' || !Number.isInteger(length) || length <= 0) return fail('invalid_arguments');
        const id = fileId();
        const key = `${next()}-${Math.random().toString(36).slice(2)}`;
        uploadKeys.set(key, id);
        files.set(id, { id, filename: params.filename, length, altText: params.alt_text as string | undefined, deleted: false, refusalsLeft: refusals });
        return { ok: true, upload_url: `http://127.0.0.1:${port}/upload/v1/${key}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const list = params.files;
        if (!Array.isArray(list) || list.length === 0) return fail('invalid_arguments');
        const done: Result[] = [];
        for (const entry of list as { id?: unknown; title?: unknown }[]) {
          const f = typeof entry.id === 'string' ? files.get(entry.id) : undefined;
          if (!f || !f.bytes || f.deleted) return fail('file_not_found');
          if (f.bytes.length !== f.length) return fail('file_upload_size_mismatch');
          if (typeof entry.title === 'string') f.title = entry.title;
          f.readyAt = performance.now() + readyDelay;
          const shared = typeof params.channel_id === 'string';
          done.push({ id: f.id, created: Math.floor(Date.now() / 1000), name: f.filename, title: f.title ?? f.filename, mimetype: '', filetype: '', user: botUserId, size: f.length, is_public: shared, channels: shared ? [params.channel_id] : [] });
        }
        return { ok: true, files: done };
      }
      case 'files.delete': {
        const f = typeof params.file === 'string' ? files.get(params.file) : undefined;
        if (!f || f.deleted) return fail('file_not_found');
        f.deleted = true;
        return { ok: true };
      }
      default:
        return fail('unknown_method');
    }
  }

  async function readBody(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async function parseParams(raw: Buffer, contentType: string, query: URLSearchParams): Promise<Record<string, unknown>> {
    const params: Record<string, unknown> = Object.fromEntries(query);
    if (contentType.startsWith('application/json')) return { ...params, ...(raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {}) };
    if (contentType.startsWith('application/x-www-form-urlencoded')) {
      for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) params[k] = JSON_FIELDS.has(k) ? JSON.parse(v) : v;
    }
    return params;
  }

  function send(res: ServerResponse, status: number, body: unknown, type = 'application/json; charset=utf-8'): void {
    res.writeHead(status, { 'content-type': type });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const contentType = req.headers['content-type'] ?? '';
      const raw = await readBody(req);
      const at = performance.now();
      const base = { at, path: url.pathname, contentType, authorization: req.headers.authorization };

      if (url.pathname.startsWith('/api/')) {
        const method = url.pathname.slice('/api/'.length);
        let params: Record<string, unknown>;
        try {
          params = await parseParams(raw, contentType, url.searchParams);
        } catch {
          const result = fail('invalid_form_data');
          record({ ...base, method, params: {}, result });
          return send(res, 200, result);
        }
        const result = webApi(method, params, req.headers.authorization);
        record({ ...base, method, params, result });
        if (opts.latencyMs) await new Promise((r) => setTimeout(r, opts.latencyMs));
        return send(res, 200, result);
      }

      if (url.pathname.startsWith('/upload/v1/') && req.method === 'POST') {
        const id = uploadKeys.get(url.pathname.slice('/upload/v1/'.length));
        let bytes = raw;
        let fieldName: string | null = null;
        if (contentType.startsWith('multipart/form-data')) {
          // Parse the multipart body with the platform's own parser (undici's Response.formData()).
          const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
          for (const [name, value] of form) {
            if (typeof value !== 'string') {
              bytes = Buffer.from(await value.arrayBuffer());
              fieldName = name;
              break;
            }
          }
        }
        const f = id ? files.get(id) : undefined;
        record({ ...base, method: 'upload', params: { fileId: id, field: fieldName, size: bytes.length }, result: f ? 'OK' : 'not found' });
        if (!f) return send(res, 404, 'Not Found', 'text/plain');
        f.bytes = bytes;
        return send(res, 200, `OK - ${bytes.length}`, 'text/plain');
      }

      if (url.pathname.startsWith('/response/') && req.method === 'POST') {
        let params: Record<string, unknown> = {};
        try {
          params = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
        } catch {
          record({ ...base, method: 'response_url', params: {}, result: 'invalid_payload' });
          return send(res, 400, 'invalid_payload', 'text/plain');
        }
        const result = { ok: true };
        record({ ...base, method: 'response_url', params, result });
        return send(res, 200, result);
      }

      record({ ...base, method: 'unknown', params: {}, result: 404 });
      send(res, 404, 'Not Found', 'text/plain');
    })().catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, String(err), 'text/plain');
    });
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (!(req.url ?? '').startsWith('/link/')) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
        const resolve = msg.envelope_id ? pendingAcks.get(msg.envelope_id) : undefined;
        if (resolve && msg.envelope_id) {
          pendingAcks.delete(msg.envelope_id);
          resolve({ envelope_id: msg.envelope_id, payload: msg.payload, at: performance.now() });
        }
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake-slack', approximate_connection_time: 18060 }, connection_info: { app_id: appId } }));
      greeted = true;
      events.emit('socket');
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    baseUrl,
    apiUrl: `${baseUrl}/api/`,
    token,
    appToken,
    teamId,
    botUserId,
    clientId,
    clientSecret,
    grantCode(ws) {
      const code = `code-${ws.teamId}-${next()}`;
      codes.set(code, ws);
      return code;
    },
    revoke(team) {
      for (const [t, ws] of installed) if (ws.teamId === team) installed.delete(t);
    },
    calls,
    files,
    messages,
    callsTo: (method) => calls.filter((c) => c.method === method),
    responseUrl: () => `${baseUrl}/response/${next()}`,
    responsesTo: (url) => calls.filter((c) => c.method === 'response_url' && `${baseUrl}${c.path}` === url),
    setChannel: (channel, state) => void channels.set(channel, state),
    setUserRole: (user, role) => void roles.set(user, role),
    setFileReadyDelay: (ms) => {
      readyDelay = ms;
    },
    setFileRefusals: (n) => {
      refusals = n;
    },
    failNext(method, error, extra = {}) {
      const q = failures.get(method) ?? [];
      q.push({ error, extra });
      failures.set(method, q);
    },
    waitFor(match, timeoutMs = 5000) {
      const found = calls.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const onCall = (c: FakeCall) => {
          if (!match(c)) return;
          clearTimeout(timer);
          events.off('call', onCall);
          resolve(c);
        };
        const timer = setTimeout(() => {
          events.off('call', onCall);
          reject(new Error(`fake Slack: no matching call within ${timeoutMs} ms; saw ${calls.map((c) => c.method).join(', ') || 'nothing'}`));
        }, timeoutMs);
        events.on('call', onCall);
      });
    },
    socketConnected(timeoutMs = 5000) {
      if (greeted && sockets.size > 0) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('fake Slack: no Socket Mode connection')), timeoutMs);
        events.once('socket', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    socketSend(type, payload, timeoutMs = 5000) {
      const ws = [...sockets][0];
      if (!ws) return Promise.reject(new Error('fake Slack: no Socket Mode connection'));
      const envelopeId = `env-${next()}`;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pendingAcks.delete(envelopeId);
          reject(new Error(`fake Slack: envelope ${envelopeId} not acknowledged within ${timeoutMs} ms`));
        }, timeoutMs);
        pendingAcks.set(envelopeId, (ack) => {
          clearTimeout(timer);
          resolve(ack);
        });
        ws.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: 0, retry_reason: '' }));
      });
    },
    reset() {
      calls.length = 0;
      messages.length = 0;
      channels.clear();
      failures.clear();
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
