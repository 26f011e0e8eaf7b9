/**
 * Reading a question: which symbols, group, period, date and price level it names, and which words
 * lean towards which intent. Deciding which command that makes is plan.ts's job.
 *
 * A short pipeline over one shared reading state (recognise/state.ts): the words made ready (years of
 * a level set aside, "at the 2022 low" taken out as a day prices decide, misspellings corrected), then at each word the first recogniser that takes it —
 * dates, then the lexicon's phrases (or a number with a unit, when longer), then price levels, then
 * tickers and period tokens — and last each concern's finishing step.
 */
import type { Payload } from './lexicon.ts';
import { tokenize } from './normalize.ts';
import { comparisonPhrase, finishComparisons } from './recognise/comparisons.ts';
import { finishDates, recogniseDate } from './recognise/dates.ts';
import { finishExtremes, setAsideExtremes } from './recognise/extremes.ts';
import { intentPhrase } from './recognise/intents.ts';
import { finishLevels, recogniseLevel } from './recognise/levels.ts';
import { finishPeriods, periodPhrase, recognisePeriodToken, spanAt, takeSpan } from './recognise/periods.ts';
import { correctSpelling } from './recognise/spelling.ts';
import { ReadingState, type ReadContext, type Reading } from './recognise/state.ts';
import { finishSymbols, lowerCaseTickers, recogniseTicker, symbolPhrase } from './recognise/symbols.ts';
import { FILLER_WORDS } from './vocabulary.ts';

export type { ExtremeDate, ReadContext, Reading, SymbolMention } from './recognise/state.ts';

/** Who reads each kind of lexicon phrase. */
const PHRASE_READERS: readonly ((st: ReadingState, p: Payload, at: number, words: number) => boolean)[] = [intentPhrase, symbolPhrase, periodPhrase, comparisonPhrase];

/** The longest lexicon phrase at token i, unless a number with a unit ("6 months") is longer. */
function recognisePhrase(st: ReadingState, i: number): number {
  const phrase = st.phraseAt(i);
  const span = spanAt(st, i);
  if (span && (!phrase || span.words > phrase.words.length)) return takeSpan(st, i, span);
  if (!phrase) return 0;
  for (const p of phrase.payloads) PHRASE_READERS.some((read) => read(st, p, i, phrase.words.length));
  return phrase.words.length;
}

const RECOGNISERS: readonly ((st: ReadingState, i: number) => number)[] = [recogniseDate, recognisePhrase, recogniseLevel, recogniseTicker, recognisePeriodToken];
/** In this order: "vs" is marked before the market fills in for a question naming nothing. */
const FINISHERS: readonly ((st: ReadingState) => void)[] = [finishLevels, finishDates, finishComparisons, finishSymbols, finishExtremes, finishPeriods];

export function readQuestion(text: string, ctx: ReadContext): Reading {
  const tickers = lowerCaseTickers(ctx.symbols);
  const { tokens: plain, extreme } = setAsideExtremes(tokenize(text));
  const { tokens, corrections } = correctSpelling(plain, ctx.lexicon, tickers);
  const st = new ReadingState(text, tokens, ctx, tickers, corrections);
  st.extreme = extreme;
  for (let i = 0; i < tokens.length; ) {
    const took = RECOGNISERS.reduce((n, recognise) => n || recognise(st, i), 0);
    st.take(i, took);
    i += Math.max(took, 1);
  }
  for (const finish of FINISHERS) finish(st);
  return readingOf(st);
}

function readingOf(st: ReadingState): Reading {
  const unread = [...new Set(st.tokens.filter((t, k) => !st.used[k] && /\p{L}/u.test(t.word) && !FILLER_WORDS.has(t.word)).map((t) => t.word.slice(0, 30)))];
  return {
    strong: st.strong,
    weak: st.weak,
    vague: st.vague,
    symbols: st.symbols,
    ...(st.universe ? { universe: st.universe } : {}),
    ...(st.period ? { period: st.period } : {}),
    ...(st.asof ? { asof: st.asof } : {}),
    ...(st.extreme ? { extreme: st.extreme } : {}),
    ...(st.level ? { level: st.level } : {}),
    losingAt: st.losingAt,
    unknownTickers: st.unknownTickers.slice(0, 3),
    problems: st.problems,
    needsReference: st.needsReference,
    smallTalk: st.smallTalk,
    advice: st.advice,
    words: st.tokens.length,
    ...(st.unsupported !== undefined ? { unsupported: st.unsupported } : {}),
    ...(st.movingAverage ? { movingAverage: st.movingAverage } : {}),
    unread,
    corrections: [...st.corrections],
  };
}
