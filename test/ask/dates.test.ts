import { describe, expect, it } from 'vitest';
import { readDateAt, readMonthAt } from '../../src/ask/dates.ts';

// Reference day: Friday, Aug 21, 2026 (the latest close in the bundled data).
const REF = '2026-08-21';

describe('readDateAt', () => {
  it('reads a month as its first day in the past of the reference day', () => {
    expect(readDateAt('june', REF)).toMatchObject({ kind: 'date', date: '2026-06-01', words: 1 });
    expect(readDateAt('december', REF), 'the coming December is not "since": the one before').toMatchObject({ date: '2025-12-01' });
    expect(readDateAt('oct', REF), 'abbreviations chrono skips alone are spelled out first').toMatchObject({ date: '2025-10-01' });
  });

  it('reads the month against the reference day, not the wall clock', () => {
    expect(readDateAt('june', '2025-03-10'), 'in March 2025 "since june" is June 2024').toMatchObject({ date: '2024-06-01' });
  });

  it('moves a weekday that chrono puts in the coming week back to the past one', () => {
    // Aug 21, 2026 is a Friday; the Monday before it is Aug 17.
    expect(readDateAt('monday', REF)).toMatchObject({ date: '2026-08-17' });
    expect(readDateAt('last friday', REF)).toMatchObject({ date: '2026-08-14' });
  });

  it('reads full dates, US month/day, bare years and ranges', () => {
    expect(readDateAt('6/30/25', REF)).toMatchObject({ date: '2025-06-30' });
    expect(readDateAt('4/8 vs spy', REF)).toMatchObject({ date: '2026-04-08' });
    expect(readDateAt('2020', REF), 'a year is measured from its first day').toMatchObject({ date: '2020-01-01', words: 1 });
    expect(readDateAt('2025-04-08 small caps', REF)).toMatchObject({ date: '2025-04-08' });
    expect(readDateAt('june 1 to july 31', REF)).toMatchObject({ date: '2026-06-01', end: '2026-07-31' });
  });

  it('finds nothing in moments that are not dates', () => {
    for (const t of ['the election', 'the fed cut', 'the april lows', 'earnings', 'covid']) expect(readDateAt(t, REF).kind, t).toBe('none');
  });

  it('without a reference day, reads absolute dates and asks for the reference for relative ones', () => {
    expect(readDateAt('6/30/25', undefined)).toMatchObject({ kind: 'date', date: '2025-06-30' });
    expect(readDateAt('jan 2025', undefined)).toMatchObject({ kind: 'date', date: '2025-01-01' });
    expect(readDateAt('june', undefined).kind, 'which June depends on the day').toBe('needs-reference');
    expect(readDateAt('yesterday', undefined).kind).toBe('needs-reference');
  });
});

describe('readMonthAt', () => {
  it('reads a month as the change from the close before it to its last close', () => {
    // July 2026: June has 30 days, July 31.
    expect(readMonthAt('july?', REF)).toEqual({ kind: 'month', first: '2026-07-01', before: '2026-06-30', last: '2026-07-31', words: 1 });
    // 2024 is a leap year: February ends on the 29th; the day before Feb 1 is Jan 31.
    expect(readMonthAt('feb 2024', REF)).toMatchObject({ first: '2024-02-01', before: '2024-01-31', last: '2024-02-29', words: 2 });
    expect(readMonthAt('december', REF), 'the December before the reference day, not the coming one').toMatchObject({ first: '2025-12-01', before: '2025-11-30', last: '2025-12-31' });
    expect(readMonthAt('march 2023 vs spy', REF)).toMatchObject({ before: '2023-02-28', last: '2023-03-31', words: 2 });
  });

  it('reads only whole months: not a day, not a relative span, not other words', () => {
    for (const t of ['july 4', '5 days', 'a row', 'the month', 'the april low', '2025']) expect(readMonthAt(t, REF).kind, t).toBe('none');
  });

  it('without a reference day, reads a month with its year and asks for the reference otherwise', () => {
    expect(readMonthAt('march 2023', undefined)).toMatchObject({ kind: 'month', before: '2023-02-28', last: '2023-03-31' });
    expect(readMonthAt('july', undefined).kind, 'which July depends on the day').toBe('needs-reference');
  });
});
