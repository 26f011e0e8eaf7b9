import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import breakout from '../../commands/breakout.ts';
import chart from '../../commands/chart.ts';
import drawdown from '../../commands/drawdown.ts';
import type { LineSeriesSpec, TimeChartSpec } from '../../src/answer/chart-spec.ts';
import { commandDriver, createTestApp } from '../_app.ts';
import { naiveRows } from './_naive.ts';

const app = createTestApp({ commands: [breakout, drawdown, chart] });
afterAll(() => app.close());
const { answer } = commandDriver(app);


interface NaiveEpisode {
  peak: string;
  trough: string;
  recovery: string | null;
  depth: number;
}

/**
 * Independent reference: the underwater curve (close / running max − 1) split into maximal runs of
 * days below the running max. Each run is one episode: the peak is the day before it, the trough its
 * lowest day (first on a tie), the recovery the day after it.
 */
function naiveEpisodes(symbol: string, asOf: string, column: 'close' | 'adj' = 'close'): NaiveEpisode[] {
  const rows = naiveRows(symbol).filter((r) => r.date <= asOf);
  const v = rows.map((r) => (column === 'close' ? (r.close as number) : r.adj));
  let max = -Infinity;
  const under = v.map((x) => {
    max = Math.max(max, x);
    return x / max - 1;
  });
  const out: NaiveEpisode[] = [];
  let i = 0;
  while (i < v.length) {
    if ((under[i] as number) >= 0) {
      i++;
      continue;
    }
    const start = i;
    let low = i;
    while (i < v.length && (under[i] as number) < 0) {
      if ((under[i] as number) < (under[low] as number)) low = i;
      i++;
    }
    out.push({ peak: rows[start - 1]?.date ?? '', trough: rows[low]?.date ?? '', recovery: i < v.length ? (rows[i]?.date ?? null) : null, depth: under[low] as number });
  }
  return out;
}

describe('/drawdown', () => {
  it('SPY on Mar 23, 2020: the COVID low, the 3rd-deepest drawdown in its history', async () => {
    // SPY.csv: 2020-02-19 close 338.3400 (the peak); 2020-03-23 close 222.9500.
    const eps = naiveEpisodes('SPY', '2020-03-23');
    const open = eps[eps.length - 1] as NaiveEpisode;
    expect(open).toMatchObject({ peak: '2020-02-19', trough: '2020-03-23', recovery: null });
    const rank = 1 + eps.filter((e) => e.depth < open.depth).length;
    expect(rank).toBe(3);

    const a = await answer('/drawdown SPY asof:2020-03-23');
    expect(a.facts.depth as number).toBeCloseTo(222.95 / 338.34 - 1, 12);
    expect(a.facts.neededToRegain as number).toBeCloseTo(338.34 / 222.95 - 1, 12);
    expect(a.facts.peakDate).toBe('2020-02-19');
    expect(a.facts.rank).toBe(rank);
    expect(a.lines[0]).toBe('**SPY is 34.1% below its peak** of $338.34 (Feb 19, 2020).');
    expect(a.lines[1]).toBe('That was 23 sessions ago; it needs a 51.8% gain to get back there.');
    expect(a.lines[2]).toContain('the 3rd-deepest drawdown in its history');
  });

  it('lists the five deepest drawdowns as a naive scan of the CSV finds them', async () => {
    const naive = naiveEpisodes('SPY', '2026-08-21')
      .sort((x, y) => x.depth - y.depth)
      .slice(0, 5);
    // SPY.csv: 2007-10-09 close 156.4800 → 2009-03-09 close 68.1100; first close back at or above 156.48: 2013-03-14.
    expect(naive[0]).toMatchObject({ peak: '2007-10-09', trough: '2009-03-09', recovery: '2013-03-14' });
    const a = await answer('/drawdown SPY asof:2026-08-21');
    naive.forEach((e, k) => {
      expect(a.facts[`dd${k + 1}Depth`] as number, `#${k + 1}`).toBeCloseTo(e.depth, 12);
      expect(a.facts[`dd${k + 1}Peak`], `#${k + 1}`).toBe(e.peak);
      expect(a.facts[`dd${k + 1}Trough`], `#${k + 1}`).toBe(e.trough);
      expect(a.facts[`dd${k + 1}Recovery`], `#${k + 1}`).toBe(e.recovery);
    });
    expect(a.lines).toContain('1. **−56.5%** Oct 2007 → Mar 2009 (17 months down); regained Mar 2013, 5.4 years after the peak');
  });

  it('KRE in the 2023 regional-bank crash: more than half its value gone, measured from Jan 2022', async () => {
    // KRE.csv: 2022-01-14 close 78.7800 (the record); 2023-05-04 close 36.0800, the low of the crash so far.
    const rows = naiveRows('KRE').filter((r) => r.date <= '2023-05-04');
    const peak = Math.max(...rows.map((r) => r.close as number));
    const last = rows[rows.length - 1]?.close as number;
    expect(peak).toBe(78.78);
    expect(last).toBe(36.08);
    const a = await answer('/drawdown KRE asof:2023-05-04');
    expect(a.facts.depth as number).toBeCloseTo(last / peak - 1, 12);
    expect(a.facts.troughDate).toBe('2023-05-04');
    expect(a.lines[2]).toMatch(/^This close is the low of the decline so far, the 3rd-deepest drawdown in its history/);
  });

  it('the rally off the low: SPY on Jun 8, 2020', async () => {
    const last = naiveRows('SPY').find((r) => r.date === '2020-06-08')?.close as number;
    const a = await answer('/drawdown SPY asof:2020-06-08');
    expect(a.facts.rallyFrom).toBe('2020-03-23');
    expect(a.facts.rally as number).toBeCloseTo(last / 222.95 - 1, 12);
    expect(a.lines[2]).toContain(`it has rallied ${((last / 222.95 - 1) * 100).toFixed(1)}% from that low of $222.95`);
  });

  it('at a record: no drawdown, and the rally off the last correction', async () => {
    const eps = naiveEpisodes('XLK', '2024-07-10');
    const lastCorrection = [...eps].reverse().find((e) => e.depth <= -0.1) as NaiveEpisode;
    const a = await answer('/drawdown XLK asof:2024-07-10');
    expect(a.facts.depth).toBe(0);
    // XLK.csv: 118.84 on the split-adjusted basis; XLK traded at twice that before its 2:1 split of Dec 5, 2025
    // (issue 13: an answer as of a past date quotes the price as it traded then).
    expect(a.lines[0]).toBe('**XLK closed at a record** at $237.68 on Jul 10, 2024: no drawdown.');
    expect(a.warnings.join(' ')).toContain('XLK prices are as traded on Jul 10, 2024, before its 2:1 split of Dec 5, 2025');
    expect(a.facts.rallyFrom).toBe(lastCorrection.trough);
    expect(a.lines[1]).toContain(`the bottom of an ${(-lastCorrection.depth * 100).toFixed(1)}% drawdown`);
  });

  // Data v2 filled MAGS's closes; AAPL before 2000 is the bundled series with adj_close only.
  it('AAPL before 2000 has no closes: total return, said so, no dollar figures', async () => {
    const eps = naiveEpisodes('AAPL', '1999-12-31', 'adj');
    const a = await answer('/drawdown AAPL asof:1999-12-31');
    expect(a.facts.basis).toBe('adjClose');
    expect(a.basis).toMatch(/no split-adjusted closes for AAPL/);
    expect(a.lines.join(' ')).not.toMatch(/\$/);
    expect(a.facts.dd1Depth as number).toBeCloseTo(Math.min(...eps.map((e) => e.depth)), 12);
  });

  it('draws price over the underwater curve, keeping the deepest trough through the thinning', async () => {
    const a = await answer('/drawdown SPY asof:2026-08-21');
    const c = a.charts[0] as TimeChartSpec;
    expect(c.panels).toHaveLength(2);
    const under = c.panels[1]?.series[0] as LineSeriesSpec;
    expect(under.fillToZero).toBe(true);
    expect(Math.min(...under.values.map((v) => v ?? 0)), 'the chart reaches the −56.5% of 2009').toBeCloseTo(a.facts.dd1Depth as number, 12);
    expect(c.dates.length).toBeLessThanOrEqual(520);
    const png = await app.renderer.render(c);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    mkdirSync(new URL('../../out/', import.meta.url), { recursive: true });
    writeFileSync(new URL('../../out/test-drawdown-spy.png', import.meta.url), png);
  });

  it('has examples that all run', async () => {
    for (const ex of drawdown.examples) expect((await app.runner.runText(ex)).ok, ex).toBe(true);
  });
});
