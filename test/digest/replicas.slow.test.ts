/**
 * Two tapebot replicas as real child processes (test/digest/_replica-child.ts) on one PostgreSQL,
 * posting to the fake Slack: CHANNELS subscribed channels over DAYS trading days. Each day replica
 * "a" or "b" (seeded choice) starts at the digest's due time, decides every digest of the slot and is
 * SIGKILLed at a random checkpoint of its posting (before/after deciding, recording an attempt, the
 * HTTP call, recording the send); a minute later the other replica starts and posts what the dead
 * one had decided but not claimed; the dead one restarts five minutes after the due time, when its
 * claims have lapsed, and finishes the posts it was in the middle of (the Slack look-up says whether
 * each had gone out). Every (channel, day) must reach Slack exactly once, none later than the late
 * window.
 *
 * Scale: the issue asks for 1,000 channels over 20 days; on this shared 2-core machine that is many
 * minutes, so the default is 100 × 6 (REPLICA_TEST_CHANNELS, REPLICA_TEST_DAYS raise it;
 * REPLICA_TEST_TIMEOUT_MIN, default 15, bounds the run). Each day's line goes to stderr as it ends.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { dueInstant } from '../../src/digest/schedule.ts';
import { DEFAULT_DIGEST_SETTINGS } from '../../src/digest/settings.ts';
import { createPgDigestStore } from '../../src/digest/store-pg.ts';
import { openPg, type PgPool } from '../../src/store/pg.ts';
import { naiveRows } from '../commands/_naive.ts';
import { startFakeSlack, type FakeSlack } from '../fakes/slack/server.ts';
import { hasPg, TEST_DATABASE_URL, testSchema } from '../_services/services.ts';

const up = await hasPg();
const CHILD = fileURLToPath(new URL('./_replica-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHANNELS = Number(process.env.REPLICA_TEST_CHANNELS ?? 100);
const N_DAYS = Number(process.env.REPLICA_TEST_DAYS ?? 6);
const TIMEOUT_MS = Number(process.env.REPLICA_TEST_TIMEOUT_MIN ?? 15) * 60_000;
const SLOT = { time: '16:30', tz: 'America/New_York' };
const DAYS = naiveRows('SPY')
  .map((r) => r.date)
  .filter((d) => d >= '2025-03-03')
  .slice(0, N_DAYS);
const LAST = DAYS[DAYS.length - 1] ?? '';

let pool: PgPool | undefined;
let schema = '';
let slack: FakeSlack | undefined;
afterAll(async () => {
  await slack?.close();
  if (pool) {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await pool.end();
  }
});

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

function replica(env: Record<string, string>): Promise<{ signal: NodeJS.Signals | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (code !== 0 && signal === null) reject(new Error(`replica failed (${code}): ${err}`));
      else resolve({ signal, out });
    });
  });
}

describe.skipIf(!up)('two replicas, one killed every day', () => {
  it(`${CHANNELS} channels × ${N_DAYS} days: every digest posted exactly once`, async () => {
    schema = testSchema('replicas');
    pool = await openPg({ url: TEST_DATABASE_URL, schema, max: 4 });
    const store = await createPgDigestStore(pool);
    slack = await startFakeSlack();
    const first = dueInstant(SLOT, DAYS[0] ?? '');
    for (let i = 0; i < CHANNELS; i++) await store.subscribe({ platform: 'slack', id: `C${String(i).padStart(5, '0')}` }, 'close', SLOT, null, new Date(first.getTime() - 3_600_000));
    const random = rng(Number(process.env.REPLICA_TEST_SEED ?? 20260305));
    const base = { DATABASE_URL: TEST_DATABASE_URL, SCHEMA: schema, API: slack.apiUrl, TOKEN: slack.token, LAST_DAY: LAST };
    const log: string[] = [];
    let kills = 0;
    const started = Date.now();
    for (const day of DAYS) {
      const due = dueInstant(SLOT, day);
      const at = (min: number) => new Date(due.getTime() + min * 60_000).toISOString();
      // A clean run of one replica passes 2 + 6 × CHANNELS checkpoints: the kill always lands inside it.
      const crashAt = 1 + Math.floor(random() * (2 + 6 * CHANNELS));
      const victim = random() < 0.5 ? 'a' : 'b';
      const other = victim === 'a' ? 'b' : 'a';
      const first = await replica({ ...base, REPLICA: `${victim}-${day}`, NOW: at(1), CRASH_AT: String(crashAt) });
      const killed = first.signal === 'SIGKILL' ? 1 : 0;
      kills += killed;
      const second = await replica({ ...base, REPLICA: `${other}-${day}`, NOW: at(2) });
      expect(second.out, `${day}: the other replica finishes`).toMatch(/^DONE/);
      const again = await replica({ ...base, REPLICA: `${victim}-${day}-restart`, NOW: at(5) });
      expect(again.out, `${day}: the restarted replica finishes`).toMatch(/^DONE/);
      const rows = (await store.outbox({ kind: 'digest' })).filter((r) => r.event === day);
      const sent = rows.filter((r) => r.status === 'sent');
      const late = Math.max(...sent.map((r) => Date.parse(r.sentAt ?? '') - due.getTime())) / 60_000;
      log.push(`${day}: ${sent.length}/${CHANNELS} sent, the last ${late.toFixed(1)} min after due; replica ${victim} ${killed ? `killed at checkpoint ${crashAt}` : 'not killed'}, then ${other}, then ${victim} again`);
      process.stderr.write(`replicas: ${log[log.length - 1]} (${Math.round((Date.now() - started) / 1000)} s so far)\n`);
      expect(sent.length, `${day}: every channel's digest sent`).toBe(CHANNELS);
      for (const r of sent) {
        expect(Date.parse(r.sentAt ?? '') - due.getTime(), `${day}: ${r.channel.id} within the late window`).toBeLessThanOrEqual(DEFAULT_DIGEST_SETTINGS.lateWindowMin * 60_000);
      }
    }
    process.stdout.write(`replicas: ${log.join('\n  ')}\n`);
    const perChannelDay = new Map<string, number>();
    for (const m of slack.messages) {
      const k = `${m.channel} ${/Market close · (\w+ \d+, \d+)/.exec(m.text ?? '')?.[1] ?? '?'}`;
      perChannelDay.set(k, (perChannelDay.get(k) ?? 0) + 1);
    }
    expect(perChannelDay.size, 'every (channel, day) on Slack').toBe(CHANNELS * N_DAYS);
    const doubled = [...perChannelDay].filter(([, n]) => n !== 1);
    expect(doubled, 'no (channel, day) twice').toEqual([]);
    expect(kills, 'a replica really died every day').toBe(N_DAYS);
  }, TIMEOUT_MS);
});
