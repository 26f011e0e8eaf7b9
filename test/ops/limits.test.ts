import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../src/errors.ts';
import { createMemoryLimitStore, createRequestLimiter, type BucketRule } from '../../src/ops/limits.ts';

/** A limiter on a hand-driven clock. */
function limiterAt(settings: Parameters<typeof createRequestLimiter>[0] = {}) {
  let now = 1_000_000;
  const limiter = createRequestLimiter({ ...settings, now: () => now });
  return {
    limiter,
    advance: (ms: number) => (now += ms),
    /** Resolves to null when allowed, or the retry-after seconds. */
    async attempt(who: { platform?: string; userId?: string; channelId?: string }): Promise<number | null> {
      try {
        await limiter.check(who);
        return null;
      } catch (err) {
        if (err instanceof RateLimitedError) return err.retryAfterSeconds;
        throw err;
      }
    },
  };
}

describe('request limiter', () => {
  it('lets a burst through, then refuses with the wait until the next token', async () => {
    const t = limiterAt({ userPerMinute: 20, userBurst: 3, channelPerMinute: 0 });
    const who = { platform: 'slack', userId: 'U1' };
    for (let i = 0; i < 3; i++) expect(await t.attempt(who), `burst command ${i + 1} of 3 passes`).toBeNull();
    // 20 a minute = one token every 3 s; the bucket was emptied at this instant.
    expect(await t.attempt(who), 'the 4th waits a whole token: 60 s / 20 = 3 s').toBe(3);
    t.advance(1_000);
    expect(await t.attempt(who), 'a refusal costs nothing: 2 s left of the 3').toBe(2);
    t.advance(2_000);
    expect(await t.attempt(who), 'after 3 s one token has refilled').toBeNull();
    expect(await t.attempt(who), 'and only one').toBe(3);
  });

  it('keeps people apart, and platforms apart', async () => {
    const t = limiterAt({ userPerMinute: 1, userBurst: 1, channelPerMinute: 0 });
    expect(await t.attempt({ platform: 'slack', userId: 'U1' })).toBeNull();
    expect(await t.attempt({ platform: 'slack', userId: 'U1' }), 'U1 used their token').not.toBeNull();
    expect(await t.attempt({ platform: 'slack', userId: 'U2' }), 'U2 has their own bucket').toBeNull();
    expect(await t.attempt({ platform: 'discord', userId: 'U1' }), 'the same id on another platform is another person').toBeNull();
  });

  it('limits a channel as a whole, across its people', async () => {
    const t = limiterAt({ userPerMinute: 100, userBurst: 100, channelPerMinute: 6, channelBurst: 2 });
    expect(await t.attempt({ platform: 'discord', userId: 'A', channelId: 'C' })).toBeNull();
    expect(await t.attempt({ platform: 'discord', userId: 'B', channelId: 'C' })).toBeNull();
    expect(await t.attempt({ platform: 'discord', userId: 'D', channelId: 'C' }), 'a third person in the same channel hits its limit: 60/6 = 10 s').toBe(10);
    expect(await t.attempt({ platform: 'discord', userId: 'D', channelId: 'other' }), 'D is free elsewhere').toBeNull();
  });

  it('takes all or nothing: a refused channel costs the person no token', async () => {
    const t = limiterAt({ userPerMinute: 60, userBurst: 2, channelPerMinute: 60, channelBurst: 1 });
    expect(await t.attempt({ userId: 'A', channelId: 'busy' })).toBeNull();
    expect(await t.attempt({ userId: 'A', channelId: 'busy' }), 'the channel is empty').not.toBeNull();
    expect(await t.attempt({ userId: 'A', channelId: 'quiet' }), 'A still has the token the refusal did not take').toBeNull();
  });

  it('does not limit what it cannot attribute, nor what is turned off', async () => {
    const t = limiterAt({ userPerMinute: 1, userBurst: 1, channelPerMinute: 1, channelBurst: 1 });
    for (let i = 0; i < 50; i++) expect(await t.attempt({ platform: 'console' }), 'no user and no channel: nothing to key on').toBeNull();
    const off = limiterAt({ userPerMinute: 0, channelPerMinute: 0 });
    for (let i = 0; i < 50; i++) expect(await off.attempt({ userId: 'U', channelId: 'C' }), '0 per minute turns the limits off').toBeNull();
  });

  it('never lets more through than burst + rate × elapsed (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 200 }),
        async (perMinute, burst, gaps) => {
          const t = limiterAt({ userPerMinute: perMinute, userBurst: burst, channelPerMinute: 0 });
          let allowed = 0;
          let elapsed = 0;
          for (const gap of gaps) {
            t.advance(gap);
            elapsed += gap;
            if ((await t.attempt({ userId: 'U' })) === null) allowed++;
          }
          // The definition of a token bucket, written directly: capacity plus what refilled meanwhile.
          expect(allowed).toBeLessThanOrEqual(burst + Math.floor((elapsed * perMinute) / 60_000));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('memory limit store', () => {
  const rule: BucketRule = { capacity: 1, perMinute: 1 };

  it('forgets the least recently used buckets beyond maxKeys (they come back full)', async () => {
    const store = createMemoryLimitStore({ maxKeys: 3 });
    for (const key of ['a', 'b', 'c']) expect(await store.take([{ key, rule }], 0)).toBe(0);
    expect(await store.take([{ key: 'a', rule }], 0), 'a is empty').toBeGreaterThan(0);
    expect(await store.take([{ key: 'd', rule }], 0)).toBe(0);
    expect(store.size, 'never more than maxKeys buckets').toBe(3);
    expect(await store.take([{ key: 'a', rule }], 0), 'a was the oldest use, dropped, so full again').toBe(0);
    expect(await store.take([{ key: 'c', rule }], 0), 'c is still remembered as empty').toBeGreaterThan(0);
  });
});
