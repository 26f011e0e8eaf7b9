/**
 * The command limits' buckets in Redis (REDIS_URL), shared by every replica: a person over the limit
 * is refused whichever replica answers.
 *
 * Why a Lua script rather than rate-limiter-flexible: the limits are token buckets taken all or
 * nothing across two keys (the person's and the channel's; a refused channel must cost the person
 * no token). rate-limiter-flexible limits one key at a time with its own counting rules, so it
 * would change what people see and could not make the two takes one decision. A script runs in
 * Redis as one unit, so the read, the check and the write of both buckets are atomic across
 * replicas, with exactly the arithmetic of the in-memory store (limits.ts): the two pass one
 * contract suite (test/ops/limits-contract.test.ts).
 *
 * Each bucket is a hash {tokens, at} that expires once it would be full again (an absent bucket is
 * a full one), so idle people cost Redis nothing. The instant comes from the caller, as in memory:
 * replicas' clocks must agree (NTP); a skew of s seconds only moves a refill by s.
 *
 * When Redis cannot answer, the replica falls back to its own in-memory buckets (logged once per
 * outage): limits become per replica for a while instead of every command failing.
 */
import type { Redis } from 'ioredis';
import { silentLogger, type Logger } from '../log.ts';
import { createMemoryLimitStore, type LimitStore } from './limits.ts';

/**
 * KEYS: the buckets. ARGV: now (ms), then capacity and per-minute rate for each key.
 * Returns "0" when every bucket gave a token, else the ms until each has one (a decimal string:
 * Redis would truncate a Lua number to an integer).
 */
const TAKE = `
local now = tonumber(ARGV[1])
local levels = {}
local wait = 0
for i, key in ipairs(KEYS) do
  local cap = tonumber(ARGV[2 * i])
  local rate = tonumber(ARGV[2 * i + 1])
  local b = redis.call('HMGET', key, 'tokens', 'at')
  local have = cap
  if b[1] then
    have = math.min(cap, tonumber(b[1]) + (now - tonumber(b[2])) * rate / 60000)
  end
  levels[i] = have
  if have < 1 then
    local w
    if rate > 0 then w = (1 - have) * 60000 / rate else w = math.huge end
    if w > wait then wait = w end
  end
end
if wait > 0 then
  if wait == math.huge then return 'inf' end
  return string.format('%.17g', wait)
end
for i, key in ipairs(KEYS) do
  local cap = tonumber(ARGV[2 * i])
  local rate = tonumber(ARGV[2 * i + 1])
  local left = levels[i] - 1
  redis.call('HSET', key, 'tokens', string.format('%.17g', left), 'at', ARGV[1])
  if rate > 0 then
    redis.call('PEXPIRE', key, math.ceil((cap - left) * 60000 / rate) + 1000)
  end
end
return '0'
`;

export interface RedisLimitStoreOptions {
  /** Put before every key (tests, several bots on one Redis). Default 'tapebot:limit:'. */
  prefix?: string;
  logger?: Logger;
}

export function createRedisLimitStore(redis: Redis, opts: RedisLimitStoreOptions = {}): LimitStore {
  const prefix = opts.prefix ?? 'tapebot:limit:';
  const logger = opts.logger ?? silentLogger;
  const fallback = createMemoryLimitStore();
  let down = false;
  return {
    async take(requests, nowMs) {
      if (requests.length === 0) return 0;
      const args: (string | number)[] = [nowMs];
      for (const r of requests) args.push(r.rule.capacity, r.rule.perMinute);
      try {
        const out = String(await redis.eval(TAKE, requests.length, ...requests.map((r) => prefix + r.key), ...args));
        if (down) logger.info('limits: Redis answers again; limits are shared across replicas again');
        down = false;
        return out === 'inf' ? Infinity : Number(out);
      } catch (err) {
        if (!down) logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'limits: Redis is unreachable; limiting in this replica only until it answers');
        down = true;
        return fallback.take(requests, nowMs);
      }
    },
  };
}
