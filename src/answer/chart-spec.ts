/**
 * ChartSpec: what a chart shows, in the domain's words, with no Chart.js or platform in it.
 * `src/charts` turns a spec into a Chart.js v4 config (JSON only, no callbacks, so the same
 * config renders locally, in a worker thread, or on a QuickChart server).
 */

/** How values on an axis are written: +12.3% · $412.50 · 104.2 · 1.0342 · 12.4M · 16.2% (`share`: a part of a whole, never signed). */
export type ValueFormat = 'percent' | 'price' | 'index' | 'ratio' | 'volume' | 'share';

/** Palette roles; the renderer maps them to colours readable on light and dark chat themes. */
export type SeriesColor =
  | 'blue'
  | 'orange'
  | 'green'
  | 'red'
  | 'purple'
  | 'teal'
  | 'gold'
  | 'pink'
  | 'gray'
  | 'positive'
  | 'negative';

/** Colours for a chart's series in order, when they are peers (compared symbols, table columns). */
export const COLORS: readonly SeriesColor[] = ['blue', 'orange', 'green', 'purple', 'red', 'teal', 'gold', 'pink', 'gray'];

interface ChartSpecBase {
  /** Stable within one Answer; used for file names (`rotation-ratio.png`). */
  id: string;
  title: string;
  subtitle?: string;
  /** What a screen reader says instead of the picture: the chart's point in one or two sentences. */
  altText: string;
  /** Source and as-of line drawn under the chart, e.g. "Source: bundled daily prices · as of Aug 21, 2026". */
  footer: string;
}

export interface LineSeriesSpec {
  type: 'line';
  label: string;
  /** One value per entry of the chart's `dates`; null leaves a gap. */
  values: readonly (number | null)[];
  /** The symbol this line plots: it then takes the symbol's own colour, the same on every chart (a `color` wins). */
  symbol?: string;
  color?: SeriesColor;
  dashed?: boolean;
  /** Line width in px (default 2). */
  width?: number;
  /** Fill between the line and zero (underwater curves). */
  fillToZero?: boolean;
  /** False keeps the line out of the legend (one of many drawn alike; another line of the group carries the label). */
  legend?: false;
  /** Drawn half-transparent: one of many background lines (earlier episodes behind their median). */
  faint?: boolean;
}

export interface BarSeriesSpec {
  type: 'bar';
  label: string;
  values: readonly (number | null)[];
  color?: SeriesColor;
  /** Colour each bar green/red by its sign (or by `signOf` when given, e.g. volume by the day's move). */
  colorBySign?: boolean;
  signOf?: readonly (number | null)[];
}

export interface CandleSeriesSpec {
  type: 'candles';
  label: string;
  open: readonly (number | null)[];
  high: readonly (number | null)[];
  low: readonly (number | null)[];
  close: readonly (number | null)[];
}

export type TimeSeriesSpec = LineSeriesSpec | BarSeriesSpec | CandleSeriesSpec;

export interface LevelSpec {
  value: number;
  label: string;
  color?: SeriesColor;
}

export interface MarkerSpec {
  date: string;
  value: number;
  label: string;
  color?: SeriesColor;
}

/** A shaded band of dates (a streak, a drawdown), drawn behind every panel. */
export interface DateRangeSpec {
  from: string;
  to: string;
  label?: string;
  color?: SeriesColor;
}

export interface TimePanelSpec {
  yLabel: string;
  format: ValueFormat;
  series: readonly TimeSeriesSpec[];
  levels?: readonly LevelSpec[];
  markers?: readonly MarkerSpec[];
  /** Force a log scale; without it, a price or index panel whose range is wider than 3× low to high gets one anyway. */
  logScale?: boolean;
  /** Relative height when a chart has several panels (default 1). */
  weight?: number;
}

/** Daily series over a shared trading-day axis, in one or more stacked panels. */
export interface TimeChartSpec extends ChartSpecBase {
  kind: 'time';
  /**
   * Trading days, ascending ISO dates; every series has one value per date. With `axis: 'sessions'`
   * the entries are session offsets from an event ('0', '1', …) instead, labelled in months of 21 sessions.
   */
  dates: readonly string[];
  axis?: 'dates' | 'sessions';
  panels: readonly TimePanelSpec[];
  shade?: readonly DateRangeSpec[];
}

/** Grouped bars over categories (symbols), vertical or horizontal. */
export interface BarChartSpec extends ChartSpecBase {
  kind: 'bars';
  categories: readonly string[];
  /** `symbol`: the group is one symbol's bars, in that symbol's colour. */
  groups: readonly { label: string; values: readonly (number | null)[]; symbol?: string; color?: SeriesColor }[];
  horizontal: boolean;
  valueLabel: string;
  format: ValueFormat;
  /** Colour bars by sign instead of by group (single-group charts). */
  colorBySign?: boolean;
  /** With colorBySign: what each colour means, as two legend entries ("Ahead of SPY", "Behind SPY"). */
  signLegend?: { positive: string; negative: string };
}

/** A relative rotation map: each item's path (oldest first) in RS-Ratio × RS-Momentum space, centred on 100. */
export interface RotationChartSpec extends ChartSpecBase {
  kind: 'rotation';
  xLabel: string;
  yLabel: string;
  /** Each item is coloured by its symbol (`symbol`, else its label), never by its rank. */
  items: readonly { label: string; tail: readonly { x: number; y: number; date: string }[]; symbol?: string; color?: SeriesColor }[];
  /** Items whose names are written beside their heads (the ones the text talks about); the legend names them all. Default: all. */
  labelled?: readonly string[];
}

/**
 * Small multiples: one mini line chart per item (at most 6) over the same trading days, two columns,
 * each mini with its own value range (labelled by its low and high), so a scan's names are read side by side.
 */
export interface MultiplesChartSpec extends ChartSpecBase {
  kind: 'multiples';
  dates: readonly string[];
  format: ValueFormat;
  cells: readonly {
    /** The name the person typed (SPX, not ^GSPC), written in the mini's top-left corner. */
    title: string;
    /** A short figure after the title, quieter: "−32.0%". */
    note?: string;
    values: readonly (number | null)[];
    /** The symbol the mini plots: its line takes the symbol's own colour (a `color` wins). */
    symbol?: string;
    color?: SeriesColor;
    /** A dashed reference line in the mini (the level broken, the 3-month high). */
    level?: number;
  }[];
}

export type ChartSpec = TimeChartSpec | BarChartSpec | RotationChartSpec | MultiplesChartSpec;
