/**
 * Real PNGs through every path: inline, worker threads, and a stock Chart.js with none of our
 * plugins. Also writes one sample of each chart kind to out/charts-samples/ for people to look at.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { Chart, type ChartConfiguration, type ChartItem } from 'chart.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Answer } from '../../src/answer/answer.ts';
import type { ChartSpec } from '../../src/answer/chart-spec.ts';
import { chartConfig } from '../../src/charts/config.ts';
import {
  createLocalRenderer,
  RendererClosedError,
  RenderMemoryError,
  RenderQueueFullError,
  RenderTimeoutError,
} from '../../src/charts/local-renderer.ts';
import { pngSize, renderPng, renderPngSync } from '../../src/charts/render-local.ts';
import { renderAnswerCharts, type ChartRenderer } from '../../src/charts/renderer.ts';
import { candlesWithVolume, drawdownLog, groupedBars, rebasedWithRatio, rotationMap, sectorBars } from './sample-specs.ts';

const SAMPLES = path.join(import.meta.dirname, '../../out/charts-samples');
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the IHDR chunk, which the PNG spec puts first, right after the signature. */
function ihdrSize(png: Buffer): { width: number; height: number } {
  expect([...png.subarray(0, 8)], 'PNG signature').toEqual(PNG_SIGNATURE);
  expect(png.subarray(12, 16).toString('latin1'), 'first chunk is IHDR').toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

interface PixelStats {
  distinctColours: number;
  /** Pixels that are not fully opaque. */
  seeThrough: number;
  /** Share of opaque pixels that differ from the white background. */
  inked: number;
  /** Pixels in a region darker than `luminance` (text is dark on the white card). */
  darkIn: (x0: number, y0: number, x1: number, y1: number, luminance?: number) => number;
}

async function pixels(png: Buffer): Promise<PixelStats> {
  const img = await loadImage(png);
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const { data, width } = ctx.getImageData(0, 0, img.width, img.height);
  const colours = new Set<number>();
  let inked = 0;
  let seeThrough = 0;
  for (let i = 0; i < data.length; i += 4) {
    const r = data[i] ?? 0;
    const g = data[i + 1] ?? 0;
    const b = data[i + 2] ?? 0;
    if ((data[i + 3] ?? 0) !== 255) {
      seeThrough++;
      continue;
    }
    colours.add((r << 16) | (g << 8) | b);
    if (r < 250 || g < 250 || b < 250) inked++;
  }
  const lum = (i: number) => 0.2126 * (data[i] ?? 0) + 0.7152 * (data[i + 1] ?? 0) + 0.0722 * (data[i + 2] ?? 0);
  return {
    distinctColours: colours.size,
    seeThrough,
    inked: inked / (data.length / 4),
    darkIn(x0, y0, x1, y1, luminance = 90) {
      let n = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (lum((y * width + x) * 4) < luminance) n++;
      return n;
    },
  };
}

const SPECS: [string, () => ChartSpec][] = [
  ['rebased-with-ratio', rebasedWithRatio],
  ['candles-volume', candlesWithVolume],
  ['drawdown-log', drawdownLog],
  ['sector-bars', sectorBars],
  ['grouped-bars', groupedBars],
  ['rotation', rotationMap],
];

/** What every rendered chart must show, whichever path drew it. */
async function expectReadableChart(png: Buffer, label: string): Promise<void> {
  // The default 520 × 340 chart (a chat column's width) is drawn at devicePixelRatio 3.
  expect(ihdrSize(png), `${label}: IHDR size`).toEqual({ width: 1560, height: 1020 });
  expect(png.length, `${label}: small enough for any chat upload`).toBeLessThan(300 * 1024);
  const p = await pixels(png);
  expect(p.seeThrough, `${label}: the background is opaque everywhere`).toBe(0);
  expect(p.distinctColours, `${label}: not a blank or flat image`).toBeGreaterThan(200);
  expect(p.inked, `${label}: something is drawn`).toBeGreaterThan(0.03);
  // Title: top-left 400 × 25 CSS px (tripled). Dark text drawn there means the font got registered.
  expect(p.darkIn(24, 24, 1200, 75), `${label}: title text is drawn`).toBeGreaterThan(500);
  // Footer: the bottom 20 CSS px, left half, in muted gray (#57606a, luminance ≈ 94).
  expect(p.darkIn(24, 960, 780, 1020, 140), `${label}: footer text is drawn`).toBeGreaterThan(200);
}

// Real rendering on a small shared machine: give each test room beyond vitest's 5 s default.
const SLOW = { timeout: 60_000 };

describe('renderPng (inline)', SLOW, () => {
  beforeAll(() => mkdirSync(SAMPLES, { recursive: true }));

  it.each(SPECS)('%s renders a readable PNG (and is saved as a sample)', async (name, make) => {
    const config = chartConfig(make());
    const png = await renderPng(config);
    writeFileSync(path.join(SAMPLES, `${name}.png`), png);
    expect(pngSize(config)).toEqual(ihdrSize(png));
    await expectReadableChart(png, name);
  });

  it('draws empty specs without throwing: no dates, no categories, no rotation items', async () => {
    const base = { id: 'empty', title: 'Nothing yet', altText: '', footer: 'Source: none' };
    const empties: ChartSpec[] = [
      { ...base, kind: 'time', dates: [], panels: [{ yLabel: 'P', format: 'price', series: [] }] },
      { ...base, kind: 'bars', categories: [], groups: [], horizontal: true, valueLabel: 'v', format: 'percent' },
      { ...base, kind: 'rotation', xLabel: 'x', yLabel: 'y', items: [] },
    ];
    for (const spec of empties) {
      const png = await renderPng(chartConfig(spec));
      expect(ihdrSize(png), spec.kind).toEqual({ width: 1560, height: 1020 });
    }
  });

  it('sync and async paths draw the same picture', async () => {
    const config = chartConfig(sectorBars());
    const a = renderPngSync(config);
    const b = await renderPng(config);
    expect(ihdrSize(a)).toEqual(ihdrSize(b));
    const [pa, pb] = [await pixels(a), await pixels(b)];
    expect(pa.distinctColours).toBe(pb.distinctColours);
  });

  it('does not change the config it draws (it may be posted elsewhere afterwards)', () => {
    const config = chartConfig(drawdownLog());
    const before = JSON.stringify(config);
    renderPngSync(config);
    expect(JSON.stringify(config)).toBe(before);
  });
});

describe('a stock Chart.js (no tapebot plugin, no callbacks) draws the JSON config', SLOW, () => {
  beforeAll(() => mkdirSync(SAMPLES, { recursive: true }));
  it.each(SPECS)('%s', async (name, make) => {
    const config = chartConfig(make());
    // Render once through ours first: it registers the controllers and the font a server would have.
    renderPngSync(config);
    const canvas = createCanvas(520, 340);
    const chart = new Chart(canvas as unknown as ChartItem, structuredClone(config) as unknown as ChartConfiguration);
    const png = canvas.toBuffer('image/png');
    chart.destroy();
    writeFileSync(path.join(SAMPLES, `stock-${name}.png`), png);
    const p = await pixels(png);
    // Stock Chart.js paints no background (QuickChart adds one), so only check that it drew.
    expect(ihdrSize(png)).toEqual({ width: 1560, height: 1020 });
    expect(p.seeThrough / (1560 * 1020), 'mostly transparent: no background').toBeGreaterThan(0.3);
    expect(p.seeThrough / (1560 * 1020), 'but datasets, grid and text are drawn').toBeLessThan(0.99);
  });
});

describe('createLocalRenderer', SLOW, () => {
  const renderers: ChartRenderer[] = [];
  afterAll(async () => {
    await Promise.all(renderers.map((r) => r.close()));
  });
  const make = (...args: Parameters<typeof createLocalRenderer>) => {
    const r = createLocalRenderer(...args);
    renderers.push(r);
    return r;
  };

  it('renders in worker threads, in parallel, off the calling thread', async () => {
    const r = make({ threads: 2 });
    expect(r.name).toBe('local(2 threads)');
    // The event loop keeps ticking while workers draw: count timer ticks during the renders.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const pngs = await Promise.all(SPECS.map(([, spec]) => r.render(spec())));
    clearInterval(timer);
    for (const [k, png] of pngs.entries()) await expectReadableChart(png, `worker ${SPECS[k]?.[0]}`);
    expect(ticks, 'the main thread stayed free while charts drew').toBeGreaterThan(5);
  }, 60_000);

  it('renders inline with threads: 0', async () => {
    const r = make({ threads: 0 });
    expect(r.name).toBe('local(inline)');
    await expectReadableChart(await r.render(rotationMap()), 'inline rotation');
  });

  it('takes a chart size', async () => {
    const r = make({ threads: 1, width: 600, height: 400 });
    expect(ihdrSize(await r.render(sectorBars()))).toEqual({ width: 1800, height: 1200 });
  });

  it('sheds load with RenderQueueFullError once maxQueue charts wait', async () => {
    const r = make({ threads: 1, maxQueue: 1 });
    const first = r.render(sectorBars()); // drawing
    const second = r.render(sectorBars()); // waiting: the queue is now full
    await expect(r.render(sectorBars())).rejects.toBeInstanceOf(RenderQueueFullError);
    await expect(first).resolves.toBeInstanceOf(Buffer);
    await expect(second).resolves.toBeInstanceOf(Buffer);
    await expect(r.render(sectorBars()), 'room again once the queue drained').resolves.toBeInstanceOf(Buffer);
  }, 60_000);

  it('fails a chart that takes too long with RenderTimeoutError', async () => {
    const r = make({ threads: 1, timeoutMs: 1 });
    await expect(r.render(sectorBars())).rejects.toBeInstanceOf(RenderTimeoutError);
  });

  it("fails a chart past the render thread's heap limit alone with RenderMemoryError, and draws the next", async () => {
    // Far past any chart a command makes (the largest need under 20 MB): three lines of 600,000 sessions.
    const n = 600_000;
    const line = (k: number) => ({ type: 'line' as const, label: `L${k}`, values: Array.from({ length: n }, (_, i) => 100 + k + Math.sin(i / 50)) });
    const huge: ChartSpec = {
      kind: 'time',
      id: 'huge',
      title: 'Too many points',
      altText: 'A chart too large to draw.',
      footer: 'test',
      dates: Array.from({ length: n }, (_, i) => String(i)),
      axis: 'sessions',
      panels: [{ yLabel: 'Value', format: 'index', series: [line(0), line(1), line(2)] }],
    };
    const r = make({ threads: 1 });
    // The first chart of a fresh thread: out of heap is still the chart's failure, not a thread that cannot start.
    const failing = r.render(huge);
    const queued = r.render(sectorBars());
    await expect(failing).rejects.toBeInstanceOf(RenderMemoryError);
    await expectReadableChart(await queued, 'the chart queued behind it');
    await expectReadableChart(await r.render(sectorBars()), 'the chart after it');
  }, 120_000);

  it('stops a worker left idle for idleMs, and starts one again for the next chart', async () => {
    const r = make({ threads: 1, idleMs: 50 });
    expect(r.workers(), 'nothing started before the first chart').toBe(0);
    await expectReadableChart(await r.render(sectorBars()), 'first chart');
    await vi.waitFor(() => expect(r.workers(), 'stopped once idle').toBe(0), { timeout: 20_000, interval: 20 });
    const again = r.render(sectorBars());
    expect(r.workers(), 'the next chart starts a worker').toBe(1);
    await expectReadableChart(await again, 'chart after the idle stop');
  }, 60_000);

  it('after close(), rejects waiting and new charts with RendererClosedError', async () => {
    const r = make({ threads: 1 });
    const drawing = expect(r.render(sectorBars())).rejects.toBeInstanceOf(RendererClosedError);
    const waiting = expect(r.render(sectorBars())).rejects.toBeInstanceOf(RendererClosedError);
    await r.close();
    await drawing;
    await waiting;
    await expect(r.render(sectorBars())).rejects.toBeInstanceOf(RendererClosedError);
    const inline = make({ threads: 0 });
    await inline.close();
    await expect(inline.render(sectorBars())).rejects.toBeInstanceOf(RendererClosedError);
  });
});

describe('renderAnswerCharts', () => {
  it('draws every chart of an Answer, in order, with alt text and a safe file name', async () => {
    const calls: string[] = [];
    const fake: ChartRenderer = {
      name: 'fake',
      async render(spec) {
        calls.push(spec.id);
        return Buffer.from(spec.id);
      },
      async close() {},
    };
    const answer: Answer = {
      command: 'compare',
      args: {},
      title: 't',
      lines: [],
      facts: {},
      charts: [rotationMap(), { ...sectorBars(), id: 'sectors/1m ytd' }],
      asOf: '2026-08-21',
      source: null,
      warnings: [],
    };
    const out = await renderAnswerCharts(fake, answer);
    expect(out.map((c) => c.fileName)).toEqual(['sector-rotation.png', 'sectors_1m_ytd.png']);
    expect(out.map((c) => c.png.toString())).toEqual(['sector-rotation', 'sectors/1m ytd']);
    expect(out[0]?.altText).toBe(rotationMap().altText);
    expect(calls).toHaveLength(2);
  });
});
