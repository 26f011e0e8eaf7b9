import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { breakoutOutcome, recent52wBreakout } from '../../src/core/breakouts.ts';
import { intradayCross } from '../../src/core/intraday.ts';
import { measuredMoveTarget } from '../../src/core/ranges.ts';
import { redoSplits, splitFactorAfter, undoSplits } from '../../src/core/splits.ts';
import { seriesFromBars, truncateAsOf } from '../../src/core/series.ts';
import { loadSeries, rawRows } from './_realdata-b.ts';
import { weekdays } from './_weekdays.ts';

describe('breakoutOutcome (hand-computed)', () => {
  const opts = { failWithin: 3, band: 0.02 };
  it('fails when a close within the window falls back below the level', () => {
    const v = [10, 11, 12, 10.5, 13];
    const o = breakoutOutcome(v, weekdays(5), 1, 10.8, opts);
    expect(o.status).toBe('failed');
    expect(o.fellBack, '10.5 < 10.8, two sessions after the breakout').toMatchObject({ index: 3, sessions: 2 });
  });

  it('a retest that holds: back within 2% above the level, never below it', () => {
    const v = [10, 11, 10.9, 11.5, 12, 12.5];
    const o = breakoutOutcome(v, weekdays(6), 1, 10.8, opts);
    expect(o.status).toBe('held');
    expect(o.retest, '10.9 ≤ 10.8 × 1.02 = 11.016').toMatchObject({ index: 2, value: 10.9 });
    expect(breakoutOutcome(v, weekdays(6), 1, 10.8, opts, 2).status, 'one session on, nothing decided').toBe('pending');
  });

  it('refuses a "breakout" whose close is not above the level', () => {
    expect(() => breakoutOutcome([10, 10.8], weekdays(2), 1, 10.8, opts)).toThrow(RangeError);
  });
});

describe('recent52wBreakout', () => {
  it('IWM on Nov 25, 2024 closed at a 52-week high (naive: above every close of the year before)', () => {
    const rows = rawRows('IWM');
    const dates = rows.map((r) => r.date);
    const values = rows.map((r) => Number(r.close));
    const b = dates.indexOf('2024-11-25');
    const prior = rows.filter((r) => r.date > '2023-11-25' && r.date < '2024-11-25').reduce((m, r) => Math.max(m, Number(r.close)), 0);
    expect(values[b]).toBeGreaterThan(prior);
    const r = recent52wBreakout(values, dates, 0, b);
    expect(r?.index).toBe(b);
    expect(r?.level).toBe(prior);
  });
});

describe('intradayCross', () => {
  it('hand-computed: high above the level, close not', () => {
    const dates = weekdays(3);
    const x = intradayCross([12, 10, 10.6], [9, 9, 9.8], [11, 9.5, 10], dates, 10.5);
    expect(x).toMatchObject({ index: 2, extreme: 10.6, close: 10, lastCloseBeyond: { index: 0, value: 11 } });
    expect(intradayCross([12, 10, 10.6], [9, 9, 9.8], [11, 9.5, 10.55], dates, 10.5), 'closed above too').toBeNull();
    expect(intradayCross([12, 10, 10.6], [9, 9, 9.8], [11, 9.5, 10], dates, 9.9, 'below'), 'low 9.8 < 9.9, close 10').toMatchObject({ extreme: 9.8 });
  });

  it("KRE traded above $70 on Nov 25, 2024 (high $70.25) without closing there; last close above $70: Mar 30, 2022", () => {
    const rows = rawRows('KRE').filter((r) => r.date <= '2024-11-25');
    const last = rows[rows.length - 1];
    expect([last?.date, last?.high, last?.close], 'KRE.csv').toEqual(['2024-11-25', '70.2500', '68.9000']);
    const lastAbove = [...rows].reverse().find((r) => Number(r.close) > 70);
    expect(lastAbove?.date).toBe('2022-03-30');
    const s = truncateAsOf(loadSeries('KRE'), '2024-11-25');
    const x = intradayCross(s.high, s.low, s.close, s.dates, 70);
    expect(x).toMatchObject({ date: '2024-11-25', extreme: 70.25, close: 68.9, lastCloseBeyond: { date: '2022-03-30' } });
  });
});

describe('measuredMoveTarget', () => {
  it('adds the range height to the range top', () => {
    expect(measuredMoveTarget({ high: { value: 120, date: '', index: 0 }, low: { value: 100, date: '', index: 0 } })).toBe(140);
  });
});

describe('splits', () => {
  const splits = [
    { date: '2024-01-04', ratio: 2 },
    { date: '2024-01-08', ratio: 3 },
  ];
  it('the factor after a date multiplies the later splits only', () => {
    expect(splitFactorAfter(splits, '2024-01-02')).toBe(6);
    expect(splitFactorAfter(splits, '2024-01-04'), 'a split on the date itself is already known').toBe(3);
    expect(splitFactorAfter(splits, '2024-01-08')).toBe(1);
  });

  it('undoes the later splits: prices × factor, volume ÷ factor, adjClose untouched (hand-computed)', () => {
    const s = seriesFromBars('X', [
      { date: '2024-01-02', open: 10, high: 11, low: 9, close: 10.5, adjClose: 10, volume: 600 },
      { date: '2024-01-03', open: 10.5, high: 12, low: 10, close: 11, adjClose: 10.4, volume: 1200 },
    ]);
    const u = undoSplits(s, splits, '2024-01-03');
    expect(u.close).toEqual([63, 66]);
    expect(u.high).toEqual([66, 72]);
    expect(u.volume).toEqual([100, 200]);
    expect(Array.from(u.adjClose)).toEqual([10, 10.4]);
    expect(() => undoSplits(s, splits, '2024-01-02'), 'rows after the as-of date must be cut first').toThrow(RangeError);
  });

  it("XLK on May 15, 2023 traded near $152: twice the split-adjusted $76.10 (2:1 split of Dec 5, 2025)", () => {
    const row = rawRows('XLK').find((r) => r.date === '2023-05-15');
    expect(row?.close, 'XLK.csv').toBe('76.1000');
    const s = undoSplits(truncateAsOf(loadSeries('XLK'), '2023-05-15'), [{ date: '2025-12-05', ratio: 2 }], '2023-05-15');
    expect(s.close[s.close.length - 1]).toBeCloseTo(152.2, 10);
  });

  it('IWM on Dec 31, 2004 traded near $129.50 (2:1 split of Jun 9, 2005)', () => {
    const row = rawRows('IWM').find((r) => r.date === '2004-12-31');
    expect(row?.close).toBe('64.7500');
    const s = undoSplits(truncateAsOf(loadSeries('IWM'), '2004-12-31'), [{ date: '2005-06-09', ratio: 2 }], '2004-12-31');
    expect(s.close[s.close.length - 1]).toBe(129.5);
  });

  it('property: undoing and redoing the splits is the identity', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 5000, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.record({ day: fc.integer({ min: 0, max: 60 }), ratio: fc.constantFrom(2, 3, 4, 7, 10, 20, 0.5, 1.5) }), { maxLength: 4 }),
        (closes, sp) => {
          const dates = weekdays(closes.length);
          const s = seriesFromBars('X', closes.map((c, i) => ({ date: dates[i] as string, open: c, high: c * 1.01, low: c * 0.99, close: c, adjClose: c, volume: 1000 })));
          const asOf = dates[dates.length - 1] as string;
          const spl = sp.map((x) => ({ date: new Date(Date.parse(asOf) + (x.day - 30) * 86_400_000).toISOString().slice(0, 10), ratio: x.ratio }));
          const back = redoSplits(undoSplits(s, spl, asOf), spl, asOf);
          back.close.forEach((v, i) => expect(v as number).toBeCloseTo(closes[i] as number, 8));
          back.volume.forEach((v) => expect(v as number).toBeCloseTo(1000, 8));
        },
      ),
    );
  });
});
