import { describe, expect, it } from 'vitest';
import { createWorkQueue, WorkQueueFullError } from '../../../src/adapters/slack/work-queue.ts';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('work queue for the work after an ack', () => {
  it('never runs more than `concurrency` jobs at once, and runs them all', async () => {
    const q = createWorkQueue({ concurrency: 3, maxQueued: 100 });
    let now = 0;
    let peak = 0;
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        q.run(async () => {
          now++;
          peak = Math.max(peak, now);
          await tick(2);
          now--;
          done.push(i);
        }),
      ),
    );
    expect(peak, 'at most 3 at a time').toBe(3);
    expect(done.sort((a, b) => a - b), 'every job ran once').toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('yields to the event loop before a job starts, so I/O already due (the next ack) goes first', async () => {
    const q = createWorkQueue({ concurrency: 1, maxQueued: 10 });
    const order: string[] = [];
    // An I/O-like callback scheduled before the job, as a pending request would be.
    setImmediate(() => order.push('pending request'));
    const job = q.run(async () => {
      order.push('job');
    });
    order.push('listener returned');
    await job;
    expect(order).toEqual(['listener returned', 'pending request', 'job']);
  });

  it('refuses work beyond `maxQueued` waiting jobs instead of queueing without end', async () => {
    const q = createWorkQueue({ concurrency: 1, maxQueued: 2 });
    let release = () => {};
    let started = () => {};
    const running = new Promise<void>((r) => (started = r));
    const blocker = q.run(
      () =>
        new Promise<void>((r) => {
          release = r;
          started();
        }),
    );
    const waiting = [q.run(async () => 'a'), q.run(async () => 'b')];
    await expect(q.run(async () => 'c'), 'one running + two waiting = full').rejects.toBeInstanceOf(WorkQueueFullError);
    expect(q.waiting).toBe(2);
    await running;
    release();
    await blocker;
    expect(await Promise.all(waiting)).toEqual(['a', 'b']);
  });

  it('a failing job frees its slot and reports its own error', async () => {
    const q = createWorkQueue({ concurrency: 1, maxQueued: 10 });
    await expect(q.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await q.run(async () => 42), 'the slot was released').toBe(42);
    expect(q.running).toBe(0);
  });

  it('idle() waits for running and queued work', async () => {
    const q = createWorkQueue({ concurrency: 1, maxQueued: 10 });
    let finished = 0;
    for (let i = 0; i < 3; i++)
      void q.run(async () => {
        await tick(3);
        finished++;
      });
    await q.idle();
    expect(finished).toBe(3);
    await q.idle();
  });
});
