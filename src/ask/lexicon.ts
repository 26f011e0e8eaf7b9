/**
 * The phrases a question is read with, compiled from the vocabulary (names, periods, groups) and the
 * registered commands' ask declarations (intent words). Compiling takes tens of milliseconds, so the
 * composition root builds it once from the command list (createApp's `lexicon`) and hands it to
 * whoever reads questions; nothing here remembers one.
 */
import { distance } from 'fastest-levenshtein';
import type { AnyCommand } from '../command/define.ts';
import type { NamedPeriod } from '../core/periods.ts';
import { tokenize } from './normalize.ts';
import {
  ADVICE_WORDS,
  AMBIGUOUS_PERIODS,
  FILLER_WORDS,
  INDEX_WORDS,
  intentsOf,
  LOSING_WORDS,
  MARKET_PHRASES,
  MOVING_AVERAGE_WORDS,
  NUMBER_WORDS,
  PERIOD_NAMES,
  PERIOD_UNITS,
  SMALL_TALK,
  SYMBOL_NAMES,
  TO_DATE_PERIODS,
  UNIVERSE_NAMES,
  UNSUPPORTED,
  type IntentId,
  type IntentWords,
  type SymbolName,
} from './vocabulary.ts';
import { at } from '../core/at.ts';

export type Payload =
  | { kind: 'strong' | 'weak' | 'vague'; intent: IntentId }
  | { kind: 'unsupported'; reply: string }
  | { kind: 'average' }
  | { kind: 'symbol'; name: SymbolName }
  | { kind: 'universe'; id: string }
  | { kind: 'period'; period: NamedPeriod }
  | { kind: 'ambiguous'; what: string }
  | { kind: 'index' }
  | { kind: 'losing' }
  | { kind: 'smalltalk' }
  | { kind: 'advice' };

export interface Lexicon {
  /** The commands it was compiled from: the ones a question can become. */
  readonly commands: readonly AnyCommand[];
  /**
   * The market as a whole ("the market", "stocks", "how did the market do"): the benchmark the
   * declarations measure a lone symbol against (`benchmark`, from src/core/universes.ts). None when no
   * registered command declares one: then "the market" names nothing.
   */
  readonly market?: string;
  readonly intents: readonly IntentWords[];
  /** Phrase → what it means, indexed by its first word, longest phrases first. */
  readonly phrases: ReadonlyMap<string, readonly { words: string[]; payloads: Payload[] }[]>;
  /** Every word of a phrase (and the filler words), by length: what a misspelt word is corrected to. */
  readonly wordsByLength: ReadonlyMap<number, readonly string[]>;
  readonly known: ReadonlySet<string>;
}

/** Words of dates, read by the date recognisers rather than phrases: never "corrected" into something else. */
const DATE_WORDS: readonly string[] = (
  'january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec ' +
  'monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun ' +
  'yesterday today tomorrow tonight last next since ago start end beginning close open week month quarter year'
).split(' ');

/** The lexicon of a command list. Build it once (at composition) and pass it on: it is not cheap. */
export function buildLexicon(commands: readonly AnyCommand[]): Lexicon {
  const intents = intentsOf(commands);
  const market = intents.find((i) => i.benchmark !== undefined)?.benchmark;
  const byKey = new Map<string, Payload[]>();
  const add = (phrase: string, p: Payload) => {
    const key = tokenize(phrase)
      .map((t) => t.word)
      .join(' ');
    if (key === '') return;
    byKey.set(key, [...(byKey.get(key) ?? []), p]);
  };
  for (const i of intents) {
    for (const w of i.strong) add(w, { kind: 'strong', intent: i.id });
    for (const w of i.weak ?? []) add(w, { kind: 'weak', intent: i.id });
    for (const w of i.vague ?? []) add(w, { kind: 'vague', intent: i.id });
  }
  for (const u of UNSUPPORTED) for (const p of u.phrases) add(p, { kind: 'unsupported', reply: u.reply });
  for (const p of MOVING_AVERAGE_WORDS) add(p, { kind: 'average' });
  for (const name of SYMBOL_NAMES) for (const p of name.phrases) add(p, { kind: 'symbol', name });
  if (market !== undefined) {
    const name: SymbolName = { symbol: market, label: 'the market', phrases: MARKET_PHRASES };
    for (const p of MARKET_PHRASES) add(p, { kind: 'symbol', name });
  }
  for (const [id, phrases] of Object.entries(UNIVERSE_NAMES)) for (const p of phrases) add(p, { kind: 'universe', id });
  for (const [p, period] of Object.entries(PERIOD_NAMES)) add(p, { kind: 'period', period });
  for (const [p, what] of Object.entries(AMBIGUOUS_PERIODS)) add(p, { kind: 'ambiguous', what });
  for (const p of INDEX_WORDS) add(p, { kind: 'index' });
  for (const p of LOSING_WORDS) add(p, { kind: 'losing' });
  for (const p of SMALL_TALK) add(p, { kind: 'smalltalk' });
  for (const p of ADVICE_WORDS) add(p, { kind: 'advice' });
  for (const [p, period] of Object.entries(TO_DATE_PERIODS)) add(p, { kind: 'period', period });
  const phrases = new Map<string, { words: string[]; payloads: Payload[] }[]>();
  const known = new Set<string>([...FILLER_WORDS, ...Object.keys(NUMBER_WORDS), ...Object.keys(PERIOD_UNITS), ...DATE_WORDS]);
  for (const [key, payloads] of byKey) {
    const words = key.split(' ');
    for (const w of words) known.add(w);
    const first = at(words, 0);
    phrases.set(first, [...(phrases.get(first) ?? []), { words, payloads }]);
  }
  for (const list of phrases.values()) list.sort((a, b) => b.words.length - a.words.length);
  const wordsByLength = new Map<number, string[]>();
  for (const w of known) {
    if (!/^[a-z]{3,}$/.test(w)) continue;
    wordsByLength.set(w.length, [...(wordsByLength.get(w.length) ?? []), w]);
  }
  return { commands, ...(market !== undefined ? { market } : {}), intents, phrases, wordsByLength, known };
}

/**
 * The word a misspelt word most likely is ("smal" → "small", "outperformin" → "outperforming"), by
 * edit distance: one edit for words of 4 to 6 letters, two from 7. Short words, known words and
 * words with digits are never corrected; a tie between two candidates is no correction.
 */
export function correctTypo(lex: Lexicon, word: string): string | undefined {
  if (word.length < 4 || !/^[a-z]+$/.test(word) || lex.known.has(word)) return undefined;
  const allowed = word.length >= 8 ? 2 : 1;
  let best: string | undefined;
  let bestD = allowed + 1;
  let tie = false;
  for (let len = word.length - allowed; len <= word.length + allowed; len++) {
    for (const c of lex.wordsByLength.get(len) ?? []) {
      if (c.length < 4) continue;
      // A four-letter word is only a clipped longer one ("smal", "larg"): "make" is not "take".
      if (word.length === 4 && !c.startsWith(word)) continue;
      // A clipped word ("smal") is its longest completion's prefix: a shared prefix breaks ties.
      // Same length first ("bankz" is "banks", not "bank"), then a common start ("brekaing" is "breaking").
      const d = distance(word, c) - (c.startsWith(word) ? 0.5 : 0) - (c.length === word.length ? 0.25 : 0) - (c.slice(0, 3) === word.slice(0, 3) ? 0.1 : 0);
      if (d < bestD) {
        best = c;
        bestD = d;
        tie = false;
      } else if (d === bestD && c !== best) tie = true;
    }
  }
  return best !== undefined && bestD <= allowed && !tie ? best : undefined;
}
