import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import breakout from '../../commands/breakout.ts';
import chart from '../../commands/chart.ts';
import drawdown from '../../commands/drawdown.ts';
import type { TimeChartSpec } from '../../src/answer/chart-spec.ts';
import { commandDriver, createTestApp } from '../_app.ts';
import { naiveRows, type NaiveRow } from './_naive.ts';

const app = createTestApp({ commands: [breakout, drawdown, chart] });
afterAll(() => app.close());
const { answerOf, refusal } = commandDriver(app);


/** Rows up to and including `asOf`, with a close. */
function upTo(symbol: string, asOf: string): (NaiveRow & { close: number })[] {
  return naiveRows(symbol).filter((r): r is NaiveRow & { close: number } => r.date <= asOf && r.close !== null);
}

/** Naive: the highest close before the last row, and the first date it was reached. */
function priorHigh(rows: { date: string; close: number }[]): { date: string; close: number } {
  let best = rows[0] as { date: string; close: number };
  for (const r of rows.slice(0, -1)) if (r.close > best.close) best = r;
  return best;
}

describe('/breakout', () => {
  it('SPY on Jan 19, 2024: its first record close since Jan 3, 2022', async () => {
    // SPY.csv: 2022-01-03 close 477.7100 (the old record); 2024-01-19 close 482.4300, the first close above it.
    const rows = upTo('SPY', '2024-01-19');
    const last = rows[rows.length - 1] as { date: string; close: number };
    const prior = priorHigh(rows);
    expect(prior).toMatchObject({ date: '2022-01-03', close: 477.71 });
    expect(rows.filter((r) => r.date > prior.date && r.date < last.date).every((r) => r.close <= prior.close), 'no record in between').toBe(true);

    const a = await answerOf(breakout, '/breakout SPY asof:2024-01-19');
    expect(a.facts.isNewAllTimeHigh).toBe(true);
    expect(a.facts.close).toBe(last.close);
    expect(a.facts.previousRecordDate).toBe('2022-01-03');
    expect(a.lines[0], 'issue 12: the verdict first').toBe('Breaking out: SPY closed at a record $482.43, its first since Jan 2022.');
    expect(a.lines[1]).toContain('**SPY closed at a record** at $482.43 on Jan 19, 2024');
    expect(a.lines[1]).toContain('its first record close since Jan 3, 2022');
    expect(a.lines[1]).toContain(`${((last.close / prior.close - 1) * 100).toFixed(2)}% above that peak of $477.71`);
    expect(a.basis).toMatch(/split-adjusted closes/);
    const c = a.charts[0] as TimeChartSpec;
    expect(c.panels[0]?.levels?.some((l) => l.value === 477.71), 'the previous record is drawn as a level').toBe(true);
    expect(c.panels[0]?.markers?.some((m) => m.date === '2024-01-19'), 'the breakout day is marked').toBe(true);
    expect(c.panels[0]?.series[0]?.type, 'six months fit in candles').toBe('candles');
  });

  it('KRE at the end of 2024: below its Jan 2022 record, with the gain needed to get back', async () => {
    const rows = upTo('KRE', '2024-12-31');
    const last = (rows[rows.length - 1] as { close: number }).close;
    let ath = rows[0] as { date: string; close: number };
    for (const r of rows) if (r.close > ath.close) ath = r;
    expect(ath).toMatchObject({ date: '2022-01-14', close: 78.78 });
    const a = await answerOf(breakout, '/breakout KRE asof:2024-12-31');
    expect(a.facts.isNewAllTimeHigh).toBe(false);
    expect(a.facts.isNew52wHigh).toBe(false);
    expect(a.facts.fromAllTimeHigh).toBeCloseTo(last / ath.close - 1, 12);
    expect(a.facts.neededToRegainHigh).toBeCloseTo(ath.close / last - 1, 12);
    // Issue 12: yes or no first, against the 52-week high (Nov 25, 2024) that would make it a breakout.
    const year = rows.filter((r) => r.date > '2023-12-31');
    const high52 = year.reduce((m, r) => Math.max(m, r.close), 0);
    expect(year.find((r) => r.close === high52)?.date, 'the 52-week high, by a naive scan').toBe('2024-11-25');
    expect(a.lines[0]).toBe(`Not breaking out: KRE is ${((1 - last / high52) * 100).toFixed(1)}% below its Nov 25 52-week high.`);
    expect(a.lines[1]).toContain(`KRE closed at $60.35 on Dec 31, 2024, ${((1 - last / ath.close) * 100).toFixed(1)}% below its record of $78.78 (Jan 14, 2022)`);
    expect(a.lines[1]).toContain(`needs a ${((ath.close / last - 1) * 100).toFixed(1)}% gain`);
  });

  it('says when it first traded at today’s level, found by a naive scan of the closes', async () => {
    const rows = naiveRows('QQQ').filter((r) => r.date <= '2022-12-30');
    const last = rows[rows.length - 1]?.close as number;
    const first = rows.find((r) => r.close !== null && r.close >= last);
    const a = await answerOf(breakout, '/breakout QQQ asof:2022-12-30');
    expect(a.facts.firstAtThisLevel).toBe(first?.date);
    expect(a.lines.join(' ')).toContain(`It is back where it was on Jul 20, 2020, when it first closed this high`);
    expect(first?.date, 'the line above names the same day').toBe('2020-07-20');
    const record = await answerOf(breakout, '/breakout SPY asof:2024-01-19');
    expect(record.facts.firstAtThisLevel, 'a record close was never reached before').toBeNull();
    expect(record.lines.join(' ')).not.toContain('back where it was');
  });

  it('SPY on May 26, 2023: broke out of a 6-month range, its highest close since Aug 2022', async () => {
    // SPY.csv: 2023-05-25 close 414.6500, 2023-05-26 close 420.0200.
    const rows = upTo('SPY', '2023-05-26');
    const last = rows[rows.length - 1] as { close: number };
    let j = rows.length - 2;
    while (j >= 0 && (rows[j] as { close: number }).close < last.close) j--;
    const a = await answerOf(breakout, '/breakout SPY asof:2023-05-26');
    expect(a.facts.highestSince).toBe(rows[j]?.date);
    expect(a.facts.lookbackSessions).toBe(rows.length - 1 - j);
    expect(a.facts.rangeBreakoutDate).toBe('2023-05-26');
    expect(a.facts.rangeStart).toMatch(/^2022-11-/);
    // Independent check of the range: every close from its start to the day before stays within 15% and below 420.02.
    const range = rows.filter((r) => r.date >= (a.facts.rangeStart ?? '9999') && r.date < '2023-05-26').map((r) => r.close);
    expect(Math.max(...range) / Math.min(...range) - 1).toBeLessThanOrEqual(0.15);
    expect(Math.max(...range)).toBe(a.facts.rangeHigh);
    expect(Math.min(...range)).toBe(a.facts.rangeLow);
    expect(Math.max(...range)).toBeLessThan(420.02);
    expect(a.lines.join(' ')).toContain(`It broke out of a 6-month range between $${a.facts.rangeLow?.toFixed(2)} and $${a.facts.rangeHigh?.toFixed(2)}`);
    const c = a.charts[0] as TimeChartSpec;
    expect(c.shade?.[0]?.from).toBe(a.facts.rangeStart);
  });

  it('with a level: how long SPY has closed above $600, counted by a naive loop', async () => {
    const rows = upTo('SPY', '2025-06-30');
    let n = 0;
    for (let i = rows.length - 1; i >= 0 && (rows[i] as { close: number }).close > 600; i--) n++;
    const a = await answerOf(breakout, '/breakout SPY level:600 asof:2025-06-30');
    expect(a.facts.levelAbove).toBe(true);
    expect(a.facts.levelRunSessions).toBe(n);
    expect(a.lines[1]).toContain(`**SPY has closed above $600 for ${n} sessions in a row**`);
    const c = a.charts[0] as TimeChartSpec;
    expect(c.panels[0]?.levels?.some((l) => l.value === 600)).toBe(true);
    expect(c.title).toContain('above $600');
  });

  it('a positional level works too, and a first close above says since when', async () => {
    // SPY.csv: no close above 480 before 2024-01-19 (482.43); the record before was 477.71.
    const rows = upTo('SPY', '2024-01-19');
    expect(rows.slice(0, -1).every((r) => r.close <= 480)).toBe(true);
    const a = await answerOf(breakout, '/breakout SPY 480 asof:2024-01-19');
    expect(a.facts.level).toBe(480);
    expect(a.facts.levelRunSessions).toBe(1);
    expect(a.facts.levelPreviousAbove).toBeNull();
    expect(a.lines[1]).toContain('its first close above that level ever (the data starts Jan 1993)');
  });

  it('below a level: when it last closed above it', async () => {
    const rows = upTo('KRE', '2024-12-31');
    const lastAbove = [...rows].reverse().find((r) => r.close > 70);
    const a = await answerOf(breakout, '/breakout KRE 70 asof:2024-12-31');
    expect(a.facts.levelAbove).toBe(false);
    expect(a.facts.levelPreviousAbove).toBe(lastAbove?.date);
    expect(a.lines[0]).toBe('Below $70: KRE closed at $60.35, 13.8% under it.');
    expect(a.lines[1]).toMatch(/^KRE closed at \$60\.35, 13\.8% below \$70; it last closed above it on /);
  });

  it('a retest: SPY back at $400 in Feb 2023 after breaking above it in January', async () => {
    // SPY.csv: 2023-01-20 close 395.88 (≤ 400), 2023-01-23 close 400.63 (the breakout), 2023-02-02 close 416.78
    // (more than 2% above 400), 2023-02-21 close 399.09 (back within 2%).
    const byDate = new Map(upTo('SPY', '2023-02-21').map((r) => [r.date, r.close]));
    expect(byDate.get('2023-01-20')).toBeLessThanOrEqual(400);
    expect(byDate.get('2023-01-23')).toBeGreaterThan(400);
    expect(byDate.get('2023-02-02')).toBeGreaterThan(408);
    expect(Math.abs((byDate.get('2023-02-21') ?? 0) / 400 - 1)).toBeLessThanOrEqual(0.02);
    const a = await answerOf(breakout, '/breakout SPY 400 asof:2023-02-21');
    expect(a.facts.levelRetest).toBe(true);
    expect(a.lines[0]).toBe('Retesting $400 from above: SPY closed at $399.09, 0.2% below it.');
    expect(a.lines[1]).toBe('**SPY is retesting $400 from above**: it closed at $399.09, 0.2% below it, after breaking above on Jan 23, 2023 and reaching $416.78.');
    expect(a.lines[2], 'the close is not repeated after the level line').toMatch(/^It is 16\.5% below its record of \$477\.71/);
  });

  it('DIA: highs fall back to total return (closes missing 2024–2026), and a level looks back only over closes', async () => {
    const a = await answerOf(breakout, '/breakout DIA level:500 asof:2026-08-21');
    expect(a.facts.basis).toBe('adjClose');
    expect(a.basis).toContain('missing from Apr 12, 2024 to Mar 19, 2026');
    expect(a.warnings.join(' ')).toContain('looks back only to Mar 20, 2026');
    expect(a.facts.levelLookbackFrom).toBe('2026-03-20');
    expect(a.lines.slice(1).join(' '), 'no dollar record on the total-return basis').not.toMatch(/record of \$/);
  });

  it('refuses a dollar level where the data has no close', async () => {
    // Data v2 filled MAGS's closes; AAPL before 2000 has adj_close only.
    expect(await refusal('/breakout AAPL 50 asof:1999-12-31')).toMatch(/no split-adjusted close for AAPL/);
    expect(await refusal('/breakout XBI 100 asof:2022-01-03')).toMatch(/no split-adjusted close for XBI on Jan 3, 2022/);
    expect(await refusal('/breakout SPY level:-5')).toMatch(/level must be a number/);
  });

  it('has examples that all run', async () => {
    for (const ex of breakout.examples) {
      const r = await app.runner.runText(ex);
      expect(r.ok, ex).toBe(true);
    }
  });

  it('renders its chart to a PNG', async () => {
    const a = await answerOf(breakout, '/breakout SPY asof:2023-05-26');
    const png = await app.renderer.render(a.charts[0] as TimeChartSpec);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    mkdirSync(new URL('../../out/', import.meta.url), { recursive: true });
    writeFileSync(new URL('../../out/test-breakout-spy-2023-05-26.png', import.meta.url), png);
  });
});
