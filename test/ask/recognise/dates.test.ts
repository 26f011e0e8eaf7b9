/** The dates recogniser on its own. Expected days from the NYSE calendar, checked by hand. */
import { describe, expect, it } from 'vitest';
import { finishDates, recogniseDate } from '../../../src/ask/recognise/dates.ts';
import { scan, state } from './_state.ts';

describe('recogniseDate', () => {
  it('"on jan 21, 2026" is that close', () => {
    const st = state('on jan 21, 2026');
    expect(recogniseDate(st, 0)).toBe(4);
    expect(st.asof?.date).toBe('2026-01-21');
  });
  it('"yesterday" is the trading day before the latest close, and its one-day move', () => {
    const st = state('yesterday');
    expect(recogniseDate(st, 0)).toBe(1);
    expect(st.asof?.date, 'Thursday before Friday 2026-08-21').toBe('2026-08-20');
    expect(st.periods.map((p) => p.token)).toEqual(['1d']);
  });
  it('"last friday" is the Friday before the reference Friday', () => {
    const st = state('last friday');
    expect(recogniseDate(st, 0)).toBe(2);
    expect(st.asof?.date).toBe('2026-08-14');
  });
  it('a day the market was shut reads as the close before it', () => {
    const st = state('on july 4 2026');
    recogniseDate(st, 0);
    expect(st.asof?.date, 'Saturday July 4 → Thursday July 2 (Friday July 3 was the observed holiday)').toBe('2026-07-02');
  });
  it('"since june" starts a period; a word that is no date is not taken', () => {
    const st = state('since june');
    expect(recogniseDate(st, 0)).toBe(2);
    expect(st.periods[0]?.token).toBe('since:2026-06-01');
    expect(recogniseDate(state('kre'), 0)).toBe(0);
  });
  it('"in 2024" is that calendar year: year to date as of its last day', () => {
    const st = state('in 2024');
    scan(st, recogniseDate);
    expect(st.periods.map((p) => p.token)).toEqual(['ytd']);
    expect(st.asof?.date).toBe('2024-12-31');
  });
  it('a day after the latest close is a problem, not a date', () => {
    const st = state('on sep 1 2026');
    recogniseDate(st, 0);
    expect(st.asof).toBeUndefined();
    expect(st.problems[0]).toMatch(/after the latest close/);
  });
  it('a relative date without a reference day asks for one', () => {
    const st = state('last friday', null);
    recogniseDate(st, 0);
    expect(st.needsReference).toBe(true);
  });
  it('"from the april low": "from" with no date is a moment it says it cannot look up', () => {
    const st = state('up from the april low');
    scan(st, recogniseDate);
    finishDates(st);
    expect(st.problems.some((p) => p.includes('"from'))).toBe(true);
  });
});
