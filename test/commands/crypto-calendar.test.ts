/**
 * The second calendar: BTC-USD trades every day (one row per UTC day in BTC-USD.csv). Its own answers
 * run on its own days (a weekend asof is a real close; streaks and "sessions" count weekends); set
 * beside an exchange-traded series it is compared on NYSE days, and the answer says so. Expected
 * values come from plain loops over the CSVs (_naive.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import streak from '../../commands/streak.ts';
import perf from '../../commands/perf.ts';
import compare from '../../commands/compare.ts';
import { analyzeStreak } from '../../src/core/streaks.ts';
import { seriesFromCloses, sliceSeries } from '../../src/core/series.ts';
import { calendarFor, EVERY_DAY_CALENDAR, isTradingDay, NYSE_CALENDAR } from '../../src/data/calendar.ts';
import { realSeries } from '../core/_realdata.ts';
import { commandDriver, createTestApp } from '../_app.ts';
import { adjOnOrBefore, naiveReturn, naiveRows, naiveStreak } from './_naive.ts';

const app = createTestApp();
const { answer, answerOf } = commandDriver(app);
afterAll(() => app.close());

const MIXED = 'BTC-USD trades every day; beside SPY it is compared on NYSE trading days only (weekend moves count in the next session).';

describe('series calendars', () => {
  it('BTC-USD follows every day, the rest the NYSE', () => {
    expect(calendarFor('BTC-USD')).toBe(EVERY_DAY_CALENDAR);
    expect(calendarFor('SPY')).toBe(NYSE_CALENDAR);
    expect(calendarFor('XYZ', 'crypto'), 'by manifest kind too').toBe(EVERY_DAY_CALENDAR);
    expect(EVERY_DAY_CALENDAR.nextTradingDay('2026-10-03')).toBe('2026-10-04');
    expect(EVERY_DAY_CALENDAR.previousTradingDay('2026-03-01')).toBe('2026-02-28');
    // BTC-USD.csv has exactly one row per calendar day (data/README.md).
    const dates = naiveRows('BTC-USD').map((r) => r.date);
    for (let i = 1; i < dates.length; i++) expect(dates[i], dates[i - 1]).toBe(EVERY_DAY_CALENDAR.nextTradingDay(dates[i - 1] as string));
  });
});

describe('crypto answers on their own days', () => {
  it('a weekend asof is a real close for bitcoin: Sunday Oct 4, 2026', async () => {
    expect(isTradingDay('2026-10-04'), 'a Sunday').toBe(false);
    const a = await answerOf(perf, '/perf BTC-USD asof:2026-10-04');
    expect(a.asOf).toBe('2026-10-04');
    expect(a.warnings.join(' '), 'not moved back to Friday').not.toMatch(/not a trading day/);
    // 1d: Sunday over Saturday; 1w: seven calendar days back.
    expect(a.facts.returns['BTC-USD']?.['1d']).toBeCloseTo(naiveReturn('BTC-USD', '2026-10-03', '2026-10-04'), 12);
    expect(a.facts.returns['BTC-USD']?.['1w']).toBeCloseTo(naiveReturn('BTC-USD', '2026-09-27', '2026-10-04'), 12);
  });

  it('the same weekend asof for SPY is still Friday’s close', async () => {
    const a = await answerOf(perf, '/perf SPY asof:2026-10-04');
    expect(a.asOf).toBe('2026-10-02');
    expect(a.warnings).toContain('Oct 4, 2026 was not a trading day; answering as of the close of Oct 2, 2026.');
  });

  it('/drawdown BTC-USD counts "sessions" on its own days, weekends included', async () => {
    const a = await answer('/drawdown BTC-USD asof:2026-10-04');
    const rows = naiveRows('BTC-USD').filter((r) => r.date <= '2026-10-04');
    let peak = 0;
    for (let i = 1; i < rows.length; i++) if ((rows[i]?.close as number) >= (rows[peak]?.close as number)) peak = i;
    expect(a.facts.peakDate).toBe(rows[peak]?.date);
    expect(a.facts.sessionsSincePeak, 'every calendar day since the peak is a bitcoin session').toBe(rows.length - 1 - peak);
  });

  it('a streak across a weekend (and the NYSE’s July 4 holiday) counts every day', () => {
    // BTC-USD.csv: adj_close rose every day Jul 1–6, 2026 (Wed … Sat, Sun, Mon); against a flat series on
    // the same days, the streak ending Jul 6 is 6 days long.
    const btc = realSeries('BTC-USD');
    const upTo = sliceSeries(btc, 0, btc.dates.indexOf('2026-07-06') + 1);
    const flat = seriesFromCloses('FLAT', upTo.dates, upTo.dates.map(() => 1));
    const rows = naiveRows('BTC-USD').filter((r) => r.date <= '2026-07-06');
    let n = 0;
    for (let i = rows.length - 1; i >= 1 && (rows[i]?.adj as number) > (rows[i - 1]?.adj as number); i--) n++;
    expect(n, 'naive count over the CSV').toBe(6);
    const st = analyzeStreak(upTo, flat);
    expect(st.current?.length).toBe(n);
    expect(st.current?.startDate, 'the run starts Jul 1').toBe('2026-07-01');
  });
});

describe('bitcoin beside SPY: NYSE days, and said so', () => {
  it('/compare BTC-USD SPY measures both from the same NYSE day and warns once', async () => {
    const a = await answerOf(compare, '/compare BTC-USD SPY period:1m asof:2026-10-02');
    expect(a.asOf).toBe('2026-10-02');
    expect(a.facts.from).toBe('2026-09-02');
    expect(a.facts.returns['BTC-USD']).toBeCloseTo(adjOnOrBefore('BTC-USD', '2026-10-02').adj / adjOnOrBefore('BTC-USD', '2026-09-02').adj - 1, 12);
    expect(a.facts.returns.SPY).toBeCloseTo(naiveReturn('SPY', '2026-09-02', '2026-10-02'), 12);
    expect(a.warnings.filter((w) => w === MIXED)).toHaveLength(1);
  });

  it('/streak BTC-USD SPY counts on the common (NYSE) days', async () => {
    for (const asOf of ['2026-10-02', '2026-09-15', '2026-07-31']) {
      const a = await answerOf(streak, `/streak BTC-USD SPY asof:${asOf}`);
      expect(a.facts.current, asOf).toBe(naiveStreak('BTC-USD', 'SPY', asOf));
      expect(a.warnings).toContain(MIXED);
    }
  });

  it('an answer on exchange-traded series alone says nothing about calendars', async () => {
    const a = await answerOf(compare, '/compare QQQ SPY period:1m asof:2026-10-02');
    expect(a.warnings.join(' ')).not.toMatch(/every day/);
  });
});
