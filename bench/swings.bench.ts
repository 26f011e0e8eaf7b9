/**
 * Issue 13's figures: the swing analysis /drawdown runs (the latest swing high's decline, bear markets
 * inside longer drawdowns) over ^GSPC's full history, and the two commands that use it, warm with their PNG.
 */
import { createApp } from '../src/app.ts';
import { renderAnswerCharts } from '../src/charts/renderer.ts';
import { loadConfig } from '../src/config.ts';
import { currentDrawdown } from '../src/core/drawdowns.ts';
import { levelValues } from '../src/core/highs.ts';
import { computeSwingFacts } from '../commands/drawdown.ts';
import { measure, row } from './harness.ts';

export async function benchSwings(): Promise<string[]> {
  const out: string[] = [];
  const app = createApp(loadConfig({ RENDER_THREADS: '0', RENDER_CACHE_MB: '0' }), { dbFile: ':memory:' });
  const s = await app.market.series('^GSPC');
  const { values } = levelValues(s);
  const end = values.length - 1;
  const record = currentDrawdown(values, s.dates, end).peak.index;
  out.push(row(`swing analysis, ^GSPC full history (${values.length} closes)`, await measure(() => computeSwingFacts(values, s.dates, end, record), { iterations: 50, warmup: 5 }), '≤ 5 ms'));
  for (const text of ['/drawdown ^GSPC', '/drawdown IWM asof:2025-04-08', '/breakout KRE 70 asof:2024-11-25']) {
    const run = async () => {
      const r = await app.runner.runText(text);
      if (!r.ok) throw new Error(`${text}: ${r.error.message}`);
      await renderAnswerCharts(app.renderer, r.answer);
    };
    out.push(row(`${text} warm, end to end with PNG (inline render)`, await measure(run, { iterations: 15, warmup: 2 }), '≤ 200 ms'));
  }
  await app.close();
  return out;
}
