/**
 * Issue 18's figures, each beside its baseline under tsx: a one-shot CLI `/rotation` (node straight
 * on the build, not through npm), the console to its prompt, and the console's resident memory with
 * every bundled symbol loaded and every command answered once (default render threads).
 * Runs are alternated (build, tsx, build, …) so a busy moment on this shared machine hits both.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadManifest } from '../src/data/symbols.ts';
import { row, stats } from './harness.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BUILD = { name: 'build', cli: ['dist/src/cli.js'], main: ['dist/src/main.js'] } as const;
const TSX = { name: 'tsx', cli: ['--import', 'tsx', 'src/cli.ts'], main: ['--import', 'tsx', 'src/main.ts'] } as const;
type Variant = typeof BUILD | typeof TSX;

export function env(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // The console: no chat tokens; the bundled data only.
  const e: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, DATA_PROVIDERS: 'bundled', HEALTH_PORT: '', ...extra };
  for (const k of ['DISCORD_TOKEN', 'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN']) delete e[k];
  return e;
}

/** Wall time of `node <args>` until it exits (code 0 required). */
function timeRun(args: readonly string[], e: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, env: e, stdio: ['ignore', 'ignore', 'pipe'] });
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

function startConsole(args: readonly string[], e: NodeJS.ProcessEnv): Console {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: e, stdio: ['pipe', 'pipe', 'pipe'] });
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
  const c = startConsole(v.main, e);
  await c.prompt(1);
  const ms = performance.now() - t0;
  await c.exit();
  return ms;
}

/** VmRSS of a process in MB (Linux). */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
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

export async function rssAfterEverything(v: Variant, e: NodeJS.ProcessEnv, lines: readonly string[]): Promise<{ atPrompt: number; after: number }> {
  const c = startConsole(v.main, e);
  await c.prompt(1);
  const atPrompt = rssMb(c.pid);
  let n = 1;
  for (const line of lines) {
    c.send(line);
    await c.prompt(++n);
  }
  const after = rssMb(c.pid);
  await c.exit();
  return { atPrompt, after };
}

export async function benchStartup(): Promise<string[]> {
  const out: string[] = [];
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tapebot-bench-start-'));
  const outDir = path.join(dataDir, 'out');
  const e = env(dataDir);
  try {
    // Fill the SQLite cache first: the figures are for a warm cache.
    await timeRun([...BUILD.cli, 'run', '/rotation', '--out', outDir], e);
    const once: Record<string, number[]> = { build: [], tsx: [] };
    const prompt: Record<string, number[]> = { build: [], tsx: [] };
    for (let i = 0; i < 10; i++) {
      for (const v of [BUILD, TSX]) {
        once[v.name]?.push(await timeRun([...v.cli, 'run', '/rotation', '--out', outDir], e));
        prompt[v.name]?.push(await timeToPrompt(v, e));
      }
    }
    out.push(row('one-shot CLI /rotation, node dist/src/cli.js', stats(once.build ?? []), '≤ 1000 ms'));
    out.push(row('one-shot CLI /rotation, node --import tsx src/cli.ts (baseline)', stats(once.tsx ?? [])));
    out.push(row('console to its prompt, node dist/src/main.js', stats(prompt.build ?? []), '≤ 800 ms'));
    out.push(row('console to its prompt, node --import tsx src/main.ts (baseline)', stats(prompt.tsx ?? [])));

    const manifest = loadManifest();
    const symbolYears = manifest.reduce((sum, m) => sum + m.rows, 0) / 252;
    const lines = everyCommandOnce(manifest.map((m) => m.symbol));
    const mb = (x: number) => `${x.toFixed(0)} MB`;
    for (const v of [BUILD, TSX]) {
      const r = await rssAfterEverything(v, e, lines);
      out.push(`${`RSS at the prompt (${v.name})`.padEnd(58)} ${mb(r.atPrompt)}`);
      out.push(
        `${`RSS, ${manifest.length} symbols loaded + every command once (${v.name})`.padEnd(58)} ${mb(r.after)}   ${(r.after / symbolYears).toFixed(3)} MB per symbol-year over ${symbolYears.toFixed(0)} symbol-years${v === BUILD ? '   target ≤ 250 MB' : ''}`,
      );
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return out;
}
