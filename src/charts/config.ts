/**
 * ChartSpec → Chart.js v4 configuration, as pure JSON: no functions, no Dates, nothing a
 * `JSON.stringify` round trip would lose. The same config is drawn by the local renderer (in a
 * worker thread), or POSTed to a QuickChart server.
 *
 * Everything a callback would normally do is decided here instead: date labels are pre-formatted
 * and placed on period starts, axis ranges that need an emphasised line (zero, 100) are computed so
 * the line's tick index is known, and legend/tick formatting that stock Chart.js cannot express is
 * left to the `tapebot` plugin options, which only the local renderer reads. A stock Chart.js still
 * draws the config acceptably: Intl `ticks.format` instead of our tick text, quadrant names in the
 * legend instead of in the corners, no background (pass THEME.background to QuickChart).
 */
import type {
  BarChartSpec,
  ChartSpec,
  MultiplesChartSpec,
  LevelSpec,
  LineSeriesSpec,
  MarkerSpec,
  RotationChartSpec,
  SeriesColor,
  TimeChartSpec,
  TimePanelSpec,
  ValueFormat,
} from '../answer/chart-spec.ts';
import { compactValue, dateAxisLabels, formatValue, sessionAxisLabels, intlTickFormat, niceRange, niceRangeWithZero, niceSymmetricRange } from './format.ts';
import { formatPercent } from '../core/format.ts';
import { colorOf, PALETTE, QUADRANTS, symbolColors, THEME, TRANSPARENT, withAlpha } from './theme.ts';
import { at } from '../core/at.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * A Chart.js v4 configuration that is JSON by construction. Renderers cast it to Chart.js's own
 * `ChartConfiguration` at the last moment.
 */
export interface ChartJsConfig {
  type: 'line' | 'bar' | 'scatter';
  data: { labels?: string[]; datasets: JsonObject[] };
  options: JsonObject & { plugins: JsonObject & { tapebot: TapebotOptions } };
}

export type Corner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';

/**
 * Options of the `tapebot` plugin (local renderer only; other renderers ignore them). Datasets
 * may also carry `tapebotHideInLegend`, `tapebotHeadLabel` (label at the last point),
 * `tapebotPointLabel` (label at the one point) and `tapebotBarLabels` (text at each bar's end).
 */
export type TapebotOptions = {
  /** CSS size; the PNG is `width × devicePixelRatio` pixels wide. */
  width: number;
  height: number;
  background: string;
  /** How each value scale's ticks are written, by scale id. */
  formats: { [scaleId: string]: ValueFormat };
  /** Names written in the corners of the chart area (rotation quadrants). */
  cornerLabels: { text: string; color: string; corner: Corner }[];
  /** The footer's lines, drawn under everything in the room `layout.padding.bottom` leaves for them. */
  footer: string[];
  /**
   * Small multiples: each mini's box (its column's x scale; the band `from`..`to` of a value scale),
   * its title and note, written in its top-left corner, and its value labels (low and high, at their
   * places on the value scale), written beside it on `side`.
   */
  minis?: { title: string; note?: string; xScale: string; yScale: string; from: number; to: number; side: 'left' | 'right'; labels: { text: string; at: number }[] }[];
};

/**
 * Charts are designed at the width a chat column shows them (Discord and Slack both give an image
 * about 520 px), so the type sizes in THEME are the sizes a reader sees.
 */
export const DEFAULT_WIDTH = 520;
export const DEFAULT_HEIGHT = 340;
/** Drawn at three times the CSS size: sharp on dense screens and when opened full size, and still under 300 KB. */
export const DEVICE_PIXEL_RATIO = 3;
/** A price or index panel whose high is more than this many times its low is drawn on a log scale. */
export const LOG_SCALE_RATIO = 3;

const FONT_FAMILY = `${THEME.fontFamily}, 'Helvetica Neue', Arial, sans-serif`;

export function chartConfig(spec: ChartSpec, opts: { width?: number; height?: number } = {}): ChartJsConfig {
  const size = { width: opts.width ?? DEFAULT_WIDTH, height: opts.height ?? DEFAULT_HEIGHT };
  switch (spec.kind) {
    case 'time':
      return timeConfig(spec, size);
    case 'bars':
      return barsConfig(spec, size);
    case 'rotation':
      return rotationConfig(spec, size);
    case 'multiples':
      return multiplesConfig(spec, size);
  }
}

interface Size {
  width: number;
  height: number;
}

function font(size: number, weight?: number): JsonObject {
  return weight === undefined ? { size } : { size, weight };
}

/** Options every chart shares: title on top, subtitle as the legend's title, footer at the bottom. */
function baseOptions(
  spec: ChartSpec,
  size: Size,
  legend: { display: boolean; pointStyle: boolean },
  tapebot: Omit<TapebotOptions, 'width' | 'height' | 'background' | 'footer'>,
): ChartJsConfig['options'] {
  const footer = spec.footer === '' ? [] : wrapFooter(spec.footer, size.width);
  return {
    responsive: false,
    animation: false,
    devicePixelRatio: DEVICE_PIXEL_RATIO,
    events: [],
    color: THEME.text,
    font: { family: FONT_FAMILY, size: THEME.tickSize },
    layout: { padding: { top: 8, right: 14, bottom: 6 + (footer.length > 0 ? FOOTER_GAP + footer.length * FOOTER_LINE : 0), left: PAD_LEFT } },
    plugins: {
      title: {
        display: true,
        text: spec.title,
        align: 'start',
        color: THEME.text,
        font: font(THEME.titleSize, 600),
        padding: { top: 0, bottom: spec.subtitle ? 2 : 8 },
      },
      // The subtitle in as many lines as the chat column needs. The footer is drawn by the tapebot
      // plugin (Chart.js has one subtitle box), so a stock renderer leaves it out.
      subtitle: {
        display: spec.subtitle !== undefined,
        text: spec.subtitle === undefined ? '' : wrapWords(spec.subtitle, size.width - 24, THEME.subtitleSize),
        position: 'top',
        align: 'start',
        color: THEME.mutedText,
        font: font(THEME.subtitleSize),
        padding: { top: 0, bottom: 6 },
      },
      legend: {
        display: legend.display,
        position: 'top',
        align: 'start',
        labels: {
          color: THEME.text,
          font: font(THEME.legendSize, 500),
          usePointStyle: legend.pointStyle,
          boxWidth: 8,
          boxHeight: 8,
          padding: 8,
        },
      },
      tooltip: { enabled: false },
      tapebot: { width: size.width, height: size.height, background: THEME.background, footer, ...tapebot },
    },
  };
}

/** What baseOptions's padding, title, subtitle and footer take of a chart's height, in CSS px (Chart.js's line height is 1.2). */
function chromeHeight(spec: ChartSpec, size: Size): number {
  const footer = spec.footer === '' ? 0 : FOOTER_GAP + wrapFooter(spec.footer, size.width).length * FOOTER_LINE;
  const subtitle = spec.subtitle === undefined ? 0 : wrapWords(spec.subtitle, size.width - 24, THEME.subtitleSize).length * THEME.subtitleSize * 1.2 + 6;
  return 8 + 6 + footer + THEME.titleSize * 1.2 + (spec.subtitle ? 2 : 8) + subtitle;
}

/** Left padding of every chart; the footer starts there too. */
export const PAD_LEFT = 8;
/** Footer line height and the gap above the footer, in CSS px. */
export const FOOTER_LINE = Math.ceil(THEME.footerSize * 1.25);
const FOOTER_GAP = 6;

/**
 * Characters of Inter at `size` px that fit in `width` px. Inter's mixed-case text averages under
 * 0.5 em a character; 0.54 leaves room for lines heavy in capitals and digits.
 */
function charsThatFit(width: number, size: number): number {
  return Math.max(10, Math.floor(width / (size * 0.54)));
}

/** Text in lines that fit `width` px at `size` px, broken between words. */
export function wrapWords(text: string, width: number, size: number): string[] {
  const perLine = charsThatFit(width, size);
  const lines: string[] = [];
  // A one-character word ("−", "1", "=") stays with the next word instead of ending or starting a line alone.
  const words: string[] = [];
  let glue = '';
  for (const w of text.split(' ')) {
    if (w.length <= 1) glue += `${w}\u00a0`;
    else {
      words.push(glue + w);
      glue = '';
    }
  }
  if (glue !== '') words.push(glue.trimEnd());
  for (const word of words) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + word.length <= perLine) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/**
 * The footer in lines that fit the chart's width, broken at its " · " separators where it can
 * (a part too long for a line is broken between words).
 */
export function wrapFooter(footer: string, width: number): string[] {
  const room = width - 24;
  const perLine = charsThatFit(room, THEME.footerSize);
  const lines: string[] = [];
  for (const part of footer.split(' · ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 3 + part.length <= perLine) lines[lines.length - 1] = `${last} · ${part}`;
    else lines.push(...wrapWords(part, room, THEME.footerSize));
  }
  return lines;
}

function axisTitle(text: string): JsonObject {
  return { display: text !== '', text, color: THEME.mutedText, font: font(THEME.axisTitleSize, 500), padding: 2 };
}

function ticks(extra: JsonObject = {}): JsonObject {
  return { color: THEME.mutedText, font: font(THEME.tickSize), ...extra };
}

// ---------------------------------------------------------------------------------------------
// kind: 'time'

function lineDataset(label: string, data: JsonValue[], axis: string, color: string, extra: JsonObject = {}): JsonObject {
  return {
    type: 'line',
    label,
    data,
    yAxisID: axis,
    borderColor: color,
    backgroundColor: color,
    borderWidth: 2,
    pointRadius: 0,
    pointHoverRadius: 0,
    pointStyle: 'line',
    tension: 0,
    spanGaps: false,
    fill: false,
    ...extra,
  };
}

/** A faint line keeps one point in this many (and its last): its shape without a PNG-bloating jitter. */
const FAINT_EVERY = 4;

/**
 * Every `k`-th value and the last one, as `{ x: index, y }` points: only the points drawn. Faint
 * lines of one colour and width are drawn as one dataset (`FaintGroup`), so each is a run of such
 * points, set apart from the next by a gap (`y: null`).
 */
function sparsePoints(values: readonly (number | null)[], k: number): JsonObject[] {
  let last = -1;
  values.forEach((v, i) => {
    if (isNum(v)) last = i;
  });
  const out: JsonObject[] = [];
  values.forEach((v, i) => {
    if (isNum(v) && (i % k === 0 || i === last)) out.push({ x: i, y: v });
  });
  return out;
}

/**
 * Faint lines (the earlier episodes of /analogs: up to ~430 paths of 253 sessions) go into one line
 * dataset per panel, colour and width, each path a run of points after a gap (`y: null`). Chart.js
 * keeps, for every dataset, its controller, element and resolved options, and for every entry an
 * element and a parsed copy, gaps included: as one dataset each, 428 paths needed 32-48 MB of the
 * render thread's heap, and the heap limit in local-renderer.ts could not go below that. As one
 * dataset of only the kept points, already in the form Chart.js uses inside (`parsing: false`), the
 * same chart needs a fraction of it. Each path is still its own run of line between its points.
 */
interface FaintGroup {
  data: JsonObject[];
  dataset: JsonObject;
}

/** '#6e7781', 0.3 → the opaque colour 30% of the way from white to it. */
function tint(hex: string, amount: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  const mix = (h: string | undefined) => Math.round(255 - (255 - parseInt(h ?? 'ff', 16)) * amount).toString(16).padStart(2, '0');
  return `#${mix(m[1])}${mix(m[2])}${mix(m[3])}`;
}

function isNum(v: number | null | undefined): v is number {
  return v != null && Number.isFinite(v);
}

/** Values as JSON can carry them: NaN and ±Infinity (which JSON would turn into null anyway) become gaps. */
function finite(values: readonly (number | null)[]): (number | null)[] {
  return values.map((v) => (isNum(v) ? v : null));
}

function signColors(values: readonly (number | null)[], alpha: number): string[] {
  const tint = (hex: string): string => (alpha >= 1 ? hex : withAlpha(hex, alpha));
  return values.map((v) => tint(v === null || v === 0 || !Number.isFinite(v) ? PALETTE.gray : v > 0 ? PALETTE.positive : PALETTE.negative));
}

function datesIndex(dates: readonly string[]): (iso: string) => number | undefined {
  const byDate = new Map(dates.map((d, i) => [d, i]));
  const first = dates[0];
  const last = dates[dates.length - 1];
  return (iso) => {
    const exact = byDate.get(iso);
    if (exact !== undefined) return exact;
    if (first === undefined || last === undefined || iso < first || iso > last) return undefined;
    // A date between two plotted days (a thinned series) goes on the latest plotted day before it.
    let lo = 0;
    let hi = dates.length - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if ((dates[mid] ?? '') <= iso) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
}

/** Groups items that share a label and colour, so one legend entry stands for all of them. */
function groupBy<T extends { label?: string; color?: SeriesColor }>(items: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const it of items) {
    const key = `${it.label ?? ''}\u0000${it.color ?? ''}`;
    const g = groups.get(key);
    if (g) g.push(it);
    else groups.set(key, [it]);
  }
  return [...groups.values()];
}

function timeConfig(spec: TimeChartSpec, size: Size): ChartJsConfig {
  const n = spec.dates.length;
  const indexOf = datesIndex(spec.dates);
  const datasets: JsonObject[] = [];
  const panelScales: [string, JsonObject][] = [];
  const formats: { [id: string]: ValueFormat } = {};
  const totalWeight = spec.panels.reduce((s, p) => s + (p.weight ?? 1), 0) || 1;
  let nextColor = 0;
  let hasBars = false;
  // Lines that plot a symbol take the symbol's colour, distinct within the chart.
  const symbolLines = spec.panels.flatMap((p) => p.series.filter((s): s is LineSeriesSpec => s.type === 'line' && s.symbol !== undefined && s.color === undefined));
  const bySymbol = new Map<LineSeriesSpec, string>();
  symbolColors(symbolLines.map((s) => s.symbol ?? '')).forEach((c, k) => bySymbol.set(at(symbolLines, k), c));

  spec.panels.forEach((panel, p) => {
    const axis = `y${p}`;
    formats[axis] = panel.format;
    let barSlot = 0;
    let panelHasBars = false;
    const faint = new Map<string, FaintGroup>();
    // Latest-value tags on the axis help only while there are few enough lines to tell apart.
    const tagLines = panel.series.filter((s) => s.type !== 'bar').length + (panel.levels?.length ?? 0) <= 4;
    for (const s of panel.series) {
      if (s.type === 'line') {
        const solid = bySymbol.get(s) ?? colorOf(s.color, nextColor++);
        // Faint lines are a pale opaque tint, thin and behind the rest: a hundred see-through lines
        // crossing make a PNG of countless blended colours (700 KB), and hide the lines that matter.
        const c = s.faint ? tint(solid, 0.3) : solid;
        if (s.faint) {
          const width = Math.min(0.75, s.width ?? 0.75);
          const key = `${c}\u0000${width}`;
          let group = faint.get(key);
          if (!group) {
            const data: JsonObject[] = [];
            group = { data, dataset: lineDataset(s.label, data, axis, c, { parsing: false, borderWidth: width, order: 4, tapebotHideInLegend: true }) };
            faint.set(key, group);
            datasets.push(group.dataset);
          }
          if (group.data.length > 0) group.data.push({ x: 0, y: null });
          group.data.push(...sparsePoints(s.values, FAINT_EVERY));
          // One legend entry for the group, if any of its lines asks for one.
          if (s.legend !== false) delete group.dataset.tapebotHideInLegend;
          continue;
        }
        const last = lastValue(s.values);
        datasets.push(
          lineDataset(s.label, finite(s.values), axis, c, {
            borderWidth: s.width ?? 2,
            borderDash: s.dashed ? [6, 4] : [],
            fill: s.fillToZero ? 'origin' : false,
            backgroundColor: s.fillToZero ? withAlpha(solid, 0.16) : c,
            order: 1,
            ...(tagLines && last !== null ? { tapebotValueTag: formatValue(last, panel.format) } : {}),
            ...(s.legend === false ? { tapebotHideInLegend: true } : {}),
          }),
        );
      } else if (s.type === 'bar') {
        hasBars = panelHasBars = true;
        const c = colorOf(s.color, nextColor++);
        datasets.push({
          type: 'bar',
          label: s.label,
          data: finite(s.values),
          yAxisID: axis,
          // Bars of different panels share a slot on the x axis instead of halving each other's width.
          stack: `bars${barSlot++}`,
          backgroundColor: s.colorBySign ? signColors(s.signOf ?? s.values, 0.6) : withAlpha(c, 0.7),
          borderWidth: 0,
          barPercentage: 0.85,
          categoryPercentage: 1,
          pointStyle: 'rect',
          order: 2,
        });
      } else {
        hasBars = true;
        const candleColors: string[] = [];
        const body: ([number, number] | null)[] = [];
        const wick: ([number, number] | null)[] = [];
        for (let i = 0; i < n; i++) {
          const [o, h, l, c] = [s.open[i], s.high[i], s.low[i], s.close[i]];
          if (isNum(o) && isNum(h) && isNum(l) && isNum(c)) {
            body.push([o, c]);
            wick.push([l, h]);
            candleColors.push(c < o ? PALETTE.negative : PALETTE.positive);
          } else {
            body.push(null);
            wick.push(null);
            candleColors.push(PALETTE.positive);
          }
        }
        let lastClose: number | null = null;
        for (let i = n - 1; i >= 0 && lastClose === null; i--) lastClose = body[i]?.[1] ?? null;
        // A candle is two floating bars in the same slot: a thin [low, high] wick behind an [open, close] body.
        datasets.push({
          type: 'bar',
          label: s.label,
          data: body,
          yAxisID: axis,
          grouped: false,
          backgroundColor: candleColors,
          borderColor: candleColors,
          borderWidth: 0,
          minBarLength: 1.5,
          barPercentage: 0.7,
          categoryPercentage: 1,
          pointStyle: 'rect',
          order: 1,
          // The latest close, tagged like a line's latest value.
          ...(tagLines && lastClose !== null ? { tapebotValueTag: formatValue(lastClose, panel.format) } : {}),
        });
        datasets.push({
          type: 'bar',
          label: `${s.label} range`,
          data: wick,
          yAxisID: axis,
          grouped: false,
          backgroundColor: candleColors,
          borderWidth: 0,
          barThickness: 1,
          tapebotHideInLegend: true,
          order: 2,
        });
      }
    }
    for (const level of (panel.levels ?? []).filter((l) => isNum(l.value))) datasets.push(levelDataset(level, n, axis, panel.format, true));
    const markerGroups = groupBy(panel.markers ?? []);
    for (const group of markerGroups) {
      // Two or more kinds of marker in a chat-sized panel (a peak and a low days apart) would label
      // over each other and the line: the legend names them by colour instead.
      const ds = markerDataset(group, n, indexOf, axis, markerGroups.length === 1);
      if (ds) datasets.push(ds);
    }
    panelScales.push([axis, panelScale(panel, (panel.weight ?? 1) / totalWeight, panelHasBars, size, spec.panels.length)]);
  });

  const shadeGroups = groupBy(spec.shade ?? []);
  shadeGroups.forEach((group) => {
    const inRange = spec.dates.map((d) => group.some((r) => r.from <= d && d <= r.to));
    const c = colorOf(group[0]?.color ?? 'gold', 0);
    const label = group[0]?.label;
    datasets.push({
      type: 'bar',
      label: label ?? '',
      data: inRange.map((x) => (x ? 1 : null)),
      yAxisID: 'shade',
      grouped: false,
      backgroundColor: withAlpha(c, 0.16),
      borderWidth: 0,
      barPercentage: 1,
      categoryPercentage: 1,
      pointStyle: 'rect',
      order: 100,
      // Drawn by the local renderer as seamless bands; the bars are what a stock Chart.js shows.
      tapebotBand: true,
      ...(label === undefined ? { tapebotHideInLegend: true } : {}),
    });
  });

  const maxLabels = Math.max(2, Math.floor((size.width - 120) / 75));
  const dateLabels = spec.axis === 'sessions' ? sessionAxisLabels(n, maxLabels) : dateAxisLabels(spec.dates, maxLabels);
  // A label centred on the plot's left edge would be cut off by the image's: its grid line stays, unlabelled.
  const plotWidth = size.width - 90;
  dateLabels.ticks.forEach((i) => {
    const x = n > 1 ? (i / (n - 1)) * plotWidth : plotWidth / 2;
    const half = ((dateLabels.labels[i] ?? '').length * THEME.tickSize * 0.54) / 2;
    if (x < half - 4) dateLabels.labels[i] = '';
  });
  const labelled = new Set(dateLabels.ticks);
  const gridColors = spec.dates.map((_, i) => (labelled.has(i) ? THEME.grid : TRANSPARENT));
  const scales: JsonObject = {
    x: {
      type: 'category',
      // Bars need half a slot at each end; a few days of lines look cramped against the frame without it.
      offset: hasBars || n <= 30,
      grid: { color: gridColors, tickColor: gridColors, offset: false, tickLength: 5 },
      border: { color: THEME.border },
      ticks: ticks({ autoSkip: false, maxRotation: 0, minRotation: 0, padding: 2 }),
    },
  };
  if (shadeGroups.length > 0) scales.shade = { type: 'linear', axis: 'y', display: false, min: 0, max: 1 };
  // Right-hand scales of one stack are laid out top-down in declaration order. An empty scale
  // between two panels keeps the bottom tick of one clear of the top tick of the next.
  const gapWeight = (totalWeight * PANEL_GAP) / Math.max(100, size.height - 130);
  panelScales.forEach(([id, scale], p) => {
    if (p > 0) scales[`gap${p}`] = spacerScale(gapWeight);
    scales[id] = scale;
  });

  const options = baseOptions(spec, size, { display: true, pointStyle: true }, { formats, cornerLabels: [] });
  options.scales = scales;
  // Dozens of faint paths (analogs) at 3× compress badly (400+ KB); at 2× they stay under 300 KB and
  // the type is just as large at 520 px.
  const faint = spec.panels.reduce((k, p) => k + p.series.filter((s) => s.type === 'line' && s.faint).length, 0);
  if (faint > MANY_FAINT) options.devicePixelRatio = 2;
  return { type: 'line', data: { labels: dateLabels.labels, datasets }, options };
}

/** Faint lines beyond which a chart is drawn at 2× instead of 3×. */
const MANY_FAINT = 20;

/** Pixels between stacked panels. */
const PANEL_GAP = 14;

function spacerScale(weight: number): JsonObject {
  return {
    type: 'linear',
    axis: 'y',
    position: 'right',
    stack: 'panels',
    stackWeight: weight,
    grid: { display: false },
    border: { display: false },
    ticks: { display: false },
  };
}

/** Every finite value a panel plots, so its axis range can be chosen here (and its ticks known). */
function panelExtent(panel: TimePanelSpec): { lo: number; hi: number } | null {
  let lo = Infinity;
  let hi = -Infinity;
  const take = (v: number | null | undefined): void => {
    if (v == null || !Number.isFinite(v)) return;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  };
  for (const s of panel.series) {
    if (s.type === 'candles') {
      s.low.forEach(take);
      s.high.forEach(take);
    } else {
      s.values.forEach(take);
      if (s.type === 'bar' || s.fillToZero) take(0);
    }
  }
  panel.levels?.forEach((l) => take(l.value));
  panel.markers?.forEach((m) => take(m.value));
  return lo <= hi ? { lo, hi } : null;
}

/**
 * Whether a panel is drawn on a log scale: when its spec asks, or when it plots prices or an index
 * over a range wider than LOG_SCALE_RATIO (low to high), where a linear axis flattens the early years
 * and makes equal percentage moves look unequal.
 */
export function usesLogScale(panel: TimePanelSpec): boolean {
  if (panel.logScale) return true;
  if (panel.format !== 'price' && panel.format !== 'index') return false;
  if (panel.series.some((s) => s.type === 'bar' || (s.type === 'line' && s.fillToZero))) return false;
  const extent = panelExtent(panel);
  return extent !== null && extent.lo > 0 && extent.hi / extent.lo > LOG_SCALE_RATIO;
}

function panelScale(panel: TimePanelSpec, share: number, hasBars: boolean, size: Size, panels: number): JsonObject {
  const plotHeight = Math.max(80, size.height - 130);
  // A labelled tick every 30 px or so.
  const maxTicks = Math.max(3, Math.min(8, Math.floor((plotHeight * share) / 30) + 1));
  const extent = panelExtent(panel);
  const log = usesLogScale(panel);
  const range = !log && extent ? niceRange(extent.lo, extent.hi, maxTicks) : null;
  const named = log ? (panel.yLabel === '' ? 'log scale' : `${panel.yLabel} (log scale)`) : panel.yLabel;
  // A title longer than its panel is tall would run into the next panel's; the legend names the lines.
  const panelHeight = plotHeight * share - (panels > 1 ? PANEL_GAP : 0);
  const title = named.length * THEME.axisTitleSize * 0.54 <= panelHeight ? named : log ? 'log scale' : '';
  return {
    type: log ? 'logarithmic' : 'linear',
    position: 'right',
    stack: 'panels',
    stackWeight: panel.weight ?? 1,
    // Bars (volume) grow from zero; prices and ratios use the room they need.
    beginAtZero: hasBars,
    ...(range ? { min: range.min, max: range.max } : {}),
    title: axisTitle(title),
    grid: { color: THEME.grid },
    border: { color: THEME.border },
    ticks: ticks({
      format: intlTickFormat(panel.format),
      maxTicksLimit: maxTicks,
      ...(range ? { stepSize: range.step } : {}),
    }),
  };
}

function levelDataset(level: LevelSpec, n: number, axis: string, format: ValueFormat, tag: boolean): JsonObject {
  const c = colorOf(level.color ?? 'gray', 0);
  // 100 on a rebased (index) panel is the start line: the axis's own "100" tick names it, and a tag
  // would only crowd the latest values' tags.
  const rebaseLine = format === 'index' && level.value === 100;
  return lineDataset(level.label, new Array<number>(n).fill(level.value), axis, c, {
    borderWidth: 1.5,
    borderDash: [6, 4],
    order: 3,
    ...(tag && !rebaseLine ? { tapebotValueTag: formatValue(level.value, format) } : {}),
  });
}

function lastValue(values: readonly (number | null)[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v != null && Number.isFinite(v)) return v;
  }
  return null;
}

function markerDataset(group: readonly MarkerSpec[], n: number, indexOf: (iso: string) => number | undefined, axis: string, labelled: boolean): JsonObject | null {
  const data: (number | null)[] = new Array<number | null>(n).fill(null);
  let count = 0;
  for (const m of group) {
    const i = indexOf(m.date);
    if (i === undefined || !isNum(m.value)) continue;
    data[i] = m.value;
    count++;
  }
  const first = group[0];
  if (count === 0 || first === undefined) return null;
  const c = colorOf(first.color ?? 'purple', 0);
  return lineDataset(first.label, data, axis, c, {
    showLine: false,
    pointRadius: 5.5,
    pointHoverRadius: 5.5,
    pointStyle: 'circle',
    pointBackgroundColor: c,
    pointBorderColor: THEME.background,
    pointBorderWidth: 1.5,
    order: 0,
    // One marker gets its label beside it; many share the legend entry instead of cluttering.
    ...(count === 1 && labelled ? { tapebotPointLabel: true } : {}),
  });
}

// ---------------------------------------------------------------------------------------------
// kind: 'bars'

function barsConfig(spec: BarChartSpec, size: Size): ChartJsConfig {
  const all = spec.groups.flatMap((g) => g.values).filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = Math.min(0, ...all);
  const hi = Math.max(0, ...all);
  // Room beyond the longest bars for their value labels.
  const span = hi - lo || 1;
  const pad = span * (spec.horizontal ? 0.12 : 0.07);
  // A side whose bars are all but invisible gets no room (their labels flip to the other side of zero).
  // About one labelled tick per 70 px of a 520 px chart: more would need rotating.
  const range = niceRangeWithZero(lo < -0.02 * span ? lo - pad : 0, hi > 0.02 * span ? hi + pad : 0, spec.horizontal ? 6 : 7);
  const tickCount = Math.round((range.max - range.min) / range.step) + 1;
  const zeroAt = Math.round(-range.min / range.step);
  const valueGrid = Array.from({ length: tickCount }, (_, i) => (i === zeroAt ? THEME.axisLine : THEME.grid));
  const valueAxis = spec.horizontal ? 'x' : 'y';
  const categoryAxis = spec.horizontal ? 'y' : 'x';
  const singleSigned = spec.groups.length === 1 && spec.colorBySign === true;
  const leaderOf = (i: number): number => {
    let best = -1;
    spec.groups.forEach((g, k) => {
      const v = g.values[i];
      const b = best >= 0 ? spec.groups[best]?.values[i] : undefined;
      if (isNum(v) && (b === undefined || !isNum(b) || v > b)) best = k;
    });
    return best;
  };
  const symbolGroups = spec.groups.filter((g) => g.symbol !== undefined && g.color === undefined);
  const ownColors = symbolColors(symbolGroups.map((g) => g.symbol ?? ''));
  const groupColors = spec.groups.map((g) => {
    const k = symbolGroups.indexOf(g);
    return k >= 0 ? ownColors[k] : undefined;
  });

  const datasets: JsonObject[] = spec.groups.map((g, k) => ({
    type: 'bar',
    label: g.label,
    data: finite(g.values),
    backgroundColor: spec.colorBySign ? signColors(g.values, 1) : (groupColors[k] ?? colorOf(g.color, k)),
    borderWidth: 0,
    borderRadius: 2,
    maxBarThickness: 26,
    categoryPercentage: 0.8,
    barPercentage: 0.88,
    pointStyle: 'rect',
    // One group: every bar's value. Several: only each category's leader (what the text names);
    // the table has the rest, and 20 values in a chat column would cover each other's bars.
    tapebotBarLabels: g.values.map((v, i) => (v === null || !Number.isFinite(v) || (spec.groups.length > 1 && leaderOf(i) !== k) ? '' : barLabel(v, spec.format))),
    // One sign-coloured series: its legend swatch would show one arbitrary colour; the axis title (and
    // signLegend's entries) say what it is. Not grouped, so the legend-only datasets take no room.
    ...(singleSigned ? { tapebotHideInLegend: true, grouped: false } : {}),
  }));

  // What the colours mean, as legend entries of their own: empty datasets draw no bars.
  const signLegend = singleSigned && spec.signLegend ? spec.signLegend : undefined;
  if (signLegend) {
    for (const [label, color] of [
      [signLegend.positive, PALETTE.positive],
      [signLegend.negative, PALETTE.negative],
    ] as const) {
      datasets.push({ type: 'bar', label, data: [], backgroundColor: color, borderWidth: 0, pointStyle: 'rect', grouped: false });
    }
  }

  const scales: JsonObject = {
    [valueAxis]: {
      type: 'linear',
      position: spec.horizontal ? 'bottom' : 'left',
      min: range.min,
      max: range.max,
      title: axisTitle(spec.valueLabel),
      grid: { color: valueGrid, tickColor: valueGrid },
      border: { display: false },
      ticks: ticks({ stepSize: range.step, format: intlTickFormat(spec.format), maxRotation: 0 }),
    },
    [categoryAxis]: {
      type: 'category',
      grid: { display: false },
      border: { color: THEME.border },
      ticks: ticks({ color: THEME.text, font: font(THEME.tickSize, 500), autoSkip: false, maxRotation: spec.horizontal ? 0 : 45 }),
    },
  };
  const options = baseOptions(spec, size, { display: spec.groups.length > 1 || signLegend !== undefined, pointStyle: true }, { formats: { [valueAxis]: spec.format }, cornerLabels: [] });
  options.indexAxis = spec.horizontal ? 'y' : 'x';
  options.scales = scales;
  return { type: 'bar', data: { labels: [...spec.categories], datasets }, options };
}

/** A bar's value as the answer's table writes it: percentages to one decimal (0.0%, not −0.03%). */
function barLabel(v: number, format: ValueFormat): string {
  return format === 'percent' ? formatPercent(v, 1) : formatValue(v, format);
}

// ---------------------------------------------------------------------------------------------
// kind: 'rotation'

/** Relative rotation centres on 100: above 100 on RS-Ratio is outperforming, above 100 on RS-Momentum is gaining. */
const CENTRE = 100;

function rotationConfig(spec: RotationChartSpec, size: Size): ChartJsConfig {
  const tails = spec.items.map((it) => it.tail.filter((p) => isNum(p.x) && isNum(p.y)));
  const pts = tails.flat();
  const spread = (vals: number[]): number => Math.max(0, ...vals.map((v) => Math.abs(v - CENTRE)));
  // 15% margin so heads and their labels stay off the frame; at least ±0.5 so a quiet map is not a blur.
  const xr = niceSymmetricRange(CENTRE, Math.max(0.5, spread(pts.map((p) => p.x)) * 1.15));
  const yr = niceSymmetricRange(CENTRE, Math.max(0.5, spread(pts.map((p) => p.y)) * 1.15));
  const centreGrid = (steps: number): string[] => Array.from({ length: 2 * steps + 1 }, (_, i) => (i === steps ? THEME.axisLine : THEME.grid));

  const quadrant = (q: (typeof QUADRANTS)[keyof typeof QUADRANTS], fromX: number, toX: number, toY: number): JsonObject => ({
    type: 'scatter',
    label: q.name,
    data: [
      { x: fromX, y: CENTRE },
      { x: toX, y: CENTRE },
    ],
    showLine: true,
    fill: { value: toY },
    backgroundColor: q.fill,
    borderColor: TRANSPARENT,
    borderWidth: 0,
    pointRadius: 0,
    pointHoverRadius: 0,
    pointStyle: 'rect',
    order: 10,
    // Named in the corners by the local renderer; stock renderers list them in the legend instead.
    tapebotHideInLegend: true,
  });

  // By symbol, never by rank: XLE keeps its colour from one week to the next.
  const itemColors = symbolColors(spec.items.map((it) => it.symbol ?? it.label));
  const labelled = spec.labelled ? new Set(spec.labelled) : null;
  const items: JsonObject[] = spec.items.map((it, k) => {
    const c = it.color ? colorOf(it.color, k) : (itemColors[k] ?? colorOf(undefined, k));
    // Unnamed items stay on the map, quieter, so the named ones read first.
    const named = labelled === null || labelled.has(it.symbol ?? it.label) || labelled.has(it.label);
    const tail = tails[k] ?? [];
    const last = tail.length - 1;
    // Older points are smaller; the head is large with a white ring so it reads over tails.
    const radius = tail.map((_, i) => (i === last ? (named ? 4.5 : 3.5) : 1 + (1.2 * i) / Math.max(1, last)));
    return {
      type: 'scatter',
      label: it.label,
      data: tail.map((p) => ({ x: p.x, y: p.y })),
      showLine: true,
      tension: 0.15,
      borderColor: withAlpha(c, named ? 0.8 : 0.35),
      borderWidth: named ? 1.75 : 1.25,
      backgroundColor: c,
      pointBackgroundColor: tail.map((_, i) => (i === last || named ? c : withAlpha(c, 0.45))),
      pointBorderColor: tail.map((_, i) => (i === last ? THEME.background : c)),
      pointBorderWidth: tail.map((_, i) => (i === last ? 1.5 : 0)),
      pointRadius: radius,
      pointHoverRadius: radius,
      pointStyle: 'circle',
      order: 0,
      tapebotHeadLabel: named,
    };
  });

  const axis = (r: ReturnType<typeof niceSymmetricRange>, title: string, position: string): JsonObject => ({
    type: 'linear',
    position,
    min: r.min,
    max: r.max,
    title: axisTitle(title),
    grid: { color: centreGrid(r.stepsPerSide), tickColor: centreGrid(r.stepsPerSide) },
    border: { display: false },
    ticks: ticks({ stepSize: r.step, format: intlTickFormat('index') }),
  });

  const options = baseOptions(
    spec,
    size,
    { display: true, pointStyle: true },
    {
      formats: { x: 'index', y: 'index' },
      cornerLabels: [
        { text: QUADRANTS.improving.name, color: QUADRANTS.improving.text, corner: 'top-left' },
        { text: QUADRANTS.leading.name, color: QUADRANTS.leading.text, corner: 'top-right' },
        { text: QUADRANTS.lagging.name, color: QUADRANTS.lagging.text, corner: 'bottom-left' },
        { text: QUADRANTS.weakening.name, color: QUADRANTS.weakening.text, corner: 'bottom-right' },
      ],
    },
  );
  options.scales = { x: axis(xr, spec.xLabel, 'bottom'), y: axis(yr, spec.yLabel, 'left') };
  return {
    type: 'scatter',
    data: {
      datasets: [
        ...items,
        quadrant(QUADRANTS.leading, CENTRE, xr.max, yr.max),
        quadrant(QUADRANTS.weakening, CENTRE, xr.max, yr.min),
        quadrant(QUADRANTS.lagging, xr.min, CENTRE, yr.min),
        quadrant(QUADRANTS.improving, xr.min, CENTRE, yr.max),
      ],
    },
    options,
  };
}

// ---------------------------------------------------------------------------------------------
// kind: 'multiples'

/** Most minis a multiples chart draws (two columns of three). */
export const MAX_CELLS = 6;
const COLUMNS = 2;
/** Room for a mini's title above its line, in CSS px. */
const CELL_TITLE_ROOM = 19;
/** Room under a mini's lowest value, as a share of its height. */
const CELL_FOOT = 0.05;
/** Between two rows of minis, in CSS px. */
const CELL_GAP = 12;
/** Between a mini and its value labels, in CSS px. */
export const CELL_LABEL_GAP = 5;

/**
 * Inter's digits, `$`, `%` and `K` are about 0.6 em wide at most; a little over keeps a label column
 * from being too narrow for its widest label.
 */
function labelWidth(text: string, size: number): number {
  return text.length * size * 0.64;
}

/**
 * Two columns of minis in one Chart.js chart. Each column has its own category x axis (side by side
 * at the bottom, with a spacer between); the rows share one value scale on which each mini has a band
 * of its own, its values mapped into it, so every mini keeps its own range with no stacked value axes.
 * A mini's axis is two compact labels, its low and its high, drawn by the tapebot plugin beside it
 * (the left column's on the left, the right column's on the right), with its title (the ticker) and
 * note inside its top-left corner.
 */
function multiplesConfig(spec: MultiplesChartSpec, size: Size): ChartJsConfig {
  const cells = spec.cells.slice(0, MAX_CELLS);
  const cols = cells.length > 1 ? COLUMNS : 1;
  const rows = Math.max(1, Math.ceil(cells.length / cols));
  const datasets: JsonObject[] = [];
  const minis: NonNullable<TapebotOptions['minis']> = [];
  const plotHeight = Math.max(120, size.height - chromeHeight(spec, size) - (THEME.tickSize * 1.2 + 10));
  const rowPx = Math.max(40, (plotHeight - (rows - 1) * CELL_GAP) / rows);
  // The value scale in row heights: row r (0 on top) spans [top - 1, top], with a gap between rows.
  const gap = CELL_GAP / rowPx;
  const total = rows + (rows - 1) * gap;
  const titleShare = Math.min(0.45, CELL_TITLE_ROOM / rowPx);
  const dateLabels = dateAxisLabels(spec.dates, Math.max(2, Math.floor((size.width / cols - 120) / 90)));
  const labelled = new Set(dateLabels.ticks);
  const tickColors = spec.dates.map((_, i) => (labelled.has(i) ? THEME.grid : TRANSPARENT));
  const symbolCells = cells.filter((c) => c.symbol !== undefined && c.color === undefined);
  const ownColors = symbolColors(symbolCells.map((c) => c.symbol ?? ''));
  const room = { left: 0, right: 0 };

  cells.forEach((cell, k) => {
    const col = k % cols;
    const row = Math.floor(k / cols);
    const side = col === 0 ? 'left' : 'right';
    const xScale = `x${col}`;
    const yScale = side === 'left' ? 'yl' : 'yr';
    const top = total - row * (1 + gap);
    const bottom = top - 1;
    const values = finite(cell.values);
    const nums = values.filter((v): v is number => v !== null);
    const level = cell.level !== undefined && isNum(cell.level) ? cell.level : undefined;
    const lo = nums.length > 0 ? Math.min(...nums, ...(level === undefined ? [] : [level])) : 0;
    const hi = nums.length > 0 ? Math.max(...nums, ...(level === undefined ? [] : [level])) : 1;
    // The mini's values into its band: the low just above its foot, the high just under its title.
    const span = 1 - titleShare - CELL_FOOT;
    const place = (v: number): number => bottom + CELL_FOOT + (hi > lo ? ((v - lo) / (hi - lo)) * span : span / 2);
    const symbolAt = symbolCells.indexOf(cell);
    const color = symbolAt >= 0 ? (ownColors[symbolAt] ?? colorOf(undefined, k)) : colorOf(cell.color, k);
    datasets.push(lineDataset(cell.title, values.map((v) => (v === null ? null : place(v))), yScale, color, { xAxisID: xScale, borderWidth: 2, order: 1, tapebotHideInLegend: true }));
    if (level !== undefined) {
      datasets.push(lineDataset(`${cell.title} level`, new Array<number>(spec.dates.length).fill(place(level)), yScale, colorOf('gray', 0), { xAxisID: xScale, borderWidth: 1.25, borderDash: [5, 4], order: 2, tapebotHideInLegend: true }));
    }
    const labels = nums.length === 0 ? [] : hi > lo ? [{ text: compactValue(lo, spec.format), at: place(lo) }, { text: compactValue(hi, spec.format), at: place(hi) }] : [{ text: compactValue(hi, spec.format), at: place(hi) }];
    for (const l of labels) room[side] = Math.max(room[side], labelWidth(l.text, THEME.tickSize) + 2 * CELL_LABEL_GAP);
    minis.push({ title: cell.title, ...(cell.note ? { note: cell.note } : {}), xScale, yScale, from: bottom, to: top, side, labels });
  });

  const scales: JsonObject = {};
  for (let c = 0; c < cols; c++) {
    if (c > 0) scales[`xgap${c}`] = { type: 'linear', axis: 'x', position: 'bottom', stack: 'cols', stackWeight: 0.1, grid: { display: false }, border: { display: false }, ticks: { display: false } };
    scales[`x${c}`] = {
      type: 'category',
      position: 'bottom',
      stack: 'cols',
      stackWeight: 1,
      offset: false,
      grid: { color: tickColors, tickColor: tickColors, drawOnChartArea: false, tickLength: 4 },
      border: { color: THEME.border },
      ticks: ticks({ autoSkip: false, maxRotation: 0, minRotation: 0, padding: 2 }),
    };
  }
  // The value scales draw nothing: their (blank) titles only hold the room the plugin's labels need.
  for (const side of cols === 2 ? (['left', 'right'] as const) : (['left'] as const)) {
    const titleFont = THEME.tickSize;
    scales[side === 'left' ? 'yl' : 'yr'] = {
      type: 'linear',
      position: side,
      min: 0,
      max: total,
      grid: { display: false },
      border: { display: false },
      ticks: { display: false },
      title: { display: true, text: ' ', font: font(titleFont), padding: { top: 0, bottom: Math.max(0, Math.ceil(room[side] - titleFont * 1.2)) } },
    };
  }
  const options = baseOptions(spec, size, { display: false, pointStyle: true }, { formats: {}, cornerLabels: [], minis });
  options.scales = scales;
  return { type: 'line', data: { labels: dateLabels.labels, datasets }, options };
}
