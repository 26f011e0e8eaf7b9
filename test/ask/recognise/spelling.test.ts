/** Spelling: misspelt words read as the word they most likely are, each correction kept to be shown. */
import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../src/ask/normalize.ts';
import { correctSpelling } from '../../../src/ask/recognise/spelling.ts';
import { lexicon } from '../_stub.ts';

const fix = (q: string) => correctSpelling(tokenize(q), lexicon, new Set(['kre']));

describe('correctSpelling', () => {
  it('reads "smal caps vs larg caps" as small and large caps, and says so', () => {
    const r = fix('smal caps vs larg caps');
    expect(r.tokens.map((t) => t.word).join(' ')).toBe('small caps vs large caps');
    expect(r.corrections).toEqual([
      { from: 'smal', to: 'small' },
      { from: 'larg', to: 'large' },
    ]);
  });
  it('leaves tickers, capitals and known words alone', () => {
    expect(fix('kre KRE small').corrections).toEqual([]);
  });
});
