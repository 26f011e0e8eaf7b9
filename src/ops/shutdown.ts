/**
 * Graceful shutdown. On SIGTERM (a deploy, `docker stop`) or SIGINT (Ctrl-C):
 *   1. stop taking new work — the command runner refuses with "I’m restarting — try again in a moment"
 *      and /healthz turns 503 so a load balancer stops sending;
 *   2. drain — every adapter keeps listening, so work that arrives now hears "I’m restarting — try
 *      again in a moment" (Discord: an ephemeral reply or a reaction; Slack: an ephemeral reply, the
 *      HTTP server still answering), and lets the replies it has in flight finish, all within one
 *      grace period (default 10 s). When the grace ends (or a second signal cuts it short), each
 *      adapter tells the people whose replies are still waiting that it is restarting, and reports
 *      how many it abandoned;
 *   3. close — the health server, the chart workers, the database (WAL checkpointed), in order;
 *   4. exit 0 when everything finished; 3 (EXIT_ABANDONED) when replies were abandoned — the
 *      "shut down" log line then says `clean: false` and how many; 1 when a close step failed.
 *      A third signal exits at once with 1.
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

/** What a drain step reports: replies it gave up on (each told "restarting"). */
export interface DrainReport {
  abandoned: number;
}

export interface ShutdownStep {
  readonly name: string;
  /**
   * `deadline` aborts when the grace period ends or a second signal cuts it short: a drain step then
   * tells whoever still waits that tapebot is restarting, and returns how many it abandoned.
   */
  run(deadline: AbortSignal): Promise<void | DrainReport> | void | DrainReport;
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
  /** Ends the grace period now (a second signal): replies still waiting are told and abandoned. */
  hurry(): void;
  /**
   * Calls `run` on SIGTERM and SIGINT; a second signal cuts the grace period short (the waiting still
   * hear "restarting"), a third exits at once with code 1. Returns an uninstaller.
   */
  installSignalHandlers(signals?: readonly NodeJS.Signals[]): () => void;
}

export const DEFAULT_GRACE_MS = 10_000;
/** The exit code when replies were abandoned at the end of the grace period. */
export const EXIT_ABANDONED = 3;
/** Time a drain step gets, after the deadline, to tell the people still waiting. */
const TELL_MS = 2_000;

async function within<T>(ms: number, work: () => Promise<T> | T): Promise<{ value: T } | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(work).then((value) => ({ value })), timeout]);
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
  /** Aborted when the grace period ends, or sooner by `hurry`. */
  const deadline = new AbortController();

  async function sequence(reason: string, exitCode: number): Promise<void> {
    const started = performance.now();
    gate.close();
    logger.info({ reason, inFlight: gate.inFlight, graceMs }, 'shutting down: no new work taken');
    opts.onDraining?.();
    let failed = false;
    let abandoned = 0;
    const graceTimer = setTimeout(() => deadline.abort('grace period over'), graceMs);
    // A step that ignores its deadline is not waited for much past it.
    const stepMs = graceMs + Math.min(TELL_MS, graceMs);

    const drains = drainSteps.map(async (step) => {
      try {
        const r = await within(stepMs, () => step.run(deadline.signal));
        if (r === 'timeout') logger.warn({ step: step.name, graceMs }, 'shutdown: stopped waiting for work in flight');
        else if (r.value && r.value.abandoned > 0) abandoned += r.value.abandoned;
      } catch (err) {
        failed = true;
        logger.error({ step: step.name, err }, 'shutdown step failed');
      }
    });
    await Promise.all(drains);
    if (!deadline.signal.aborted) {
      const left = Math.max(0, graceMs - (performance.now() - started));
      const hurried = new Promise<false>((resolve) => deadline.signal.addEventListener('abort', () => resolve(false), { once: true }));
      await Promise.race([gate.drained(left), hurried]);
    }
    clearTimeout(graceTimer);
    const stillRunning = gate.inFlight;
    if (stillRunning > 0) logger.warn({ inFlight: stillRunning }, 'shutdown: commands still running after the grace period; abandoned');

    for (const step of closeSteps) {
      try {
        if ((await within(closeStepMs, () => step.run(deadline.signal))) === 'timeout') {
          failed = true;
          logger.error({ step: step.name, closeStepMs }, 'shutdown step timed out');
        }
      } catch (err) {
        failed = true;
        logger.error({ step: step.name, err }, 'shutdown step failed');
      }
    }
    const dropped = Math.max(abandoned, stillRunning);
    const clean = !failed && dropped === 0;
    const log = { reason, ms: Math.round(performance.now() - started), clean, abandoned: dropped, hurried: deadline.signal.aborted && performance.now() - started < graceMs };
    if (clean) logger.info(log, 'shut down');
    else logger.warn(log, dropped > 0 ? `shut down; ${dropped} repl${dropped === 1 ? 'y' : 'ies'} abandoned (told "restarting")` : 'shut down');
    // A failure the caller already recorded (e.g. an adapter that could not start) keeps its non-zero code.
    // A failed step, the caller's code (start-up failed), or a code set on the process earlier.
    const requested = exitCode !== 0 ? exitCode : typeof process.exitCode === 'number' ? process.exitCode : 0;
    exit(failed ? 1 : requested !== 0 ? requested : dropped > 0 ? EXIT_ABANDONED : 0);
  }

  let signals = 0;
  const shutdown: Shutdown = {
    onDrain: (step) => void drainSteps.push(step),
    onClose: (step) => void closeSteps.push(step),
    run(reason, exitCode = 0) {
      running ??= sequence(reason, exitCode);
      return running;
    },
    hurry() {
      if (!deadline.signal.aborted) deadline.abort('hurried');
    },
    installSignalHandlers(signals_ = ['SIGTERM', 'SIGINT']) {
      const handler = (signal: NodeJS.Signals) => {
        signals++;
        if (running && signals === 2) {
          logger.warn({ signal }, 'second signal during shutdown: ending the grace period now');
          shutdown.hurry();
          return;
        }
        if (running) {
          logger.warn({ signal }, 'third signal during shutdown: exiting now');
          exit(1);
          return;
        }
        void shutdown.run(signal);
      };
      for (const s of signals_) process.on(s, handler);
      return () => {
        for (const s of signals_) process.off(s, handler);
      };
    },
  };
  return shutdown;
}
