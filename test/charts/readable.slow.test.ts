/**
 * Every chart type, drawn from real answers (the gallery's corpus: varied dates and symbols over the
 * bundled prices), read as a chat column shows it, 520 px wide: no two text boxes overlap, no text is
 * cut off by the edge or by the region it is drawn in (a scale's box, the plot area), nothing is under
 * 11 px (titles under 15 px), and every PNG stays under 300 KB. The renderer records the box of every
 * text it draws and the clip region in force (renderWithTextBoxes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer } from '../../src/answer/answer.ts';
import type { ChartSpec } from '../../src/answer/chart-spec.ts';
import { chartConfig, type ChartJsConfig } from '../../src/charts/config.ts';
import { createCanvas } from '@napi-rs/canvas';
import { recordText, renderWithTextBoxes, type TextBox } from '../../src/charts/render-local.ts';
import { MIN_TEXT_PX, MIN_TITLE_PX } from '../../src/charts/theme.ts';
import { chartCorpus, textProblems } from '../../scripts/chart-corpus.ts';
import { createTestApp } from '../_app.ts';

const app = createTestApp();
afterAll(() => app.close());

const FLOORS = (spec: ChartSpec) => ({ minPx: MIN_TEXT_PX, titlePx: MIN_TITLE_PX, titles: [spec.title] });
const answers: { text: string; answer: Answer }[] = [];

beforeAll(async () => {
  for (const text of chartCorpus()) {
    const r = await app.runner.runText(text);
    if (r.ok) answers.push({ text, answer: r.answer });
  }
});

function dataset(config: ChartJsConfig, label: string): Record<string, unknown> {
  const ds = config.data.datasets.find((d) => d.label === label);
  if (!ds) throw new Error(`no dataset ${label}`);
  return ds;
}

describe('charts at chat size', () => {
  it('every chart of 50+ real answers: no overlapping or cut-off text, nothing under the size floor, PNG ≤ 300 KB', () => {
    const charts = answers.flatMap(({ text, answer }) => answer.charts.map((spec) => ({ text, spec })));
    expect(charts.length, 'at least 50 charts').toBeGreaterThanOrEqual(50);
    const commands = new Set(answers.filter((a) => a.answer.charts.length > 0).map((a) => a.answer.command));
    expect([...commands].sort(), 'every command that draws a chart').toEqual(['analogs', 'breakout', 'chart', 'compare', 'digest', 'drawdown', 'leaders', 'perf', 'rotation', 'rotationmap', 'scan', 'streak']);
    expect(new Set(charts.map((c) => c.spec.kind)), 'every chart kind').toEqual(new Set(['time', 'bars', 'rotation', 'multiples']));
    // /scan's small multiples over several universes, scans and days, up to six minis.
    const minis = charts.filter((c) => c.spec.kind === 'multiples');
    expect(minis.length, 'small multiples').toBeGreaterThanOrEqual(12);
    expect(new Set(minis.map((c) => /asof:(\S+)/.exec(c.text)?.[1])).size, 'as of several days').toBeGreaterThanOrEqual(6);
    expect(new Set(minis.map((c) => c.text.split(' ')[2])).size, 'over several universes and lists').toBeGreaterThanOrEqual(4);
    expect(Math.max(...minis.map((c) => (c.spec.kind === 'multiples' ? c.spec.cells.length : 0))), 'a full chart of six').toBe(6);
    const failures: string[] = [];
    for (const { text, spec } of charts) {
      const { png, width, height, texts } = renderWithTextBoxes(chartConfig(spec));
      // 3× a 520 × 340 chat-column size; 2× for charts of many faint paths (analogs), to stay small.
      expect([{ width: 1560, height: 1020 }, { width: 1040, height: 680 }], `${text}: PNG size in pixels`).toContainEqual({ width, height });
      expect(texts.length, `${text}: the renderer recorded its texts`).toBeGreaterThan(5);
      expect(texts.some((t) => t.text === spec.title), `${text}: the title is among them`).toBe(true);
      expect(png.length, `${text}: PNG size`).toBeLessThanOrEqual(300 * 1024);
      for (const p of textProblems(texts, { width, height }, FLOORS(spec))) failures.push(`${text} [${spec.id}]: ${p}`);
    }
    expect(failures).toEqual([]);
    // Draws every chart on this thread: 29 s with the machine at load 8, 50 s at load 10 (2 cores).
  }, 300_000);

  it('the check fails on overlapping text, text below the floor and text off the edge (it can fail)', async () => {
    const spec = (await app.runner.runText('/rotationmap asof:2026-01-21')) as { ok: true; answer: Answer };
    const map = spec.answer.charts[0] as ChartSpec;
    const config = chartConfig(map);
    // Two quadrant names in one corner overlap; a 6 px title is under the floor.
    config.options.plugins.tapebot.cornerLabels.push({ text: 'Leading too', color: '#000000', corner: 'top-right' });
    (config.options.plugins.title as { font: { size: number } }).font.size = 6;
    const { width, height, texts } = renderWithTextBoxes(config);
    const problems = textProblems(texts, { width, height }, FLOORS(map));
    expect(problems.some((p) => /"LEADING TOO" overlaps "LEADING"|"LEADING" overlaps "LEADING TOO"/.test(p)), problems.join('\n')).toBe(true);
    // 6 CSS px on a 520 px chart is 6 px: under 15.
    expect(problems).toContain(`"${map.title}" is 6.0 px at 520 px wide (floor 15)`);
    expect(textProblems([{ text: 'x', x: 1550, y: 10, w: 20, h: 30, size: 33 }], { width, height }, FLOORS(map))).toEqual(['"x" is cut off by the edge']);
    expect(textProblems([{ text: '$400', x: 0, y: 10, w: 60, h: 30, size: 33, clip: { x: 20, y: 0, w: 100, h: 100 } }], { width, height }, FLOORS(map))).toEqual(['"$400" is cut off by its drawing region']);
  });

  it('the renderer records the clip region each text is drawn in, through save and restore (a cut-off label fails)', async () => {
    // On a bare canvas: a clip inside a save, nested, then given back by restore.
    const canvas = createCanvas(400, 200);
    const ctx = canvas.getContext('2d');
    const drawn: TextBox[] = [];
    recordText(ctx, drawn);
    ctx.font = '20px Inter';
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, 0, 100, 200);
    ctx.clip();
    ctx.save();
    ctx.scale(2, 2);
    ctx.beginPath();
    ctx.rect(10, 0, 100, 50);
    ctx.clip();
    ctx.fillText('in', 11, 40);
    ctx.restore();
    ctx.fillText('$400 cut', 60, 150);
    ctx.restore();
    ctx.fillText('free', 200, 150);
    expect(drawn.map((t) => [t.text, t.clip])).toEqual([
      ['in', { x: 20, y: 0, w: 80, h: 100 }],
      ['$400 cut', { x: 0, y: 0, w: 100, h: 200 }],
      ['free', undefined],
    ]);
    expect(textProblems(drawn, { width: 400, height: 200 }, { minPx: 0, titlePx: 0, titles: [] })).toEqual(['"$400 cut" is cut off by its drawing region']);
    // A real chart: Chart.js draws tick labels clipped to their axis's box, and the title under no clip.
    const r = await app.runner.runText('/compare IWM SPY period:1y asof:2026-01-21');
    if (!r.ok) throw new Error(r.error.message);
    const spec = r.answer.charts[0] as ChartSpec;
    const { texts } = renderWithTextBoxes(chartConfig(spec));
    expect(texts.filter((t) => t.clip !== undefined && /^[+−]?\d/.test(t.text)).length, 'tick labels drawn under a clip').toBeGreaterThan(2);
    expect(texts.find((t) => t.text === spec.title)?.clip).toBeUndefined();
  });

  it('small multiples: each mini is titled with the name typed and labelled by two compact values', async () => {
    const r = await app.runner.runText('/scan breakouts SPX RUT COMP NVDA asof:2024-11-08');
    if (!r.ok) throw new Error(r.error.message);
    const spec = r.answer.charts[0] as ChartSpec & { kind: 'multiples' };
    expect(spec.kind).toBe('multiples');
    expect(spec.cells.map((c) => c.title).sort()).toEqual(['COMP', 'NVDA', 'RUT', 'SPX']);
    const { width, height, texts } = renderWithTextBoxes(chartConfig(spec));
    for (const c of spec.cells) expect(texts.some((t) => t.text === c.title), c.title).toBe(true);
    // Two value labels a mini (its low and high), in three significant digits: "$5.99K", "$148".
    const notes = new Set(spec.cells.map((c) => c.note));
    const values = texts.filter((t) => !notes.has(t.text) && /^[+−]?\$?[\d.]+[KMB%]?$/.test(t.text));
    expect(values.length).toBe(2 * spec.cells.length);
    for (const v of values) expect(v.text.replace(/[^\d]/g, '').length, v.text).toBeLessThanOrEqual(3);
    expect(textProblems(texts, { width, height }, FLOORS(spec))).toEqual([]);
  });

  it('one colour per symbol: IWM is the same in /rotation, /compare and /perf; the rotation map colours by symbol, not rank', async () => {
    const colourOf = async (text: string, label: string) => {
      const r = await app.runner.runText(text);
      if (!r.ok) throw new Error(text);
      const ds = dataset(chartConfig(r.answer.charts[0] as ChartSpec), label);
      return ds.borderColor ?? ds.backgroundColor;
    };
    const iwm = await colourOf('/compare IWM SPY asof:2026-01-21', 'IWM');
    expect(await colourOf('/compare SPY IWM asof:2025-06-30', 'IWM'), 'order of symbols does not matter').toBe(iwm);
    expect(await colourOf('/rotation asof:2026-01-21', 'IWM (small)')).toBe(iwm);
    expect(await colourOf('/perf IWM SPY asof:2026-01-21', 'IWM')).toBe(iwm);
    // XLE ranks differently on these two dates; its colour does not move.
    const xle = async (d: string) => {
      const r = await app.runner.runText(`/rotationmap asof:${d}`);
      if (!r.ok) throw new Error(d);
      return dataset(chartConfig(r.answer.charts[0] as ChartSpec), 'XLE').backgroundColor;
    };
    expect(await xle('2026-08-21')).toBe(await xle('2025-04-09'));
  });

  it('a range wider than 3× is on a log scale, said on the axis; the names are the ones typed', async () => {
    const r = await app.runner.runText('/compare SPX RUT COMP period:max asof:2026-01-21');
    if (!r.ok) throw new Error(r.error.message);
    const spec = r.answer.charts[0] as ChartSpec;
    expect(spec.title.startsWith('SPX vs RUT vs COMP')).toBe(true);
    const y0 = (chartConfig(spec).options.scales as Record<string, { type: string; title: { text: string } }>).y0;
    expect(y0?.type).toBe('logarithmic');
    expect(y0?.title.text).toMatch(/log scale/);
    const short = await app.runner.runText('/compare IWM SPY period:3m asof:2026-01-21');
    if (!short.ok) throw new Error(short.error.message);
    const linear = (chartConfig(short.answer.charts[0] as ChartSpec).options.scales as Record<string, { type: string }>).y0;
    expect(linear?.type, 'a 3-month comparison moves far less than 3×').toBe('linear');
  });

  it('a 1d or 1w comparison shows the last month with the period highlighted; /rotation YTD in January is not mostly lead-in', async () => {
    for (const [text, sessions] of [
      // The day: Jan 21 alone.
      ['/compare IWM SPY period:1d asof:2026-01-21', 1],
      // From the Jan 14 close: Jan 15, 16, 20, 21 (Jan 19 was Martin Luther King Jr. Day, a market holiday).
      ['/compare IWM SPY period:1w asof:2026-01-21', 4],
      // From the Dec 31 close: Jan 2, 5, 6.
      ['/rotation ytd asof:2026-01-06', 3],
    ] as const) {
      const r = await app.runner.runText(text);
      if (!r.ok) throw new Error(r.error.message);
      const spec = r.answer.charts[0] as ChartSpec & { kind: 'time' };
      expect(spec.dates.length, `${text}: about a month of sessions`).toBeGreaterThanOrEqual(20);
      expect(spec.dates.length, `${text}: a short lead-in, not three months`).toBeLessThanOrEqual(23);
      const band = spec.shade?.find((s) => s.to === spec.dates[spec.dates.length - 1]);
      expect(band, `${text}: the period is highlighted`).toBeDefined();
      expect(spec.dates.filter((d) => band && d >= band.from && d <= band.to).length, `${text}: the highlight covers the period's sessions`).toBe(sessions);
    }
  });
});
