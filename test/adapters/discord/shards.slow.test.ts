/**
 * Discord sharding across processes: two tapebot processes (src/main.ts), SHARD_COUNT=2 and
 * SHARD_IDS=0 / 1, against the fake gateway, which routes a server's events to shard
 * `(guild_id >> 22) % 2` and DMs to shard 0, as Discord does. The test server sits on shard 1: its
 * command is delivered to, and answered by, the process running shard 1; a DM by the one running 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.ts';
import { createDiscordRest, registerCommands } from '../../../src/adapters/discord/index.ts';
import { FakeDiscord, shardOf } from '../../fakes/discord/server.ts';
import { compiledSource } from '../../_children.ts';

const children: ChildProcess[] = [];
let fake: FakeDiscord | undefined;
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await fake?.close();
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

describe('Discord shards in two processes', () => {
  it('a server on shard 1 is answered by shard 1’s process, a DM by shard 0’s', async () => {
    // A snowflake whose timestamp bits are odd: (id >> 22) % 2 === 1.
    const guildId = String(((1_000_000_001n << 22n) | 12345n));
    expect(shardOf(guildId, 2), 'the test server is on shard 1 of 2').toBe(1);
    fake = await FakeDiscord.start({ guildId, recommendedShards: 2 });
    await registerCommands({ rest: createDiscordRest({ token: fake.token, apiUrl: fake.apiUrl }), applicationId: fake.applicationId, guildId, commands });
    const errs = ['', ''];
    for (const shard of [0, 1]) {
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATA_DIR: mkdtempSync(path.join(tmpdir(), `tapebot-shard${shard}-`)),
        DISCORD_TOKEN: fake.token,
        DISCORD_APPLICATION_ID: fake.applicationId,
        DISCORD_API_URL: fake.apiUrl,
        SHARD_COUNT: '2',
        SHARD_IDS: String(shard),
        LOG_LEVEL: 'warn',
        RENDER_THREADS: '1',
        BACKUP_KEEP: '0',
      };
      const child = spawn(process.execPath, [compiledSource('src/main.ts')], { cwd: env.DATA_DIR, env, stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr?.on('data', (d: Buffer) => (errs[shard] += d.toString()));
      children.push(child);
    }
    const f = fake;
    await until(`both shards to identify (stderr: ${errs.join(' | ')})`, () => f.identifiedShards().length === 2);
    expect(f.identifiedShards().map((s) => s.join('/')).sort(), 'IDENTIFY carried [id, count]').toEqual(['0/2', '1/2']);
    const ready = f.gateway.filter((g) => g.t === 'READY');
    expect(ready.map((g) => (g.d as { shard: number[]; guilds: unknown[] }).guilds.length).sort(), 'the server is in shard 1’s READY only').toEqual([0, 1]);

    const inServer = f.dispatchInteraction(f.chatInput('help'));
    await f.waitForRequest((r) => r.path.includes(`/interactions/${inServer.id}/`), 60_000);
    const delivered = f.gateway.filter((g) => g.t === 'INTERACTION_CREATE' && (g.d as { id: string }).id === inServer.id);
    expect(delivered.map((g) => g.shard?.join('/')), 'delivered to shard 1 alone, which answered').toEqual(['1/2']);

    const inDm = f.dispatchInteraction(f.chatInput('help', {}, { dm: true }));
    await f.waitForRequest((r) => r.path.includes(`/interactions/${inDm.id}/`), 60_000);
    const dm = f.gateway.filter((g) => g.t === 'INTERACTION_CREATE' && (g.d as { id: string }).id === inDm.id);
    expect(dm.map((g) => g.shard?.join('/')), 'a DM goes to shard 0').toEqual(['0/2']);
    expect(f.problems).toEqual([]);
  }, 180_000);
});
