/**
 * Words as written, made ready to read: a misspelt word becomes the word it most likely is ("smal
 * caps" → "small caps"), and each correction is kept so the Read-as line shows it (a wrong guess is
 * visible). Tickers and words with capitals or digits are left as written.
 */
import { correctTypo, type Lexicon } from '../lexicon.ts';
import type { Token } from '../normalize.ts';

export function correctSpelling(written: readonly Token[], lexicon: Lexicon, tickers: ReadonlySet<string>): { tokens: Token[]; corrections: { from: string; to: string }[] } {
  const corrections: { from: string; to: string }[] = [];
  const tokens = written.map((t) => {
    if (t.raw !== t.word || tickers.has(t.word)) return t;
    const to = correctTypo(lexicon, t.word);
    if (to === undefined) return t;
    if (!corrections.some((c) => c.from === t.word)) corrections.push({ from: t.word, to });
    return { ...t, word: to };
  });
  return { tokens, corrections };
}
