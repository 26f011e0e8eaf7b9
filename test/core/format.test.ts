import { describe, it, expect } from 'vitest';
import { formatDate, formatMonthYear, formatPercent, formatPrice, ordinal } from '../../src/core/format.ts';

const MINUS = '\u2212';

describe('formatDate / formatMonthYear', () => {
  it('writes dates the way people do', () => {
    expect(formatDate('2026-01-21'), 'month name, unpadded day, year').toBe('Jan 21, 2026');
    expect(formatDate('2026-06-01'), 'no leading zero on the day').toBe('Jun 1, 2026');
    expect(formatDate('1999-12-31')).toBe('Dec 31, 1999');
    expect(formatMonthYear('2026-01-21')).toBe('Jan 2026');
    expect(formatMonthYear('2025-03-05')).toBe('Mar 2025');
  });

  it('does not shift the day through time zones', () => {
    // 2026-01-01 is midnight UTC; a Date-based formatter in a US zone would say Dec 31.
    expect(formatDate('2026-01-01')).toBe('Jan 1, 2026');
  });

  it('rejects text that is not an ISO date', () => {
    expect(() => formatDate('2026-13-01'), 'no 13th month').toThrow(RangeError);
    expect(() => formatDate('Jan 1 2026')).toThrow(RangeError);
    expect(() => formatMonthYear('')).toThrow(RangeError);
  });
});

describe('formatPercent', () => {
  it('signs every non-zero change, with a real minus sign', () => {
    expect(formatPercent(0.123)).toBe('+12.3%');
    expect(formatPercent(-0.045), 'U+2212, not a hyphen').toBe(`${MINUS}4.5%`);
    expect(formatPercent(0)).toBe('0.0%');
  });

  it('rounds to the asked digits and groups thousands', () => {
    expect(formatPercent(0.12345, 2)).toBe('+12.35%');
    expect(formatPercent(-0.5, 0)).toBe(`${MINUS}50%`);
    expect(formatPercent(12.3456), 'a 13x gain').toBe('+1,234.6%');
  });

  it('shows a change too small to see as unsigned zero', () => {
    expect(formatPercent(-0.0000001), 'never "−0.0%"').toBe('0.0%');
    expect(formatPercent(0.0000001)).toBe('0.0%');
  });

  it('refuses NaN and infinities rather than printing them in chat', () => {
    expect(() => formatPercent(Number.NaN)).toThrow(RangeError);
    expect(() => formatPercent(Infinity)).toThrow(RangeError);
  });
});

describe('formatPrice', () => {
  it('writes dollars with cents and thousands separators', () => {
    expect(formatPrice(1234.56)).toBe('$1,234.56');
    expect(formatPrice(5881.63)).toBe('$5,881.63');
    expect(formatPrice(0.5)).toBe('$0.50');
    expect(formatPrice(2.005 + 1e-9), 'rounds to the cent').toBe('$2.01');
    expect(formatPrice(-12)).toBe(`${MINUS}$12.00`);
  });
});

describe('ordinal', () => {
  it('uses st/nd/rd except for the teens', () => {
    const cases: [number, string][] = [
      [1, '1st'], [2, '2nd'], [3, '3rd'], [4, '4th'], [10, '10th'],
      [11, '11th'], [12, '12th'], [13, '13th'], [21, '21st'], [22, '22nd'],
      [23, '23rd'], [101, '101st'], [111, '111th'], [112, '112th'], [0, '0th'],
    ];
    for (const [n, want] of cases) expect(ordinal(n), `ordinal(${n})`).toBe(want);
  });
});
