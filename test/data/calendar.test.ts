import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  closeTime,
  closureReason,
  isEarlyClose,
  isTradingDay,
  marketCloseInstant,
  nextTradingDay,
  previousTradingDay,
  tradingDaysBetween,
} from '../../src/data/calendar.ts';
import { compiledSource } from '../_children.ts';

/** Dates of a bundled price file, read with a plain split. */
function fileDates(symbol: string): string[] {
  return readFileSync(new URL(`../../data/prices/${symbol}.csv`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.slice(0, 10));
}

/** Every calendar date from `from` to `to`, inclusive, by a naive UTC walk. */
function everyDate(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** Dates where the calendar and a file disagree, in both directions. */
function mismatches(symbol: string, from: string, to: string): { noRow: string[]; notTrading: string[] } {
  const rows = new Set(fileDates(symbol).filter((d) => d >= from && d <= to));
  const noRow: string[] = [];
  const notTrading: string[] = [];
  for (const d of everyDate(from, to)) {
    const trading = isTradingDay(d);
    if (trading && !rows.has(d)) noRow.push(d);
    if (!trading && rows.has(d)) notTrading.push(d);
  }
  return { noRow, notTrading };
}

describe('trading days against the real data', () => {
  it('SPY 2000-01-01..2026-08-21: every row is a trading day and every trading day has a row', () => {
    expect(mismatches('SPY', '2000-01-01', '2026-08-21')).toEqual({ noRow: [], notTrading: [] });
  });

  it('SPY from its first day, 1993-01-29', () => {
    expect(mismatches('SPY', '1993-01-29', '2026-08-21')).toEqual({ noRow: [], notTrading: [] });
  });

  it('^GSPC over its whole history, 1927-12-30..2026-08-21', () => {
    // Exercises the corrections to nyse-holidays (Saturday holidays before 1954/1964, Thanksgiving
    // before 1942, Washington's Birthday 1971) and the pre-2000 one-off closures.
    expect(mismatches('^GSPC', '1927-12-30', '2026-08-21')).toEqual({ noRow: [], notTrading: [] });
  });

  it('^IXIC and ^RUT agree too', () => {
    expect(mismatches('^IXIC', '1971-02-05', '2026-08-21')).toEqual({ noRow: [], notTrading: [] });
    expect(mismatches('^RUT', '1987-09-10', '2026-08-21')).toEqual({ noRow: [], notTrading: [] });
  });

  it('the one-off closures no rule predicts are closed, and SPY/^GSPC have no row on them', () => {
    const spy = new Set(fileDates('SPY'));
    const gspc = new Set(fileDates('^GSPC'));
    const oneOffs = [
      '2001-09-11', '2001-09-12', '2001-09-13', '2001-09-14', // September 11
      '2004-06-11', // Reagan
      '2007-01-02', // Ford
      '2012-10-29', '2012-10-30', // Hurricane Sandy
      '2018-12-05', // G. H. W. Bush
      '2025-01-09', // Carter
    ];
    for (const d of oneOffs) {
      expect(isTradingDay(d), `${d} closed`).toBe(false);
      expect(closureReason(d), `${d} has a reason`).toBeTruthy();
      expect(spy.has(d) || gspc.has(d), `${d} absent from SPY and ^GSPC`).toBe(false);
    }
  });
});

describe('rules', () => {
  it('has the published 2026 NYSE holidays', () => {
    // NYSE 2026 holiday calendar: Jan 1, Jan 19 (MLK), Feb 16 (Washington), Apr 3 (Good Friday),
    // May 25 (Memorial), Jun 19 (Juneteenth), Jul 3 (Independence Day observed, Jul 4 is a Saturday),
    // Sep 7 (Labor), Nov 26 (Thanksgiving), Dec 25 (Christmas).
    const expected = [
      '2026-01-01', '2026-01-19', '2026-02-16', '2026-04-03', '2026-05-25',
      '2026-06-19', '2026-07-03', '2026-09-07', '2026-11-26', '2026-12-25',
    ];
    const weekdays = everyDate('2026-01-01', '2026-12-31').filter((d) => {
      const wd = new Date(`${d}T00:00:00Z`).getUTCDay();
      return wd !== 0 && wd !== 6;
    });
    expect(weekdays.filter((d) => !isTradingDay(d))).toEqual(expected);
  });

  it('does not close on the Friday before a Saturday New Year’s Day', () => {
    // 2022-01-01 and 2028-01-01 are Saturdays; Dec 31 stays open (year-end exception).
    expect(isTradingDay('2021-12-31')).toBe(true);
    expect(isTradingDay('2027-12-31')).toBe(true);
    expect(fileDates('SPY'), 'SPY traded on 2021-12-31').toContain('2021-12-31');
  });

  it('names closures', () => {
    expect(closureReason('2024-11-28')).toBe('Thanksgiving Day');
    expect(closureReason('2024-11-30')).toBe('weekend');
    expect(closureReason('2012-10-29')).toBe('Hurricane Sandy');
    expect(closureReason('2024-11-29'), 'a trading day').toBeUndefined();
  });
});

describe('stepping', () => {
  it('finds the neighbouring sessions around holidays and closures', () => {
    expect(previousTradingDay('2001-09-17'), 'the market reopened on Monday 9/17').toBe('2001-09-10');
    expect(nextTradingDay('2001-09-10')).toBe('2001-09-17');
    expect(nextTradingDay('2024-11-27'), 'over Thanksgiving').toBe('2024-11-29');
    expect(previousTradingDay('2024-12-02'), 'over a weekend').toBe('2024-11-29');
    expect(nextTradingDay('2024-12-31'), 'over New Year').toBe('2025-01-02');
    expect(previousTradingDay('2025-01-10'), 'over the Carter closure').toBe('2025-01-08');
    expect(previousTradingDay('2024-11-30'), 'from a non-trading day').toBe('2024-11-29');
  });

  it('lists trading days between two dates, both inclusive', () => {
    expect(tradingDaysBetween('2024-11-25', '2024-12-02')).toEqual([
      '2024-11-25', '2024-11-26', '2024-11-27', '2024-11-29', '2024-12-02',
    ]);
    expect(tradingDaysBetween('2024-11-28', '2024-11-28'), 'a holiday alone').toEqual([]);
    expect(tradingDaysBetween('2024-12-02', '2024-11-25'), 'reversed range').toEqual([]);
    // Count of SPY rows in 2024 by a plain scan of the CSV.
    const spy2024 = fileDates('SPY').filter((d) => d.startsWith('2024-')).length;
    expect(tradingDaysBetween('2024-01-01', '2024-12-31')).toHaveLength(spy2024);
  });

  it('next and previous are inverse on trading days and skip only closed days', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1930-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true }), (t) => {
        const d = t.toISOString().slice(0, 10);
        const next = nextTradingDay(d);
        const prev = previousTradingDay(d);
        expect(next > d && prev < d).toBe(true);
        expect(isTradingDay(next) && isTradingDay(prev)).toBe(true);
        expect(tradingDaysBetween(prev, next).filter((x) => x !== d), 'nothing open strictly between').toEqual([prev, next]);
        if (isTradingDay(d)) expect(previousTradingDay(next)).toBe(d);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects malformed dates', () => {
    for (const bad of ['2024-02-30', '2024-13-01', '20240101', '2024-1-1', '']) {
      expect(() => isTradingDay(bad), bad).toThrow(RangeError);
    }
  });
});

describe('close times', () => {
  it('matches the published early closes, 2018–2026', () => {
    // NYSE holiday & early-close calendars: 1 pm closes on the day before Independence Day (when a
    // Mon–Thu), the day after Thanksgiving and Christmas Eve (when a Mon–Thu).
    const published: Record<number, string[]> = {
      2018: ['2018-07-03', '2018-11-23', '2018-12-24'],
      2019: ['2019-07-03', '2019-11-29', '2019-12-24'],
      2020: ['2020-11-27', '2020-12-24'],
      2021: ['2021-11-26'],
      2022: ['2022-11-25'],
      2023: ['2023-07-03', '2023-11-24'],
      2024: ['2024-07-03', '2024-11-29', '2024-12-24'],
      2025: ['2025-07-03', '2025-11-28', '2025-12-24'],
      2026: ['2026-11-27', '2026-12-24'],
    };
    for (const [year, days] of Object.entries(published)) {
      const early = tradingDaysBetween(`${year}-01-01`, `${year}-12-31`).filter(isEarlyClose);
      expect(early, `early closes of ${year}`).toEqual(days);
      for (const d of days) expect(closeTime(d)).toEqual({ hour: 13, minute: 0 });
    }
  });

  it('keeps the pre-2013 Friday-after-Independence-Day early close', () => {
    // NYSE closings history: 1 pm on Friday 2002-07-05; in 2013 the early close moved to Wed 07-03.
    expect(closeTime('2002-07-05')).toEqual({ hour: 13, minute: 0 });
    expect(isEarlyClose('2013-07-05')).toBe(false);
    expect(isEarlyClose('2013-07-03')).toBe(true);
  });

  it('gives the regular close otherwise, and refuses closed days', () => {
    expect(closeTime('2024-07-02')).toEqual({ hour: 16, minute: 0 });
    expect(closeTime('1965-06-01'), '3:30 pm from 1952-09-29 to 1973').toEqual({ hour: 15, minute: 30 });
    expect(() => closeTime('2024-07-04')).toThrow(RangeError);
  });

  it('converts the close to UTC across daylight-saving changes', () => {
    // New York is UTC-5 in winter (EST) and UTC-4 in summer (EDT); 2024 DST ran Mar 10..Nov 3.
    expect(marketCloseInstant('2024-03-08').toISOString(), 'Friday before DST: 16:00 EST').toBe('2024-03-08T21:00:00.000Z');
    expect(marketCloseInstant('2024-03-11').toISOString(), 'Monday after: 16:00 EDT').toBe('2024-03-11T20:00:00.000Z');
    expect(marketCloseInstant('2024-11-01').toISOString()).toBe('2024-11-01T20:00:00.000Z');
    expect(marketCloseInstant('2024-11-04').toISOString()).toBe('2024-11-04T21:00:00.000Z');
    expect(marketCloseInstant('2024-07-03').toISOString(), '13:00 EDT early close').toBe('2024-07-03T17:00:00.000Z');
    expect(marketCloseInstant('2024-12-24').toISOString(), '13:00 EST early close').toBe('2024-12-24T18:00:00.000Z');
  });
});

describe('time-zone independence', () => {
  it('gives the same trading days whatever the process time zone', () => {
    // nyse-holidays builds dates in local time; run the calendar in zones far east and west of UTC.
    // The compiled module (the slow project's global setup builds it when stale): plain node, no TypeScript loader.
    const module = compiledSource('src/data/calendar.ts');
    const code = `const c = await import(${JSON.stringify(module)}); console.log(c.tradingDaysBetween('1928-01-01', '2035-12-31').join(','));`;
    const here = tradingDaysBetween('1928-01-01', '2035-12-31').join(',');
    for (const tz of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'America/Sao_Paulo']) {
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
        env: { ...process.env, TZ: tz },
        encoding: 'utf8',
      });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout.trim() === here, `same days under TZ=${tz}`).toBe(true);
    }
  }, 60_000);
});
