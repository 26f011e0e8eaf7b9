import { describe, expect, it } from 'vitest';
import { createAckFirstScheduler } from '../../src/adapters/ack-first.ts';

/** A promise with its resolver, to hold an acknowledgement "on the wire" for as long as a test likes. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('acknowledgements first, then work', () => {
  it('holds work back while an acknowledgement is in flight, and lets it go when it settles', async () => {
    const s = createAckFirstScheduler({ maxWorkDelayMs: 10_000 });
    const wire = deferred();
    const ack = s.acknowledge(() => wire.promise);
    let worked = false;
    const work = s.turn().then(() => {
      worked = true;
    });
    for (let k = 0; k < 5; k++) await tick();
    expect(worked, 'no work while the acknowledgement is on its way').toBe(false);
    wire.resolve();
    await ack;
    await work;
    expect(worked).toBe(true);
  });

  it('lets one waiter through per event-loop turn, in arrival order', async () => {
    const s = createAckFirstScheduler();
    const order: string[] = [];
    const a = s.turn().then(() => order.push('a'));
    const b = s.turn().then(() => order.push('b'));
    await a;
    // Microtasks have run; b needs another turn of the loop.
    await Promise.resolve();
    expect(order, 'b waits for the next turn').toEqual(['a']);
    await b;
    expect(order).toEqual(['a', 'b']);
  });

  it('never starves work: under endless acknowledgements one command still goes per interval', async () => {
    const s = createAckFirstScheduler({ maxWorkDelayMs: 30 });
    const never = deferred();
    void s.acknowledge(() => never.promise);
    const started = performance.now();
    await s.turn();
    const first = performance.now() - started;
    await s.turn();
    const second = performance.now() - started;
    expect(first, 'the first waits about one interval').toBeGreaterThanOrEqual(25);
    expect(second - first, 'the next one another interval later').toBeGreaterThanOrEqual(25);
    never.resolve();
  });

  it('passes the acknowledgement’s result and failure through', async () => {
    const s = createAckFirstScheduler();
    await expect(s.acknowledge(() => Promise.resolve(7))).resolves.toBe(7);
    await expect(s.acknowledge(() => Promise.reject(new Error('Unknown interaction')))).rejects.toThrow('Unknown interaction');
    await s.turn(); // a failed acknowledgement does not leave the gate shut
  });
});
