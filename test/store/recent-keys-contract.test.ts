/** "Already taken?" for Slack's event retries: one contract on the SQLite and the PostgreSQL memory. */
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.ts';
import { openPg, type PgPool } from '../../src/store/pg.ts';
import { createPgRecentKeys, createStoredRecentKeys, type SeenKeys } from '../../src/store/recent-keys.ts';
import { hasPg, TEST_DATABASE_URL, testSchema } from '../_services/services.ts';

const up = await hasPg();
const pools: { pool: PgPool; schema: string }[] = [];
afterAll(async () => {
  for (const { pool, schema } of pools) {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await pool.end();
  }
});

/** Two memories on one store (two processes, or two replicas), on a clock the test moves. */
type Make = (now: () => number) => Promise<[SeenKeys, SeenKeys]>;
const engines: { name: string; skip: boolean; make: Make }[] = [
  {
    name: 'sqlite',
    skip: false,
    make: async (now) => {
      const db = openDatabase(':memory:');
      return [createStoredRecentKeys(db, { scope: 'slack', ttlMs: 60_000, now }), createStoredRecentKeys(db, { scope: 'slack', ttlMs: 60_000, now })];
    },
  },
  {
    name: 'postgres',
    skip: !up,
    make: async (now) => {
      const schema = testSchema('recent_keys');
      const a = await openPg({ url: TEST_DATABASE_URL, schema, max: 2 });
      const b = await openPg({ url: TEST_DATABASE_URL, schema, max: 2 });
      pools.push({ pool: a, schema }, { pool: b, schema });
      return [await createPgRecentKeys(a, { scope: 'slack', ttlMs: 60_000, now }), await createPgRecentKeys(b, { scope: 'slack', ttlMs: 60_000, now })];
    },
  },
];

for (const engine of engines) {
  describe.skipIf(engine.skip)(`recent keys contract: ${engine.name}`, () => {
    it('takes a key once across both, and again after the time to live', async () => {
      let t = 1_000_000;
      const [a, b] = await engine.make(() => t);
      expect(await a.add('event:Ev1'), 'new').toBe(true);
      expect(await b.add('event:Ev1'), 'the retry reaches the other one: seen').toBe(false);
      expect(await a.add('event:Ev2')).toBe(true);
      t += 59_999;
      expect(await b.add('event:Ev1'), 'still within the minute').toBe(false);
      t += 1;
      expect(await b.add('event:Ev1'), 'a minute after it was first seen, it is new again').toBe(true);
      const both = await Promise.all([a.add('event:race'), b.add('event:race')]);
      expect(both.filter(Boolean), 'two deliveries at once: one taken').toHaveLength(1);
    });
  });
}
