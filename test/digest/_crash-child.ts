/**
 * The process the crash tests kill: opens the digest store in a file, subscribes CHANNELS channels,
 * and delivers the close digest of DAYS trading days through the real service and outbox to the fake
 * chat server, then prints DONE and exits. Run again after a kill, it resumes what was pending.
 *
 * Environment: DB (file), SERVER (base URL), MODE (discord | slack | slack-naive), CRASH_AT (optional:
 * SIGKILL itself at the N-th checkpoint — before/after deciding, recording an attempt, the HTTP call,
 * recording the send), CRASH_ON (optional: at the first checkpoint of that name, e.g. after-http).
 * slack-naive is the control: a Slack poster without findPosted, which a crash after the HTTP call
 * must be able to turn into a duplicate, or the test would prove nothing.
 * discord-real and slack-real use tapebot's own posters (src/adapters/discord/poster.ts and slack/poster.ts, the real
 * discord.js REST and Slack Web API clients) against the local fake platforms of test/fakes, whose
 * URLs and tokens come in API and TOKEN; CHANNEL_IDS lists the channels to subscribe.
 */
import { createCanvas } from '@napi-rs/canvas';
import { webApi } from '@slack/bolt';
import { createDiscordRest } from '../../src/adapters/discord/client.ts';
import { createDiscordPoster } from '../../src/adapters/discord/poster.ts';
import { createSlackPoster } from '../../src/adapters/slack/poster.ts';
import type { Answer } from '../../src/answer/answer.ts';
import type { ChartRenderer } from '../../src/charts/renderer.ts';
import { silentLogger } from '../../src/log.ts';
import { seriesFromCloses, type DailySeries } from '../../src/core/series.ts';
import type { MarketData } from '../../src/data/market-data.ts';
import { createManualClock } from '../../src/digest/clock.ts';
import { PostError, type ChannelRef, type DigestPoster } from '../../src/digest/poster.ts';
import { dueInstant, type Slot } from '../../src/digest/schedule.ts';
import { createDigestService } from '../../src/digest/service.ts';
import { createDigestStore, type SqliteDigestStore } from '../../src/digest/store.ts';
import { openDatabase } from '../../src/store/db.ts';
import { naiveRows } from '../commands/_naive.ts';
import { fakeRenderer, settle } from './_fakes.ts';

export const CHANNELS = 6;
export const DAYS = ['2025-03-03', '2025-03-04', '2025-03-05'];
const SLOT: Slot = { time: '16:30', tz: 'America/New_York' };

const env = process.env;
const mode = (env.MODE ?? 'discord') as 'discord' | 'slack' | 'slack-naive' | 'discord-real' | 'slack-real';
const server = env.SERVER ?? '';
const crashAt = env.CRASH_AT ? Number(env.CRASH_AT) : 0;
const crashOn = env.CRASH_ON ?? '';
let checkpoints = 0;
function checkpoint(name: string): void {
  checkpoints++;
  if (checkpoints === crashAt || name === crashOn) process.kill(process.pid, 'SIGKILL');
}

/** Deterministic made-up prices: the test is about delivery, not the numbers. */
function syntheticMarket(): MarketData {
  const dates = naiveRows('SPY')
    .map((r) => r.date)
    .filter((d) => d >= '2024-01-01' && d <= (DAYS[DAYS.length - 1] as string));
  const cache = new Map<string, DailySeries>();
  return {
    sourceLabel: 'synthetic',
    async series(symbol) {
      let s = cache.get(symbol);
      if (!s) {
        let h = 0;
        for (const c of symbol) h = (h * 31 + c.charCodeAt(0)) >>> 0;
        let p = 100;
        const closes = dates.map((_, i) => (p *= 1 + Math.sin(h + i * 0.7) * 0.01));
        s = seriesFromCloses(symbol, dates, closes);
        cache.set(symbol, s);
      }
      return s;
    },
    async latestClose() {
      return DAYS[DAYS.length - 1] as string;
    },
  };
}

async function call(path: string, init?: { method: string; body: unknown }): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${server}${path}`, init ? { method: init.method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) } : undefined);
  } catch (err) {
    throw new PostError('transient', 'network error', 500, { cause: err });
  }
  if (!res.ok) throw new PostError(res.status >= 500 ? 'transient' : 'permanent', `HTTP ${res.status}`);
  return res.json();
}

const text = (a: Answer) => `${a.title}\n${a.lines.join('\n')}`;

function discordPoster(): DigestPoster {
  return {
    platform: 'discord',
    dedupWindowMs: 5 * 60_000,
    async post(channel, answer, _charts, { idempotencyKey }) {
      checkpoint('before-http');
      const r = (await call(`/discord/channels/${channel.id}/messages`, { method: 'POST', body: { content: text(answer), nonce: idempotencyKey, enforce_nonce: true } })) as { id: string };
      checkpoint('after-http');
      return { messageId: r.id };
    },
  };
}

function slackPoster(withLookup: boolean): DigestPoster {
  const p: DigestPoster = {
    platform: 'slack',
    dedupWindowMs: 0,
    async post(channel, answer, _charts, { idempotencyKey }) {
      checkpoint('before-http');
      const r = (await call('/slack/chat.postMessage', { method: 'POST', body: { channel: channel.id, text: text(answer), metadata: { event_type: 'tapebot_post', event_payload: { key: idempotencyKey } } } })) as { ts: string };
      checkpoint('after-http');
      return { messageId: r.ts };
    },
  };
  if (withLookup) {
    p.findPosted = async (channel: ChannelRef, key: string) => {
      const r = (await call(`/slack/conversations.history?channel=${encodeURIComponent(channel.id)}`)) as { messages: { ts: string; metadata?: { event_payload?: { key?: string } } }[] };
      const m = r.messages.find((x) => x.metadata?.event_payload?.key === key);
      return m ? { messageId: m.ts } : null;
    };
  }
  return p;
}

/** tapebot's own poster for the platform, with the HTTP call between two checkpoints. */
function realPoster(): DigestPoster {
  const api = env.API ?? '';
  const token = env.TOKEN ?? '';
  const real =
    mode === 'discord-real'
      ? createDiscordPoster(createDiscordRest({ token, apiUrl: api }))
      : createSlackPoster(new webApi.WebClient(token, { slackApiUrl: api, retryConfig: { retries: 0 } }), { logger: silentLogger, delivery: { imageRetryDelaysMs: [50] } });
  return {
    ...real,
    async post(channel, answer, charts, opts) {
      checkpoint('before-http');
      const r = await real.post(channel, answer, charts, opts);
      checkpoint('after-http');
      return r;
    },
  };
}

/** A renderer that hands out one small, real PNG: the platforms' fakes check that uploads are images. */
function pngRenderer(): ChartRenderer {
  const png = createCanvas(8, 8).toBuffer('image/png');
  return { name: 'png', render: async () => png, close: async () => {} };
}

/** The store with checkpoints around every write that matters to exactly-once. */
function hooked(store: SqliteDigestStore): SqliteDigestStore {
  return {
    ...store,
    decide(...args) {
      checkpoint('before-decide');
      const r = store.decide(...args);
      checkpoint('after-decide');
      return r;
    },
    markAttempt(...args) {
      checkpoint('before-markAttempt');
      store.markAttempt(...args);
      checkpoint('after-markAttempt');
    },
    markSent(...args) {
      checkpoint('before-markSent');
      store.markSent(...args);
      checkpoint('after-markSent');
    },
  };
}

async function main(): Promise<void> {
  const db = openDatabase(env.DB ?? ':memory:');
  const store = hooked(createDigestStore(db));
  const platform = mode === 'discord' || mode === 'discord-real' ? 'discord' : 'slack';
  const first = dueInstant(SLOT, DAYS[0] as string);
  const ids = env.CHANNEL_IDS ? env.CHANNEL_IDS.split(',') : Array.from({ length: CHANNELS }, (_, i) => `c${i}`);
  for (const id of ids) {
    const channel: ChannelRef = { platform, id };
    if (store.subscriptions(channel).length === 0) store.subscribe(channel, 'close', SLOT, null, new Date(first.getTime() - 3_600_000));
  }
  const clock = createManualClock(first);
  const poster = mode === 'discord-real' || mode === 'slack-real' ? realPoster() : mode === 'discord' ? discordPoster() : slackPoster(mode === 'slack');
  const fast = { perChannel: { count: 1000, ms: 1000 }, global: { count: 1000, ms: 1000 }, concurrency: 3 };
  const service = createDigestService({
    store,
    market: syntheticMarket(),
    runner: async () => {
      throw new Error('no commands here');
    },
    renderer: mode === 'discord-real' || mode === 'slack-real' ? pngRenderer() : fakeRenderer(),
    posters: [poster],
    clock,
    limits: { discord: fast, slack: fast },
  });
  await service.start();
  for (const day of DAYS) {
    const due = dueInstant(SLOT, day);
    clock.set(due);
    await service.fireSlot(SLOT, due);
    await settle(() => service.busy() + service.queued());
  }
  await settle(() => service.busy() + service.queued());
  await service.stop();
  const rows = store.outbox({ kind: 'digest' });
  const sent = rows.filter((r) => r.status === 'sent').length;
  db.close();
  process.stdout.write(sent === ids.length * DAYS.length ? `DONE ${checkpoints}\n` : `INCOMPLETE ${sent}\n`);
}

await main();
