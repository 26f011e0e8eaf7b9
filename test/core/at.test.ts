import { describe, expect, it } from 'vitest';
import { at, IndexOutOfRangeError } from '../../src/core/at.ts';

describe('at', () => {
  it('reads inside the array, typed arrays included', () => {
    expect(at([10, 20, 30], 0)).toBe(10);
    expect(at([10, 20, 30], 2)).toBe(30);
    expect(at(Float64Array.of(1.5, 2.5), 1)).toBe(2.5);
    expect(at([null, 1], 0), 'a null element is a value, not a miss').toBeNull();
  });

  it('throws IndexOutOfRangeError one past either end, and on a fractional or NaN index', () => {
    for (const i of [-1, 3, 1.5, Number.NaN]) {
      expect(() => at([10, 20, 30], i), String(i)).toThrow(IndexOutOfRangeError);
    }
    expect(() => at([], 0)).toThrow(/index 0 is outside an array of 0/);
  });
});
