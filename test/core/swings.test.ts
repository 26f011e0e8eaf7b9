import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { drawdownCurve } from '../../src/core/drawdowns.ts';
import { bearMarkets, BEAR_MARKET, CORRECTION, currentDecline, declineFrom, PULLBACK, roundTrip, swingPoints } from '../../src/core/swings.ts';
import { loadSeries, rawRows } from './_realdata-b.ts';
import { weekdays } from './_weekdays.ts';

// Hand example (10% rule; no close sits exactly on a threshold, where floating point would decide): low 100
// (i0, confirmed by 111 ≥ 110) → high 111 (i1, confirmed by 99 ≤ 99.9 at i3) → low 99 (i3, confirmed by 112 ≥
// 108.9) → high 120 (i5, confirmed by 107 ≤ 108) → low 96 (i7, confirmed by 115 ≥ 105.6) → rising leg to 121
// (i10), not yet confirmed.
const V = [100, 111, 104, 99, 112, 120, 107, 96, 103, 115, 121];
const D = weekdays(V.length);

/** Closes and dates of a bundled CSV (rows with a close), straight from the file. */
function closes(symbol: string): { dates: string[]; values: number[] } {
  const rows = rawRows(symbol).filter((r) => r.close !== '');
  return { dates: rows.map((r) => r.date), values: rows.map((r) => Number(r.close)) };
}

describe('swingPoints (hand-computed)', () => {
  it('alternates confirmed highs and lows under the 10% rule; the last leg is pending', () => {
    const s = swingPoints(V, D, 0.1);
    expect(s.points.map((p) => [p.kind, p.index, p.value])).toEqual([
      ['low', 0, 100],
      ['high', 1, 111],
      ['low', 3, 99],
      ['high', 5, 120],
      ['low', 7, 96],
    ]);
    expect(s.pending, 'the rise to 121 has not reversed by 10% yet').toMatchObject({ kind: 'high', index: 10, value: 121 });
  });

  it('uses no close after the end index', () => {
    const s = swingPoints(V, D, 0.1, 6);
    expect(s.points.map((p) => p.index), '107 at i6 confirms the high at i5').toEqual([0, 1, 3, 5]);
    expect(swingPoints(V, D, 0.1, 5).points.map((p) => p.index), 'at i5 the 120 is still pending').toEqual([0, 1, 3]);
  });

  it('a tie with the leg extreme moves it to the later day', () => {
    const s = swingPoints([100, 120, 110, 120, 90], weekdays(5), 0.2);
    expect(s.points.find((p) => p.kind === 'high')?.index, 'the second 120').toBe(3);
  });

  it('rejects a threshold outside (0, 1)', () => {
    expect(() => swingPoints(V, D, 0)).toThrow(RangeError);
    expect(() => swingPoints(V, D, 1)).toThrow(RangeError);
  });
});

describe('declineFrom / currentDecline / bearMarkets (hand-computed)', () => {
  it('measures from the high to the lowest close before it is regained', () => {
    const d = declineFrom(V, D, 5);
    expect(d.trough).toEqual({ value: 96, date: D[7], index: 7 });
    expect(d.recovery, '121 at i10 regains 120').toEqual({ date: D[10], index: 10 });
    expect(d.depth, '96/120 − 1').toBeCloseTo(-0.2, 12);
  });

  it('the decline in progress: only while the last swing point is a high not yet regained', () => {
    const d = currentDecline(V, D, 0.1, 7);
    expect(d).toMatchObject({ high: { index: 5, value: 120 }, trough: { index: 7, value: 96 }, recovery: null });
    expect(currentDecline(V, D, 0.1, 10), 'the last swing point is the low at i7').toBeNull();
  });

  it('lists a bear market inside a longer underwater stretch, and drops a rally inside the same fall', () => {
    // 100 → 60 (−40%), rally to 95, → 60 again (−36.8% from 95), then 100 regains the first peak.
    const inside = bearMarkets([100, 60, 80, 95, 60, 100], weekdays(6), BEAR_MARKET);
    expect(inside.map((b) => [b.high.index, b.trough.index, +b.depth.toFixed(6)])).toEqual([
      [0, 1, -0.4],
      [3, 4, +(60 / 95 - 1).toFixed(6)],
    ]);
    // 100 → 50, rally to 90, → 40, then 110: the 90 high lies inside 100 → 40, so one fall of 60%.
    const nested = bearMarkets([100, 50, 90, 40, 110], weekdays(5), BEAR_MARKET);
    expect(nested.map((b) => [b.high.index, b.trough.index, +b.depth.toFixed(6)])).toEqual([[0, 3, -0.6]]);
  });
});

describe('roundTrip (hand-computed)', () => {
  it('names the oldest swing point within the band, old enough', () => {
    const r = roundTrip(V, D, { threshold: 0.1, band: 0.01, minSessions: 5 }, 10);
    expect(r?.point).toMatchObject({ kind: 'high', index: 5, value: 120 });
    expect(r?.distance).toBeCloseTo(121 / 120 - 1, 12);
    expect(roundTrip(V, D, { threshold: 0.1, band: 0.005, minSessions: 5 }, 10), '0.83% is outside ±0.5%').toBeNull();
    expect(roundTrip(V, D, { threshold: 0.1, band: 0.01, minSessions: 6 }, 10), 'the 120 is only 5 sessions old').toBeNull();
  });
});

describe('real data (reference values computed here straight from the CSVs)', () => {
  it('IWM: the decline from the Nov 25, 2024 high to Apr 8, 2025, 0.07% short of the Nov 2021 record', () => {
    const { dates, values } = closes('IWM');
    const end = dates.indexOf('2025-04-08');
    const hi = dates.indexOf('2024-11-25');
    // Naive: the record before Nov 25, 2024, and the lowest close from then to Apr 8, 2025.
    let rec = 0;
    for (let i = 0; i < hi; i++) if ((values[i] as number) > (values[rec] as number)) rec = i;
    let lo = hi;
    for (let i = hi; i <= end; i++) if ((values[i] as number) < (values[lo] as number)) lo = i;
    expect([dates[rec], values[rec]], 'IWM.csv').toEqual(['2021-11-08', 242.56]);
    expect([dates[lo], values[lo], values[hi]]).toEqual(['2025-04-08', 174.82, 242.4]);
    expect((values[hi] as number) / (values[rec] as number) - 1, '0.07% short').toBeCloseTo(-0.00066, 5);
    const d = currentDecline(values, dates, CORRECTION, end);
    expect(d?.high.date).toBe('2024-11-25');
    expect(d?.trough.date).toBe('2025-04-08');
    expect(d?.depth, '174.82 / 242.40 − 1 = −27.9%').toBeCloseTo(174.82 / 242.4 - 1, 12);
  });

  it('QQQ: the 2007–2008 bear market, −53.6%, inside the 2000–2015 drawdown', () => {
    const { dates, values } = closes('QQQ');
    const hi = dates.indexOf('2007-10-31');
    // Naive: the lowest close after Oct 31, 2007 before a close at or above it.
    let lo = hi;
    for (let i = hi + 1; i < values.length && (values[i] as number) < (values[hi] as number); i++) if ((values[i] as number) < (values[lo] as number)) lo = i;
    expect([dates[lo], values[hi], values[lo]]).toEqual(['2008-11-20', 55.03, 25.56]);
    const bears = bearMarkets(values, dates, BEAR_MARKET);
    const b = bears.find((x) => x.high.date === '2007-10-31');
    expect(b?.trough.date).toBe('2008-11-20');
    expect(b?.depth, '25.56 / 55.03 − 1').toBeCloseTo(25.56 / 55.03 - 1, 12);
    expect(+((b?.depth ?? 0) * 100).toFixed(1)).toBe(-53.6);
    expect(bears.some((x) => x.high.date === '2008-06-05'), 'the Jun 2008 rally high is inside the same fall').toBe(false);
    // Swing points of 2007–2008 under the 20% rule, from an independent zigzag over QQQ.csv (python, closes only).
    const pts = swingPoints(values, dates, BEAR_MARKET).points.filter((p) => p.date >= '2007-01-01' && p.date <= '2008-12-31');
    expect(pts.map((p) => [p.kind, p.date, p.value])).toEqual([
      ['high', '2007-10-31', 55.03],
      ['low', '2008-03-10', 41.26],
      ['high', '2008-06-05', 50.55],
      ['low', '2008-11-20', 25.56],
    ]);
  });

  it("IWM on Aug 14, 2025 is back at its Feb 9, 2021 peak ($228.38), 4.5 years on", () => {
    const { dates, values } = closes('IWM');
    const end = dates.indexOf('2025-08-14');
    expect(values[end], 'IWM.csv').toBe(228.24);
    const r = roundTrip(values, dates, { threshold: PULLBACK, band: 0.01, minSessions: 252 }, end);
    expect(r?.point).toMatchObject({ kind: 'high', date: '2021-02-09', value: 228.38 });
    // Feb 9 → Mar 4, 2021: 228.38 → 213.19, a 6.7% pullback (≥ 5%) before any higher close.
    expect(213.19 / 228.38 - 1).toBeLessThan(-PULLBACK);
  });
});

describe('properties', () => {
  const series = fc.array(fc.double({ min: 1, max: 1000, noNaN: true }), { minLength: 2, maxLength: 120 });
  it('a decline from a swing high is never deeper than the drawdown on its trough day', () => {
    fc.assert(
      fc.property(series, fc.constantFrom(PULLBACK, CORRECTION, BEAR_MARKET), (vs, th) => {
        const ds = weekdays(vs.length);
        const curve = drawdownCurve(vs);
        for (const b of bearMarkets(vs, ds, th)) {
          expect(b.depth).toBeGreaterThanOrEqual((curve[b.trough.index] as number) - 1e-12);
          expect(b.trough.value).toBeLessThanOrEqual(b.high.value * (1 - th) * (1 + 1e-12));
        }
      }),
    );
  });

  it('swing points alternate, and each is confirmed by a reversal of the threshold', () => {
    fc.assert(
      fc.property(series, fc.constantFrom(PULLBACK, CORRECTION, BEAR_MARKET), (vs, th) => {
        const pts = swingPoints(vs, weekdays(vs.length), th).points;
        for (let k = 1; k < pts.length; k++) {
          const a = pts[k - 1];
          const b = pts[k];
          if (!a || !b) continue;
          expect(a.kind).not.toBe(b.kind);
          expect(b.index).toBeGreaterThan(a.index);
          if (a.kind === 'high') expect(b.value).toBeLessThanOrEqual(a.value * (1 - th) * (1 + 1e-12));
          else expect(b.value).toBeGreaterThanOrEqual(a.value * (1 + th) * (1 - 1e-12));
        }
      }),
    );
  });
});

describe('speed smoke (timing lives in bench/)', () => {
  it('runs over the full ^GSPC history', () => {
    const s = loadSeries('^GSPC');
    const values = s.close.map((v) => v as number);
    expect(bearMarkets(values, s.dates).length).toBeGreaterThan(5);
  });
});
