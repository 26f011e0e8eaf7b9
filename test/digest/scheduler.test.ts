/** The scheduler: its own timers on an injected clock, failures isolated, a clean stop. */
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createManualClock } from '../../src/digest/clock.ts';
import { createScheduler } from '../../src/digest/scheduler.ts';
import { settle } from './_fakes.ts';

function captureLogger() {
  const lines: { msg: string; job?: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s) as { msg: string; job?: string }) });
  return { logger, lines };
}

const every = (ms: number) => (after: Date) => new Date(Math.floor(after.getTime() / ms) * ms + ms);

describe('scheduler', () => {
  it('runs each job at its instants, logs a failing job and keeps running the others', async () => {
    const clock = createManualClock(new Date(0));
    const { logger, lines } = captureLogger();
    const s = createScheduler({ clock, logger });
    const ran: string[] = [];
    s.add({ name: 'good', next: every(1000), run: async (at) => void ran.push(`good ${at.getTime()}`) });
    s.add({
      name: 'bad',
      next: every(1500),
      run: async () => {
        throw new Error('boom');
      },
    });
    s.start();
    for (let i = 0; i < 6; i++) {
      clock.fireNext();
      await settle(() => s.busy());
    }
    expect(ran, 'the good job ran on time despite the failures').toEqual(['good 1000', 'good 2000', 'good 3000', 'good 4000']);
    // Six firings: 1000, 1500 (bad), 2000, 3000 (both), 4000, 4500 (bad).
    expect(lines.filter((l) => l.msg === 'scheduled job failed').map((l) => l.job), 'each failure logged with its job').toEqual(['bad', 'bad', 'bad']);
    await s.stop();
    expect(clock.nextTimerAt() === undefined || clock.pending() === 0, 'stop cancels every timer').toBe(true);
  });

  it('never overlaps a job with itself, and stop waits for a running job', async () => {
    const clock = createManualClock(new Date(0));
    const s = createScheduler({ clock });
    let running = 0;
    let maxRunning = 0;
    let release: () => void = () => {};
    s.add({
      name: 'slow',
      next: every(1000),
      run: async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise<void>((r) => (release = r));
        running--;
      },
    });
    s.start();
    clock.fireNext();
    await settle(() => 0);
    expect(running).toBe(1);
    let stopped = false;
    const stopping = s.stop().then(() => (stopped = true));
    await settle(() => 0);
    expect(stopped, 'stop waits for the running job').toBe(false);
    release();
    await stopping;
    expect(maxRunning).toBe(1);
    expect(clock.pending(), 'nothing armed after stop').toBe(0);
  });

  it('one-off jobs run once', async () => {
    const clock = createManualClock(new Date(0));
    const s = createScheduler({ clock });
    let n = 0;
    s.once('retry', new Date(500), async () => void n++);
    s.start();
    while (clock.fireNext()) await settle(() => s.busy());
    expect(n).toBe(1);
    expect(s.has('retry')).toBe(false);
  });
});
