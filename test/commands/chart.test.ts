import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import breakout from '../../commands/breakout.ts';
import chart from '../../commands/chart.ts';
import drawdown from '../../commands/drawdown.ts';
import type { BarSeriesSpec, CandleSeriesSpec, LineSeriesSpec, TimeChartSpec } from '../../src/answer/chart-spec.ts';
import { commandDriver, createTestApp } from '../_app.ts';

const app = createTestApp({ commands: [breakout, drawdown, chart] });
afterAll(() => app.close());
const { answer } = commandDriver(app);


interface Row {
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  adj: number;
  volume: number;
}

/** The CSV read with a plain split, nothing shared with src/. */
function rows(symbol: string, asOf: string): Row[] {
  return readFileSync(new URL(`../../data/prices/${symbol}.csv`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','))
    .filter((f) => (f[0] as string) <= asOf)
    .map((f) => ({ date: f[0] as string, open: Number(f[1]), high: Number(f[2]), low: Number(f[3]), close: Number(f[4]), adj: Number(f[5]), volume: Number(f[6]) }));
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const sma = (r: Row[], i: number, n: number) => mean(r.slice(i - n + 1, i + 1).map((x) => x.close));

describe('/chart', () => {
  it('SPY over 2025: the year’s change (the README’s spot closes), both averages, volume; a line', async () => {
    // data/README.md spot values: SPY close 2024-12-31 = 586.08, 2025-12-31 = 681.92.
    const r = rows('SPY', '2025-12-31');
    const e = r.length - 1;
    const base = r.findIndex((x) => x.date === '2024-12-31');
    const a = await answer('/chart SPY 1y asof:2025-12-31');
    expect(a.period).toEqual({ option: 'period', value: '1y' });
    expect(a.facts.from).toBe('2024-12-31');
    expect(a.facts.change as number).toBeCloseTo(681.92 / 586.08 - 1, 12);
    expect(a.facts.totalReturn as number).toBeCloseTo((r[e] as Row).adj / (r[base] as Row).adj - 1, 12);
    expect(a.facts.ma50 as number).toBeCloseTo(sma(r, e, 50), 9);
    expect(a.facts.ma200 as number).toBeCloseTo(sma(r, e, 200), 9);
    expect(a.lines[0]).toContain(`**SPY $681.92** on Dec 31, 2025`);
    expect(a.lines[0]).toContain(`${((681.92 / 586.08 - 1) * 100).toFixed(1)}% over the past year`);

    const c = a.charts[0] as TimeChartSpec;
    expect(c.panels[0]?.series[0]?.type, 'a year is too long for daily candles').toBe('line');
    expect(c.dates[0]).toBe('2024-12-31');
    const ma200 = c.panels[0]?.series[2] as LineSeriesSpec;
    expect(ma200.values[0], 'the 200-day exists on the first day shown: computed over full history').toBeCloseTo(sma(r, base, 200), 9);
    const vol = c.panels[1]?.series[0] as BarSeriesSpec;
    expect(vol.values[vol.values.length - 1]).toBe((r[e] as Row).volume);
    expect(vol.signOf?.[vol.values.length - 1], 'coloured by the day’s move').toBeCloseTo((r[e] as Row).close - (r[e - 1] as Row).close, 9);
  });

  it('three months draw as daily candles with the CSV’s OHLC', async () => {
    const r = rows('SPY', '2025-12-31');
    const a = await answer('/chart SPY 3m asof:2025-12-31');
    const candles = (a.charts[0] as TimeChartSpec).panels[0]?.series[0] as CandleSeriesSpec;
    expect(candles.type).toBe('candles');
    const last = r[r.length - 1] as Row;
    const n = candles.close.length;
    expect([candles.open[n - 1], candles.high[n - 1], candles.low[n - 1], candles.close[n - 1]]).toEqual([last.open, last.high, last.low, last.close]);
    const line = await answer('/chart SPY 3m style:line asof:2025-12-31');
    expect((line.charts[0] as TimeChartSpec).panels[0]?.series[0]?.type).toBe('line');
  });

  it('candles asked for over a year are weekly; over five years monthly', async () => {
    const r = rows('SPY', '2025-12-31');
    const a = await answer('/chart SPY 1y style:candles asof:2025-12-31');
    const c = a.charts[0] as TimeChartSpec;
    const candles = c.panels[0]?.series[0] as CandleSeriesSpec;
    expect(candles.type).toBe('candles');
    // The week of Mon Dec 15, 2025: its five sessions in the CSV.
    const week = r.filter((x) => x.date >= '2025-12-15' && x.date <= '2025-12-19');
    const k = c.dates.indexOf(week[week.length - 1]?.date ?? '');
    expect(k).toBeGreaterThan(0);
    expect(candles.high[k]).toBe(Math.max(...week.map((x) => x.high)));
    expect(candles.low[k]).toBe(Math.min(...week.map((x) => x.low)));
    expect(candles.open[k]).toBe(week[0]?.open);
    expect((c.panels[1]?.series[0] as BarSeriesSpec).values[k]).toBe(week.reduce((s, x) => s + x.volume, 0));
    const m = await answer('/chart SPY 5y style:candles asof:2025-12-31');
    expect((m.charts[0] as TimeChartSpec).dates.length, 'about 61 months').toBeLessThanOrEqual(62);
  });

  it('names a golden or death cross inside the period, dated like a naive moving-average scan', async () => {
    const r = rows('QQQ', '2026-08-21');
    let cross = -1;
    for (let i = 200; i < r.length; i++) {
      const now = Math.sign(sma(r, i, 50) - sma(r, i, 200));
      const before = Math.sign(sma(r, i - 1, 50) - sma(r, i - 1, 200));
      if (now !== 0 && before !== 0 && now !== before) cross = i;
    }
    const a = await answer('/chart QQQ 5y asof:2026-08-21');
    const d = r[cross]?.date as string;
    const word = sma(r, cross, 50) > sma(r, cross, 200) ? 'golden' : 'death';
    const line = a.lines.find((l) => l.includes('cross'));
    expect(line).toContain(`a ${word} cross`);
    const [y, mo, da] = d.split('-').map(Number);
    expect(line).toContain(`${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][(mo as number) - 1]} ${da}, ${y}`);
  });

  it('mentions volume only when it is unusual: SPY on Oct 10, 2025', async () => {
    const r = rows('SPY', '2025-10-10');
    const e = r.length - 1;
    const ratio = (r[e] as Row).volume / mean(r.slice(e - 50, e).map((x) => x.volume));
    expect(ratio).toBeGreaterThan(1.5);
    const a = await answer('/chart SPY 3m asof:2025-10-10');
    expect(a.facts.volumeVsAverage as number).toBeCloseTo(ratio, 12);
    expect(a.lines.join(' ')).toContain(`Volume was heavy: 159.4M shares, ${ratio.toFixed(1)}× its 50-day average.`);
    const quiet = await answer('/chart SPY 3m asof:2025-12-31');
    expect(quiet.lines.join(' ')).not.toMatch(/Volume was/);
  });

  // Data v2 filled MAGS's closes; AAPL before 2000 is the bundled series with adj_close only.
  it('AAPL before 2000: total return rebased to 100, and candles refused with a warning', async () => {
    const a = await answer('/chart AAPL 6m style:candles asof:1999-12-31');
    expect(a.facts.basis).toBe('adjClose');
    expect(a.warnings.join(' ')).toMatch(/no complete open\/high\/low\/close/);
    const c = a.charts[0] as TimeChartSpec;
    expect(c.panels, 'price, and volume: AAPL has volume before 2000 (MAGS, the old example, had none)').toHaveLength(2);
    expect((c.panels[0]?.series[0] as LineSeriesSpec).values[0]).toBeCloseTo(100, 12);
    expect(a.lines.join(' ')).not.toMatch(/\$/);
  });

  it('a period longer than the history starts at the first day and says so', async () => {
    const a = await answer('/chart XLC 5y asof:2020-01-02');
    expect(a.warnings.join(' ')).toContain('history starts Jun 19, 2018');
    expect((a.charts[0] as TimeChartSpec).dates[0]).toBe('2018-06-19');
  });

  it('has examples that all run, and renders a PNG', async () => {
    for (const ex of chart.examples) expect((await app.runner.runText(ex)).ok, ex).toBe(true);
    const a = await answer('/chart SPY 3m asof:2025-12-31');
    const png = await app.renderer.render(a.charts[0] as TimeChartSpec);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    mkdirSync(new URL('../../out/', import.meta.url), { recursive: true });
    writeFileSync(new URL('../../out/test-chart-spy-3m.png', import.meta.url), png);
  });
});
