/**
 * A fake chat API on 127.0.0.1 for the crash tests, with each platform's idempotency behaviour:
 * - Discord-like `POST /discord/channels/:id/messages` with `{ content, nonce, enforce_nonce: true }`:
 *   a repeated nonce in the same channel returns the original message instead of creating one.
 * - Slack-like `POST /slack/chat.postMessage` with `{ channel, text, metadata }`: no deduplication;
 *   `GET /slack/conversations.history?channel=` lists the channel's messages with their metadata.
 * Each request is stored before the response is delayed a little, so a client killed while waiting
 * leaves a message it never heard about: the case exactly-once has to survive.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredMessage {
  id: string;
  platform: 'discord' | 'slack';
  channel: string;
  key: string;
  text: string;
}

export interface FakeChatServer {
  url: string;
  messages: StoredMessage[];
  reset(): void;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
}

export async function startFakeChatServer(opts: { maxDelayMs?: number } = {}): Promise<FakeChatServer> {
  const maxDelay = opts.maxDelayMs ?? 15;
  let messages: StoredMessage[] = [];
  let nonces = new Map<string, StoredMessage>();
  let n = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const reply = async (status: number, json: unknown) => {
        await new Promise((r) => setTimeout(r, Math.random() * maxDelay));
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      const discord = /^\/discord\/channels\/([^/]+)\/messages$/.exec(url.pathname);
      if (req.method === 'POST' && discord) {
        const b = (await body(req)) as { content: string; nonce?: string; enforce_nonce?: boolean };
        const channel = discord[1] as string;
        const k = `${channel}/${b.nonce ?? ''}`;
        const existing = b.enforce_nonce && b.nonce ? nonces.get(k) : undefined;
        if (existing) return reply(200, { id: existing.id, nonce: b.nonce });
        const m: StoredMessage = { id: `m${++n}`, platform: 'discord', channel, key: b.nonce ?? '', text: b.content };
        messages.push(m);
        if (b.enforce_nonce && b.nonce) nonces.set(k, m);
        return reply(200, { id: m.id, nonce: b.nonce });
      }
      if (req.method === 'POST' && url.pathname === '/slack/chat.postMessage') {
        const b = (await body(req)) as { channel: string; text: string; metadata?: { event_payload?: { key?: string } } };
        const m: StoredMessage = { id: `${Date.now()}.${String(++n).padStart(6, '0')}`, platform: 'slack', channel: b.channel, key: b.metadata?.event_payload?.key ?? '', text: b.text };
        messages.push(m);
        return reply(200, { ok: true, ts: m.id, channel: b.channel });
      }
      if (req.method === 'GET' && url.pathname === '/slack/conversations.history') {
        const channel = url.searchParams.get('channel');
        const list = messages.filter((m) => m.platform === 'slack' && m.channel === channel).map((m) => ({ ts: m.id, text: m.text, metadata: { event_type: 'tapebot_post', event_payload: { key: m.key } } }));
        return reply(200, { ok: true, messages: list.reverse() });
      }
      return reply(404, { ok: false, error: 'not_found' });
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get messages() {
      return messages;
    },
    reset() {
      messages = [];
      nonces = new Map();
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
