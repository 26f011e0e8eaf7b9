import { createApp } from '/work/wt/i12a/src/app.ts';
import { loadConfig } from '/work/wt/i12a/src/config.ts';
import { chartConfig } from '/work/wt/i12a/src/charts/config.ts';
import { renderWithTextBoxes } from '/work/wt/i12a/src/charts/render-local.ts';
const app = createApp(loadConfig({ RENDER_THREADS: '0' }), { dbFile: ':memory:' });
const r = await app.runner.runText(process.argv[2] ?? '/perf SPY QQQ IWM');
if (r.ok) for (const spec of r.answer.charts) { const { texts } = renderWithTextBoxes(chartConfig(spec)); console.log(texts.map((t) => `${t.text}@${t.x.toFixed(0)},${t.y.toFixed(0)} ${t.w.toFixed(0)}x${t.h.toFixed(0)} s${t.size}`).join('\n')); }
await app.close();
