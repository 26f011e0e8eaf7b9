/** The comparisons recogniser on its own: which symbol is the benchmark, and who is ahead. */
import { describe, expect, it } from 'vitest';
import { comparisonPhrase, finishComparisons } from '../../../src/ask/recognise/comparisons.ts';
import type { ReadingState } from '../../../src/ask/recognise/state.ts';
import { recogniseTicker } from '../../../src/ask/recognise/symbols.ts';
import { scan, state } from './_state.ts';

const read = (st: ReadingState, i: number): number => {
  const p = st.phraseAt(i);
  if (p && p.payloads.some((x) => comparisonPhrase(st, x, i))) return p.words.length;
  return recogniseTicker(st, i);
};

describe('comparisons', () => {
  it('marks the symbol after "vs" or "against the" as the benchmark', () => {
    const st = state('KRE vs SPY');
    scan(st, read);
    finishComparisons(st);
    expect(st.symbols.map((s) => [s.symbol, s.afterVs])).toEqual([
      ['KRE', false],
      ['SPY', true],
    ]);
    const against = state('XLK against the QQQ');
    scan(against, read);
    finishComparisons(against);
    expect(against.symbols.find((s) => s.symbol === 'QQQ')?.afterVs).toBe(true);
  });
  it('"lagging" says the second one is ahead, at its word position', () => {
    const st = state('how long has SPY been lagging IWM');
    scan(st, read);
    expect(st.losingAt, '"lagging" is the sixth word').toBe(5);
  });
});
