/**
 * Draws a ChartJsConfig to PNG bytes in this thread with Chart.js v4 on @napi-rs/canvas.
 *
 * The config is JSON; here it gets what JSON cannot carry: tick-label callbacks (from
 * `plugins.tapebot.formats`), a legend filter, and the `tapebot` plugin that paints the opaque
 * background and the labels Chart.js has no option for (rotation heads and quadrant names,
 * bar-end values, single-marker labels).
 */
import { encodeOpaquePng, encodeOpaquePngAsync } from './png.ts';
import { createRequire } from 'node:module';
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import {
  Chart,
  registerables,
  type CartesianScaleOptions,
  type ChartConfiguration,
  type ChartDataset,
  type ChartItem,
  type FontSpec,
  type LegendItem,
  type ChartData,
  type Plugin,
  type Scale,
  type Tick,
} from 'chart.js';
import type { ValueFormat } from '../answer/chart-spec.ts';
import type { ChartJsConfig, Corner, JsonObject, TapebotOptions } from './config.ts';
import { CELL_LABEL_GAP, DEVICE_PIXEL_RATIO, FOOTER_LINE, PAD_LEFT } from './config.ts';
import { formatTick, logTicks } from './format.ts';
import { toFont, toPadding } from 'chart.js/helpers';
import { THEME } from './theme.ts';
import { at } from '../core/at.ts';

let ready = false;

/** Registers Chart.js's controllers and the Inter font once per thread: with no font registered, nothing textual is drawn. */
function setUp(): void {
  if (ready) return;
  const require = createRequire(import.meta.url);
  for (const face of ['400Regular/Inter_400Regular.ttf', '500Medium/Inter_500Medium.ttf', '600SemiBold/Inter_600SemiBold.ttf']) {
    GlobalFonts.registerFromPath(require.resolve(`@expo-google-fonts/inter/${face}`), THEME.fontFamily);
  }
  Chart.register(...registerables);
  Chart.defaults.font.family = THEME.fontFamily;
  Chart.defaults.color = THEME.text;
  ready = true;
}

type TapebotDataset = ChartDataset & {
  yAxisID?: string;
  tapebotHideInLegend?: boolean;
  tapebotHeadLabel?: boolean;
  tapebotPointLabel?: boolean;
  tapebotBarLabels?: string[];
  tapebotValueTag?: string;
  tapebotBand?: boolean;
};

/** A shaded run of dates, in category indexes (inclusive). */
interface Band {
  from: number;
  to: number;
  color: string;
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A piece of text the renderer drew: its ink box in canvas pixels and its font size in canvas pixels. */
export interface TextBox extends Box {
  text: string;
  /** Font size in canvas (PNG) pixels. */
  size: number;
  /** The rectangular clip region in force when it was drawn (canvas pixels), if any: ink outside it is not shown. */
  clip?: Box;
}

function intersect(a: Box, b: Box): Box {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  return { x, y, w: Math.max(0, Math.min(a.x + a.w, b.x + b.w) - x), h: Math.max(0, Math.min(a.y + a.h, b.y + b.h) - y) };
}

/** The canvas-pixel bounding box of a rectangle drawn under the context's current transform. */
function transformed(ctx: SKRSContext2D, x: number, y: number, w: number, h: number): Box {
  const t = ctx.getTransform();
  const corners = [
    [x, y],
    [x + w, y],
    [x, y + h],
    [x + w, y + h],
  ].map(([px = 0, py = 0]) => [t.a * px + t.c * py + t.e, t.b * px + t.d * py + t.f] as const);
  const xs = corners.map((c) => c[0]);
  const ys = corners.map((c) => c[1]);
  return { x: Math.min(...xs), y: Math.min(...ys), w: Math.max(...xs) - Math.min(...xs), h: Math.max(...ys) - Math.min(...ys) };
}

/**
 * Follows the clip region a context draws under, as far as it is rectangular: `rect` + `clip` (how
 * Chart.js clips a scale's labels, the legend and the plot area), kept and given back by `save` and
 * `restore`. A clip by any other path cannot be followed; the region in force stays as it was.
 */
function trackClip(ctx: SKRSContext2D): () => Box | undefined {
  let clip: Box | undefined;
  const saved: (Box | undefined)[] = [];
  // The rectangles of the path being built; null once it has anything else in it.
  let rects: Box[] | null = [];
  const wrap = <K extends keyof SKRSContext2D>(name: K, before: (...args: never[]) => void): void => {
    const method: unknown = ctx[name];
    const original = (method as (...args: unknown[]) => unknown).bind(ctx);
    (ctx as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      (before as (...a: unknown[]) => void)(...args);
      return original(...args);
    };
  };
  wrap('save', () => saved.push(clip));
  wrap('restore', () => {
    if (saved.length > 0) clip = saved.pop();
  });
  wrap('beginPath', () => (rects = []));
  wrap('rect', (x: number, y: number, w: number, h: number) => rects?.push(transformed(ctx, x, y, w, h)));
  for (const name of ['moveTo', 'lineTo', 'arc', 'arcTo', 'bezierCurveTo', 'quadraticCurveTo', 'ellipse', 'roundRect'] as const) wrap(name, () => (rects = null));
  wrap('clip', (...args: unknown[]) => {
    // clip(path) clips by a path object this wrapper never saw.
    if (typeof args[0] === 'object' || rects === null || rects.length === 0) return;
    const area = rects.reduce((u, r) => {
      const x = Math.min(u.x, r.x);
      const y = Math.min(u.y, r.y);
      return { x, y, w: Math.max(u.x + u.w, r.x + r.w) - x, h: Math.max(u.y + u.h, r.y + r.h) - y };
    });
    clip = clip ? intersect(clip, area) : area;
  });
  return () => clip;
}

/**
 * Records the box of every text drawn on a context, by wrapping its `fillText`: what the overlap and
 * size-floor tests read, with the clip region it was drawn under. A halo's `strokeText` is the same
 * text in the same place and is not recorded.
 */
export function recordText(ctx: SKRSContext2D, boxes: TextBox[]): void {
  const clipNow = trackClip(ctx);
  const fill = ctx.fillText.bind(ctx);
  ctx.fillText = (text: string, x: number, y: number, maxWidth?: number) => {
    if (text.trim() !== '') {
      const m = ctx.measureText(text);
      const box = transformed(ctx, x - m.actualBoundingBoxLeft, y - m.actualBoundingBoxAscent, m.actualBoundingBoxLeft + m.actualBoundingBoxRight, m.actualBoundingBoxAscent + m.actualBoundingBoxDescent);
      const t = ctx.getTransform();
      const px = Number(/([\d.]+)px/.exec(ctx.font)?.[1] ?? 0);
      const scale = Math.sqrt(Math.abs(t.a * t.d - t.b * t.c));
      const clip = clipNow();
      boxes.push({ text, ...box, size: px * scale, ...(clip ? { clip } : {}) });
    }
    if (maxWidth === undefined) fill(text, x, y);
    else fill(text, x, y, maxWidth);
  };
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function inside(a: Box, area: { left: number; right: number; top: number; bottom: number }): boolean {
  return a.x >= area.left && a.x + a.w <= area.right && a.y >= area.top && a.y + a.h <= area.bottom;
}

/** Text with a white halo, so it stays legible over lines, tails and shading. */
function haloText(ctx: SKRSContext2D, text: string, x: number, y: number, color: string): void {
  ctx.lineJoin = 'round';
  ctx.lineWidth = 3;
  ctx.strokeStyle = 'rgba(255,255,255,0.9)';
  ctx.strokeText(text, x, y);
  ctx.fillStyle = color;
  ctx.fillText(text, x, y);
}

function cssFont(size: number, weight: number): string {
  return `${weight} ${size}px ${THEME.fontFamily}`;
}

function tapebotPlugin(opts: TapebotOptions, bands: readonly Band[]): Plugin {
  return {
    id: 'tapebot',
    beforeDraw(chart) {
      const ctx = chart.ctx as unknown as SKRSContext2D;
      ctx.save();
      ctx.fillStyle = opts.background;
      ctx.fillRect(0, 0, chart.width, chart.height);
      ctx.restore();
      hideTicksUnderTags(chart);
    },
    beforeDatasetsDraw(chart) {
      const ctx = chart.ctx as unknown as SKRSContext2D;
      const a = chart.chartArea;
      ctx.save();
      const x = chart.scales.x;
      if (x) {
        ctx.beginPath();
        ctx.rect(a.left, a.top, a.right - a.left, a.bottom - a.top);
        ctx.clip();
        for (const b of bands) {
          const left = x.getPixelForValue(b.from - 0.5);
          const right = x.getPixelForValue(b.to + 0.5);
          ctx.fillStyle = b.color;
          ctx.fillRect(left, a.top, right - left, a.bottom - a.top);
        }
      }
      ctx.restore();
      ctx.save();
      ctx.font = cssFont(THEME.labelSize, 600);
      for (const c of opts.cornerLabels) drawCorner(ctx, a, c.text, c.color, c.corner);
      ctx.restore();
      drawMiniGrid(chart, opts.minis ?? []);
    },

    afterDatasetsDraw(chart) {
      const ctx = chart.ctx as unknown as SKRSContext2D;
      ctx.save();
      // Bar labels keep clear of every bar, not only of each other: a label never covers a neighbour.
      const barLabels: Box[] = barBoxes(chart);
      const toLabel: { text: string; x: number; y: number; from: { x: number; y: number } | undefined; color: string; size: number }[] = [];
      chart.data.datasets.forEach((raw, i) => {
        const ds = raw as TapebotDataset;
        const meta = chart.getDatasetMeta(i);
        if (!chart.isDatasetVisible(i)) return;
        if (ds.tapebotBarLabels) drawBarLabels(ctx, chart, meta.data, ds.tapebotBarLabels, barLabels);
        if ((ds.tapebotHeadLabel || ds.tapebotPointLabel) && ds.label) {
          const points = meta.data.filter((el) => !(el as { skip?: boolean }).skip && Number.isFinite(el.x) && Number.isFinite(el.y));
          const p = ds.tapebotHeadLabel ? points[points.length - 1] : points[0];
          if (p) {
            toLabel.push({
              text: ds.label,
              x: p.x,
              y: p.y,
              from: ds.tapebotHeadLabel ? points[points.length - 2] : undefined,
              color: typeof ds.backgroundColor === 'string' ? ds.backgroundColor : THEME.text,
              size: ds.tapebotHeadLabel ? THEME.labelSize + 0.5 : THEME.labelSize,
            });
          }
        }
      });
      // Every labelled point is an obstacle for every label, so no label hides another item's head.
      const placed: Box[] = toLabel.map((l) => ({ x: l.x - 7, y: l.y - 7, w: 14, h: 14 }));
      // Quadrant names too: a label written over one would be unreadable.
      ctx.font = cssFont(THEME.labelSize, 600);
      const corners = opts.cornerLabels.map((c) => cornerBox(ctx, chart.chartArea, c.text, c.corner));
      for (const l of toLabel) placeLabel(ctx, chart.chartArea, placed, l, corners);
      ctx.restore();
    },
    afterDraw(chart) {
      drawMinis(chart, opts.minis ?? []);
      drawValueTags(chart);
      drawFooter(chart, opts.footer);
    },
  };
}

type Mini = NonNullable<TapebotOptions['minis']>[number];

/** A mini's box in canvas px: its column's x extent, its band of the value scale. */
function miniBox(chart: Chart, m: Mini): { left: number; right: number; top: number; bottom: number; y: Scale } | null {
  const xs = chart.scales[m.xScale];
  const y = chart.scales[m.yScale];
  if (!xs || !y) return null;
  return { left: xs.left, right: xs.right, top: y.getPixelForValue(m.to), bottom: y.getPixelForValue(m.from), y };
}

/** Light rules across each mini at its low and high: what its two value labels point at. */
function drawMiniGrid(chart: Chart, minis: readonly Mini[]): void {
  const ctx = chart.ctx as unknown as SKRSContext2D;
  ctx.save();
  ctx.strokeStyle = THEME.grid;
  ctx.lineWidth = 1;
  for (const m of minis) {
    const box = miniBox(chart, m);
    if (!box) continue;
    for (const l of m.labels) {
      const y = Math.round(box.y.getPixelForValue(l.at)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(box.left, y);
      ctx.lineTo(box.right, y);
      ctx.stroke();
    }
  }
  ctx.restore();
}

/** Mini titles and notes in their top-left corners; each mini's low and high beside it, kept apart and inside its band. */
function drawMinis(chart: Chart, minis: readonly Mini[]): void {
  const ctx = chart.ctx as unknown as SKRSContext2D;
  ctx.save();
  for (const m of minis) {
    const box = miniBox(chart, m);
    if (!box) continue;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    // The ticker a little larger and bolder than the ticks: it is what a reader looks for first.
    ctx.font = cssFont(MINI_TITLE_SIZE, 600);
    const x = box.left + 6;
    haloText(ctx, m.title, x, box.top + 1, THEME.text);
    if (m.note) {
      const w = ctx.measureText(`${m.title} `).width;
      ctx.font = cssFont(THEME.labelSize, 500);
      haloText(ctx, m.note, x + w, box.top + 1 + (MINI_TITLE_SIZE - THEME.labelSize) * 0.8, THEME.mutedText);
    }
    ctx.font = cssFont(THEME.tickSize, 400);
    ctx.fillStyle = THEME.mutedText;
    ctx.textAlign = m.side === 'left' ? 'right' : 'left';
    ctx.textBaseline = 'middle';
    const h = THEME.tickSize + 1;
    // Low first: each label at its value, inside the band, the high pushed up clear of the low.
    const ys = m.labels.map((l) => Math.min(Math.max(box.y.getPixelForValue(l.at), box.top + h / 2), box.bottom - h / 2));
    for (let k = ys.length - 2; k >= 0; k--) {
      const upper = ys[k + 1] ?? 0;
      const lower = ys[k] ?? 0;
      if (lower - upper < h) {
        const mid = (lower + upper) / 2;
        ys[k] = Math.min(box.bottom - h / 2, mid + h / 2);
        ys[k + 1] = (ys[k] ?? 0) - h;
      }
    }
    const lx = m.side === 'left' ? box.left - CELL_LABEL_GAP : box.right + CELL_LABEL_GAP;
    m.labels.forEach((l, k) => ctx.fillText(l.text, lx, ys[k] ?? 0));
  }
  ctx.restore();
}

/** A mini's title (its ticker), in CSS px. */
const MINI_TITLE_SIZE = 13;

/** The footer's lines at the bottom left, in the room config.ts left under the chart. */
function drawFooter(chart: Chart, lines: readonly string[]): void {
  if (lines.length === 0) return;
  const ctx = chart.ctx as unknown as SKRSContext2D;
  ctx.save();
  ctx.font = cssFont(THEME.footerSize, 400);
  ctx.fillStyle = THEME.mutedText;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'bottom';
  const bottom = chart.height - 6;
  lines.forEach((line, i) => ctx.fillText(line, PAD_LEFT, bottom - (lines.length - 1 - i) * FOOTER_LINE));
  ctx.restore();
}

const TAG_HEIGHT = 15;
const TAG_FONT_SIZE = THEME.labelSize;
const TAG_PAD_X = 4;
/** From the axis line to the tag's left edge, and from its right edge to the axis title. */
const TAG_LEFT = 2;
const TAG_GAP = 4;

/**
 * Tags on the right-hand axis with each tagged line's latest value (or a level's value), in the
 * line's colour, nudged apart when they would overlap.
 */
interface Tag {
  y: number;
  text: string;
  color: string;
}

/** Where each value tag goes, by scale id: at its value, nudged apart when tags would overlap. */
function layoutTags(chart: Chart): Map<string, Tag[]> {
  const h = TAG_HEIGHT;
  const byScale = new Map<string, { y: number; text: string; color: string }[]>();
  chart.data.datasets.forEach((raw, i) => {
    const ds = raw as TapebotDataset;
    const scale = ds.yAxisID ? chart.scales[ds.yAxisID] : undefined;
    if (!ds.tapebotValueTag || !scale || !chart.isDatasetVisible(i)) return;
    const latest = latestPoint(ds);
    if (!latest) return;
    const y = scale.getPixelForValue(latest.value);
    if (y < scale.top - 1 || y > scale.bottom + 1) return;
    const tags = byScale.get(scale.id) ?? [];
    const color = typeof ds.borderColor === 'string' ? ds.borderColor : Array.isArray(ds.backgroundColor) ? ds.backgroundColor[latest.index] : undefined;
    tags.push({ y, text: ds.tapebotValueTag, color: typeof color === 'string' ? color : THEME.text });
    byScale.set(scale.id, tags);
  });
  for (const [id, tags] of byScale) {
    const scale = chart.scales[id];
    if (!scale) continue;
    tags.sort((p, q) => p.y - q.y);
    // Push overlapping tags down, then back up if the last one fell off the panel.
    for (let k = 1; k < tags.length; k++) {
      const prev = at(tags, k - 1);
      const cur = at(tags, k);
      cur.y = Math.max(cur.y, prev.y + h + 1);
    }
    const overflow = (tags[tags.length - 1]?.y ?? 0) + h / 2 - (scale.bottom + h / 2);
    if (overflow > 0) for (const t of tags) t.y -= overflow;
  }
  return byScale;
}

/**
 * A value tag sits on its axis over the tick labels; the tick label it would half cover is not
 * drawn at all ("100.0" on the tag, not "100.0" over "100").
 */
function hideTicksUnderTags(chart: Chart): void {
  const byScale = layoutTags(chart);
  for (const [id, tags] of byScale) {
    const scale: (Scale & { _labelItems?: unknown }) | undefined = chart.scales[id];
    if (!scale) continue;
    const half = TAG_HEIGHT / 2 + (THEME.tickSize * 0.75) / 2 + 2;
    let hidden = false;
    scale.ticks.forEach((tick, i) => {
      const y = scale.getPixelForTick(i);
      if (tags.some((t) => Math.abs(t.y - y) < half)) {
        tick.label = '';
        hidden = true;
      }
    });
    // Chart.js caches the label items it drew from; drop them so the blanked labels take effect.
    if (hidden) scale._labelItems = undefined;
  }
}

function drawValueTags(chart: Chart): void {
  const ctx = chart.ctx as unknown as SKRSContext2D;
  const h = TAG_HEIGHT;
  const byScale = layoutTags(chart);
  ctx.save();
  ctx.font = cssFont(TAG_FONT_SIZE, 600);
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  for (const [id, tags] of byScale) {
    const scale = chart.scales[id];
    if (!scale) continue;
    for (const t of tags) {
      const w = ctx.measureText(t.text).width + 2 * TAG_PAD_X;
      const x = scale.left + TAG_LEFT;
      ctx.fillStyle = t.color;
      ctx.beginPath();
      ctx.roundRect(x, t.y - h / 2, w, h, 3);
      ctx.fill();
      ctx.fillStyle = '#ffffff';
      ctx.fillText(t.text, x + TAG_PAD_X, t.y + 0.5);
    }
  }
  ctx.restore();
}

/** The last drawn point of a dataset: a line's value, or a candle body's close (`[open, close]`). */
function latestPoint(ds: TapebotDataset): { value: number; index: number } | null {
  const values = ds.data as (number | [number, number] | null)[];
  for (let k = values.length - 1; k >= 0; k--) {
    const v = values[k];
    if (typeof v === 'number') return { value: v, index: k };
    if (Array.isArray(v)) return { value: v[1], index: k };
  }
  return null;
}

/**
 * Widens a right-hand axis that carries value tags so the widest tag, drawn over its tick labels,
 * still ends short of the axis title (a tag can be wider than every tick label: "$751.75" beside "$780").
 */
function roomForTags(tags: readonly string[]): (s: Scale) => void {
  return (s) => {
    const ctx = s.ctx as unknown as SKRSContext2D;
    ctx.save();
    ctx.font = cssFont(TAG_FONT_SIZE, 600);
    const widest = Math.max(...tags.map((t) => ctx.measureText(t).width)) + 2 * TAG_PAD_X;
    ctx.restore();
    // Tagged axes are cartesian (linear or logarithmic), which carry a title.
    const { title } = s.options as CartesianScaleOptions;
    // What Chart.js reserves for the title (core.scale.js, getTitleHeight).
    // config.ts writes the title's font as an object and its padding as a number, never as functions.
    const titleSpace = title.display ? toFont(title.font as Partial<FontSpec>).lineHeight + toPadding(title.padding as number).height : 0;
    s.width = Math.max(s.width, TAG_LEFT + widest + TAG_GAP + titleSpace);
  };
}

const CORNER_PAD = 6;

/** The box a quadrant name takes in its corner (the font must be set). */
function cornerBox(ctx: SKRSContext2D, a: Chart['chartArea'], text: string, corner: Corner): Box {
  const w = ctx.measureText(text.toUpperCase()).width;
  const h = THEME.labelSize;
  const x = corner.endsWith('right') ? a.right - CORNER_PAD - w : a.left + CORNER_PAD;
  const y = corner.startsWith('bottom') ? a.bottom - CORNER_PAD - h : a.top + CORNER_PAD;
  return { x: x - 2, y: y - 2, w: w + 4, h: h + 4 };
}

function drawCorner(ctx: SKRSContext2D, a: Chart['chartArea'], text: string, color: string, corner: Corner): void {
  const pad = CORNER_PAD;
  const right = corner.endsWith('right');
  const bottom = corner.startsWith('bottom');
  ctx.textAlign = right ? 'right' : 'left';
  ctx.textBaseline = bottom ? 'bottom' : 'top';
  ctx.fillStyle = color;
  ctx.fillText(text.toUpperCase(), right ? a.right - pad : a.left + pad, bottom ? a.bottom - pad : a.top + pad);
}

/**
 * Puts a label beside a point, trying eight spots and taking the first that stays inside the plot
 * and clear of what is already placed. For a tail's head the spots ahead of its last move come
 * first: the tail lies behind it.
 */
function placeLabel(
  ctx: SKRSContext2D,
  area: Chart['chartArea'],
  placed: Box[],
  l: { text: string; x: number; y: number; from: { x: number; y: number } | undefined; color: string; size: number },
  fixed: readonly Box[] = [],
): void {
  const { text, x, y, size } = l;
  ctx.font = cssFont(size, 600);
  const w = ctx.measureText(text).width;
  const h = size;
  const g = 7;
  const d = g * 0.7;
  let candidates: Box[] = [
    { x: x + g, y: y - h / 2, w, h },
    { x: x - g - w, y: y - h / 2, w, h },
    { x: x - w / 2, y: y - g - h, w, h },
    { x: x - w / 2, y: y + g, w, h },
    { x: x + d, y: y - d - h, w, h },
    { x: x - d - w, y: y - d - h, w, h },
    { x: x + d, y: y + d, w, h },
    { x: x - d - w, y: y + d, w, h },
  ];
  // Further out, stacked above and below the point: room for a second label next to a crowded one.
  const far: Box[] = [];
  for (let k = 1; k <= 4; k++) {
    const dy = k * (h + 4);
    far.push({ x: x - g - w, y: y - h / 2 + dy, w, h }, { x: x - g - w, y: y - h / 2 - dy, w, h }, { x: x + g, y: y - h / 2 + dy, w, h }, { x: x + g, y: y - h / 2 - dy, w, h });
  }
  if (l.from) {
    const dx = x - l.from.x;
    const dy = y - l.from.y;
    const ahead = (b: Box): number => (b.x + b.w / 2 - x) * dx + (b.y + b.h / 2 - y) * dy;
    candidates = [...candidates].sort((p, q) => ahead(q) - ahead(p));
  }
  const self = placed.findIndex((b) => b.x === x - 7 && b.y === y - 7);
  const others = [...placed.filter((_, k) => k !== self), ...fixed];
  // A label that fits nowhere without covering another is left out: the legend names every point too.
  const spot = [...candidates, ...far].find((b) => inside(b, area) && !others.some((o) => overlaps(b, o)));
  if (!spot) return;
  placed.push(spot);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  haloText(ctx, text, spot.x, spot.y, l.color);
}

interface BarLike {
  x: number;
  y: number;
  base?: number;
  width?: number;
  height?: number;
  horizontal?: boolean;
}

/** Every drawn bar's rectangle (bars of a category chart; not a time chart's volume or bands). */
function barBoxes(chart: Chart): Box[] {
  if ((chart.config as { type?: string }).type !== 'bar') return [];
  const out: Box[] = [];
  chart.data.datasets.forEach((_, i) => {
    if (!chart.isDatasetVisible(i)) return;
    for (const el of chart.getDatasetMeta(i).data) {
      const b = el as unknown as BarLike;
      if (b.base === undefined || !Number.isFinite(b.x) || !Number.isFinite(b.y)) continue;
      const horizontal = chart.options.indexAxis === 'y';
      const thick = (horizontal ? b.height : b.width) ?? 0;
      out.push(
        horizontal
          ? { x: Math.min(b.x, b.base), y: b.y - thick / 2, w: Math.abs(b.x - b.base), h: thick }
          : { x: b.x - thick / 2, y: Math.min(b.y, b.base), w: thick, h: Math.abs(b.y - b.base) },
      );
    }
  });
  return out;
}

/** Values at the bars' ends; a label that would collide with a bar or a label already drawn is left out. */
function drawBarLabels(ctx: SKRSContext2D, chart: Chart, bars: readonly unknown[], labels: readonly string[], placed: Box[]): void {
  const horizontal = chart.options.indexAxis === 'y';
  const size = THEME.labelSize;
  ctx.font = cssFont(size, 500);
  ctx.fillStyle = THEME.text;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  bars.forEach((el, i) => {
    const text = labels[i];
    const bar = el as BarLike;
    if (!text || bar.base === undefined || !Number.isFinite(bar.x) || !Number.isFinite(bar.y)) return;
    const w = ctx.measureText(text).width;
    let box: Box;
    if (horizontal) {
      const positive = bar.x >= bar.base;
      box = { x: positive ? bar.x + 5 : bar.x - 5 - w, y: bar.y - size / 2, w, h: size };
    } else {
      const positive = bar.y <= bar.base;
      box = { x: bar.x - w / 2, y: positive ? bar.y - 4 - size : bar.y + 4, w, h: size };
    }
    // A label wider than its bar at the plot's edge moves in, along the bar's end.
    const area = chart.chartArea;
    if (horizontal) box.y = Math.min(Math.max(box.y, area.top), area.bottom - box.h);
    else box.x = Math.min(Math.max(box.x, area.left), area.right - box.w);
    if (!inside(box, chart.chartArea)) {
      // No room beyond the bar's end (a near-zero bar at the edge): write it on the other side of the base.
      box = horizontal
        ? { ...box, x: box.x < (bar.base ?? 0) ? bar.base + 5 : bar.base - 5 - w }
        : { ...box, y: box.y > (bar.base ?? 0) ? bar.base - 4 - size : bar.base + 4 };
    }
    // Horizontally a little air; vertically the font's em box already holds more than the ink.
    const padded = { x: box.x - 2, y: box.y, w: box.w + 4, h: box.h };
    if (placed.some((o) => overlaps(padded, o))) return;
    placed.push(padded);
    ctx.fillText(text, box.x, box.y);
  });
}

/** Tick text from the spec's ValueFormat, with decimals that match the tick spacing. */
function tickCallback(format: ValueFormat) {
  return function (this: Scale, value: number | string, index: number, all: Tick[]): string {
    const v = typeof value === 'number' ? value : Number(value);
    const neighbour = all[index + 1] ?? all[index - 1];
    // On a log axis the gap to the neighbour varies; the smaller one sets the decimals.
    const step = Math.min(...[all[index + 1], all[index - 1]].filter((t) => t !== undefined).map((t) => Math.abs(t.value - v)), neighbour ? Infinity : Math.abs(v));
    return formatTick(v, format, step);
  };
}

/** Adds what JSON cannot carry. Works on a copy: the caller's config may be reused or posted on. */
function prepare(config: ChartJsConfig): ChartConfiguration {
  const cfg = structuredClone(config);
  const tapebot = cfg.options.plugins.tapebot;
  const scales = (cfg.options.scales ?? {}) as Record<string, JsonObject & { ticks?: Record<string, unknown>; type?: string }>;
  for (const [id, format] of Object.entries(tapebot.formats)) {
    const scale = scales[id];
    if (!scale) continue;
    scale.ticks = { ...(scale.ticks ?? {}), callback: tickCallback(format) };
    if (scale.type === 'logarithmic') {
      (scale as Record<string, unknown>).afterBuildTicks = (s: Scale) => {
        const values = logTicks(s.min, s.max);
        if (values.length >= 2) s.ticks = values.map((value) => ({ value }));
      };
    }
  }
  const tagsByScale = new Map<string, string[]>();
  for (const ds of cfg.data.datasets as unknown as TapebotDataset[]) {
    if (ds.tapebotValueTag && ds.yAxisID) tagsByScale.set(ds.yAxisID, [...(tagsByScale.get(ds.yAxisID) ?? []), ds.tapebotValueTag]);
  }
  for (const [id, tags] of tagsByScale) {
    const scale = scales[id];
    if (scale) (scale as Record<string, unknown>).afterFit = roomForTags(tags);
  }
  const legend = cfg.options.plugins.legend as { labels?: Record<string, unknown> } | undefined;
  if (legend) {
    legend.labels = {
      ...(legend.labels ?? {}),
      filter: (item: LegendItem, data: ChartData) => {
        const dataset: TapebotDataset | undefined = data.datasets[item.datasetIndex ?? -1];
        return !dataset?.tapebotHideInLegend;
      },
      // Datasets are listed as the spec lists them; `order` only decides what is drawn on top.
      sort: (p: LegendItem, q: LegendItem) => (p.datasetIndex ?? 0) - (q.datasetIndex ?? 0),
    };
  }
  const bands: Band[] = [];
  for (const ds of cfg.data.datasets as unknown as TapebotDataset[]) {
    if (!ds.tapebotBand) continue;
    const color = typeof ds.backgroundColor === 'string' ? ds.backgroundColor : THEME.grid;
    const data = ds.data as (number | null)[];
    let from = -1;
    data.forEach((v, i) => {
      if (v !== null && from < 0) from = i;
      if (from >= 0 && (v === null || i === data.length - 1)) {
        bands.push({ from, to: v === null ? i - 1 : i, color });
        from = -1;
      }
    });
    // The plugin paints the bands; the (empty) dataset keeps the legend entry.
    ds.data = data.map(() => null);
  }
  const out = cfg as unknown as ChartConfiguration;
  out.plugins = [tapebotPlugin(tapebot, bands)];
  return out;
}

/**
 * Gives a drawn canvas's pixels back at once. Its Skia surface (width × height × 4 bytes: 9 MB for a
 * 1000×560 chart at 2×) lives outside the JavaScript heap, which does not count it, so it would wait
 * for a full garbage collection that a small heap rarely needs: a few dozen charts left the render
 * thread holding 100 MB and more. Resizing to 1×1 replaces the surface with a tiny one.
 */
function releaseSurface(canvas: { width: number; height: number }): void {
  canvas.width = 1;
  canvas.height = 1;
}

/** Draws a config and returns the PNG (synchronous; blocks this thread for the drawing and encoding). */
export function renderPngSync(config: ChartJsConfig): Buffer {
  setUp();
  const { width, height } = config.options.plugins.tapebot;
  const canvas = createCanvas(width, height);
  const chart = new Chart(canvas as unknown as ChartItem, prepare(config));
  try {
    return encodeOpaquePng(canvas.data(), canvas.width, canvas.height);
  } finally {
    chart.destroy();
    releaseSurface(canvas);
  }
}

/**
 * Draws a config like renderPngSync and also returns the box of every text it drew, in PNG pixels,
 * with the PNG's width: what the overlap and size-floor tests, and the gallery, check.
 */
export function renderWithTextBoxes(config: ChartJsConfig): { png: Buffer; width: number; height: number; texts: TextBox[] } {
  setUp();
  const { width, height } = config.options.plugins.tapebot;
  const canvas = createCanvas(width, height);
  const texts: TextBox[] = [];
  recordText(canvas.getContext('2d'), texts);
  const chart = new Chart(canvas as unknown as ChartItem, prepare(config));
  try {
    return { png: encodeOpaquePng(canvas.data(), canvas.width, canvas.height), width: canvas.width, height: canvas.height, texts };
  } finally {
    chart.destroy();
  }
}

/** Draws a config and returns the PNG; the encoding runs on libuv's pool, off this thread. */
export async function renderPng(config: ChartJsConfig): Promise<Buffer> {
  setUp();
  const { width, height } = config.options.plugins.tapebot;
  const canvas = createCanvas(width, height);
  const chart = new Chart(canvas as unknown as ChartItem, prepare(config));
  try {
    return await encodeOpaquePngAsync(canvas.data(), canvas.width, canvas.height);
  } finally {
    chart.destroy();
    releaseSurface(canvas);
  }
}

/** Pixel size of the PNG a config draws to. */
export function pngSize(config: ChartJsConfig): { width: number; height: number } {
  const { width, height } = config.options.plugins.tapebot;
  const ratio = typeof config.options.devicePixelRatio === 'number' ? config.options.devicePixelRatio : DEVICE_PIXEL_RATIO;
  return { width: Math.floor(width * ratio), height: Math.floor(height * ratio) };
}
