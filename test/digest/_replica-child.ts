/**
 * One tapebot replica for test/digest/replicas.slow.test.ts: the real digest service on the shared
 * PostgreSQL store (schema SCHEMA of TEST_DATABASE_URL), posting through tapebot's own Slack poster
 * to the fake Slack (API, TOKEN). Its manual clock starts at NOW; `start()` resumes what is pending
 * (rows another replica left claimed are taken once their lease has ended) and catches up on the
 * slot's latest occurrence, which decides that day's digests. Prints DONE when nothing is left.
 *
 * CRASH_AT: SIGKILL itself at that checkpoint (before/after deciding, recording an attempt, the HTTP
 * call, recording the send), counted across the run.
 */
import { createCanvas } from '@napi-rs/canvas';
import { webApi } from '@slack/bolt';
import { createSlackPoster } from '../../src/adapters/slack/poster.ts';
import type { ChartRenderer } from '../../src/charts/renderer.ts';
import { seriesFromCloses, type DailySeries } from '../../src/core/series.ts';
import type { MarketData } from '../../src/data/market-data.ts';
import { createManualClock } from '../../src/digest/clock.ts';
import type { DigestPoster } from '../../src/digest/poster.ts';
import { createDigestService } from '../../src/digest/service.ts';
import { createPgDigestStore, type PgDigestStore } from '../../src/digest/store-pg.ts';
import { silentLogger } from '../../src/log.ts';
import { openPg } from '../../src/store/pg.ts';
import { naiveRows } from '../commands/_naive.ts';
import { settle } from './_fakes.ts';

const env = process.env;
const crashAt = env.CRASH_AT ? Number(env.CRASH_AT) : 0;
const lastDay = env.LAST_DAY ?? '';
let checkpoints = 0;
function checkpoint(): void {
  if (++checkpoints === crashAt) process.kill(process.pid, 'SIGKILL');
}

/** Made-up prices on SPY's real trading days: the test is about delivery, not the numbers. */
function syntheticMarket(): MarketData {
  const dates = naiveRows('SPY')
    .map((r) => r.date)
    .filter((d) => d >= '2024-01-01' && d <= lastDay);
  const cache = new Map<string, DailySeries>();
  return {
    sourceLabel: 'synthetic',
    async series(symbol) {
      let s = cache.get(symbol);
      if (!s) {
        let h = 0;
        for (const c of symbol) h = (h * 31 + c.charCodeAt(0)) >>> 0;
        let p = 100;
        s = seriesFromCloses(symbol, dates, dates.map((_, i) => (p *= 1 + Math.sin(h + i * 0.7) * 0.01)));
        cache.set(symbol, s);
      }
      return s;
    },
    async latestClose() {
      return lastDay;
    },
  };
}

function pngRenderer(): ChartRenderer {
  const png = createCanvas(8, 8).toBuffer('image/png');
  return { name: 'png', render: async () => png, close: async () => {} };
}

function hooked(store: PgDigestStore): PgDigestStore {
  return {
    ...store,
    async decide(...args) {
      checkpoint();
      const r = await store.decide(...args);
      checkpoint();
      return r;
    },
    async markAttempt(...args) {
      checkpoint();
      await store.markAttempt(...args);
      checkpoint();
    },
    async markSent(...args) {
      checkpoint();
      await store.markSent(...args);
      checkpoint();
    },
  };
}

async function main(): Promise<void> {
  const pool = await openPg({ url: env.DATABASE_URL ?? '', schema: env.SCHEMA ?? '', max: 6 });
  const store = hooked(await createPgDigestStore(pool));
  const real = createSlackPoster(new webApi.WebClient(env.TOKEN ?? '', { slackApiUrl: env.API ?? '', retryConfig: { retries: 0 } }), { logger: silentLogger, delivery: { imageRetryDelaysMs: [50] } });
  const poster: DigestPoster = {
    ...real,
    async post(channel, answer, charts, opts) {
      checkpoint();
      const r = await real.post(channel, answer, charts, opts);
      checkpoint();
      return r;
    },
  };
  const clock = createManualClock(new Date(env.NOW ?? ''));
  const fast = { perChannel: { count: 1000, ms: 1000 }, global: { count: 10_000, ms: 1000 }, concurrency: 8 };
  const service = createDigestService({
    store,
    market: syntheticMarket(),
    runner: async () => {
      throw new Error('no commands here');
    },
    renderer: pngRenderer(),
    posters: [poster],
    clock,
    limits: { slack: fast },
    replicaId: env.REPLICA ?? 'replica',
  });
  await service.start();
  await settle(() => service.busy() + service.queued());
  await service.stop();
  await pool.end();
  process.stdout.write(`DONE ${checkpoints}\n`);
}

await main();
