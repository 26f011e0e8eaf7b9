/**
 * Connections to Redis (REDIS_URL). Two kinds, because their callers want opposite things when Redis
 * is away: a command's rate-limit check must fail at once (and fall back) rather than wait, while
 * BullMQ's workers and schedulers must wait and reconnect by themselves.
 */
import { Redis } from 'ioredis';
import { silentLogger, type Logger } from '../log.ts';

export type { Redis };

/**
 * For requests on a command's path: a request waits at most 1.5 s (commandTimeout), and while Redis is
 * away a queued one fails after one reconnection attempt, so a command never hangs on Redis.
 */
export function openRedisForRequests(url: string, logger: Logger = silentLogger): Redis {
  const r = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2_000, commandTimeout: 1_500 });
  r.on('error', (err: Error) => logger.debug({ err: err.message }, 'redis: connection error'));
  return r;
}

/** For BullMQ: requests wait for the connection (BullMQ requires maxRetriesPerRequest: null). */
export function openRedisForJobs(url: string, logger: Logger = silentLogger): Redis {
  const r = new Redis(url, { maxRetriesPerRequest: null });
  r.on('error', (err: Error) => logger.debug({ err: err.message }, 'redis: connection error'));
  return r;
}
