import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compactValue,
  dateAxisLabels,
  formatTick,
  formatValue,
  formatVolume,
  logTicks,
  niceRange,
  niceRangeWithZero,
  niceSymmetricRange,
} from '../../src/charts/format.ts';
import { readPrices } from './sample-specs.ts';

describe('compactValue', () => {
  it('writes a small multiple\'s axis labels in three significant digits at most', () => {
    expect(compactValue(48.234, 'price')).toBe('$48.2');
    expect(compactValue(152.4, 'price')).toBe('$152');
    expect(compactValue(4.5231, 'price')).toBe('$4.52');
    expect(compactValue(1523.7, 'price'), 'thousands as K').toBe('$1.52K');
    expect(compactValue(999.7, 'price'), 'rounded before the unit is picked').toBe('$1K');
    expect(compactValue(48, 'price'), 'no trailing zeros').toBe('$48');
    expect(compactValue(-0.4821, 'percent')).toBe('\u221248.2%');
    expect(compactValue(1.234, 'percent'), 'at most one decimal').toBe('+123%');
    expect(compactValue(0.00004, 'percent')).toBe('0%');
    expect(compactValue(0.162, 'share')).toBe('16.2%');
    expect(compactValue(104.23, 'index')).toBe('104');
    expect(compactValue(98.52, 'index')).toBe('98.5');
    expect(compactValue(0.096912, 'ratio')).toBe('0.0969');
    expect(compactValue(12_400_000, 'volume')).toBe('12.4M');
  });
});

describe('formatValue', () => {
  it('writes each ValueFormat the way ChartSpec documents it', () => {
    expect(formatValue(0.123, 'percent'), 'percent values are fractions').toBe('+12.3%');
    expect(formatValue(-0.045, 'percent')).toBe('\u22124.5%');
    expect(formatValue(412.5, 'price')).toBe('$412.50');
    expect(formatValue(104.23, 'index')).toBe('104.2');
    expect(formatValue(1.03421, 'ratio')).toBe('1.0342');
    expect(formatValue(12_400_000, 'volume')).toBe('12.4M');
  });

  it('abbreviates volume by thousands, millions and billions', () => {
    expect(formatVolume(950_000)).toBe('950K');
    expect(formatVolume(1_250_000_000)).toBe('1.3B');
    expect(formatVolume(812)).toBe('812');
  });
});

describe('formatTick', () => {
  it('uses as many decimals as the tick spacing needs', () => {
    expect(formatTick(0.05, 'percent', 0.05), '5% steps need no decimals').toBe('5%');
    expect(formatTick(0.025, 'percent', 0.025), '2.5% steps need one').toBe('2.5%');
    expect(formatTick(-0.1, 'percent', 0.05)).toBe('\u221210%');
    expect(formatTick(650, 'price', 50)).toBe('$650');
    expect(formatTick(1.05, 'ratio', 0.05), 'ratios keep at least two decimals').toBe('1.05');
    expect(formatTick(1, 'ratio', 0.1)).toBe('1.00');
    expect(formatTick(150_000_000, 'volume', 50_000_000)).toBe('150M');
  });

  it('prints floating-point noise around zero as a plain zero, never "−0"', () => {
    // −0.2 + 0.2 in binary floating point is how Chart.js arrives at its zero tick.
    expect(formatTick(-0.2 + 0.1 + 0.1 - 1e-17, 'percent', 0.1)).toBe('0%');
  });
});

describe('dateAxisLabels', () => {
  const spyYear = readPrices('SPY')
    .slice(-252)
    .map((r) => r.date);

  it('labels a year of trading days on month starts, as "Mon \'yy"', () => {
    const { labels, ticks } = dateAxisLabels(spyYear, 8);
    expect(ticks.length, 'at most the asked number of labels').toBeLessThanOrEqual(8);
    expect(ticks.length, 'and not so few that the axis is unreadable').toBeGreaterThanOrEqual(4);
    for (const i of ticks) {
      const d = spyYear[i] as string;
      const prev = spyYear[i - 1] as string;
      expect(d.slice(0, 7), `${d} is the first trading day of its month`).not.toBe(prev.slice(0, 7));
      expect(labels[i]).toMatch(/^[A-Z][a-z]{2} '\d{2}$/);
    }
    expect(labels.filter((l) => l !== '').length, 'unlabelled days carry empty labels').toBe(ticks.length);
  });

  it('labels a few weeks by day ("Aug 4") and decades by year', () => {
    const month = spyYear.slice(-22);
    const short = dateAxisLabels(month, 8);
    expect(short.labels.filter((l) => l !== '').every((l) => /^[A-Z][a-z]{2} \d{1,2}$/.test(l))).toBe(true);
    const decades = readPrices('SPY').map((r) => r.date);
    const long = dateAxisLabels(decades, 8);
    expect(long.labels.filter((l) => l !== '').every((l) => /^\d{4}$/.test(l)), 'years only over 33 years').toBe(true);
    expect(long.ticks.length).toBeLessThanOrEqual(8);
  });

  it('never exceeds the label budget, for any span and budget', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 2, max: 14 }), (n, max) => {
        const dates = readPricesCache.slice(-n);
        const { ticks, labels } = dateAxisLabels(dates, max);
        return ticks.length >= 1 && ticks.length <= max && labels.length === dates.length;
      }),
      { numRuns: 60 },
    );
  });
});

const readPricesCache = readPrices('SPY').map((r) => r.date);

describe('nice ranges', () => {
  it('covers the data in whole steps, within the tick budget', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        // Spans from a millionth of the level up (a flat ratio) to far beyond it.
        fc.double({ min: 1e-6, max: 100, noNaN: true }),
        fc.integer({ min: 3, max: 11 }),
        (lo, relative, maxTicks) => {
          const hi = lo + Math.max(1e-6, Math.abs(lo) * relative);
          const r = niceRange(lo, hi, maxTicks);
          const steps = (r.max - r.min) / r.step;
          // Within a millionth of a step: the range may round away floating-point noise, nothing visible.
          return (
            r.min <= lo + 1e-6 * r.step &&
            r.max >= hi - 1e-6 * r.step &&
            Math.abs(steps - Math.round(steps)) < 1e-6 &&
            Math.round(steps) + 1 <= maxTicks
          );
        },
      ),
    );
  });

  it('picks the finest step that fits: −7.4%..8.5% in at most 11 ticks is 2% apart', () => {
    // By hand: 2% steps need −8%..10% = 10 intervals (11 ticks) → fits; 1% would need 18.
    expect(niceRangeWithZero(-0.074, 0.085, 11)).toEqual({ min: -0.08, max: 0.1, step: 0.02 });
    expect(niceRangeWithZero(0.01, 0.93, 8), 'zero is always included for bars').toEqual({ min: 0, max: 1, step: 0.2 });
  });

  it('centres rotation axes on 100', () => {
    const r = niceSymmetricRange(100, 13);
    expect(r.max - 100, 'symmetric').toBeCloseTo(100 - r.min, 9);
    expect(r.max).toBeGreaterThanOrEqual(113);
    expect(r.stepsPerSide * r.step).toBeCloseTo(r.max - 100, 9);
  });

  it('ticks a log axis at 1-2-5 over decades and evenly within one', () => {
    expect(logTicks(10, 713)).toEqual([10, 20, 50, 100, 200, 500]);
    const narrow = logTicks(380, 560);
    expect(narrow.length, 'a narrow log range still gets several labels').toBeGreaterThanOrEqual(3);
    expect(narrow.every((v) => v >= 380 && v <= 560)).toBe(true);
  });
});
