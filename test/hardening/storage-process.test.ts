/**
 * DATA_DIR problems stop the real entry point (`npm start`, src/main.ts) with one line naming the path,
 * a non-zero exit and no stack: a read-only mount (a tmpfs mounted read-only by this test), a regular
 * file, and a directory that cannot be created.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compiledSource } from '../_children.ts';


const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'tapebot-datadir-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** A read-only tmpfs, or undefined where this machine cannot mount one. */
function readOnlyMount(): string | undefined {
  const at = tempDir();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', at], { stdio: 'pipe' });
  } catch {
    return undefined;
  }
  cleanups.push(() => execFileSync('umount', ['-l', at], { stdio: 'pipe' }));
  return at;
}
const RO = readOnlyMount();
if (RO === undefined) console.warn('!!! storage-process.test.ts: cannot mount a tmpfs here (not root?): the read-only DATA_DIR test is SKIPPED !!!');

async function start(dataDir: string): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const cwd = tempDir();
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  const child = spawn(process.execPath, [compiledSource('src/main.ts')], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await Promise.race([
    new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c))),
    new Promise<never>((_, reject) =>
      setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`tapebot did not exit; stderr:\n${stderr}`));
      }, 45_000),
    ),
  ]);
  return { code, stderr, stdout };
}

function expectOneLine(r: { code: number | null; stderr: string }, dataDir: string, problem: RegExp): void {
  expect(r.code, `non-zero exit; stderr:\n${r.stderr}`).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines, 'exactly one line').toHaveLength(1);
  expect(lines[0]).toContain(`DATA_DIR ${dataDir}`);
  expect(lines[0]).toMatch(problem);
  expect(r.stderr, 'no stack, no raw driver error').not.toMatch(/\n\s+at |SqliteError/);
}

describe('DATA_DIR problems at start-up', () => {
  it.skipIf(RO === undefined)('read-only: one line naming the path, exit 2, no stack', async () => {
    const dataDir = RO as string;
    expectOneLine(await start(dataDir), dataDir, /not writable \(it is read-only\)/);
  }, 60_000);

  it('a regular file, and a directory that cannot be created: one line each', async () => {
    const base = tempDir();
    const file = path.join(base, 'not-a-dir');
    writeFileSync(file, 'x');
    const under = path.join(file, 'var');
    const [a, b] = await Promise.all([start(file), start(under)]);
    expectOneLine(a, file, /is not a directory/);
    expectOneLine(b, under, /does not exist and cannot be created/);
  }, 60_000);
});
