import { describe, expect, it } from 'vitest';
import { parseArgsText, parseCommandText } from '../../src/command/parse.ts';
import { UserInputError } from '../../src/errors.ts';

describe('parseCommandText', () => {
  it('splits the name, positional words and key:value options', () => {
    const p = parseCommandText('/compare IWM SPY QQQ period:1y');
    expect(p.name).toBe('compare');
    expect(p.args.words, 'bare words keep their order').toEqual(['IWM', 'SPY', 'QQQ']);
    expect(p.args.named).toEqual({ period: '1y' });
  });

  it('accepts a missing slash, upper case and extra spaces', () => {
    const p = parseCommandText('  STREAK   iwm  spy   asof:2026-01-21 ');
    expect(p.name, 'command names are case-insensitive').toBe('streak');
    expect(p.args.words).toEqual(['iwm', 'spy']);
    expect(p.args.named.asof).toBe('2026-01-21');
  });

  it('splits comma-separated symbols into words', () => {
    expect(parseArgsText('IWM,SPY, QQQ').words).toEqual(['IWM', 'SPY', 'QQQ']);
  });

  it('keeps since:DATE as a named pair for the binder to interpret', () => {
    expect(parseArgsText('IWM SPY since:2026-06-01').named).toEqual({ since: '2026-06-01' });
  });

  it('refuses empty, over-long and non-command text with a user error', () => {
    expect(() => parseCommandText('   ')).toThrow(UserInputError);
    expect(() => parseCommandText(`/compare ${'X '.repeat(400)}`)).toThrow(/too long/);
    expect(() => parseCommandText('/$$$')).toThrow(UserInputError);
  });
});
