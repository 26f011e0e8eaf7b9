/**
 * Periods: named ones ("this year", "ytd", "this week" → wtd), numbers with a unit ("6 months",
 * "2 wks", "3mo"), and period tokens typed as words ("12m"). Two different periods in one question
 * are a problem to ask about, never a guess.
 */
import { NAMED_PERIODS, parsePeriod, type NamedPeriod } from '../../core/periods.ts';
import { minusSpan } from '../dates.ts';
import type { Payload } from '../lexicon.ts';
import { NUMBER_WORDS, PERIOD_UNITS, own } from '../vocabulary.ts';
import type { ReadingState } from './state.ts';

const SPAN_TO_NAMED: Readonly<Record<string, NamedPeriod>> = {
  '1 days': '1d',
  '1 weeks': '1w',
  '7 days': '1w',
  '5 days': '1w',
  '1 months': '1m',
  '4 weeks': '1m',
  '3 months': '3m',
  '13 weeks': '3m',
  '6 months': '6m',
  '12 months': '1y',
  '52 weeks': '1y',
  '1 years': '1y',
  '3 years': '3y',
  '5 years': '5y',
};

export interface Span {
  n: number;
  unit: 'days' | 'weeks' | 'months' | 'years';
  words: number;
}

/** "6 months", "a week", "2 wks", "3mo": n units starting at token i, or undefined. */
export function spanAt(st: ReadingState, i: number): Span | undefined {
  const t = st.tokens[i];
  if (!t) return undefined;
  const compact = /^(\d{1,3})(d|w|wk|wks|m|mo|mos|mth|mths|y|yr|yrs)$/.exec(t.word);
  if (compact) {
    const unit = own(PERIOD_UNITS, compact[2] ?? '');
    return unit ? { n: Number(compact[1]), unit, words: 1 } : undefined;
  }
  const n = /^\d{1,3}$/.test(t.word) ? Number(t.word) : own(NUMBER_WORDS, t.word);
  const next = st.tokens[i + 1];
  if (n === undefined || !next) return undefined;
  // Single letters count as units only right after a number written as digits ("6 m" is rare; "a m" is noise).
  if (next.word.length === 1 && !/^\d/.test(t.word)) return undefined;
  const unit = own(PERIOD_UNITS, next.word);
  return unit && n >= 1 ? { n, unit, words: 2 } : undefined;
}

/** Records a span read at token i as a named period ("6 months" → 6m) or a since: date. */
export function takeSpan(st: ReadingState, i: number, span: Span): number {
  const named = own(SPAN_TO_NAMED, `${span.n} ${span.unit}`);
  if (named) st.addPeriod(named, i, span.words);
  else if (st.ctx.reference === undefined) st.needsReference = true;
  else st.addPeriod(`since:${minusSpan(st.ctx.reference, span.n, span.unit)}`, i, span.words);
  return span.words;
}

/** A lexicon phrase that names a period ("this quarter") or one that could mean two ("last year"). */
export function periodPhrase(st: ReadingState, p: Payload, at: number, words: number): boolean {
  if (p.kind === 'period') st.addPeriod(p.period, at, words);
  else if (p.kind === 'ambiguous') {
    // "calendar {lastYear}" names the year before the reference day's: without one, ask for it.
    if (st.ctx.reference === undefined && p.what.includes('{lastYear}')) st.needsReference = true;
    else st.problems.push(`"${st.said(at, words)}" ${p.what.replace(/\{lastYear\}/g, st.ctx.reference ? String(Number(st.ctx.reference.slice(0, 4)) - 1) : 'last year')}`);
  } else return false;
  return true;
}

/** A named period or alias typed as a token: "3mo", "12m". Marks the word read; takes nothing. */
export function recognisePeriodToken(st: ReadingState, i: number): number {
  // (Only real period names: parsePeriod must not hand back whatever a prototype lookup found.)
  const p = parsePeriod(st.word(i));
  if (p && p.kind === 'named' && (NAMED_PERIODS as readonly string[]).includes(p.name)) {
    st.addPeriod(p.name, i, 1);
    st.used[i] = true;
  }
  return 0;
}

/** The one period of the question, or a problem when two different ones were said. */
export function finishPeriods(st: ReadingState): void {
  const distinct = [...new Map(st.periods.map((p) => [p.token, p])).values()];
  if (distinct.length > 1) st.problems.push(`I read two periods (${distinct.map((p) => `"${p.said}"`).join(' and ')}); ask about one`);
  if (distinct[0]) st.period = { token: distinct[0].token, said: distinct[0].said };
}
