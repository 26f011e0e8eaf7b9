/**
 * The symbols tapebot knows (from data/manifest.json), the names people type for them, and the
 * suggestions shown when a symbol is not recognised.
 *
 * A *canonical symbol* is the provider ticker a series is stored under: upper case, indexes with
 * Yahoo's caret (`SPY`, `^GSPC`). Everything outside src/data speaks canonical symbols only, after
 * one `resolve()` of what the person typed.
 */
import { readFileSync } from 'node:fs';
import { distance } from 'fastest-levenshtein';
import { z } from 'zod';
import type { Split } from '../core/splits.ts';
import { UnknownSymbolError } from '../errors.ts';
import { PROJECT_ROOT } from '../root.ts';

const IsoDate = z.iso.date();
export const ManifestEntrySchema = z.object({
  symbol: z.string().min(1),
  name: z.string().min(1),
  kind: z.enum(['etf', 'index', 'stock', 'crypto']),
  first: IsoDate,
  last: IsoDate,
  rows: z.number().int().positive(),
  closeFrom: IsoDate.nullable(),
  ohlcFrom: IsoDate.nullable(),
  /**
   * Whether `adj_close` is a total-return series (dividends reinvested). When false, the symbol's
   * returns are price returns only and every answer using them says so. Absent in older manifests: true.
   */
  adjusted: z.boolean().default(true),
  /**
   * The stock splits the bundled prices are adjusted for (data/README.md names each one its checks verify):
   * `date` is the first trading day on the new basis, `ratio` new shares per old one. An answer as of an
   * earlier date undoes them (src/core/splits.ts). Absent: none.
   */
  splits: z.array(z.object({ date: IsoDate, ratio: z.number().positive() })).default([]),
});
export type ManifestEntry = z.infer<typeof ManifestEntrySchema>;

export const BUNDLED_MANIFEST: URL = new URL('data/manifest.json', PROJECT_ROOT);

/** Reads and validates a manifest (by default the bundled data/manifest.json). */
export function loadManifest(file: string | URL = BUNDLED_MANIFEST): ManifestEntry[] {
  const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
  return z.array(ManifestEntrySchema).parse(json);
}

export type SymbolKind = ManifestEntry['kind'];

export interface SymbolInfo {
  readonly symbol: string;
  readonly name: string;
  readonly kind: SymbolKind;
  /** False when the bundled series is price return only (no dividends in it). Default true. */
  readonly adjusted?: boolean;
  /** Newest bundled date of this symbol, when it came from the manifest. */
  readonly last?: string;
  /** Splits its prices are adjusted for (see the manifest schema); absent or empty: none known. */
  readonly splits?: readonly Split[];
}

/**
 * What people type for the indexes, mapped to canonical symbols. Keys are upper case with spaces
 * removed, so "S&P 500", "s&p500" and "SP500" all match. An alias applies only when its target is
 * in the directory.
 */
export const SYMBOL_ALIASES: Readonly<Record<string, string>> = {
  SPX: '^GSPC',
  SP500: '^GSPC',
  'S&P500': '^GSPC',
  GSPC: '^GSPC',
  RUT: '^RUT',
  R2K: '^RUT',
  RUSSELL: '^RUT',
  RUSSELL2000: '^RUT',
  COMP: '^IXIC',
  NASDAQ: '^IXIC',
  IXIC: '^IXIC',
  // Names people use for the single stocks, metals, bonds and bitcoin.
  APPLE: 'AAPL',
  MICROSOFT: 'MSFT',
  GOOGLE: 'GOOGL',
  ALPHABET: 'GOOGL',
  AMAZON: 'AMZN',
  FACEBOOK: 'META',
  NVIDIA: 'NVDA',
  TESLA: 'TSLA',
  ROBINHOOD: 'HOOD',
  SHOPIFY: 'SHOP',
  BITCOIN: 'BTC-USD',
  BTC: 'BTC-USD',
  BTCUSD: 'BTC-USD',
  XBT: 'BTC-USD',
  GOLD: 'GLD',
  SILVER: 'SLV',
  TREASURIES: 'TLT',
  LONGBONDS: 'TLT',
  LONGBOND: 'TLT',
};

const TICKER = /^[A-Z0-9.\-^=]{1,10}$/;

/** Trims, drops a leading `$` (as in "$SPY") and upper-cases. */
export function normalizeSymbolInput(input: string): string {
  return input.trim().replace(/^\$/, '').toUpperCase();
}

/** Whether the input (after `normalizeSymbolInput`) could be a ticker: 1–10 of A–Z, 0–9, `.`, `-`, `^`, `=`. */
export function isValidTickerSyntax(input: string): boolean {
  return TICKER.test(normalizeSymbolInput(input));
}

export interface SymbolDirectory {
  /** The symbol whose newest bar defines "the latest close" (SPY). */
  readonly reference: string;
  /** When true, a syntactically valid ticker not in the manifest resolves to itself (a live provider may know it). */
  readonly allowUnknown: boolean;
  /** The canonical symbol for what a person typed; throws UnknownSymbolError with up to 3 suggestions. */
  resolve(input: string): string;
  /** Whether the canonical symbol is in the manifest. */
  isKnown(symbol: string): boolean;
  /** Display name of a canonical symbol ("SPDR S&P 500 ETF Trust"), or undefined when not in the manifest. */
  name(symbol: string): string | undefined;
  info(symbol: string): SymbolInfo | undefined;
  /** Every known symbol, in manifest order (for autocomplete and help). */
  list(): readonly SymbolInfo[];
  /**
   * Autocomplete: symbols whose ticker or alias starts with `prefix`, or whose name has words
   * starting with each word of `prefix` ("russ" → IWM, ^RUT). Best matches first; an empty prefix
   * lists the first `limit` symbols.
   */
  search(prefix: string, limit?: number): SymbolInfo[];
  /** Up to `max` known symbols nearest to the input by edit distance (ticker or alias). */
  suggest(input: string, max?: number): string[];
}

export interface SymbolDirectoryOptions {
  allowUnknown?: boolean;
  reference?: string;
}

/** Ticker without the index caret, for matching what people type ("GSPC", "gs"). */
const bare = (symbol: string): string => symbol.replace(/^\^/, '');

export function createSymbolDirectory(
  manifest: readonly (Pick<ManifestEntry, 'symbol' | 'name' | 'kind'> & Partial<Pick<ManifestEntry, 'adjusted' | 'last' | 'splits'>>)[],
  opts: SymbolDirectoryOptions = {},
): SymbolDirectory {
  const allowUnknown = opts.allowUnknown ?? false;
  const reference = opts.reference ?? 'SPY';
  const infos: SymbolInfo[] = manifest.map(({ symbol, name, kind, adjusted, last, splits }) =>
    Object.freeze({ symbol, name, kind, ...(adjusted !== undefined ? { adjusted } : {}), ...(last !== undefined ? { last } : {}), ...(splits !== undefined && splits.length > 0 ? { splits } : {}) }),
  );
  const bySymbol = new Map(infos.map((i) => [i.symbol, i]));
  if (bySymbol.size !== infos.length) throw new Error('symbol directory: duplicate symbols in the manifest');
  if (!allowUnknown && !bySymbol.has(reference)) {
    throw new Error(`symbol directory: reference symbol ${reference} is not in the manifest`);
  }
  const order = new Map(infos.map((i, k) => [i.symbol, k]));
  const aliases = new Map(Object.entries(SYMBOL_ALIASES).filter(([, target]) => bySymbol.has(target)));
  const nameWords = new Map(infos.map((i) => [i.symbol, i.name.toUpperCase().split(/\s+/)]));

  /** Every string a person might type for a known symbol, with the symbol it means. */
  const spellings: [string, string][] = [
    ...infos.map((i): [string, string] => [bare(i.symbol), i.symbol]),
    ...aliases.entries(),
  ];

  const lookup = (normalized: string): string | undefined => {
    if (bySymbol.has(normalized)) return normalized;
    return aliases.get(bare(normalized).replace(/\s+/g, ''));
  };

  const suggest = (input: string, max = 3): string[] => {
    const q = bare(normalizeSymbolInput(input)).replace(/\s+/g, '');
    if (q.length === 0 || q.length > 12) return [];
    const scored: { symbol: string; d: number; sameStart: boolean }[] = [];
    for (const [spelling, symbol] of spellings) {
      const d = distance(q, spelling);
      if (d <= 2 && d < spelling.length) scored.push({ symbol, d, sameStart: spelling[0] === q[0] });
    }
    scored.sort(
      (a, b) =>
        a.d - b.d ||
        Number(b.sameStart) - Number(a.sameStart) ||
        (order.get(a.symbol) ?? 0) - (order.get(b.symbol) ?? 0),
    );
    return [...new Set(scored.map((s) => s.symbol))].slice(0, max);
  };

  return {
    reference,
    allowUnknown,
    resolve(input) {
      const normalized = normalizeSymbolInput(input);
      const known = lookup(normalized);
      if (known !== undefined) return known;
      if (allowUnknown && TICKER.test(normalized)) return normalized;
      const shown = input.trim().length > 24 ? `${input.trim().slice(0, 24)}…` : input.trim();
      throw new UnknownSymbolError(shown, suggest(normalized), { examples: infos.slice(0, 6).map((i) => i.symbol), total: infos.length });
    },
    isKnown: (symbol) => bySymbol.has(symbol),
    name: (symbol) => bySymbol.get(symbol)?.name,
    info: (symbol) => bySymbol.get(symbol),
    list: () => infos,
    search(prefix, limit = 25) {
      const q = normalizeSymbolInput(prefix);
      if (q === '') return infos.slice(0, limit);
      const qBare = bare(q).replace(/\s+/g, '');
      const qWords = q.split(/\s+/);
      const rank = new Map<string, number>();
      const consider = (symbol: string, r: number): void => {
        const prev = rank.get(symbol);
        if (prev === undefined || r < prev) rank.set(symbol, r);
      };
      for (const i of infos) {
        const b = bare(i.symbol);
        if (b === qBare) consider(i.symbol, 0);
        else if (b.startsWith(qBare)) consider(i.symbol, 1);
        const words = nameWords.get(i.symbol) ?? [];
        if (qWords.every((w) => words.some((nw) => nw.startsWith(w)))) consider(i.symbol, 3);
      }
      for (const [alias, symbol] of aliases) {
        if (alias === qBare) consider(symbol, 0);
        else if (alias.startsWith(qBare)) consider(symbol, 2);
      }
      return [...rank.entries()]
        .sort(([a, ra], [b, rb]) => ra - rb || (order.get(a) ?? 0) - (order.get(b) ?? 0))
        .slice(0, limit)
        .map(([symbol]) => bySymbol.get(symbol) as SymbolInfo);
    },
    suggest,
  };
}
