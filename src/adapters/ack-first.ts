/**
 * Acknowledgements first, then work, one command per event-loop turn.
 *
 * An acknowledgement has 3 seconds; the rest of a reply has 15 minutes. So no command starts (or
 * resumes after its charts are drawn) while an acknowledgement is on its way — except one command
 * per `maxWorkDelayMs`, so a steady stream of interactions slows the answers but cannot starve
 * them — and then only one is let through per turn: an immediate queued from inside an immediate runs on
 * the next turn, after pending I/O (new interactions arriving, acknowledgements going out) has been
 * served. Data already in memory resolves in microtasks, so without this a burst of commands would
 * compute back to back and hold later acknowledgements off the socket past the platform's deadline
 * (3 s on Discord and on Slack). Both chat adapters use it.
 */
export interface AckFirstScheduler {
  /** Runs an acknowledgement (`deferReply`, `deferUpdate`), holding back work until it settles. */
  acknowledge<T>(send: () => Promise<T>): Promise<T>;
  /** Resolves when it is this caller's turn to do work. */
  turn(): Promise<void>;
}

export function createAckFirstScheduler(o: { maxWorkDelayMs?: number } = {}): AckFirstScheduler {
  const maxWorkDelayMs = o.maxWorkDelayMs ?? 250;
  let acking = 0;
  const waiting: { resolve: () => void; since: number }[] = [];
  let immediate = false;
  let timer: NodeJS.Timeout | undefined;
  /** When work was last let through despite acknowledgements in flight. */
  let lastForced = -Infinity;

  const release = (): void => {
    waiting.shift()?.resolve();
    schedule();
  };
  const pump = (): void => {
    immediate = false;
    if (acking > 0) schedule();
    else release();
  };
  function schedule(): void {
    const head = waiting[0];
    if (!head) return;
    if (acking === 0) {
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (!immediate) {
        immediate = true;
        setImmediate(pump);
      }
      return;
    }
    timer ??= setTimeout(
      () => {
        timer = undefined;
        lastForced = performance.now();
        release();
      },
      Math.max(0, Math.max(head.since, lastForced) + maxWorkDelayMs - performance.now()),
    );
  }

  return {
    async acknowledge(send) {
      acking++;
      try {
        return await send();
      } finally {
        acking--;
        schedule();
      }
    },
    turn() {
      return new Promise<void>((resolve) => {
        waiting.push({ resolve, since: performance.now() });
        schedule();
      });
    },
  };
}
