/**
 * The one reading state the recognisers share: the question's tokens, which of them something has
 * taken, and what has been read so far. Each recogniser (a file beside this one) looks at token i and
 * returns how many tokens it took (0: not its kind of word), recording what it read here; its
 * `finish` step runs once every token has been looked at.
 */
import type { SymbolDirectory } from '../../data/symbols.ts';
import type { Lexicon, Payload } from '../lexicon.ts';
import type { Token } from '../normalize.ts';
import type { IntentId, SizeGroup, SymbolName } from '../vocabulary.ts';

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

/**
 * A day named by what prices did rather than by the calendar: "at the 2022 low" (the market's lowest
 * close of 2022), "at its 2021 peak" (the subject's highest close of 2021), "at the covid low". The
 * reader is pure and has no prices, so it only says which extreme of which year, and of whom; whoever
 * runs the command looks it up in the price series (see `settleDate` in plan.ts and answer.ts).
 */
export interface ExtremeDate {
  readonly which: 'low' | 'high';
  readonly year: number;
  /**
   * Whose closes: as read, 'subject' (the symbol the question is about: "its 2021 peak") or 'market'
   * ("the 2022 low"); in a finished Reading, the symbol itself.
   */
  readonly of: string;
  readonly said: string;
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
  /** An as-of day that prices decide ("at the 2022 low"): looked up by the runner's side, not here. */
  readonly extreme?: ExtremeDate;
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
  /** The registered commands' phrases, built once at composition (buildLexicon). */
  lexicon: Lexicon;
  /** ISO day relative dates are read against: the latest close, or the asof the question asks for. */
  reference?: string;
}

/** Words that end the phrase quoted back from "since the election how are…". */
const ENDS_A_DATE = new Set(['how', 'is', 'are', 'was', 'were', 'what', 'whats', 'did', 'do', 'does', 'has', 'have', 'and', 'vs', 'versus', 'against', 'compared', 'for', 'in', 'on', 'relative', 'been', 'i', 'tapebot']);

/** True when most letters are capitals: then ALL-CAPS words are shouting, not tickers. */
function isShouting(text: string): boolean {
  const letters = text.replace(/[^\p{L}]/gu, '');
  if (letters.length < 8) return false;
  const upper = letters.replace(/[^\p{Lu}]/gu, '').length;
  return upper / letters.length > 0.7;
}

export class ReadingState {
  readonly strong: IntentId[] = [];
  readonly weak: IntentId[] = [];
  readonly vague: IntentId[] = [];
  symbols: SymbolMention[] = [];
  readonly unknownTickers: string[] = [];
  readonly problems: string[] = [];
  readonly periods: { token: string; said: string; at: number }[] = [];
  /** Tokens something took (a phrase, a symbol, a date, a level): the rest may be quoted back as not understood. */
  readonly used: boolean[];
  /** Where "from" was followed by no date: checked once everything else is read. */
  readonly fromAt: number[] = [];
  universe: { id: string; said: string } | undefined;
  asof: { date: string; said: string } | undefined;
  extreme: ExtremeDate | undefined;
  level: { value: number; said: string } | undefined;
  unsupported: string | undefined;
  movingAverage: { said: string } | undefined;
  /** The one period read, set by the periods' finish step. */
  period: { token: string; said: string } | undefined;
  indexWanted = false;
  losingAt = -1;
  needsReference = false;
  smallTalk = false;
  advice = false;
  readonly shouting: boolean;
  readonly lexicon: Lexicon;

  constructor(
    readonly text: string,
    readonly tokens: readonly Token[],
    readonly ctx: ReadContext,
    /** Lower-case tickers read as tickers ("kre", "xlk"). */
    readonly etfTickers: ReadonlySet<string>,
    readonly corrections: readonly { from: string; to: string }[] = [],
  ) {
    this.used = tokens.map(() => false);
    this.shouting = isShouting(text);
    this.lexicon = ctx.lexicon;
  }

  word(i: number): string {
    return this.tokens[i]?.word ?? '';
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

  /** The longest lexicon phrase starting at token i. */
  phraseAt(i: number): { words: string[]; payloads: Payload[] } | undefined {
    const first = this.tokens[i];
    if (!first) return undefined;
    return this.lexicon.phrases.get(first.word)?.find((p) => p.words.every((w, k) => this.tokens[i + k]?.word === w));
  }

  addSymbol(symbol: string, at: number, words: number, name?: SymbolName): void {
    if (this.symbols.some((s) => s.symbol === symbol)) return;
    this.symbols.push({ symbol, said: this.said(at, words), at, afterVs: false, ...(name?.size ? { size: name.size } : {}), ...(name?.index ? { index: name.index } : {}) });
  }

  addPeriod(token: string, at: number, words: number): void {
    this.periods.push({ token, said: this.said(at, words), at });
  }

  /** "since the election": the words quoted back, up to three after the keyword. */
  momentWords(i: number, keywordWords: number): number {
    let n = keywordWords;
    while (n < keywordWords + 3 && this.tokens[i + n] && !ENDS_A_DATE.has(this.word(i + n))) n++;
    return n;
  }
}
