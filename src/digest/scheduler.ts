/**
 * A small scheduler that owns its timers. Each job says when it next runs (`next`) and what it does
 * (`run`); the scheduler arms one timer per job on the injected clock, runs the job, logs a failure
 * without disturbing any other job, and arms the next run. `stop()` cancels every timer and waits for
 * running jobs to finish, so nothing fires after it returns.
 *
 * A job never overlaps itself: if a run is still going when the next one is due, the due run starts
 * when the first finishes (computed from that moment, so a slow run skips missed instants rather than
 * queueing them).
 */
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import type { Clock, TimerHandle } from './clock.ts';

export interface ScheduledJob {
  /** Unique among the scheduler's jobs; in every log line about the job. */
  readonly name: string;
  /** The first run strictly after `after`, or null when the job has no more runs. */
  next(after: Date): Date | null;
  /** `at` is the instant the run was scheduled for (the clock may be a little later). */
  run(at: Date): Promise<void>;
}

export interface Scheduler {
  /** Adds (or replaces, by name) a recurring job; armed at once when the scheduler is running. */
  add(job: ScheduledJob): void;
  /** Runs `fn` once at `at` under `name` (replacing a pending one-off of that name). */
  once(name: string, at: Date, fn: () => Promise<void>): void;
  remove(name: string): void;
  has(name: string): boolean;
  start(): void;
  /** Cancels every timer, then waits for running jobs. */
  stop(): Promise<void>;
  /** Jobs running right now (not waiting for a timer). */
  busy(): number;
  /** When each job runs next, for logs and /digest list. */
  upcoming(): { name: string; at: Date }[];
}

interface Entry {
  job: ScheduledJob;
  timer: TimerHandle | null;
  at: Date | null;
  running: Promise<void> | null;
  oneOff: boolean;
}

export function createScheduler(opts: { clock: Clock; logger?: Logger }): Scheduler {
  const { clock } = opts;
  const logger = opts.logger ?? silentLogger;
  const entries = new Map<string, Entry>();
  let started = false;
  let busy = 0;

  function arm(entry: Entry, after: Date): void {
    entry.timer?.cancel();
    entry.timer = null;
    let at: Date | null;
    try {
      at = entry.job.next(after);
    } catch (err) {
      logger.error({ job: entry.job.name, err }, 'scheduler: cannot compute the next run; job disabled');
      at = null;
    }
    entry.at = at;
    if (!at || !started) return;
    const when = at;
    entry.timer = clock.setTimer(when, () => fire(entry, when));
  }

  function fire(entry: Entry, at: Date): void {
    entry.timer = null;
    if (entries.get(entry.job.name) !== entry || !started) return;
    if (entry.running) {
      // Still running: run again as soon as it finishes.
      void entry.running.then(() => fire(entry, at));
      return;
    }
    busy++;
    const run = (async () => {
      try {
        await entry.job.run(at);
      } catch (err) {
        logger.error({ job: entry.job.name, at: at.toISOString(), err }, 'scheduled job failed');
      } finally {
        busy--;
      }
    })();
    entry.running = run;
    void run.then(() => {
      entry.running = null;
      if (entry.oneOff) {
        if (entries.get(entry.job.name) === entry) entries.delete(entry.job.name);
        return;
      }
      if (entries.get(entry.job.name) === entry && started) {
        const now = clock.now();
        arm(entry, now > at ? now : at);
      }
    });
  }

  function put(job: ScheduledJob, oneOff: boolean): void {
    const old = entries.get(job.name);
    old?.timer?.cancel();
    const entry: Entry = { job, timer: null, at: null, running: null, oneOff };
    entries.set(job.name, entry);
    // A replaced job still running keeps running; the new entry arms independently.
    arm(entry, oneOff ? new Date(0) : clock.now());
  }

  return {
    add(job) {
      put(job, false);
    },
    once(name, at, fn) {
      let used = false;
      put(
        {
          name,
          next: () => (used ? null : at),
          run: async () => {
            used = true;
            await fn();
          },
        },
        true,
      );
    },
    remove(name) {
      const e = entries.get(name);
      e?.timer?.cancel();
      entries.delete(name);
    },
    has: (name) => entries.has(name),
    start() {
      if (started) return;
      started = true;
      const now = clock.now();
      for (const e of entries.values()) arm(e, e.oneOff ? new Date(0) : now);
    },
    async stop() {
      started = false;
      for (const e of entries.values()) {
        e.timer?.cancel();
        e.timer = null;
      }
      await Promise.all([...entries.values()].map((e) => e.running ?? Promise.resolve()));
    },
    busy: () => busy,
    upcoming() {
      return [...entries.values()].filter((e) => e.at !== null).map((e) => ({ name: e.job.name, at: e.at as Date }));
    },
  };
}
