import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applySplits, deriveAdjClose, splitFactorAfter, type RawBar } from '../../../src/data/providers/actions.ts';
import { csv, recoverDividends } from './_upstreams.ts';

const raw = (date: string, close: number): RawBar => ({ date, open: close, high: close, low: close, close, volume: 100 });

describe('deriveAdjClose (CRSP total return)', () => {
  it('matches a hand computation with one dividend', () => {
    // closes 100, 102, 101, 103; a $1 dividend goes ex on the third day.
    // Factor for the days before it: 1 − 1/102 = 101/102. So adj = 100·101/102, 102·101/102 = 101, 101, 103.
    const out = deriveAdjClose([raw('2026-08-17', 100), raw('2026-08-18', 102), raw('2026-08-19', 101), raw('2026-08-20', 103)], [
      { date: '2026-08-19', amount: 1 },
    ]);
    expect(out[0]?.adjClose).toBeCloseTo((100 * 101) / 102, 12);
    expect(out.slice(1).map((b) => b.adjClose)).toEqual([101, 101, 103]);
    expect(out.map((b) => b.close), 'close stays split-adjusted only').toEqual([100, 102, 101, 103]);
  });

  it('counts a dividend dated on a holiday from the next bar, and ignores ones outside the window', () => {
    const bars = [raw('2026-07-02', 50), raw('2026-07-06', 49), raw('2026-07-07', 51)];
    const out = deriveAdjClose(bars, [
      { date: '2026-07-03', amount: 0.5 }, // Independence Day observed: applies to Jul 6
      { date: '2026-06-01', amount: 9 }, // before the window
      { date: '2026-07-08', amount: 9 }, // after it
    ]);
    // Jul 2 is scaled by 1 − 0.5/50 = 0.99.
    expect(out.map((b) => b.adjClose)).toEqual([50 * 0.99, 49, 51]);
  });

  it('gives each day the return close / (previous close − dividend), and adjClose = close on the newest bar', () => {
    // The CRSP factor (1 − D/P[t−1]) on every earlier day makes the ex-day's return P[t] / (P[t−1] − D):
    // the dividend is reinvested at the ex-day's opening value of the share.
    const arb = fc
      .array(fc.record({ close: fc.double({ min: 1, max: 1000, noNaN: true }), divShare: fc.option(fc.double({ min: 0.0001, max: 0.05, noNaN: true })) }), {
        minLength: 2,
        maxLength: 40,
      })
      .map((rows) => {
        const bars = rows.map((r, i) => raw(`2026-01-${String(i + 1).padStart(2, '0')}`, r.close));
        const dividends = rows.flatMap((r, i) => (i > 0 && r.divShare !== null ? [{ date: (bars[i] as RawBar).date, amount: r.divShare * ((bars[i - 1] as RawBar).close as number) }] : []));
        return { bars, dividends };
      });
    fc.assert(
      fc.property(arb, ({ bars, dividends }) => {
        const out = deriveAdjClose(bars, dividends);
        const n = out.length;
        expect(out[n - 1]?.adjClose).toBe(out[n - 1]?.close);
        for (let i = 1; i < n; i++) {
          const d = dividends.find((x) => x.date === out[i]?.date)?.amount ?? 0;
          const expected = ((bars[i] as RawBar).close as number) / (((bars[i - 1] as RawBar).close as number) - d);
          const got = (out[i]?.adjClose as number) / (out[i - 1]?.adjClose as number);
          expect(Math.abs(got / expected - 1)).toBeLessThan(1e-12);
        }
      }),
    );
  });

  it('reproduces the bundled SPY total-return series (Yahoo adjclose) from its closes and dividends', () => {
    const rows = csv('SPY');
    const out = deriveAdjClose(
      rows.map((r) => ({ date: r.date, open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume })),
      recoverDividends(rows),
    );
    // Daily returns must agree: the CSV has 4 decimals (adj ≈ 24 in 1993, so ≤ 2e-6 per value).
    let worst = 0;
    for (let i = 1; i < rows.length; i++) {
      const ours = (out[i]?.adjClose as number) / (out[i - 1]?.adjClose as number);
      const theirs = (rows[i]?.adj as number) / (rows[i - 1]?.adj as number);
      worst = Math.max(worst, Math.abs(ours - theirs));
    }
    expect(worst, 'largest daily-return difference over 8,448 days').toBeLessThan(1e-5);
  });
});

describe('splits', () => {
  it('puts as-traded bars on the newest basis', () => {
    // XLK, 2-for-1 from 2025-12-05 (data/README.md): 2025-12-04 traded at twice the adjusted price.
    const out = applySplits([raw('2025-12-04', 290), raw('2025-12-05', 146)], [{ date: '2025-12-05', ratio: 2 }]);
    expect(out.map((b) => [b.close, b.volume])).toEqual([
      [145, 200],
      [146, 100],
    ]);
    expect(splitFactorAfter([{ date: '2025-12-05', ratio: 2 }], '2025-12-04')).toBe(2);
    expect(splitFactorAfter([{ date: '2025-12-05', ratio: 2 }], '2025-12-05'), 'a split on the day itself is already in its prices').toBe(1);
  });
});
