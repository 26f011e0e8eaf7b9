/**
 * Time as the digest machinery sees it: the current instant and one-shot timers. Production uses the
 * system clock; tests and the benchmark use `createManualClock`, which only moves when told to, so a
 * whole year of closes runs in seconds with no real waiting.
 */
import { at } from '../core/at.ts';

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  now(): Date;
  /** Calls `fn` once at (or soon after) `at`; at once when `at` has passed. */
  setTimer(at: Date, fn: () => void): TimerHandle;
}

/** setTimeout's longest delay (2^31 − 1 ms, about 24.8 days); longer waits are chained. */
const MAX_DELAY_MS = 2_147_483_647;

export const systemClock: Clock = {
  now: () => new Date(),
  setTimer(at, fn) {
    let handle: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = () => {
      const delay = at.getTime() - Date.now();
      if (delay > MAX_DELAY_MS) {
        handle = setTimeout(arm, MAX_DELAY_MS);
      } else {
        handle = setTimeout(() => {
          if (!cancelled) fn();
        }, Math.max(0, delay));
      }
      handle.unref?.();
    };
    arm();
    return {
      cancel() {
        cancelled = true;
        if (handle) clearTimeout(handle);
      },
    };
  },
};

export interface ManualClock extends Clock {
  /** Sets the time without firing anything (e.g. a start point). */
  set(at: Date): void;
  /** The instant of the earliest pending timer, or undefined when none is pending. */
  nextTimerAt(): Date | undefined;
  /** Moves time to the earliest pending timer and fires it (and any others due at that instant). Returns false when none is pending. */
  fireNext(): boolean;
  /** Number of pending timers. */
  pending(): number;
}

interface ManualTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export function createManualClock(start: Date): ManualClock {
  let now = start.getTime();
  let seq = 0;
  // A sorted array is enough: a few hundred timers at most, and insertions are rare.
  const timers: ManualTimer[] = [];
  const prune = () => {
    while (timers[0]?.cancelled) timers.shift();
  };
  return {
    now: () => new Date(now),
    set(when) {
      now = when.getTime();
    },
    setTimer(when, fn) {
      const t: ManualTimer = { at: Math.max(when.getTime(), now), seq: seq++, fn, cancelled: false };
      let i = timers.length;
      while (i > 0 && (at(timers, i - 1).at > t.at || (at(timers, i - 1).at === t.at && at(timers, i - 1).seq > t.seq))) i--;
      timers.splice(i, 0, t);
      return {
        cancel() {
          t.cancelled = true;
        },
      };
    },
    nextTimerAt() {
      prune();
      const t = timers[0];
      return t ? new Date(t.at) : undefined;
    },
    fireNext() {
      prune();
      const first = timers[0];
      if (!first) return false;
      now = Math.max(now, first.at);
      while (timers[0] && (timers[0].at <= now || timers[0].cancelled)) {
        const t = timers.shift() as ManualTimer;
        if (!t.cancelled) t.fn();
      }
      return true;
    },
    pending() {
      return timers.filter((t) => !t.cancelled).length;
    },
  };
}
