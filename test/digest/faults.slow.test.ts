/**
 * Fault trials: PostgreSQL restarted under load, and Redis restarted, while one tapebot (in process:
 * the real app, digest service, PostgreSQL digest store, Redis limits and BullMQ schedule, posting to
 * the fake Slack through tapebot's own Slack poster) answers commands and posts digests. Nothing of
 * tapebot is restarted or rebuilt: it must recover by itself.
 *
 * The servers are private to this file (test/_services/private-servers.ts): a throwaway PostgreSQL
 * cluster and a Redis with no persistence, each on a free port. The shared 5432/6379 are never touched.
 *
 * - PostgreSQL: on the first day the server is down when the slot fires (stopped before, started a
 *   moment later), on the others `pg_ctl restart -m fast` lands after a random number of that day's
 *   posts. Commands run all along; while it is down those that need the store fail with the short
 *   "try again" words, never an internal error, and succeed again afterwards.
 * - Redis (restarted empty): commands are answered throughout (the limits fall back to the process's
 *   own buckets, then use Redis again); the digest schedule's job schedulers are set again and keep
 *   running the slot, whose digests go out once.
 *
 * Every (channel, day) must reach Slack exactly once (the posts are listed).
 *
 * The digest machinery runs on a manual clock; the test moves it from timer to timer, slowly (a fake
 * minute per 200 ms) while a server is away, so the retries the process arms are really tried against
 * the absent server before it returns.
 */
import { createCanvas } from '@napi-rs/canvas';
import { webApi } from '@slack/bolt';
import { afterAll, describe, expect, it } from 'vitest';
import { createSlackPoster } from '../../src/adapters/slack/poster.ts';
import { limitsFromConfig, type App } from '../../src/app.ts';
import type { ChartRenderer } from '../../src/charts/renderer.ts';
import type { ChannelContext } from '../../src/command/define.ts';
import type { RunResult } from '../../src/command/run.ts';
import { loadConfig } from '../../src/config.ts';
import { createManualClock, type ManualClock } from '../../src/digest/clock.ts';
import { createBullJobs } from '../../src/digest/jobs-bullmq.ts';
import { dueInstant, type Slot } from '../../src/digest/schedule.ts';
import { createDigestService, type DigestJobs, type DigestService } from '../../src/digest/service.ts';
import { createPgDigestStore, type PgDigestStore } from '../../src/digest/store-pg.ts';
import { silentLogger } from '../../src/log.ts';
import { createRedisLimitStore } from '../../src/ops/limits-redis.ts';
import { openRedisForJobs, openRedisForRequests, type Redis } from '../../src/ops/redis.ts';
import { openPg, type PgPool } from '../../src/store/pg.ts';
import { naiveRows } from '../commands/_naive.ts';
import { startFakeSlack, type FakeSlack } from '../fakes/slack/server.ts';
import { startPrivatePg, startPrivateRedis } from '../_services/private-servers.ts';
import { createTestApp } from '../_app.ts';

const pgServer = await startPrivatePg();
const redisServer = await startPrivateRedis();
const up = pgServer !== null && redisServer !== null;

const CHANNELS = 30;
const SLOT: Slot = { time: '16:30', tz: 'America/New_York' };
const DAYS = naiveRows('SPY')
  .map((r) => r.date)
  .filter((d) => d >= '2025-04-07')
  .slice(0, 5);
const PG_DAYS = DAYS.slice(0, 3);
const REDIS_DAYS = DAYS.slice(3);

const closers: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const c of closers.reverse()) await Promise.resolve(c()).catch(() => {});
  await pgServer?.stop();
  await redisServer?.stop();
});

/** A progress line at once (the trials take minutes). */
const progress = (line: string): void => void process.stderr.write(`faults: ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ADMIN: ChannelContext = { platform: 'slack', id: 'CCMD', canManage: true, userId: 'U1' };

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function tinyRenderer(): ChartRenderer {
  const png = createCanvas(8, 8).toBuffer('image/png');
  return { name: 'png', render: async () => png, close: async () => {} };
}

/** Every digest on the fake Slack, counted per (channel, day): its headline names the day. */
function postsPerChannelDay(slack: FakeSlack): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of slack.messages) {
    const day = /Market close · (\w+ \d+, \d+)/.exec(m.text ?? '')?.[1];
    if (!day) continue;
    const k = `${m.channel} ${day}`;
    out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

/** Commands in a loop until stopped: each result with what the server state was while it ran. */
function commandLoad(app: App, texts: readonly string[]) {
  const results: { text: string; r: RunResult; phase: string }[] = [];
  let phase = 'up';
  let stop = false;
  const loop = (async () => {
    for (let i = 0; !stop; i++) {
      const text = texts[i % texts.length] ?? '';
      const at = phase;
      const r = await app.runner.runText(text, {}, ADMIN);
      results.push({ text, r, phase: at === phase ? at : `${at}→${phase}` });
      await sleep(20);
    }
  })();
  return {
    results,
    setPhase(p: string) {
      phase = p;
    },
    async stop() {
      stop = true;
      await loop;
    },
  };
}

/** Refusals must be the short "try again" kind: never an internal error, never a stack. */
function expectClearFailures(results: readonly { text: string; r: RunResult; phase: string }[]): void {
  for (const { text, r, phase } of results) {
    if (r.ok) continue;
    expect(r.error.audience, `${text} (${phase}): ${r.error.message}`).toBe('retry');
    expect(r.error.message, `${text} (${phase})`).toMatch(/try again/i);
    expect(r.error.message.length, `${text} (${phase}): short`).toBeLessThan(200);
    expect(r.error.message, `${text} (${phase}): no stack`).not.toMatch(/\n\s+at |Error:|ECONN|postgres/i);
  }
}

interface Rig {
  app: App;
  store: PgDigestStore;
  service: DigestService;
  clock: ManualClock;
  slack: FakeSlack;
  redis: Redis;
  prefix: string;
}

async function rig(opts: { jobs?: (connection: Redis) => DigestJobs; start: Date }): Promise<Rig> {
  if (!pgServer || !redisServer) throw new Error('servers not started');
  const pool: PgPool = await openPg({ url: pgServer.url, schema: `faults_${Math.floor(Math.random() * 1e6)}`, max: 6 });
  closers.push(() => pool.end());
  const store = await createPgDigestStore(pool);
  const slack = await startFakeSlack();
  closers.push(() => slack.close());
  const redis = openRedisForRequests(redisServer.url);
  closers.push(() => redis.disconnect());
  const prefix = `faults:${process.pid}:`;
  const clock = createManualClock(opts.start);
  const config = loadConfig({ RENDER_THREADS: '0', RATE_USER_PER_MIN: '100000', RATE_USER_BURST: '100000', RATE_CHANNEL_PER_MIN: '100000', RATE_CHANNEL_BURST: '100000' });
  const app = createTestApp({ digests: { store, clock }, limiter: limitsFromConfig(config, createRedisLimitStore(redis, { prefix })) });
  closers.push(() => app.close());
  const poster = createSlackPoster(new webApi.WebClient(slack.token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }), { logger: silentLogger, delivery: { imageRetryDelaysMs: [50] } });
  let jobs: DigestJobs | undefined;
  if (opts.jobs) {
    const connection = openRedisForJobs(redisServer.url);
    closers.push(() => connection.disconnect());
    jobs = opts.jobs(connection);
  }
  const service = createDigestService({
    store,
    market: app.market,
    runner: app.runner,
    renderer: tinyRenderer(),
    posters: [poster],
    clock,
    limits: { slack: { perChannel: { count: 1000, ms: 1000 }, global: { count: 10_000, ms: 1000 } , concurrency: 4 } },
    replicaId: 'faults',
    ...(jobs ? { jobs } : {}),
  });
  closers.push(() => service.stop());
  return { app, store, service, clock, slack, redis, prefix };
}

async function subscribeAll(store: PgDigestStore, before: Date): Promise<void> {
  for (let i = 0; i < CHANNELS; i++) await store.subscribe({ platform: 'slack', id: `C${String(i).padStart(4, '0')}` }, 'close', SLOT, null, before);
}

/** Waits (real time) until the service has nothing running or queued. */
async function settle(service: DigestService, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (service.busy() + service.queued() > 0) {
    if (Date.now() > end) throw new Error('the digest service did not settle');
    await sleep(10);
  }
}

/**
 * Moves the manual clock from timer to timer up to `until`, letting the work of each settle; while
 * `slow()` says a server is away, a fake minute takes 200 ms of real time.
 */
async function pump(r: Rig, until: Date, slow: () => boolean): Promise<void> {
  for (;;) {
    await settle(r.service);
    const next = r.clock.nextTimerAt();
    if (!next || next.getTime() > until.getTime()) break;
    if (slow()) await sleep(200);
    r.clock.fireNext();
  }
  r.clock.set(until);
}

function expectDaysPostedOnce(slack: FakeSlack, days: readonly string[], label: string): void {
  const per = postsPerChannelDay(slack);
  const want = new Set<string>();
  for (const day of days) {
    const d = new Date(`${day}T12:00:00Z`).toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
    for (let i = 0; i < CHANNELS; i++) want.add(`C${String(i).padStart(4, '0')} ${d}`);
  }
  const missing = [...want].filter((k) => !per.has(k));
  const doubled = [...per].filter(([, n]) => n !== 1);
  expect(missing, `${label}: every (channel, day) posted`).toEqual([]);
  expect(doubled, `${label}: none twice`).toEqual([]);
  expect([...per.keys()].filter((k) => !want.has(k)), `${label}: nothing else posted`).toEqual([]);
}

describe.skipIf(!up)('faults: the servers restarted under tapebot', () => {
  it(`PostgreSQL restarted under load: commands fail clearly and recover, ${CHANNELS} channels × ${PG_DAYS.length} days posted once each`, async () => {
    if (!pgServer) return;
    const first = dueInstant(SLOT, PG_DAYS[0] ?? '');
    const r = await rig({ start: new Date(first.getTime() - 10 * 60_000) });
    await subscribeAll(r.store, new Date(first.getTime() - 3_600_000));
    await r.service.start();
    const load = commandLoad(r.app, ['/digest list', '/watch list', '/compare IWM SPY asof:2025-04-04', '/alert list']);
    const random = rng(Number(process.env.FAULT_TEST_SEED ?? 20250407));
    const log: string[] = [];
    let away = false;
    try {
      for (const [i, day] of PG_DAYS.entries()) {
        const due = dueInstant(SLOT, day);
        if (i === 0) {
          // Down when the slot fires: deciding fails, and the slot runs again once it is back.
          away = true;
          load.setPhase('down');
          await pgServer.down();
          const seen = load.results.length;
          await pump(r, new Date(due.getTime() + 60_000), () => away);
          await until('commands while PostgreSQL is down', () => load.results.length >= seen + 4);
          const posted = postsPerChannelDay(r.slack).size;
          await pgServer.up();
          away = false;
          load.setPhase('up');
          log.push(`${day}: PostgreSQL down when the slot fired (${posted} posts while it was down), started again a minute later (fake time)`);
        } else {
          const after = Math.floor(random() * CHANNELS);
          let restart: Promise<void> | null = null;
          const before = r.slack.messages.length;
          // Restart once `after` of the day's posts have reached Slack.
          const watcher = (async () => {
            const end = Date.now() + 120_000;
            while (r.slack.messages.length - before < after && Date.now() < end) await sleep(5);
            away = true;
            load.setPhase('restarting');
            restart = pgServer.restart();
            await restart;
            away = false;
            load.setPhase('up');
          })();
          await pump(r, new Date(due.getTime() + 60_000), () => away);
          await watcher;
          log.push(`${day}: PostgreSQL restarted after ${after} of the day's posts`);
        }
        await pump(r, new Date(due.getTime() + 90 * 60_000), () => away);
        const rows = (await r.store.outbox({ kind: 'digest' })).filter((o) => o.event === day);
        expect(rows.filter((o) => o.status === 'sent').length, `${day}: every row sent`).toBe(CHANNELS);
      }
    } finally {
      await load.stop();
    }
    process.stdout.write(`faults (PostgreSQL):\n  ${log.join('\n  ')}\n`);
    const failed = load.results.filter((x) => !x.r.ok);
    process.stdout.write(`  commands: ${load.results.length} run, ${failed.length} refused while the server was away: ${[...new Set(failed.map((x) => x.r.ok ? '' : x.r.error.message.replace(/\(reference \w+\)/, '(reference …)')))].join(' | ')}\n`);
    expectClearFailures(load.results);
    expect(failed.every((x) => x.phase !== 'up'), 'refusals only while the server was away').toBe(true);
    // Recovered by itself: the same commands work now, on the same app and pool.
    for (const text of ['/digest list', '/watch add XLE', '/watch list']) {
      const res = await r.app.runner.runText(text, {}, ADMIN);
      expect(res.ok, `${text} after the restarts`).toBe(true);
    }
    expectDaysPostedOnce(r.slack, PG_DAYS, 'PostgreSQL restarts');
  }, 600_000);

  it(`Redis restarted: commands are answered throughout, the schedule comes back, ${CHANNELS} channels × ${REDIS_DAYS.length} days posted once each`, async () => {
    if (!redisServer) return;
    const first = dueInstant(SLOT, REDIS_DAYS[0] ?? '');
    let runs = 0;
    // The slot's schedule as the service sets it, but firing every second: the manual clock says which occurrence it is.
    const r = await rig({
      start: new Date(first.getTime() + 60_000),
      jobs: (connection) => {
        const inner = createBullJobs({ connection, prefix: `faults-bull-${process.pid}` });
        return {
          sync: (specs) => inner.sync(specs.map((s) => ({ ...s, cron: '* * * * * *', tz: 'UTC' }))),
          start: (run) =>
            inner.start(async (name) => {
              runs++;
              await run(name);
            }),
          stop: () => inner.stop(),
          queue: inner.queue,
        } as DigestJobs & { queue: typeof inner.queue };
      },
    });
    await subscribeAll(r.store, new Date(first.getTime() - 3_600_000));
    const load = commandLoad(r.app, ['/compare IWM SPY asof:2025-04-04', '/digest list']);
    const log: string[] = [];
    try {
      // Day one: started after the due time (catch-up), then Redis restarts with the schedule running.
      await r.service.start();
      progress('Redis trial: started');
      await until('the first day posted', () => postsPerChannelDay(r.slack).size >= CHANNELS);
      await until('the schedule running', () => runs >= 2);
      load.setPhase('down');
      const runsBefore = runs;
      progress(`Redis trial: first day posted, ${runs} slot runs; stopping Redis`);
      await redisServer.down();
      const seen = load.results.length;
      await until('commands while Redis is down', () => load.results.length >= seen + 4);
      await redisServer.up();
      load.setPhase('up');
      progress('Redis trial: Redis is back');
      log.push(`${REDIS_DAYS[0]}: Redis restarted (empty) after ${runsBefore} slot runs`);
      // The next day: the clock moves past its due time; only the schedule (set again by itself) runs the slot.
      for (const day of REDIS_DAYS.slice(1)) {
        const due = dueInstant(SLOT, day);
        r.clock.set(new Date(due.getTime() + 60_000));
        const before = runs;
        progress(`Redis trial: ${day}, ${runs} slot runs so far`);
        await until(`${day}: the slot runs on the restored schedule`, () => runs >= before + 2);
        await until(`${day}: posted`, () => postsPerChannelDay(r.slack).size >= CHANNELS * (REDIS_DAYS.indexOf(day) + 1));
        await settle(r.service);
        log.push(`${day}: the slot ran ${runs - before} times on the schedule set again after the restart`);
      }
      // A few more runs: more occurrences of the same slot decide nothing more.
      const more = runs;
      await until('more slot runs', () => runs >= more + 2);
      await settle(r.service);
    } finally {
      await load.stop();
    }
    process.stdout.write(`faults (Redis):\n  ${log.join('\n  ')}\n  commands: ${load.results.length} run, ${load.results.filter((x) => !x.r.ok).length} refused\n`);
    expectClearFailures(load.results);
    expect(load.results.filter((x) => x.phase !== 'up' && x.r.ok).length, 'answered while Redis was away').toBeGreaterThan(0);
    expect(load.results.every((x) => x.r.ok), 'every command answered').toBe(true);
    // The limits use Redis again after the restart (their buckets are back in it).
    await r.app.runner.runText('/compare IWM SPY asof:2025-04-04', {}, ADMIN);
    expect((await r.redis.keys(`${r.prefix}*`)).length, 'limit buckets in Redis again').toBeGreaterThan(0);
    expectDaysPostedOnce(r.slack, REDIS_DAYS, 'Redis restart');
  }, 600_000);
});

async function until(what: string, cond: () => boolean, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
