/**
 * The shared digest schedule on a real Redis: two replicas keep one scheduler per job between them,
 * and each occurrence runs on one replica only.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createBullJobs } from '../../src/digest/jobs-bullmq.ts';
import { openRedisForJobs, type Redis } from '../../src/ops/redis.ts';
import { hasRedis, TEST_REDIS_URL, testPrefix } from '../_services/services.ts';

const up = await hasRedis();
const conns: Redis[] = [];
afterAll(() => {
  for (const c of conns) c.disconnect();
});

function replica(prefix: string) {
  const c = openRedisForJobs(TEST_REDIS_URL);
  conns.push(c);
  return createBullJobs({ connection: c, prefix });
}

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!up)('digest jobs on BullMQ', () => {
  it('two replicas syncing the same slots keep one scheduler per slot, and drop the ones no longer wanted', async () => {
    const prefix = testPrefix('bull-sync').replace(/:$/, '');
    const a = replica(prefix);
    const b = replica(prefix);
    const jobs = [
      { name: 'slot 16:30 America/New_York', cron: '30 16 * * 1-5', tz: 'America/New_York' },
      { name: 'slot 07:00 Europe/London', cron: '0 7 * * 1-5', tz: 'Europe/London' },
      { name: 'alerts', cron: '20 16 * * 1-5', tz: 'America/New_York' },
    ];
    await Promise.all([a.sync(jobs), b.sync(jobs)]);
    expect(await a.queue.getJobSchedulersCount(), 'upsert by id: three, not six').toBe(3);
    const first = (await a.queue.getJobSchedulers()).find((s) => s.key === 'slot 16:30 America/New_York');
    expect(first?.pattern).toBe('30 16 * * 1-5');
    expect(first?.tz).toBe('America/New_York');
    await b.sync(jobs.filter((j) => j.name !== 'slot 07:00 Europe/London'));
    expect((await a.queue.getJobSchedulers()).map((s) => s.key).sort()).toEqual(['alerts', 'slot 16:30 America/New_York']);
    await a.queue.obliterate({ force: true });
    await Promise.all([a.stop(), b.stop()]);
  });

  it('each occurrence runs once, on one of the replicas', async () => {
    const prefix = testPrefix('bull-run').replace(/:$/, '');
    const a = replica(prefix);
    const b = replica(prefix);
    const runs: { replica: string; job: string; at: number }[] = [];
    await a.start(async (job) => void runs.push({ replica: 'a', job, at: Date.now() }));
    await b.start(async (job) => void runs.push({ replica: 'b', job, at: Date.now() }));
    // Every second (six fields: seconds first).
    await Promise.all([a.sync([{ name: 'tick', cron: '* * * * * *', tz: 'UTC' }]), b.sync([{ name: 'tick', cron: '* * * * * *', tz: 'UTC' }])]);
    await until('five runs', () => runs.length >= 5);
    await Promise.all([a.stop(), b.stop()]);
    // Runs of one occurrence would land within a few ms of each other; occurrences are ~1 s apart.
    const times = runs.map((r) => r.at).sort((x, y) => x - y);
    for (let i = 1; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0), `runs ${i - 1} and ${i} are separate occurrences`).toBeGreaterThan(500);
    expect(runs.every((r) => r.job === 'tick')).toBe(true);
    const cleanup = replica(prefix);
    await cleanup.queue.obliterate({ force: true });
    await cleanup.stop();
  });
});
