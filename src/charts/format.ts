/**
 * Text on charts: value labels, axis tick labels, trading-day axis labels, and "nice" axis ranges.
 *
 * Values follow the ChartSpec convention: `percent` values are fractions (0.123 is 12.3%, as in
 * core/format's formatPercent), `index` values are levels around 100, `ratio` values are plain ratios.
 */
import type { ValueFormat } from '../answer/chart-spec.ts';
import { formatPercent, formatPrice } from '../core/format.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const MINUS = '\u2212';

function fixed(x: number, digits: number): string {
  return new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);
}

function signed(body: string, x: number): string {
  return x < 0 ? `${MINUS}${body}` : body;
}

/** 12_400_000 → '12.4M', 950_000 → '950K', 812 → '812'. */
export function formatVolume(x: number, digits = 1): string {
  const a = Math.abs(x);
  const [div, unit] = a >= 1e9 ? [1e9, 'B'] : a >= 1e6 ? [1e6, 'M'] : a >= 1e3 ? [1e3, 'K'] : [1, ''];
  const body = `${new Intl.NumberFormat('en-US', { maximumFractionDigits: div === 1 ? 0 : digits }).format(a / div)}${unit}`;
  return signed(body, x);
}

/** A data label (bar ends, levels): '+12.3%', '$412.50', '104.2', '1.0342', '12.4M'. */
export function formatValue(x: number, format: ValueFormat): string {
  switch (format) {
    case 'percent':
      return formatPercent(x, Math.abs(x) < 0.001 && x !== 0 ? 2 : 1);
    case 'price':
      return formatPrice(x);
    case 'index':
      return signed(fixed(Math.abs(x), 1), x);
    case 'ratio':
      return signed(fixed(Math.abs(x), 4), x);
    case 'volume':
      return formatVolume(x);
    case 'share':
      return `${fixed(x * 100, 1)}%`;
  }
}

/**
 * A value in at most three significant digits, for the two labels of a small multiple's value axis:
 * '$48.2', '$152', '$1.52K', '−48.2%', '+123%', '104', '0.0969', '12.4M'. Percentages keep at most one
 * decimal and their sign, as the answers write them.
 */
export function compactValue(x: number, format: ValueFormat): string {
  if (!Number.isFinite(x)) throw new RangeError(`compactValue: not a finite number: ${x}`);
  const a = Math.abs(x);
  switch (format) {
    case 'percent':
    case 'share': {
      const body = `${significant(a * 100, 3, 1)}%`;
      if (format === 'share' || body === '0%') return body;
      return x < 0 ? `${MINUS}${body}` : `+${body}`;
    }
    case 'price':
      return signed(`$${withUnit(a, (v) => significant(v, 3, 2))}`, x);
    case 'volume':
    case 'index':
      return signed(withUnit(a, (v) => significant(v, 3, 2)), x);
    case 'ratio':
      return signed(significant(a, 3, 6), x);
  }
}

/** 1520 → '1.52K', 12_400_000 → '12.4M' (rounded first, so 999.7 is '1K', not '1000'). */
function withUnit(a: number, body: (v: number) => string): string {
  const r = a === 0 ? 0 : Number(a.toPrecision(3));
  const [div, unit] = r >= 1e9 ? [1e9, 'B'] : r >= 1e6 ? [1e6, 'M'] : r >= 1e3 ? [1e3, 'K'] : [1, ''];
  return `${body(r / div)}${unit}`;
}

/** `a` (≥ 0) in `digits` significant digits, at most `maxDecimals` decimals, no trailing zeros: 48.23 → '48.2'. */
function significant(a: number, digits: number, maxDecimals: number): string {
  if (a === 0) return '0';
  const decimals = Math.min(maxDecimals, Math.max(0, digits - 1 - Math.floor(Math.log10(a))));
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: decimals, useGrouping: false }).format(a);
}

/** Decimals that tell apart ticks `step` apart (0.25 → 2, 5 → 0). */
function decimalsFor(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  for (let d = 0; d <= 12; d++) {
    const scaled = step * 10 ** d;
    if (Math.round(scaled) >= 1 && Math.abs(scaled - Math.round(scaled)) <= 1e-6 * scaled) return d;
  }
  return 12;
}

/**
 * An axis tick label, with as many decimals as the tick spacing needs and no more:
 * percent ticks 0.05 apart read '5%', '10%'; price ticks read '$400', '$412.5' only when needed.
 */
export function formatTick(value: number, format: ValueFormat, step: number): string {
  // Ticks come out of floating-point sums: 0 may arrive as −2.7e−17.
  const x = step > 0 ? roundToStep(value, step) : value;
  const a = Math.abs(x);
  switch (format) {
    case 'percent':
      return signed(`${fixed(a * 100, decimalsFor(step * 100))}%`, x);
    case 'price':
      return signed(`$${fixed(a, Math.min(2, decimalsFor(step)))}`, x);
    case 'index':
      return signed(fixed(a, decimalsFor(step)), x);
    case 'ratio':
      return signed(fixed(a, Math.max(2, decimalsFor(step))), x);
    case 'volume': {
      const div = a >= 1e9 ? 1e9 : a >= 1e6 ? 1e6 : a >= 1e3 ? 1e3 : 1;
      return formatVolume(x, decimalsFor(step / div));
    }
    case 'share':
      return `${fixed(x * 100, decimalsFor(step * 100))}%`;
  }
}

/**
 * Chart.js `ticks.format` (Intl.NumberFormat options) that approximate formatTick with no callback,
 * for renderers that cannot run our code (stock Chart.js, QuickChart).
 */
export function intlTickFormat(format: ValueFormat): Record<string, string | number> {
  switch (format) {
    case 'percent':
      return { style: 'percent', minimumFractionDigits: 0, maximumFractionDigits: 1 };
    case 'price':
      return { style: 'currency', currency: 'USD', minimumFractionDigits: 0, maximumFractionDigits: 2 };
    case 'index':
      return { minimumFractionDigits: 0, maximumFractionDigits: 1 };
    case 'ratio':
      return { minimumFractionDigits: 2, maximumFractionDigits: 4 };
    case 'volume':
      return { notation: 'compact', minimumFractionDigits: 0, maximumFractionDigits: 1 };
    case 'share':
      return { style: 'percent', minimumFractionDigits: 0, maximumFractionDigits: 1 };
  }
}

function isoYmd(iso: string): [number, number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new RangeError(`not an ISO date (YYYY-MM-DD): "${iso}"`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Days since 1970-01-01 of an ISO date, by arithmetic (no Date, no time zone). */
function dayNumber(iso: string): number {
  const [y, m, d] = isoYmd(iso);
  // Howard Hinnant's days_from_civil.
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

interface TickRule {
  /** A date's bucket; a label goes on the first trading day of each bucket that `keep` accepts. */
  bucket: (iso: string, index: number) => number;
  keep: (bucket: number) => boolean;
  label: (iso: string) => string;
  /** Whether the first date opens a bucket: true for counts of days, false for calendar periods it may start mid-way. */
  labelFirst: boolean;
}

const monthDay = (iso: string): string => {
  const [, m, d] = isoYmd(iso);
  return `${MONTHS[m - 1] ?? '?'} ${d}`;
};
const monthYear = (iso: string): string => {
  const [y, m] = isoYmd(iso);
  return `${MONTHS[m - 1] ?? '?'} '${String(y % 100).padStart(2, '0')}`;
};
const yearOnly = (iso: string): string => String(isoYmd(iso)[0]);
// Weeks start on Monday: day 0 (1970-01-01) was a Thursday.
const weekOf = (iso: string): number => Math.floor((dayNumber(iso) + 3) / 7);
const monthOf = (iso: string): number => {
  const [y, m] = isoYmd(iso);
  return y * 12 + (m - 1);
};

/** Finest to coarsest; the finest rule that yields at most `maxLabels` labels wins. */
const TICK_RULES: readonly TickRule[] = [
  ...[1, 2].map((k) => ({ bucket: (_: string, i: number) => Math.floor(i / k), keep: () => true, label: monthDay, labelFirst: true })),
  ...[1, 2].map((k) => ({ bucket: weekOf, keep: (w: number) => w % k === 0, label: monthDay, labelFirst: false })),
  ...[1, 2, 3, 6].map((k) => ({ bucket: monthOf, keep: (m: number) => m % k === 0, label: monthYear, labelFirst: false })),
  ...[1, 2, 5, 10, 20, 25, 50].map((k) => ({
    bucket: (iso: string) => isoYmd(iso)[0],
    keep: (y: number) => y % k === 0,
    label: yearOnly,
    labelFirst: false,
  })),
];

export interface DateAxisLabels {
  /** One label per date; '' where no label is drawn. */
  labels: string[];
  /** Indexes of the dates that carry a label (a grid line is drawn there). */
  ticks: number[];
}

/**
 * Labels for a trading-day axis: month starts as "Jan '26" over months, "Jan 21" over weeks,
 * "2024" over years, each on the first trading day of its period, at most `maxLabels` of them.
 */
export function dateAxisLabels(dates: readonly string[], maxLabels: number): DateAxisLabels {
  const labels: string[] = dates.map(() => '');
  if (dates.length === 0) return { labels, ticks: [] };
  let chosen: number[] = [];
  let rule: TickRule | undefined;
  for (const r of TICK_RULES) {
    const idx: number[] = [];
    let prev: number | undefined;
    dates.forEach((d, i) => {
      const b = r.bucket(d, i);
      const opens = prev === undefined ? r.labelFirst : b !== prev;
      if (opens && r.keep(b)) idx.push(i);
      prev = b;
    });
    if (idx.length <= maxLabels && idx.length > 0) {
      chosen = idx;
      rule = r;
      break;
    }
  }
  if (rule === undefined) {
    // Nothing fits (very long span at a tiny width): label both ends.
    chosen = dates.length > 1 ? [0, dates.length - 1] : [0];
  }
  const label = rule?.label ?? yearOnly;
  for (const i of chosen) labels[i] = label(dates[i] ?? '');
  return { labels, ticks: chosen };
}

/** Sessions per month on a sessions axis (21 trading days ≈ one month). */
const SESSIONS_PER_MONTH = 21;

/**
 * Labels for an axis of session offsets 0…n−1 after an event: "Event" at 0, then "+1m", "+3m", … on
 * whole months, every month when they fit, else every 3rd or 6th month.
 */
export function sessionAxisLabels(n: number, maxLabels: number): DateAxisLabels {
  const labels: string[] = Array.from({ length: n }, () => '');
  if (n === 0) return { labels, ticks: [] };
  const months = Math.floor((n - 1) / SESSIONS_PER_MONTH);
  const every = [1, 2, 3, 6, 12].find((k) => Math.floor(months / k) + 1 <= maxLabels) ?? 12;
  const ticks: number[] = [0];
  labels[0] = 'Event';
  for (let m = every; m <= months; m += every) {
    const i = m * SESSIONS_PER_MONTH;
    labels[i] = `+${m}m`;
    ticks.push(i);
  }
  return { labels, ticks };
}

export interface NiceScale {
  min: number;
  max: number;
  step: number;
}

/** The 1-2-2.5-5 × 10^k steps, from the largest at or below `x` upwards. */
function* niceSteps(x: number): Generator<number> {
  let mag = 10 ** Math.floor(Math.log10(x));
  for (;;) {
    for (const m of [1, 2, 2.5, 5]) yield m * mag;
    mag *= 10;
  }
}

/** The smallest 1-2-2.5-5 × 10^k step that spans `span` in at most `maxIntervals` intervals. */
export function niceStep(span: number, maxIntervals: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const target = span / Math.max(1, maxIntervals);
  for (const step of niceSteps(target)) if (step >= target * (1 - 1e-9)) return step;
  return target;
}

/** Round a tick value to the precision its step implies, so 0.1 + 0.2 prints as 0.3 and −0 as 0. */
export function roundToStep(x: number, step: number): number {
  const d = decimalsFor(step);
  const r = Number(x.toFixed(Math.min(20, d + 2)));
  return Math.abs(r) < step * 1e-6 ? 0 : r;
}

/**
 * An axis range covering `lo`..`hi` in the finest nice step that needs no more than `maxTicks`
 * ticks, both ends widened to whole steps. A flat series gets a little room around its value.
 */
export function niceRange(lo: number, hi: number, maxTicks = 8): NiceScale {
  let a = Math.min(lo, hi);
  let b = Math.max(lo, hi);
  if (!(b - a > 0)) {
    const room = Math.abs(a) * 0.01 || 1;
    a -= room;
    b += room;
  }
  const span = b - a;
  for (const step of niceSteps(span / Math.max(1, maxTicks))) {
    const min = Math.floor(a / step + 1e-9) * step;
    const max = Math.ceil(b / step - 1e-9) * step;
    if (Math.round((max - min) / step) + 1 <= maxTicks) return { min: roundToStep(min, step), max: roundToStep(max, step), step };
  }
  return { min: a, max: b, step: span };
}

/** As niceRange, always including zero (bars grow from it). */
export function niceRangeWithZero(lo: number, hi: number, maxTicks = 8): NiceScale {
  return niceRange(Math.min(0, lo), Math.max(0, hi), maxTicks);
}

/**
 * Tick values for a logarithmic axis from `min` to `max`: 1-2-5 × 10^k when the range spans a
 * decade or more, evenly stepped nice values when it is narrower (a 1-2-5 ladder would leave one label).
 */
export function logTicks(min: number, max: number, maxTicks = 8): number[] {
  if (!(min > 0) || !(max > min)) return [];
  if (max / min < 10) {
    const { step } = niceRange(min, max, maxTicks);
    const out: number[] = [];
    for (let v = Math.ceil(min / step - 1e-9) * step; v <= max * (1 + 1e-9); v += step) out.push(roundToStep(v, step));
    return out;
  }
  const out: number[] = [];
  for (let mag = 10 ** Math.floor(Math.log10(min)); mag <= max; mag *= 10) {
    for (const m of [1, 2, 5]) {
      const v = Number((m * mag).toPrecision(12));
      if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) out.push(v);
    }
  }
  return out;
}

/** A range symmetric around `centre` that covers `halfWidth` on both sides, in whole steps. */
export function niceSymmetricRange(centre: number, halfWidth: number, targetTicksPerSide = 3): NiceScale & { stepsPerSide: number } {
  const hw = halfWidth > 0 && Number.isFinite(halfWidth) ? halfWidth : 1;
  const step = niceStep(hw, targetTicksPerSide);
  const stepsPerSide = Math.max(1, Math.ceil(hw / step - 1e-9));
  return {
    min: roundToStep(centre - stepsPerSide * step, step),
    max: roundToStep(centre + stepsPerSide * step, step),
    step,
    stepsPerSide,
  };
}
