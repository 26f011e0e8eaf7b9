import { describe, expect, it } from 'vitest';
import type { BarChartSpec, ChartSpec, RotationChartSpec, TimeChartSpec } from '../../src/answer/chart-spec.ts';
import { chartConfig, type ChartJsConfig, type JsonObject } from '../../src/charts/config.ts';
import { PALETTE, THEME } from '../../src/charts/theme.ts';
import { candlesWithVolume, drawdownLog, groupedBars, rebasedWithRatio, rotationMap, sectorBars } from './sample-specs.ts';

const FOOTER = 'Source: test · as of Jan 9, 2026';

/** Five trading days, Mon Jan 5 – Fri Jan 9 2026, with a hand-made up/down pattern. */
const DATES = ['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09'];

function timeSpec(over: Partial<TimeChartSpec> = {}): TimeChartSpec {
  return {
    kind: 'time',
    id: 'spy',
    title: 'SPY · 1W',
    subtitle: 'Split-adjusted',
    altText: 'SPY over a week',
    footer: FOOTER,
    dates: DATES,
    panels: [
      {
        yLabel: 'Price',
        format: 'price',
        weight: 3,
        series: [
          // Up, down, up, flat (close = open counts as up), missing.
          { type: 'candles', label: 'SPY', open: [10, 12, 11, 13, null], high: [12.5, 12.2, 13.4, 13.5, null], low: [9.8, 10.5, 10.9, 12.8, null], close: [12, 11, 13, 13, null] },
        ],
        levels: [{ value: 13.5, label: 'Week high', color: 'green' }],
        markers: [{ date: '2026-01-07', value: 13, label: 'Breakout', color: 'purple' }],
      },
      {
        yLabel: 'Volume',
        format: 'volume',
        series: [{ type: 'bar', label: 'Volume', values: [100, 200, 150, null, 120], colorBySign: true, signOf: [2, -1, 2, 0, null] }],
      },
    ],
    shade: [{ from: '2026-01-06', to: '2026-01-07', label: 'Streak', color: 'gold' }],
    ...over,
  };
}

const scales = (c: ChartJsConfig) => c.options.scales as Record<string, JsonObject>;
const plugin = (c: ChartJsConfig, name: string) => c.options.plugins[name] as JsonObject;
const byLabel = (c: ChartJsConfig, label: string) => {
  const ds = c.data.datasets.find((d) => d.label === label);
  if (!ds) throw new Error(`no dataset "${label}" among ${c.data.datasets.map((d) => d.label).join(', ')}`);
  return ds;
};

describe('chartConfig is pure JSON', () => {
  const specs: ChartSpec[] = [timeSpec(), rebasedWithRatio(), candlesWithVolume(), drawdownLog(), sectorBars(), groupedBars(), rotationMap()];
  it.each(specs.map((s) => [s.id, s] as const))('%s survives a JSON round trip unchanged (no functions, Dates or undefined)', (_id, spec) => {
    const config = chartConfig(spec);
    expect(JSON.parse(JSON.stringify(config)), 'JSON.stringify drops functions and undefined, and turns Dates into strings').toStrictEqual(config);
  });
});

describe('values JSON cannot carry', () => {
  it('turns NaN and Infinity into gaps and drops such levels, markers and rotation points', () => {
    const spec = timeSpec({
      panels: [
        {
          yLabel: 'P',
          format: 'price',
          series: [{ type: 'line', label: 'L', values: [1, Number.NaN, 3, Number.POSITIVE_INFINITY, 5] }],
          levels: [{ value: Number.NaN, label: 'bad level' }],
          markers: [{ date: '2026-01-06', value: Number.NaN, label: 'bad marker' }],
        },
      ],
    });
    const c = chartConfig(spec);
    expect(JSON.parse(JSON.stringify(c))).toStrictEqual(c);
    expect(byLabel(c, 'L').data).toEqual([1, null, 3, null, 5]);
    expect(c.data.datasets.some((d) => d.label === 'bad level' || d.label === 'bad marker')).toBe(false);
    const r = chartConfig({
      kind: 'rotation',
      id: 'r',
      title: 'r',
      altText: '',
      footer: '',
      xLabel: 'x',
      yLabel: 'y',
      items: [{ label: 'A', tail: [{ x: Number.NaN, y: 100, date: '2026-01-02' }, { x: 101, y: 99, date: '2026-01-09' }] }],
    });
    expect(byLabel(r, 'A').data).toEqual([{ x: 101, y: 99 }]);
  });
});

describe('every chart', () => {
  it('has the title on top, the subtitle under it, the footer at the bottom and an opaque background', () => {
    const c = chartConfig(timeSpec());
    expect(plugin(c, 'title')).toMatchObject({ display: true, text: 'SPY · 1W' });
    expect(plugin(c, 'title').position, 'Chart.js puts the title on top by default').toBeUndefined();
    expect(plugin(c, 'subtitle'), 'the subtitle under the title, in lines that fit').toMatchObject({ display: true, text: ['Split-adjusted'], position: 'top' });
    expect(plugin(c, 'legend')).toMatchObject({ display: true });
    expect(c.options.plugins.tapebot.footer.join(' · '), 'the footer, drawn by the tapebot plugin at the bottom').toBe(FOOTER);
    expect(c.options.plugins.tapebot.background, 'opaque white card').toBe('#ffffff');
    expect(c.options.animation).toBe(false);
    expect(c.options.responsive).toBe(false);
  });

  it('defaults to 520 × 340 (a chat column) and takes another size when asked', () => {
    expect(chartConfig(timeSpec()).options.plugins.tapebot).toMatchObject({ width: 520, height: 340 });
    expect(chartConfig(timeSpec(), { width: 800, height: 400 }).options.plugins.tapebot).toMatchObject({ width: 800, height: 400 });
  });
});

describe("kind: 'time'", () => {
  const c = chartConfig(timeSpec());

  it('stacks one y scale per panel on a category axis of trading days', () => {
    expect(scales(c).x).toMatchObject({ type: 'category', offset: true });
    expect(c.data.labels, 'one label slot per trading day (no weekend gaps)').toHaveLength(DATES.length);
    const y0 = scales(c).y0 as JsonObject;
    const y1 = scales(c).y1 as JsonObject;
    expect(y0).toMatchObject({ stack: 'panels', stackWeight: 3, title: { display: true, text: 'Price' } });
    expect(y1).toMatchObject({ stack: 'panels', stackWeight: 1, title: { display: true, text: 'Volume' }, beginAtZero: true });
    const ids = Object.keys(scales(c)).filter((k) => k.startsWith('y'));
    expect(ids, 'right-hand stacked scales are laid out top-down in declaration order: first panel on top').toEqual(['y0', 'y1']);
  });

  it('draws candles as a [low, high] wick behind an [open, close] body, green up and red down', () => {
    const body = byLabel(c, 'SPY');
    const wick = byLabel(c, 'SPY range');
    expect(body.data).toEqual([[10, 12], [12, 11], [11, 13], [13, 13], null]);
    expect(wick.data).toEqual([[9.8, 12.5], [10.5, 12.2], [10.9, 13.4], [12.8, 13.5], null]);
    const up = PALETTE.positive;
    const down = PALETTE.negative;
    expect(body.backgroundColor, 'close ≥ open is up; the missing day gets a colour but no bar').toEqual([up, down, up, up, up]);
    expect(body.grouped, 'body and wick share one slot').toBe(false);
    expect(wick.grouped).toBe(false);
    expect(wick.tapebotHideInLegend, 'the wick is not a second legend entry').toBe(true);
  });

  it('tags the candles with the latest close, skipping a missing last day', () => {
    expect(byLabel(c, 'SPY').tapebotValueTag, 'Jan 8 is missing: the tag is Jan 7’s close, 13').toBe('$13.00');
    expect(byLabel(c, 'SPY range').tapebotValueTag, 'the wick is not tagged a second time').toBeUndefined();
  });

  it('colours volume by the sign of the day’s move', () => {
    const vol = byLabel(c, 'Volume');
    const colors = vol.backgroundColor as string[];
    expect(colors[0], 'up day').toContain('0,158,115');
    expect(colors[1], 'down day').toContain('213,94,0');
    expect(colors[3], 'flat day is neutral').toContain('110,119,129');
  });

  it('draws a level as a dashed constant line named in the legend', () => {
    const level = byLabel(c, 'Week high');
    expect(level.data).toEqual([13.5, 13.5, 13.5, 13.5, 13.5]);
    expect(level.borderDash).toEqual([6, 4]);
    expect(level.tapebotValueTag).toBe('$13.50');
  });

  it('draws a marker as a visible point on its date only', () => {
    const marker = byLabel(c, 'Breakout');
    expect(marker.data).toEqual([null, null, 13, null, null]);
    expect(marker.showLine).toBe(false);
    expect(marker.pointRadius as number).toBeGreaterThanOrEqual(4);
  });

  it('shades a date range across all panels on a hidden 0..1 axis', () => {
    const band = byLabel(c, 'Streak');
    expect(band.data, 'Jan 6 and Jan 7 inclusive').toEqual([null, 1, 1, null, null]);
    expect(band.yAxisID).toBe('shade');
    expect(scales(c).shade).toMatchObject({ display: false, min: 0, max: 1 });
    expect(scales(c).shade?.stack, 'not in the panel stack, so it spans every panel').toBeUndefined();
  });

  it('puts the axis range on whole steps covering every value of the panel', () => {
    const y0 = scales(c).y0 as { min: number; max: number; ticks: { stepSize: number } };
    expect(y0.min).toBeLessThanOrEqual(9.8);
    expect(y0.max).toBeGreaterThanOrEqual(13.5);
    expect(((y0.max - y0.min) / y0.ticks.stepSize) % 1).toBeCloseTo(0, 9);
  });

  it('uses a log scale when asked, and leaves its range to the data', () => {
    const spec = timeSpec();
    const log = chartConfig({ ...spec, panels: [{ ...(spec.panels[0] as TimeChartSpec['panels'][number]), logScale: true }] });
    expect(scales(log).y0).toMatchObject({ type: 'logarithmic' });
    expect(scales(log).y0?.min).toBeUndefined();
  });

  it('draws lines without point dots, dashed and filled when asked', () => {
    const d = chartConfig(drawdownLog());
    const dd = byLabel(d, 'Drawdown');
    expect(dd.pointRadius).toBe(0);
    expect(dd.fill, 'underwater curve fills to zero').toBe('origin');
    expect(byLabel(d, 'QQQ').fill).toBe(false);
  });

  it('lets long line charts run edge to edge, and pads bars and short spans', () => {
    expect(scales(chartConfig(rebasedWithRatio())).x?.offset, 'a year of lines').toBe(false);
    expect(scales(chartConfig(timeSpec({ panels: [{ yLabel: 'P', format: 'price', series: [{ type: 'line', label: 'L', values: [1, 2, 3, 4, 5] }] }] }))).x?.offset, 'five days of lines').toBe(true);
  });

  it('labels the date axis on month starts over a year', () => {
    const r = chartConfig(rebasedWithRatio());
    const labels = (r.data.labels ?? []).filter((l) => l !== '');
    expect(labels.length).toBeGreaterThanOrEqual(4);
    expect(labels.every((l) => /^[A-Z][a-z]{2} '\d{2}$/.test(l)), labels.join(', ')).toBe(true);
  });
});

describe("kind: 'bars'", () => {
  const spec: BarChartSpec = {
    kind: 'bars',
    id: 'b',
    title: 'Returns',
    altText: 'bars',
    footer: FOOTER,
    categories: ['A', 'B', 'C'],
    groups: [{ label: '1M', values: [0.05, -0.03, null] }],
    horizontal: true,
    valueLabel: 'Total return',
    format: 'percent',
    colorBySign: true,
  };
  const c = chartConfig(spec);

  it('runs horizontally when asked, with the value axis titled', () => {
    expect(c.options.indexAxis).toBe('y');
    expect(scales(c).x).toMatchObject({ type: 'linear', title: { text: 'Total return' } });
    expect(scales(c).y).toMatchObject({ type: 'category' });
    expect(chartConfig({ ...spec, horizontal: false }).options.indexAxis).toBe('x');
  });

  it('colours bars by sign', () => {
    expect(c.data.datasets[0]?.backgroundColor, 'the missing value is neutral gray').toEqual([PALETTE.positive, PALETTE.negative, PALETTE.gray]);
  });

  it('names what the sign colours mean as two legend entries that draw no bars', () => {
    const legend = (x: ChartJsConfig) => (x.options.plugins.legend as { display: boolean }).display;
    expect(legend(c), 'one sign-coloured series and no meaning given: no legend').toBe(false);
    const named = chartConfig({ ...spec, signLegend: { positive: 'Ahead of SPY', negative: 'Behind SPY' } });
    expect(legend(named)).toBe(true);
    const extra = named.data.datasets.slice(1);
    expect(extra.map((d) => [d.label, d.backgroundColor, d.data])).toEqual([
      ['Ahead of SPY', PALETTE.positive, []],
      ['Behind SPY', PALETTE.negative, []],
    ]);
    expect(named.data.datasets.every((d) => d.grouped === false), 'the empty entries take no room from the bars').toBe(true);
  });

  it('emphasises the zero line: the grid colour at the zero tick', () => {
    const x = scales(c).x as { min: number; max: number; ticks: { stepSize: number }; grid: { color: string[] } };
    expect(x.min).toBeLessThan(-0.03);
    expect(x.max).toBeGreaterThan(0.05);
    // Tick k sits at min + k·step; find zero independently of the config's own bookkeeping.
    const ticks = x.grid.color.map((_, k) => x.min + k * x.ticks.stepSize);
    const zero = ticks.findIndex((t) => Math.abs(t) < 1e-12);
    expect(zero, 'zero is one of the ticks').toBeGreaterThanOrEqual(0);
    expect(x.grid.color[zero]).toBe(THEME.axisLine);
    expect(x.grid.color.filter((col) => col === THEME.axisLine)).toHaveLength(1);
  });

  it('writes each bar’s value for the end of the bar', () => {
    expect(c.data.datasets[0]?.tapebotBarLabels).toEqual(['+5.0%', '\u22123.0%', '']);
  });

  it('groups several series with their own colours and a legend', () => {
    const g = chartConfig(groupedBars());
    expect(g.data.datasets.map((d) => d.label)).toEqual(['1M', '3M', '1Y']);
    expect(g.data.datasets.map((d) => d.backgroundColor)).toEqual([PALETTE.blue, PALETTE.orange, PALETTE.teal]);
    expect(plugin(g, 'legend').display).toBe(true);
  });
});

describe("kind: 'rotation'", () => {
  const spec: RotationChartSpec = {
    kind: 'rotation',
    id: 'rrg',
    title: 'Rotation',
    altText: 'rrg',
    footer: FOOTER,
    xLabel: 'RS-Ratio',
    yLabel: 'RS-Momentum',
    items: [
      { label: 'XLK', tail: [{ x: 101, y: 99, date: '2026-01-02' }, { x: 103.4, y: 101.2, date: '2026-01-09' }] },
      { label: 'XLU', tail: [{ x: 98, y: 100.5, date: '2026-01-02' }, { x: 96.1, y: 98.7, date: '2026-01-09' }], color: 'teal' },
    ],
  };
  const c = chartConfig(spec);

  it('centres both axes on 100 and covers every point with a margin', () => {
    const x = scales(c).x as { min: number; max: number };
    const y = scales(c).y as { min: number; max: number };
    expect(x.max - 100).toBeCloseTo(100 - x.min, 9);
    expect(y.max - 100).toBeCloseTo(100 - y.min, 9);
    // Farthest points from 100: x 96.1 (3.9 away), y 98.7 (1.3 away).
    expect(x.max - 100).toBeGreaterThan(3.9);
    expect(y.max - 100).toBeGreaterThan(1.3);
    expect(scales(c).x).toMatchObject({ title: { text: 'RS-Ratio' } });
    expect(scales(c).y).toMatchObject({ title: { text: 'RS-Momentum' } });
  });

  it('shades four quadrants and names them in the right corners', () => {
    const names = c.data.datasets.filter((d) => d.fill !== undefined && d.tapebotHideInLegend).map((d) => d.label);
    expect(names.sort()).toEqual(['Improving', 'Lagging', 'Leading', 'Weakening']);
    const corners = Object.fromEntries(c.options.plugins.tapebot.cornerLabels.map((l) => [l.text, l.corner]));
    expect(corners).toEqual({ Leading: 'top-right', Weakening: 'bottom-right', Lagging: 'bottom-left', Improving: 'top-left' });
    const leading = byLabel(c, 'Leading');
    const xMax = (scales(c).x as { max: number }).max;
    const yMax = (scales(c).y as { max: number }).max;
    expect(leading.data, 'Leading spans x from 100 to the right edge').toEqual([{ x: 100, y: 100 }, { x: xMax, y: 100 }]);
    expect(leading.fill, '…and y from 100 to the top').toEqual({ value: yMax });
  });

  it('draws each tail as a line with a bigger head, listed in the legend and labelled at the head', () => {
    const xlk = byLabel(c, 'XLK');
    expect(xlk.data).toEqual([{ x: 101, y: 99 }, { x: 103.4, y: 101.2 }]);
    expect(xlk.showLine).toBe(true);
    const radius = xlk.pointRadius as number[];
    expect(radius[1] as number, 'the head (latest point) is the big dot').toBeGreaterThan(radius[0] as number);
    expect(xlk.tapebotHeadLabel).toBe(true);
    expect(xlk.tapebotHideInLegend).toBeUndefined();
    expect(byLabel(c, 'XLU').backgroundColor).toBe(PALETTE.teal);
  });
});

describe('faint paths (the earlier episodes of /analogs)', () => {
  // Three 10-session paths (the second ends early, the third has a hole) and a median over them.
  const sessions = Array.from({ length: 10 }, (_, i) => String(i));
  const paths: (number | null)[][] = [
    [100, 101, 102, 103, 104, 105, 106, 107, 108, 109],
    [100, 99, 98, 97, 96, 95, null, null, null, null],
    [100, 100.5, 101, 101.5, null, 102.5, 103, 103.5, 104, 104.5],
  ];
  const spec: TimeChartSpec = {
    kind: 'time',
    id: 'paths',
    title: 'What followed',
    altText: 'Earlier paths and their median',
    footer: FOOTER,
    dates: sessions,
    axis: 'sessions',
    panels: [
      {
        yLabel: 'Rebased',
        format: 'index',
        series: [
          ...paths.map((values, i) => ({ type: 'line' as const, label: 'Earlier episodes (3)', values, color: 'gray' as const, width: 1, faint: true, ...(i > 0 ? { legend: false as const } : {}) })),
          { type: 'line', label: 'Median', values: [100, 100, 100, 101, 102, 102.5, 104.5, 105.25, 106, 106.75], color: 'blue' },
        ],
      },
    ],
  };
  const c = chartConfig(spec);

  it('are one dataset of only the points drawn: every fourth session and each path’s last, a gap between paths', () => {
    const faint = c.data.datasets.filter((d) => d.label === 'Earlier episodes (3)');
    expect(faint, 'one dataset for the three paths').toHaveLength(1);
    const ds = faint[0] as JsonObject;
    expect(ds.parsing, 'points are given as Chart.js keeps them').toBe(false);
    // By hand: sessions 0, 4, 8 and the last with a value; the third path has none on session 4.
    expect(ds.data).toEqual([
      { x: 0, y: 100 }, { x: 4, y: 104 }, { x: 8, y: 108 }, { x: 9, y: 109 },
      { x: 0, y: null },
      { x: 0, y: 100 }, { x: 4, y: 96 }, { x: 5, y: 95 },
      { x: 0, y: null },
      { x: 0, y: 100 }, { x: 8, y: 104 }, { x: 9, y: 104.5 },
    ]);
    expect(ds.spanGaps, 'a path does not run on into the next').toBe(false);
    expect(ds.tapebotHideInLegend, 'the group keeps the first path’s legend entry').toBeUndefined();
  });

  it('stay behind the other lines, which keep one dataset each', () => {
    const ds = byLabel(c, 'Earlier episodes (3)');
    const median = byLabel(c, 'Median');
    expect(Number(ds.order)).toBeGreaterThan(Number(median.order));
    expect(median.data).toHaveLength(10);
  });
});
