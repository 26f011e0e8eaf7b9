/**
 * Symbols and names: tickers ("$KRE", "KRE", "kre", "^rut"), names and nicknames ("regional banks",
 * "mag 7", "the russell"), the groups /leaders ranks ("the sectors"), and the market as a whole when
 * nothing else is named ("how did stocks do today"). Tickers tapebot lacks are reported, not dropped.
 */
import type { SymbolDirectory } from '../../data/symbols.ts';
import type { Payload } from '../lexicon.ts';
import { MARKET_WORDS, NOT_TICKERS } from '../vocabulary.ts';
import type { ReadingState } from './state.ts';

/** Stock tickers that are also English words: in lower case they are the word ("shop", "hood", "meta"). */
const LOWER_CASE_WORDS: ReadonlySet<string> = new Set(['SHOP', 'HOOD', 'META', 'TOST']);

/** The tickers read in lower case ("kre", "xlk"): the directory's funds, and its stocks that are no English word. */
export function lowerCaseTickers(symbols: SymbolDirectory): Set<string> {
  return new Set(
    symbols
      .list()
      .filter((s) => s.kind === 'etf' || (s.kind === 'stock' && !LOWER_CASE_WORDS.has(s.symbol)))
      .map((s) => s.symbol.toLowerCase()),
  );
}

/** A possessive ("SPY's", "KRE’s") and a leading `$` are not part of a ticker. */
const bareTicker = (raw: string): string => raw.replace(/^\$/, '').replace(/['’]s$/i, '');

/**
 * A ticker the directory knows. A `$` ticker is also taken when the directory accepts unknown tickers
 * (a live provider may have it): writing `$` is saying "this is a ticker". A bare word never is.
 */
function resolveTicker(symbols: SymbolDirectory, word: string, cashtag: boolean): string | undefined {
  try {
    const s = symbols.resolve(word);
    return symbols.isKnown(s) || (cashtag && symbols.allowUnknown) ? s : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Tickers: `$KRE` (always meant as one), `KRE` in capitals when the directory knows it, and the
 * bundled ETFs' tickers in lower case ("kre", "xlk"). A common word ("A", "IT", "ON", "ALL") is a
 * ticker only with a `$`, or in capitals in a message that is not all capitals.
 */
export function recogniseTicker(st: ReadingState, i: number): number {
  const t = st.tokens[i];
  if (!t) return 0;
  const bare = bareTicker(t.raw);
  const cashtag = t.raw.startsWith('$') && /\p{L}/u.test(bare);
  const upper = bare.toUpperCase();
  const capsWord = /^\^?[A-Z][A-Z0-9.]{0,9}$/.test(bare);
  const lowerEtf = /^[a-z]{3,5}$/.test(bare) && st.etfTickers.has(bare) && !NOT_TICKERS.has(upper);
  // The index caret says "ticker" as clearly as a `$` does: "^rut".
  const caret = /^\^[a-z0-9]{2,9}$/i.test(bare);
  if (!(cashtag || capsWord || lowerEtf || caret)) return 0;
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
  return 0;
}

/** A lexicon phrase that names a symbol, a group, or asks for the index itself. */
export function symbolPhrase(st: ReadingState, p: Payload, at: number, words: number): boolean {
  if (p.kind === 'symbol') st.addSymbol(p.name.symbol, at, words, p.name);
  else if (p.kind === 'universe') st.universe ??= { id: p.id, said: st.said(at, words) };
  else if (p.kind === 'index') st.indexWanted = true;
  else return false;
  return true;
}

/**
 * "how did stocks do today", "what happened on march 23 2020": the market, when nothing else is named.
 * "the russell 2000 index": the index itself where there is one.
 */
export function finishSymbols(st: ReadingState): void {
  const market = st.lexicon.market;
  if (market !== undefined && st.symbols.length === 0 && !st.universe && st.unknownTickers.length === 0) {
    const at = st.tokens.findIndex((t) => MARKET_WORDS.includes(t.word));
    if (at >= 0) {
      st.symbols.push({ symbol: market, said: st.said(at, 1), at, afterVs: false });
      st.used[at] = true;
    }
  }
  if (st.indexWanted) st.symbols = st.symbols.map((s) => (s.index && st.ctx.symbols.isKnown(s.index) ? { ...s, symbol: s.index } : s));
  const seen = new Set<string>();
  st.symbols = st.symbols.filter((s) => (seen.has(s.symbol) ? false : (seen.add(s.symbol), true)));
}
