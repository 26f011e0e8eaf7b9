/**
 * One contract for the limiter's bucket store, run against memory (one replica) and Redis (shared):
 * the same token-bucket figures, worked out by hand from the rules in src/ops/limits.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../src/errors.ts';
import { createMemoryLimitStore, createRequestLimiter, type LimitSettings, type LimitStore } from '../../src/ops/limits.ts';
import { createRedisLimitStore } from '../../src/ops/limits-redis.ts';
import { openRedisForRequests, type Redis } from '../../src/ops/redis.ts';
import { hasRedis, TEST_REDIS_URL, testPrefix } from '../_services/services.ts';

const redisUp = await hasRedis();
const conns: Redis[] = [];
afterAll(() => {
  for (const c of conns) c.disconnect();
});
function redisStore(prefix: string): LimitStore {
  const r = openRedisForRequests(TEST_REDIS_URL);
  conns.push(r);
  return createRedisLimitStore(r, { prefix });
}

const engines: { name: string; skip: boolean; stores: (n: number) => LimitStore[] }[] = [
  {
    name: 'memory',
    skip: false,
    stores: (n) => {
      const one = createMemoryLimitStore();
      return Array.from({ length: n }, () => one);
    },
  },
  {
    name: 'redis',
    skip: !redisUp,
    stores: (n) => {
      const prefix = testPrefix('limits');
      return Array.from({ length: n }, () => redisStore(prefix));
    },
  },
];

/** Limiters on a hand-driven clock; with n > 1, n replicas sharing one store. */
function replicas(stores: LimitStore[], settings: Partial<LimitSettings>) {
  let now = 1_000_000;
  const limiters = stores.map((store) => createRequestLimiter({ ...settings, store, now: () => now }));
  return {
    advance: (ms: number) => (now += ms),
    async attempt(i: number, who: { platform?: string; userId?: string; channelId?: string }): Promise<number | null> {
      try {
        await limiters[i % limiters.length]?.check(who);
        return null;
      } catch (err) {
        if (err instanceof RateLimitedError) return err.retryAfterSeconds;
        throw err;
      }
    },
  };
}

for (const engine of engines) {
  describe.skipIf(engine.skip)(`limit store contract: ${engine.name}`, () => {
    it('lets a burst through, then refuses with the wait until the next token', async () => {
      const t = replicas(engine.stores(1), { userPerMinute: 20, userBurst: 3, channelPerMinute: 0 });
      const who = { platform: 'slack', userId: 'U1' };
      for (let i = 0; i < 3; i++) expect(await t.attempt(0, who), `burst ${i + 1} of 3`).toBeNull();
      expect(await t.attempt(0, who), '60 s / 20 = 3 s for the next token').toBe(3);
      t.advance(1_000);
      expect(await t.attempt(0, who), 'a refusal costs nothing: 2 s left').toBe(2);
      t.advance(2_000);
      expect(await t.attempt(0, who)).toBeNull();
      expect(await t.attempt(0, who)).toBe(3);
    });

    it('takes all or nothing across the person and the channel', async () => {
      const t = replicas(engine.stores(1), { userPerMinute: 60, userBurst: 2, channelPerMinute: 60, channelBurst: 1 });
      expect(await t.attempt(0, { userId: 'A', channelId: 'busy' })).toBeNull();
      expect(await t.attempt(0, { userId: 'A', channelId: 'busy' }), 'the channel is empty').toBe(1);
      expect(await t.attempt(0, { userId: 'A', channelId: 'quiet' }), 'the refusal took none of A’s tokens').toBeNull();
      expect(await t.attempt(0, { userId: 'A', channelId: 'quiet2' }), 'A’s two tokens are now spent').toBe(1);
    });

    it('refills continuously, never above the burst', async () => {
      const t = replicas(engine.stores(1), { userPerMinute: 6, userBurst: 2, channelPerMinute: 0 });
      const who = { userId: 'B' };
      expect(await t.attempt(0, who)).toBeNull();
      expect(await t.attempt(0, who)).toBeNull();
      t.advance(60 * 60_000);
      // An hour refills 360 tokens, capped at 2.
      expect(await t.attempt(0, who)).toBeNull();
      expect(await t.attempt(0, who)).toBeNull();
      expect(await t.attempt(0, who), '60/6 = 10 s').toBe(10);
    });

    it('a person over the limit is limited whichever replica answers', async () => {
      const t = replicas(engine.stores(2), { userPerMinute: 12, userBurst: 4, channelPerMinute: 0 });
      const who = { platform: 'discord', userId: 'U9' };
      const outcomes: (number | null)[] = [];
      // Alternate replicas: 0, 1, 0, 1, ... — a shared bucket of 4.
      for (let i = 0; i < 8; i++) outcomes.push(await t.attempt(i, who));
      expect(outcomes.filter((o) => o === null).length, 'four commands in all, not four per replica').toBe(4);
      expect(outcomes.slice(4), 'then both refuse: 60/12 = 5 s').toEqual([5, 5, 5, 5]);
    });
  });
}

describe.skipIf(!redisUp)('redis limit store: many at once', () => {
  it('50 checks in parallel on two replicas take exactly the burst', async () => {
    const [a, b] = engines[1]?.stores(2) ?? [];
    if (!a || !b) throw new Error('no stores');
    const rule = { capacity: 7, perMinute: 1 };
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).take([{ key: 'u:x:race', rule }], 5_000_000)));
    expect(results.filter((w) => w === 0).length, 'atomic: never more than 7 tokens taken').toBe(7);
  });
});

describe('redis limit store: Redis away', () => {
  it('limits in this replica instead of failing the command', async () => {
    // Nothing listens on port 1: every request fails fast, and the memory buckets decide.
    const r = openRedisForRequests('redis://127.0.0.1:1');
    conns.push(r);
    const store = createRedisLimitStore(r, { prefix: testPrefix('away') });
    const rule = { capacity: 2, perMinute: 60 };
    expect(await store.take([{ key: 'u:x', rule }], 0)).toBe(0);
    expect(await store.take([{ key: 'u:x', rule }], 0)).toBe(0);
    expect(await store.take([{ key: 'u:x', rule }], 0), 'the third waits 1 s for a token, as in memory').toBe(1000);
  }, 60_000);
});
