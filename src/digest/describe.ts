/** Words about schedules for the commands: when a subscription's next digest comes, in its own zone. */
import { DateTime } from 'luxon';
import { formatDate } from '../core/format.ts';
import { dueInstant, nextPostingOccurrence, nyseCalendar, targetDay, type MarketCalendar, type Slot } from './schedule.ts';

/**
 * The next digest a slot sends after `now`: its trading day and the instant it is due. That is the
 * first posting occurrence whose target is due there, i.e. not already sent at an earlier one (see
 * schedule.ts), so weekends and holidays in the slot's zone are passed over as the service passes them.
 */
export function nextDigest(slot: Slot, now: Date, calendar: MarketCalendar = nyseCalendar): { day: string; at: Date } {
  let t = now;
  for (let i = 0; i < 14; i++) {
    t = nextPostingOccurrence(slot, t, calendar);
    const day = targetDay(t, calendar);
    if (dueInstant(slot, day, calendar).getTime() === t.getTime()) return { day, at: t };
  }
  throw new Error(`no digest due within 14 posting occurrences for ${slot.time} ${slot.tz}`);
}

/** "Tue Jan 21, 16:30 EST" in the slot's zone. */
export function formatInstant(at: Date, tz: string): string {
  return DateTime.fromJSDate(at, { zone: tz }).toFormat('ccc LLL d, HH:mm ZZZZ');
}

/** "next: the close of Jan 21, 2026, at Tue Jan 21, 16:30 EST". */
export function describeNext(slot: Slot, now: Date, calendar: MarketCalendar = nyseCalendar): string {
  const n = nextDigest(slot, now, calendar);
  return `next: the close of ${formatDate(n.day)}, at ${formatInstant(n.at, slot.tz)}`;
}
