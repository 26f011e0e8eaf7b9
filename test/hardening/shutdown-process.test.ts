/**
 * Graceful shutdown on a real process: `npm start` in console mode with HEALTH_PORT, a command typed
 * on stdin, SIGTERM while its reply (the chart) is still being drawn. The process must print the whole
 * answer, exit 0, and leave the database closed with its WAL folded back in.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { compiledSource } from '../_children.ts';
import { freePort } from './_load.ts';


async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('graceful shutdown of a real process', () => {
  it('finishes the reply in flight on SIGTERM, exits 0 and closes the database', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tapebot-shutdown-'));
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: path.join(dir, 'var'), HEALTH_PORT: String(port), HEALTH_HOST: '127.0.0.1', LOG_LEVEL: 'debug', RENDER_THREADS: '1' };
    const child = spawn(process.execPath, [compiledSource('src/main.ts')], { cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    try {
      await until('the prompt', () => (out.includes('tapebot>') ? true : undefined));
      const ready = await until('/healthz', async () => {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
        return res?.status === 200 ? ((await res.json()) as { components: Record<string, unknown> }) : undefined;
      });
      expect(Object.keys(ready.components).sort(), 'the console has no chat connection to report').toEqual(['accepting', 'database']);

      child.stdin.write('/compare IWM SPY QQQ period:1y\n');
      // The runner has answered; the chart is being drawn in a fresh worker thread: the reply is in flight.
      await until('the command to be computed', async () => {
        const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => '');
        return /tapebot_commands_total\{command="compare",platform="console",outcome="ok"\} 1/.test(text) ? true : undefined;
      });
      const printedAtSignal = out;
      child.kill('SIGTERM');
      const { code, signal } = await Promise.race([exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no exit; stderr:\n${err}`)), 30_000))]);

      expect({ code, signal }, `clean exit; stderr:\n${err}`).toEqual({ code: 0, signal: null });
      expect(printedAtSignal, 'the signal came before the reply was printed').not.toContain('Chart:');
      expect(out).toMatch(/IWM.*SPY.*QQQ/);
      const chart = /Chart: (\S+\.png)/.exec(out)?.[1];
      expect(chart, 'the reply in flight was finished, chart and all').toBeDefined();
      expect(readFileSync(path.join(dir, chart as string)).subarray(1, 4).toString()).toBe('PNG');

      const logs = err
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { msg: string; clean?: boolean; reason?: string });
      expect(logs.find((l) => l.msg === 'shut down'), 'the shutdown completed every step').toMatchObject({ reason: 'SIGTERM', clean: true });

      const dbFile = path.join(dir, 'var', 'tapebot.db');
      const wal = `${dbFile}-wal`;
      expect(!existsSync(wal) || statSync(wal).size === 0, 'the WAL was checkpointed into the database').toBe(true);
      const db = new BetterSqlite3(dbFile, { readonly: true, fileMustExist: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const rows = db.prepare("SELECT count(*) AS n FROM bars WHERE symbol IN ('IWM', 'SPY', 'QQQ')").get() as { n: number };
        expect(rows.n, 'the prices cached during the run were written').toBeGreaterThan(1000);
      } finally {
        db.close();
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
