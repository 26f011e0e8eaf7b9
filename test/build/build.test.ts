/**
 * The compiled build (`npm run build` → dist/): it runs without tsx, the render worker runs from
 * compiled JavaScript, and a one-shot command or the console loads none of the heavy packages it does
 * not use (chat SDKs, axios, chrono-node). Compiles first when dist/ is stale, as `npm start` does.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TRACE = path.join(import.meta.dirname, 'trace-packages.mjs');
const run = promisify(execFile);
const dataDir = mkdtempSync(path.join(tmpdir(), 'tapebot-build-'));
const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const e: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, DATA_PROVIDERS: 'bundled', HEALTH_PORT: '', LOG_LEVEL: 'warn', ...extra };
  for (const k of ['DISCORD_TOKEN', 'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN']) delete e[k];
  return e;
};
const loaded = (stderr: string): Set<string> => new Set([...stderr.matchAll(/^PKG (\S+)$/gm)].map((m) => m[1] as string));
const HEAVY_UNUSED = ['discord.js', '@slack/bolt', 'axios', 'chrono-node', 'quickchart-js', 'tsx'];

beforeAll(async () => {
  await run(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: ROOT, timeout: 240_000 });
}, 300_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the build', () => {
  it('is plain JavaScript with rewritten relative imports: no .ts specifier is left in dist/', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(dir, e.name));
        else if (e.name.endsWith('.js')) files.push(path.join(dir, e.name));
      }
    };
    walk(path.join(ROOT, 'dist'));
    expect(files.map((f) => path.relative(ROOT, f))).toEqual(expect.arrayContaining(['dist/src/main.js', 'dist/src/cli.js', 'dist/src/charts/render-worker.js', 'dist/commands/index.js']));
    const withTs = files.filter((f) => /(?:from|import\()\s*['"]\.{1,2}\/[^'"]*\.ts['"]/.test(readFileSync(f, 'utf8')));
    expect(withTs, 'files importing a .ts path').toEqual([]);
  });

  it('answers a one-shot command from dist/ with node alone, drawing its PNG in a compiled render worker', async () => {
    const out = path.join(dataDir, 'out-worker');
    const { stdout, stderr } = await run(process.execPath, ['--import', TRACE, 'dist/src/cli.js', 'run', '/rotation asof:2025-06-30', '--out', out], {
      cwd: ROOT,
      env: env({ RENDER_THREADS: '1' }),
      timeout: 120_000,
    });
    expect(stdout).toContain('Small vs large caps');
    const pngs = readdirSync(out).filter((f) => f.endsWith('.png'));
    expect(pngs.length, 'the chart was written').toBeGreaterThan(0);
    expect([...readFileSync(path.join(out, pngs[0] as string)).subarray(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
    const pkgs = loaded(stderr);
    expect(pkgs.has('chart.js'), 'Chart.js loaded (by the worker) for the chart').toBe(true);
    for (const p of HEAVY_UNUSED) expect(pkgs.has(p), `${p} not loaded`).toBe(false);
  }, 180_000);

  it('opens the console without loading chat SDKs, HTTP clients, date parsing or Chart.js', async () => {
    const child = spawn(process.execPath, ['--import', TRACE, 'dist/src/main.js'], { cwd: ROOT, env: env(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('tapebot> ')) resolve();
      });
      void exited.then((code) => reject(new Error(`the console exited (${code}) before its prompt: ${stderr.slice(-400)}`)));
    });
    child.stdin.end('exit\n');
    expect(await exited).toBe(0);
    const pkgs = loaded(stderr);
    expect(pkgs.has('better-sqlite3'), 'the trace sees what loads').toBe(true);
    for (const p of [...HEAVY_UNUSED, 'chart.js', '@napi-rs/canvas']) expect(pkgs.has(p), `${p} not loaded`).toBe(false);
  }, 120_000);

  it('loads chrono-node when a question has a date to read', async () => {
    const res = await run(process.execPath, ['--import', TRACE, 'dist/src/cli.js', 'ask', 'how has IWM done vs SPY since june', '--json', '--out', path.join(dataDir, 'out-ask')], {
      cwd: ROOT,
      env: env(),
      timeout: 120_000,
    }).catch((e: { stdout: string; stderr: string }) => e);
    expect(res.stdout).toMatch(/"readAs"|"clarify"/);
    const pkgs = loaded(res.stderr);
    expect(pkgs.has('chrono-node'), 'chrono-node loaded for the date').toBe(true);
    for (const p of ['discord.js', '@slack/bolt', 'axios']) expect(pkgs.has(p), `${p} not loaded`).toBe(false);
  }, 180_000);
});
