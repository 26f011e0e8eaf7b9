/** Slots, due instants and targets, against hand-computed instants. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { describeNext, nextDigest } from '../../src/digest/describe.ts';
import { dueInstant, latestClosedDay, nextOccurrence, parseSlotTime, parseZone, previousOccurrence, targetDay } from '../../src/digest/schedule.ts';
import { UserInputError } from '../../src/errors.ts';
import { ny } from './_fakes.ts';

const NY = { time: '16:30', tz: 'America/New_York' };

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
  it('a digest is due at the first slot occurrence at or after the close', () => {
    expect(dueInstant(NY, '2025-03-10').toISOString()).toBe(ny('2025-03-10T16:30').toISOString());
    // Tokyo, no DST: Friday's close (16:00 EDT = 20:00Z) goes out Saturday 07:00 JST (Fri 22:00Z).
    expect(dueInstant({ time: '07:00', tz: 'Asia/Tokyo' }, '2025-06-13').toISOString()).toBe('2025-06-13T22:00:00.000Z');
    // A 15:00 slot reports a regular close the next afternoon, an early (13:00) close the same afternoon.
    expect(dueInstant({ time: '15:00', tz: 'America/New_York' }, '2025-07-02').toISOString()).toBe(ny('2025-07-03T15:00').toISOString());
    expect(dueInstant({ time: '15:00', tz: 'America/New_York' }, '2025-07-03').toISOString()).toBe(ny('2025-07-03T15:00').toISOString());
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
