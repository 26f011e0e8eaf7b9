import { describe, expect, it } from 'vitest';
import { streakSentence } from '../../src/answer/phrases.ts';
import type { StreakAnalysis, StreakRun } from '../../src/core/streaks.ts';

const run = (length: number, startDate: string, endDate: string): StreakRun => ({ length, startIndex: 0, endIndex: 0, startDate, endDate });

/** IWM over SPY: a current run, and the most recent earlier run at least as long. */
function analysis(current: StreakRun, previous: StreakRun | null): StreakAnalysis {
  return {
    a: 'IWM',
    b: 'SPY',
    dates: [],
    current,
    opposite: null,
    longestSince: previous ? { kind: 'run', run: previous } : { kind: 'none', since: '2000-05-26' },
    oppositeLongestSince: null,
    top: [],
    runs: [],
  };
}

describe('streakSentence: "longest since"', () => {
  it('dates a run that ended over a year ago to the month', () => {
    const s = streakSentence(analysis(run(6, '2026-01-13', '2026-01-21'), run(7, '2024-12-11', '2024-12-19')));
    expect(s).toBe('IWM has beaten SPY for **6 straight sessions** (since Jan 13, 2026), its longest streak since Dec 2024 (7 sessions then).');
  });

  it('dates a run within the past year to the day: "since Jun 2025" would be vague for a streak in Jun 2025', () => {
    const s = streakSentence(analysis(run(5, '2025-09-02', '2025-09-08'), run(5, '2025-06-10', '2025-06-16')));
    expect(s).toBe('IWM has beaten SPY for **5 straight sessions** (since Sep 2, 2025), its longest streak since Jun 16, 2025, which also ran 5 sessions.');
  });

  it('says nothing of a run that ended less than 30 days before this one began: not news', () => {
    // Dec 28, 2022 → Jan 3, 2023 is 6 days.
    const s = streakSentence(analysis(run(2, '2023-01-03', '2023-01-03'), run(3, '2022-12-22', '2022-12-28')));
    expect(s).toBe('IWM has beaten SPY for **2 straight sessions** (since Jan 3, 2023).');
    // 30 days exactly is enough: Dec 4 → Jan 3.
    expect(streakSentence(analysis(run(2, '2023-01-03', '2023-01-04'), run(3, '2022-11-30', '2022-12-04')))).toContain('its longest streak since Dec 4, 2022');
  });

  it('the longest in the data says where the data starts', () => {
    expect(streakSentence(analysis(run(14, '2026-01-02', '2026-01-21'), null))).toBe(
      'IWM has beaten SPY for **14 straight sessions** (since Jan 2, 2026), its longest streak in the data, which starts May 2000.',
    );
  });
});
