/** Extremes of a year: "at the 2022 low" taken out as a day prices decide; "its 2022 high" as a level. */
import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../src/ask/normalize.ts';
import { finishExtremes, setAsideExtremes } from '../../../src/ask/recognise/extremes.ts';
import { recogniseTicker } from '../../../src/ask/recognise/symbols.ts';
import { scan, state } from './_state.ts';

const words = (q: string) => setAsideExtremes(tokenize(q)).tokens.map((t) => t.word).join(' ');

describe('setAsideExtremes', () => {
  it('takes "at the 2022 low" out as the market\'s low of 2022', () => {
    const r = setAsideExtremes(tokenize('how did xlk do at the 2022 low'));
    expect(r.extreme).toEqual({ which: 'low', year: 2022, of: 'market', said: 'at the 2022 low' });
    expect(r.tokens.map((t) => t.word).join(' ')).toBe('how did xlk do');
  });
  it('"at its 2021 peak" and "at KRE\'s 2022 high" are the subject\'s own', () => {
    expect(setAsideExtremes(tokenize('xbi at its 2021 peak')).extreme).toMatchObject({ which: 'high', year: 2021, of: 'subject' });
    expect(setAsideExtremes(tokenize("at KRE's 2022 high")).extreme).toMatchObject({ which: 'high', year: 2022, of: 'subject' });
  });
  it('"at the covid low" is the market\'s low of 2020', () => {
    expect(setAsideExtremes(tokenize('what happened at the covid crash low')).extreme).toMatchObject({ which: 'low', year: 2020, of: 'market', said: 'at the covid crash low' });
  });
  it('"back to its 2022 high" keeps the level and sets the year aside; no day is read', () => {
    const r = setAsideExtremes(tokenize('back to its 2022 high'));
    expect(r.extreme).toBeUndefined();
    expect(words('back to its 2022 high')).toBe('back to its high');
  });
  it('a plain year is left for the dates to read', () => {
    expect(words('spy in 2022')).toBe('spy in 2022');
  });
});

describe('finishExtremes', () => {
  it('resolves "its" to the symbol asked about, "the" to the market', () => {
    const its = state('KRE');
    scan(its, recogniseTicker);
    its.extreme = { which: 'high', year: 2022, of: 'subject', said: 'at its 2022 high' };
    finishExtremes(its);
    expect(its.extreme?.of).toBe('KRE');
    const the = state('KRE');
    scan(the, recogniseTicker);
    the.extreme = { which: 'low', year: 2022, of: 'market', said: 'at the 2022 low' };
    finishExtremes(the);
    expect(the.extreme?.of).toBe('SPY');
  });
  it('a day and an extreme together are a problem to ask about', () => {
    const st = state('KRE');
    st.asof = { date: '2026-01-21', said: 'on jan 21 2026' };
    st.extreme = { which: 'low', year: 2022, of: 'market', said: 'at the 2022 low' };
    finishExtremes(st);
    expect(st.extreme).toBeUndefined();
    expect(st.problems[0]).toMatch(/two days/);
  });
});
