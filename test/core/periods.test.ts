import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  NAMED_PERIODS,
  describePeriod,
  formatPeriod,
  parsePeriod,
  periodBaseIndex,
  periodLabel,
  periodToDateBase,
  priorPeriodBaseIndex,
  describePriorPeriod,
} from '../../src/core/periods.ts';
import type { NamedPeriod, Period } from '../../src/core/periods.ts';
import { realSeries } from './_realdata.ts';

const named = (name: NamedPeriod): Period => ({ kind: 'named', name });
const since = (date: string): Period => ({ kind: 'since', date });

describe('parsePeriod', () => {
  it('accepts every canonical name, in any case', () => {
    for (const name of NAMED_PERIODS) {
      expect(parsePeriod(name), name).toEqual(named(name));
      expect(parsePeriod(` ${name.toUpperCase()} `), `${name} upper-case, padded`).toEqual(named(name));
    }
  });

  it('accepts the friendly aliases', () => {
    const aliases: [string, NamedPeriod][] = [
      ['1mo', '1m'], ['3mo', '3m'], ['6MO', '6m'], ['12m', '1y'],
      ['week', '1w'], ['Month', '1m'], ['year', '1y'], ['ALL', 'max'],
    ];
    for (const [text, name] of aliases) expect(parsePeriod(text), text).toEqual(named(name));
  });

  it('reads since:DATE, since DATE and a bare date as "since"', () => {
    expect(parsePeriod('since:2026-06-01')).toEqual(since('2026-06-01'));
    expect(parsePeriod('SINCE:2026-06-01')).toEqual(since('2026-06-01'));
    expect(parsePeriod('since 2026-06-01')).toEqual(since('2026-06-01'));
    expect(parsePeriod('2024-02-29'), 'a leap day exists in 2024').toEqual(since('2024-02-29'));
  });

  it('rejects dates that are not on the calendar, and unknown words', () => {
    expect(parsePeriod('2023-02-29'), '2023 is not a leap year').toBeNull();
    expect(parsePeriod('since:2026-13-01')).toBeNull();
    // Issue 12: dates in the forms people type (2026-6-1, 06/01/2026) are read as well.
    expect(parsePeriod('since:2026-6-1')).toEqual({ kind: 'since', date: '2026-06-01' });
    expect(parsePeriod('since:2026-6-31'), 'June has 30 days').toBeNull();
    expect(parsePeriod('since:')).toBeNull();
    expect(parsePeriod('2y')).toBeNull();
    expect(parsePeriod('')).toBeNull();
    expect(parsePeriod('fortnight')).toBeNull();
  });

  it('round-trips through formatPeriod', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constantFrom(...NAMED_PERIODS).map(named),
          fc
            .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
            .map((d) => since(d.toISOString().slice(0, 10))),
        ),
        (p) => {
          expect(parsePeriod(formatPeriod(p)), formatPeriod(p)).toEqual(p);
        },
      ),
    );
  });
});

describe('formatPeriod / describePeriod / periodLabel', () => {
  it('gives the canonical token', () => {
    expect(formatPeriod(named('1m'))).toBe('1m');
    expect(formatPeriod(named('ytd'))).toBe('ytd');
    expect(formatPeriod(since('2026-06-01'))).toBe('since:2026-06-01');
  });

  it('describes each period in prose', () => {
    const prose: Record<NamedPeriod, string> = {
      '1d': 'on the day',
      '1w': 'over the past week',
      '1m': 'over the past month',
      '3m': 'over the past 3 months',
      '6m': 'over the past 6 months',
      ytd: 'year to date',
      '1y': 'over the past year',
      '3y': 'over the past 3 years',
      '5y': 'over the past 5 years',
      max: 'over the full history',
      wtd: 'week to date',
      mtd: 'month to date',
      qtd: 'quarter to date',
    };
    for (const name of NAMED_PERIODS) expect(describePeriod(named(name)), name).toBe(prose[name]);
    expect(describePeriod(since('2026-06-01'))).toBe('since Jun 1, 2026');
  });

  it('labels columns', () => {
    const labels = ['1D', '1W', '1M', '3M', '6M', 'YTD', '1Y', '3Y', '5Y', 'Max', 'WTD', 'MTD', 'QTD'];
    expect(NAMED_PERIODS.map((n) => periodLabel(named(n)))).toEqual(labels);
    expect(periodLabel(since('2026-06-01'))).toBe('Since Jun 1, 2026');
  });
});

describe('periodBaseIndex (hand-made calendars)', () => {
  it("'1d' is the previous close, and needs one", () => {
    const dates = ['2026-01-02', '2026-01-05', '2026-01-06'];
    expect(periodBaseIndex(dates, named('1d'), 2)).toBe(1);
    expect(periodBaseIndex(dates, named('1d'), 0), 'no close before the first').toBe(-1);
  });

  it("'1w' falls back to the last close before a market closure", () => {
    // 2025-01-16 − 7 days = 2025-01-09, the day markets closed for President Carter's funeral.
    const dates = ['2025-01-07', '2025-01-08', '2025-01-10', '2025-01-16'];
    expect(periodBaseIndex(dates, named('1w'), 3), 'base is Jan 8').toBe(1);
  });

  it("'1m' from a month end clamps to the shorter month's last day", () => {
    // 2023-03-31 − 1 month = 2023-02-28 (not Mar 3); an overflowing calendar would pick Mar 1.
    const dates = ['2023-02-27', '2023-02-28', '2023-03-01', '2023-03-31'];
    expect(periodBaseIndex(dates, named('1m'), 3)).toBe(1);
  });

  it("'1y' from a leap day lands on Feb 28", () => {
    const dates = ['2023-02-27', '2023-02-28', '2023-03-01', '2024-02-29'];
    expect(periodBaseIndex(dates, named('1y'), 3)).toBe(1);
  });

  it("'wtd' starts from the last close of the previous week, through a holiday Friday", () => {
    // Good Friday 2024-03-29 was a market holiday: the week of Mon Apr 1 starts from Thu Mar 28's close.
    const dates = ['2024-03-27', '2024-03-28', '2024-04-01', '2024-04-02', '2024-04-03'];
    expect(periodBaseIndex(dates, named('wtd'), 4), 'Wed Apr 3 → Thu Mar 28').toBe(1);
    expect(periodBaseIndex(dates, named('wtd'), 2), 'on the Monday itself, still the previous week').toBe(1);
    expect(periodToDateBase('2024-04-07', 'wtd'), 'a Sunday belongs to its Monday-to-Sunday week').toBe('2024-03-31');
  });

  it("'mtd' and 'qtd' start from the last close of the previous month / quarter, across a year end", () => {
    // Thu Jan 2, 2025 (the first session of the year): month and quarter start from Dec 31, 2024; its week
    // began Mon Dec 30, so wtd starts from Fri Dec 27.
    const dates = ['2024-09-30', '2024-12-27', '2024-12-30', '2024-12-31', '2025-01-02'];
    for (const p of ['mtd', 'qtd'] as const) expect(periodBaseIndex(dates, named(p), 4), p).toBe(3);
    expect(periodBaseIndex(dates, named('wtd'), 4), 'wtd: Dec 27').toBe(1);
    // Nov 15, 2024: mtd from Oct 31; qtd from Sep 30.
    const d2 = ['2024-09-27', '2024-09-30', '2024-10-31', '2024-11-15'];
    expect(periodBaseIndex(d2, named('mtd'), 3)).toBe(2);
    expect(periodBaseIndex(d2, named('qtd'), 3)).toBe(1);
    expect(periodToDateBase('2024-05-15', 'qtd')).toBe('2024-03-31');
    expect(periodToDateBase('2024-03-01', 'mtd'), 'leap February').toBe('2024-02-29');
  });

  it('parses wtd, mtd and qtd with their labels and prose', () => {
    expect(parsePeriod('WTD')).toEqual(named('wtd'));
    expect(periodLabel(named('qtd'))).toBe('QTD');
    expect(describePeriod(named('mtd'))).toBe('month to date');
  });

  it("'3m' and '6m' count calendar months", () => {
    // 2024-05-31 − 3m = 2024-02-29; − 6m = 2023-11-30.
    const dates = ['2023-11-29', '2023-11-30', '2023-12-01', '2024-02-28', '2024-02-29', '2024-03-01', '2024-05-31'];
    expect(periodBaseIndex(dates, named('3m'), 6)).toBe(4);
    expect(periodBaseIndex(dates, named('6m'), 6)).toBe(1);
  });

  it("'ytd' measures from the prior year's last close", () => {
    const dates = ['2024-12-30', '2024-12-31', '2025-01-02', '2025-03-03'];
    expect(periodBaseIndex(dates, named('ytd'), 3)).toBe(1);
    expect(periodBaseIndex(dates, named('ytd'), 2), 'on the first trading day of the year too').toBe(1);
    // No close on Dec 31, 2020 in this calendar: the base is the close before it.
    expect(periodBaseIndex(['2020-12-30', '2021-01-04', '2021-06-01'], named('ytd'), 2)).toBe(0);
  });

  it("'since' uses the last close on or before the date, never later than the end", () => {
    const dates = ['2026-05-28', '2026-05-29', '2026-06-01', '2026-06-02', '2026-06-03'];
    expect(periodBaseIndex(dates, since('2026-06-01'), 4), 'a trading day: that close').toBe(2);
    expect(periodBaseIndex(dates, since('2026-05-31'), 4), 'a Sunday: the Friday close').toBe(1);
    expect(periodBaseIndex(dates, since('2026-06-03'), 2), 'a date after the end: the end itself').toBe(2);
    expect(periodBaseIndex(dates, since('2026-05-01'), 4), 'before the data: not enough').toBe(-1);
  });

  it('returns −1 when the data does not reach back, except for max', () => {
    const dates = ['2025-06-02', '2025-06-03', '2026-06-02'];
    expect(periodBaseIndex(dates, named('3y'), 2)).toBe(-1);
    expect(periodBaseIndex(dates, named('1y'), 2), 'target equals the first date: enough').toBe(0);
    expect(periodBaseIndex(dates, named('max'), 2)).toBe(0);
    expect(periodBaseIndex(dates, named('max'), 0), 'max from the first row is the row itself').toBe(0);
  });

  it('ignores rows after the end index', () => {
    const dates = ['2026-01-02', '2026-01-05', '2026-01-06', '2026-02-06'];
    expect(periodBaseIndex(dates, since('2026-02-06'), 1)).toBe(1);
  });

  it('refuses an end index outside the dates', () => {
    expect(() => periodBaseIndex(['2026-01-02'], named('1d'), 1)).toThrow(RangeError);
    expect(() => periodBaseIndex([], named('max'), -1)).toThrow(RangeError);
  });

  it('matches a naive scan with an independently computed target date', () => {
    // Reference: target date by Date.UTC arithmetic (clamping the day to the target month's length by
    // hand), then a linear scan for the last date <= target.
    const MONTHS: Partial<Record<NamedPeriod, number>> = { '1m': 1, '3m': 3, '6m': 6, '1y': 12, '3y': 36, '5y': 60 };
    const iso = (t: number): string => new Date(t).toISOString().slice(0, 10);
    const reference = (dates: readonly string[], name: NamedPeriod, end: number): number => {
      if (name === 'max') return 0;
      if (name === '1d') return end - 1;
      const [y, m, d] = (dates[end] as string).split('-').map(Number) as [number, number, number];
      let target: string;
      if (name === 'ytd') target = `${y - 1}-12-31`;
      else if (name === '1w') target = iso(Date.UTC(y, m - 1, d) - 7 * 86_400_000);
      // The day before this Monday (getUTCDay: Sunday 0 … Saturday 6), month or quarter.
      else if (name === 'wtd') target = iso(Date.UTC(y, m - 1, d) - (((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1) * 86_400_000);
      else if (name === 'mtd') target = iso(Date.UTC(y, m - 1, 0));
      else if (name === 'qtd') target = iso(Date.UTC(y, Math.floor((m - 1) / 3) * 3, 0));
      else {
        const back = MONTHS[name] as number;
        const monthIndex = y * 12 + (m - 1) - back;
        const ty = Math.floor(monthIndex / 12);
        const tm = monthIndex % 12;
        const daysInMonth = new Date(Date.UTC(ty, tm + 1, 0)).getUTCDate();
        target = iso(Date.UTC(ty, tm, Math.min(d, daysInMonth)));
      }
      let found = -1;
      for (let i = 0; i <= end; i++) if ((dates[i] as string) <= target) found = i;
      return found;
    };
    // A synthetic weekday calendar, Mon–Fri of 2019–2021, with every 7th weekday removed as a "holiday".
    const dates: string[] = [];
    let weekday = 0;
    for (let t = Date.UTC(2019, 0, 1); t <= Date.UTC(2021, 11, 31); t += 86_400_000) {
      const day = new Date(t).getUTCDay();
      if (day !== 0 && day !== 6 && ++weekday % 7 !== 0) dates.push(iso(t));
    }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: dates.length - 1 }), fc.constantFrom(...NAMED_PERIODS), (end, name) => {
        expect(periodBaseIndex(dates, named(name), end), `${name} ending ${dates[end]}`).toBe(reference(dates, name, end));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('periodBaseIndex on real SPY dates', () => {
  const spy = realSeries('SPY');
  const at = (date: string): number => spy.dates.indexOf(date);

  it('1w before 2025-01-16 skips the 2025-01-09 closure', () => {
    // SPY.csv rows: ..., 2025-01-08, 2025-01-10, ... (no 2025-01-09 row).
    expect(spy.dates[periodBaseIndex(spy.dates, named('1w'), at('2025-01-16'))]).toBe('2025-01-08');
  });

  it('ytd as of 2025-12-31 starts at 2024-12-31', () => {
    expect(spy.dates[periodBaseIndex(spy.dates, named('ytd'), at('2025-12-31'))]).toBe('2024-12-31');
  });

  it('1y as of 2025-03-03 starts at the last close on or before 2024-03-03 (a Sunday): Fri 2024-03-01', () => {
    expect(spy.dates[periodBaseIndex(spy.dates, named('1y'), at('2025-03-03'))]).toBe('2024-03-01');
  });

  it('5y on SPY reaches back to 1993 only from 1998-01-29 on', () => {
    // The first SPY row is 1993-01-29.
    expect(periodBaseIndex(spy.dates, named('5y'), at('1998-01-28'))).toBe(-1);
    expect(spy.dates[periodBaseIndex(spy.dates, named('5y'), at('1998-01-29'))]).toBe('1993-01-29');
  });
});

describe('parsePeriod and object built-ins', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('%s is not a period', (word) => {
    expect(parsePeriod(word), 'alias lookup must not fall through to Object.prototype').toBeNull();
  });
});

describe('priorPeriodBaseIndex: the window of the same length before a period', () => {
  const dates = ['2025-06-30', '2025-07-21', '2025-08-29', '2025-10-20', '2025-10-21', '2025-12-31', '2026-01-02', '2026-01-05', '2026-01-21'];
  it('a calendar span repeats the span back from the base close', () => {
    // 3m from Jan 21, 2026: base Oct 21, 2025 (index 4); the 3 months before: on or before Jul 21 (index 1).
    expect(priorPeriodBaseIndex(dates, named('3m'), 8)).toBe(1);
    expect(describePriorPeriod(named('3m'), 3)).toBe('the 3 months before');
    expect(describePriorPeriod(named('1m'), 20)).toBe('the month before');
    expect(describePriorPeriod(named('1w'), 5)).toBe('the week before');
  });
  it('a to-date or since period repeats its number of sessions', () => {
    // ytd from Jan 21: base Dec 31 (index 5), 3 sessions; the 3 sessions before: index 2.
    expect(priorPeriodBaseIndex(dates, named('ytd'), 8)).toBe(2);
    expect(priorPeriodBaseIndex(dates, named('1d'), 8), 'the session before the previous close').toBe(6);
    expect(describePriorPeriod(named('ytd'), 3)).toBe('the 3 sessions before');
    expect(describePriorPeriod(named('1d'), 1)).toBe('the session before');
  });
  it('has nothing before max, nor before a base at the first close', () => {
    expect(priorPeriodBaseIndex(dates, named('max'), 8)).toBe(-1);
    expect(priorPeriodBaseIndex(dates, named('6m'), 8), 'base Jul 21; nothing on or before Jan 21, 2025').toBe(-1);
    expect(priorPeriodBaseIndex(dates, since('2025-06-30'), 8), 'base is index 0').toBe(-1);
  });
});
