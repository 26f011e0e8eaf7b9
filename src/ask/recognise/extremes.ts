/**
 * Levels of a year. "back to its 2022 high", "fall after its 2021 peak" are read as the level ("its
 * high"), never as the year's change, so the year is set aside before anything else reads. "at the
 * 2022 low", "at its 2021 peak", "at the covid low" name a *day*: the close the question is asked as
 * of. Which day depends on prices, and the reader is pure — so it reads only which extreme of which
 * year, and of whom (ExtremeDate), and takes those words out of the question; the day is looked up
 * where the prices are, beside the runner (answer.ts, with `closes`), and the Read-as line shows it.
 *
 * Whose closes: "its 2021 peak" and "KRE's 2021 peak" are the symbol the question is about; "the 2022
 * low" is the market's (the low everyone means by it), as is "the covid low".
 */
import type { Token } from '../normalize.ts';
import { at } from '../../core/at.ts';
import { YEAR } from './dates.ts';
import type { ExtremeDate, ReadingState } from './state.ts';

const LOW_WORDS = new Set(['low', 'lows', 'bottom', 'bottoms', 'trough']);
const HIGH_WORDS = new Set(['high', 'highs', 'peak', 'peaks', 'top', 'ath', 'record']);
/** Named moments: the extreme of a year everybody calls by a name. */
const MOMENTS: Readonly<Record<string, { year: number; which: 'low' | 'high' }>> = {
  covid: { year: 2020, which: 'low' },
  covid19: { year: 2020, which: 'low' },
  corona: { year: 2020, which: 'low' },
  pandemic: { year: 2020, which: 'low' },
};
/** Words before the extreme that make it a day: "at the 2022 low", "on its 2021 peak". */
const AT_WORDS = new Set(['at', 'on']);

const whichOf = (w: string): 'low' | 'high' | undefined => (LOW_WORDS.has(w) ? 'low' : HIGH_WORDS.has(w) ? 'high' : undefined);

/** "at the 2022 low" starting at token k: the extreme and how many tokens it spans, or undefined. */
function extremeAt(words: readonly Token[], k: number): { extreme: ExtremeDate; n: number } | undefined {
  if (!AT_WORDS.has(words[k]?.word ?? '')) return undefined;
  const owner = words[k + 1];
  if (!owner) return undefined;
  const subject = owner.word === 'its' || /['’]s$/i.test(owner.raw);
  if (owner.word !== 'the' && !subject) return undefined;
  const said = (n: number) =>
    words
      .slice(k, k + n)
      .map((t) => t.word)
      .join(' ');
  const year = words[k + 2]?.word ?? '';
  const which = whichOf(words[k + 3]?.word ?? '');
  if (YEAR.test(year) && which) return { extreme: { which, year: Number(year), of: subject ? 'subject' : 'market', said: said(4) }, n: 4 };
  // "at the covid low", "at the covid crash low".
  const moment = Object.hasOwn(MOMENTS, year) ? MOMENTS[year] : undefined;
  if (!moment || subject) return undefined;
  const skip = words[k + 3]?.word === 'crash' ? 1 : 0;
  if (whichOf(words[k + 3 + skip]?.word ?? '') !== moment.which) return undefined;
  return { extreme: { ...moment, of: 'market', said: said(4 + skip) }, n: 4 + skip };
}

/** The words as read on: an extreme day taken out (and returned), a level's year set aside. */
export function setAsideExtremes(written: readonly Token[]): { tokens: Token[]; extreme?: ExtremeDate } {
  const tokens: Token[] = [];
  let extreme: ExtremeDate | undefined;
  for (let k = 0; k < written.length; k++) {
    const found = extreme === undefined ? extremeAt(written, k) : undefined;
    if (found) {
      extreme = found.extreme;
      k += found.n - 1;
      continue;
    }
    const t = at(written, k);
    if (!(YEAR.test(t.word) && whichOf(written[k + 1]?.word ?? '') !== undefined)) tokens.push(t);
  }
  return { tokens, ...(extreme ? { extreme } : {}) };
}

/** Whose extreme: the symbol asked about ("its"), or the market; a question with a day too is asked which. */
export function finishExtremes(st: ReadingState): void {
  const e = st.extreme;
  if (!e) return;
  const of = e.of === 'subject' ? (st.symbols.find((s) => !s.afterVs)?.symbol ?? st.lexicon.market) : e.of === 'market' ? st.lexicon.market : e.of;
  if (of === undefined) {
    st.problems.push(`"${e.said}" needs a symbol whose closes to look in`);
    st.extreme = undefined;
  } else if (st.asof) {
    st.problems.push(`I read two days ("${st.asof.said}" and "${e.said}"); ask about one`);
    st.extreme = undefined;
  } else st.extreme = { ...e, of };
}
