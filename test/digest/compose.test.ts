/** The close digest on real closes, checked against plain loops over the CSVs. */
import { afterAll, describe, expect, it } from 'vitest';
import type { Answer } from '../../src/answer/answer.ts';
import { composeCloseDigest, composeDigest, DataNotReadyError, marketInputs, MAX_DIGEST_LINES, SECTOR_SYMBOLS } from '../../src/digest/compose.ts';
import { createTestApp } from '../_app.ts';
import { naiveRows, naiveStreak, type NaiveRow } from '../commands/_naive.ts';
import { spyDates } from './_fakes.ts';

const app = createTestApp();
afterAll(() => app.close());

const digest = (day: string, watchlist: string[] = []) => composeCloseDigest(marketInputs(app.market, day, watchlist));

/** The day's total return straight from the CSV. */
function dayRet(symbol: string, day: string): number {
  const r = naiveRows(symbol);
  const i = r.findIndex((x) => x.date === day);
  return (r[i] as NaiveRow).adj / (r[i - 1] as NaiveRow).adj - 1;
}

describe('the close digest', () => {
  it('reports the four index moves of the day as the CSV has them', async () => {
    const a = await digest('2025-04-09');
    for (const s of ['SPY', 'QQQ', 'IWM', 'DIA']) expect(a.facts.returns[s], s).toBeCloseTo(dayRet(s, '2025-04-09'), 12);
    // Apr 9, 2025: the tariff-pause rally, SPY's best day since 2008 (+10.5%).
    expect(a.lines[0]).toMatch(/^Stocks rose: \*\*SPY \+10\.50%\*\*/);
    expect(a.asOf).toBe('2025-04-09');
    expect(a.charts).toHaveLength(1);
  });

  it('names the sector leader and laggard the CSV gives, and the current small-vs-large streak', async () => {
    for (const day of ['2025-03-10', '2025-07-03', '2025-11-21']) {
      const a = await digest(day);
      const rets = SECTOR_SYMBOLS.map((s) => ({ s, r: dayRet(s, day) })).sort((x, y) => y.r - x.r);
      expect(a.facts.sectorLeader, day).toBe(rets[0]?.s);
      expect(a.facts.sectorLaggard, day).toBe(rets[rets.length - 1]?.s);
      const iwm = naiveStreak('IWM', 'SPY', day);
      const spy = naiveStreak('SPY', 'IWM', day);
      expect(a.facts.streakLength, `${day}: streak`).toBe(iwm > 0 ? iwm : spy);
    }
  });

  it('stays within 8 lines and one chart on every day of 2025, and a quiet day is short', async () => {
    const lengths = new Map<string, number>();
    for (const day of spyDates('2025-01-02', '2025-12-31')) {
      const a = await digest(day, ['XLE', 'KRE', 'XBI', 'IBB', 'XLK', 'XLU', 'XLF', 'XLV', 'MAGS', '^RUT']);
      expect(a.lines.length, day).toBeLessThanOrEqual(MAX_DIGEST_LINES);
      expect(a.charts, day).toHaveLength(1);
      lengths.set(day, a.lines.length);
    }
    // The quietest day of 2025 by the CSV: smallest largest absolute index move.
    const quiet = [...lengths.keys()].map((d) => ({ d, m: Math.max(...['SPY', 'QQQ', 'IWM', 'DIA'].map((s) => Math.abs(dayRet(s, d)))) })).sort((x, y) => x.m - y.m)[0];
    const q = await digest(quiet?.d as string);
    expect(q.lines.length, `${quiet?.d} was quiet: ${q.lines.join(' | ')}`).toBeLessThanOrEqual(3);
    expect(Math.max(...lengths.values()), 'busy days say more').toBeGreaterThan(4);
  }, 60_000);

  it('reports a watchlist symbol’s new 52-week high on the day the CSV shows one', async () => {
    // First 2025 close of XLU strictly above every close of the year before it (plain loop).
    const r = naiveRows('XLU');
    const day = r.find((x, i) => {
      if (x.date < '2025-01-02') return false;
      const yearAgo = `${Number(x.date.slice(0, 4)) - 1}${x.date.slice(4)}`;
      return r.slice(0, i).every((y) => y.date <= yearAgo || (y.close as number) < (x.close as number));
    })?.date as string;
    const a = await digest(day, ['XLU']);
    expect(a.lines.join('\n'), `XLU on ${day}`).toMatch(/\*\*XLU\*\* closed at (a 52-week high|a record)/);
  });

  it('quotes a price where the CSV has a close, and says once that DIA, XBI and IBB have none (Jul 16, 2024)', async () => {
    // DIA's close is empty Apr 12, 2024 – Mar 19, 2026, XBI's Dec 14, 2020 – Mar 19, 2026, IBB's Apr 5, 2021 – Mar 30, 2026
    // (data/README.md); on Jul 16, 2024 SPY and DIA closed at a record, IWM and IBB at a 52-week high, XBI broke out.
    const a = await digest('2024-07-16', ['XBI', 'IBB']);
    const spy = naiveRows('SPY').find((r) => r.date === '2024-07-16') as NaiveRow;
    const text = a.lines.join('\n');
    expect(text).toContain(`**SPY** ($${(spy.close as number).toFixed(2)}) and **DIA** closed at a record`);
    expect(text, 'no per-line basis note').not.toMatch(/total-return basis/);
    for (const s of ['DIA', 'XBI', 'IBB']) expect(text).toContain(`**${s}**`);
    expect(a.basis?.match(/No price is available/g), 'said once').toHaveLength(1);
    expect(a.basis).toContain('No price is available for DIA, XBI and IBB');
    // Oct 6, 2026: SPY and QQQ closed at a record (their peaks in /drawdown); every close exists by then.
    const plain = await digest('2026-10-06');
    expect(plain.lines.join('\n')).toMatch(/\*\*SPY\*\* \(\$[\d,]+\.\d\d\)/);
    expect(plain.basis, 'every close there: nothing to say').not.toMatch(/No price/);
  });

  it('refuses a day without a close rather than reporting an older one', async () => {
    await expect(digest('2025-01-09'), 'the Carter closure has no close').rejects.toBeInstanceOf(DataNotReadyError);
  });

  it('the rotation and sectors presets are the commands’ answers as of the day', async () => {
    const run = app.runner.invoke;
    const rot: Answer = await composeDigest('rotation', marketInputs(app.market, '2025-06-30', []), run);
    expect(rot.command).toBe('rotation');
    expect(rot.asOf).toBe('2025-06-30');
    const sec: Answer = await composeDigest('sectors', marketInputs(app.market, '2025-06-30', []), run);
    expect(sec.command).toBe('leaders');
    expect(sec.asOf).toBe('2025-06-30');
    expect(sec.args.preset).toBe('sectors');
  });

  it('the scan preset is /scan all stocks as of the day', async () => {
    const a: Answer = await composeDigest('scan', marketInputs(app.market, '2025-05-12', []), app.runner.invoke);
    expect(a.command).toBe('scan');
    expect(a.asOf).toBe('2025-05-12');
    expect(a.args.preset).toBe('scan');
    expect(a.lines.join('\n'), 'the April 2025 sell-off left snapbacks among the stocks').toMatch(/\*\*Snapback\*\* \([1-9]\d*\): HOOD /);
    expect(a.charts[0]?.kind).toBe('multiples');
  });
});
