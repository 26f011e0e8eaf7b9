import { describe, it, expect } from 'vitest';
import { hasOhlc, levelBasisNote, levelValuesIn, missingCloses } from '../../src/core/basis.ts';
import { seriesFromBars } from '../../src/core/series.ts';
import { loadSeries, rawRows } from './_realdata-b.ts';

const dates = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08'];
// close missing on rows 1–2 and 5; adjClose = close − 1 where close exists.
const closes = [10, null, null, 13, 14, null];
const s = seriesFromBars(
  'T',
  dates.map((date, i) => {
    const c = closes[i] ?? null;
    return { date, open: c, high: c, low: c, close: c, adjClose: (c ?? 20) - 1, volume: null };
  }),
);

describe('missingCloses', () => {
  it('lists each run of missing closes', () => {
    expect(missingCloses(s)).toEqual([
      { from: '2024-01-02', to: '2024-01-03', fromIndex: 1, toIndex: 2 },
      { from: '2024-01-08', to: '2024-01-08', fromIndex: 5, toIndex: 5 },
    ]);
    expect(missingCloses(s, 2, 4), 'a window clips the gaps').toEqual([{ from: '2024-01-03', to: '2024-01-03', fromIndex: 2, toIndex: 2 }]);
    expect(missingCloses(s, 3, 4)).toEqual([]);
  });

  it('DIA: one gap, 2024-04-12..2026-03-19, as data/README.md says; checked against the CSV', () => {
    const rows = rawRows('DIA');
    const empty = rows.filter((r) => r.close === '').map((r) => r.date);
    const gaps = missingCloses(loadSeries('DIA'));
    expect(gaps.map((g) => [g.from, g.to])).toEqual([['2024-04-12', '2026-03-19']]);
    expect(empty[0]).toBe('2024-04-12');
    expect(empty[empty.length - 1]).toBe('2026-03-19');
    expect((gaps[0]?.toIndex ?? 0) - (gaps[0]?.fromIndex ?? 0) + 1, 'every empty row is inside the one gap').toBe(empty.length);
  });
});

describe('levelValuesIn and hasOhlc', () => {
  it('uses close when the window has it, adjClose otherwise', () => {
    const inWindow = levelValuesIn(s, 3, 4);
    expect(inWindow.basis).toBe('close');
    expect(inWindow.values.slice(3, 5)).toEqual([13, 14]);
    const across = levelValuesIn(s, 0, 3);
    expect(across.basis).toBe('adjClose');
    expect(across.values).toEqual([9, 19, 19, 12, 13, 19]);
    expect(hasOhlc(s, 3, 4)).toBe(true);
    expect(hasOhlc(s, 0, 1)).toBe(false);
  });

  it('says which basis and why', () => {
    expect(levelBasisNote('T', 'close', [])).toMatch(/split-adjusted closes/);
    const note = levelBasisNote('DIA', 'adjClose', missingCloses(loadSeries('DIA')));
    expect(note).toMatch(/total return/);
    expect(note).toContain('Apr 12, 2024 to Mar 19, 2026');
    expect(levelBasisNote('MAGS', 'adjClose', [], true)).toMatch(/no split-adjusted closes for MAGS/);
  });
});
