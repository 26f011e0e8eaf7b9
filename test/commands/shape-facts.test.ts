/**
 * Issue 13: the newsletter's shapes — declines from swing highs, bear markets inside longer drawdowns,
 * failed breakouts, round trips, intraday levels, week/month/quarter to date, prices as they traded, any
 * as-of date the asked symbols have, ties and "matches its record". Expected values come from plain loops
 * over the CSV text (_naive.ts) or from the file's own fields, never from src/.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import breakout from '../../commands/breakout.ts';
import chart from '../../commands/chart.ts';
import drawdown from '../../commands/drawdown.ts';
import compare from '../../commands/compare.ts';
import streak from '../../commands/streak.ts';
import { withDetail } from '../../src/answer/answer.ts';
import { createCommandRunner } from '../../src/command/run.ts';
import { createBundledProvider } from '../../src/data/bundled.ts';
import { createCachedMarketData } from '../../src/data/cache.ts';
import { createSymbolDirectory, loadManifest } from '../../src/data/symbols.ts';
import { openDatabase } from '../../src/store/db.ts';
import { commandDriver, createTestApp } from '../_app.ts';
import { naiveRows } from './_naive.ts';

const app = createTestApp({ commands: [breakout, drawdown, chart, compare, streak] });
afterAll(() => app.close());
const { answer } = commandDriver(app);

/** The CSV's raw fields on a date. */
function csvRow(symbol: string, date: string): Record<string, string> {
  const [head, ...lines] = readFileSync(new URL(`../../data/prices/${symbol}.csv`, import.meta.url), 'utf8').trim().split('\n');
  const keys = (head as string).split(',');
  const line = lines.find((l) => l.startsWith(`${date},`));
  if (!line) throw new Error(`${symbol}: no row on ${date}`);
  const f = line.split(',');
  return Object.fromEntries(keys.map((k, i) => [k, f[i] as string]));
}

describe('/drawdown: declines from swing highs', () => {
  it('IWM on Apr 8, 2025: −27.9% from the Nov 25, 2024 high, 0.07% short of the Nov 2021 record; a failed breakout', async () => {
    const rows = naiveRows('IWM').filter((r) => r.date <= '2025-04-08') as { date: string; close: number }[];
    const hi = rows.find((r) => r.date === '2024-11-25') as { close: number };
    const rec = rows.filter((r) => r.date < '2024-11-25').reduce((m, r) => (r.close > m.close ? r : m));
    const last = rows[rows.length - 1] as { date: string; close: number };
    expect([rec.date, rec.close, hi.close, last.close], 'IWM.csv').toEqual(['2021-11-08', 242.56, 242.4, 174.82]);
    const a = await answer('/drawdown IWM asof:2025-04-08');
    const d = a.facts.swingDecline as { highDate: string; depth: number; highFromRecord: number };
    expect(d.highDate).toBe('2024-11-25');
    expect(d.depth).toBeCloseTo(last.close / hi.close - 1, 12);
    expect(d.highFromRecord).toBeCloseTo(hi.close / rec.close - 1, 12);
    const text = a.lines.join('\n');
    expect(text).toContain(`IWM has fallen ${((1 - last.close / hi.close) * 100).toFixed(1)}% in 4 months from its Nov 25, 2024 high ($242.40), 0.07% short of its Nov 2021 record.`);
    // The prior 52-week high it cleared: the highest close of the year before Nov 25, 2024 (naive).
    const prior = rows.filter((r) => r.date > '2023-11-25' && r.date < '2024-11-25').reduce((m, r) => (r.close > m.close ? r : m));
    const next = rows[rows.findIndex((r) => r.date === '2024-11-25') + 1] as { date: string; close: number };
    expect([prior.date, prior.close, next.close < prior.close], 'fell back below it the next session').toEqual(['2024-11-11', 241.7, true]);
    expect(text).toContain('A failed breakout: IWM closed at a 52-week high on Nov 25, 2024, 0.07% short of its record, fell back below its Nov 11, 2024 high ($241.70) the next session and lost 27.9% over the next 4 months.');
  });

  it('QQQ lists 2008 (−53.6%, Oct 31, 2007 → Nov 20, 2008), a bear market inside the 2000–2015 drawdown', async () => {
    const rows = naiveRows('QQQ') as { date: string; close: number }[];
    const i = rows.findIndex((r) => r.date === '2007-10-31');
    const peak = rows[i] as { close: number };
    let low = peak as { date?: string; close: number };
    for (let k = i + 1; k < rows.length && (rows[k] as { close: number }).close < peak.close; k++) if ((rows[k] as { close: number }).close < low.close) low = rows[k] as { date: string; close: number };
    expect([low.date, low.close]).toEqual(['2008-11-20', 25.56]);
    const a = await answer('/drawdown QQQ');
    const bears = a.facts.bearMarketsInside as { highDate: string; troughDate: string; depth: number }[];
    const b = bears.find((x) => x.highDate === '2007-10-31');
    expect(b?.troughDate).toBe('2008-11-20');
    expect(b?.depth).toBeCloseTo(low.close / peak.close - 1, 12);
    expect(withDetail(a).lines.join('\n'), 'in the answer or behind More').toContain('**−53.6%** Oct 2007 → Nov 2008');
  });
});

describe('as-of dates on the asked symbols’ own calendars', () => {
  it('/drawdown ^GSPC asof:1987-10-19 answers (SPY starts in 1993)', async () => {
    const r = csvRow('^GSPC', '1987-10-19');
    const a = await answer('/drawdown ^GSPC asof:1987-10-19');
    expect(a.asOf).toBe('1987-10-19');
    expect(a.facts.close).toBe(Number(r.close));
    const peak = naiveRows('^GSPC').filter((x) => x.date <= '1987-10-19').reduce((m, x) => Math.max(m, x.close ?? 0), 0);
    expect(a.facts.depth).toBeCloseTo(Number(r.close) / peak - 1, 12);
  });
});

describe('prices as they traded', () => {
  it('/breakout XLK level:150 asof:2023-05-15: XLK traded at $152.20, above $150 (2:1 split of Dec 5, 2025 undone)', async () => {
    expect(csvRow('XLK', '2023-05-15').close).toBe('76.1000');
    const a = await answer('/breakout XLK level:150 asof:2023-05-15');
    expect(a.facts.close).toBeCloseTo(152.2, 10);
    expect(a.facts.levelAbove).toBe(true);
    expect(a.warnings.join(' ')).toContain('XLK prices are as traded on May 15, 2023, before its 2:1 split of Dec 5, 2025');
  });

  it('/chart IWM asof:2004-12-31 quotes $129.50, not $64.75', async () => {
    expect(csvRow('IWM', '2004-12-31').close).toBe('64.7500');
    const a = await answer('/chart IWM asof:2004-12-31');
    expect(a.lines.join(' ')).toContain('$129.50');
    expect(a.lines.join(' ')).not.toContain('$64.75');
  });

  it('look-ahead: the answer equals one from data cut at the as-of date and split-adjusted only up to it', async () => {
    const asOf = '2023-05-15';
    const dir = mkdtempSync(join(tmpdir(), 'tapebot-asof-'));
    for (const [sym, k] of [['SPY', 1], ['XLK', 2]] as const) {
      const [head, ...lines] = readFileSync(new URL(`../../data/prices/${sym}.csv`, import.meta.url), 'utf8').trim().split('\n');
      const kept = lines.filter((l) => l.slice(0, 10) <= asOf).map((l) => {
        const f = l.split(',');
        // Prices on the basis of the as-of date: before the 2:1 split, XLK's shares were worth twice as much.
        const px = (x: string) => (x === '' ? '' : String(Number(x) * k));
        return [f[0], px(f[1] as string), px(f[2] as string), px(f[3] as string), px(f[4] as string), f[5], f[6] === '' ? '' : String(Math.round(Number(f[6]) / k))].join(',');
      });
      writeFileSync(join(dir, `${sym}.csv`), [head, ...kept].join('\n') + '\n');
    }
    const manifest = loadManifest()
      .filter((e) => e.symbol === 'SPY' || e.symbol === 'XLK')
      .map((e) => ({ ...e, last: asOf, splits: e.splits.filter((x) => x.date <= asOf) }));
    const symbols = createSymbolDirectory(manifest);
    const market = createCachedMarketData({ db: openDatabase(':memory:'), upstream: createBundledProvider(dir), symbols, sourceLabel: 'cut' });
    const runner = createCommandRunner({ commands: [breakout, drawdown], market, symbols });
    for (const cmd of ['/breakout XLK level:150', '/drawdown XLK']) {
      const cut = await runner.runText(cmd);
      if (!cut.ok) throw new Error(cut.error.message);
      const full = await answer(`${cmd} asof:${asOf}`);
      expect(cut.answer.asOf).toBe(asOf);
      expect(cut.answer.lines, cmd).toEqual(full.lines);
      expect(cut.answer.facts, cmd).toEqual(full.facts);
    }
  });
});

describe('/breakout: intraday, precision, round trip', () => {
  it('KRE traded above $70 intraday on Nov 25, 2024 (high $70.25) but has not closed there since Mar 2022', async () => {
    const r = csvRow('KRE', '2024-11-25');
    expect([r.high, r.close]).toEqual(['70.2500', '68.9000']);
    const lastAbove = naiveRows('KRE').filter((x) => x.date < '2024-11-25' && (x.close ?? 0) > 70).pop();
    expect(lastAbove?.date).toBe('2022-03-30');
    const a = await answer('/breakout KRE 70 asof:2024-11-25');
    expect(a.lines.join('\n')).toContain('Intraday, KRE traded above $70 on Nov 25, 2024 (high $70.25) but closed at $68.90; it has not closed above it since Mar 2022.');
    expect(a.facts.intraday).toMatchObject({ what: 'level', high: 70.25, close: 68.9, lastCloseAbove: '2022-03-30' });
  });

  it('a failed breakout above a level (KRE $65, Dec 2024) is told apart from a retest that held (SPY $600, Jun 2025)', async () => {
    const kre = naiveRows('KRE').filter((r) => r.date >= '2024-12-13' && r.date <= '2024-12-20').map((r) => [r.date, (r.close ?? 0) > 65]);
    expect(kre, 'KRE.csv: above $65 on Dec 16 only').toEqual([
      ['2024-12-13', false],
      ['2024-12-16', true],
      ['2024-12-17', false],
      ['2024-12-18', false],
      ['2024-12-19', false],
      ['2024-12-20', false],
    ]);
    const k = await answer('/breakout KRE 65 asof:2024-12-20');
    expect(k.facts.levelOutcome).toMatchObject({ date: '2024-12-16', status: 'failed', fellBack: { date: '2024-12-17', sessions: 1 } });
    expect(withDetail(k).lines.join('\n'), 'in the answer or behind More').toContain('A failed breakout above $65: it first closed above on Dec 16, 2024 and fell back below the next session (Dec 17, 2024).');
    // SPY: first close above $600 on Jun 23, 2025; no close below it in the next 10 sessions, one within 2% above it.
    const spy = naiveRows('SPY').filter((r) => r.date >= '2025-06-20' && r.date <= '2025-07-08') as { date: string; close: number }[];
    expect(spy[0]?.close).toBeLessThanOrEqual(600);
    expect(spy[1]?.date).toBe('2025-06-23');
    expect(spy.slice(1, 12).every((r) => r.close > 600)).toBe(true);
    expect(spy.slice(2, 12).some((r) => r.close <= 612)).toBe(true);
    const s = await answer('/breakout SPY 600 asof:2025-07-15');
    expect(s.facts.levelOutcome).toMatchObject({ date: '2025-06-23', status: 'held' });
    expect(s.lines.join('\n')).toContain('Its retest of $600 held');
  });

  it('after a range breakout, the measured move: range height added to its top, labelled a projection', async () => {
    // SPY broke out of a 6-month range on May 26, 2023 (breakout.test.ts); the range from its start to May 25 (naive).
    const a = await answer('/breakout SPY asof:2023-05-26');
    const start = a.facts.rangeStart as string;
    const range = (naiveRows('SPY') as { date: string; close: number }[]).filter((r) => r.date >= start && r.date < '2023-05-26').map((r) => r.close);
    const hi = Math.max(...range);
    const lo = Math.min(...range);
    expect(a.facts.measuredMove).toBeCloseTo(hi + (hi - lo), 10);
    expect(withDetail(a).lines.join('\n'), 'in the answer or behind More').toContain(`Measured move: the range's height added to its top gives $${(2 * hi - lo).toFixed(2)} — a textbook technical projection, not a forecast or advice.`);
  });

  it('^RUT on Nov 25, 2024 is 0.03% short of its record, not "matching" it', async () => {
    const r = Number(csvRow('^RUT', '2024-11-25').close);
    const rec = naiveRows('^RUT').filter((x) => x.date < '2024-11-25').reduce((m, x) => Math.max(m, x.close ?? 0), 0);
    expect([r, rec]).toEqual([2442.03, 2442.74]);
    const a = await answer('/breakout ^RUT asof:2024-11-25');
    expect(a.lines.join('\n')).toContain(`It is ${((1 - r / rec) * 100).toFixed(2)}% short of its Nov 2021 record of 2,442.74.`);
    expect(a.lines.join('\n')).not.toContain('matches');
  });

  it('IWM on Aug 14, 2025 is back where it was at its Feb 2021 peak ($228.38), 4.5 years on', async () => {
    const a = await answer('/breakout IWM asof:2025-08-14');
    expect(a.lines.join('\n')).toContain('IWM is back where it was at its Feb 2021 peak ($228.38), 4.5 years on.');
  });
});

describe('/streak: a tie is a tie', () => {
  it('SPY and DIA both returned exactly 0 on May 8, 2018 (equal adj_close on May 7 and 8 in both files)', async () => {
    expect(csvRow('SPY', '2018-05-08').adj_close).toBe(csvRow('SPY', '2018-05-07').adj_close);
    expect(csvRow('DIA', '2018-05-08').adj_close).toBe(csvRow('DIA', '2018-05-07').adj_close);
    const a = await answer('/streak SPY DIA asof:2018-05-08');
    expect(a.lines[0]).toBe('SPY has no current streak: SPY and DIA tied on May 8, 2018, both returning 0.000%.');
    expect(a.lines.join(' ')).not.toContain('did better');
  });
});

describe('week, month and quarter to date', () => {
  it('/compare XBI SPY wtd: from the last close of the previous week (naive)', async () => {
    // Wed Oct 7, 2026 → the week began Mon Oct 5; base: the last close on or before Sun Oct 4 (Fri Oct 2).
    const ret = (sym: string, from: string) => {
      const rows = naiveRows(sym).filter((r) => r.date <= '2026-10-07');
      const base = rows.filter((r) => r.date <= from).pop() as { date: string; adj: number };
      return { base: base.date, r: (rows[rows.length - 1] as { adj: number }).adj / base.adj - 1 };
    };
    const xbi = ret('XBI', '2026-10-04');
    expect(xbi.base).toBe('2026-10-02');
    const a = await answer('/compare XBI SPY wtd asof:2026-10-07');
    expect(a.facts.from).toBe('2026-10-02');
    expect((a.facts.returns as Record<string, number>).XBI).toBeCloseTo(xbi.r, 12);
    expect(a.lines.join(' ')).toContain('week to date');
    // Month and quarter to date on Oct 7, 2026: both from Sep 30, 2026.
    const m = await answer('/compare XBI SPY mtd asof:2026-10-07');
    expect(m.facts.from).toBe('2026-09-30');
    expect((m.facts.returns as Record<string, number>).XBI).toBeCloseTo(ret('XBI', '2026-09-30').r, 12);
    const q = await answer('/compare XBI SPY qtd asof:2026-10-07');
    expect(q.facts.from).toBe('2026-09-30');
  });
});
