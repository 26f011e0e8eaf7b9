/**
 * Graceful shutdown. On SIGTERM (a deploy, `docker stop`) or SIGINT (Ctrl-C):
 *   1. stop taking new work — the command runner refuses with "I’m restarting — try again in a moment"
 *      and /healthz turns 503 so a load balancer stops sending;
 *   2. drain — every adapter stops listening and lets the replies it has in flight finish, and the
 *      runner's own commands finish, all within one grace period (default 10 s);
 *   3. close — the health server, the chart workers, the database (WAL checkpointed), in order;
 *   4. exit 0 (1 when a close step failed, or on a second signal, which skips the wait).
 */
import type { Logger } from '../log.ts';

/**
 * Admission to "work in flight". The runner enters the gate for every command; once the gate closes,
 * new work is refused while admitted work finishes.
 */
export interface WorkGate {
  /** Admits one piece of work: returns its release function, or null once the gate is closed. */
  enter(): (() => void) | null;
  readonly accepting: boolean;
  readonly inFlight: number;
  close(): void;
  /** Resolves true once nothing admitted is still running, or false after `timeoutMs`. */
  drained(timeoutMs: number): Promise<boolean>;
}

export function createWorkGate(): WorkGate {
  let accepting = true;
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  const settle = () => {
    if (inFlight > 0) return;
    const ws = waiters;
    waiters = [];
    for (const w of ws) w();
  };
  return {
    enter() {
      if (!accepting) return null;
      inFlight++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        inFlight--;
        settle();
      };
    },
    get accepting() {
      return accepting;
    },
    get inFlight() {
      return inFlight;
    },
    close() {
      accepting = false;
    },
    drained(timeoutMs) {
      if (inFlight === 0) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        waiters.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
  };
}

export interface ShutdownStep {
  readonly name: string;
  run(): Promise<void> | void;
}

export interface ShutdownOptions {
  gate: WorkGate;
  logger: Logger;
  /** Time for work in flight to finish (adapters' replies and the runner's commands together). Default 10 s. */
  graceMs?: number;
  /** Time each close step gets before it is abandoned. Default 5 s. */
  closeStepMs?: number;
  /** Called once the gate has closed (e.g. mark /healthz unavailable). */
  onDraining?: () => void;
  /** Default `process.exit`. */
  exit?: (code: number) => void;
}

export interface Shutdown {
  /** Adds a step that stops one source of work and waits for its replies in flight (adapters). Run in parallel. */
  onDrain(step: ShutdownStep): void;
  /** Adds a step run after draining, in the order added (ops server, then the app and its database). */
  onClose(step: ShutdownStep): void;
  /**
   * Runs the whole sequence once, then exits with `exitCode` (default 0; 1 whenever a close step
   * failed). Later calls return the same promise.
   */
  run(reason: string, exitCode?: number): Promise<void>;
  /** Calls `run` on SIGTERM and SIGINT; a second signal exits at once with code 1. Returns an uninstaller. */
  installSignalHandlers(signals?: readonly NodeJS.Signals[]): () => void;
}

export const DEFAULT_GRACE_MS = 10_000;

async function within(ms: number, work: () => Promise<void> | void): Promise<'done' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(work).then(() => 'done' as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function createShutdown(opts: ShutdownOptions): Shutdown {
  const { gate, logger } = opts;
  const graceMs = opts.graceMs ?? DEFAULT_GRACE_MS;
  const closeStepMs = opts.closeStepMs ?? 5_000;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const drainSteps: ShutdownStep[] = [];
  const closeSteps: ShutdownStep[] = [];
  let running: Promise<void> | null = null;

  async function sequence(reason: string, exitCode: number): Promise<void> {
    const started = performance.now();
    gate.close();
    logger.info({ reason, inFlight: gate.inFlight, graceMs }, 'shutting down: no new work taken');
    opts.onDraining?.();
    let failed = false;

    const drains = drainSteps.map(async (step) => {
      try {
        if ((await within(graceMs, () => step.run())) === 'timeout') logger.warn({ step: step.name, graceMs }, 'shutdown: stopped waiting for work in flight');
      } catch (err) {
        failed = true;
        logger.error({ step: step.name, err }, 'shutdown step failed');
      }
    });
    await Promise.all(drains);
    const left = Math.max(0, graceMs - (performance.now() - started));
    if (!(await gate.drained(left))) logger.warn({ inFlight: gate.inFlight }, 'shutdown: commands still running after the grace period');

    for (const step of closeSteps) {
      try {
        if ((await within(closeStepMs, () => step.run())) === 'timeout') {
          failed = true;
          logger.error({ step: step.name, closeStepMs }, 'shutdown step timed out');
        }
      } catch (err) {
        failed = true;
        logger.error({ step: step.name, err }, 'shutdown step failed');
      }
    }
    logger.info({ reason, ms: Math.round(performance.now() - started), clean: !failed }, 'shut down');
    // A failure the caller already recorded (e.g. an adapter that could not start) keeps its non-zero code.
    // A failed step, the caller's code (start-up failed), or a code set on the process earlier.
    const requested = exitCode !== 0 ? exitCode : typeof process.exitCode === 'number' ? process.exitCode : 0;
    exit(failed ? 1 : requested);
  }

  const shutdown: Shutdown = {
    onDrain: (step) => void drainSteps.push(step),
    onClose: (step) => void closeSteps.push(step),
    run(reason, exitCode = 0) {
      running ??= sequence(reason, exitCode);
      return running;
    },
    installSignalHandlers(signals = ['SIGTERM', 'SIGINT']) {
      const handler = (signal: NodeJS.Signals) => {
        if (running) {
          logger.warn({ signal }, 'second signal during shutdown: exiting now');
          exit(1);
          return;
        }
        void shutdown.run(signal);
      };
      for (const s of signals) process.on(s, handler);
      return () => {
        for (const s of signals) process.off(s, handler);
      };
    },
  };
  return shutdown;
}
