/**
 * Comparisons: which symbol is measured against which. A symbol right after "vs", "against",
 * "relative to" is the benchmark; "lagging", "trailing", "behind" say the second symbol is ahead.
 * (A lone "outperforming" or "lagging" measured against the market is decided in plan.ts, from the
 * declarations' `benchmark`.)
 */
import type { Payload } from '../lexicon.ts';
import { VS_WORDS } from '../vocabulary.ts';
import type { ReadingState } from './state.ts';

/** "lagging", "losing to": where the question says the second one is ahead. */
export function comparisonPhrase(st: ReadingState, p: Payload, at: number): boolean {
  if (p.kind !== 'losing') return false;
  if (st.losingAt < 0) st.losingAt = at;
  return true;
}

/** Marks each symbol said right after a comparison word ("vs the nasdaq", "against a spy"). */
export function finishComparisons(st: ReadingState): void {
  st.symbols = st.symbols.map((s) => {
    let k = s.at - 1;
    while (k >= 0 && (st.word(k) === 'the' || st.word(k) === 'a')) k--;
    return VS_WORDS.includes(st.word(k)) ? { ...s, afterVs: true } : s;
  });
}
