/** Issue 2's figures: warm /rotation end to end with its PNG, the analysis behind it, start-up to the prompt. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app.ts';
import { renderAnswerCharts } from '../src/charts/renderer.ts';
import { loadConfig } from '../src/config.ts';
import { alignSeries } from '../src/core/align.ts';
import { highsAndLows, levelValues } from '../src/core/highs.ts';
import { periodBaseIndex } from '../src/core/periods.ts';
import { movingAverage, ratioLine } from '../src/core/ratio.ts';
import { periodReturn } from '../src/core/returns.ts';
import { analyzeStreak } from '../src/core/streaks.ts';
import { measure, row } from './harness.ts';

export async function benchSkeleton(): Promise<string[]> {
  const out: string[] = [];
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tapebot-bench-'));

  for (const threads of [0, 2]) {
    // No render cache: every iteration draws its PNG (a cached repeat is measured in the hardening suite).
    const app = createApp(loadConfig({ DATA_DIR: dataDir, RENDER_THREADS: String(threads), RENDER_CACHE_MB: '0' }));
    const run = async (text: string): Promise<number> => {
      const r = await app.runner.runText(text);
      if (!r.ok) throw new Error(r.error.message);
      return (await renderAnswerCharts(app.renderer, r.answer)).reduce((n, c) => n + c.png.length, 0);
    };
    const bytes = await run('/rotation');
    if (threads === 0) out.push(`/rotation PNG size (1560 × 1020, a 520 px chat column at 3×)`.padEnd(58) + ` ${(bytes / 1024).toFixed(0)} KB (≤ 300 KB)`);
    out.push(row(`/rotation warm, end to end with PNG (render threads=${threads})`, await measure(() => run('/rotation'), { iterations: 40 }), '≤ 150 ms'));
    out.push(row(`/rotation period:max warm, with PNG (threads=${threads})`, await measure(() => run('/rotation period:max'), { iterations: 20 })));
    if (threads === 0) {
      const [iwm, spy, mags] = await Promise.all(['IWM', 'SPY', 'MAGS'].map((s) => app.market.series(s)));
      if (!iwm || !spy || !mags) throw new Error('missing series');
      const analysis = () => {
        const al = alignSeries([iwm, spy]);
        const [a, b] = al.series;
        if (!a || !b) throw new Error('alignment lost a series');
        periodBaseIndex(al.dates, { kind: 'named', name: 'max' }, al.dates.length - 1);
        periodReturn(mags, { kind: 'named', name: 'max' });
        analyzeStreak(iwm, spy);
        movingAverage(ratioLine(a.adjClose, b.adjClose), 50);
        for (const s of [iwm, spy, mags]) {
          const lv = levelValues(s);
          highsAndLows(lv.values, s.dates);
        }
      };
      out.push(row('analysis behind /rotation over the full history (IWM 2000–2026)', await measure(analysis, { iterations: 200, warmup: 20 }), '≤ 5 ms'));
      const answerOnly = async () => {
        const r = await app.runner.runText('/rotation period:max');
        if (!r.ok) throw new Error(r.error.message);
      };
      out.push(row('/rotation period:max, whole command without the PNG', await measure(answerOnly, { iterations: 100, warmup: 10 })));
    }
    await app.close();
  }

  // Start-up to the prompt on a warm cache: the data dir above already holds the SQLite cache.
  const startup = async () =>
    new Promise<number>((resolve, reject) => {
      const t0 = performance.now();
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...process.env, DATA_DIR: dataDir }, stdio: ['pipe', 'pipe', 'inherit'] });
      let seen = '';
      child.stdout.on('data', (d: Buffer) => {
        seen += d.toString();
        if (seen.includes('tapebot>')) {
          const ms = performance.now() - t0;
          child.stdin.end('exit\n');
          child.on('exit', () => resolve(ms));
        }
      });
      child.on('error', reject);
    });
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) samples.push(await startup());
  const { stats } = await import('./harness.ts');
  out.push(row('start-up to the console prompt, warm cache (tsx src/main.ts; the build: startup suite)', stats(samples), '≤ 2000 ms'));
  return out;
}
