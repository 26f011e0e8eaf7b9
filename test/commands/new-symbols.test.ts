/**
 * Data v2's new symbols (stocks, metals, bonds, bitcoin) and extended ranges, answered by the real
 * commands over the bundled files and checked against plain loops over the CSV text (_naive.ts).
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import perf from '../../commands/perf.ts';
import compare from '../../commands/compare.ts';
import breakout from '../../commands/breakout.ts';
import { commandDriver, createTestApp } from '../_app.ts';
import { naiveReturn, naiveRows } from './_naive.ts';

const app = createTestApp();
const { answer, answerOf } = commandDriver(app);
afterAll(() => app.close());

/** Daily total return on `date` (adj_close against the row before), straight from the CSV. */
function dailyReturn(symbol: string, date: string): number {
  const rows = naiveRows(symbol);
  const i = rows.findIndex((r) => r.date === date);
  if (i < 1) throw new Error(`${symbol}: no row before ${date}`);
  return (rows[i] as { adj: number }).adj / (rows[i - 1] as { adj: number }).adj - 1;
}

/** Highest split-adjusted close on or before `asOf`, and its date. */
function naiveHigh(symbol: string, asOf: string): { date: string; close: number } {
  let best = { date: '', close: -Infinity };
  for (const r of naiveRows(symbol)) if (r.date <= asOf && r.close !== null && r.close > best.close) best = { date: r.date, close: r.close };
  return best;
}

describe('data v2 symbols on the real files', () => {
  it('/compare NVDA TSLA period:1y answers from the bundled data, with returns from the CSVs', async () => {
    const a = await answerOf(compare, '/compare NVDA TSLA period:1y');
    expect(a.asOf).toBe('2026-10-08');
    expect(a.facts.from).toBe('2025-10-08');
    expect(a.facts.returns.NVDA).toBeCloseTo(naiveReturn('NVDA', '2025-10-08', '2026-10-08'), 12);
    expect(a.facts.returns.TSLA).toBeCloseTo(naiveReturn('TSLA', '2025-10-08', '2026-10-08'), 12);
    expect(a.source).toContain('offline data to Oct 8, 2026');
  });

  it('the NVDA and TSLA splits are no jump in returns (the closes are on the split basis)', () => {
    // README: NVDA 10:1 on 2024-06-10 and 4:1 on 2021-07-20; TSLA 3:1 on 2022-08-25 and 5:1 on 2020-08-31.
    for (const [symbol, date] of [
      ['NVDA', '2024-06-10'],
      ['NVDA', '2021-07-20'],
      ['TSLA', '2022-08-25'],
      ['TSLA', '2020-08-31'],
    ] as const) {
      expect(Math.abs(dailyReturn(symbol, date)), `${symbol} ${date}`).toBeLessThan(0.15);
    }
  });

  it('/perf NVDA across its 2024 split: the week’s return is the CSV’s, not a −90% step', async () => {
    const a = await answerOf(perf, '/perf NVDA asof:2024-06-12');
    const w = a.facts.returns.NVDA?.['1w'] ?? NaN;
    expect(w).toBeCloseTo(naiveReturn('NVDA', '2024-06-05', '2024-06-12'), 12);
    expect(Math.abs(w)).toBeLessThan(0.2);
  });

  it('/breakout TSLA finds the record close of the CSV', async () => {
    const a = await answerOf(breakout, '/breakout TSLA asof:2026-10-08');
    const high = naiveHigh('TSLA', '2026-10-08');
    expect(a.lines.join(' ')).toContain(`$${high.close.toFixed(2)}`);
  });

  it('/chart SLV draws the bundled silver prices to Oct 8, 2026', async () => {
    const a = await answer('/chart SLV');
    expect(a.asOf).toBe('2026-10-08');
    const last = naiveRows('SLV').at(-1);
    expect(a.lines[0]?.replace(/\*\*/g, '')).toContain(`$${(last?.close as number).toFixed(2)} on Oct 8, 2026`);
  });

  it('/drawdown BTC-USD answers from the bundled bitcoin prices', async () => {
    const a = await answer('/drawdown BTC-USD');
    expect(a.asOf).toBe('2026-10-08');
    const rows = naiveRows('BTC-USD');
    let peak = -Infinity;
    for (const r of rows) peak = Math.max(peak, r.close as number);
    const last = rows.at(-1)?.close as number;
    expect(a.lines[0]).toContain(`${((1 - last / peak) * 100).toFixed(1)}% below its peak`);
  });

  it('gold, silver and long bonds by their names: /perf gold silver treasuries', async () => {
    const a = await answerOf(perf, '/perf gold silver treasuries asof:2026-09-30');
    for (const s of ['GLD', 'SLV', 'TLT']) expect(a.facts.returns[s]?.['ytd'], s).toBeCloseTo(naiveReturn(s, '2025-12-31', '2026-09-30'), 12);
  });

  it('KRE and MAGS answer to their newest common close (MAGS ends Oct 1, 2026)', async () => {
    const a = await answerOf(compare, '/compare KRE MAGS');
    expect(a.asOf).toBe('2026-10-01');
    expect(a.facts.returns.KRE).toBeCloseTo(naiveReturn('KRE', '2025-12-31', '2026-10-01'), 12);
    expect(a.facts.returns.MAGS).toBeCloseTo(naiveReturn('MAGS', '2025-12-31', '2026-10-01'), 12);
    const kre = await answerOf(perf, '/perf KRE');
    expect(kre.asOf, 'KRE alone reaches the newest close, no longer Jul 2').toBe('2026-10-08');
    expect(kre.warnings.join(' ')).not.toMatch(/data ends/);
  });

  it('the IWM holdings facts are bundled, and their weights sum as the README says', () => {
    const rows = readFileSync(new URL('../../data/holdings/IWM-sectors.csv', import.meta.url), 'utf8').trim().split('\n').slice(1);
    const sum = rows.reduce((s, l) => s + Number(l.split(',')[2]), 0);
    expect(sum).toBeCloseTo(100, 1);
    expect(rows).toHaveLength(12);
  });
});

describe('offline data freshness', () => {
  it('says "offline data to <date>" once, in the footer, on every bundled answer', async () => {
    const a = await answerOf(perf, '/perf SPY asof:2025-06-30');
    expect(a.source).toBe('bundled daily prices (Yahoo Finance and others), offline data to Oct 8, 2026');
    const all = [a.title, ...a.lines, ...a.warnings, a.basis ?? '', a.source ?? ''].join('\n');
    expect(all.match(/offline data to/g)).toHaveLength(1);
    const footer = a.charts[0]?.footer ?? '';
    expect(footer.match(/offline data to Oct 8, 2026/g), 'and the chart’s footer').toHaveLength(1);
  });
});
