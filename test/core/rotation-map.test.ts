import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dayNumber,
  quadrantOf,
  pointAt,
  quadrantStay,
  rotationPath,
  ROTATION_WARMUP_WEEKS,
  rsMomentum,
  rsRatio,
  RS_MOMENTUM_WEEKS,
  RS_RATIO_LONG_WEEKS,
  RS_RATIO_SHORT_WEEKS,
  weeklyCloseIndices,
  weekNumbers,
  type Quadrant,
  type RotationPoint,
} from '../../src/core/rotation-map.ts';
import { seriesFromCloses, type DailySeries } from '../../src/core/series.ts';
import { csvRows } from './_realdata.ts';

/** Weekdays from Monday Jan 6, 2020, `n` of them, as ISO dates (computed with Date, independently of dayNumber). */
function weekdays(n: number, start = Date.UTC(2020, 0, 6)): string[] {
  const out: string[] = [];
  for (let t = start; out.length < n; t += 86_400_000) {
    const wd = new Date(t).getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

describe('dayNumber', () => {
  it('counts days from Jan 1, 1970', () => {
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(dayNumber('1970-01-08')).toBe(7);
    // 2000 is a leap year: Jan (31) + Feb (29) = 60 days, plus the 10,957 days of 1970–1999.
    expect(dayNumber('2000-03-01')).toBe(10_957 + 60);
    expect(dayNumber('1969-12-31'), 'before the epoch').toBe(-1);
  });

  it('agrees with Date.UTC on any date from 1900 to 2100', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1) / 86_400_000, max: Date.UTC(2100, 11, 31) / 86_400_000 }), (day) => {
        const iso = new Date(day * 86_400_000).toISOString().slice(0, 10);
        expect(dayNumber(iso), iso).toBe(day);
      }),
    );
  });
});

describe('weeklyCloseIndices', () => {
  it('takes the last trading day of each Monday–Sunday week, the last date ending the partial week', () => {
    const dates = [
      '2025-12-22', // Mon
      '2025-12-23',
      '2025-12-24',
      '2025-12-26', // Fri (Christmas closed)                    → index 3
      '2025-12-29', // Mon: the week spans the new year
      '2025-12-31',
      '2026-01-02', // Fri                                          → index 6
      '2026-01-05', // Mon
      '2026-01-07', // Wed: the as-of date, a partial week          → index 8
    ];
    expect(weeklyCloseIndices(dates)).toEqual([3, 6, 8]);
  });

  it('handles a single date and an empty list', () => {
    expect(weeklyCloseIndices(['2026-01-07'])).toEqual([0]);
    expect(weeklyCloseIndices([])).toEqual([]);
  });

  it('puts a Sunday with the week before it, and the next Monday in a new week', () => {
    // Jan 11, 2026 is a Sunday (Jan 1 was a Thursday).
    expect(weeklyCloseIndices(['2026-01-09', '2026-01-11', '2026-01-12'])).toEqual([1, 2]);
  });
});

describe('weekNumbers', () => {
  it('gives each date its Monday–Sunday week, as Date counts it, across month, year and leap-day boundaries', () => {
    // Every 3rd calendar day from Dec 2019 to Mar 2021 (through Feb 29, 2020), and an 11-year jump.
    const dates: string[] = [];
    for (let t = Date.UTC(2019, 11, 1); t < Date.UTC(2021, 2, 1); t += 3 * 86_400_000) dates.push(new Date(t).toISOString().slice(0, 10));
    dates.push('2032-03-01', '2032-03-07', '2032-03-08');
    const expected = dates.map((d) => Math.floor((Date.parse(`${d}T00:00:00Z`) / 86_400_000 + 3) / 7));
    expect([...weekNumbers(dates)]).toEqual(expected);
    // Sunday Mar 7, 2032 closes the week Monday Mar 1 opened; Monday Mar 8 starts the next.
    const w = weekNumbers(['2032-03-01', '2032-03-07', '2032-03-08']);
    expect(w[1]).toBe(w[0]);
    expect(w[2]).toBe((w[0] as number) + 1);
  });
});

describe('rsRatio and rsMomentum', () => {
  it('compare the short average of relative strength with the long one', () => {
    // short 2, long 3: i=2 → (102+104)/2 = 103 vs (100+102+104)/3 = 102 → 100·103/102.
    const r = rsRatio([100, 102, 104, 106, 111], 2, 3);
    expect(r.slice(0, 2), 'no long average yet').toEqual([null, null]);
    expect(r[2]).toBeCloseTo((100 * 103) / 102, 12);
    expect(r[3]).toBeCloseTo((100 * 105) / 104, 12);
    // i=4: (106+111)/2 = 108.5 vs (104+106+111)/3 = 107.
    expect(r[4]).toBeCloseTo((100 * 108.5) / 107, 12);
  });

  it('momentum is the rolling change of RS-Ratio over k weeks', () => {
    const m = rsMomentum([null, 100, 102, 99, 103], 2);
    expect(m.slice(0, 3), 'needs a ratio k weeks earlier').toEqual([null, null, null]);
    expect(m[3]).toBeCloseTo(99, 12); // 100 · 99 / 100
    expect(m[4]).toBeCloseTo((100 * 103) / 102, 12);
  });

  it('uses the documented windows by default', () => {
    expect([RS_RATIO_SHORT_WEEKS, RS_RATIO_LONG_WEEKS, RS_MOMENTUM_WEEKS]).toEqual([4, 13, 4]);
    const r = rsRatio(Array.from({ length: 20 }, (_, i) => 100 + i));
    expect(r.findIndex((x) => x !== null), 'first RS-Ratio after 13 weeks').toBe(12);
    expect(rsMomentum(r).findIndex((x) => x !== null), 'first RS-Momentum 4 weeks later').toBe(ROTATION_WARMUP_WEEKS - 1);
  });
});

describe('quadrants', () => {
  it('are named by which side of 100 each coordinate is on', () => {
    expect(quadrantOf(101, 101)).toBe('leading');
    expect(quadrantOf(101, 99)).toBe('weakening');
    expect(quadrantOf(99, 99)).toBe('lagging');
    expect(quadrantOf(99, 101)).toBe('improving');
    expect(quadrantOf(100, 100), 'exactly 100 is not above 100').toBe('lagging');
  });

  it('counts the weeks of the latest stay and the quadrant before it', () => {
    const pt = (quadrant: Quadrant): RotationPoint => ({ date: '2026-01-02', ratio: 100, momentum: 100, quadrant });
    expect(quadrantStay([pt('lagging'), pt('improving'), pt('leading'), pt('leading')])).toEqual({ quadrant: 'leading', weeks: 2, previous: 'improving' });
    expect(quadrantStay([pt('lagging'), pt('lagging')])).toEqual({ quadrant: 'lagging', weeks: 2, previous: null });
    expect(quadrantStay([])).toBeNull();
  });
});

describe('rotationPath', () => {
  const CLOCKWISE: Record<Quadrant, Quadrant> = { improving: 'leading', leading: 'weakening', weakening: 'lagging', lagging: 'improving' };

  it('moves clockwise Improving → Leading → Weakening → Lagging when relative strength swings like a wave', () => {
    // 5 trading days a week, a 26-week cycle in A/B, over 3 cycles; B drifts up so levels differ.
    const n = 5 * 26 * 3;
    const dates = weekdays(n);
    const b = dates.map((_, i) => 100 * 1.0003 ** i);
    const a = b.map((x, i) => 50 * x * (1 + 0.08 * Math.sin((2 * Math.PI * i) / (5 * 26))));
    const path = rotationPath(seriesFromCloses('A', dates, a), seriesFromCloses('B', dates, b)).points;
    expect(path.length, 'one point per week after the warm-up').toBe(n / 5 - ROTATION_WARMUP_WEEKS + 1);
    const visits: Quadrant[] = [];
    for (const p of path) if (visits[visits.length - 1] !== p.quadrant) visits.push(p.quadrant);
    expect(visits.length, 'goes round more than twice').toBeGreaterThanOrEqual(9);
    for (let i = 1; i < visits.length; i++) {
      expect(visits[i], `after ${visits[i - 1]} (visit ${i})`).toBe(CLOCKWISE[visits[i - 1] as Quadrant]);
    }
  });

  it('a weak symbol that starts to strengthen steadily goes Lagging → Improving → Leading', () => {
    // 40 weeks of A trailing B by 0.2% a day, then 40 weeks of A beating B by 0.2% a day.
    const weeks = 80;
    const n = 5 * weeks;
    const turn = 5 * 40;
    const dates = weekdays(n);
    const b = dates.map((_, i) => 100 * 1.0003 ** i);
    let rel = 1;
    const a = b.map((x, i) => {
      if (i > 0) rel *= i <= turn ? 0.998 : 1.002;
      return x * rel;
    });
    const path = rotationPath(seriesFromCloses('A', dates, a), seriesFromCloses('B', dates, b)).points;
    const turnDate = dates[turn] as string;
    const before = path.filter((p) => p.date <= turnDate);
    const after = path.filter((p) => p.date > turnDate);
    expect(before.every((p) => p.ratio < 100), 'weak before the turn: RS-Ratio below 100').toBe(true);
    expect(before.at(-1)?.quadrant, 'lagging when the turn comes').toBe('lagging');
    const visits: Quadrant[] = ['lagging'];
    for (const p of after) if (visits[visits.length - 1] !== p.quadrant) visits.push(p.quadrant);
    expect(visits.slice(0, 3), 'clockwise out of Lagging').toEqual(['lagging', 'improving', 'leading']);
    expect(after.at(-1)?.ratio, 'strong by the end: RS-Ratio above 100').toBeGreaterThan(100);
  });

  it('puts a symbol identical to its benchmark at exactly (100, 100)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -0.05, max: 0.05, noNaN: true }), { minLength: 100, maxLength: 200 }), (moves) => {
        const dates = weekdays(moves.length);
        let level = 100;
        const closes = moves.map((m) => (level *= 1 + m));
        const s = seriesFromCloses('S', dates, closes);
        const path = rotationPath(s, seriesFromCloses('B', dates, closes)).points;
        expect(path.length).toBeGreaterThan(0);
        for (const p of path) expect([p.ratio, p.momentum]).toEqual([100, 100]);
      }),
    );
  });

  it('does not depend on price levels: scaling A or B leaves the map unchanged', () => {
    const dates = weekdays(200);
    const a = dates.map((_, i) => 40 + 10 * Math.sin(i / 17) + i / 10);
    const b = dates.map((_, i) => 300 + 20 * Math.cos(i / 23));
    const base = rotationPath(seriesFromCloses('A', dates, a), seriesFromCloses('B', dates, b)).points;
    const scaled = rotationPath(seriesFromCloses('A', dates, a.map((x) => x * 7.5)), seriesFromCloses('B', dates, b.map((x) => x / 3))).points;
    expect(scaled.length).toBe(base.length);
    scaled.forEach((p, i) => {
      expect(p.ratio).toBeCloseTo((base[i] as RotationPoint).ratio, 9);
      expect(p.momentum).toBeCloseTo((base[i] as RotationPoint).momentum, 9);
    });
  });

  it('is empty when the common history is shorter than the warm-up', () => {
    const dates = weekdays(5 * (ROTATION_WARMUP_WEEKS - 1));
    const s = seriesFromCloses('S', dates, dates.map((_, i) => 100 + i));
    expect(rotationPath(s, seriesFromCloses('B', dates, dates.map(() => 100))).points).toEqual([]);
  });

  it('matches a naive weekly calculation on real prices (XLK vs SPY to Jan 21, 2026)', () => {
    // Independent: common dates by a Map, weeks keyed by their Monday via Date, plain loops for the averages.
    const spy = new Map(csvRows('SPY').map((r) => [r.date, Number(r.adj_close)]));
    const rows = csvRows('XLK').filter((r) => spy.has(r.date) && r.date <= '2026-01-21');
    const mondayOf = (iso: string): string => {
      const t = Date.parse(`${iso}T00:00:00Z`);
      const wd = (new Date(t).getUTCDay() + 6) % 7; // Monday = 0
      return new Date(t - wd * 86_400_000).toISOString().slice(0, 10);
    };
    const weekly = new Map<string, { date: string; rs: number }>();
    for (const r of rows) weekly.set(mondayOf(r.date), { date: r.date, rs: (100 * Number(r.adj_close)) / (spy.get(r.date) as number) });
    const w = [...weekly.values()];
    const mean = (from: number, to: number) => {
      let s = 0;
      for (let i = from; i <= to; i++) s += (w[i] as { rs: number }).rs;
      return s / (to - from + 1);
    };
    const ratioAt = (t: number) => (100 * mean(t - 3, t)) / mean(t - 12, t);
    const last = w.length - 1;
    const expectedRatio = ratioAt(last);
    const expectedMomentum = (100 * expectedRatio) / ratioAt(last - 4);

    const cut = (sym: string): DailySeries => {
      const rs = csvRows(sym).filter((r) => r.date <= '2026-01-21');
      return seriesFromCloses(
        sym,
        rs.map((r) => r.date),
        rs.map((r) => Number(r.adj_close)),
      );
    };
    const path = rotationPath(cut('XLK'), cut('SPY')).points;
    const head = path[path.length - 1];
    expect(head?.date, 'the partial week ends on the as-of date').toBe('2026-01-21');
    expect(head?.ratio).toBeCloseTo(expectedRatio, 9);
    expect(head?.momentum).toBeCloseTo(expectedMomentum, 9);
    expect(path.length, 'every week after the warm-up').toBe(w.length - ROTATION_WARMUP_WEEKS + 1);
  });
});

/**
 * A naive reference written from the definition, independent of the one-pass code: common dates by a Set,
 * weeks keyed by their Monday via Date, plain window sums, one object per week.
 */
function naiveRotation(a: { dates: string[]; adj: number[] }, b: { dates: string[]; adj: number[] }): RotationPoint[] {
  const bByDate = new Map(b.dates.map((d, i) => [d, b.adj[i] as number]));
  const mondayOf = (iso: string): string => {
    const t = Date.parse(`${iso}T00:00:00Z`);
    const wd = (new Date(t).getUTCDay() + 6) % 7;
    return new Date(t - wd * 86_400_000).toISOString().slice(0, 10);
  };
  const weekly = new Map<string, { date: string; rs: number }>();
  a.dates.forEach((d, i) => {
    const other = bByDate.get(d);
    if (other !== undefined) weekly.set(mondayOf(d), { date: d, rs: 100 * ((a.adj[i] as number) / other) });
  });
  const w = [...weekly.values()];
  const mean = (from: number, to: number) => w.slice(from, to + 1).reduce((s, x) => s + x.rs, 0) / (to - from + 1);
  const ratioAt = (t: number) => (100 * mean(t - RS_RATIO_SHORT_WEEKS + 1, t)) / mean(t - RS_RATIO_LONG_WEEKS + 1, t);
  const out: RotationPoint[] = [];
  for (let t = ROTATION_WARMUP_WEEKS - 1; t < w.length; t++) {
    const ratio = ratioAt(t);
    const momentum = (100 * ratio) / ratioAt(t - RS_MOMENTUM_WEEKS);
    out.push({ date: (w[t] as { date: string }).date, ratio, momentum, quadrant: quadrantOf(ratio, momentum) });
  }
  return out;
}

describe('rotationPath against the naive reference', () => {
  /** Random calendar days (any weekday, gaps of 1–12 days, some across month and year ends) with positive prices. */
  const history = fc
    .record({
      start: fc.integer({ min: Date.UTC(1995, 0, 1) / 86_400_000, max: Date.UTC(2025, 0, 1) / 86_400_000 }),
      steps: fc.array(fc.record({ gap: fc.integer({ min: 1, max: 12 }), a: fc.double({ min: 0.5, max: 500, noNaN: true }), b: fc.double({ min: 0.5, max: 500, noNaN: true }), inA: fc.boolean(), inB: fc.boolean() }), { minLength: 0, maxLength: 400, size: 'max' }),
    })
    .map(({ start, steps }) => {
      const a = { dates: [] as string[], adj: [] as number[] };
      const b = { dates: [] as string[], adj: [] as number[] };
      let day = start;
      for (const s of steps) {
        day += s.gap;
        const iso = new Date(day * 86_400_000).toISOString().slice(0, 10);
        // Mostly both trade; sometimes only one of them does (a gap the alignment must skip).
        const both = !s.inA && !s.inB;
        if (both || s.inA) {
          a.dates.push(iso);
          a.adj.push(s.a);
        }
        if (both || s.inB) {
          b.dates.push(iso);
          b.adj.push(s.b);
        }
      }
      return { a, b };
    });

  it('gives the same dates, RS-Ratio and RS-Momentum (to 1e-9) on random histories with gaps', () => {
    fc.assert(
      fc.property(history, ({ a, b }) => {
        const expected = naiveRotation(a, b);
        const sb = seriesFromCloses('B', b.dates, b.adj);
        const path = rotationPath(seriesFromCloses('A', a.dates, a.adj), sb);
        expect(path.length).toBe(expected.length);
        // With the benchmark's weeks read beforehand: the very same path.
        const shared = rotationPath(seriesFromCloses('A', a.dates, a.adj), sb, weekNumbers(b.dates));
        expect([...shared.dates]).toEqual([...path.dates]);
        expect([...shared.ratio]).toEqual([...path.ratio]);
        expect([...shared.momentum]).toEqual([...path.momentum]);
        expect([...path.dates]).toEqual(expected.map((p) => p.date));
        expected.forEach((p, i) => {
          expect(Math.abs((path.ratio[i] as number) - p.ratio), `ratio ${p.date}`).toBeLessThan(1e-9 * p.ratio);
          expect(Math.abs((path.momentum[i] as number) - p.momentum), `momentum ${p.date}`).toBeLessThan(1e-9 * p.momentum);
        });
        path.points.forEach((p, i) => {
          const ratio = path.ratio[i] as number;
          const momentum = path.momentum[i] as number;
          expect(p).toEqual({ date: path.dates[i], ratio, momentum, quadrant: quadrantOf(ratio, momentum) });
        });
      }),
      { numRuns: 120 },
    );
  }, 60_000);

  it('gives the same path as the reference for every sector against SPY over the full bundled history', () => {
    const load = (sym: string) => ({ dates: csvRows(sym).map((r) => r.date), adj: csvRows(sym).map((r) => Number(r.adj_close)) });
    const spy = load('SPY');
    for (const sym of ['XLB', 'XLC', 'XLE', 'XLF', 'XLI', 'XLK', 'XLP', 'XLRE', 'XLU', 'XLV', 'XLY']) {
      const a = load(sym);
      const expected = naiveRotation(a, spy);
      const spySeries = seriesFromCloses('SPY', spy.dates, spy.adj);
      // As /rotationmap runs it: SPY's weeks read once for all sectors.
      const path = rotationPath(seriesFromCloses(sym, a.dates, a.adj), spySeries, weekNumbers(spy.dates));
      expect(path.length, sym).toBe(expected.length);
      expect(path.length, `${sym} has years of weekly points`).toBeGreaterThan(300);
      expected.forEach((p, i) => {
        const got = path.points[i] as RotationPoint;
        expect(got.date).toBe(p.date);
        expect(Math.abs(got.ratio - p.ratio), `${sym} ratio ${p.date}`).toBeLessThan(1e-9);
        expect(Math.abs(got.momentum - p.momentum), `${sym} momentum ${p.date}`).toBeLessThan(1e-9);
      });
      expect(pointAt(path, -1)).toEqual(path.points.at(-1));
    }
  }, 60_000);
});
