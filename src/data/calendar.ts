/**
 * The NYSE trading calendar: which days the US stock market trades, and when it closes.
 *
 * A *trading day* is a weekday on which the NYSE held a regular session. Dates are ISO
 * `YYYY-MM-DD` in New York, like the dates of every series.
 *
 * Sources, in layers:
 * 1. The rule-based holidays of the `nyse-holidays` package (New Year's Day … Christmas, including
 *    the retired ones: Lincoln's Birthday, Columbus Day, Election Day, …). Only its `dateString`
 *    is used: the package builds dates with dayjs in the process's local time zone, and
 *    `dateString` is the one field that means the same calendar date in every zone.
 * 2. Corrections where the package's rules differ from what the NYSE did (see `packageHolidays`).
 * 3. One-off closures no rule predicts (`ONE_OFF_CLOSURES`), from the NYSE's own closings history
 *    ("Holidays and closings of the New York Stock Exchange", the document cited by nyse-holidays
 *    and by pandas_market_calendars, whose `holidays/nyse.py` lists the same dates).
 *
 * Checked against the bundled data (test/data/calendar.test.ts): from 1928 through 2026-08-21 the
 * trading days are exactly the dates of ^GSPC, and from 1993 exactly the dates of SPY. The
 * calendar counts weekdays only: before 1952 the NYSE also traded on most Saturdays, which the
 * price data leaves out as well. Future one-off closures are, by nature, unknown until announced.
 */
import { DateTime } from 'luxon';
import { getHolidays } from 'nyse-holidays';

export const NYSE_ZONE = 'America/New_York';

/** Closures not predicted by any rule (weekdays from 1928, the start of the bundled data). */
const ONE_OFF_CLOSURES: Readonly<Record<string, string>> = {
  '1929-11-01': 'backlog relief after the 1929 crash',
  '1929-11-29': 'backlog relief after the 1929 crash',
  '1933-03-06': 'national bank holiday',
  '1933-03-07': 'national bank holiday',
  '1933-03-08': 'national bank holiday',
  '1933-03-09': 'national bank holiday',
  '1933-03-10': 'national bank holiday',
  '1933-03-13': 'national bank holiday',
  '1933-03-14': 'national bank holiday',
  '1945-08-15': 'V-J Day',
  '1945-08-16': 'V-J Day',
  '1945-12-24': 'Christmas Eve',
  '1956-12-24': 'Christmas Eve',
  '1958-12-26': 'day after Christmas',
  '1961-05-29': 'day before Decoration Day',
  '1963-11-25': 'funeral of President John F. Kennedy',
  '1968-02-12': "Lincoln's Birthday",
  '1968-04-09': 'day of mourning for Martin Luther King Jr.',
  ...Object.fromEntries(
    // The 1968 paperwork crisis: the exchange closed on Wednesdays (except in holiday weeks) to let
    // back offices catch up.
    [
      '06-12', '06-19', '06-26', '07-10', '07-17', '07-24', '07-31', '08-07', '08-14', '08-21', '08-28', '09-11',
      '09-18', '09-25', '10-02', '10-09', '10-16', '10-23', '10-30', '11-20', '12-04', '12-11', '12-18',
    ].map((md) => [`1968-${md}`, 'paperwork crisis']),
  ),
  '1968-07-05': 'day after Independence Day',
  '1968-11-11': 'Veterans Day',
  '1969-02-10': 'snowstorm',
  '1969-03-31': 'funeral of President Dwight D. Eisenhower',
  '1969-07-21': 'Apollo 11 moon landing',
  '1972-12-28': 'funeral of President Harry S. Truman',
  '1973-01-25': 'funeral of President Lyndon B. Johnson',
  '1977-07-14': 'New York City blackout',
  '1985-09-27': 'Hurricane Gloria',
  '1994-04-27': 'funeral of President Richard Nixon',
  '2001-09-11': 'September 11 attacks',
  '2001-09-12': 'September 11 attacks',
  '2001-09-13': 'September 11 attacks',
  '2001-09-14': 'September 11 attacks',
  '2004-06-11': 'national day of mourning for President Ronald Reagan',
  '2007-01-02': 'national day of mourning for President Gerald Ford',
  '2012-10-29': 'Hurricane Sandy',
  '2012-10-30': 'Hurricane Sandy',
  '2018-12-05': 'national day of mourning for President George H. W. Bush',
  '2025-01-09': 'national day of mourning for President Jimmy Carter',
};

/**
 * Unscheduled early closes since 1993 (same source as the closures), as [hour, minute] in New York.
 * Scheduled 1 pm closes are rules, in `scheduledEarlyClose`.
 */
const IRREGULAR_CLOSES: Readonly<Record<string, readonly [number, number]>> = {
  '1994-02-11': [14, 30], // snowstorm
  '1996-01-08': [14, 0], // snowstorm
  '1997-10-27': [15, 30], // circuit breaker after a 550-point fall
  '2005-06-01': [15, 56], // systems communication problem
};

/** Early closes before 1993 (2 pm and others, irregular) are not modelled. */
const EARLY_CLOSES_FROM = '1993-01-01';

/** Package holiday names of fixed-date holidays → their month-day, for spotting Saturday shifts. */
const FIXED_DATE: Readonly<Record<string, string>> = {
  'New Years Day': '01-01',
  "Lincoln's Birthday": '02-12',
  "Washington's Birthday": '02-22',
  'Memorial Day': '05-30',
  'Independence Day': '07-04',
  'Columbus Day': '10-12',
  'Veterans Day': '11-11',
  'Christmas Day': '12-25',
};

/**
 * Whether the NYSE closed on the Friday before a holiday that fell on a Saturday. nyse-holidays
 * always moves it before 1959-07-03 and moves it (within the month) after; the exchange's record,
 * and the price data, say otherwise: until September 1952 Saturday was a trading day and the holiday
 * simply fell on it; afterwards the Friday closure came in for Christmas and Independence Day in
 * 1954 and for Washington's Birthday and Memorial Day in 1964 (Memorial Day moved to a Monday from
 * 1971, and 1970-05-29, a Friday before a Saturday Memorial Day, was a trading day). New Year's Day
 * on a Saturday is never observed on the Friday (the year-end exception of NYSE Rule 7.2).
 */
function fridayBeforeSaturdayHolidayObserved(name: string, year: number): boolean {
  switch (name) {
    case 'Christmas Day':
    case 'Independence Day':
      return year >= 1954;
    case "Washington's Birthday":
      return year >= 1964;
    case 'Memorial Day':
      return year >= 1964 && year <= 1969;
    default:
      return false;
  }
}

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 for a valid ISO date; throws RangeError otherwise. */
function dayNumber(iso: string): number {
  const m = ISO_DATE.exec(iso);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = Number(m[3]);
    const t = Date.UTC(y, mo - 1, d);
    const back = new Date(t);
    if (back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d) return t / DAY_MS;
  }
  throw new RangeError(`not an ISO date (YYYY-MM-DD): ${JSON.stringify(iso)}`);
}

function isoOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** The `n`-th from last Thursday of November (0 = last). */
function lateNovemberThursday(year: number, fromLast: number): string {
  const nov30 = Date.UTC(year, 10, 30) / DAY_MS;
  const last = nov30 - ((weekdayOf(nov30) - 4 + 7) % 7);
  return isoOf(last - 7 * fromLast);
}

/** Rule-based holidays of one year (date → name), nyse-holidays corrected. */
function packageHolidays(year: number): Map<string, string> {
  const out = new Map<string, string>();
  const prefix = `${year}-`;
  for (const h of getHolidays(year)) {
    const date = h.dateString;
    // A Saturday New Year's Day shifted into the previous December is not an NYSE holiday (see above).
    if (!date.startsWith(prefix)) continue;
    const fixed = FIXED_DATE[h.name];
    const shiftedFromSaturday = fixed !== undefined && date !== prefix + fixed && weekdayOf(dayNumber(date)) === 5;
    if (shiftedFromSaturday && !fridayBeforeSaturdayHolidayObserved(h.name, year)) continue;
    out.set(date, h.name);
  }
  // Thanksgiving: the package always takes the fourth Thursday. Before 1939 it was the last
  // Thursday of November, and in 1939–1941 ("Franksgiving") the second to last.
  if (year < 1942) {
    for (const [date, name] of out) if (name === 'Thanksgiving Day') out.delete(date);
    out.set(lateNovemberThursday(year, year < 1939 ? 0 : 1), 'Thanksgiving Day');
  }
  // The Uniform Monday Holiday Act moved Washington's Birthday to the third Monday of February from
  // 1971 on; the package starts in 1972. 1971-02-15 has no ^GSPC row and 1971-02-22 has one.
  if (year === 1971) {
    out.delete('1971-02-22');
    out.set('1971-02-15', "Washington's Birthday");
  }
  return out;
}

const closuresByYear = new Map<number, Map<string, string>>();

/** Every weekday closure of a year: rule holidays plus one-offs. Memoised per year. */
function closures(year: number): Map<string, string> {
  let c = closuresByYear.get(year);
  if (!c) {
    c = packageHolidays(year);
    const prefix = `${year}-`;
    for (const [date, why] of Object.entries(ONE_OFF_CLOSURES)) if (date.startsWith(prefix)) c.set(date, why);
    closuresByYear.set(year, c);
  }
  return c;
}

function tradingDayNumber(day: number, iso: string): boolean {
  const wd = weekdayOf(day);
  if (wd === 0 || wd === 6) return false;
  return !closures(Number(iso.slice(0, 4))).has(iso);
}

export function isTradingDay(isoDate: string): boolean {
  return tradingDayNumber(dayNumber(isoDate), isoDate);
}

/** Why the market is closed on this date ("Thanksgiving Day", "weekend", "Hurricane Sandy"), or undefined on a trading day. */
export function closureReason(isoDate: string): string | undefined {
  const day = dayNumber(isoDate);
  const wd = weekdayOf(day);
  if (wd === 0 || wd === 6) return 'weekend';
  return closures(Number(isoDate.slice(0, 4))).get(isoDate);
}

/** The last trading day strictly before `isoDate` (which need not be a trading day itself). */
export function previousTradingDay(isoDate: string): string {
  for (let day = dayNumber(isoDate) - 1; ; day--) {
    const iso = isoOf(day);
    if (tradingDayNumber(day, iso)) return iso;
  }
}

/** The first trading day strictly after `isoDate` (which need not be a trading day itself). */
export function nextTradingDay(isoDate: string): string {
  for (let day = dayNumber(isoDate) + 1; ; day++) {
    const iso = isoOf(day);
    if (tradingDayNumber(day, iso)) return iso;
  }
}

/** The trading days from `from` to `to`, both inclusive, ascending; empty when `from` is after `to`. */
export function tradingDaysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const last = dayNumber(to);
  for (let day = dayNumber(from); day <= last; day++) {
    const iso = isoOf(day);
    if (tradingDayNumber(day, iso)) out.push(iso);
  }
  return out;
}

/** Scheduled 1 pm closes since 1993: around Independence Day, the day after Thanksgiving, Christmas Eve. */
function scheduledEarlyClose(isoDate: string, day: number): boolean {
  const year = Number(isoDate.slice(0, 4));
  const md = isoDate.slice(5);
  const wd = weekdayOf(day);
  // July 3 on a Monday, Tuesday or Thursday (from 1995); on a Wednesday only from 2013. Until 2012,
  // when July 4 was a Thursday, the early close was Friday July 5 instead.
  if (md === '07-03') return year >= 1995 && (wd === 1 || wd === 2 || wd === 4 || (wd === 3 && year >= 2013));
  if (md === '07-05') return wd === 5 && year >= 1996 && year <= 2012;
  // The Friday after the fourth Thursday of November (Thanksgiving in every year this applies to).
  if (isoDate.slice(5, 7) === '11' && wd === 5) {
    const thursday = isoOf(day - 1);
    return closures(year).get(thursday) === 'Thanksgiving Day';
  }
  // Christmas Eve Monday–Thursday; on a Friday it is the observed Christmas holiday.
  if (md === '12-24') return wd >= 1 && wd <= 4;
  // Two one-off Friday-after-Christmas early closes (none in 2008 or 2014).
  return isoDate === '1997-12-26' || isoDate === '2003-12-26';
}

function regularClose(isoDate: string): { hour: number; minute: number } {
  if (isoDate >= '1974-01-01') return { hour: 16, minute: 0 };
  if (isoDate >= '1952-09-29') return { hour: 15, minute: 30 };
  return { hour: 15, minute: 0 };
}

/**
 * New York wall-clock time of the close on a trading day: 16:00, or 13:00 on the scheduled early
 * closes (and the few irregular ones) from 1993 on; 15:30 from 1952-09-29 to 1973 and 15:00 before.
 * Throws RangeError on a day without a session.
 */
export function closeTime(isoDate: string): { hour: number; minute: number } {
  const day = dayNumber(isoDate);
  if (!tradingDayNumber(day, isoDate)) {
    throw new RangeError(`${isoDate} is not an NYSE trading day (${closureReason(isoDate) ?? 'closed'})`);
  }
  const irregular = IRREGULAR_CLOSES[isoDate];
  if (irregular) return { hour: irregular[0], minute: irregular[1] };
  if (isoDate >= EARLY_CLOSES_FROM && scheduledEarlyClose(isoDate, day)) return { hour: 13, minute: 0 };
  return regularClose(isoDate);
}

/** Whether the session on this trading day ends before the regular close. */
export function isEarlyClose(isoDate: string): boolean {
  const close = closeTime(isoDate);
  const regular = regularClose(isoDate);
  return close.hour * 60 + close.minute < regular.hour * 60 + regular.minute;
}

/** The instant of the close of a trading day, e.g. 2024-07-03 → 2024-07-03T17:00:00Z (1 pm EDT). */
export function marketCloseInstant(isoDate: string): Date {
  const { hour, minute } = closeTime(isoDate);
  const [y, mo, d] = isoDate.split('-').map(Number);
  return DateTime.fromObject({ year: y, month: mo, day: d, hour, minute }, { zone: NYSE_ZONE }).toJSDate();
}

/**
 * A series' own calendar: the days it has a bar on. Exchange-traded series (stocks, ETFs, indexes)
 * follow the NYSE; a crypto pair such as BTC-USD trades every day and Yahoo dates its daily bars by
 * the UTC calendar day. Streaks, periods and "N sessions" count on a series' own days; the NYSE stays
 * the reference for the "latest close" of an answer and for digests.
 */
export interface SeriesCalendar {
  readonly id: 'nyse' | 'every-day';
  /** How an answer names the days: "NYSE trading days", "calendar days". */
  readonly days: string;
  isTradingDay(isoDate: string): boolean;
  previousTradingDay(isoDate: string): string;
  nextTradingDay(isoDate: string): string;
  /** Why there is no bar on this date, or undefined on a trading day. */
  closureReason(isoDate: string): string | undefined;
}

export const NYSE_CALENDAR: SeriesCalendar = {
  id: 'nyse',
  days: 'NYSE trading days',
  isTradingDay,
  previousTradingDay,
  nextTradingDay,
  closureReason,
};

export const EVERY_DAY_CALENDAR: SeriesCalendar = {
  id: 'every-day',
  days: 'calendar days',
  isTradingDay: (isoDate) => (dayNumber(isoDate), true),
  previousTradingDay: (isoDate) => isoOf(dayNumber(isoDate) - 1),
  nextTradingDay: (isoDate) => isoOf(dayNumber(isoDate) + 1),
  closureReason: (isoDate) => (dayNumber(isoDate), undefined),
};

/** Yahoo's crypto pairs: BTC-USD, ETH-USD … (a currency code after the dash). */
const CRYPTO_PAIR = /^[A-Z0-9]{2,12}-(USD|USDT|EUR|GBP|JPY|BTC|ETH)$/;

/** Whether a canonical symbol is a crypto pair, which trades every day. */
export function isEveryDaySymbol(symbol: string, kind?: string): boolean {
  return kind === 'crypto' || CRYPTO_PAIR.test(symbol);
}

/** The calendar a series' bars follow: every day for crypto (by manifest kind or ticker), else the NYSE. */
export function calendarFor(symbol: string, kind?: string): SeriesCalendar {
  return isEveryDaySymbol(symbol, kind) ? EVERY_DAY_CALENDAR : NYSE_CALENDAR;
}
