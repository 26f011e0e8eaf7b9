/** The price-level recogniser on its own. */
import { describe, expect, it } from 'vitest';
import { finishLevels, recogniseLevel } from '../../../src/ask/recognise/levels.ts';
import { state } from './_state.ts';

describe('recogniseLevel', () => {
  it('takes "$600" and a number after "above", nothing else', () => {
    const st = state('$600');
    expect(recogniseLevel(st, 0)).toBe(1);
    expect(st.level?.value).toBe(600);
    const above = state('above 612.5');
    expect(recogniseLevel(above, 1)).toBe(1);
    expect(above.level?.value).toBe(612.5);
    expect(recogniseLevel(state('in 2025'), 1)).toBe(0);
  });
  it('says a number only JavaScript would read, never drops it', () => {
    const st = state('above 0x10');
    expect(recogniseLevel(st, 1)).toBe(1);
    expect(st.level).toBeUndefined();
    expect(st.problems[0]).toMatch(/not a price level/);
  });
  it('checks a typed level: option once everything is read', () => {
    const st = state('is spy near level:abc');
    finishLevels(st);
    expect(st.problems[0]).toMatch(/"level:abc" is not a price level/);
    const fine = state('is spy near level:600');
    finishLevels(fine);
    expect(fine.problems).toEqual([]);
  });
});
