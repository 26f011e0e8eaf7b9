import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import compare from '../../commands/compare.ts';
import type { LineSeriesSpec, TimeChartSpec } from '../../src/answer/chart-spec.ts';
import rotation from '../../commands/rotation.ts';
import streak from '../../commands/streak.ts';
import { commandDriver, createTestApp } from '../_app.ts';
import { naiveReturn, naiveRows, naiveStreak } from './_naive.ts';
import { withDetail } from '../../src/answer/answer.ts';

const app = createTestApp();
afterAll(() => app.close());
const { answer, answerOf, refusal } = commandDriver(app);


describe('/rotation', () => {
  it('quotes new highs in dollars, index levels in points, and says once when a symbol has no price (Jul 16, 2024)', async () => {
    // SPY's and ^GSPC's closes that day, read from data/prices; DIA has no close Apr 12, 2024 – Mar 19, 2026 (data/README.md).
    const close = (s: string) => (naiveRows(s).find((r) => r.date === '2024-07-16')?.close as number).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    const dia = await answerOf(rotation, '/rotation small:DIA asof:2024-07-16');
    const text = withDetail(dia).lines.join('\n');
    expect(text).toContain(`DIA closed at an all-time high; SPY closed at an all-time high at $${close('SPY')}.`);
    expect(dia.basis?.match(/No price is available for DIA/g)).toHaveLength(1);
    const idx = await answerOf(rotation, '/rotation small:^RUT large:^GSPC asof:2024-07-16');
    expect(withDetail(idx).lines.join('\n'), 'an index level is not dollars').toContain(`^GSPC closed at an all-time high at ${close('^GSPC')}.`);
    expect(idx.basis).not.toMatch(/No price/);
  });

  it('reports year-to-date total returns as of a past close, matching a naive calculation over the CSVs', async () => {
    const a = await answerOf(rotation, '/rotation asof:2025-06-30');
    expect(a.asOf).toBe('2025-06-30');
    // ytd base: the last close of 2024 (Dec 31, 2024).
    expect(a.facts.smallReturn).toBeCloseTo(naiveReturn('IWM', '2024-12-31', '2025-06-30'), 10);
    expect(a.facts.largeReturn).toBeCloseTo(naiveReturn('SPY', '2024-12-31', '2025-06-30'), 10);
    expect(a.facts.megaReturn).toBeCloseTo(naiveReturn('MAGS', '2024-12-31', '2025-06-30'), 10);
    expect(a.facts.from).toBe('2024-12-31');
    expect(a.lines.length, 'a strategist’s 3–6 lines').toBeGreaterThanOrEqual(3);
    expect(a.lines.length).toBeLessThanOrEqual(7);
    expect(a.charts).toHaveLength(1);
    expect(a.period).toEqual({ option: 'period', value: 'ytd' });
  }, 60_000);

  it('counts the current out-performance streak the way a naive loop does', async () => {
    for (const d of ['2025-06-30', '2026-01-21', '2026-08-21', '2024-11-08']) {
      const a = await answerOf(rotation, `/rotation asof:${d}`);
      const smallStreak = naiveStreak('IWM', 'SPY', d);
      const largeStreak = naiveStreak('SPY', 'IWM', d);
      const expected = smallStreak > 0 ? { leader: 'IWM', n: smallStreak } : largeStreak > 0 ? { leader: 'SPY', n: largeStreak } : { leader: null, n: 0 };
      expect({ leader: a.facts.streakLeader, n: a.facts.streakLength }, `streak as of ${d}`).toEqual(expected);
    }
  });

  it('falls back to QQQ for mega caps before MAGS existed, and says so', async () => {
    const a = await answerOf(rotation, '/rotation period:1y asof:2023-06-30');
    expect(a.facts.mega).toBe('QQQ');
    expect(a.warnings.join(' ')).toMatch(/MAGS.*QQQ/);
    expect(a.facts.megaReturn).toBeCloseTo(naiveReturn('QQQ', '2022-06-30', '2023-06-30'), 10);
  });

  it('when the small-cap proxy’s data ends early, mega caps are cut at that day too (no later closes)', async () => {
    // Data v2: TOST's data ends Sep 15, 2026 and MAGS's Oct 1 (KRE, the old example, now runs to Oct 8):
    // without asof the answer is as of Sep 15, and MAGS must be measured to Sep 15 as well, exactly as
    // an explicit asof:2026-09-15 does.
    const a = await answerOf(rotation, '/rotation small:TOST');
    expect(a.asOf).toBe('2026-09-15');
    expect(a.facts.megaReturn).toBeCloseTo(naiveReturn('MAGS', '2025-12-31', '2026-09-15'), 10);
    expect(a.facts.megaReturn, 'not MAGS through Oct 1').not.toBeCloseTo(naiveReturn('MAGS', '2025-12-31', '2026-10-01'), 4);
    // Issue 12: the whole answer is as of TOST's last close, and its first line says so.
    expect(a.lines.join(' ')).toBe(`As of Sep 15, the last close I have for TOST: ${(await answerOf(rotation, '/rotation small:TOST asof:2026-09-15')).lines.join(' ')}`);
  });

  it('a weekend is the Friday close; a trading day after the latest close is refused', async () => {
    // Data v2 ends Thu Oct 8, 2026 (pinned: the old Aug 21 end was a Friday). Oct 3–4 is a weekend;
    // Fri Oct 9 is a trading day the data lacks, and so is the weekend after it.
    // Issue 12: /rotation after MAGS's last close (Oct 1) is as of Oct 1 as a whole, so the weekend is Sep 26–27.
    const a = await answerOf(rotation, '/rotation asof:2026-09-27');
    expect(a.asOf).toBe('2026-09-25');
    expect(a.warnings).toContain('Sep 27, 2026 was not a trading day; answering as of the close of Sep 25, 2026.');
    expect(await refusal('/rotation asof:2026-10-09')).toMatch(/Oct 9, 2026 is after the latest close I have \(Oct 8, 2026\)/);
    expect(await refusal('/rotation asof:2026-10-10')).toMatch(/Oct 10, 2026 is after the latest close I have \(Oct 8, 2026\)/);
  });

  it('its chart ends where the text’s returns do: rebased at the period’s start, the period highlighted over a short lead-in', async () => {
    // Jan 3, 2023 is one session into the year: the chart shows about a month, rebased on Dec 30, 2022.
    const a = await answerOf(rotation, '/rotation asof:2023-01-03');
    const c = a.charts[0] as TimeChartSpec;
    const line = (label: string) => (c.panels[0]?.series.find((x) => x.label === label) as LineSeriesSpec).values;
    const iwm = line('IWM (small)');
    expect(iwm[iwm.length - 1]).toBeCloseTo(100 * (1 + naiveReturn('IWM', '2022-12-30', '2023-01-03')), 9);
    expect(iwm[c.dates.indexOf('2022-12-30')], '100 on the period’s start').toBeCloseTo(100, 12);
    expect(iwm[0], 'earlier sessions are drawn too').not.toBeNull();
    expect(c.dates.length, 'a month of context, not three').toBeLessThanOrEqual(22);
    expect(c.shade?.[0], 'the one session of the year, highlighted').toMatchObject({ from: '2023-01-03', to: '2023-01-03', label: 'YTD' });
  });

  it('answers a weekend asof as of the Friday close and says so', async () => {
    const a = await answerOf(rotation, '/rotation asof:2025-06-29');
    expect(a.asOf, 'Jun 29, 2025 was a Sunday').toBe('2025-06-27');
    expect(a.warnings.join(' ')).toMatch(/not a trading day/);
  });
});

describe('/compare', () => {
  it('ranks returns over the period and reports the spread', async () => {
    const a = await answerOf(compare, '/compare IWM SPY QQQ period:1y asof:2026-01-21');
    const expected = Object.fromEntries(['IWM', 'SPY', 'QQQ'].map((s) => [s, naiveReturn(s, '2025-01-21', '2026-01-21')]));
    for (const [s, r] of Object.entries(expected)) expect(a.facts.returns[s], s).toBeCloseTo(r, 10);
    const sorted = Object.entries(expected).sort((x, y) => y[1] - x[1]);
    expect(a.facts.leader).toBe(sorted[0]?.[0]);
    expect(a.facts.spread).toBeCloseTo((sorted[0]?.[1] ?? 0) - (sorted[2]?.[1] ?? 0), 10);
    expect(a.lines[0]).toContain(`**${sorted[0]?.[0]} leads**`);
  });

  it('says an index’s return is a price return, and that dividends are part of its gap to a fund', async () => {
    // data/README.md: index files carry adj_close = close (no dividends).
    const a = await answerOf(compare, '/compare SPX SPY period:5y asof:2026-08-21');
    // One basis, said once: in the basis note, the first line and the chart's subtitle alike (issue 12).
    expect(a.basis).toBe('Returns: price return for SPX, total return for SPY (dividends reinvested); part of the gap between them is dividends.');
    expect(a.lines[0]).toMatch(/\(.* apart, SPX without dividends\)\.$/);
    expect(a.charts[0]?.subtitle).toMatch(/^Price return for SPX, total return for SPY; rebased to 100 on /);
    expect(a.warnings.join(' '), 'not said twice').not.toContain('dividends');
    const funds = await answerOf(compare, '/compare IWM SPY period:5y asof:2026-08-21');
    expect(funds.basis, 'funds alone: total return, no note').not.toContain('index');
    expect(funds.warnings.join(' ')).not.toContain('price index');
    const both = await answerOf(compare, '/compare SPX RUT period:1y asof:2026-08-21');
    expect(both.basis).toBe('Returns are price returns: SPX and RUT have no dividends in their data.');
    expect(both.lines[0]).toMatch(/, price return\)\.$/);
    expect(both.charts[0]?.subtitle).toMatch(/^Price return rebased to 100 on /);
    expect(both.warnings.join(' '), 'two indexes compare like with like').not.toContain('dividends');
  });

  it('works with index aliases and since:DATE', async () => {
    const a = await answerOf(compare, '/compare spx rut since:2026-06-01 asof:2026-08-21');
    // since:2026-06-01 → base is the last close on or before Jun 1, 2026 (a Monday, so Jun 1 itself).
    expect(a.facts.from).toBe('2026-06-01');
    expect(a.facts.returns['^GSPC']).toBeCloseTo(naiveReturn('^GSPC', '2026-06-01', '2026-08-21'), 10);
  });
});

describe('/streak', () => {
  it('matches a naive count in both directions on several dates', async () => {
    for (const d of ['2026-01-21', '2025-03-14', '2026-08-21']) {
      const a = await answerOf(streak, `/streak IWM SPY asof:${d}`);
      expect(a.facts.current, `IWM over SPY as of ${d}`).toBe(naiveStreak('IWM', 'SPY', d));
      expect(a.facts.opposite, `SPY over IWM as of ${d}`).toBe(a.facts.current === 0 ? naiveStreak('SPY', 'IWM', d) : 0);
    }
  });

  it('lists record streaks longest first', async () => {
    const a = await answerOf(streak, '/streak XLE XLK');
    expect(a.lines.join('\n')).toMatch(/Longest on record: \d+ \(/);
    expect(a.facts.record).toBeGreaterThanOrEqual(a.facts.current);
  });
});

describe('/help', () => {
  it('lists every command from the declarations and explains one', async () => {
    const all = await answer('/help');
    for (const c of app.runner.commands) expect(all.lines.join('\n')).toContain(`/${c.name}`);
    const one = await answer('/help compare');
    expect(one.lines.join('\n')).toContain('/compare SYMBOLS...');
  });

  it('lists every bundled symbol, which an unknown symbol with nothing close points to', async () => {
    const manifest = JSON.parse(readFileSync(new URL('../../data/manifest.json', import.meta.url), 'utf8')) as { symbol: string }[];
    const all = (await answer('/help')).lines.join('\n');
    for (const { symbol } of manifest) expect(all, symbol).toMatch(new RegExp(`[ :]${symbol.replace('^', '\\^')}[ (]`));
    expect(all, '/help says how many symbols are offline and how to get any ticker').toContain(
      `I have ${manifest.length} symbols offline (/help lists them). Any other ticker needs a live provider (set DATA_PROVIDERS=yahoo; no key needed).`,
    );
    expect(await refusal('/compare QWERTYUIOP SPY')).toMatch(new RegExp(`I have ${manifest.length} symbols offline, such as SPY, .*; /help lists them all\\. Any other ticker needs a live provider \\(set DATA_PROVIDERS=yahoo`));
  });
});

describe('bad input gets a clear, friendly refusal', () => {
  it.each([
    ['/rotation asof:2027-01-04', /after the latest close I have \(Oct 8, 2026\)/],
    ['/compare IWM SPY asof:1995-01-03', /IWM has no data on or before/],
    ['/compare IWM SPY asof:1990-01-02', /before the start of the data \(Jan 29, 1993\)/],
    // A real date long before any data is out of range, not unreadable (it read "not a date I can read").
    ['/breakout SPY asof:1890-01-02', /^Jan 2, 1890 is before the start of the data \(Jan 29, 1993\)/],
    ['/compare IWM SPY period:5y asof:2002-01-02', /not far enough back/],
    ['/streak IWM IWM', /different/],
    ['/compare IWM SPY period:9999-12-31', /since:9999-12-31 is not before the close this answer is as of \(Oct 8, 2026\)/],
    ['/compare IWM SPY since:2026-01-21 asof:2026-01-21', /is not before the close this answer is as of \(Jan 21, 2026\)/],
    ['/rotaton', /Did you mean \/rotation/],
    ['/compare FOO SPY', /I don't know the symbol `FOO`/],
  ])('%s', async (text, message) => {
    expect(await refusal(text)).toMatch(message);
  });
});
