/** Issue 14's figures: /analogs for a 26-year pair warm with its PNG; a scan over 50 symbols with its chart. */
import { readFileSync } from 'node:fs';
import { minisChart, scanList, type ScanList } from '../commands/scan.ts';
import { createApp } from '../src/app.ts';
import { renderAnswerCharts } from '../src/charts/renderer.ts';
import { loadConfig } from '../src/config.ts';
import { truncateAsOf, type DailySeries } from '../src/core/series.ts';
import { measure, row } from './harness.ts';

export async function benchAnalogs(): Promise<string[]> {
  const out: string[] = [];
  const app = createApp(loadConfig({ RENDER_THREADS: '0', RENDER_CACHE_MB: '0' }), { dbFile: ':memory:' }); // no render cache: every run draws
  for (const text of ['/analogs IWM vs:SPY event:streak asof:2026-01-21', '/analogs SPY decline 20']) {
    const run = async () => {
      const r = await app.runner.runText(text);
      if (!r.ok) throw new Error(`${text}: ${r.error.message}`);
      await renderAnswerCharts(app.renderer, r.answer);
    };
    out.push(row(`${text} warm, end to end with PNG (inline render)`, await measure(run, { iterations: 15, warmup: 2 }), '≤ 200 ms'));
  }

  // 50 symbols: the 36 bundled ones, and 14 of them again under other names (a watchlist has at most 20,
  // a list 12; this measures the scan and its chart, the part that grows with the list).
  const manifest = JSON.parse(readFileSync(new URL('../data/manifest.json', import.meta.url), 'utf8')) as { symbol: string }[];
  const symbols = manifest.map((m) => m.symbol);
  const asOf = '2025-05-12';
  const loaded = await Promise.all(symbols.map(async (s) => truncateAsOf(await app.market.series(s), asOf)));
  const fifty: { symbol: string; series: DailySeries }[] = loaded.map((series, i) => ({ symbol: symbols[i] as string, series }));
  for (let i = 0; fifty.length < 50; i++) {
    const s = loaded[i % loaded.length] as DailySeries;
    fifty.push({ symbol: `${s.symbol}-${i}`, series: { ...s, symbol: `${s.symbol}-${i}` } });
  }
  const list: ScanList = { label: 'the bench list', plural: 'symbols', scanned: fifty.map((x) => ({ member: { symbol: x.symbol, name: x.symbol }, series: x.series })), leftOut: [], asOf };
  for (const kind of ['snapback', 'breakouts'] as const) {
    let hits = 0;
    const run = async () => {
      const r = scanList(list, kind);
      hits = r.hits.length;
      const spec = minisChart(r, 'bench', 'SPY');
      if (spec) await app.renderer.render(spec);
    };
    const st = await measure(run, { iterations: 15, warmup: 2 });
    out.push(row(`/scan ${kind} over 50 symbols (${hits} hits) with its chart`, st, '≤ 250 ms'));
  }
  await app.close();
  return out;
}
