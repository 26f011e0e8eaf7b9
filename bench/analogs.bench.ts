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
  // A 26-year pair (IWM from May 2000, with SPY), a 33-year single symbol, and failed breakouts (every
  // 52-week high of 20 years checked against the year before it).
  for (const text of ['/analogs IWM vs:SPY event:streak asof:2026-01-21', '/analogs IWM vs:SPY event:failed', '/analogs SPY decline 20', '/analogs KRE event:failed']) {
    const run = async () => {
      const r = await app.runner.runText(text);
      if (!r.ok) throw new Error(`${text}: ${r.error.message}`);
      await renderAnswerCharts(app.renderer, r.answer);
    };
    const st = await measure(run, { iterations: 15, warmup: 2 });
    out.push(row(`${text} warm, end to end with PNG (inline render)`, st, '≤ 200 ms'));
    out.push(`  fastest run (least disturbed by other load): ${st.min.toFixed(0)} ms`);
  }

  // Only 36 symbols are bundled (every fund, index, stock and coin in data/manifest.json). Measured over
  // those 36, and over 50: the 36 and 14 of them again under other names (the same price histories, so the
  // same work per name). A watchlist has at most 20 names, a list 12; this measures the scan and its chart,
  // the part that grows with the list.
  const manifest = JSON.parse(readFileSync(new URL('../data/manifest.json', import.meta.url), 'utf8')) as { symbol: string }[];
  const symbols = manifest.map((m) => m.symbol);
  const full = await Promise.all(symbols.map((s) => app.market.series(s)));
  // Each scan on a day it finds names (a scan with no hits draws no chart): after the April 2025
  // sell-off for snapbacks, the post-election highs of Nov 2024 for breakouts.
  const days = { snapback: '2025-05-12', breakouts: '2024-11-11' } as const;
  for (const kind of ['snapback', 'breakouts'] as const) {
    const asOf = days[kind];
    const loaded = full.map((s) => truncateAsOf(s, asOf));
    const fifty: { symbol: string; series: DailySeries }[] = loaded.map((series, i) => ({ symbol: symbols[i] as string, series }));
    for (let i = 0; fifty.length < 50; i++) {
      const s = loaded[i % loaded.length] as DailySeries;
      fifty.push({ symbol: `${s.symbol}-${i}`, series: { ...s, symbol: `${s.symbol}-${i}` } });
    }
    const list: ScanList = { label: 'the bench list', plural: 'symbols', scanned: fifty.map((x) => ({ member: { symbol: x.symbol, name: x.symbol }, series: x.series })), leftOut: [], asOf };
    const bundled: ScanList = { ...list, label: 'the bundled symbols', scanned: list.scanned.slice(0, loaded.length) };
    for (const l of [bundled, list]) {
      let hits = 0;
      let drawn = false;
      const run = async () => {
        const r = scanList(l, kind);
        hits = r.hits.length;
        const spec = minisChart(r, 'bench', 'SPY');
        drawn = spec !== null && spec !== undefined;
        if (spec) await app.renderer.render(spec);
      };
      const st = await measure(run, { iterations: 15, warmup: 2 });
      const what = l === list ? `50 symbols (36 bundled + 14 repeated)` : `the ${loaded.length} bundled symbols`;
      out.push(row(`/scan ${kind} over ${what} as of ${asOf}, ${hits} hits, ${drawn ? 'with its chart' : 'no chart'}`, st, '≤ 250 ms'));
      out.push(`  fastest run (least disturbed by other load): ${st.min.toFixed(0)} ms`);
    }
  }
  await app.close();
  return out;
}
