/**
 * Realistic ChartSpecs built straight from the bundled CSVs (data/prices), for render tests and the
 * sample PNGs in out/charts-samples/. Reads the files naively on purpose: no dependency on src/data.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BarChartSpec, RotationChartSpec, TimeChartSpec } from '../../src/answer/chart-spec.ts';

const PRICES = path.join(import.meta.dirname, '../../data/prices');
const FOOTER = 'Source: bundled daily prices · as of the close of Aug 21, 2026 · tapebot';

interface Row {
  date: string;
  open: number | null;
  high: number | null;
  low: number | null;
  close: number | null;
  adj: number;
  volume: number | null;
}

function num(s: string | undefined): number | null {
  return s === undefined || s === '' ? null : Number(s);
}

export function readPrices(symbol: string): Row[] {
  const lines = readFileSync(path.join(PRICES, `${symbol}.csv`), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const [date, open, high, low, close, adj, volume] = l.split(',');
    return { date: date ?? '', open: num(open), high: num(high), low: num(low), close: num(close), adj: Number(adj), volume: num(volume) };
  });
}

/** Rows of each symbol on the dates all of them share, last `n` of them. */
function aligned(symbols: string[], n: number): { dates: string[]; rows: Row[][] } {
  const all = symbols.map(readPrices);
  const common = all.map((rs) => new Set(rs.map((r) => r.date))).reduce((a, b) => new Set([...a].filter((d) => b.has(d))));
  const dates = [...common].sort().slice(-n);
  const keep = new Set(dates);
  return { dates, rows: all.map((rs) => rs.filter((r) => keep.has(r.date))) };
}

export function rebasedWithRatio(): TimeChartSpec {
  const { dates, rows } = aligned(['IWM', 'SPY'], 252);
  const [iwm, spy] = rows as [Row[], Row[]];
  const base = (rs: Row[]) => rs.map((r) => (100 * r.adj) / (rs[0] as Row).adj);
  const ratio = iwm.map((r, i) => r.adj / (spy[i] as Row).adj / ((iwm[0] as Row).adj / (spy[0] as Row).adj));
  // The longest run of days on which IWM's daily return beat SPY's: the "streak" the bot talks about.
  let best = { from: 1, to: 1 };
  let runStart = -1;
  for (let i = 1; i < dates.length; i++) {
    const beat = (iwm[i] as Row).adj / (iwm[i - 1] as Row).adj > (spy[i] as Row).adj / (spy[i - 1] as Row).adj;
    if (beat && runStart < 0) runStart = i;
    if (!beat) runStart = -1;
    if (runStart >= 0 && i - runStart > best.to - best.from) best = { from: runStart, to: i };
  }
  const maxAt = ratio.indexOf(Math.max(...ratio));
  return {
    kind: 'time',
    id: 'iwm-spy',
    title: 'IWM vs SPY · 1Y',
    subtitle: `Total return rebased to 100 on ${dates[0]}; IWM/SPY ratio below`,
    altText: 'Line chart of IWM and SPY over one year, with their ratio.',
    footer: FOOTER,
    dates,
    panels: [
      {
        yLabel: 'Rebased (100 = start)',
        format: 'index',
        weight: 2,
        series: [
          { type: 'line', label: 'IWM', values: base(iwm), color: 'orange', width: 2.25 },
          { type: 'line', label: 'SPY', values: base(spy), color: 'blue', width: 2.25 },
        ],
        levels: [{ value: 100, label: 'Start', color: 'gray' }],
      },
      {
        yLabel: 'IWM / SPY',
        format: 'ratio',
        series: [{ type: 'line', label: 'IWM/SPY ratio', values: ratio, color: 'teal', width: 2 }],
        markers: [{ date: dates[maxAt] as string, value: ratio[maxAt] as number, label: 'Ratio high', color: 'purple' }],
      },
    ],
    shade: [{ from: dates[best.from] as string, to: dates[best.to] as string, label: `IWM ahead ${best.to - best.from + 1} days straight`, color: 'gold' }],
  };
}

export function candlesWithVolume(): TimeChartSpec {
  const rows = readPrices('SPY').slice(-126);
  const hi = Math.max(...rows.map((r) => r.high ?? -Infinity));
  return {
    kind: 'time',
    id: 'spy-candles',
    title: 'SPY · 6M',
    subtitle: 'Daily candles (split-adjusted) with volume',
    altText: 'Candlestick chart of SPY over six months with daily volume.',
    footer: FOOTER,
    dates: rows.map((r) => r.date),
    panels: [
      {
        yLabel: 'Price',
        format: 'price',
        weight: 3,
        series: [{ type: 'candles', label: 'SPY', open: rows.map((r) => r.open), high: rows.map((r) => r.high), low: rows.map((r) => r.low), close: rows.map((r) => r.close) }],
        levels: [{ value: hi, label: '6-month high', color: 'green' }],
      },
      {
        yLabel: 'Volume',
        format: 'volume',
        weight: 1,
        series: [{ type: 'bar', label: 'Volume', values: rows.map((r) => r.volume), colorBySign: true, signOf: rows.map((r) => (r.close !== null && r.open !== null ? r.close - r.open : null)) }],
      },
    ],
  };
}

export function drawdownLog(): TimeChartSpec {
  const rows = readPrices('QQQ').filter((r) => r.date >= '1999-03-10');
  let peak = -Infinity;
  const dd = rows.map((r) => {
    peak = Math.max(peak, r.adj);
    return r.adj / peak - 1;
  });
  const step = Math.ceil(rows.length / 750);
  const keep = rows.map((_, i) => i).filter((i) => i % step === 0 || i === rows.length - 1);
  return {
    kind: 'time',
    id: 'qqq-drawdown',
    title: 'QQQ drawdowns since 1999',
    subtitle: 'Total return, log scale; fall from the running high below',
    altText: 'QQQ total return since 1999 on a log scale, with its drawdown.',
    footer: FOOTER,
    dates: keep.map((i) => (rows[i] as Row).date),
    panels: [
      { yLabel: 'Total return', format: 'price', logScale: true, weight: 2, series: [{ type: 'line', label: 'QQQ', values: keep.map((i) => (rows[i] as Row).adj), color: 'blue' }] },
      {
        yLabel: 'Drawdown',
        format: 'percent',
        series: [{ type: 'line', label: 'Drawdown', values: keep.map((i) => dd[i] as number), color: 'red', width: 1.5, fillToZero: true }],
        levels: [{ value: -0.2, label: 'Bear market (−20%)', color: 'gray' }],
      },
    ],
    shade: [{ from: '2000-03-27', to: '2002-10-09', label: 'Dot-com bust', color: 'gray' }, { from: '2022-01-03', to: '2022-12-28', label: '2022 bear', color: 'gray' }],
  };
}

export const SECTORS = ['XLK', 'XLC', 'XLY', 'XLF', 'XLI', 'XLB', 'XLE', 'XLP', 'XLV', 'XLU', 'XLRE'];

function periodReturn(symbol: string, days: number): number {
  const rows = readPrices(symbol);
  const last = rows[rows.length - 1] as Row;
  const first = rows[rows.length - 1 - days] as Row;
  return last.adj / first.adj - 1;
}

export function sectorBars(): BarChartSpec {
  const rets = SECTORS.map((s) => ({ s, r: periodReturn(s, 21) })).sort((a, b) => b.r - a.r);
  return {
    kind: 'bars',
    id: 'sectors-1m',
    title: 'Sector ETFs · 1M total return',
    subtitle: 'Select Sector SPDRs, last 21 trading days',
    altText: 'Bar chart of the 11 sector ETFs over one month.',
    footer: FOOTER,
    categories: rets.map((x) => x.s),
    groups: [{ label: '1M return', values: rets.map((x) => x.r) }],
    horizontal: true,
    valueLabel: 'Total return',
    format: 'percent',
    colorBySign: true,
  };
}

export function groupedBars(): BarChartSpec {
  const syms = ['SPY', 'QQQ', 'IWM', 'DIA', 'XBI', 'KRE'];
  return {
    kind: 'bars',
    id: 'returns-by-period',
    title: 'Index ETFs · returns by period',
    altText: 'Grouped bars of 1M, 3M and 1Y total return for six ETFs.',
    footer: FOOTER,
    categories: syms,
    groups: [
      { label: '1M', values: syms.map((s) => (s === 'KRE' ? null : periodReturn(s, 21))), color: 'blue' },
      { label: '3M', values: syms.map((s) => periodReturn(s, 63)), color: 'orange' },
      { label: '1Y', values: syms.map((s) => periodReturn(s, 252)), color: 'teal' },
    ],
    horizontal: false,
    valueLabel: 'Total return',
    format: 'percent',
  };
}

/**
 * A JdK-style relative rotation, approximated for display: RS = price / SPY, RS-Ratio = 100 × RS /
 * its 50-day mean, RS-Momentum = 100 × RS-Ratio / its value 10 days earlier; one point a week.
 */
export function rotationMap(symbols = ['XLK', 'XLF', 'XLE', 'XLV', 'XLU', 'XLY'], tail = 8): RotationChartSpec {
  const { dates, rows } = aligned(['SPY', ...symbols], 400);
  const spy = rows[0] as Row[];
  const items = symbols.map((label, k) => {
    const rs = (rows[k + 1] as Row[]).map((r, i) => r.adj / (spy[i] as Row).adj);
    const ratio = rs.map((v, i) => (i < 49 ? NaN : (100 * v) / (rs.slice(i - 49, i + 1).reduce((a, b) => a + b, 0) / 50)));
    const mom = ratio.map((v, i) => (i < 10 ? NaN : (100 * v) / (ratio[i - 10] as number)));
    const pts = [];
    for (let j = tail - 1; j >= 0; j--) {
      const i = dates.length - 1 - 5 * j;
      pts.push({ x: ratio[i] as number, y: mom[i] as number, date: dates[i] as string });
    }
    return { label, tail: pts };
  });
  return {
    kind: 'rotation',
    id: 'sector-rotation',
    title: 'Sector rotation vs SPY',
    subtitle: `Weekly points, last ${tail} weeks; head = latest`,
    altText: 'Relative rotation map of six sector ETFs against SPY.',
    footer: FOOTER,
    xLabel: 'RS-Ratio (relative strength, 100 = in line with SPY)',
    yLabel: 'RS-Momentum',
    items,
  };
}
