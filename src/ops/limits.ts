/**
 * Per-person and per-channel command limits: token buckets, checked by the command runner before a
 * command runs, so every adapter (Discord, Slack, mentions, the console) gets the same limits.
 *
 * A token bucket holds at most `capacity` tokens (the burst) and refills continuously at `perMinute`
 * tokens a minute; each command takes one token. A person may fire `capacity` commands at once, then
 * about one every 60/perMinute seconds.
 *
 * The buckets live behind `LimitStore`. The in-memory store serves one instance; several instances
 * behind one bot need a shared store (Redis: one Lua script per `take`, same all-or-nothing rule).
 */
import { RateLimitedError } from '../errors.ts';

export interface BucketRule {
  /** Most tokens the bucket holds: how many commands may arrive at once. */
  readonly capacity: number;
  /** Tokens added per minute. */
  readonly perMinute: number;
}

export interface BucketRequest {
  readonly key: string;
  readonly rule: BucketRule;
}

export interface LimitStore {
  /**
   * Takes one token from every bucket in `requests`, all or nothing: when any bucket is empty none is
   * touched, and the result is the milliseconds until every one of them has a token again.
   * Returns 0 when the tokens were taken.
   */
  take(requests: readonly BucketRequest[], nowMs: number): Promise<number>;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Tokens a bucket holds at `now`, after refilling since its last use. */
function level(bucket: Bucket | undefined, rule: BucketRule, now: number): number {
  if (!bucket) return rule.capacity;
  const refilled = bucket.tokens + ((now - bucket.at) * rule.perMinute) / 60_000;
  return Math.min(rule.capacity, refilled);
}

/**
 * Buckets in a Map, most recently used last. Beyond `maxKeys` the least recently used are dropped —
 * a dropped bucket comes back full, which only ever errs on the lenient side.
 */
export function createMemoryLimitStore(opts: { maxKeys?: number } = {}): LimitStore & { readonly size: number } {
  const maxKeys = opts.maxKeys ?? 100_000;
  const buckets = new Map<string, Bucket>();
  return {
    async take(requests, now) {
      let waitMs = 0;
      const levels = requests.map((r) => level(buckets.get(r.key), r.rule, now));
      requests.forEach((r, i) => {
        const have = levels[i] ?? 0;
        if (have < 1) waitMs = Math.max(waitMs, r.rule.perMinute > 0 ? ((1 - have) * 60_000) / r.rule.perMinute : Infinity);
      });
      if (waitMs > 0) return waitMs;
      requests.forEach((r, i) => {
        buckets.delete(r.key);
        buckets.set(r.key, { tokens: (levels[i] ?? 0) - 1, at: now });
      });
      while (buckets.size > maxKeys) {
        const oldest = buckets.keys().next();
        if (oldest.done) break;
        buckets.delete(oldest.value);
      }
      return 0;
    },
    get size() {
      return buckets.size;
    },
  };
}

/** Who sent a command, as far as the adapter knows. A missing id means no limit of that kind. */
export interface Requester {
  readonly platform?: string | undefined;
  readonly userId?: string | undefined;
  readonly channelId?: string | undefined;
}

export interface LimitSettings {
  /** Commands per minute per person; 0 turns the per-person limit off. */
  userPerMinute: number;
  userBurst: number;
  /** Commands per minute per channel, from everyone in it together; 0 turns it off. */
  channelPerMinute: number;
  channelBurst: number;
}

export const DEFAULT_LIMITS: LimitSettings = { userPerMinute: 20, userBurst: 8, channelPerMinute: 60, channelBurst: 20 };

export interface RequestLimiter {
  /** Resolves when the command may run; rejects with RateLimitedError (retry after whole seconds) when not. */
  check(who: Requester): Promise<void>;
}

export function createRequestLimiter(opts: Partial<LimitSettings> & { store?: LimitStore; now?: () => number } = {}): RequestLimiter {
  const s: LimitSettings = {
    userPerMinute: opts.userPerMinute ?? DEFAULT_LIMITS.userPerMinute,
    userBurst: opts.userBurst ?? DEFAULT_LIMITS.userBurst,
    channelPerMinute: opts.channelPerMinute ?? DEFAULT_LIMITS.channelPerMinute,
    channelBurst: opts.channelBurst ?? DEFAULT_LIMITS.channelBurst,
  };
  const store = opts.store ?? createMemoryLimitStore();
  const now = opts.now ?? Date.now;
  const userRule: BucketRule = { capacity: Math.max(1, s.userBurst), perMinute: s.userPerMinute };
  const channelRule: BucketRule = { capacity: Math.max(1, s.channelBurst), perMinute: s.channelPerMinute };
  return {
    async check(who) {
      const platform = who.platform ?? 'any';
      const requests: BucketRequest[] = [];
      if (who.userId && s.userPerMinute > 0) requests.push({ key: `u:${platform}:${who.userId}`, rule: userRule });
      if (who.channelId && s.channelPerMinute > 0) requests.push({ key: `c:${platform}:${who.channelId}`, rule: channelRule });
      if (requests.length === 0) return;
      const waitMs = await store.take(requests, now());
      // Whole seconds, rounded up — less a hair, so float noise (2000.0000000000002 ms) does not say 3 s.
      if (waitMs > 0) throw new RateLimitedError(Math.max(1, Math.ceil(waitMs / 1000 - 1e-6)));
    },
  };
}

