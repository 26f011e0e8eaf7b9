/**
 * Issue 3's figures: each commentary command warm, end to end with its PNG; the sector rotation map's
 * analysis. Issue 18's: warm /rotation with its PNG drawn in the default render worker pool.
 */
import { createApp } from '../src/app.ts';
import { renderAnswerCharts } from '../src/charts/renderer.ts';
import { loadConfig } from '../src/config.ts';
import { alignSeries } from '../src/core/align.ts';
import { rotationPath } from '../src/core/rotation-map.ts';
import { UNIVERSES } from '../src/core/universes.ts';
import { measure, row } from './harness.ts';

export async function benchCommands(): Promise<string[]> {
  const out: string[] = [];
  const app = createApp(loadConfig({ RENDER_THREADS: '0', RENDER_CACHE_MB: '0' }), { dbFile: ':memory:' }); // no render cache: every run draws
  const texts = ['/perf IWM SPY QQQ DIA MAGS', '/breakout KRE', '/breakout SPY level:600 asof:2025-07-15', '/drawdown SPY', '/leaders sectors 3m', '/rotationmap', '/chart IWM 6m', '/chart SPY max'];
  for (const text of texts) {
    const run = async () => {
      const r = await app.runner.runText(text);
      if (!r.ok) throw new Error(`${text}: ${r.error.message}`);
      await renderAnswerCharts(app.renderer, r.answer);
    };
    out.push(row(`${text} warm, end to end with PNG (inline render)`, await measure(run, { iterations: 15, warmup: 2 }), '≤ 200 ms'));
  }
  const sectors = UNIVERSES.find((u) => u.id === 'sectors');
  if (!sectors) throw new Error('no sectors universe');
  const spy = await app.market.series('SPY');
  const members = await Promise.all(sectors.members.map((m) => app.market.series(m.symbol)));
  const analysis = () => {
    for (const s of members) {
      const al = alignSeries([s, spy]);
      const [a, b] = al.series;
      if (a && b) rotationPath(a, b);
    }
  };
  out.push(row('rotation map analysis, 11 sectors vs SPY, full history', await measure(analysis, { iterations: 50, warmup: 5 }), '≤ 20 ms'));
  await app.close();

  // Issue 18: warm /rotation with its PNG as the bot runs it, charts in the default render worker pool.
  const pooled = createApp(loadConfig({ RENDER_CACHE_MB: '0' }), { dbFile: ':memory:' });
  try {
    const rotation = async () => {
      const r = await pooled.runner.runText('/rotation');
      if (!r.ok) throw new Error(`/rotation: ${r.error.message}`);
      await renderAnswerCharts(pooled.renderer, r.answer);
    };
    out.push(row(`/rotation warm, end to end with PNG (${pooled.renderer.name})`, await measure(rotation, { iterations: 30, warmup: 3 }), '≤ 100 ms'));
  } finally {
    await pooled.close();
  }
  return out;
}
