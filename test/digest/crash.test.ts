/**
 * Exactly once across kill -9: a real child process (test/digest/_crash-child.ts) delivers digests
 * through the outbox to a fake chat server on 127.0.0.1, and is killed with SIGKILL at a random
 * checkpoint (before/after deciding, recording an attempt, the HTTP call, recording the send) or at a
 * random moment, then restarted until it finishes. Every (channel, day) must reach the server exactly
 * once: Discord through the nonce, Slack through the metadata lookup before re-posting.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../fakes/discord/server.ts';
import { startFakeSlack } from '../fakes/slack/server.ts';
import { compiledChild } from '../_children.ts';
import { startFakeChatServer, type FakeChatServer } from './_crash-server.ts';

/** test/digest/_crash-child.ts on the compiled build (the slow project's global setup prepares it: test/_children.ts). */
const CHILD = compiledChild('test/digest/_crash-child.ts');
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Mirrors CHANNELS and DAYS in the child (not imported: importing it would run it). */
const CHANNELS = 6;
const DAYS = 3;
/** Checkpoints of a clean run: 2 per decide (3 days), and 6 per post (attempt, HTTP, sent) for 18 posts. */
const CLEAN_CHECKPOINTS = 2 * DAYS + 6 * CHANNELS * DAYS;

let server: FakeChatServer;
let dir: string;
beforeAll(async () => {
  server = await startFakeChatServer();
  dir = mkdtempSync(path.join(tmpdir(), 'tapebot-crash-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
}

function runChild(env: Record<string, string>, killAfterMs?: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = killAfterMs !== undefined ? setTimeout(() => child.kill('SIGKILL'), killAfterMs) : undefined;
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      clearTimeout(guard);
      if (code !== 0 && signal === null) reject(new Error(`child failed (${code}): ${err}`));
      else resolve({ code, signal, out });
    });
  });
}

/** Seeded so a failure can be replayed (mulberry32). */
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

/**
 * Runs the child on `db` until it finishes: the first runs crash, at a checkpoint (exact windows) or at
 * a random moment (anywhere, even mid-write). The first always crashes at a checkpoint, so every
 * trial has at least one crash however fast the machine is; a timed kill may land after a quick run
 * has already finished. Returns how many runs were killed.
 */
async function crashUntilDone(base: Record<string, string>, db: string, random: () => number, checkpoints: number, firstCrashOn?: string): Promise<number> {
  let crashes = 0;
  for (let run = 0; run < 8; run++) {
    const env: Record<string, string> = { ...base, DB: db };
    let killAfter: number | undefined;
    if (run === 0 && firstCrashOn !== undefined) env.CRASH_ON = firstCrashOn;
    else if (run < 3) {
      if (run === 0 || random() < 0.7) env.CRASH_AT = String(1 + Math.floor(random() * checkpoints));
      else killAfter = 300 + Math.floor(random() * 1200);
    }
    const r = await runChild(env, killAfter);
    if (r.signal === 'SIGKILL') {
      crashes++;
      continue;
    }
    expect(r.out, 'a run that was not killed finishes everything').toMatch(/^DONE/);
    return crashes;
  }
  throw new Error('the child never finished in 8 runs');
}

/** One trial: crash at `firstCrash`, then random further kills, then run clean. Returns the server's messages for the trial. */
async function trial(mode: string, seed: number): Promise<{ crashes: number; perKey: Map<string, number>; perChannelDay: Map<string, number> }> {
  server.reset();
  const crashes = await crashUntilDone({ SERVER: server.url, MODE: mode }, path.join(dir, `${mode}-${seed}.db`), rng(seed), CLEAN_CHECKPOINTS);
  const perKey = new Map<string, number>();
  const perChannelDay = new Map<string, number>();
  for (const m of server.messages) {
    perKey.set(m.key, (perKey.get(m.key) ?? 0) + 1);
    const day = /Market close · (\w+ \d+, \d+)/.exec(m.text)?.[1] ?? '?';
    const k = `${m.channel} ${day}`;
    perChannelDay.set(k, (perChannelDay.get(k) ?? 0) + 1);
  }
  return { crashes, perKey, perChannelDay };
}

describe('exactly once across SIGKILL', () => {
  for (const mode of ['discord', 'slack'] as const) {
    it(`${mode}: every digest arrives once, however the process dies`, async () => {
      let totalCrashes = 0;
      for (let seed = 1; seed <= 8; seed++) {
        const { crashes, perKey, perChannelDay } = await trial(mode, seed * 7919 + (mode === 'slack' ? 1 : 0));
        totalCrashes += crashes;
        expect(perChannelDay.size, `seed ${seed}: every channel got every day (no loss)`).toBe(CHANNELS * DAYS);
        for (const [k, n] of perChannelDay) expect(n, `seed ${seed}: ${k} arrived once (no duplicate)`).toBe(1);
        expect([...perKey.values()].every((n) => n === 1), `seed ${seed}: one message per idempotency key`).toBe(true);
      }
      expect(totalCrashes, 'the trials really crashed').toBeGreaterThanOrEqual(8);
    }, 300_000);
  }

  /**
   * The same, through tapebot's own posters and their real clients against the fake platforms of
   * test/fakes: the Discord nonce (and the key in the chart's file name), Slack's message metadata
   * read back with conversations.history. Fewer seeds: each run talks real HTTP to a fake.
   */
  for (const platform of ['discord', 'slack'] as const) {
    it(`${platform}, tapebot's own poster on the fake ${platform === 'discord' ? 'Discord' : 'Slack'}: every digest arrives once`, async () => {
      let totalCrashes = 0;
      for (let seed = 1; seed <= 3; seed++) {
        const discord = platform === 'discord' ? await FakeDiscord.start() : null;
        const slack = platform === 'slack' ? await startFakeSlack() : null;
        try {
          const ids = discord ? [discord.channelId, discord.noThreadsChannelId, discord.noThreadSendChannelId, discord.dmChannelId] : ['C0CRASH001', 'C0CRASH002', 'C0CRASH003', 'C0CRASH004'];
          const env = { MODE: `${platform}-real`, API: discord?.apiUrl ?? slack?.apiUrl ?? '', TOKEN: discord?.token ?? slack?.token ?? '', CHANNEL_IDS: ids.join(','), SERVER: '' };
          // Seed 1 first dies in the narrowest window: the platform has the message, the outbox does not know.
          const crashes = await crashUntilDone(env, path.join(dir, `${platform}-real-${seed}.db`), rng(seed * 104729 + (platform === 'slack' ? 1 : 0)), 2 * DAYS + 6 * ids.length * DAYS, seed === 1 ? 'after-http' : undefined);
          totalCrashes += crashes;
          const perChannelDay = new Map<string, number>();
          const count = (channel: string, text: string) => {
            const k = `${channel} ${/Market close · (\w+ \d+, \d+)/.exec(text)?.[1] ?? '?'}`;
            perChannelDay.set(k, (perChannelDay.get(k) ?? 0) + 1);
          };
          if (discord) for (const id of ids) for (const m of discord.channelMessages(id)) count(id, m.embeds[0]?.title ?? '');
          if (slack) for (const m of slack.messages) count(m.channel, m.text ?? '');
          expect(perChannelDay.size, `seed ${seed}: every channel got every day (no loss)`).toBe(ids.length * DAYS);
          for (const [k, n] of perChannelDay) expect(n, `seed ${seed}: ${k} arrived once (no duplicate)`).toBe(1);
          if (discord) expect(discord.problems, 'nothing Discord would refuse').toEqual([]);
        } finally {
          await discord?.close();
          await slack?.close();
        }
      }
      expect(totalCrashes, 'the trials really crashed').toBeGreaterThanOrEqual(3);
    }, 300_000);
  }

  it('control: a Slack poster without the lookup does duplicate after a crash between the call and the record', async () => {
    // Killed right after the server stored the first message, before the outbox recorded it.
    server.reset();
    const db = path.join(dir, 'naive.db');
    const first = await runChild({ DB: db, SERVER: server.url, MODE: 'slack-naive', CRASH_ON: 'after-http' });
    expect(first.signal).toBe('SIGKILL');
    const second = await runChild({ DB: db, SERVER: server.url, MODE: 'slack-naive' });
    expect(second.out).toMatch(/^DONE/);
    const counts = new Map<string, number>();
    for (const m of server.messages) counts.set(m.key, (counts.get(m.key) ?? 0) + 1);
    expect(Math.max(...counts.values()), 'without idempotency the resumed post is a second message').toBe(2);
  }, 120_000);
});
