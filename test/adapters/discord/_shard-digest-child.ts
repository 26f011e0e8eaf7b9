/**
 * One Discord shard process for test/adapters/discord/shard-digests.slow.test.ts: the real app and
 * Discord adapter (SHARD_COUNT / SHARD_IDS from the environment, against the fake gateway at
 * DISCORD_API_URL), its /digest commands on the shared PostgreSQL store (schema SCHEMA of
 * DATABASE_URL), and the digest service posting through the adapter's REST poster. The digest
 * machinery's clock is a manual one starting at NOW.
 *
 * Prints READY once the gateway session is up. On stdin, `GO <iso instant>` sets the clock there and
 * starts the digest service (its catch-up decides the slot's latest occurrence, and it posts what it
 * claims); once nothing is left it prints DONE. `EXIT` stops it.
 */
import { createInterface } from 'node:readline';
import { createApp } from '../../../src/app.ts';
import { startDiscord } from '../../../src/adapters/discord/index.ts';
import { loadConfig } from '../../../src/config.ts';
import { createManualClock } from '../../../src/digest/clock.ts';
import { createDigestService } from '../../../src/digest/service.ts';
import { createPgDigestStore } from '../../../src/digest/store-pg.ts';
import { createLogger } from '../../../src/log.ts';
import { openPg } from '../../../src/store/pg.ts';
import { settle } from '../../digest/_fakes.ts';

const env = process.env;
const config = loadConfig({ ...env, RENDER_THREADS: '0' } as Record<string, string>);
const logger = createLogger({ level: 'warn' });
const pool = await openPg({ url: env.DATABASE_URL ?? '', schema: env.SCHEMA ?? '', max: 4 });
const store = await createPgDigestStore(pool);
const clock = createManualClock(new Date(env.NOW ?? ''));
const app = createApp(config, { dbFile: ':memory:', logger, digests: { store, clock } });
const discord = await startDiscord({ config, runner: app.runner, renderer: app.renderer, logger, symbols: app.symbols, asOf: () => app.market.latestClose() });
const service = createDigestService({ store, market: app.market, runner: app.runner, renderer: app.renderer, posters: [discord.poster], clock, logger, replicaId: `shard-${env.SHARD_IDS ?? '?'}` });
process.stdout.write('READY\n');

for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'GO') {
    clock.set(new Date(arg ?? ''));
    await service.start();
    await settle(() => service.busy() + service.queued());
    process.stdout.write('DONE\n');
  } else if (cmd === 'EXIT') {
    break;
  }
}
await service.stop();
await discord.stop(1000);
await app.close();
await pool.end();
process.exit(0);
