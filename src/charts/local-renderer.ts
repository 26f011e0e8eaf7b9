/**
 * The local ChartRenderer: Chart.js on @napi-rs/canvas, in a small pool of worker threads so a chat
 * adapter's event loop stays free (Discord and Slack want an acknowledgement within 3 s) while
 * charts draw. `threads: 0` draws inline on the calling thread instead (the CLI, tests).
 *
 * Workers start on first use and are unref'd while idle, so an idle pool never keeps the process
 * alive; one idle for `idleMs` is stopped (a worker with Chart.js and a canvas holds ~30-40 MB) and
 * started again by the next chart (~150 ms). A worker that crashes or hangs fails only its own chart
 * and is replaced on demand.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ChartSpec } from '../answer/chart-spec.ts';
import { chartConfig, type ChartJsConfig } from './config.ts';
import { BusyError } from '../errors.ts';
import type { ChartRenderer } from './renderer.ts';
import type { RenderReply, RenderRequest } from './render-worker.ts';

/** Thrown by `render` when `maxQueue` charts already wait for a free thread: shed load instead of queueing without end. */
export class RenderQueueFullError extends BusyError {
  override readonly name = 'RenderQueueFullError';
  constructor(readonly maxQueue: number) {
    super(`chart render queue is full (${maxQueue} waiting)`);
  }
}

/** Thrown by `render` after `close()`, and for charts still waiting or drawing when it was called. */
export class RendererClosedError extends Error {
  override readonly name = 'RendererClosedError';
  constructor() {
    super('chart renderer is closed');
  }
}

/** Thrown when one chart takes longer than `timeoutMs`; its worker is terminated and replaced. */
export class RenderTimeoutError extends BusyError {
  override readonly name = 'RenderTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`chart render took longer than ${timeoutMs} ms`);
  }
}

export interface LocalRendererOptions {
  /**
   * Worker threads; 0 draws on the calling thread. Default: one less than the number of cores (at
   * least 1), so the main thread keeps a core for acknowledging chat commands while charts draw —
   * measured on 2 cores under a 200-command burst: ack p99 134 ms with 1 thread vs 347 ms with 2.
   */
  threads?: number;
  /** Charts allowed to wait for a free thread before `render` rejects with RenderQueueFullError. Default 200. */
  maxQueue?: number;
  /** Per-chart limit in worker mode. Default 30 s. */
  timeoutMs?: number;
  /** A worker without a chart for this long is stopped, and started again when needed. 0 = never. Default 60 s. */
  idleMs?: number;
  /** CSS size of every chart (PNG pixels are three times this). Default 520 × 340, a chat column. */
  width?: number;
  height?: number;
}

/** A local renderer also tells how many charts wait for a thread (the render-queue metric). */
export type LocalRenderer = ChartRenderer & {
  queueDepth(): number;
  /** Worker threads running now (0 inline, and while the pool is idle and stopped). */
  workers(): number;
};

export function createLocalRenderer(opts: LocalRendererOptions = {}): LocalRenderer {
  const threads = opts.threads ?? Math.max(1, availableParallelism() - 1);
  const maxQueue = opts.maxQueue ?? 200;
  const size = { width: opts.width, height: opts.height };
  const configOf = (spec: ChartSpec): ChartJsConfig =>
    chartConfig(spec, { ...(size.width ? { width: size.width } : {}), ...(size.height ? { height: size.height } : {}) });
  if (threads <= 0) return inlineRenderer(maxQueue, configOf);
  return new WorkerPool(threads, maxQueue, opts.timeoutMs ?? 30_000, configOf, opts.idleMs ?? 60_000);
}

function inlineRenderer(maxQueue: number, configOf: (spec: ChartSpec) => ChartJsConfig): LocalRenderer {
  let closed = false;
  let inFlight = 0;
  return {
    name: 'local(inline)',
    async render(spec) {
      if (closed) throw new RendererClosedError();
      if (inFlight >= maxQueue) throw new RenderQueueFullError(maxQueue);
      inFlight++;
      try {
        // Chart.js and the canvas load with the first chart, so a console or bot starts without them.
        const { renderPng } = await import('./render-local.ts');
        return await renderPng(configOf(spec));
      } finally {
        inFlight--;
      }
    },
    async close() {
      closed = true;
    },
    queueDepth: () => Math.max(0, inFlight - 1),
    workers: () => 0,
  };
}

interface Job {
  id: number;
  config: ChartJsConfig;
  resolve: (png: Buffer) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  timer: NodeJS.Timeout | null;
  /** Stops the worker after `idleMs` without a chart. */
  idle: NodeJS.Timeout | null;
  /** Whether this worker ever finished a chart; one that dies before that cannot even start. */
  proven: boolean;
}

/**
 * The render thread's heap. A small young generation: drawing a chart makes much short-lived
 * garbage, and V8's default lets the nursery grow to tens of MB per thread (measured: the worker's
 * resident cost ~70 MB with the default, ~40 MB with 4 MB; render times the same within noise).
 *
 * And a limit on the old generation. V8 lets a heap grow between full collections by a factor it
 * scales with the heap's limit, so a thread with the process's default limit (GBs) kept 40-54 MB of
 * heap, two thirds of it garbage, for a live set of ~10 MB. Measured, the console on Node 24 with
 * 36 symbols and every command once (median of 8 runs): no limit 253 MB RSS, 48 MB 231 MB, 32 MB
 * 224 MB. What a chart needs: the chart corpus and the largest charts the commands can ask for
 * (/analogs XLU vs:SPX event:streak, 425 earlier episodes; /compare of six symbols over all their
 * history) all draw with a 20 MB limit and not all with 16. 48 MB leaves more than twice that.
 * A chart that still reaches it fails alone (RenderMemoryError); the next chart starts a new thread.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 48 };

/** Thrown for a chart whose drawing reached the render thread's heap limit; the thread is replaced. */
export class RenderMemoryError extends Error {
  override readonly name = 'RenderMemoryError';
  constructor(cause: unknown) {
    super(`chart needed more than the render thread's ${WORKER_LIMITS.maxOldGenerationSizeMb} MB heap`, { cause });
  }
}

/**
 * How a worker is started. From the build (dist/) the worker is plain JavaScript beside this module.
 * Under tsx or vitest this module is TypeScript, and so is the worker: tsx registers its hooks on the
 * main thread only, so the worker registers them itself (tsx's ESM API) before importing any .ts.
 */
function spawnWorker(): Worker {
  const compiled = !new URL(import.meta.url).pathname.endsWith('.ts');
  if (compiled) return new Worker(new URL('./render-worker.js', import.meta.url), { resourceLimits: WORKER_LIMITS });
  const entry = new URL('./render-worker.ts', import.meta.url);
  const tsxApi =
    typeof import.meta.resolve === 'function'
      ? import.meta.resolve('tsx/esm/api')
      : new URL('./index.mjs', pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api'))).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true, resourceLimits: WORKER_LIMITS });
}

class WorkerPool implements LocalRenderer {
  readonly name: string;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly threads: number,
    private readonly maxQueue: number,
    private readonly timeoutMs: number,
    private readonly configOf: (spec: ChartSpec) => ChartJsConfig,
    private readonly idleMs: number,
  ) {
    this.name = `local(${threads} thread${threads === 1 ? '' : 's'})`;
  }

  render(spec: ChartSpec): Promise<Buffer> {
    if (this.closed) return Promise.reject(new RendererClosedError());
    let config: ChartJsConfig;
    try {
      config = this.configOf(spec);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    const idle = this.slots.some((s) => s.job === null) || this.slots.length < this.threads;
    if (!idle && this.queue.length >= this.maxQueue) return Promise.reject(new RenderQueueFullError(this.maxQueue));
    return new Promise<Buffer>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, config, resolve, reject });
      this.pump();
    });
  }

  /** Charts waiting for a free thread (metrics). */
  queueDepth(): number {
    return this.queue.length;
  }

  workers(): number {
    return this.slots.length;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new RendererClosedError());
    const slots = this.slots.splice(0);
    for (const slot of slots) this.fail(slot, new RendererClosedError());
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  /** Hands waiting charts to idle workers, starting workers up to `threads`. */
  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      let slot = this.slots.find((s) => s.job === null);
      if (!slot) {
        if (this.slots.length >= this.threads) return;
        slot = this.start();
      }
      const job = this.queue.shift();
      if (!job) return;
      this.dispatch(slot, job);
    }
  }

  private start(): Slot {
    const slot: Slot = { worker: spawnWorker(), job: null, timer: null, idle: null, proven: false };
    this.slots.push(slot);
    slot.worker.on('message', (reply: RenderReply) => this.onReply(slot, reply));
    slot.worker.on('error', (err) => this.onDeath(slot, err));
    slot.worker.on('exit', (code) => this.onDeath(slot, new Error(`chart worker exited with code ${code}`)));
    return slot;
  }

  private dispatch(slot: Slot, job: Job): void {
    if (slot.idle) clearTimeout(slot.idle);
    slot.idle = null;
    slot.job = job;
    slot.worker.ref();
    slot.timer = setTimeout(() => {
      this.remove(slot);
      this.fail(slot, new RenderTimeoutError(this.timeoutMs));
      void slot.worker.terminate();
      this.pump();
    }, this.timeoutMs);
    slot.timer.unref();
    const req: RenderRequest = { id: job.id, config: job.config };
    slot.worker.postMessage(req);
  }

  private onReply(slot: Slot, reply: RenderReply): void {
    const job = slot.job;
    if (!job || job.id !== reply.id) return;
    this.clearTimer(slot);
    slot.job = null;
    slot.worker.unref();
    if ('png' in reply) {
      slot.proven = true;
      job.resolve(Buffer.from(reply.png));
    } else {
      job.reject(new Error(`chart render failed: ${reply.error}`));
    }
    this.pump();
    if (slot.job === null && this.idleMs > 0) this.stopWhenIdle(slot);
  }

  /** Stops a worker left without a chart for `idleMs`; the next chart starts a fresh one. */
  private stopWhenIdle(slot: Slot): void {
    slot.idle = setTimeout(() => {
      slot.idle = null;
      if (slot.job !== null || !this.remove(slot)) return;
      void slot.worker.terminate();
    }, this.idleMs);
    slot.idle.unref();
  }

  private onDeath(slot: Slot, err: Error): void {
    if (!this.remove(slot)) return;
    // Out of heap is the chart's doing, not the thread's: it fails alone even on a fresh thread.
    const outOfMemory = (err as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY';
    const bootFailure = !slot.proven && !outOfMemory;
    this.fail(slot, outOfMemory ? new RenderMemoryError(err) : err);
    // A worker that cannot even start would fail every chart the same way: fail fast instead of respawning in a loop.
    if (bootFailure) for (const job of this.queue.splice(0)) job.reject(err);
    this.pump();
  }

  private remove(slot: Slot): boolean {
    const i = this.slots.indexOf(slot);
    if (i < 0) return false;
    this.slots.splice(i, 1);
    return true;
  }

  private fail(slot: Slot, err: Error): void {
    this.clearTimer(slot);
    const job = slot.job;
    slot.job = null;
    job?.reject(err);
  }

  private clearTimer(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    if (slot.idle) clearTimeout(slot.idle);
    slot.idle = null;
  }
}
