/** The periods recogniser on its own. */
import { describe, expect, it } from 'vitest';
import { finishPeriods, periodPhrase, recognisePeriodToken, spanAt, takeSpan } from '../../../src/ask/recognise/periods.ts';
import { byPhrase, scan, state } from './_state.ts';

const phrases = byPhrase(periodPhrase);

describe('periods', () => {
  it('reads a number with a unit as a named period, or a since: date', () => {
    const six = state('6 months');
    const span = spanAt(six, 0);
    expect(span).toEqual({ n: 6, unit: 'months', words: 2 });
    if (span) takeSpan(six, 0, span);
    expect(six.periods[0]?.token).toBe('6m');
    const two = state('2 weeks');
    const s2 = spanAt(two, 0);
    if (s2) takeSpan(two, 0, s2);
    expect(two.periods[0]?.token, '14 calendar days before Aug 21, 2026').toBe('since:2026-08-07');
    expect(spanAt(state('a m'), 0), '"a m" is noise, not a month').toBeUndefined();
  });
  it('reads "this week", "this month", "this quarter" as week-, month-, quarter-to-date', () => {
    for (const [q, token] of [['this week', 'wtd'], ['this month', 'mtd'], ['this quarter', 'qtd']] as const) {
      const st = state(q);
      scan(st, phrases);
      expect(st.periods.map((p) => p.token), q).toEqual([token]);
    }
  });
  it('reads a period token typed as a word ("3mo") and marks it read', () => {
    const st = state('kre 3mo');
    expect(recognisePeriodToken(st, 1)).toBe(0);
    expect(st.periods[0]?.token).toBe('3m');
    expect(st.used[1]).toBe(true);
  });
  it('"last year" could mean two things: a problem naming both', () => {
    const st = state('last year');
    scan(st, phrases);
    expect(st.problems[0]).toMatch(/past 12 months.*calendar 2025/);
  });
  it('two different periods are a problem; the same one twice is one period', () => {
    const two = state('ytd past month');
    scan(two, phrases);
    finishPeriods(two);
    expect(two.problems[0]).toMatch(/two periods/);
    const same = state('ytd year to date');
    scan(same, phrases);
    finishPeriods(same);
    expect(same.problems).toEqual([]);
    expect(same.period?.token).toBe('ytd');
  });
});
