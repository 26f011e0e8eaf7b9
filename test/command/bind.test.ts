import { describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { bindOptions } from '../../src/command/bind.ts';
import type { AnyCommand } from '../../src/command/define.ts';
import { parseCommandText } from '../../src/command/parse.ts';
import { createSymbolDirectory, loadManifest } from '../../src/data/symbols.ts';
import { UnknownSymbolError, UserInputError } from '../../src/errors.ts';

const symbols = createSymbolDirectory(loadManifest());
const cmd = (name: string): AnyCommand => {
  const c = commands.find((x) => x.name === name);
  if (!c) throw new Error(`no command ${name}`);
  return c;
};
const bind = (text: string) => {
  const p = parseCommandText(text);
  return bindOptions(cmd(p.name), p.args, symbols);
};

describe('bindOptions', () => {
  it('fills a variadic symbols option from bare words and resolves aliases', () => {
    const b = bind('/compare iwm spx $qqq period:1y');
    expect(b.options.symbols, 'spx is the S&P 500 index, $ is ignored').toEqual(['IWM', '^GSPC', 'QQQ']);
    expect(b.options.period).toEqual({ kind: 'named', name: '1y' });
    expect(b.canonical).toEqual({ symbols: 'IWM ^GSPC QQQ', period: '1y' });
  });

  it('takes a bare period word and since:DATE as the period', () => {
    expect(bind('/compare IWM SPY 3m').options.period).toEqual({ kind: 'named', name: '3m' });
    expect(bind('/compare IWM SPY since:2026-06-01').options.period).toEqual({ kind: 'since', date: '2026-06-01' });
  });

  it('applies defaults and separates asof from the options', () => {
    const b = bind('/rotation asof:2025-06-30');
    expect(b.asof).toBe('2025-06-30');
    expect(b.options.period, 'rotation defaults to year to date').toEqual({ kind: 'named', name: 'ytd' });
    expect(b.options.small).toBe('IWM');
    expect('asof' in b.options, 'asof is handled by the runner, not the command').toBe(false);
  });

  it('binds positional single symbols in order', () => {
    const b = bind('/streak XLE xlk');
    expect([b.options.a, b.options.b]).toEqual(['XLE', 'XLK']);
  });

  it('a second symbol after a one-symbol command’s symbol is named as such, not as a bad number', () => {
    expect(() => bind('/breakout SPY QQQ')).toThrow('/breakout takes one symbol; `QQQ` would be a second.');
    expect(bind('/breakout SPY 600').options.level, 'a number is still the level').toBe(600);
    expect(() => bind('/breakout SPY lots'), 'a word that is no symbol still gets the number message').toThrow(/level/);
  });

  it('names the nearest symbols for an unknown one', () => {
    try {
      bind('/compare SPYY IWM');
      expect.fail('SPYY must be refused');
    } catch (e) {
      expect(e).toBeInstanceOf(UnknownSymbolError);
      expect((e as UnknownSymbolError).suggestions, 'SPY is one edit away').toContain('SPY');
    }
  });

  it.each([
    ['/compare IWM SPY QQQ DIA XLE XLK XLF', /Too many symbols: 7 \(at most 6/],
    ['/compare IWM', /^\/compare needs at least two symbols, e\.g\. \/compare IWM SPY$/],
    ['/compare IWM IWM', /^IWM twice: pick two different symbols/],
    // Issue 12: no internal option names ("needs a symbol (b)") and no "Not enough price history" for a symbol twice.
    ['/streak IWM', /^\/streak needs two symbols, e\.g\. \/streak IWM SPY$/],
    ['/streak IWM IWM', /^IWM twice: pick two different symbols, e\.g\. \/streak IWM SPY$/],
    ['/compare IWM SPY peroid:1m', /has no option `peroid`\. Did you mean period:`1m`\?/],
    ['/compare IWM SPY asof:21/01/2026', /not a date I can read/],
    ['/compare IWM SPY period:2q', /`2q` is not a period I know/],
    ['/compare IWM SPY asof:2026-02-30', /not a date I can read/],
    ['/compare IWM SPY colour:red', /has no option `colour`/],
    ['/streak IWM SPY QQQ', /don't know what to do with `QQQ`/],
    ['/compare IWM SPY constructor:x', /has no option `constructor`/],
  ])('%s is refused with a clear message', (text, message) => {
    expect(() => bind(text)).toThrow(UserInputError);
    expect(() => bind(text)).toThrow(message);
  });

  it.each([
    ['/compare IWM SPY asof:01/21/2026'],
    ['/compare IWM SPY asof:Jan 21 2026'],
    ['/compare IWM SPY asof:Jan 21, 2026'],
    ['/compare IWM SPY asof:2026-1-21'],
    ['/compare IWM SPY asof:21 Jan 2026'],
    ['/compare IWM SPY asof:2026-01-21'],
  ])('%s reads the date as 2026-01-21 (issue 12: dates in common forms)', (text) => {
    expect(bind(text).asof).toBe('2026-01-21');
  });

  it.each([['/compare IWM SPY since:01/21/2026'], ['/compare IWM SPY since:Jan 21 2026'], ['/compare IWM SPY 21 Jan 2026'.replace(' 21', ' since:21')]])('%s is a period since 2026-01-21', (text) => {
    expect(bind(text).canonical['period']).toBe('since:2026-01-21');
  });
});
