/**
 * Where the work after an acknowledgement runs. Answering a command is CPU work on the main thread
 * (the analysis) between waits on I/O (charts drawn in workers, uploads, posts). Started straight
 * from the listener, that work runs in the same microtask run as the ack — so in a burst, request
 * 200's ack waits for the analysis of requests 1–199 and misses Slack's 3 seconds. Here every job
 * first yields to the event loop (pending requests get parsed and acked), at most `concurrency`
 * jobs run at once, and beyond `maxQueued` waiting jobs new ones are refused rather than queued
 * without end.
 */

/** Thrown by `run` when `maxQueued` jobs already wait. */
export class WorkQueueFullError extends Error {
  override readonly name = 'WorkQueueFullError';
  constructor(readonly maxQueued: number) {
    super(`work queue is full (${maxQueued} waiting)`);
  }
}

export interface WorkQueue {
  /** Runs `job` when a slot is free (after yielding to the event loop); rejects with WorkQueueFullError when full. */
  run<T>(job: () => Promise<T>): Promise<T>;
  /** Resolves once nothing runs or waits. */
  idle(): Promise<void>;
  readonly running: number;
  readonly waiting: number;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createWorkQueue(opts: { concurrency: number; maxQueued: number }): WorkQueue {
  const concurrency = Math.max(1, opts.concurrency);
  let running = 0;
  const waiters: (() => void)[] = [];
  let idleWaiters: (() => void)[] = [];

  const settleIdle = () => {
    if (running > 0 || waiters.length > 0) return;
    const ws = idleWaiters;
    idleWaiters = [];
    for (const w of ws) w();
  };

  async function acquire(): Promise<void> {
    if (running < concurrency && waiters.length === 0) {
      running++;
      return;
    }
    if (waiters.length >= opts.maxQueued) throw new WorkQueueFullError(opts.maxQueued);
    // The releasing job hands its slot over: `running` stays the same.
    await new Promise<void>((resolve) => waiters.push(resolve));
  }

  function release(): void {
    const next = waiters.shift();
    if (next) next();
    else running--;
    settleIdle();
  }

  return {
    async run(job) {
      await acquire();
      try {
        await yieldToEventLoop();
        return await job();
      } finally {
        release();
      }
    },
    idle() {
      if (running === 0 && waiters.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    get running() {
      return running;
    },
    get waiting() {
      return waiters.length;
    },
  };
}
