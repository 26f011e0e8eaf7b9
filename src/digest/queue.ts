/**
 * Per-platform post queues that stay within the platforms' rate limits, so a fan-out of a thousand
 * digests drains steadily instead of hitting 429s. Each platform has a per-channel and a global
 * sliding window, and a cap on posts in flight. A task whose channel is at its limit waits without
 * holding up tasks for other channels.
 *
 * The limits are the documented ones, kept a little under: Discord allows 5 messages per 5 s per
 * channel and 50 requests per second per bot; Slack's chat.postMessage about 1 message per second per
 * channel (bursts tolerated briefly), with a workspace-wide limit it does not publish (20/s here).
 */
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import type { Clock, TimerHandle } from './clock.ts';
import type { Platform } from './poster.ts';
import { at } from '../core/at.ts';

export interface Window {
  count: number;
  ms: number;
}

export interface RateLimits {
  perChannel: Window;
  global: Window;
  /** Posts in flight at once. */
  concurrency: number;
}

export const PLATFORM_LIMITS: Readonly<Record<Platform, RateLimits>> = {
  discord: { perChannel: { count: 5, ms: 5000 }, global: { count: 45, ms: 1000 }, concurrency: 10 },
  slack: { perChannel: { count: 1, ms: 1000 }, global: { count: 20, ms: 1000 }, concurrency: 5 },
  console: { perChannel: { count: 100, ms: 1000 }, global: { count: 1000, ms: 1000 }, concurrency: 4 },
};

export interface PostTask {
  /** The channel the post goes to (per-channel limit). */
  channelId: string;
  /** Not started before this instant (epoch ms): a retry's back-off, or a platform's retry-after. */
  notBefore?: number;
  /** Does the post; must not throw (the caller records failures). */
  run(): Promise<void>;
}

export interface PostQueue {
  readonly platform: Platform;
  push(task: PostTask): void;
  /** Tasks waiting (not started). */
  waiting(): number;
  /** Tasks running. */
  running(): number;
  /** Stops starting tasks; waits for the running ones. Waiting tasks are dropped (their outbox rows stay pending). */
  close(): Promise<void>;
}

class SlidingWindow {
  private readonly starts: number[] = [];
  constructor(private readonly w: Window) {}
  /** The earliest instant ≥ now at which one more start fits. */
  freeAt(now: number): number {
    while (this.starts.length > 0 && at(this.starts, 0) <= now - this.w.ms) this.starts.shift();
    if (this.starts.length < this.w.count) return now;
    return at(this.starts, this.starts.length - this.w.count) + this.w.ms;
  }
  record(now: number): void {
    this.starts.push(now);
  }
  idle(now: number): boolean {
    return this.freeAt(now) === now && this.starts.every((t) => t <= now - this.w.ms);
  }
}

export function createPostQueue(opts: { platform: Platform; clock: Clock; limits?: RateLimits; logger?: Logger }): PostQueue {
  const { platform, clock } = opts;
  const limits = opts.limits ?? PLATFORM_LIMITS[platform];
  const logger = opts.logger ?? silentLogger;
  const global = new SlidingWindow(limits.global);
  const channels = new Map<string, SlidingWindow>();
  const queue: PostTask[] = [];
  const inflight = new Set<Promise<void>>();
  let timer: TimerHandle | null = null;
  let timerAt = Infinity;
  let closed = false;

  const channelWindow = (id: string): SlidingWindow => {
    let w = channels.get(id);
    if (!w) {
      w = new SlidingWindow(limits.perChannel);
      channels.set(id, w);
    }
    return w;
  };

  function pump(): void {
    if (closed) return;
    const now = clock.now().getTime();
    let wakeAt = Infinity;
    for (let i = 0; i < queue.length && inflight.size < limits.concurrency; ) {
      const task = at(queue, i);
      const g = global.freeAt(now);
      if (g > now) {
        wakeAt = Math.min(wakeAt, g);
        break;
      }
      const c = channelWindow(task.channelId).freeAt(now);
      const ready = Math.max(c, task.notBefore ?? now);
      if (ready > now) {
        wakeAt = Math.min(wakeAt, ready);
        i++;
        continue;
      }
      queue.splice(i, 1);
      global.record(now);
      channelWindow(task.channelId).record(now);
      start(task);
    }
    // Forget windows of channels with nothing recent, so a long-running bot does not keep one per channel ever seen.
    if (channels.size > 1000) for (const [id, w] of channels) if (w.idle(now)) channels.delete(id);
    if (wakeAt < Infinity && queue.length > 0 && wakeAt !== timerAt) {
      timer?.cancel();
      timerAt = wakeAt;
      timer = clock.setTimer(new Date(wakeAt), () => {
        timer = null;
        timerAt = Infinity;
        pump();
      });
    }
  }

  function start(task: PostTask): void {
    const p = task
      .run()
      .catch((err: unknown) => logger.error({ platform, channel: task.channelId, err }, 'post task threw'))
      .finally(() => {
        inflight.delete(p);
        pump();
      });
    inflight.add(p);
  }

  return {
    platform,
    push(task) {
      if (closed) return;
      queue.push(task);
      pump();
    },
    waiting: () => queue.length,
    running: () => inflight.size,
    async close() {
      closed = true;
      timer?.cancel();
      queue.length = 0;
      await Promise.all([...inflight]);
    },
  };
}
