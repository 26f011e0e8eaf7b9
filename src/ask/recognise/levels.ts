/**
 * Price levels: "$600", "above 600", "retesting 612.50". A number only JavaScript would read
 * ("0x10", "1e308", "NaN") or a `level:` value that is no price is said back, never dropped.
 */
import { PRICE_LEVEL_RANGE } from '../../command/options.ts';
import { LEVEL_WORDS } from '../vocabulary.ts';
import type { ReadingState } from './state.ts';

/** What Number() reads but nobody writes as a price: hex, exponents, NaN, Infinity, or more digits than any level has. */
const UNREADABLE_NUMBER = /^(?:0[xob][0-9a-f]+|\d+(?:\.\d+)?e[+-]?\d+|nan|inf|infinity|\d{8,}(?:\.\d+)?)$/i;
/** A `level:` value as the command option reads it (src/command/bind.ts): plain decimal digits. */
const PLAIN_LEVEL = /^\$?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/;

export function recogniseLevel(st: ReadingState, i: number): number {
  const t = st.tokens[i];
  if (!t) return 0;
  const afterLevelWord = LEVEL_WORDS.includes(st.word(i - 1));
  // (A `level:` option typed into a question is checked once, in finishLevels.)
  if (afterLevelWord && UNREADABLE_NUMBER.test(t.word) && st.text.charAt(t.start - 1) !== ':') {
    st.problems.push(`"${st.said(i - 1, 2)}" is not a price level I can read; write it in plain digits, e.g. above 600`);
    return 1;
  }
  const money = /^\$(\d{1,7}(?:\.\d{1,4})?)$/.exec(t.raw)?.[1] ?? (afterLevelWord && /^\d{1,7}(?:\.\d{1,4})?$/.test(t.word) ? t.word : undefined);
  if (money === undefined) return 0;
  st.level ??= { value: Number(money), said: st.said(i, 1) };
  return 1;
}

/** `level:VALUE` typed as a command option: a value that is not a plain price is said, not dropped. */
export function finishLevels(st: ReadingState): void {
  for (const m of st.text.matchAll(/\blevel:(\S*)/giu)) {
    const v = (m[1] ?? '').replace(/[?!.,;]+$/, '');
    const n = PLAIN_LEVEL.test(v) ? Number(v.replace(/^\$/, '')) : NaN;
    if (!(n >= PRICE_LEVEL_RANGE.min && n <= PRICE_LEVEL_RANGE.max)) {
      st.problems.push(`"level:${v.slice(0, 24)}" is not a price level I can read; a level is a number from ${PRICE_LEVEL_RANGE.min} to ${PRICE_LEVEL_RANGE.max.toLocaleString('en-US')}, e.g. level:600`);
    }
  }
}
