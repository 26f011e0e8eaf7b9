/**
 * Replicas on PostgreSQL and Redis (issue 17's speed targets), against the PostgreSQL and Redis of this
 * machine (TEST_DATABASE_URL, TEST_REDIS_URL; a schema and a key prefix of the run's own, dropped after):
 *   - acknowledgement with 200 chart commands in flight, with PostgreSQL (the digest store) and Redis
 *     (the limits, whose tokens are taken before every acknowledgement) as the stores: the Discord
 *     benchmark (bench/discord.bench.ts) on those stores, to set beside its SQLite/memory figures;
 *   - deciding and queueing 1,000 channels' digests (20 configurations, as bench/digest) across two
 *     replicas: two digest services, each with its own app (price cache, computations) and pool, on
 *     one PostgreSQL store, fire the same slot at once (after the start-up warm-up main.ts does). CPU
 *     of this process, which runs both replicas (all threads), from the firing until every post is
 *     decided and queued, then until every post is sent (posters that answer at once). PostgreSQL's
 *     own CPU is another process's and not counted.
 *   npx tsx bench/replicas.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createApp, limitsFromConfig, type App } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createManualClock, systemClock } from '../src/digest/clock.ts';
import type { Platform } from '../src/digest/poster.ts';
import { dueInstant } from '../src/digest/schedule.ts';
import { createDigestService, type DigestService } from '../src/digest/service.ts';
import { createPgDigestStore } from '../src/digest/store-pg.ts';
import { createRedisLimitStore } from '../src/ops/limits-redis.ts';
import { openRedisForRequests } from '../src/ops/redis.ts';
import { warmUp } from '../src/ops/warmup.ts';
import { openPg, type PgPool } from '../src/store/pg.ts';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../test/_services/services.ts';
import { cpuMs, instantPoster, settle, SLOT, WATCHLISTS } from './digest.bench.ts';
import { benchDiscord } from './discord.bench.ts';

const CHANNELS = 1000;
/** Limits far above the burst: the figure is the cost of asking Redis, not of refusals. */
const HIGH_LIMITS = { RATE_USER_PER_MIN: '100000', RATE_USER_BURST: '100000', RATE_CHANNEL_PER_MIN: '100000', RATE_CHANNEL_BURST: '100000' };

const schemaName = (label: string) => `bench_${label}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;

/** The Discord acknowledgement figures with PostgreSQL and Redis as the stores. */
export async function benchReplicaAcks(): Promise<Record<string, number>> {
  const schema = schemaName('acks');
  const pool = await openPg({ url: TEST_DATABASE_URL, schema, max: 4 });
  const redis = openRedisForRequests(TEST_REDIS_URL);
  const prefix = `tapebot-bench:${process.pid}:`;
  try {
    const store = await createPgDigestStore(pool);
    return await benchDiscord({
      env: HIGH_LIMITS,
      stores: (config) => ({ digests: { store, clock: systemClock }, limiter: limitsFromConfig(config, createRedisLimitStore(redis, { prefix })) }),
    });
  } finally {
    const keys = await redis.keys(`${prefix}*`).catch(() => []);
    if (keys.length > 0) await redis.del(...keys).catch(() => 0);
    redis.disconnect();
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await pool.end();
  }
}

/** Two replicas deciding and queueing 1,000 channels' digests on one PostgreSQL store. */
export async function benchReplicaFanout(): Promise<string[]> {
  const out: string[] = [];
  const schema = schemaName('fanout');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tapebot-replicas-bench-'));
  const pools: PgPool[] = [];
  const apps: App[] = [];
  const services: DigestService[] = [];
  try {
    const clock = createManualClock(new Date('2025-06-02T00:00:00Z'));
    const replicas = [];
    for (const name of ['a', 'b']) {
      const pool = await openPg({ url: TEST_DATABASE_URL, schema, max: 6 });
      pools.push(pool);
      const store = await createPgDigestStore(pool);
      const app = createApp(loadConfig({ DATA_DIR: dataDir, RENDER_THREADS: '1' }), { dbFile: ':memory:' });
      apps.push(app);
      // As src/main.ts does before a replica takes traffic: every series read once.
      await warmUp({ market: app.market, symbols: app.symbols.list().map((x) => x.symbol) });
      const posters = [instantPoster('discord'), instantPoster('slack')];
      const service = createDigestService({ store, market: app.market, runner: app.runner, renderer: app.renderer, posters, clock, replicaId: name });
      services.push(service);
      replicas.push({ name, store, posters, service });
    }
    const [a, b] = replicas;
    if (!a || !b) throw new Error('two replicas');
    const created = new Date('2025-01-01T00:00:00Z');
    for (let i = 0; i < CHANNELS; i++) {
      const channel = { platform: (i % 2 === 0 ? 'discord' : 'slack') as Platform, id: `ch${i}` };
      const config = i % 20;
      const preset = config === 18 ? 'rotation' : config === 19 ? 'sectors' : 'close';
      await a.store.subscribe(channel, preset, SLOT, null, created);
      const watchlist = WATCHLISTS[config] ?? [];
      if (preset === 'close' && watchlist.length > 0) await a.store.watch(channel, watchlist, created);
    }
    for (const [label, day] of [
      ['first day after start-up (series warmed, as main.ts does)', '2025-06-02'],
      ['second day', '2025-06-03'],
    ] as const) {
      const due = dueInstant(SLOT, day);
      clock.set(due);
      const sentBefore = replicas.map((r) => r.posters.reduce((n, p) => n + p.count, 0));
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await Promise.all([a.service.fireSlot(SLOT, due), b.service.fireSlot(SLOT, due)]);
      const queuedCpu = cpuMs(process.cpuUsage(cpu0));
      const queuedWall = performance.now() - t0;
      const rows = (await a.store.outbox({ kind: 'digest' })).filter((r) => r.event === day);
      const busy = () => a.service.busy() + b.service.busy();
      await settle(busy);
      while (a.service.queued() + b.service.queued() > 0 && clock.fireNext()) await settle(busy);
      const allCpu = cpuMs(process.cpuUsage(cpu0));
      const sent = replicas.map((r, k) => r.posters.reduce((n, p) => n + p.count, 0) - (sentBefore[k] ?? 0));
      const total = sent.reduce((x, y) => x + y, 0);
      out.push(
        `  two replicas, ${label}: ${rows.length} posts decided and queued for ${CHANNELS} channels after ${queuedCpu.toFixed(0)} ms CPU for both (${queuedWall.toFixed(0)} ms wall)   target ≤ 5000 ms CPU`,
      );
      out.push(`    all sent: ${allCpu.toFixed(0)} ms CPU in all; posted ${total} (replica a ${sent[0]}, b ${sent[1]})${total === CHANNELS ? ', each once' : ` — expected ${CHANNELS}`}`);
    }
  } finally {
    for (const s of services) await s.stop();
    for (const app of apps) await app.close();
    await pools[0]?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    for (const p of pools) await p.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of await benchReplicaFanout()) process.stdout.write(`${line}\n`);
  for (const [k, v] of Object.entries(await benchReplicaAcks())) process.stdout.write(`${k.padEnd(30)} ${Number.isInteger(v) ? v : v.toFixed(1)}\n`);
}
