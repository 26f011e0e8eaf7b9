/**
 * Dates, as people write them, read against the reference day (the latest close) and the trading
 * calendar: "since june", "as of 6/30/25", "from may 1", "yesterday", "on jan 21, 2026", "last friday",
 * "in july", "in 2025". A day the market was shut reads as the close before it.
 */
import { isTradingDay, previousTradingDay } from '../../data/calendar.ts';
import { readDateAt, readMonthAt } from '../dates.ts';
import { tokenize } from '../normalize.ts';
import { LEVEL_WORDS, SINCE_PREFIXES, SINCE_YEAR_START } from '../vocabulary.ts';
import type { ReadingState } from './state.ts';

export const YEAR = /^(?:19|20)\d\d$/;
const CALENDAR_YEAR_WORDS = new Set(['in', 'for', 'during', 'throughout', 'of', 'calendar', 'cy', 'fy', 'thru', 'through']);
/** "in july", "during march 2023": a calendar month. */
const MONTH_WORDS = new Set(['in', 'during', 'for', 'throughout', 'over']);
const SINCE_WORDS = new Set(['since', 'starting', 'sinve', 'snce']);
const YESTERDAY = new Set(['yesterday', 'yday', 'yest']);
const WEEKDAY = /^(?:mon|tue|tues|wed|thu|thur|thurs|fri)(?:day|nesday|rsday|sday)?$/;

/** Reads a date after a keyword at token i; returns how many tokens (keyword included) it took, or 0. */
export function dateAfter(st: ReadingState, i: number, keywordWords: number, as: 'since' | 'asof' | 'from'): number {
  const next = st.tokens[i + keywordWords];
  if (!next) return 0;
  let tail = st.text.slice(next.start);
  let skipped = 0;
  const lowered = tail.toLowerCase();
  if (as === 'since') {
    const yearStart = SINCE_YEAR_START.find((p) => lowered.startsWith(p) && !/[\p{L}\p{N}]/u.test(lowered.charAt(p.length)));
    if (yearStart) {
      const n = tokenize(yearStart).length;
      st.addPeriod('ytd', i, keywordWords + n);
      return keywordWords + n;
    }
    const prefix = SINCE_PREFIXES.find((p) => lowered.startsWith(`${p} `));
    if (prefix) {
      tail = tail.slice(prefix.length + 1);
      skipped = tokenize(prefix).length;
    }
  }
  const r = readDateAt(tail, st.ctx.reference);
  if (r.kind === 'none') {
    if (as === 'from') return 0;
    // "since the election": a moment, not a date tapebot can look up.
    const n = st.momentWords(i, keywordWords);
    st.problems.push(`"${st.said(i, n)}" is not a date I can look up; write the day, e.g. "since nov 5 2024" or since:2024-11-05`);
    st.take(i, n);
    return keywordWords;
  }
  if (r.kind === 'needs-reference') {
    st.needsReference = true;
    return keywordWords + 1;
  }
  const took = keywordWords + skipped + r.words;
  if (as === 'asof') st.asof = { date: r.date, said: st.said(i, took) };
  else {
    st.addPeriod(`since:${r.date}`, i, took);
    if (r.end !== undefined && r.end !== r.date) st.asof = { date: r.end, said: st.said(i, took) };
  }
  return took;
}

/** "in july", "in march 2023": the month's change, from the close before it to its last close. */
export function monthAfter(st: ReadingState, i: number): number {
  const next = st.tokens[i + 1];
  if (!next) return 0;
  const m = readMonthAt(st.text.slice(next.start), st.ctx.reference);
  if (m.kind === 'none') return 0;
  if (m.kind === 'needs-reference') {
    st.needsReference = true;
    return 2;
  }
  const took = 1 + m.words;
  const reference = st.ctx.reference;
  if (reference !== undefined && m.first > reference) {
    st.problems.push(`"${st.said(i, took)}" is after the latest close I have (${reference})`);
    return took;
  }
  st.addPeriod(`since:${m.before}`, i, took);
  // The month still under way runs to the latest close.
  if (reference === undefined || m.last < reference) st.asof = { date: m.last, said: st.said(i, took) };
  return took;
}

/** "on jan 21, 2026", "on 2025-12-04", "last friday": the close of that day (or the last one before it). */
function dayAt(st: ReadingState, i: number): number {
  const w = st.word(i);
  const afterOn = w === 'on' && /^[a-z0-9]/.test(st.word(i + 1));
  if (!afterOn && !(w === 'last' && WEEKDAY.test(st.word(i + 1)))) return 0;
  const k = afterOn ? 1 : 0;
  const next = st.tokens[i + k];
  const r = next ? readDateAt(st.text.slice(next.start), st.ctx.reference) : { kind: 'none' as const };
  if (r.kind === 'needs-reference') {
    st.needsReference = true;
    return afterOn ? 1 : 2;
  }
  // A bare year after "on" ("on 2025") is not a day.
  if (r.kind !== 'date' || r.end !== undefined || (YEAR.test(next?.word ?? '') && r.words === 1)) return 0;
  const took = k + r.words;
  const day = isTradingDay(r.date) ? r.date : previousTradingDay(r.date);
  if (st.ctx.reference !== undefined && day > st.ctx.reference) st.problems.push(`"${st.said(i, took)}" is after the latest close I have (${st.ctx.reference})`);
  else st.asof = { date: day, said: st.said(i, took) };
  return took;
}

/** "in 2025": that calendar year, i.e. year to date as of its last day. */
function yearAt(st: ReadingState, i: number): number {
  const w = st.word(i);
  if (!YEAR.test(w)) return 0;
  const prev = st.tokens[i - 1]?.word;
  if (!(prev === undefined || CALENDAR_YEAR_WORDS.has(prev) || !LEVEL_WORDS.includes(prev))) return 0;
  const y = Number(w);
  const refYear = st.ctx.reference !== undefined ? Number(st.ctx.reference.slice(0, 4)) : undefined;
  if (refYear === undefined) st.needsReference = true;
  else if (y > refYear) st.problems.push(`${w} is after the latest close I have (${st.ctx.reference})`);
  else {
    st.addPeriod('ytd', i, 1);
    if (y < refYear) st.asof = { date: `${w}-12-31`, said: w };
  }
  return 1;
}

/** Any date at token i; returns how many tokens it took. */
export function recogniseDate(st: ReadingState, i: number): number {
  const w = st.word(i);
  // Dates after "since", "as of", "from" (unless a longer phrase starts there: "since inception").
  const phraseWords = st.phraseAt(i)?.words.length ?? 0;
  if (SINCE_WORDS.has(w) && !(w === 'since' && phraseWords > 1)) {
    const took = dateAfter(st, i, 1, 'since');
    if (took > 0) return took;
  }
  if ((w === 'as' && (st.word(i + 1) === 'of' || st.word(i + 1) === 'at')) || w === 'asof') {
    const took = dateAfter(st, i, w === 'asof' ? 1 : 2, 'asof');
    if (took > 0) return took;
  }
  if (w === 'from' && phraseWords <= 1) {
    const took = dateAfter(st, i, 1, 'from');
    if (took > 0) return took;
    st.fromAt.push(i);
  }
  // "yesterday": the trading day before the latest close, and its one-day move.
  if (YESTERDAY.has(w)) {
    if (st.ctx.reference === undefined) st.needsReference = true;
    else {
      st.asof = { date: previousTradingDay(st.ctx.reference), said: w };
      st.addPeriod('1d', i, 1);
    }
    return 1;
  }
  const day = dayAt(st, i);
  if (day > 0) return day;
  if (MONTH_WORDS.has(w) && !YEAR.test(st.word(i + 1))) {
    const took = monthAfter(st, i);
    if (took > 0) return took;
  }
  return yearAt(st, i);
}

/** "up from the april low": "from" and words nothing else read are a moment, not a date. */
export function finishDates(st: ReadingState): void {
  for (const at of st.fromAt) {
    let k = at + 1;
    while (st.tokens[k] && (st.word(k) === 'the' || st.word(k) === 'its' || st.word(k) === 'a')) k++;
    if (st.tokens[k] && !st.used[k]) {
      const n = st.momentWords(at, 1);
      st.problems.push(`"${st.said(at, n)}" is not a date I can look up; write the day, e.g. "from apr 8 2026" or since:2026-04-08`);
      st.take(at, n);
    }
  }
}
