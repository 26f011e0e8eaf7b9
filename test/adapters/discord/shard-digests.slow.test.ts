/**
 * Both Discord shards post digests: two tapebot processes (test/adapters/discord/_shard-digest-child.ts
 * on the compiled build: the real app, Discord adapter and digest service), SHARD_COUNT=2 with SHARD_IDS 0 and 1, against the
 * fake gateway, sharing one PostgreSQL digest store. The fake has a server on each shard; a person with
 * Manage Channels subscribes a channel in each, and each command is delivered to, and answered by,
 * the process running that server's shard. Then both processes reach the digest's due time together:
 * each digest goes out over REST exactly once, whichever process posts it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.ts';
import { createDiscordRest, registerCommands } from '../../../src/adapters/discord/index.ts';
import { dueInstant } from '../../../src/digest/schedule.ts';
import { createPgDigestStore } from '../../../src/digest/store-pg.ts';
import { openPg, type PgPool } from '../../../src/store/pg.ts';
import { EVERYONE_PERMISSIONS, FakeDiscord, MANAGE_CHANNELS, shardOf } from '../../fakes/discord/server.ts';
import { hasPg, TEST_DATABASE_URL, testSchema } from '../../_services/services.ts';
import { compiledChild } from '../../_children.ts';

const up = await hasPg();
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The slow project's global setup bundles it against dist/ (test/_children.ts). */
const CHILD = compiledChild('test/adapters/discord/_shard-digest-child.ts');
const DAY = '2025-04-08';
const SLOT = { time: '16:30', tz: 'America/New_York' };

const children: ChildProcess[] = [];
let fake: FakeDiscord | undefined;
let pool: PgPool | undefined;
let schema = '';
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await fake?.close();
  if (pool) {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await pool.end();
  }
});

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.skipIf(!up)('Discord shards in two processes post digests', () => {
  it('a subscription on each shard’s server, each digest posted once over REST', async () => {
    // Snowflakes whose timestamp bits are odd and even: one server on each of the two shards.
    const guild1 = String((1_000_000_001n << 22n) | 12345n);
    const guild0 = String((1_000_000_002n << 22n) | 54321n);
    expect([shardOf(guild0, 2), shardOf(guild1, 2)], 'a server on each shard').toEqual([0, 1]);
    fake = await FakeDiscord.start({ guildId: guild1, secondGuildId: guild0, recommendedShards: 2 });
    // Global commands: both servers have them.
    await registerCommands({ rest: createDiscordRest({ token: fake.token, apiUrl: fake.apiUrl }), applicationId: fake.applicationId, commands });
    schema = testSchema('shard_digests');
    pool = await openPg({ url: TEST_DATABASE_URL, schema, max: 2 });
    const store = await createPgDigestStore(pool);
    const due = dueInstant(SLOT, DAY);

    const out = ['', ''];
    const errs = ['', ''];
    for (const shard of [0, 1]) {
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DISCORD_TOKEN: fake.token,
        DISCORD_APPLICATION_ID: fake.applicationId,
        DISCORD_API_URL: fake.apiUrl,
        SHARD_COUNT: '2',
        SHARD_IDS: String(shard),
        DATABASE_URL: TEST_DATABASE_URL,
        SCHEMA: schema,
        // Half an hour before the digest is due: subscriptions made now receive it.
        NOW: new Date(due.getTime() - 30 * 60_000).toISOString(),
      };
      const child = spawn(process.execPath, [CHILD], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
      child.stdout?.on('data', (d: Buffer) => (out[shard] += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (errs[shard] += d.toString()));
      children.push(child);
    }
    await until(`both shards ready (stderr: ${errs.join(' | ')})`, () => out.every((o) => o.includes('READY')), 120_000);
    const f = fake;

    const manager = { member: { permissions: EVERYONE_PERMISSIONS | MANAGE_CHANNELS } };
    for (const [secondGuild, shard, channel] of [
      [false, 1, f.channelId],
      [true, 0, f.secondChannelId],
    ] as const) {
      const i = f.dispatchInteraction(f.chatInput('digest', { action: 'subscribe', time: SLOT.time }, { ...manager, secondGuild }));
      await f.waitForRequest((r) => r.path.includes(`/interactions/${i.id}/`), 60_000);
      const delivered = f.gateway.filter((g) => g.t === 'INTERACTION_CREATE' && (g.d as { id: string }).id === i.id);
      expect(delivered.map((g) => g.shard?.join('/')), `the subscribe in shard ${shard}’s server went to that shard alone`).toEqual([`${shard}/2`]);
      let subs = await store.subscriptions({ platform: 'discord', id: channel });
      for (const end = Date.now() + 60_000; subs.length === 0 && Date.now() < end; subs = await store.subscriptions({ platform: 'discord', id: channel })) await new Promise((r) => setTimeout(r, 50));
      expect(subs.map((s) => [s.preset, s.slot.time, s.slot.tz]), `shard ${shard}’s channel subscribed`).toEqual([['close', '16:30', 'America/New_York']]);
    }

    // Both processes reach the due time together, each deciding and posting what it claims.
    const go = `GO ${new Date(due.getTime() + 2 * 60_000).toISOString()}\n`;
    for (const c of children) c.stdin?.write(go);
    await until(`both processes done (stderr: ${errs.join(' | ')})`, () => out.every((o) => o.includes('DONE')), 120_000);

    const posts = f.requests.filter((r) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path) && r.status === 200);
    const digests = posts.filter((r) => ((r.json as { embeds?: { title?: string }[] }).embeds?.[0]?.title ?? '').includes('Apr 8, 2025'));
    process.stdout.write(`shard digests: ${digests.map((r) => `${r.path} nonce ${(r.json as { nonce?: string }).nonce}`).join('; ')}\n`);
    expect(digests.map((r) => r.path).sort(), 'one digest per channel, over REST').toEqual([`/channels/${f.channelId}/messages`, `/channels/${f.secondChannelId}/messages`].sort());
    const rows = (await store.outbox({ kind: 'digest' })).filter((r) => r.event === DAY);
    expect(rows.map((r) => r.status), 'both rows sent').toEqual(['sent', 'sent']);
    for (const row of rows) expect(f.channelMessages(row.channel.id).some((m) => m.id === row.messageId), `the outbox records ${row.channel.id}’s message`).toBe(true);
    expect(f.problems).toEqual([]);
    for (const c of children) c.stdin?.write('EXIT\n');
  }, 300_000);
});
