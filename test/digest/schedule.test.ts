/** Slots, posting occurrences, due instants and targets, against hand-computed instants. */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { describeNext, nextDigest } from '../../src/digest/describe.ts';
import {
  dueInstant,
  isPostingDate,
  latestClosedDay,
  nextOccurrence,
  nextPostingOccurrence,
  parseSlotTime,
  parseZone,
  previousOccurrence,
  previousPostingOccurrence,
  targetDay,
  type Slot,
} from '../../src/digest/schedule.ts';
import { UserInputError } from '../../src/errors.ts';
import { ny, spyDates } from './_fakes.ts';

const NY = { time: '16:30', tz: 'America/New_York' };
const NY15 = { time: '15:00', tz: 'America/New_York' };
const LONDON = { time: '07:00', tz: 'Europe/London' };
const TOKYO = { time: '07:00', tz: 'Asia/Tokyo' };
const iso = (d: Date) => d.toISOString();

describe('slots', () => {
  it('reads times and zones, and refuses what it cannot read', () => {
    expect(parseSlotTime('9:05')).toBe('09:05');
    expect(parseSlotTime('16:30')).toBe('16:30');
    expect(() => parseSlotTime('25:00')).toThrow(UserInputError);
    expect(() => parseSlotTime('4pm')).toThrow(UserInputError);
    expect(parseZone('Europe/London')).toBe('Europe/London');
    expect(() => parseZone('Mars/Olympus')).toThrow(UserInputError);
  });

  it('moves with local time across DST (16:30 New York = 21:30Z in winter, 20:30Z in summer)', () => {
    expect(nextOccurrence(NY, new Date('2025-03-07T22:00:00Z')).toISOString(), 'Sat Mar 8, still EST').toBe('2025-03-08T21:30:00.000Z');
    expect(nextOccurrence(NY, new Date('2025-03-08T22:00:00Z')).toISOString(), 'Sun Mar 9, EDT').toBe('2025-03-09T20:30:00.000Z');
    expect(nextOccurrence(NY, new Date('2025-11-01T22:00:00Z')).toISOString(), 'Sun Nov 2, EST again').toBe('2025-11-02T21:30:00.000Z');
  });

  it('previousOccurrence is the latest occurrence at or before an instant', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2026-12-31T00:00:00Z'), noInvalidDate: true }), (at) => {
        const p = previousOccurrence(NY, at);
        expect(p.getTime()).toBeLessThanOrEqual(at.getTime());
        expect(nextOccurrence(NY, p).getTime(), 'no occurrence in between').toBeGreaterThan(at.getTime());
      }),
      { numRuns: 200 },
    );
  });
});

describe('due instants and targets', () => {
  it('a digest is due at the first posting occurrence at or after the close', () => {
    expect(dueInstant(NY, '2025-03-10').toISOString()).toBe(ny('2025-03-10T16:30').toISOString());
    // A 15:00 slot reports a regular close the next afternoon, an early (13:00) close the same afternoon.
    expect(dueInstant(NY15, '2025-07-02').toISOString()).toBe(ny('2025-07-03T15:00').toISOString());
    expect(dueInstant(NY15, '2025-07-03').toISOString()).toBe(ny('2025-07-03T15:00').toISOString());
    expect(targetDay(ny('2025-07-03T15:00')), 'so Jul 2 is superseded at that occurrence').toBe('2025-07-03');
  });

  it('the target is the latest trading day whose close has passed', () => {
    expect(targetDay(ny('2025-07-03T13:30'))).toBe('2025-07-03');
    expect(targetDay(ny('2025-07-03T12:59'))).toBe('2025-07-02');
    expect(targetDay(ny('2025-07-04T16:30')), 'Independence Day').toBe('2025-07-03');
    expect(targetDay(ny('2025-01-09T16:30')), 'Carter closure').toBe('2025-01-08');
    expect(latestClosedDay(ny('2025-03-09T16:30')), 'Sunday').toBe('2025-03-07');
  });

  it('the next digest skips weekends and holidays', () => {
    expect(nextDigest(NY, ny('2025-07-03T17:00'))).toEqual({ day: '2025-07-07', at: ny('2025-07-07T16:30') });
    expect(describeNext(NY, ny('2025-12-24T17:00'))).toBe('next: the close of Dec 26, 2025, at Fri Dec 26, 16:30 EST');
  });
});

/**
 * An occurrence posts only when its date in the slot's own zone is a trading day. Hand-derived:
 * late November 2026 is GMT in London (BST ended Oct 25) and EST in New York, so the 16:00 close is
 * 21:00Z, the 13:00 early close of Fri Nov 27 (the day after Thanksgiving, the fourth Thursday: Nov 1,
 * 2026 is a Sunday, so Nov 26) is 18:00Z, and 07:00 London is 07:00Z. June 2025 is EDT (close 20:00Z)
 * and Tokyo is UTC+9 all year (07:00 JST = 22:00Z the day before).
 */
describe('posting occurrences: nothing on a weekend or holiday in the slot’s zone', () => {
  it('07:00 London: Friday’s close goes out Monday, not Saturday', () => {
    expect(iso(dueInstant(LONDON, '2026-11-19')), 'Thursday → Friday 07:00').toBe('2026-11-20T07:00:00.000Z');
    expect(iso(dueInstant(LONDON, '2026-11-20')), 'Friday → Monday 07:00').toBe('2026-11-23T07:00:00.000Z');
    expect(isPostingDate(LONDON, new Date('2026-11-21T07:00:00Z')), 'Saturday').toBe(false);
    expect(isPostingDate(LONDON, new Date('2026-11-22T07:00:00Z')), 'Sunday').toBe(false);
    expect(iso(nextPostingOccurrence(LONDON, new Date('2026-11-20T21:00:00Z'))), 'after Friday’s close').toBe('2026-11-23T07:00:00.000Z');
    expect(nextDigest(LONDON, new Date('2026-11-20T21:00:00Z'))).toEqual({ day: '2026-11-20', at: new Date('2026-11-23T07:00:00Z') });
  });

  it('07:00 London around Thanksgiving 2026: Wednesday’s close on Friday, Friday’s early close on Monday', () => {
    expect(isPostingDate(LONDON, new Date('2026-11-26T07:00:00Z')), 'Thanksgiving, even in London').toBe(false);
    expect(iso(dueInstant(LONDON, '2026-11-25')), 'Wednesday → Friday 07:00').toBe('2026-11-27T07:00:00.000Z');
    expect(targetDay(new Date('2026-11-27T07:00:00Z')), 'Friday 02:00 New York: Wednesday is the latest close').toBe('2026-11-25');
    expect(iso(dueInstant(LONDON, '2026-11-27')), 'the 13:00 early close (18:00 London) → Monday 07:00').toBe('2026-11-30T07:00:00.000Z');
    expect(nextDigest(LONDON, new Date('2026-11-25T21:00:00Z'))).toEqual({ day: '2026-11-25', at: new Date('2026-11-27T07:00:00Z') });
    expect(nextDigest(LONDON, new Date('2026-11-27T07:00:00Z'))).toEqual({ day: '2026-11-27', at: new Date('2026-11-30T07:00:00Z') });
    expect(describeNext(LONDON, new Date('2026-11-25T22:00:00Z'))).toBe('next: the close of Nov 25, 2026, at Fri Nov 27, 07:00 GMT');
    expect(iso(previousPostingOccurrence(LONDON, new Date('2026-11-26T12:00:00Z'))), 'Thanksgiving noon looks back to Wednesday').toBe('2026-11-25T07:00:00.000Z');
  });

  it('07:00 Tokyo: Friday’s close goes out Monday morning Tokyo time; a US holiday is skipped in Tokyo too', () => {
    expect(iso(dueInstant(TOKYO, '2025-06-12')), 'Thursday → Fri 07:00 JST').toBe('2025-06-12T22:00:00.000Z');
    expect(iso(dueInstant(TOKYO, '2025-06-13')), 'Friday → Mon Jun 16 07:00 JST').toBe('2025-06-15T22:00:00.000Z');
    expect(targetDay(new Date('2025-06-15T22:00:00Z')), 'Sunday 18:00 New York').toBe('2025-06-13');
    expect(iso(dueInstant(TOKYO, '2025-06-18')), 'Wednesday, then Juneteenth (Thu) → Fri Jun 20 07:00 JST').toBe('2025-06-19T22:00:00.000Z');
    expect(describeNext(TOKYO, new Date('2025-06-13T20:00:00Z'))).toBe('next: the close of Jun 13, 2025, at Mon Jun 16, 07:00 GMT+9');
  });

  it('15:00 New York: Friday’s close goes out Monday afternoon (Monday’s own close has not passed)', () => {
    expect(iso(dueInstant(NY15, '2025-06-13'))).toBe(iso(ny('2025-06-16T15:00')));
    expect(targetDay(ny('2025-06-16T15:00'))).toBe('2025-06-13');
    expect(isPostingDate(NY15, ny('2025-06-14T15:00')), 'Saturday').toBe(false);
    expect(nextDigest(NY15, ny('2025-06-13T16:00'))).toEqual({ day: '2025-06-13', at: ny('2025-06-16T15:00') });
  });

  it('16:30 New York is unchanged: every 2025 trading day (SPY’s dates) at 16:30 on the day itself', () => {
    const days = spyDates('2025-01-01', '2025-12-31');
    expect(days.length, 'a year of sessions').toBeGreaterThan(240);
    for (const d of days) expect(iso(dueInstant(NY, d)), d).toBe(iso(ny(`${d}T16:30`)));
  });

  it('the next posting occurrence is the first occurrence on a trading day, in any zone (SPY’s dates as the reference)', () => {
    const open = new Set(spyDates('2023-12-01', '2026-07-31'));
    const zones = ['America/New_York', 'America/Los_Angeles', 'Europe/London', 'Asia/Tokyo', 'Australia/Sydney', 'Pacific/Kiritimati'];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2026-06-30T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        (after, tz, h, m) => {
          const slot: Slot = { time: `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`, tz };
          const p = nextPostingOccurrence(slot, after);
          const local = (d: Date) => DateTime.fromJSDate(d, { zone: tz }).toISODate() as string;
          expect(open.has(local(p)), `${local(p)} is a trading day`).toBe(true);
          // Walk the plain occurrences in between: each is on a non-trading local date.
          for (let t = nextOccurrence(slot, after); t.getTime() < p.getTime(); t = nextOccurrence(slot, t)) {
            expect(open.has(local(t)), `${local(t)} skipped`).toBe(false);
          }
          expect(iso(previousPostingOccurrence(slot, p)), 'previousPostingOccurrence finds it back').toBe(iso(p));
        },
      ),
      { numRuns: 300 },
    );
  });
});
