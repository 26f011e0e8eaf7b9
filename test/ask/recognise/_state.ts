/**
 * A fresh reading state over a text, as readQuestion makes one, for testing one recogniser at a time.
 * The reference day is Friday 2026-08-21 (the latest close in the bundled data).
 */
import { tokenize } from '../../../src/ask/normalize.ts';
import type { Payload } from '../../../src/ask/lexicon.ts';
import { ReadingState } from '../../../src/ask/recognise/state.ts';
import { lexicon, symbols } from '../_stub.ts';

export const REF = '2026-08-21';

export const state = (text: string, reference: string | null = REF): ReadingState =>
  new ReadingState(text, tokenize(text), { symbols, lexicon, ...(reference !== null ? { reference } : {}) }, new Set(['kre', 'xlk', 'spy', 'iwm']));

/** Runs `recognise` at every position, as the pipeline does, and returns what each position took. */
export function scan(st: ReadingState, recognise: (st: ReadingState, i: number) => number): number[] {
  const took: number[] = [];
  for (let i = 0; i < st.tokens.length; ) {
    const n = recognise(st, i);
    took.push(n);
    st.take(i, n);
    i += Math.max(n, 1);
  }
  return took;
}

/** A recogniser of lexicon phrases made of one concern's phrase reader (the pipeline shares one phrase match). */
export const byPhrase =
  (read: (st: ReadingState, p: Payload, at: number, words: number) => boolean, otherwise?: (st: ReadingState, i: number) => number) =>
  (st: ReadingState, i: number): number => {
    const p = st.phraseAt(i);
    if (!p) return otherwise ? otherwise(st, i) : 0;
    for (const x of p.payloads) read(st, x, i, p.words.length);
    return p.words.length;
  };
