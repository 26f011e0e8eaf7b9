/** Issue 12: the digest's tone from breadth and size, and like facts on one line. */
import { describe, expect, it } from 'vitest';
import { dayTone, groupEvents } from '../../src/digest/compose.ts';

describe('dayTone', () => {
  it('a −2.6% day with 2 of 11 sectors up is "Stocks fell", not "mixed", even with one index up', () => {
    expect(dayTone(-0.026, 1, 4, 2, 11)).toBe('Stocks fell');
  });
  it('a small move with broad breadth takes the breadth’s side; a small split day is mixed', () => {
    expect(dayTone(0.004, 2, 4, 9, 11), '9 of 11 sectors up').toBe('Stocks rose');
    expect(dayTone(-0.0042, 1, 4, 8, 11), 'SPY down 0.42% with 8 of 11 sectors up (Oct 8, 2026)').toBe('A mixed close');
    expect(dayTone(0.012, 3, 4, 5, 11), 'a 1% move sets the tone').toBe('Stocks rose');
    expect(dayTone(-0.001, 0, 4, 6, 11), 'every index down').toBe('Stocks fell');
  });
});

describe('groupEvents', () => {
  it('three 52-week lows are one line, other events stay as they are', () => {
    const low = (symbol: string, at: string) => ({ symbol, text: `**${symbol}** closed at a 52-week low at ${at}`, weight: 4, same: { what: '52-week low', at } });
    const out = groupEvents([low('XLK', '$250.10'), { symbol: 'IWM', text: 'IWM has beaten SPY for 10 straight sessions', weight: 3 }, low('XLY', '$201.00'), low('QQQ', '$500.00')]);
    expect(out.map((e) => e.text)).toEqual(['**XLK** ($250.10), **XLY** ($201.00) and **QQQ** ($500.00) closed at a 52-week low', 'IWM has beaten SPY for 10 straight sessions']);
    expect(groupEvents([low('XLK', '$250.10')])[0]?.text, 'one alone keeps its own sentence').toBe('**XLK** closed at a 52-week low at $250.10');
  });
});
