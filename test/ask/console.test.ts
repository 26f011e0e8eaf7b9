/** The console and CLI wiring of questions: `ask` in the REPL and `npm run tapebot -- ask "…"`. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createConsoleAsk, handleConsoleLine, runRepl } from '../../src/adapters/console/repl.ts';
import { createTestApp } from '../_app.ts';
import { compiledSource } from '../_children.ts';

const app = createTestApp();
afterAll(() => app.close());
const outDir = mkdtempSync(path.join(tmpdir(), 'tapebot-ask-'));
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ask = createConsoleAsk({ runner: app.runner, renderer: app.renderer, outDir, symbols: app.symbols, asOf: () => app.market.latestClose() });

describe('console questions', () => {
  it('answers a line without a slash as a question: the Read-as line, the answer, and its chart', async () => {
    const text = await handleConsoleLine('is KRE breaking out?', { ...app, outDir, ask });
    expect(text.split('\n')[0]).toBe('Read as: /breakout KRE');
    const chart = /Chart: (.+\.png)/.exec(text)?.[1];
    expect(chart, 'a chart path is printed').toBeDefined();
    expect(readFileSync(chart as string).subarray(0, 8).equals(PNG)).toBe(true);
  });

  it('answers a question it cannot read with a question back, and slash commands as before', async () => {
    expect(await handleConsoleLine('since the election how are small caps doing', { ...app, outDir, ask })).toMatch(/not a date/);
    expect(await handleConsoleLine('/help', { ...app, outDir, ask })).toMatch(/\/rotation/);
  });

  it('mentions questions in the REPL banner when they are wired', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let seen = '';
    output.on('data', (d: Buffer) => (seen += d.toString()));
    const done = runRepl({ runner: app.runner, renderer: app.renderer, outDir, secrets: app.secrets, input, output, ask });
    input.write('biotech drawdown\n');
    input.write('exit\n');
    await done;
    expect(seen).toMatch(/a question such as/);
    expect(seen).toContain('Read as: /drawdown XBI');
  });
});

describe('CLI ask', () => {
  const run = promisify(execFile);
  // The compiled CLI, as `npm run tapebot` runs it (the slow project's global setup builds it when stale).
  const cli = (args: string[]) => run(process.execPath, [compiledSource('src/cli.ts'), ...args], { cwd: path.resolve(import.meta.dirname, '../..'), env: { ...process.env, DATA_DIR: outDir } });

  it('prints the reading and the Answer as JSON, and writes the chart', async () => {
    const { stdout } = await cli(['ask', '@tapebot compare IWM and QQQ since June', '--json', '--out', outDir]);
    const parsed = JSON.parse(stdout) as { ok: boolean; readAs: string; answer: { command: string }; charts: string[] };
    expect(parsed).toMatchObject({ ok: true, readAs: '/compare IWM QQQ since:2026-06-01', answer: { command: 'compare' } });
    expect(readFileSync(parsed.charts[0] as string).subarray(0, 8).equals(PNG)).toBe(true);
  }, 60_000);

  it('the console banner says how far the offline data reaches', async () => {
    const child = execFile(process.execPath, [compiledSource('src/cli.ts'), 'repl', '--out', outDir], { cwd: path.resolve(import.meta.dirname, '../..'), env: { ...process.env, DATA_DIR: outDir } });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin?.end('exit\n');
    await new Promise((resolve) => child.on('close', resolve));
    expect(out.split('\n')[0]).toMatch(/^tapebot console \(bundled daily prices \(Yahoo Finance and others\), offline data to Oct 8, 2026\)/);
  }, 60_000);

  it('exits 1 with the question back on stderr when it cannot read the question', async () => {
    await expect(cli(['ask', 'is AMD breaking out?'])).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/I don't have prices for AMD/) });
  }, 60_000);
});
