/**
 * Reading a question: which symbols, group, period, date and price level it names, and which words
 * lean towards which intent. Deciding which command that makes is plan.ts's job.
 */
import { NAMED_PERIODS, parsePeriod, type NamedPeriod } from '../core/periods.ts';
import { PRICE_LEVEL_RANGE } from '../command/options.ts';
import type { AnyCommand } from '../command/define.ts';
import type { SymbolDirectory } from '../data/symbols.ts';
import { correctTypo, lexiconOf, type Lexicon, type Payload } from './lexicon.ts';
import { readDateAt, readMonthAt, minusSpan } from './dates.ts';
import { isTradingDay, previousTradingDay } from '../data/calendar.ts';
import { tokenize, type Token } from './normalize.ts';
import {
  CHART_AVERAGES,
  FILLER_WORDS,
  LEVEL_WORDS,
  MARKET_WORDS,
  NOT_TICKERS,
  NUMBER_WORDS,
  PERIOD_UNITS,
  SINCE_PREFIXES,
  SINCE_YEAR_START,
  VS_WORDS,
  own,
  type IntentId,
  type SizeGroup,
  type SymbolName,
} from './vocabulary.ts';

export interface SymbolMention {
  readonly symbol: string;
  /** The words that named it, as the tokenizer read them ("small caps", "kre"). */
  readonly said: string;
  readonly size?: SizeGroup;
  /** The index itself, when the name has one ("the russell" → ^RUT), used when the question says "index". */
  readonly index?: string;
  /** Word position, for the order of "how long has A been beating B". */
  readonly at: number;
  /** Right after "vs", "against", "relative to": the benchmark rather than a subject. */
  readonly afterVs: boolean;
}

export interface Reading {
  readonly strong: IntentId[];
  readonly weak: IntentId[];
  /** Intents only leaned towards by a vague word ("how"): they count when nothing else is left unread. */
  readonly vague: IntentId[];
  readonly symbols: SymbolMention[];
  readonly universe?: { id: string; said: string };
  /** A canonical period token ('ytd', 'since:2026-06-01') and the words that gave it. */
  readonly period?: { token: string; said: string };
  readonly asof?: { date: string; said: string };
  readonly level?: { value: number; said: string };
  /** "lagging", "trailing": the second symbol is the one ahead. Word position, or -1. */
  readonly losingAt: number;
  /** ALL-CAPS or `$` words that look like tickers the directory does not know. */
  readonly unknownTickers: string[];
  /** Things the question said that cannot be pinned down ("since the election", two periods). */
  readonly problems: string[];
  /** A relative date was read and needs the reference day. */
  readonly needsReference: boolean;
  readonly smallTalk: boolean;
  /** Advice-shaped ("what should I rotate into"): answered with what has moved, under a line that says no advice is given. */
  readonly advice: boolean;
  readonly words: number;
  /** What tapebot cannot answer ("RSI", "should I buy"): the reply that says so, the first one named. */
  readonly unsupported?: string;
  /** The 50- or 200-day moving average was asked about ("above its 200 day?"): /chart shows both. */
  readonly movingAverage?: { said: string };
  /** Content words nothing read ("semis"), to quote back when the question is not understood. */
  readonly unread: string[];
  /** Misspelt words and what they were read as ("smal" → "small"), shown on the Read-as line. */
  readonly corrections: { from: string; to: string }[];
}

export interface ReadContext {
  symbols: SymbolDirectory;
  /** The registered commands: their ask declarations are the intent words read. */
  commands: readonly AnyCommand[];
  /** ISO day relative dates are read against: the latest close, or the asof the question asks for. */
  reference?: string;
}

function matchPhrase(lexicon: Lexicon, tokens: readonly Token[], i: number): { words: string[]; payloads: Payload[] } | undefined {
  const first = tokens[i];
  if (!first) return undefined;
  return lexicon.phrases.get(first.word)?.find((p) => p.words.every((w, k) => tokens[i + k]?.word === w));
}

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

/** "6 months", "a week", "2 wks", "3mo": n units starting at token i, or undefined. */
function readSpan(tokens: readonly Token[], i: number): { n: number; unit: 'days' | 'weeks' | 'months' | 'years'; words: number } | undefined {
  const t = tokens[i];
  if (!t) return undefined;
  const compact = /^(\d{1,3})(d|w|wk|wks|m|mo|mos|mth|mths|y|yr|yrs)$/.exec(t.word);
  if (compact) {
    const unit = own(PERIOD_UNITS, compact[2] as string);
    return unit ? { n: Number(compact[1]), unit, words: 1 } : undefined;
  }
  const n = /^\d{1,3}$/.test(t.word) ? Number(t.word) : own(NUMBER_WORDS, t.word);
  const next = tokens[i + 1];
  if (n === undefined || !next) return undefined;
  // Single letters count as units only right after a number written as digits ("6 m" is rare; "a m" is noise).
  if (next.word.length === 1 && !/^\d/.test(t.word)) return undefined;
  const unit = own(PERIOD_UNITS, next.word);
  return unit && n >= 1 ? { n, unit, words: 2 } : undefined;
}

/** Words that end the phrase quoted back from "since the election how are…". */
const ENDS_A_DATE = new Set(['how', 'is', 'are', 'was', 'were', 'what', 'whats', 'did', 'do', 'does', 'has', 'have', 'and', 'vs', 'versus', 'against', 'compared', 'for', 'in', 'on', 'relative', 'been', 'i', 'tapebot']);

const YEAR = /^(?:19|20)\d\d$/;
/** What Number() reads but nobody writes as a price: hex, exponents, NaN, Infinity, or more digits than any level has. */
const UNREADABLE_NUMBER = /^(?:0[xob][0-9a-f]+|\d+(?:\.\d+)?e[+-]?\d+|nan|inf|infinity|\d{8,}(?:\.\d+)?)$/i;
/** A `level:` value as the command option reads it (src/command/bind.ts): plain decimal digits. */
const PLAIN_LEVEL = /^\$?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/;
const CALENDAR_YEAR_WORDS = new Set(['in', 'for', 'during', 'throughout', 'of', 'calendar', 'cy', 'fy', 'thru', 'through']);

/** True when most letters are capitals: then ALL-CAPS words are shouting, not tickers. */
function isShouting(text: string): boolean {
  const letters = text.replace(/[^\p{L}]/gu, '');
  if (letters.length < 8) return false;
  const upper = letters.replace(/[^\p{Lu}]/gu, '').length;
  return upper / letters.length > 0.7;
}

/** The symbol that stands for the market as a whole. */
const MARKET_SYMBOL = 'SPY';

/** Words after a year that make it a level of that year ("the 2022 low"), not a period. */
const PEAK_WORDS = new Set(['high', 'highs', 'low', 'lows', 'peak', 'peaks', 'top', 'bottom', 'trough', 'ath', 'record']);

/** "in july", "during march 2023": a calendar month. */
const MONTH_WORDS = new Set(['in', 'during', 'for', 'throughout', 'over']);

/** A possessive ("SPY's", "KRE’s") and a leading `$` are not part of a ticker. */
const bareTicker = (raw: string): string => raw.replace(/^\$/, '').replace(/['’]s$/i, '');

/**
 * The one reading state the recognisers share: the question's tokens, which of them something has
 * taken, and what has been read so far. Each recogniser looks at token i and returns how many tokens
 * it took (0: not its kind of word), recording what it read here.
 */
export class ReadingState {
  readonly strong: IntentId[] = [];
  readonly weak: IntentId[] = [];
  readonly vague: IntentId[] = [];
  readonly symbols: SymbolMention[] = [];
  readonly unknownTickers: string[] = [];
  readonly problems: string[] = [];
  readonly periods: { token: string; said: string; at: number }[] = [];
  /** Tokens something took (a phrase, a symbol, a date, a level): the rest may be quoted back as not understood. */
  readonly used: boolean[];
  /** Where "from" was followed by no date: checked once everything else is read. */
  readonly fromAt: number[] = [];
  universe: { id: string; said: string } | undefined;
  asof: { date: string; said: string } | undefined;
  level: { value: number; said: string } | undefined;
  unsupported: string | undefined;
  movingAverage: { said: string } | undefined;
  indexWanted = false;
  losingAt = -1;
  needsReference = false;
  smallTalk = false;
  advice = false;
  readonly shouting: boolean;

  constructor(
    readonly text: string,
    readonly tokens: readonly Token[],
    readonly ctx: ReadContext,
    readonly lexicon: Lexicon,
    readonly etfTickers: ReadonlySet<string>,
  ) {
    this.used = tokens.map(() => false);
    this.shouting = isShouting(text);
  }

  /** The words of tokens [from, from + n), as quoted back. */
  said(from: number, n: number): string {
    return this.tokens
      .slice(from, from + n)
      .map((t) => t.word)
      .join(' ')
      .slice(0, 40);
  }

  take(from: number, n: number): void {
    for (let k = from; k < from + n && k < this.used.length; k++) this.used[k] = true;
  }

  addSymbol(symbol: string, at: number, words: number, name?: SymbolName): void {
    if (this.symbols.some((s) => s.symbol === symbol)) return;
    let k = at - 1;
    while (k >= 0 && (this.tokens[k]?.word === 'the' || this.tokens[k]?.word === 'a')) k--;
    const afterVs = VS_WORDS.includes(this.tokens[k]?.word ?? '');
    this.symbols.push({ symbol, said: this.said(at, words), at, afterVs, ...(name?.size ? { size: name.size } : {}), ...(name?.index ? { index: name.index } : {}) });
  }

  addPeriod(token: string, at: number, words: number): void {
    this.periods.push({ token, said: this.said(at, words), at });
  }

  /** "since the election": the words quoted back, up to three after the keyword. */
  momentWords(i: number, keywordWords: number): number {
    let n = keywordWords;
    while (n < keywordWords + 3 && this.tokens[i + n] && !ENDS_A_DATE.has(this.tokens[i + n]?.word ?? '')) n++;
    return n;
  }
}

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

/** Dates: "since june", "as of 6/30/25", "from may 1", "yesterday", "on jan 21, 2026", "last friday", "in july", "in 2025". */
export function recogniseDate(st: ReadingState, i: number): number {
  const t = st.tokens[i] as Token;
  const w = t.word;
  // Dates after "since", "as of", "from".
  const fixedSince = w === 'since' && (matchPhrase(st.lexicon, st.tokens, i)?.words.length ?? 0) > 1;
  if ((w === 'since' || w === 'starting' || w === 'sinve' || w === 'snce') && !fixedSince) {
    const took = dateAfter(st, i, 1, 'since');
    if (took > 0) {
      return took;
    }
  }
  if ((w === 'as' && (st.tokens[i + 1]?.word === 'of' || st.tokens[i + 1]?.word === 'at')) || w === 'asof') {
    const k = w === 'asof' ? 1 : 2;
    const took = dateAfter(st, i, k, 'asof');
    if (took > 0) {
      return took;
    }
  }
  if (w === 'from' && (matchPhrase(st.lexicon, st.tokens, i)?.words.length ?? 0) <= 1) {
    const took = dateAfter(st, i, 1, 'from');
    if (took > 0) {
      return took;
    }
    st.fromAt.push(i);
  }
  // "yesterday": the trading day before the latest close, and its one-day move.
  if (w === 'yesterday' || w === 'yday' || w === 'yest') {
    if (st.ctx.reference === undefined) st.needsReference = true;
    else {
      st.asof = { date: previousTradingDay(st.ctx.reference), said: w };
      st.addPeriod('1d', i, 1);
    }
    return 1;
  }
  // "on jan 21, 2026", "on 2025-12-04", "last friday": the close of that day (or the last one before it).
  const weekday = /^(?:mon|tue|tues|wed|thu|thur|thurs|fri)(?:day|nesday|rsday|sday)?$/.test(st.tokens[i + 1]?.word ?? '');
  if ((w === 'on' && /^[a-z0-9]/.test(st.tokens[i + 1]?.word ?? '')) || (w === 'last' && weekday)) {
    const k = w === 'on' ? 1 : 0;
    const next = st.tokens[i + k];
    const r = next ? readDateAt(st.text.slice(next.start), st.ctx.reference) : { kind: 'none' as const };
    if (r.kind === 'needs-reference') {
      st.needsReference = true;
      return 1 + (w === 'last' ? 1 : 0);
    }
    // A bare year after "on" ("on 2025") is not a day.
    if (r.kind === 'date' && r.end === undefined && !(YEAR.test(next?.word ?? '') && r.words === 1)) {
      const took = k + r.words;
      const day = isTradingDay(r.date) ? r.date : previousTradingDay(r.date);
      if (st.ctx.reference !== undefined && day > st.ctx.reference) st.problems.push(`"${st.said(i, took)}" is after the latest close I have (${st.ctx.reference})`);
      else st.asof = { date: day, said: st.said(i, took) };
      return took;
    }
  }
  if (MONTH_WORDS.has(w) && !YEAR.test(st.tokens[i + 1]?.word ?? '')) {
    const took = monthAfter(st, i);
    if (took > 0) {
      return took;
    }
  }
  // "in 2025": that calendar year, i.e. year to date as of its last day.
  if (YEAR.test(w)) {
    const prev = st.tokens[i - 1]?.word;
    if (prev === undefined || CALENDAR_YEAR_WORDS.has(prev) || !LEVEL_WORDS.includes(prev)) {
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
  }

  return 0;
}

/** Phrases of the lexicon (intents, names, groups, named periods, comparisons, advice) and numbers with a unit ("6 months"). */
export function recognisePhrase(st: ReadingState, i: number): number {
  // The longest vocabulary phrase, unless a number with a unit ("6 months") is longer.
  const phrase = matchPhrase(st.lexicon, st.tokens, i);
  const span = readSpan(st.tokens, i);
  if (span && (!phrase || span.words > phrase.words.length)) {
    const named = own(SPAN_TO_NAMED, `${span.n} ${span.unit}`);
    if (named) st.addPeriod(named, i, span.words);
    else if (st.ctx.reference === undefined) st.needsReference = true;
    else st.addPeriod(`since:${minusSpan(st.ctx.reference, span.n, span.unit)}`, i, span.words);
    return span.words;
  }
  if (phrase) {
    for (const p of phrase.payloads) {
      switch (p.kind) {
        case 'strong':
          if (!st.strong.includes(p.intent)) st.strong.push(p.intent);
          break;
        case 'weak':
          if (!st.weak.includes(p.intent)) st.weak.push(p.intent);
          break;
        case 'vague':
          if (!st.vague.includes(p.intent)) st.vague.push(p.intent);
          break;
        case 'unsupported':
          st.unsupported ??= p.reply.replace('{said}', st.said(i, phrase.words.length));
          break;
        case 'average': {
          // "the 20 day moving average": a length /chart does not draw ("20 day" was read as a period just before).
          const before = st.tokens[i - 1]?.word ?? '';
          const days = /^(\d{1,3})d?(?:ay)?$/.exec(before)?.[1] ?? (/^(?:day|days|d|period)$/.test(before) && /^\d{1,3}$/.test(st.tokens[i - 2]?.word ?? '') ? st.tokens[i - 2]?.word : undefined);
          if (days !== undefined && !CHART_AVERAGES.includes(Number(days))) {
            const from = /^\d/.test(before) ? i - 1 : i - 2;
            for (let k = st.periods.length - 1; k >= 0; k--) if ((st.periods[k]?.at ?? -1) >= from) st.periods.splice(k, 1);
            st.unsupported ??= `I can't answer questions about the "${st.said(from, i - from + phrase.words.length)}": I show the 50- and 200-day moving averages only, on a chart.`;
          } else st.movingAverage ??= { said: st.said(i, phrase.words.length) };
          break;
        }
        case 'symbol':
          st.addSymbol(p.name.symbol, i, phrase.words.length, p.name);
          break;
        case 'universe':
          st.universe ??= { id: p.id, said: st.said(i, phrase.words.length) };
          break;
        case 'period':
          st.addPeriod(p.period, i, phrase.words.length);
          break;
        case 'ambiguous':
          // "calendar {lastYear}" names the year before the reference day's: without one, ask for it.
          if (st.ctx.reference === undefined && p.what.includes('{lastYear}')) st.needsReference = true;
          else st.problems.push(`"${st.said(i, phrase.words.length)}" ${p.what.replace(/\{lastYear\}/g, st.ctx.reference ? String(Number(st.ctx.reference.slice(0, 4)) - 1) : 'last year')}`);
          break;
        case 'index':
          st.indexWanted = true;
          break;
        case 'losing':
          if (st.losingAt < 0) st.losingAt = i;
          break;
        case 'smalltalk':
          st.smallTalk = true;
          break;
        case 'advice':
          st.advice = true;
          break;
      }
    }
    return phrase.words.length;
  }

  return 0;
}

/** Price levels: "$600", "above 600"; a number only JavaScript would read is said, never dropped. */
export function recogniseLevel(st: ReadingState, i: number): number {
  const t = st.tokens[i] as Token;
  const w = t.word;
  // A number after "above", "level"... that only JavaScript would read ("0x10", "1e308", "NaN"):
  // said, never dropped (a `level:` option typed into a question is checked once, below the loop).
  if (LEVEL_WORDS.includes(st.tokens[i - 1]?.word ?? '') && UNREADABLE_NUMBER.test(w) && st.text.charAt(t.start - 1) !== ':') {
    st.problems.push(`"${st.said(i - 1, 2)}" is not a price level I can read; write it in plain digits, e.g. above 600`);
    return 1;
  }
  // A price level: "$600", or a number after "above", "retesting"...
  const money = /^\$(\d{1,7}(?:\.\d{1,4})?)$/.exec(t.raw) ?? (/^\d{1,7}(?:\.\d{1,4})?$/.test(w) && LEVEL_WORDS.includes(st.tokens[i - 1]?.word ?? '') ? [w, w] : null);
  if (money) {
    st.level ??= { value: Number(money[1]), said: st.said(i, 1) };
    return 1;
  }

  return 0;
}

/** Tickers ("$KRE", "KRE", "kre", "^rut") and unknown ones, and period tokens ("3mo"). */
export function recogniseTicker(st: ReadingState, i: number): number {
  const t = st.tokens[i] as Token;
  const w = t.word;
  // Tickers: `$KRE` (always meant as one), `KRE` in capitals when the directory knows it, and the
  // bundled ETFs' tickers in lower case ("kre", "xlk"). A common word ("A", "IT", "ON", "ALL") is a
  // ticker only with a `$`, or in capitals in a message that is not all capitals.
  const bare = bareTicker(t.raw);
  const cashtag = t.raw.startsWith('$') && /\p{L}/u.test(bare);
  const upper = bare.toUpperCase();
  const capsWord = /^\^?[A-Z][A-Z0-9.]{0,9}$/.test(bare);
  const lowerEtf = /^[a-z]{3,5}$/.test(bare) && st.etfTickers.has(bare) && !NOT_TICKERS.has(upper);
  // The index caret says "ticker" as clearly as a `$` does: "^rut".
  const caret = /^\^[a-z0-9]{2,9}$/i.test(bare);
  if (cashtag || capsWord || lowerEtf || caret) {
    const symbol = st.shouting && !cashtag && NOT_TICKERS.has(upper) ? undefined : resolveTicker(st.ctx.symbols, bare, cashtag);
    if (symbol !== undefined) {
      st.addSymbol(symbol, i, 1);
      return 1;
    }
    // Report what looks like a ticker tapebot lacks ("NVDA"), but not shouting or chat words ("LOL", "IMO").
    if (cashtag || (capsWord && !st.shouting && /^[A-Z]{1,5}$/.test(bare) && !NOT_TICKERS.has(bare))) {
      if (!st.unknownTickers.includes(upper)) st.unknownTickers.push(upper.slice(0, 12));
      return 1;
    }
    // Shouted or chat words ("LOL", "IMO") are not words to quote back.
    if (NOT_TICKERS.has(upper)) st.used[i] = true;
  }
  // A named period or alias typed as a token: "3mo", "12m".
  // (Only real period names: parsePeriod must not hand back whatever a prototype lookup found.)
  const p = parsePeriod(w);
  if (p && p.kind === 'named' && (NAMED_PERIODS as readonly string[]).includes(p.name)) {
    st.addPeriod(p.name, i, 1);
    st.used[i] = true;
  }
  return 0;
}

export function readQuestion(text: string, ctx: ReadContext): Reading {
  const lexicon = lexiconOf(ctx.commands);
  const written = tokenize(text);
  const etfTickers = new Set(
    ctx.symbols
      .list()
      .filter((s) => s.kind === 'etf' || (s.kind === 'stock' && !LOWER_CASE_WORDS.has(s.symbol)))
      .map((s) => s.symbol.toLowerCase()),
  );
  // Misspelt words read as the word they most likely are ("smal caps" → "small caps"), and said so.
  const corrections: { from: string; to: string }[] = [];
  const tokens: Token[] = written
    // "its 2022 high", "at the 2021 peak": a level of that year, read as the level ("its high"), never as the year's change.
    .filter((t, k) => !(YEAR.test(t.word) && PEAK_WORDS.has(written[k + 1]?.word ?? '')))
    .map((t) => {
      if (t.raw !== t.word || etfTickers.has(t.word)) return t;
      const to = correctTypo(lexicon, t.word);
      if (to === undefined) return t;
      if (!corrections.some((c) => c.from === t.word)) corrections.push({ from: t.word, to });
      return { ...t, word: to };
    });

  const st = new ReadingState(text, tokens, ctx, lexicon, etfTickers);
  let i = 0;
  while (i < tokens.length) {
    const took = recogniseDate(st, i) || recognisePhrase(st, i) || recogniseLevel(st, i) || recogniseTicker(st, i);
    st.take(i, took);
    i += Math.max(took, 1);
  }
  // `level:VALUE` typed as a command option: a value that is not a plain price is said, not dropped.
  for (const m of st.text.matchAll(/\blevel:(\S*)/giu)) {
    const v = (m[1] ?? '').replace(/[?!.,;]+$/, '');
    const n = PLAIN_LEVEL.test(v) ? Number(v.replace(/^\$/, '')) : NaN;
    if (!(n >= PRICE_LEVEL_RANGE.min && n <= PRICE_LEVEL_RANGE.max)) {
      st.problems.push(`"level:${v.slice(0, 24)}" is not a price level I can read; a level is a number from ${PRICE_LEVEL_RANGE.min} to ${PRICE_LEVEL_RANGE.max.toLocaleString('en-US')}, e.g. level:600`);
    }
  }

  // "up from the april low": "from" and words nothing else read are a moment, not a date.
  for (const at of st.fromAt) {
    let k = at + 1;
    while (st.tokens[k] && (st.tokens[k]?.word === 'the' || st.tokens[k]?.word === 'its' || st.tokens[k]?.word === 'a')) k++;
    if (st.tokens[k] && !st.used[k]) {
      const n = st.momentWords(at, 1);
      st.problems.push(`"${st.said(at, n)}" is not a date I can look up; write the day, e.g. "from apr 8 2026" or since:2026-04-08`);
      st.take(at, n);
    }
  }

  // "how did stocks do today", "what happened on march 23 2020": the market, when nothing else is named.
  if (st.symbols.length === 0 && !st.universe && st.unknownTickers.length === 0) {
    const at = st.tokens.findIndex((t) => MARKET_WORDS.includes(t.word));
    if (at >= 0) {
      st.symbols.push({ symbol: MARKET_SYMBOL, said: st.said(at, 1), at, afterVs: false });
      st.used[at] = true;
    }
  }

  // "the russell 2000 index": the index itself where there is one.
  const finalSymbols = st.indexWanted
    ? st.symbols.map((s) => {
        return s.index && st.ctx.symbols.isKnown(s.index) ? { ...s, symbol: s.index } : s;
      })
    : st.symbols;
  const distinct = [...new Map(st.periods.map((p) => [p.token, p])).values()];
  if (distinct.length > 1) st.problems.push(`I read two periods (${distinct.map((p) => `"${p.said}"`).join(' and ')}); ask about one`);
  const unread = [...new Set(st.tokens.filter((t, k) => !st.used[k] && /\p{L}/u.test(t.word) && !FILLER_WORDS.has(t.word)).map((t) => t.word.slice(0, 30)))];

  return {
    strong: st.strong,
    weak: st.weak,
    vague: st.vague,
    symbols: dedupe(finalSymbols),
    ...(st.universe ? { universe: st.universe } : {}),
    ...(distinct[0] ? { period: { token: distinct[0].token, said: distinct[0].said } } : {}),
    ...(st.asof ? { asof: st.asof } : {}),
    ...(st.level ? { level: st.level } : {}),
    losingAt: st.losingAt,
    unknownTickers: st.unknownTickers.slice(0, 3),
    problems: st.problems,
    needsReference: st.needsReference,
    smallTalk: st.smallTalk,
    advice: st.advice,
    words: tokens.length,
    ...(st.unsupported !== undefined ? { unsupported: st.unsupported } : {}),
    ...(st.movingAverage ? { movingAverage: st.movingAverage } : {}),
    unread,
    corrections,
  };
}


function dedupe(list: SymbolMention[]): SymbolMention[] {
  const seen = new Set<string>();
  return list.filter((s) => (seen.has(s.symbol) ? false : (seen.add(s.symbol), true)));
}

/**
 * A ticker the directory knows. A `$` ticker is also taken when the directory accepts unknown tickers
 * (a live provider may have it): writing `$` is saying "this is a ticker". A bare word never is.
 */
/** Stock tickers that are also English words: in lower case they are the word ("shop", "hood", "meta"). */
const LOWER_CASE_WORDS: ReadonlySet<string> = new Set(['SHOP', 'HOOD', 'META', 'TOST']);

function resolveTicker(symbols: SymbolDirectory, word: string, cashtag: boolean): string | undefined {
  try {
    const s = symbols.resolve(word);
    return symbols.isKnown(s) || (cashtag && symbols.allowUnknown) ? s : undefined;
  } catch {
    return undefined;
  }
}
