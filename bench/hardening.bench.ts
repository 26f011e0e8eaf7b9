/**
 * Production-hardening figures:
 *   1. load — 500 commands in 60 s through the Discord and Slack adapters against the local fakes,
 *      cold and warm mixed (test/hardening/_load.ts): zero errors, acknowledgement p99 ≤ 50 ms,
 *      resident memory start / after the cold fifth / peak / end;
 *   2. render cache — a repeated chart answered from the cache in ≤ 1 ms;
 *   3. engine — tapebot's chart render against Chart.js drawing the same config on node-canvas (Cairo,
 *      the engine QuickChart's server uses), side by side in this process: target ≥ 1.3× faster.
 *      node-canvas is NOT a dependency: it is installed on demand into a temp directory (with its
 *      Debian build libraries via apt-get when running as root); when that fails the figure is skipped
 *      with the reason.
 *   npx tsx bench/hardening.bench.ts [load] [cache] [engine]
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Chart, type ChartConfiguration, type ChartItem } from 'chart.js';
import type { ChartSpec } from '../src/answer/chart-spec.ts';
import { createApp } from '../src/app.ts';
import { chartConfig } from '../src/charts/config.ts';
import { createLocalRenderer } from '../src/charts/local-renderer.ts';
import { createRenderCache } from '../src/charts/render-cache.ts';
import { renderPngSync } from '../src/charts/render-local.ts';
import { THEME } from '../src/charts/theme.ts';
import { loadConfig } from '../src/config.ts';
import { runLoad } from '../test/hardening/_load.ts';
import { measure, row, stats } from './harness.ts';

const run = promisify(execFile);
const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

async function benchLoad(total = 500, durationMs = 60_000): Promise<string[]> {
  const r = await runLoad({ total, durationMs });
  const ack = stats([...r.ackMs.discord, ...r.ackMs.slack]);
  const ackD = stats(r.ackMs.discord);
  const ackS = stats(r.ackMs.slack);
  const reply = stats(r.replyMs);
  const f = (x: number) => x.toFixed(1);
  return [
    `load: ${total} commands in ${durationMs / 1000} s (Discord ${r.sent.discord}, Slack ${r.sent.slack}); all answered after ${r.wallS.toFixed(1)} s`,
    `  errors                                    ${r.errors.length}   target 0   ${verdict(r.errors.length === 0)}`,
    ...r.errors.slice(0, 5).map((e) => `    ${e}`),
    `  ack p50 / p99 / max (both)                ${f(ack.median)} / ${f(ack.p99)} / ${f(ack.max)} ms   target p99 ≤ 50 ms   ${verdict(ack.p99 <= 50)}`,
    `  ack p50 / p99 Discord                     ${f(ackD.median)} / ${f(ackD.p99)} ms`,
    `  ack p50 / p99 Slack                       ${f(ackS.median)} / ${f(ackS.p99)} ms`,
    `  final reply p50 / p90 / p99               ${reply.median.toFixed(0)} / ${reply.p90.toFixed(0)} / ${reply.p99.toFixed(0)} ms`,
    `  RSS MiB start / after cold fifth / peak / end   ${r.rssMb.start} / ${r.rssMb.warm} / ${r.rssMb.peak} / ${r.rssMb.end}`,
    `  RSS MiB at each tenth of the run, then end      ${r.rssTimelineMb.join(' ')}`,
    `  render cache (the bot's /metrics)         ${metric(r.metrics, 'tapebot_cache_lookups_total{cache="render",result="hit"}')} hits, ${metric(r.metrics, 'tapebot_cache_lookups_total{cache="render",result="miss"}')} misses`,
    `  acks within 50 ms, as the bot measured    ${share(r.metrics, 'slack')} of Slack's   ${share(r.metrics, 'discord')} of Discord's`,
    `  exit code on SIGTERM after the run        ${r.exitCode}   ${verdict(r.exitCode === 0)}`,
  ];
}

/** A sample's value from Prometheus text, or NaN. */
function metric(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : NaN;
}

/** The share of a platform's acknowledgements in the ≤ 50 ms bucket of tapebot_ack_seconds. */
function share(text: string, platform: string): string {
  const within = metric(text, `tapebot_ack_seconds_bucket{le="0.05",platform="${platform}"}`);
  const all = metric(text, `tapebot_ack_seconds_count{platform="${platform}"}`);
  return all > 0 ? `${((100 * within) / all).toFixed(1)}%` : 'n/a';
}

/** Real chart specs, one per kind, from the commands that draw them. */
async function sampleSpecs(): Promise<{ name: string; spec: ChartSpec }[]> {
  const app = createApp(loadConfig({ RENDER_THREADS: '0', RENDER_CACHE_MB: '0' }), { dbFile: ':memory:' });
  try {
    const out: { name: string; spec: ChartSpec }[] = [];
    for (const [name, text] of [
      ['compare IWM SPY QQQ 1y (lines)', '/compare IWM SPY QQQ period:1y asof:2026-08-21'],
      ['chart SPY 6m (candles + volume)', '/chart SPY period:6m asof:2026-08-21'],
      ['leaders sectors (bars)', '/leaders sectors period:3m asof:2026-08-21'],
      ['rotationmap (scatter tails)', '/rotationmap asof:2026-08-21'],
    ] as const) {
      const r = await app.runner.runText(text);
      if (!r.ok) throw new Error(`${text}: ${r.error.message}`);
      const spec = r.answer.charts[0];
      if (spec) out.push({ name, spec });
    }
    return out;
  } finally {
    await app.close();
  }
}

async function benchCache(): Promise<string[]> {
  const [sample] = await sampleSpecs();
  if (!sample) return ['cache: no sample chart'];
  const cache = createRenderCache(createLocalRenderer({ threads: 0 }));
  const cold = await measure(() => cache.render(sample.spec), { iterations: 1, warmup: 0 });
  const warm = await measure(() => cache.render(sample.spec), { iterations: 500, warmup: 20 });
  await cache.close();
  return [
    row(`render cache: first draw, ${sample.name}`, cold),
    row(`render cache: the same chart again (hash + lookup)`, warm, '≤ 1 ms'),
    `  verdict: median ${warm.median.toFixed(3)} ms, p99 ${warm.p99.toFixed(3)} ms   ${verdict(warm.p99 <= 1)}`,
  ];
}

interface NodeCanvas {
  createCanvas(w: number, h: number): { getContext(kind: '2d'): unknown; toBuffer(mime: 'image/png'): Buffer };
  registerFont(file: string, face: { family: string; weight?: string }): void;
  version: string;
  cairoVersion: string;
}

/** node-canvas from a temp directory, installed there on demand; or why it could not be. */
async function nodeCanvas(): Promise<NodeCanvas | string> {
  const dir = path.join(tmpdir(), 'tapebot-bench-canvas');
  mkdirSync(dir, { recursive: true });
  const load = () => createRequire(path.join(dir, 'index.js'))('canvas') as NodeCanvas;
  if (existsSync(path.join(dir, 'node_modules', 'canvas', 'build', 'Release', 'canvas.node'))) {
    try {
      return load();
    } catch (err) {
      return `node-canvas in ${dir} does not load: ${(err as Error).message}`;
    }
  }
  const install = () => run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--no-package-lock', 'canvas@3'], { cwd: dir, timeout: 600_000 });
  try {
    await install();
  } catch (first) {
    // No prebuilt binary reachable: build from source, which needs Cairo and Pango headers.
    if (process.getuid?.() !== 0) return `npm install canvas failed and apt-get needs root: ${String((first as Error).message).split('\n')[0]}`;
    try {
      await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'libcairo2-dev', 'libpango1.0-dev', 'libjpeg-dev', 'libgif-dev', 'librsvg2-dev'], {
        timeout: 600_000,
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
      await install();
    } catch (again) {
      return `could not install node-canvas: ${String((again as Error).message).split('\n')[0]}`;
    }
  }
  try {
    return load();
  } catch (err) {
    return `node-canvas installed but does not load: ${(err as Error).message}`;
  }
}

async function benchEngine(): Promise<string[]> {
  const canvas = await nodeCanvas();
  if (typeof canvas === 'string') return [`engine: skipped — ${canvas}`];
  const require = createRequire(import.meta.url);
  for (const [file, weight] of [
    ['400Regular/Inter_400Regular.ttf', '400'],
    ['500Medium/Inter_500Medium.ttf', '500'],
    ['600SemiBold/Inter_600SemiBold.ttf', '600'],
  ] as const) {
    canvas.registerFont(require.resolve(`@expo-google-fonts/inter/${file}`), { family: THEME.fontFamily, weight });
  }
  const out = [`engine: tapebot (Chart.js ${Chart.version} on @napi-rs/canvas/Skia) vs Chart.js on node-canvas ${canvas.version} (Cairo ${canvas.cairoVersion}), PNG encoded in both`];
  /** What QuickChart's server does with a JSON config: Chart.js on node-canvas, then PNG. */
  const drawOnNodeCanvas = (config: ReturnType<typeof chartConfig>): Buffer => {
    const { width, height } = config.options.plugins.tapebot;
    const c = canvas.createCanvas(width, height);
    const chart = new Chart(c as unknown as ChartItem, structuredClone(config) as unknown as ChartConfiguration);
    try {
      return c.toBuffer('image/png');
    } finally {
      chart.destroy();
    }
  };
  let allFaster = true;
  for (const { name, spec } of await sampleSpecs()) {
    const config = chartConfig(spec);
    renderPngSync(config); // registers Chart.js's parts and the fonts
    drawOnNodeCanvas(config);
    // Alternate the two so drift on this shared machine hits both alike.
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < 15; i++) {
      let t = performance.now();
      renderPngSync(config);
      ours.push(performance.now() - t);
      t = performance.now();
      drawOnNodeCanvas(config);
      theirs.push(performance.now() - t);
    }
    const a = stats(ours);
    const b = stats(theirs);
    const ratio = b.median / a.median;
    allFaster &&= ratio >= 1.3;
    out.push(`  ${name.padEnd(36)} tapebot ${a.median.toFixed(1)} ms   node-canvas ${b.median.toFixed(1)} ms   ${ratio.toFixed(2)}× faster   target ≥ 1.3×   ${verdict(ratio >= 1.3)}`);
  }
  out.push(`  (tapebot's render includes its own plugin — labels, bands — which node-canvas is spared; verdict over all: ${verdict(allFaster)})`);
  return out;
}

export async function benchHardening(parts: readonly string[] = ['load', 'cache', 'engine']): Promise<string[]> {
  const out: string[] = [];
  if (parts.includes('cache')) out.push(...(await benchCache()));
  if (parts.includes('engine')) out.push(...(await benchEngine()));
  if (parts.includes('load')) out.push(...(await benchLoad()));
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const parts = process.argv.slice(2);
  for (const line of await benchHardening(parts.length > 0 ? parts : undefined)) process.stdout.write(`${line}\n`);
}
