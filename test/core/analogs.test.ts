import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  analogStudy,
  chooseStreakLength,
  eventDays,
  forwardPath,
  HORIZONS,
  median,
  medianPath,
  RECORD_QUIET_SESSIONS,
  type AnalogInput,
} from '../../src/core/analogs.ts';
import { failedBreakouts } from '../../src/core/breakouts.ts';
import { csvRows } from './_realdata.ts';

/** Consecutive fake ISO dates (only order matters to the analysis). */
function dates(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `D${String(i).padStart(5, '0')}`);
}

function input(levels: number[], bench?: number[]): AnalogInput {
  return { dates: dates(levels.length), adj: Float64Array.from(levels), levels, ...(bench ? { benchAdj: Float64Array.from(bench) } : {}) };
}

describe('eventDays: hand-built series', () => {
  it('streak: one event per run, on the day the run reaches N sessions', () => {
    // b flat; a rises on the days marked 1: runs of 3 (days 1-3), 1 (day 5), 4 (days 7-10), 2 (days 12-13).
    const up = [0, 1, 1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 1];
    const a: number[] = [];
    let v = 100;
    for (const u of up) a.push((v = u ? v * 1.01 : v * 0.99));
    const b = up.map(() => 50);
    expect(eventDays({ kind: 'streak', sessions: 3 }, input(a, b)), 'runs of 3 and 4 reach 3 sessions on days 3 and 9').toEqual([3, 9]);
    expect(eventDays({ kind: 'streak', sessions: 2 }, input(a, b))).toEqual([2, 8, 13]);
    expect(eventDays({ kind: 'streak', sessions: 5 }, input(a, b)), 'no run of 5').toEqual([]);
    expect(eventDays({ kind: 'streak', sessions: 3 }, input(a, b), 8), 'the run of 4 has only 2 sessions by day 8').toEqual([3]);
  });

  it('decline: the first close 20% below the running peak, once per drawdown episode', () => {
    const lv = [100, 90, 79, 70, 85, 100, 81, 79.9, 75, 120, 95.9, 95];
    // 79/100−1 = −21% on day 2; tie at 100 on day 5 re-arms; 79.9 on day 7 is −20.1%; new peak 120, 95.9 = −20.1% (day 10).
    expect(eventDays({ kind: 'decline', depth: 0.2 }, input(lv))).toEqual([2, 7, 10]);
    expect(eventDays({ kind: 'decline', depth: 0.3 }, input(lv))).toEqual([3]);
  });

  it('record: the first record close after at least a year without one', () => {
    const q = RECORD_QUIET_SESSIONS;
    // Record at 0 (start), climbs to a record on day 5, then flat below it until a record on day 5 + q (gap exactly q), then again 1 day later.
    const lv = Array.from({ length: q + 10 }, (_, i) => (i <= 5 ? 100 + i : 90));
    lv[5 + q] = 106;
    lv[6 + q] = 107;
    expect(eventDays({ kind: 'record' }, input(lv))).toEqual([5 + q]);
    const lv2 = [...lv];
    lv2[5 + q] = 90;
    lv2[4 + q] = 106; // one session short of a year
    expect(eventDays({ kind: 'record' }, input(lv2))).toEqual([]);
  });

  it('level: the first close above a level untouched for a year (never reached before counts)', () => {
    const q = RECORD_QUIET_SESSIONS;
    const lv = Array.from({ length: 3 * q }, () => 50);
    lv[q + 3] = 61; // first ever close above 60, after more than a year of data
    lv[q + 10] = 62; // within a year of the last: not an event
    lv[2 * q + 11] = 63; // q + 1 sessions after day q + 10: untouched for a year
    expect(eventDays({ kind: 'level', level: 60 }, input(lv))).toEqual([q + 3, 2 * q + 11]);
    const early = Array.from({ length: q + 5 }, () => 50);
    early[10] = 70;
    expect(eventDays({ kind: 'level', level: 60 }, input(early)), 'not a year of data before day 10').toEqual([]);
  });
});

describe('analogStudy: forward returns known by construction', () => {
  // A flat line at 100 with declines of 25% built in; after each, a known path.
  const n = 1200;
  const lv = Array.from({ length: n }, () => 100);
  const b = Array.from({ length: n }, () => 200);
  // Episode 1 at day 100: 75, then 21 sessions later 90 (+20%), 63 later 60 (−20%), 126 later 75 (0), 252 later 90 (+20%).
  // Every value stays below the peak of 100 until day at + 253, so the episodes cannot run into each other.
  function episode(at: number, after: [number, number, number, number]): void {
    for (let i = at; i < at + 253; i++) lv[i] = 75;
    HORIZONS.forEach((h, k) => (lv[at + h.sessions] = after[k] as number));
    lv[at + 253] = 100; // back to the peak (a tie re-arms)
  }
  episode(100, [90, 60, 75, 90]);
  episode(400, [75 * 1.1, 75 * 1.3, 75 * 0.5, 75]);
  episode(700, [75 * 0.9, 75 * 1.05, 75 * 1.2, 75 * 1.3]);
  episode(1000, [75, 75, 75, 75]);
  lv.length = n; // the last episode's year runs past the data
  // The benchmark gains 10% over the first 63 sessions after day 400 only.
  for (let i = 463; i < n; i++) b[i] = 220;
  const inp = input(lv, b);

  it('finds the four declines and measures what followed each', () => {
    const st = analogStudy({ kind: 'decline', depth: 0.25 }, inp);
    expect(st.episodes.map((e) => e.index)).toEqual([100, 400, 700, 1000]);
    const [e1] = st.episodes;
    expect(e1?.outcomes.map((o) => o?.ret)).toEqual([90 / 75 - 1, 60 / 75 - 1, 0, 90 / 75 - 1]);
    const three = st.summaries[1];
    expect(three?.n, 'day 1000 + 63 ≤ 1199').toBe(4);
    // 3-month returns: −20%, +30%, +5%, 0 → median (0 + 5%)/2, 2 positive, best +30% after day 400, worst −20% after day 100.
    expect(three?.ret?.median).toBeCloseTo(0.025, 12);
    expect(three?.ret?.positives).toBe(2);
    expect(three?.ret?.best).toEqual({ value: expect.closeTo(0.3, 12) as number, date: 'D00400' });
    expect(three?.ret?.worst).toEqual({ value: expect.closeTo(-0.2, 12) as number, date: 'D00100' });
    // Relative: only the day-400 episode has a moving benchmark: +30% − 10% = +20 pts.
    expect(st.episodes[1]?.outcomes[1]?.rel).toBeCloseTo(0.2, 12);
    expect(st.episodes[0]?.outcomes[1]?.rel).toBeCloseTo(-0.2, 12);
  });

  it('never uses a window that ends after the as-of close (look-ahead)', () => {
    const st = analogStudy({ kind: 'decline', depth: 0.25 }, inp);
    const twelve = st.summaries[3];
    expect(twelve?.n, 'day 1000 + 252 > 1199: only three 12-month windows are complete').toBe(3);
    expect(st.latest?.index, 'the day-1000 episode is still in progress').toBe(1000);
    // As of day 462, day 400's 3-month window (ends day 463) is not used, though the data beyond exists.
    const early = analogStudy({ kind: 'decline', depth: 0.25 }, inp, 462);
    expect(early.episodes.map((e) => e.index)).toEqual([100, 400]);
    expect(early.episodes[1]?.outcomes[1], 'window ends day 463 > 462').toBeNull();
    expect(early.summaries[1]?.n).toBe(1);
    expect(early.summaries[1]?.ret, 'fewer than 3 cases: nothing said').toBeNull();
  });

  it('property: a study as of day e equals the study of the data cut at e; no outcome ends after e', () => {
    fc.assert(
      fc.property(fc.integer({ min: 300, max: n - 1 }), (e) => {
        const st = analogStudy({ kind: 'decline', depth: 0.25 }, inp, e);
        const cut = analogStudy({ kind: 'decline', depth: 0.25 }, input(lv.slice(0, e + 1), b.slice(0, e + 1)));
        expect(st.episodes).toEqual(cut.episodes);
        for (const ep of st.episodes) for (const o of ep.outcomes) if (o) expect(o.endDate <= `D${String(e).padStart(5, '0')}`).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});

describe('helpers', () => {
  it('median, forwardPath, medianPath', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(forwardPath([50, 100, 150, 75], 1, 5, 3)).toEqual([100, 150, 75]);
    expect(forwardPath([50, 100, 150, 75], 1, 1, 3), 'stops after `sessions`').toEqual([100, 150]);
    expect(forwardPath([50, 100, 150], 1, 5, 2, [1, 2, 3])).toEqual([100, 100]);
    expect(medianPath([[100, 110, 120], [100, 90], [100, 100, 80]])).toEqual([100, 100]);
  });

  it('property: medianPath starts at 100 and lies between the lowest and highest path every day', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.double({ min: 1, max: 1000, noNaN: true }), { minLength: 2, maxLength: 20 }), { minLength: 1, maxLength: 8 }), (raws) => {
        const paths = raws.map((r) => forwardPath(r, 0, 50, r.length - 1));
        const m = medianPath(paths);
        expect(m[0]).toBe(100);
        m.forEach((v, d) => {
          const vs = paths.map((p) => p[d] as number);
          expect(v).toBeGreaterThanOrEqual(Math.min(...vs));
          expect(v).toBeLessThanOrEqual(Math.max(...vs));
        });
      }),
    );
  });

  it('chooseStreakLength: the longest K with enough cases, else the most cases allowed, else nothing', () => {
    const counts: Record<number, number> = { 12: 4, 11: 6, 10: 9, 9: 12, 8: 20, 7: 30, 6: 45 };
    const count = (k: number): number => counts[k] ?? 100;
    expect(chooseStreakLength(12, count)).toEqual({ k: 9, n: 12 });
    expect(chooseStreakLength(12, count, { enough: 50 }), 'K ≥ 6 allowed: 45 cases at 6').toEqual({ k: 6, n: 45 });
    expect(chooseStreakLength(12, () => 2)).toBeNull();
  });
});

describe('real data: IWM over SPY streaks, against a naive loop over the CSVs', () => {
  it.each([12, 8])('streaks of %i+ sessions: the same episodes and the same 3-month outcomes', async (k) => {
    const { realSeries } = await import('./_realdata.ts');
    const { alignSeries } = await import('../../src/core/align.ts');
    // Naive: read both CSVs, keep common dates, count IWM-beat-SPY sessions by daily return.
    const iwm = new Map(csvRows('IWM').map((r) => [r.date, Number(r.adj_close)]));
    const spyRows = csvRows('SPY').filter((r) => iwm.has(r.date) && r.date <= '2026-01-21');
    const d = spyRows.map((r) => r.date);
    const ai = d.map((x) => iwm.get(x) as number);
    const bi = spyRows.map((r) => Number(r.adj_close));
    const naive: { day: number; rel3: number | null }[] = [];
    let run = 0;
    for (let i = 1; i < d.length; i++) {
      const ra = (ai[i] as number) / (ai[i - 1] as number) - 1;
      const rb = (bi[i] as number) / (bi[i - 1] as number) - 1;
      run = ra > rb ? run + 1 : 0;
      if (run === k) {
        const j = i + 63;
        naive.push({ day: i, rel3: j < d.length ? (ai[j] as number) / (ai[i] as number) - (bi[j] as number) / (bi[i] as number) : null });
      }
    }
    const al = alignSeries([realSeries('IWM'), realSeries('SPY')]);
    const end = al.dates.findLastIndex((x) => x <= '2026-01-21');
    const [sa, sb] = al.series as [typeof al.series[0], typeof al.series[0]];
    const st = analogStudy({ kind: 'streak', sessions: k }, { dates: al.dates, adj: sa.adjClose, levels: [], benchAdj: sb.adjClose }, end);
    expect(st.episodes.map((e) => e.date)).toEqual(naive.map((x) => d[x.day]));
    // The naive count (Python over the same CSVs agrees): 12+: Jun 2008 and the current one; 8+: 10 earlier and the current one.
    expect(naive.length).toBe(k === 12 ? 2 : 11);
    expect(st.latest?.date, 'the streak running on Jan 21, 2026 is the latest episode').toBe(naive[naive.length - 1] ? d[(naive[naive.length - 1] as { day: number }).day] : undefined);
    st.episodes.forEach((e, k) => {
      const ref = naive[k]?.rel3;
      if (ref === null || ref === undefined) expect(e.outcomes[1]).toBeNull();
      else expect(e.outcomes[1]?.rel).toBeCloseTo(ref, 12);
    });
  });
});

describe('failed breakouts (event `failed`): a hand-built series', () => {
  /** Weekdays from Jan 1, 2001: the 52-week window of a breakout reads real calendar dates. */
  function isoWeekdays(n: number): string[] {
    const out: string[] = [];
    for (let t = Date.UTC(2001, 0, 1); out.length < n; t += 86_400_000) {
      const d = new Date(t);
      if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(d.toISOString().slice(0, 10));
    }
    return out;
  }
  // A flat 100 with hand-placed closes (about 261 weekdays make 52 weeks). Every forward value stays below the
  // latest breakout, so none of them is a 52-week high and the only episodes are the ones built in.
  const n = 1150;
  const lv = Array.from({ length: n }, () => 100);
  const set = (from: number, to: number, v: number): void => {
    for (let i = from; i <= to; i++) lv[i] = v;
  };
  lv[200] = 110; // the prior high
  lv[300] = 111; // breakout over 110 (100 sessions old) …
  set(301, 302, 110.5);
  lv[303] = 105; // … lost 3 sessions later: event 1 on day 303
  lv[303 + 21] = 84; // 1 month: −20%
  lv[303 + 63] = 94.5; // 3 months: −10%
  lv[555] = 110.25; // below the 111 of day 300 (within 52 weeks): not a high
  lv[600] = 115; // breakout over 110.25 (day 555) that holds: 113 for the next 15 sessions
  set(601, 615, 113);
  lv[700] = 120; // breakout over 115 (level 115) …
  set(701, 705, 119);
  lv[706] = 122; // … and a second one over 120 (6 sessions old), stacked
  lv[707] = 121;
  lv[708] = 118; // below 120 (not yet below 115): the 706 breakout fails first: event 2 on day 708, one episode
  lv[708 + 21] = 106.2; // −10%
  lv[708 + 63] = 118; // 0
  lv[960] = 118; // a tie with day 771: the later one is the level (latest on a tie)
  lv[1000] = 125; // breakout over 118 (day 960)
  set(1001, 1009, 119);
  lv[1010] = 117; // below 118 exactly 10 sessions later: still inside the window: event 3 on day 1010
  lv[1010 + 21] = 111.15; // −5%
  lv[1010 + 63] = 122.85; // +5%
  lv[1100] = 130; // breakout over 125 that falls back only after 10 sessions: not failed
  set(1101, 1110, 126);
  const d = isoWeekdays(n);
  const inp: AnalogInput = { dates: d, adj: Float64Array.from(lv), levels: lv };

  it('failedBreakouts: the three episodes, the stacked pair as one (the latest breakout, lost first)', () => {
    const f = failedBreakouts(lv, d);
    expect(f.map((x) => [x.index, x.level, x.fellBack.index, x.fellBack.sessions])).toEqual([
      [300, 110, 303, 3],
      [706, 120, 708, 2],
      [1000, 118, 1010, 10],
    ]);
    expect(f[2]?.levelIndex, 'a tie: the later close is the level').toBe(960);
    expect(eventDays({ kind: 'failed' }, inp)).toEqual([303, 708, 1010]);
    expect(eventDays({ kind: 'failed' }, inp, 1009), 'day 1010 is not known on day 1009').toEqual([303, 708]);
  });

  it('what followed, known by construction; look-ahead holds', () => {
    const st = analogStudy({ kind: 'failed' }, inp);
    expect(st.episodes.map((e) => e.outcomes[1]?.ret)).toEqual([94.5 / 105 - 1, 0, 122.85 / 117 - 1]);
    const three = st.summaries[1];
    // −10%, 0, +5%: median 0, one positive, best +5% after day 1010, worst −10% after day 303.
    expect(three?.ret).toEqual({ n: 3, median: 0, positives: 1, best: { value: expect.closeTo(0.05, 12) as number, date: d[1010] }, worst: { value: expect.closeTo(-0.1, 12) as number, date: d[303] } });
    expect(st.episodes[0]?.outcomes[0]?.ret).toBeCloseTo(-0.2, 12);
    expect(st.latest?.index, 'the 12-month window of day 1010 runs past the data').toBe(1010);
    // As of day 1072 the day-1010 window (ends 1073) is open: two cases, nothing said.
    const early = analogStudy({ kind: 'failed' }, inp, 1072);
    expect(early.summaries[1]?.n).toBe(2);
    expect(early.summaries[1]?.ret).toBeNull();
    // Leaving out today's episode (before its breakout day) as /breakout and /drawdown do.
    expect(analogStudy({ kind: 'failed' }, inp, n - 1, { before: 1000 }).episodes.map((e) => e.index)).toEqual([303, 708]);
  });

  it('property: on a random walk, every episode is a 52-week high lost within 10 sessions, in order, and none reads past the end', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -0.04, max: 0.04, noNaN: true }), { minLength: 300, maxLength: 700 }), fc.nat(), (steps, cut) => {
        const v: number[] = [];
        let x = 100;
        for (const s of steps) v.push((x *= 1 + s));
        const ds = isoWeekdays(v.length);
        const e = 1 + (cut % (v.length - 1));
        const all = failedBreakouts(v, ds, e);
        expect(all).toEqual(failedBreakouts(v.slice(0, e + 1), ds.slice(0, e + 1)));
        let prev = -1;
        for (const f of all) {
          expect(f.index).toBeGreaterThan(prev);
          expect(v[f.index]).toBeGreaterThan(f.level);
          expect(v[f.fellBack.index]).toBeLessThan(f.level);
          expect(f.fellBack.sessions).toBeLessThanOrEqual(10);
          expect(f.fellBack.index).toBeLessThanOrEqual(e);
          for (let i = f.index + 1; i < f.fellBack.index; i++) expect(v[i]).toBeGreaterThanOrEqual(f.level);
          prev = f.fellBack.index;
        }
      }),
      { numRuns: 60 },
    );
  });
});
