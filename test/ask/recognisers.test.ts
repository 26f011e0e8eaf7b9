/**
 * Each recogniser on its own: a fresh reading state, one token position, and what it took and read.
 * The reference day is Friday 2026-08-21 (the latest close in the bundled data).
 */
import { describe, expect, it } from 'vitest';
import { lexiconOf } from '../../src/ask/lexicon.ts';
import { tokenize } from '../../src/ask/normalize.ts';
import { ReadingState, recogniseDate, recogniseLevel, recognisePhrase, recogniseTicker } from '../../src/ask/read.ts';
import { allCommands } from './_commands.ts';
import { symbols } from './_stub.ts';

const REF = '2026-08-21';
const state = (text: string) =>
  new ReadingState(text, tokenize(text), { symbols, commands: allCommands, reference: REF }, lexiconOf(allCommands), new Set(['kre', 'xlk', 'spy', 'iwm']));

describe('recogniseDate', () => {
  it('"on jan 21, 2026" is that close', () => {
    const st = state('on jan 21, 2026');
    expect(recogniseDate(st, 0)).toBe(4);
    expect(st.asof?.date).toBe('2026-01-21');
  });
  it('"yesterday" is the trading day before the latest close, and its one-day move', () => {
    const st = state('yesterday');
    expect(recogniseDate(st, 0)).toBe(1);
    expect(st.asof?.date, 'Thursday before Friday 2026-08-21').toBe('2026-08-20');
    expect(st.periods.map((p) => p.token)).toEqual(['1d']);
  });
  it('"last friday" is the Friday before the reference Friday', () => {
    const st = state('last friday');
    expect(recogniseDate(st, 0)).toBe(2);
    expect(st.asof?.date).toBe('2026-08-14');
  });
  it('a day the market was shut reads as the close before it', () => {
    const st = state('on july 4 2026');
    recogniseDate(st, 0);
    expect(st.asof?.date, 'Saturday July 4 → Thursday July 2 (Friday July 3 was the observed holiday)').toBe('2026-07-02');
  });
  it('"since june" starts a period; a word that is no date is not taken', () => {
    const st = state('since june');
    expect(recogniseDate(st, 0)).toBe(2);
    expect(st.periods[0]?.token).toBe('since:2026-06-01');
    expect(recogniseDate(state('kre'), 0)).toBe(0);
  });
});

describe('recognisePhrase', () => {
  it('reads names, intents and to-date periods', () => {
    const st = state('regional banks');
    expect(recognisePhrase(st, 0)).toBe(2);
    expect(st.symbols[0]?.symbol).toBe('KRE');
    const wk = state('this week');
    expect(recognisePhrase(wk, 0)).toBe(2);
    expect(wk.periods[0]?.token, 'week to date').toBe('wtd');
    const rec = state('all time high');
    recognisePhrase(rec, 0);
    expect(rec.strong).toEqual(['breakout']);
  });
  it('reads "lagging" as a comparison word and advice words as advice', () => {
    const st = state('lagging');
    recognisePhrase(st, 0);
    expect(st.losingAt).toBe(0);
    const adv = state('what should i rotate into');
    for (let i = 0; i < 5; i++) recognisePhrase(adv, i);
    expect(adv.advice).toBe(true);
  });
});

describe('recogniseLevel', () => {
  it('takes "$600" and a number after "above", nothing else', () => {
    const st = state('$600');
    expect(recogniseLevel(st, 0)).toBe(1);
    expect(st.level?.value).toBe(600);
    const above = state('above 612.5');
    expect(recogniseLevel(above, 1)).toBe(1);
    expect(above.level?.value).toBe(612.5);
    expect(recogniseLevel(state('in 2025'), 1)).toBe(0);
  });
});

describe('recogniseTicker', () => {
  it('takes known tickers and reports unknown capital ones', () => {
    const st = state('$KRE');
    expect(recogniseTicker(st, 0)).toBe(1);
    expect(st.symbols[0]?.symbol).toBe('KRE');
    const amd = state('is AMD up');
    expect(recogniseTicker(amd, 1)).toBe(1);
    expect(amd.unknownTickers).toEqual(['AMD']);
    expect(recogniseTicker(state('hello'), 0)).toBe(0);
  });
});
