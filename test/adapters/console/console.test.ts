import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { handleConsoleLine, runRepl } from '../../../src/adapters/console/repl.ts';
import { createTestApp } from '../../_app.ts';
import { compiledSource } from '../../_children.ts';

const app = createTestApp();
afterAll(() => app.close());
const outDir = mkdtempSync(path.join(tmpdir(), 'tapebot-console-'));
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('console adapter', () => {
  it('answers a command with text and the path of a real PNG', async () => {
    const text = await handleConsoleLine('/compare IWM SPY QQQ period:1y asof:2026-01-21', { ...app, outDir });
    expect(text).toMatch(/leads over the past year/);
    expect(text, 'markup is stripped for the terminal').not.toContain('**');
    const chart = /Chart: (.+\.png)/.exec(text)?.[1];
    expect(chart, 'a chart path is printed').toBeDefined();
    expect(readFileSync(chart as string).subarray(0, 8).equals(PNG), 'the file is a PNG').toBe(true);
  });

  it('answers bad input with one friendly line, never a stack trace', async () => {
    const text = await handleConsoleLine('/compare IWM NOPE', { ...app, outDir });
    expect(text).toMatch(/^✗ I don't know the symbol `NOPE`/);
    expect(text).not.toMatch(/\n\s+at /);
    expect(await handleConsoleLine('hello there', { ...app, outDir })).toMatch(/Commands start with a slash/);
  });

  it('runs an interactive session until "exit"', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let seen = '';
    output.on('data', (d: Buffer) => (seen += d.toString()));
    const done = runRepl({ runner: app.runner, renderer: app.renderer, outDir, secrets: app.secrets, input, output });
    input.write('/help\n');
    input.write('exit\n');
    await done;
    expect(seen).toContain('tapebot>');
    expect(seen).toContain('/rotation');
  });
});

describe('CLI', () => {
  const run = promisify(execFile);
  // The compiled CLI, as `npm run tapebot` runs it (the slow project's global setup builds it when stale).
  const cli = (args: string[]) => run(process.execPath, [compiledSource('src/cli.ts'), ...args], { cwd: path.resolve(import.meta.dirname, '../../..'), env: { ...process.env, DATA_DIR: outDir } });

  it('prints the Answer as JSON and writes its PNG', async () => {
    const { stdout } = await cli(['run', '/rotation asof:2025-06-30', '--json', '--out', outDir]);
    const parsed = JSON.parse(stdout) as { ok: boolean; answer: { asOf: string; command: string }; charts: string[] };
    expect(parsed.ok).toBe(true);
    expect(parsed.answer).toMatchObject({ command: 'rotation', asOf: '2025-06-30' });
    expect(readFileSync(parsed.charts[0] as string).subarray(0, 8).equals(PNG)).toBe(true);
  }, 60_000);

  it('exits non-zero with a one-line message on bad input', async () => {
    await expect(cli(['run', '/streak IWM'])).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/^✗ \/streak needs two symbols, e\.g\. \/streak IWM SPY/) });
  }, 60_000);
});
