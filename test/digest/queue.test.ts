/** Post queues keep to the platforms' limits, on a manual clock. */
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/digest/clock.ts';
import { createPostQueue } from '../../src/digest/queue.ts';
import { settle } from './_fakes.ts';

async function drain(clock: ReturnType<typeof createManualClock>, q: { waiting(): number; running(): number }) {
  await settle(() => q.running());
  while (q.waiting() > 0 && clock.fireNext()) await settle(() => q.running());
}

describe('post queues', () => {
  it('Discord: at most 5 posts per channel in 5 s', async () => {
    const clock = createManualClock(new Date(0));
    const q = createPostQueue({ platform: 'discord', clock });
    const starts: number[] = [];
    for (let i = 0; i < 12; i++) q.push({ channelId: 'c', run: async () => void starts.push(clock.now().getTime()) });
    await drain(clock, q);
    expect(starts).toEqual([0, 0, 0, 0, 0, 5000, 5000, 5000, 5000, 5000, 10000, 10000]);
  });

  it('Discord: the global limit spreads a fan-out to many channels over seconds', async () => {
    const clock = createManualClock(new Date(0));
    const q = createPostQueue({ platform: 'discord', clock });
    const starts: number[] = [];
    for (let i = 0; i < 100; i++) q.push({ channelId: `c${i}`, run: async () => void starts.push(clock.now().getTime()) });
    await drain(clock, q);
    const perSecond = new Map<number, number>();
    for (const t of starts) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
    expect(starts).toHaveLength(100);
    expect(Math.max(...perSecond.values()), 'under 50 requests per second').toBeLessThanOrEqual(45);
  });

  it('Slack: one post per channel per second, and a busy channel does not hold up the others', async () => {
    const clock = createManualClock(new Date(0));
    const q = createPostQueue({ platform: 'slack', clock });
    const starts: string[] = [];
    for (const ch of ['a', 'a', 'a', 'b', 'c']) q.push({ channelId: ch, run: async () => void starts.push(`${ch}@${clock.now().getTime()}`) });
    await drain(clock, q);
    expect(starts).toEqual(['a@0', 'b@0', 'c@0', 'a@1000', 'a@2000']);
  });

  it('honours a retry-after', async () => {
    const clock = createManualClock(new Date(0));
    const q = createPostQueue({ platform: 'discord', clock });
    const starts: number[] = [];
    q.push({ channelId: 'c', notBefore: 7000, run: async () => void starts.push(clock.now().getTime()) });
    await drain(clock, q);
    expect(starts).toEqual([7000]);
  });
});
