import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { breakoutAt, roundStep, runScan, snapbackAt, SNAPBACK } from '../../src/core/scans.ts';
import { seriesFromCloses } from '../../src/core/series.ts';

function dates(n: number): string[] {
  const out: string[] = [];
  const t0 = Date.parse('2020-01-01T00:00:00Z');
  for (let i = 0; i < n; i++) out.push(new Date(t0 + i * 86_400_000).toISOString().slice(0, 10));
  return out;
}

/** 100 flat, a high of `high` on day 70, a fall to `low` by day 100, then a rally to `last` over the final days. */
function snapSeries(high: number, low: number, last: number): number[] {
  const v = Array.from({ length: 120 }, () => 100);
  v[70] = high;
  for (let i = 71; i <= 100; i++) v[i] = high + ((low - high) * (i - 70)) / 30;
  for (let i = 101; i < 120; i++) v[i] = low + ((last - low) * (i - 100)) / 19;
  return v;
}

describe('snapback: hand-built', () => {
  it('30% off the high, 10% off the low, above the 10-day average: in', () => {
    const h = snapbackAt(snapSeries(200, 140, 154));
    expect(h?.value).toBeCloseTo(140 / 200 - 1, 12);
    expect(h?.extra.rally).toBeCloseTo(154 / 140 - 1, 12);
    expect(h?.level).toBe(200);
  });
  it('out: a fall of 20%; a rally of 3%; or a close under the 10-day average', () => {
    expect(snapbackAt(snapSeries(200, 160, 176)), 'only 20% off').toBeNull();
    expect(snapbackAt(snapSeries(200, 140, 144)), 'only 2.9% off the low').toBeNull();
    const v = snapSeries(200, 140, 160);
    v[119] = 147.5; // +5.4% off the low, but below the average of the last 10 closes (all ≥ 149)
    expect(snapbackAt(v)).toBeNull();
  });
  it('a high older than 3 months does not count', () => {
    const v = snapSeries(200, 140, 154);
    // Move the high back 63+ sessions before the end: the window's high is then the fall's start.
    const older = [...Array.from({ length: 40 }, () => 100), ...v];
    older[40 + 70 - SNAPBACK.lookback] = 400;
    expect(snapbackAt(older)?.level).toBe(200);
  });
});

describe('breakouts: hand-built', () => {
  it('a record close within 5 sessions, still above the old record', () => {
    const v = [...Array.from({ length: 300 }, (_, i) => 50 + (i % 10)), 62, 61, 60.5];
    const h = breakoutAt(v);
    expect(h?.label).toBe('record close');
    expect(h?.level).toBe(59);
    expect(h?.value).toBeCloseTo(60.5 / 59 - 1, 12);
    expect(breakoutAt([...v.slice(0, -1), 58]), 'back below the old record: failed, not listed').toBeNull();
  });
  it('a 52-week high below the record; a round level untouched for a year', () => {
    const v = [...Array.from({ length: 10 }, () => 120), ...Array.from({ length: 300 }, () => 80), 95];
    expect(breakoutAt(v)?.label).toBe('52-week high');
    expect(breakoutAt(v)?.level).toBe(80);
    // 99 → 101 crosses 100 (step 50 at 101: floor(101 / 50) × 50 = 100), no close above 100 for a year.
    const w = [...Array.from({ length: 10 }, () => 150), ...Array.from({ length: 200 }, () => 90), ...Array.from({ length: 100 }, () => 99), 101];
    expect(w.slice(-253, -1).every((x) => x <= 100)).toBe(true);
    const h = breakoutAt(w);
    expect(h?.label).toBe('first close above 100 in a year');
    expect(h?.value).toBeCloseTo(0.01, 12);
    // Had a close of 100.5 happened 200 sessions ago, 100 was not untouched: a plain 52-week high.
    const w2 = [...w];
    w2[w2.length - 200] = 100.5;
    expect(breakoutAt(w2)?.label).toBe('52-week high');
    expect(breakoutAt(w2)?.level).toBe(100.5);
    expect(roundStep(482)).toBe(50);
    expect(roundStep(28)).toBe(5);
    expect(roundStep(9.5)).toBe(0.5);
  });
  it('property: a breakout’s level is below the last close', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1, max: 500, noNaN: true }), { minLength: 260, maxLength: 300 }), (v) => {
        const h = breakoutAt(v);
        if (h) expect(h.level as number).toBeLessThan(v[v.length - 1] as number);
      }),
      { numRuns: 30 },
    );
  });
});

describe('runScan', () => {
  it('streaks rank the longest first; unwind picks fallen leaders', () => {
    const d = dates(200);
    const bench = seriesFromCloses('B', d, d.map(() => 100));
    // A rises the last 6 days, C the last 3, D falls.
    const mk = (sym: string, up: number, down = false) => seriesFromCloses(sym, d, d.map((_, i) => (i >= 200 - up ? 100 + (i - (200 - up) + 1) * (down ? -1 : 1) : 100)));
    const hits = runScan('streaks', [{ symbol: 'C', series: mk('C', 3) }, { symbol: 'A', series: mk('A', 6) }, { symbol: 'D', series: mk('D', 5, true) }], bench);
    expect(hits.map((h) => [h.symbol, h.value])).toEqual([['A', 6], ['C', 3]]);
    // Unwind: L led (+50% over the 6 months to a month ago) then fell 10%; M led less and rose; N lagged and fell.
    const path = (r6: number, r1: number) => seriesFromCloses('x', d, d.map((_, i) => (i < 200 - 21 - 126 ? 100 : i < 200 - 21 ? 100 * (1 + r6) : 100 * (1 + r6) * (1 + r1))));
    const u = runScan('unwind', [{ symbol: 'L', series: path(0.5, -0.1) }, { symbol: 'M', series: path(0.2, 0.05) }, { symbol: 'N', series: path(-0.1, -0.2) }]);
    expect(u.map((h) => h.symbol)).toEqual(['L']);
    expect(u[0]?.value).toBeCloseTo(-0.1, 12);
  });
});
