import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { analyzeStreak, beatFlags, streakRuns } from '../../src/core/streaks.ts';
import type { StreakRun } from '../../src/core/streaks.ts';
import { NotEnoughDataError, seriesFromCloses, truncateAsOf } from '../../src/core/series.ts';
import type { DailySeries } from '../../src/core/series.ts';
import { csvRows, realSeries } from './_realdata.ts';

/** Consecutive calendar days from 2026-03-01; weekends do not matter to the streak logic. */
const dates = (n: number): string[] => Array.from({ length: n }, (_, i) => `2026-03-${String(i + 1).padStart(2, '0')}`);

/**
 * A pair where B is flat at 100 and A's day-by-day moves follow `pattern`: U = A up (A beats B),
 * D = A down (B beats A), F = A flat (a tie). Day 0 is the starting close.
 */
function pair(pattern: string): [DailySeries, DailySeries] {
  const a = [100];
  for (const ch of pattern) a.push((a[a.length - 1] as number) * (ch === 'U' ? 1.01 : ch === 'D' ? 0.99 : 1));
  const d = dates(a.length);
  return [seriesFromCloses('A', d, a), seriesFromCloses('B', d, a.map(() => 100))];
}

const run = (startIndex: number, endIndex: number): StreakRun => ({
  length: endIndex - startIndex + 1,
  startIndex,
  endIndex,
  startDate: dates(40)[startIndex] as string,
  endDate: dates(40)[endIndex] as string,
});

describe('beatFlags', () => {
  it('flags days where A returned strictly more than B', () => {
    // Returns A: +10%, 0%, −5%, +1%; B: +5%, 0%, −10%, +1%.
    const a = [100, 110, 110, 104.5, 105.545];
    const b = [100, 105, 105, 94.5, 95.445];
    expect(beatFlags(a, b)).toEqual([false, true, false, true, false]);
  });

  it('treats an uncomputable return as a lost day, not a win', () => {
    expect(beatFlags([1, Number.NaN, 2, 3], [1, 1, 1, 1])).toEqual([false, false, false, true]);
    expect(beatFlags([], [])).toEqual([]);
    expect(() => beatFlags([1, 2], [1])).toThrow(RangeError);
  });
});

describe('streakRuns', () => {
  it('finds maximal runs with inclusive ends', () => {
    const d = dates(8);
    expect(streakRuns([false, true, true, false, true, false, true, true], d)).toEqual([run(1, 2), run(4, 4), run(6, 7)]);
    expect(streakRuns([false, false], d.slice(0, 2))).toEqual([]);
  });
});

describe('analyzeStreak (hand-made patterns)', () => {
  it('reports the opposite streak when A lost the last day', () => {
    // Days 1..12: U U U D U U F U U U D D
    // A-over-B runs: 1–3 (3), 5–6 (2), 8–10 (3). B-over-A runs: 4 (1), 11–12 (2). Day 7 is a tie.
    const [a, b] = pair('UUUDUUFUUUDD');
    const s = analyzeStreak(a, b);
    expect(s.runs).toEqual([run(1, 3), run(5, 6), run(8, 10)]);
    expect(s.current, 'A lost the last day').toBeNull();
    expect(s.longestSince).toBeNull();
    expect(s.opposite).toEqual(run(11, 12));
    expect(s.oppositeLongestSince, "B's 2-day run is its longest").toEqual({ kind: 'none', since: '2026-03-01' });
    expect(s.top, 'longest first, the tie at 3 goes to the more recent run').toEqual([run(8, 10), run(1, 3), run(5, 6)]);
  });

  it('longestSince is the most recent earlier run at least as long', () => {
    // Days 1..9: U U U D U U D U U → runs 1–3 (3), 5–6 (2), 8–9 (2, current).
    const [a, b] = pair('UUUDUUDUU');
    const s = analyzeStreak(a, b);
    expect(s.current).toEqual(run(8, 9));
    expect(s.opposite).toBeNull();
    expect(s.longestSince, 'an equal-length run counts, and the newer one wins').toEqual({ kind: 'run', run: run(5, 6) });
    expect(s.oppositeLongestSince).toBeNull();
  });

  it('a current streak longer than every earlier one is the longest in the data', () => {
    const [a, b] = pair('UUDUUU');
    expect(analyzeStreak(a, b).longestSince).toEqual({ kind: 'none', since: '2026-03-01' });
  });

  it('a tie on the last day leaves no streak on either side', () => {
    const [a, b] = pair('UUUF');
    const s = analyzeStreak(a, b);
    expect(s.current).toBeNull();
    expect(s.opposite).toBeNull();
    expect(s.runs).toEqual([run(1, 3)]);
  });

  it('keeps the five longest, ties most recent first', () => {
    // Runs (lengths): U D UU D U D UUU D UU D U D UU → 1, 2, 1, 3, 2, 1, 2
    // Starting days:   1    3      6    8       12    15   17
    const [a, b] = pair('UDUUDUDUUUDUUDUDUU');
    const s = analyzeStreak(a, b);
    expect(s.runs.map((r) => r.length)).toEqual([1, 2, 1, 3, 2, 1, 2]);
    expect(s.top).toEqual([run(8, 10), run(17, 18), run(12, 13), run(3, 4), run(15, 15)]);
  });

  it('counts sessions on common dates only, measuring returns across a date one side lacks', () => {
    // A trades on days 0..4, B is missing day 2. Aligned days: 0, 1, 3, 4.
    // A: 100, 101, (200), 102, 103 → aligned returns +1%, +0.99%, +0.98%.
    // B: 100, 100.5,  —   100.6, 100.7 → +0.5%, +0.0995%, +0.0994%.
    const d = dates(5);
    const a = seriesFromCloses('A', d, [100, 101, 200, 102, 103]);
    const b = seriesFromCloses('B', [d[0], d[1], d[3], d[4]] as string[], [100, 100.5, 100.6, 100.7]);
    const s = analyzeStreak(a, b);
    expect(s.dates).toEqual([d[0], d[1], d[3], d[4]]);
    expect(s.current, 'three straight aligned sessions; the day-2 spike never counts').toEqual({
      length: 3,
      startIndex: 1,
      endIndex: 3,
      startDate: d[1],
      endDate: d[4],
    });
  });

  it('throws NotEnoughDataError with fewer than two common days', () => {
    const a = seriesFromCloses('A', ['2026-01-02', '2026-01-05'], [1, 2]);
    const b = seriesFromCloses('B', ['2026-01-05', '2026-01-06'], [1, 2]);
    expect(() => analyzeStreak(a, b)).toThrow(NotEnoughDataError);
  });
});

describe('analyzeStreak properties', () => {
  const closes = fc.array(fc.integer({ min: 90, max: 110 }), { minLength: 2, maxLength: 40 });

  it('a series against itself never has a streak', () => {
    fc.assert(
      fc.property(closes, (c) => {
        const s = seriesFromCloses('X', dates(c.length), c);
        const r = analyzeStreak(s, s);
        expect(r.runs, 'every day is a tie').toEqual([]);
        expect(r.current).toBeNull();
        expect(r.opposite).toBeNull();
        expect(r.top).toEqual([]);
      }),
    );
  });

  it('flipping A and B swaps current and opposite', () => {
    // Small integer closes make ties common, so the "neither side" case is exercised too.
    fc.assert(
      fc.property(closes, closes, (ca, cb) => {
        const n = Math.min(ca.length, cb.length);
        const a = seriesFromCloses('A', dates(n), ca.slice(0, n));
        const b = seriesFromCloses('B', dates(n), cb.slice(0, n));
        const ab = analyzeStreak(a, b);
        const ba = analyzeStreak(b, a);
        expect(ba.current).toEqual(ab.opposite);
        expect(ba.opposite).toEqual(ab.current);
        expect(ba.longestSince).toEqual(ab.oppositeLongestSince);
        expect(ba.oppositeLongestSince).toEqual(ab.longestSince);
        expect(ab.current !== null && ab.opposite !== null, 'one side at most holds the last day').toBe(false);
      }),
    );
  });

  it('runs are disjoint, separated, cover exactly the winning days, and top is the sorted head', () => {
    fc.assert(
      fc.property(closes, closes, (ca, cb) => {
        const n = Math.min(ca.length, cb.length);
        const a = seriesFromCloses('A', dates(n), ca.slice(0, n));
        const b = seriesFromCloses('B', dates(n), cb.slice(0, n));
        const r = analyzeStreak(a, b);
        let wins = 0;
        for (let i = 1; i < n; i++) if ((ca[i] as number) * (cb[i - 1] as number) > (cb[i] as number) * (ca[i - 1] as number)) wins++;
        expect(r.runs.reduce((t, x) => t + x.length, 0), 'run lengths add up to the winning days').toBe(wins);
        for (let i = 1; i < r.runs.length; i++) {
          expect((r.runs[i] as StreakRun).startIndex, 'a gap between runs').toBeGreaterThan((r.runs[i - 1] as StreakRun).endIndex + 1);
        }
        const sorted = [...r.runs].sort((x, y) => y.length - x.length || y.endIndex - x.endIndex).slice(0, 5);
        expect(r.top).toEqual(sorted);
      }),
    );
  });
});

describe('analyzeStreak on real IWM vs SPY', () => {
  /**
   * Reference straight from the CSV text: walk back from `asOf` over dates both files have, comparing
   * (today − yesterday) / yesterday of adj_close. Returns the current IWM streak, the current SPY streak,
   * and the end date of the most recent earlier IWM run at least as long as the current one.
   */
  function naive(asOf: string): { iwm: number; spy: number; priorEnd: string | null } {
    const spyClose = new Map(csvRows('SPY').map((r) => [r.date, Number(r.adj_close)]));
    const rows = csvRows('IWM').filter((r) => r.date <= asOf && spyClose.has(r.date));
    const iwmWins: boolean[] = [false];
    const spyWins: boolean[] = [false];
    for (let t = 1; t < rows.length; t++) {
      const today = rows[t] as (typeof rows)[number];
      const prev = rows[t - 1] as (typeof rows)[number];
      const ri = (Number(today.adj_close) - Number(prev.adj_close)) / Number(prev.adj_close);
      const rs = ((spyClose.get(today.date) as number) - (spyClose.get(prev.date) as number)) / (spyClose.get(prev.date) as number);
      iwmWins.push(ri > rs);
      spyWins.push(rs > ri);
    }
    const tail = (wins: boolean[]): number => {
      let k = 0;
      while (k < wins.length && wins[wins.length - 1 - k]) k++;
      return k;
    };
    const iwm = tail(iwmWins);
    let priorEnd: string | null = null;
    if (iwm > 0) {
      // Length of the win run ending at each day; scan back from before the current run.
      const upTo: number[] = [];
      iwmWins.forEach((w, t) => upTo.push(w ? (upTo[t - 1] ?? 0) + 1 : 0));
      for (let t = iwmWins.length - 1 - iwm - 1; t >= 0; t--) {
        if ((upTo[t] as number) >= iwm) {
          let end = t;
          while (iwmWins[end + 1]) end++;
          priorEnd = (rows[end] as (typeof rows)[number]).date;
          break;
        }
      }
    }
    return { iwm, spy: tail(spyWins), priorEnd };
  }

  // As-of dates: a long IWM streak (a separate Python pass over the CSVs gives 14 sessions to
  // 2026-01-22), a SPY streak (7 to 2025-08-01), the last day of the data, and a 2008 crisis day.
  for (const asOf of ['2026-01-22', '2025-08-01', '2026-08-21', '2008-10-10']) {
    it(`matches a naive loop over the CSVs as of ${asOf}`, () => {
      const want = naive(asOf);
      const s = analyzeStreak(truncateAsOf(realSeries('IWM'), asOf), truncateAsOf(realSeries('SPY'), asOf));
      expect(s.dates[s.dates.length - 1]).toBe(asOf);
      expect(s.current?.length ?? 0, 'IWM over SPY').toBe(want.iwm);
      expect(s.opposite?.length ?? 0, 'SPY over IWM').toBe(want.spy);
      if (s.current) {
        expect(s.current.endDate).toBe(asOf);
        const since = s.longestSince;
        expect(since?.kind === 'run' ? since.run.endDate : null, 'most recent earlier run at least as long').toBe(want.priorEnd);
      }
    });
  }

  it('has the 14-session IWM streak to 2026-01-22 and an independent top 5 over the full history', () => {
    const s = analyzeStreak(realSeries('IWM'), realSeries('SPY'));
    // Top runs from the naive per-day wins over the full history, sorted by length then recency.
    const spyClose = new Map(csvRows('SPY').map((r) => [r.date, Number(r.adj_close)]));
    const rows = csvRows('IWM').filter((r) => spyClose.has(r.date));
    const found: { length: number; end: string }[] = [];
    let len = 0;
    for (let t = 1; t <= rows.length; t++) {
      const today = rows[t];
      const prev = rows[t - 1] as (typeof rows)[number];
      const win =
        today !== undefined &&
        (Number(today.adj_close) - Number(prev.adj_close)) / Number(prev.adj_close) >
          ((spyClose.get(today.date) as number) - (spyClose.get(prev.date) as number)) / (spyClose.get(prev.date) as number);
      if (win) len++;
      else if (len > 0) {
        found.push({ length: len, end: prev.date });
        len = 0;
      }
    }
    found.sort((x, y) => y.length - x.length || (x.end < y.end ? 1 : -1));
    expect(s.top.map((r) => ({ length: r.length, end: r.endDate }))).toEqual(found.slice(0, 5));
    expect(s.runs.some((r) => r.length === 14 && r.endDate === '2026-01-22'), 'the Jan 2026 run').toBe(true);
  });
});
