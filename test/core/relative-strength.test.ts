import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePeriod, type Period } from '../../src/core/periods.ts';
import { relativeReturn, relativeStrength } from '../../src/core/relative-strength.ts';
import { seriesFromCloses } from '../../src/core/series.ts';
import { csvRows, realSeries } from './_realdata.ts';

const period = (text: string): Period => {
  const p = parsePeriod(text);
  if (!p) throw new Error(`bad period ${text}`);
  return p;
};

describe('relativeReturn', () => {
  it('divides growth factors instead of subtracting returns', () => {
    // +60% vs +50%: 1.6 / 1.5 − 1 = 0.0666…, not the 10-point difference.
    expect(relativeReturn(0.6, 0.5)).toBeCloseTo(1 / 15, 12);
    // +10% vs −10%: 1.1 / 0.9 − 1 = 0.2222…
    expect(relativeReturn(0.1, -0.1)).toBeCloseTo(2 / 9, 12);
    // −20% vs +25%: 0.8 / 1.25 − 1 = −0.36.
    expect(relativeReturn(-0.2, 0.25)).toBeCloseTo(-0.36, 12);
    expect(relativeReturn(0.05, 0.05), 'equal returns are level').toBe(0);
  });

  it('chains across consecutive periods like a return does', () => {
    fc.assert(
      fc.property(fc.double({ min: -0.9, max: 2, noNaN: true }), fc.double({ min: -0.9, max: 2, noNaN: true }), fc.double({ min: -0.9, max: 2, noNaN: true }), fc.double({ min: -0.9, max: 2, noNaN: true }), (a1, b1, a2, b2) => {
        const whole = relativeReturn((1 + a1) * (1 + a2) - 1, (1 + b1) * (1 + b2) - 1);
        const chained = (1 + relativeReturn(a1, b1)) * (1 + relativeReturn(a2, b2)) - 1;
        expect(whole).toBeCloseTo(chained, 9);
      }),
    );
  });
});

describe('relativeStrength', () => {
  // Mon Jan 5 … Fri Jan 16, 2026; B lacks Jan 8, so the pair is measured on the other nine days.
  const dates = ['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09', '2026-01-12', '2026-01-13', '2026-01-14', '2026-01-15', '2026-01-16'];
  const a = seriesFromCloses('A', dates, [100, 101, 102, 150, 104, 105, 106, 107, 108, 110]);
  const b = seriesFromCloses(
    'B',
    dates.filter((d) => d !== '2026-01-08'),
    [50, 50, 51, 52, 52, 53, 54, 54, 55],
  );

  it('measures each period on the common dates, ending on the last of them', () => {
    const rs = relativeStrength(a, b, [period('1d'), period('1w'), period('since:2026-01-08')]);
    expect(rs.end).toBe('2026-01-16');
    // 1d: A 108 → 110, B 54 → 55: (110/108) / (55/54) − 1 = 0.
    expect(rs.periods[0]?.relative, 'both rose by the same factor 55/54').toBeCloseTo(0, 12);
    // 1w: base is the last common close on or before Jan 9: Jan 9. A 104 → 110, B 52 → 55.
    expect(rs.periods[1]?.from).toBe('2026-01-09');
    expect(rs.periods[1]?.returnA).toBeCloseTo(110 / 104 - 1, 12);
    expect(rs.periods[1]?.returnB).toBeCloseTo(55 / 52 - 1, 12);
    expect(rs.periods[1]?.relative).toBeCloseTo(110 / 104 / (55 / 52) - 1, 12);
    // since Jan 8: B has no Jan 8, so the base is Jan 7 (A's 150 on Jan 8 is never used).
    expect(rs.periods[2]?.from, 'a date missing from one series is dropped from both').toBe('2026-01-07');
    expect(rs.periods[2]?.returnA).toBeCloseTo(110 / 102 - 1, 12);
  });

  it('gives null for a period the common history does not reach', () => {
    const rs = relativeStrength(a, b, [period('1m'), period('1w')]);
    expect(rs.periods[0], 'two weeks of data cannot measure a month').toBeNull();
    expect(rs.periods[1]).not.toBeNull();
  });

  it('has nothing to say about series with no common date', () => {
    const c = seriesFromCloses('C', ['2025-01-02'], [10]);
    const rs = relativeStrength(a, c, [period('1w')]);
    expect(rs.end).toBeNull();
    expect(rs.periods).toEqual([null]);
  });

  it('gives exactly 0 for a symbol against itself', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1, max: 1000, noNaN: true }), { minLength: 30, maxLength: 60 }), (closes) => {
        const ds = Array.from({ length: closes.length }, (_, i) => `2026-${String(1 + Math.floor(i / 28)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`);
        const s = seriesFromCloses('X', ds, closes);
        for (const p of relativeStrength(s, s, [period('1d'), period('1w'), period('max')]).periods) {
          expect(p?.relative, 'against itself').toBe(0);
        }
      }),
    );
  });

  it('equals the change of the ratio line on real prices (XLE vs SPY, 3 months to Jan 21, 2026)', () => {
    // Independent: straight over the CSV rows, common dates by a Set, base = last common date ≤ Oct 21, 2025.
    const spy = new Map(csvRows('SPY').map((r) => [r.date, Number(r.adj_close)]));
    const common = csvRows('XLE').filter((r) => spy.has(r.date) && r.date <= '2026-01-21');
    const end = common[common.length - 1];
    const base = common.filter((r) => r.date <= '2025-10-21').pop();
    if (!end || !base) throw new Error('fixture');
    const ratio = (r: { date: string; adj_close: string }) => Number(r.adj_close) / (spy.get(r.date) as number);
    const expected = ratio(end) / ratio(base) - 1;

    const cut = (sym: string) => {
      const s = realSeries(sym);
      const n = s.dates.filter((d) => d <= '2026-01-21').length;
      return seriesFromCloses(sym, s.dates.slice(0, n), Array.from(s.adjClose.slice(0, n)));
    };
    const rs = relativeStrength(cut('XLE'), cut('SPY'), [period('3m')]);
    expect(rs.periods[0]?.from).toBe(base.date);
    expect(rs.periods[0]?.relative).toBeCloseTo(expected, 12);
  });
});
