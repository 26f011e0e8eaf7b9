/**
 * A start-up that fails on a provider which quotes our key: the real entry point prints one masked
 * line and exits non-zero, with no stack trace (a stack carries the message, and so the key).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from '../data/providers/_server.ts';
import { compiledSource } from '../_children.ts';

const KEY = 'tiingo-SECRET-KEY-7c1e5a';

let tiingo: FakeServer;
const children: ChildProcess[] = [];
beforeAll(async () => {
  tiingo = await startFakeServer(() => ({ status: 403, body: { detail: `Invalid token ${KEY}; see https://api.tiingo.com/account/token?token=${KEY}` } }));
});
afterAll(async () => {
  // A child that outlived a failed assertion must not outlive the run.
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await tiingo?.close();
});

function runMain(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tapebot-startup-'));
  const child = spawn(process.execPath, [compiledSource('src/main.ts')], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: path.join(dir, 'var'), RENDER_THREADS: '0', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end();
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('start-up errors', () => {
  it('the console with only a live provider that fails quoting the key: one masked line, no stack, exit 1', async () => {
    const { code, stdout, stderr } = await runMain({ DATA_PROVIDERS: 'tiingo', TIINGO_API_KEY: KEY, TIINGO_BASE_URL: tiingo.url });
    expect(tiingo.requests.length, 'the provider was really asked, with the key').toBeGreaterThan(0);
    expect(tiingo.requests[0]?.headers.authorization).toBe(`Token ${KEY}`);
    const all = stdout + stderr;
    for (const form of [KEY, encodeURIComponent(KEY), JSON.stringify(KEY).slice(1, -1)]) expect(all, 'the key is never printed').not.toContain(form);
    expect(stderr, 'no stack trace').not.toMatch(/\n\s+at /);
    const lines = stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));
    expect(lines, 'one line for whoever started it').toHaveLength(1);
    expect(lines[0]).toMatch(/^tapebot could not start: .*\[redacted\]/);
    expect(code).toBe(1);
  }, 60_000);
});
