/** The symbols-and-names recogniser on its own. */
import { describe, expect, it } from 'vitest';
import { finishSymbols, recogniseTicker, symbolPhrase } from '../../../src/ask/recognise/symbols.ts';
import { byPhrase, scan, state } from './_state.ts';

const names = byPhrase(symbolPhrase, recogniseTicker);

describe('symbols and names', () => {
  it('takes known tickers and reports unknown capital ones', () => {
    const st = state('$KRE');
    expect(recogniseTicker(st, 0)).toBe(1);
    expect(st.symbols[0]?.symbol).toBe('KRE');
    const amd = state('is AMD up');
    expect(recogniseTicker(amd, 1)).toBe(1);
    expect(amd.unknownTickers).toEqual(['AMD']);
    expect(recogniseTicker(state('hello'), 0)).toBe(0);
  });
  it('reads names and nicknames, with their size group', () => {
    const st = state('regional banks vs small caps');
    scan(st, names);
    expect(st.symbols.map((s) => s.symbol)).toEqual(['KRE', 'IWM']);
    expect(st.symbols[1]?.size).toBe('small');
  });
  it('"the market" is the benchmark the declarations name (SPY), not a constant of the reader', () => {
    const st = state('the market');
    scan(st, names);
    expect(st.symbols.map((s) => s.symbol)).toEqual(['SPY']);
  });
  it('a question naming nothing but "stocks" is about the market', () => {
    const st = state('how did stocks do');
    scan(st, names);
    finishSymbols(st);
    expect(st.symbols.map((s) => s.symbol)).toEqual(['SPY']);
  });
  it('"index" turns a name into the index itself', () => {
    const st = state('the russell 2000 index');
    scan(st, names);
    finishSymbols(st);
    expect(st.symbols.map((s) => s.symbol)).toEqual(['^RUT']);
  });
  it('a group of /leaders is a universe, not a symbol', () => {
    const st = state('the sectors');
    scan(st, names);
    expect(st.universe?.id).toBe('sectors');
    expect(st.symbols).toEqual([]);
  });
});
