/**
 * Dates in questions ("since june", "as of 6/30/25", "from june 1 to july 31"), read by chrono-node
 * against a *reference day*: the latest close of the data (or the close the person asked about),
 * never the wall clock — the same question about the same data always reads the same way.
 */
import { createRequire } from 'node:module';
import type * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import { MONTH_ABBREVIATIONS, own } from './vocabulary.ts';

/**
 * chrono-node (~150 ms to load) is loaded by the first question that needs a date read, not at start;
 * the readers below are synchronous, so its CommonJS build is required rather than imported.
 */
let chronoLib: typeof chrono | null = null;
function casual(): typeof chrono.casual {
  chronoLib ??= createRequire(import.meta.url)('chrono-node') as typeof chrono;
  return chronoLib.casual;
}

export type DateReading =
  /** `words`: how many words of the text the date took. `end`: the end of a range ("to july 31"), if one was given. */
  | { kind: 'date'; date: string; end?: string; words: number }
  /** The date is relative ("since june", "last friday") and no reference day was given. */
  | { kind: 'needs-reference' }
  | { kind: 'none' };

/** Two unrelated days: a date that reads the same against both does not depend on the reference day. */
const PROBES = ['2001-03-15', '2013-09-09'] as const;

const WORD_COUNT = /[$^]?[\p{L}\p{N}]+(?:[&.'][\p{L}\p{N}]+)*/gu;
const countWords = (s: string): number => [...s.matchAll(WORD_COUNT)].length;

function refAt(day: string): chrono.ParsingReference {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  // Noon UTC keeps the calendar day whatever chrono does with hours.
  return { instant: new Date(Date.UTC(y, m - 1, d, 12)), timezone: 0 };
}

function isoOf(c: chrono.ParsedComponents): string | null {
  const dt = DateTime.fromObject({ year: c.get('year') ?? NaN, month: c.get('month') ?? NaN, day: c.get('day') ?? NaN }, { zone: 'utc' });
  return dt.isValid ? dt.toISODate() : null;
}

/**
 * A date that starts `text` (the words after "since", "as of", "from"), read as a day in the past of the
 * reference day: chrono reads "since december" in August as the coming December and "since monday" on a
 * Friday as the coming Monday; both are moved back a year or a week.
 */
function readAgainst(text: string, reference: string): { date: string; end?: string; words: number } | null {
  const words = text.split(' ');
  // chrono gives up on a whole clause it does not like ("may vs spy"), so shorter and shorter starts are tried.
  for (const n of [words.length, 3, 2, 1]) {
    if (n > words.length) continue;
    const part = words.slice(0, n).join(' ');
    const found = casual().parse(part, refAt(reference), { forwardDate: false }).find((r) => r.index === 0);
    if (!found) continue;
    let date = isoOf(found.start);
    if (date === null) return null;
    if (date > reference) {
      const back = found.start.isCertain('weekday') && !found.start.isCertain('day') ? { weeks: 1 } : !found.start.isCertain('year') ? { years: 1 } : null;
      if (back) date = DateTime.fromISO(date, { zone: 'utc' }).minus(back).toISODate() ?? date;
    }
    const end = found.end ? isoOf(found.end) : null;
    return { date, ...(end !== null ? { end } : {}), words: countWords(found.text) };
  }
  return null;
}

/** Spells out month abbreviations chrono skips when they stand alone ("oct" → "october"); one word for one word. */
function expandMonths(text: string): string {
  return text.replace(/\b([a-z]{3,4})\b\.?/gi, (m: string, w: string) => own(MONTH_ABBREVIATIONS, w.toLowerCase()) ?? m);
}

/**
 * Reads the date at the start of `text` against `reference` (ISO). Without a reference, a date that
 * does not depend on one ("6/30/25", "jan 2025") is still read; a relative one asks for the reference.
 */
export function readDateAt(text: string, reference: string | undefined): DateReading {
  const t = expandMonths(text.trim().toLowerCase().replace(/\s+/g, ' ')).slice(0, 80);
  if (t === '') return { kind: 'none' };
  // A bare year is its first day: "since 2020" measures from the start of 2020.
  const year = /^((?:19|20)\d\d)\b(?![/.-]\d)/.exec(t);
  if (year) return { kind: 'date', date: `${year[1]}-01-01`, words: 1 };
  if (reference !== undefined) {
    const r = readAgainst(t, reference);
    return r ? { kind: 'date', ...r } : { kind: 'none' };
  }
  const [a, b] = PROBES.map((p) => readAgainst(t, p));
  if (!a || !b) return a || b ? { kind: 'needs-reference' } : { kind: 'none' };
  return a.date === b.date && a.end === b.end ? { kind: 'date', ...a } : { kind: 'needs-reference' };
}

/** The reference day moved back by `n` units ("past 2 weeks" → since that day). */
export function minusSpan(reference: string, n: number, unit: 'days' | 'weeks' | 'months' | 'years'): string {
  return DateTime.fromISO(reference, { zone: 'utc' }).minus({ [unit]: n }).toISODate() ?? reference;
}

export type MonthReading =
  /** `before`: the last day of the month before (the close a month's change is measured from); `last`: its last day. */
  | { kind: 'month'; first: string; before: string; last: string; words: number }
  | { kind: 'needs-reference' }
  | { kind: 'none' };

/** A whole month ("july", "march 2023") starting `text`, the latest one not after the reference day. */
function monthAgainst(text: string, reference: string): { first: string; words: number } | null {
  const words = text.split(' ');
  for (const n of [3, 2, 1]) {
    if (n > words.length) continue;
    const found = casual().parse(words.slice(0, n).join(' '), refAt(reference), { forwardDate: false }).find((r) => r.index === 0);
    if (!found) continue;
    // A day ("july 4") or a range is not a month; a month must be said outright.
    if (found.end || found.start.isCertain('day') || !found.start.isCertain('month')) return null;
    const month = DateTime.fromObject({ year: found.start.get('year') ?? NaN, month: found.start.get('month') ?? NaN, day: 1 }, { zone: 'utc' });
    if (!month.isValid) return null;
    const first = month.toISODate();
    const back = first > reference && !found.start.isCertain('year') ? month.minus({ years: 1 }).toISODate() : first;
    return { first: back, words: countWords(found.text) };
  }
  return null;
}

/**
 * Reads "july" or "march 2023" at the start of `text` (the words after "in") as that calendar month:
 * its change runs from the last close before it to its last close. Like readDateAt, a month that
 * depends on the reference day ("july") needs one; "march 2023" does not.
 */
export function readMonthAt(text: string, reference: string | undefined): MonthReading {
  const t = expandMonths(text.trim().toLowerCase().replace(/\s+/g, ' ')).slice(0, 80);
  if (t === '') return { kind: 'none' };
  let m: { first: string; words: number } | null;
  if (reference !== undefined) m = monthAgainst(t, reference);
  else {
    const [a, b] = PROBES.map((p) => monthAgainst(t, p));
    if (!a || !b) return a || b ? { kind: 'needs-reference' } : { kind: 'none' };
    if (a.first !== b.first) return { kind: 'needs-reference' };
    m = a;
  }
  if (!m) return { kind: 'none' };
  const first = DateTime.fromISO(m.first, { zone: 'utc' });
  return {
    kind: 'month',
    first: m.first,
    before: first.minus({ days: 1 }).toISODate() ?? m.first,
    last: first.endOf('month').toISODate() ?? m.first,
    words: m.words,
  };
}
