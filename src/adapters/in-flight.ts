/**
 * The work a chat adapter has taken in and not finished: every event it was handed (a command, a
 * click, a message) from the moment it arrives until its last reply is sent or given up. `idle()`
 * is what "nothing else will happen" means: a drain at shutdown waits on it, and so does a check
 * that an event was answered once and no more.
 */
export interface InFlight {
  /** Follows `work` until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T>;
  /** Resolves once nothing tracked is still running (work started meanwhile is waited for too). */
  idle(): Promise<void>;
  /** How many pieces of work are running now. */
  readonly size: number;
  /** How many have been taken in since the adapter started (ignored events included). */
  readonly taken: number;
}

export function createInFlight(): InFlight {
  const running = new Set<Promise<void>>();
  let taken = 0;
  return {
    track(work) {
      taken++;
      const settled: Promise<void> = work.then(
        () => undefined,
        () => undefined,
      );
      running.add(settled);
      void settled.then(() => running.delete(settled));
      return work;
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    get size() {
      return running.size;
    },
    get taken() {
      return taken;
    },
  };
}
