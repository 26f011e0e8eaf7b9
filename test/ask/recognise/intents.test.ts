/** The intents recogniser on its own: words from the commands' ask declarations and the questions around them. */
import { describe, expect, it } from 'vitest';
import { intentPhrase } from '../../../src/ask/recognise/intents.ts';
import { byPhrase, scan, state } from './_state.ts';

const intents = byPhrase(intentPhrase);

describe('intents', () => {
  it('reads a declared strong phrase as its command', () => {
    const st = state('all time high');
    scan(st, intents);
    expect(st.strong).toEqual(['breakout']);
  });
  it('reads advice-shaped words as advice and greetings as small talk', () => {
    const adv = state('what should i rotate into');
    scan(adv, intents);
    expect(adv.advice).toBe(true);
    const hi = state('hello');
    scan(hi, intents);
    expect(hi.smallTalk).toBe(true);
  });
  it('says what it cannot answer, quoting the words', () => {
    const st = state('is it overbought');
    scan(st, intents);
    expect(st.unsupported).toMatch(/"overbought"/);
  });
  it('a 50- or 200-day average is /chart\'s; another length is said to be missing', () => {
    const ok = state('above its 200 day');
    scan(ok, intents);
    expect(ok.movingAverage?.said).toBe('200 day');
    const odd = state('the 20 day moving average');
    scan(odd, intents);
    expect(odd.unsupported).toMatch(/"20 day moving average"/);
  });
});
