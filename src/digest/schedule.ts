/**
 * When a digest is sent. Terms used across src/digest:
 *
 * - A **slot** is a wall-clock time in a time zone ("16:30 America/New_York", "07:00 Asia/Tokyo"): it
 *   recurs every calendar day (croner, in the zone, so DST changes move it with local time).
 * - A **posting occurrence** is an occurrence of the slot whose local date, in the slot's zone, is an
 *   NYSE trading day (`MarketCalendar.isTradingDay`). Only posting occurrences send anything: none on
 *   a local weekend or market holiday, whatever close is waiting.
 * - At an instant, the slot's **target** is the latest trading day whose close (NYSE calendar: 16:00
 *   New York, 13:00 on early-close days) has passed. A posting occurrence sends its target, unless it
 *   was already sent.
 * - Hence the digest of trading day D is **due** at the first posting occurrence at or after D's
 *   close, and is sent there if D is still the target; when a newer close has passed by then, D is
 *   superseded and never sent (a digest never reports a close that a newer close has replaced).
 *   Examples: 16:30 New York sends D at 16:30 on D. 07:00 London sends D the next London morning
 *   that is a trading day: Friday's close on Monday, the Wednesday before Thanksgiving on the Friday
 *   after it. 07:00 Tokyo sends Friday's close on Monday morning Tokyo time. 15:00 New York sends D
 *   the next trading afternoon (Friday's on Monday), except after a 1 pm early close, when D goes out
 *   at 15:00 the same day and supersedes D's predecessor.
 * - After downtime, a digest is sent late only on a trading day in the slot's zone (see service.ts).
 *
 * One-off closures that no calendar predicts are caught later, by the absence of the day's data.
 */
import { Cron } from 'croner';
import { DateTime, IANAZone } from 'luxon';
import { isTradingDay, marketCloseInstant, NYSE_ZONE, previousTradingDay } from '../data/calendar.ts';
import { UserInputError } from '../errors.ts';
import { echo } from '../echo.ts';
import { at } from '../core/at.ts';

/** The trading calendar the digests follow; injectable so tests can hide a closure from it. */
export interface MarketCalendar {
  isTradingDay(isoDate: string): boolean;
  /** The instant of the close of a trading day. */
  closeInstant(isoDate: string): Date;
  previousTradingDay(isoDate: string): string;
}

export const nyseCalendar: MarketCalendar = {
  isTradingDay,
  closeInstant: marketCloseInstant,
  previousTradingDay,
};

export interface Slot {
  /** "HH:MM", 24-hour. */
  readonly time: string;
  /** IANA zone name. */
  readonly tz: string;
}

export const DEFAULT_SLOT: Slot = { time: '16:30', tz: NYSE_ZONE };

export function slotKey(slot: Slot): string {
  return `${slot.time} ${slot.tz}`;
}

const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** "16:30", "9:05" → "16:30", "09:05"; throws UserInputError otherwise. */
export function parseSlotTime(text: string): string {
  const m = TIME.exec(text.trim());
  if (!m) throw new UserInputError(`${echo(text)} is not a time I can read.`, 'Write it as HH:MM on a 24-hour clock, e.g. time:16:30.');
  return `${at(m, 1).padStart(2, '0')}:${at(m, 2)}`;
}

/** A valid IANA zone in its canonical spelling ("america/new_york" → "America/New_York"); throws UserInputError otherwise. */
export function parseZone(text: string): string {
  const t = text.trim();
  if (!IANAZone.isValidZone(t)) {
    throw new UserInputError(`${echo(text)} is not a time zone I know.`, 'Use an IANA name such as America/New_York, Europe/London or Asia/Tokyo.');
  }
  // luxon keeps the spelling it was given; Intl gives the canonical one.
  return new Intl.DateTimeFormat('en-US', { timeZone: t }).resolvedOptions().timeZone;
}

/** A paused croner job used only to compute occurrences (the scheduler owns the timers); cheap to make, so made each time. */
function cronOf(slot: Slot): Cron {
  const [h, m] = slot.time.split(':').map(Number);
  return new Cron(`0 ${m} ${h} * * *`, { timezone: slot.tz, paused: true });
}

/** The first occurrence of the slot strictly after `after`. */
export function nextOccurrence(slot: Slot, after: Date): Date {
  const d = cronOf(slot).nextRun(after);
  if (!d) throw new Error(`no next occurrence for slot ${slotKey(slot)} after ${after.toISOString()}`);
  return d;
}

/** The calendar date of an instant in a zone. */
export function localDate(at: Date, tz: string): string {
  return DateTime.fromJSDate(at, { zone: tz }).toISODate() as string;
}

/** The New York calendar date of an instant. */
export function newYorkDate(at: Date): string {
  return localDate(at, NYSE_ZONE);
}

/** The first instant of the local day after the one `at` falls on, in a zone. */
export function nextLocalMidnight(at: Date, tz: string): Date {
  return DateTime.fromJSDate(at, { zone: tz }).plus({ days: 1 }).startOf('day').toJSDate();
}

/** Whether `at` falls on a trading day in the slot's zone: true of exactly the posting occurrences (see the header). */
export function isPostingDate(slot: Slot, at: Date, calendar: MarketCalendar = nyseCalendar): boolean {
  return calendar.isTradingDay(localDate(at, slot.tz));
}

/** Occurrences looked through for a posting one: far more than the longest closure in the calendar (the 1933 bank holiday, eleven days with its weekends). */
const MAX_SKIPPED_OCCURRENCES = 30;

/** The first posting occurrence of the slot strictly after `after`. */
export function nextPostingOccurrence(slot: Slot, after: Date, calendar: MarketCalendar = nyseCalendar): Date {
  let t = after;
  for (let i = 0; i < MAX_SKIPPED_OCCURRENCES; i++) {
    t = nextOccurrence(slot, t);
    if (isPostingDate(slot, t, calendar)) return t;
  }
  throw new Error(`no trading day within ${MAX_SKIPPED_OCCURRENCES} days after ${after.toISOString()} for slot ${slotKey(slot)}`);
}

/** The most recent posting occurrence of the slot at or before `at`. */
export function previousPostingOccurrence(slot: Slot, at: Date, calendar: MarketCalendar = nyseCalendar): Date {
  let t = previousOccurrence(slot, at);
  for (let i = 0; i < MAX_SKIPPED_OCCURRENCES; i++) {
    if (isPostingDate(slot, t, calendar)) return t;
    t = previousOccurrence(slot, new Date(t.getTime() - 1));
  }
  throw new Error(`no trading day within ${MAX_SKIPPED_OCCURRENCES} days before ${at.toISOString()} for slot ${slotKey(slot)}`);
}

/** When the digest of trading day `day` is due for this slot: the first posting occurrence at or after its close (see the header). */
export function dueInstant(slot: Slot, day: string, calendar: MarketCalendar = nyseCalendar): Date {
  const close = calendar.closeInstant(day);
  // Occurrences and closes fall on whole minutes: one second back makes "strictly after" include the close itself.
  return nextPostingOccurrence(slot, new Date(close.getTime() - 1000), calendar);
}

/** The latest trading day whose close is at or before `at`. */
export function latestClosedDay(at: Date, calendar: MarketCalendar = nyseCalendar): string {
  const today = newYorkDate(at);
  if (calendar.isTradingDay(today) && calendar.closeInstant(today).getTime() <= at.getTime()) return today;
  return calendar.previousTradingDay(today);
}

/** The trading day a slot occurrence at `at` reports on (see "target" in the header). */
export function targetDay(at: Date, calendar: MarketCalendar = nyseCalendar): string {
  return latestClosedDay(at, calendar);
}

/** The most recent occurrence of the slot at or before `at`. */
export function previousOccurrence(slot: Slot, at: Date): Date {
  // Walk forward from two days back: at most three steps, with no backward search across DST changes.
  let t = nextOccurrence(slot, new Date(at.getTime() - 50 * 3_600_000));
  for (;;) {
    const n = nextOccurrence(slot, t);
    if (n.getTime() > at.getTime()) return t;
    t = n;
  }
}
