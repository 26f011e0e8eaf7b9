/**
 * Number options are read as people write prices: decimal digits only, inside the option's range.
 * JavaScript's Number() reads far more ("0x10" is 16, "1e308" a 309-digit price, "Infinity"), and
 * none of that may reach an answer as a price someone asked about.
 */
import { describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { bindOptions } from '../../src/command/bind.ts';
import type { AnyCommand } from '../../src/command/define.ts';
import { parseCommandText } from '../../src/command/parse.ts';
import { createSymbolDirectory, loadManifest } from '../../src/data/symbols.ts';
import { UserInputError } from '../../src/errors.ts';

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
const refusal = (text: string): string => {
  try {
    bind(text);
  } catch (err) {
    expect(err).toBeInstanceOf(UserInputError);
    const e = err as UserInputError;
    return e.hint ? `${e.message} ${e.hint}` : e.message;
  }
  throw new Error(`${text} was accepted`);
};

describe('number options: decimal only, in range', () => {
  it.each([
    ['/breakout SPY level:600', 600],
    ['/breakout SPY level:$612.50', 612.5],
    ['/breakout SPY level:1,250', 1250],
    ['/breakout SPY level:0.5', 0.5],
    ['/breakout SPY 600', 600],
    ['/alert add above SPY level:600', 600],
  ])('%s reads as %d', (text, level) => {
    expect(bind(text).options.level).toBe(level);
  });

  it.each(['0x10', '0X10', '1e308', '1e3', 'Infinity', '-Infinity', 'NaN', '1_000', '0b101', '0o17', '.', '$', '1,00', '1.2.3'])(
    '/breakout SPY level:%s is refused with the range, never read as a number',
    (v) => {
      const msg = refusal(`/breakout SPY level:${v}`);
      expect(msg).toMatch(/^level must be a number from 0\.01 to 9,999,999\.99; got `/);
    },
  );

  it('says the range for a level out of it, on both commands', () => {
    expect(refusal('/breakout SPY level:10000000')).toBe('level must be a number from 0.01 to 9,999,999.99; got `10000000`.');
    expect(refusal('/breakout SPY level:0')).toMatch(/from 0\.01 to 9,999,999\.99; got `0`/);
    expect(refusal('/alert add above SPY level:-5')).toMatch(/from 0\.01 to 9,999,999\.99; got `-5`/);
    expect(refusal('/alert add above SPY level:0x10')).toMatch(/^level must be a number from 0\.01 to 9,999,999\.99; got `0x10`\. Write it with plain decimal digits/);
  });

  it('integer options refuse hex and exponents too', () => {
    expect(bind('/rotationmap tail:12').options.tail).toBe(12);
    expect(refusal('/rotationmap tail:0x10')).toMatch(/^tail must be a whole number from 2 to 26; got `0x10`/);
    expect(refusal('/rotationmap tail:1e1')).toMatch(/^tail must be a whole number from 2 to 26/);
  });

  it('a long value is shortened in the message', () => {
    const v = '9'.repeat(400);
    const msg = refusal(`/breakout SPY level:${v}`);
    expect(msg.length).toBeLessThan(120);
  });
});
