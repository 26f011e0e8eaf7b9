/**
 * Colours and type sizes for every chart. Charts are drawn on an opaque near-white card with dark
 * text, which reads on Discord's dark theme and Slack's light theme alike.
 *
 * The series palette is built on Okabe & Ito's colour-blind-safe set ("Color Universal Design",
 * https://jfly.uni-koeln.de/color/), with a darker gold (their yellow is unreadable as a line on
 * white), a teal and a purple from Paul Tol's muted scheme, and gray. Up/down is bluish green vs
 * vermillion: traders read it as green/red, and it stays distinguishable with red-green blindness.
 */
import type { SeriesColor } from '../answer/chart-spec.ts';

export const THEME = {
  /** Opaque card behind the chart; a QuickChart renderer passes it as `backgroundColor`. */
  background: '#ffffff',
  text: '#1f2328',
  mutedText: '#57606a',
  grid: '#e7e9ec',
  /** Emphasised grid line: zero on a value axis, 100 on a rotation map. */
  axisLine: '#8c959f',
  border: '#d0d7de',
  fontFamily: 'Inter',
  /**
   * Type sizes in CSS px of a chart 520 px wide: the width Discord and Slack give an image in a chat
   * column, so these are the sizes a reader sees. Nothing below 11 px, titles at 15 px or more.
   */
  titleSize: 15.5,
  subtitleSize: 11.5,
  legendSize: 11,
  tickSize: 11,
  axisTitleSize: 11,
  footerSize: 11,
  /** Data labels: value tags, bar-end values, marker and rotation-head labels, quadrant names. */
  labelSize: 11,
} as const;

/** The smallest font size (CSS px at 520 px wide) any chart text may use; a test holds every chart to it. */
export const MIN_TEXT_PX = 11;
export const MIN_TITLE_PX = 15;

export const PALETTE: Record<SeriesColor, string> = {
  blue: '#0072b2',
  orange: '#e69f00',
  green: '#009e73',
  red: '#d55e00',
  purple: '#882e9c',
  teal: '#44aa99',
  gold: '#b38f00',
  pink: '#cc79a7',
  gray: '#6e7781',
  positive: '#009e73',
  negative: '#d55e00',
};

/**
 * Colours handed out, in order, to series that do not name one: the most distinct first, green
 * and vermillion last because they also mean up and down. Beyond the named roles: slate, sky blue, brown and olive,
 * so the eleven sector ETFs get eleven colours.
 */
export const DEFAULT_CYCLE: readonly string[] = [
  PALETTE.blue,
  PALETTE.orange,
  PALETTE.teal,
  PALETTE.pink,
  PALETTE.purple,
  '#3d4450',
  PALETTE.gold,
  '#56b4e9',
  PALETTE.red,
  PALETTE.green,
  '#8c6d4f',
  '#999933',
];

export function colorOf(color: SeriesColor | undefined, index: number): string {
  return color ? PALETTE[color] : (DEFAULT_CYCLE[index % DEFAULT_CYCLE.length] ?? PALETTE.blue);
}

const SLATE = '#3d4450';
const SKY = '#56b4e9';
const BROWN = '#8c6d4f';
const OLIVE = '#999933';

/**
 * One colour per symbol on every chart, so IWM is the same orange in /rotation, /compare and /perf.
 * The benchmarks and the eleven sector ETFs are fixed (the sectors take eleven different colours, as
 * the rotation map shows them together); index names share their ETF's colour (SPX is SPY's).
 */
const SYMBOL_COLORS: Record<string, string> = {
  SPY: SLATE,
  '^GSPC': SLATE,
  IWM: PALETTE.orange,
  '^RUT': PALETTE.orange,
  QQQ: PALETTE.blue,
  '^IXIC': PALETTE.blue,
  '^NDX': PALETTE.blue,
  DIA: BROWN,
  '^DJI': BROWN,
  MAGS: PALETTE.purple,
  XLK: PALETTE.blue,
  XLF: PALETTE.teal,
  XLE: OLIVE,
  XLV: PALETTE.pink,
  XLY: PALETTE.red,
  XLP: PALETTE.green,
  XLI: SKY,
  XLB: PALETTE.gold,
  XLU: PALETTE.purple,
  XLRE: BROWN,
  XLC: PALETTE.orange,
};

/** Colours a symbol outside SYMBOL_COLORS may get, by a hash of its name: the same every time. */
const HASHED: readonly string[] = [PALETTE.blue, PALETTE.orange, PALETTE.teal, PALETTE.pink, PALETTE.purple, PALETTE.gold, SKY, PALETTE.red, PALETTE.green, BROWN, OLIVE, SLATE];

/** FNV-1a, 32-bit: a small, stable string hash. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The colour of a symbol ('IWM', '^GSPC', 'kre'), the same on every chart. */
export function symbolColor(symbol: string): string {
  const s = symbol.trim().toUpperCase();
  return SYMBOL_COLORS[s] ?? HASHED[fnv1a(s) % HASHED.length] ?? PALETTE.blue;
}

/**
 * Colours for the symbols of one chart: each its own symbolColor, unless an earlier symbol of the
 * same chart already took it; then the first colour of the hashed set that no symbol there uses.
 * The same set of symbols in the same order always gets the same colours.
 */
export function symbolColors(symbols: readonly string[]): string[] {
  const own = symbols.map(symbolColor);
  const used = new Set<string>();
  return own.map((c) => {
    const pick = used.has(c) ? (HASHED.find((h) => !used.has(h) && !own.includes(h)) ?? HASHED.find((h) => !used.has(h)) ?? c) : c;
    used.add(pick);
    return pick;
  });
}

/** '#0072b2', 0.2 → 'rgba(0,114,178,0.2)'. */
export function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new RangeError(`withAlpha: not a #rrggbb colour: "${hex}"`);
  const [r, g, b] = [m[1], m[2], m[3]].map((h) => parseInt(h ?? '0', 16));
  return `rgba(${r},${g},${b},${alpha})`;
}

export const TRANSPARENT = 'rgba(0,0,0,0)';

/** Rotation-map quadrants: shade and label colour (a darker shade of the same hue, for contrast on the tint). */
export const QUADRANTS = {
  leading: { name: 'Leading', fill: withAlpha('#009e73', 0.1), text: '#00704f' },
  weakening: { name: 'Weakening', fill: withAlpha('#e6b800', 0.14), text: '#8a6d00' },
  lagging: { name: 'Lagging', fill: withAlpha('#d55e00', 0.1), text: '#a34400' },
  improving: { name: 'Improving', fill: withAlpha('#0072b2', 0.09), text: '#005a8c' },
} as const;
