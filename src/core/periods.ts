/**
 * Look-back periods ("1m", "ytd", "since:2026-06-01") and where each one starts in a series.
 *
 * A period return is measured from a BASE close to the close at the end index. Calendar convention,
 * the one most chart sites use:
 * - '1d'   the previous close (endIndex − 1).
 * - '1w'   the last close on or before the end date − 7 calendar days.
 * - 'Nm', 'Ny'  the last close on or before the same calendar date N months / years earlier. A day
 *          that does not exist in the earlier month clamps to its last day (luxon `minus`):
 *          Mar 31 − 1m → Feb 28 (29 in leap years); Feb 29 − 1y → Feb 28.
 * - 'ytd'  the last close on or before Dec 31 of the previous year (the prior year's final close).
 * - 'wtd', 'mtd', 'qtd'  week, month and quarter to date, likewise from the last close of the previous
 *          week (on or before the Sunday before the end date's Monday-to-Sunday week, ISO 8601), month (on
 *          or before the last day of the previous month) or calendar quarter. A holiday Friday moves the
 *          base to Thursday; a year end falls back into the previous year (Jan 2 wtd/mtd/qtd all start from
 *          the last close of December).
 * - 'since:D'  the last close on or before D; a D on or after the end date gives the end close itself.
 * - 'max'  the first close of the series (index 0).
 * When the target date lies before the first date of the series the period cannot be measured and the
 * base index is −1 ("not enough data"), except for 'max', which always starts at index 0.
 */
import { DateTime } from 'luxon';
import { formatDate } from './format.ts';
import { indexOnOrBefore } from './series.ts';
import { readTypedDate } from './typed-dates.ts';
import { at } from './at.ts';

export const NAMED_PERIODS = ['1d', '1w', '1m', '3m', '6m', 'ytd', '1y', '3y', '5y', 'max', 'wtd', 'mtd', 'qtd'] as const;
export type NamedPeriod = (typeof NAMED_PERIODS)[number];

export type Period = { kind: 'named'; name: NamedPeriod } | { kind: 'since'; date: string };

const ALIASES: Readonly<Record<string, NamedPeriod>> = {
  '1mo': '1m',
  '3mo': '3m',
  '6mo': '6m',
  '12m': '1y',
  week: '1w',
  month: '1m',
  year: '1y',
  all: 'max',
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isRealDate(text: string): boolean {
  return ISO_DATE.test(text) && DateTime.fromISO(text, { zone: 'utc' }).isValid;
}

function isNamedPeriod(text: string): text is NamedPeriod {
  return (NAMED_PERIODS as readonly string[]).includes(text);
}

/**
 * Reads a period as a person types it: a name ('3m', 'YTD'), an alias ('month', 'all'), `since:YYYY-MM-DD`
 * (or `since YYYY-MM-DD`), or a bare `YYYY-MM-DD` meaning "since". Null when it is none of these or the
 * date is not a real calendar date.
 */
export function parsePeriod(text: string): Period | null {
  const t = text.trim().toLowerCase();
  if (isNamedPeriod(t)) return { kind: 'named', name: t };
  // Own properties only: 'constructor' or '__proto__' must not read as a period.
  const alias = Object.hasOwn(ALIASES, t) ? ALIASES[t] : undefined;
  if (alias !== undefined) return { kind: 'named', name: alias };
  const since = /^since(?::\s*|\s+)(.+)$/.exec(t);
  const rest = since ? at(since, 1) : t;
  if (isRealDate(rest)) return { kind: 'since', date: rest };
  // Other common forms ("since:01/21/2026", "since:Jan 21 2026"); a bare one only when unambiguous (has a year).
  const date = readTypedDate(rest);
  return date ? { kind: 'since', date } : null;
}

/** Canonical token, the inverse of parsePeriod: '1m', 'ytd', 'since:2026-06-01'. */
export function formatPeriod(p: Period): string {
  return p.kind === 'since' ? `since:${p.date}` : p.name;
}

const PROSE: Readonly<Record<NamedPeriod, string>> = {
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

/** The period as it reads after a verb: "IWM rose 3.1% over the past month", "… since Jun 1, 2026". */
export function describePeriod(p: Period): string {
  return p.kind === 'since' ? `since ${formatDate(p.date)}` : PROSE[p.name];
}

/** Short column label: '1D', 'YTD', 'Max', 'Since Jun 1, 2026'. */
export function periodLabel(p: Period): string {
  if (p.kind === 'since') return `Since ${formatDate(p.date)}`;
  return p.name === 'max' ? 'Max' : p.name.toUpperCase();
}

const SPANS: Readonly<Partial<Record<NamedPeriod, { days?: number; months?: number; years?: number }>>> = {
  '1w': { days: 7 },
  '1m': { months: 1 },
  '3m': { months: 3 },
  '6m': { months: 6 },
  '1y': { years: 1 },
  '3y': { years: 3 },
  '5y': { years: 5 },
};

/**
 * The last calendar day before the end date's week (Monday to Sunday), month or quarter: the base close of
 * wtd / mtd / qtd is the last close on or before it.
 */
export function periodToDateBase(endDate: string, unit: 'wtd' | 'mtd' | 'qtd'): string {
  const d = DateTime.fromISO(endDate, { zone: 'utc' });
  if (!d.isValid) throw new RangeError(`not an ISO date: "${endDate}"`);
  const start = unit === 'wtd' ? d.startOf('week') : unit === 'mtd' ? d.startOf('month') : d.startOf('quarter');
  return start.minus({ days: 1 }).toISODate() as string;
}

/** The calendar date the base close is looked up from (on or before), per the header's convention. */
function targetDate(endDate: string, p: Period): string {
  if (p.kind === 'since') return p.date;
  if (p.name === 'ytd') return `${Number(endDate.slice(0, 4)) - 1}-12-31`;
  if (p.name === 'wtd' || p.name === 'mtd' || p.name === 'qtd') return periodToDateBase(endDate, p.name);
  const span = SPANS[p.name];
  if (!span) throw new Error(`targetDate: no calendar span for '${p.name}'`);
  const d = DateTime.fromISO(endDate, { zone: 'utc' }).minus(span).toISODate();
  if (d === null) throw new RangeError(`not an ISO date: "${endDate}"`);
  return d;
}

/**
 * Index of the base close for period `p` ending at `endIndex`, or −1 when the dates do not reach back
 * that far. Never later than `endIndex`. Dates after `endIndex` are ignored.
 */
export function periodBaseIndex(dates: readonly string[], p: Period, endIndex: number): number {
  const endDate = dates[endIndex];
  if (endDate === undefined || !Number.isInteger(endIndex)) {
    throw new RangeError(`periodBaseIndex: end index ${endIndex} outside 0..${dates.length - 1}`);
  }
  if (p.kind === 'named') {
    if (p.name === 'max') return 0;
    if (p.name === '1d') return endIndex - 1;
  }
  const target = targetDate(endDate, p);
  if (target >= endDate) return endIndex;
  return indexOnOrBefore(dates, target);
}

/**
 * The window before a period, for "rotating in / out" (/leaders): the stretch of the same length that ends
 * at the period's base close. Same length means the same calendar span for 1w … 5y (3m ending Jan 21 →
 * the 3 months before its Oct 21 base), and the same number of sessions for 1d, wtd/mtd/qtd/ytd and
 * since:, whose calendar length depends on the day asked. Why: a member rotates in when it leads over the
 * period asked after trailing over the like stretch before, so the answer changes with the period (a fixed
 * 1/3/6-month ladder said the same thing whatever was asked). Returns the prior window's base index, or −1
 * for 'max' (nothing comes before it) and for history too short to reach back.
 */
export function priorPeriodBaseIndex(dates: readonly string[], p: Period, endIndex: number): number {
  if (p.kind === 'named' && p.name === 'max') return -1;
  const base = periodBaseIndex(dates, p, endIndex);
  if (base <= 0 || base >= endIndex) return -1;
  if (p.kind === 'named' && SPANS[p.name]) return periodBaseIndex(dates, p, base);
  const prior = base - (endIndex - base);
  return prior >= 0 ? prior : -1;
}

/** The window before a period in words, matching priorPeriodBaseIndex: "the 3 months before", "the 12 sessions before". */
export function describePriorPeriod(p: Period, sessions: number): string {
  if (p.kind === 'named') {
    const span = SPANS[p.name];
    if (span?.days === 7) return 'the week before';
    if (span?.months) return span.months === 1 ? 'the month before' : `the ${span.months} months before`;
    if (span?.years) return span.years === 1 ? 'the year before' : `the ${span.years} years before`;
  }
  return sessions === 1 ? 'the session before' : `the ${sessions} sessions before`;
}
