import { describe, expect, it } from 'vitest';
import type { RawBar } from '../../../src/data/providers/actions.ts';
import { checkAgainstCache, checkHistory, splitSizedRatio } from '../../../src/data/providers/sanity.ts';
import { ProviderError } from '../../../src/errors.ts';
import { csv } from './_upstreams.ts';

/** Real SPY rows, Aug 3–21, 2026 (data/prices/SPY.csv). */
const august = (): RawBar[] =>
  csv('SPY')
    .filter((r) => r.date >= '2026-08-03' && r.date <= '2026-08-21')
    .map((r) => ({ date: r.date, open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume }));
const TODAY = '2026-08-22';

function refusal(f: () => unknown): ProviderError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).failure).toBe('invalid-data');
    return err as ProviderError;
  }
  throw new Error('expected a refusal');
}

describe('checkHistory', () => {
  it('passes real data untouched', () => {
    const bars = august();
    const out = checkHistory('yahoo', 'SPY', { bars, dividends: [], splits: [] }, TODAY);
    expect(out.bars).toEqual(bars);
    expect(out.repairs).toEqual([]);
  });

  it('drops an identical repeated row, but refuses two different rows for one date', () => {
    const bars = august();
    const twice = [...bars.slice(0, 5), { ...(bars[4] as RawBar) }, ...bars.slice(5)];
    const out = checkHistory('yahoo', 'SPY', { bars: twice, dividends: [], splits: [] }, TODAY);
    expect(out.bars, 'the repeat is gone').toEqual(bars);
    expect(out.repairs.join(' ')).toMatch(/repeated identical row for 2026-08-07/);
    const differing = [...bars.slice(0, 5), { ...(bars[4] as RawBar), close: 1 }, ...bars.slice(5)];
    expect(refusal(() => checkHistory('yahoo', 'SPY', { bars: differing, dividends: [], splits: [] }, TODAY)).message).toMatch(/two different rows for Aug 7, 2026/);
  });

  it('sorts rows that arrive newest first (order carries no information)', () => {
    const bars = august();
    const out = checkHistory('alphavantage', 'SPY', { bars: [...bars].reverse(), dividends: [], splits: [] }, TODAY);
    expect(out.bars).toEqual(bars);
  });

  it('refuses missing and non-positive prices', () => {
    const noClose = august().map((b, i) => (i === 3 ? { ...b, close: null } : b));
    expect(refusal(() => checkHistory('yahoo', 'SPY', { bars: noClose, dividends: [], splits: [] }, TODAY)).message).toMatch(/no closing price on Aug 6, 2026/);
    const zero = august().map((b, i) => (i === 3 ? { ...b, low: 0 } : b));
    expect(refusal(() => checkHistory('yahoo', 'SPY', { bars: zero, dividends: [], splits: [] }, TODAY)).message).toMatch(/low 0 on Aug 6, 2026/);
  });

  it('drops an empty row on a market holiday but refuses a bar with prices on one', () => {
    // 2026-09-07 is Labor Day.
    const sept: RawBar[] = [
      { date: '2026-09-04', open: 1, high: 1, low: 1, close: 1, volume: 1 },
      { date: '2026-09-07', open: null, high: null, low: null, close: null, volume: null },
      { date: '2026-09-08', open: 1, high: 1, low: 1, close: 1, volume: 1 },
    ];
    const out = checkHistory('yahoo', 'SPY', { bars: sept, dividends: [], splits: [] }, '2026-09-10');
    expect(out.bars.map((b) => b.date)).toEqual(['2026-09-04', '2026-09-08']);
    const priced = sept.map((b) => ({ ...b, open: 1, high: 1, low: 1, close: 1 }));
    expect(refusal(() => checkHistory('yahoo', 'SPY', { bars: priced, dividends: [], splits: [] }, '2026-09-10')).message).toMatch(/Labor Day/);
  });

  it('refuses a gap against the trading calendar and a bar in the future', () => {
    const gap = august().filter((b) => b.date !== '2026-08-12');
    expect(refusal(() => checkHistory('yahoo', 'SPY', { bars: gap, dividends: [], splits: [] }, TODAY)).message).toMatch(
      /no bar for Aug 12, 2026 \(a trading day between Aug 11, 2026 and Aug 13, 2026\)/,
    );
    expect(refusal(() => checkHistory('yahoo', 'SPY', { bars: august(), dividends: [], splits: [] }, '2026-08-20')).message).toMatch(/after today/);
  });

  it('refuses a split-sized jump without a split event, and repairs one that has its event', () => {
    const halved = august().map((b) => (b.date >= '2026-08-12' ? { ...b, close: (b.close as number) / 2, open: null, high: null, low: null } : b));
    expect(refusal(() => checkHistory('yahoo', 'SPY', { bars: halved, dividends: [], splits: [] }, TODAY)).message).toMatch(
      /jumps from .* on Aug 11, 2026 to .* on Aug 12, 2026 \(×0\.50\d\), the size of a split, but there is no split event/,
    );
    const out = checkHistory('yahoo', 'SPY', { bars: halved, dividends: [], splits: [{ date: '2026-08-12', ratio: 2 }] }, TODAY);
    const before = out.bars.find((b) => b.date === '2026-08-11');
    // SPY.csv: 2026-08-11 close 770.56 → 385.28 on the post-split basis.
    expect(before?.close, 'older bars put on the new basis').toBeCloseTo(385.28, 10);
    expect(out.repairs.join(' ')).toMatch(/2-for-1 split/);
  });

  it('knows split-sized ratios from ordinary moves', () => {
    expect(splitSizedRatio(0.5)).toBe(0.5);
    expect(splitSizedRatio(1 / 3)).toBeCloseTo(1 / 3, 12);
    expect(splitSizedRatio(10.1)).toBe(10);
    expect(splitSizedRatio(0.66)).toBeCloseTo(1 / 1.5, 12);
    expect(splitSizedRatio(0.795), 'the 1987 crash day (−20.5 %) is not a split').toBeUndefined();
    expect(splitSizedRatio(0.6), 'a 40 % fall is not split-sized').toBeUndefined();
  });
});

describe('checkAgainstCache', () => {
  const bar = (date: string, close: number) => ({ date, open: close, high: close, low: close, close, adjClose: close, volume: 1 });
  it('accepts agreement within rounding and refuses a changed closed day', () => {
    expect(() => checkAgainstCache('tiingo', 'SPY', [{ date: '2026-08-20', close: 760.1200000001 }], [bar('2026-08-20', 760.12)], 1)).not.toThrow();
    const err = refusal(() => checkAgainstCache('tiingo', 'SPY', [{ date: '2026-08-20', close: 760.12 }], [bar('2026-08-20', 761.5)], 1));
    expect(err.message).toMatch(/tiingo disagrees with the cached SPY close of Aug 20, 2026: 761\.500 now, 760\.120 before \(no split in between\)/);
  });
  it('expects the new basis after a split', () => {
    expect(() => checkAgainstCache('yahoo', 'XLK', [{ date: '2025-12-04', close: 290 }], [bar('2025-12-04', 145)], 2)).not.toThrow();
  });
});
