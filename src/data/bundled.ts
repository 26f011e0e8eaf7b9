/**
 * The bundled provider: real daily prices shipped in data/prices/<SYMBOL>.csv (see data/README.md
 * for their sources and caveats). Offline, so it never fails for lack of a network, and final:
 * the files do not change while tapebot runs.
 */
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parse, type Options as CsvOptions } from 'csv-parse/sync';
import { z } from 'zod';
import type { DailyBar } from '../core/series.ts';
import { ProviderError } from '../errors.ts';
import { validateBars, type PriceProvider } from './provider.ts';
import type { RefreshPolicy } from './cache.ts';
import { PROJECT_ROOT } from '../root.ts';
import { at } from '../core/at.ts';

const NAME = 'bundled';
const HEADER = ['date', 'open', 'high', 'low', 'close', 'adj_close', 'volume'];
const DECIMAL = /^\d+(\.\d+)?$/;
/** An empty field means "no reliable value" (data/README.md), never zero. */
const OPTIONAL_DECIMAL = /^(\d+(\.\d+)?)?$/;

/**
 * Field syntax per row. Kept to plain string checks (a transform/pipe per field costs ~20x more on
 * ^GSPC's 24,777 rows); ranges (prices > 0, volume >= 0) and date order are checked by
 * `validateBars` on the converted bars.
 */
const optional = z.string().regex(OPTIONAL_DECIMAL);
const Row = z.tuple([z.iso.date(), optional, optional, optional, optional, z.string().regex(DECIMAL), optional]);

const toNumber = (field: string): number | null => (field === '' ? null : Number(field));

/** The default data directory, found relative to this module so it works from any working directory. */
export const BUNDLED_PRICES_DIR: URL = new URL('data/prices/', PROJECT_ROOT);

/**
 * Parses and checks one file, a record at a time: each record becomes its bar as it is read, so only
 * the bars are held, never the file's rows of strings as well (a first start parses all 36 files,
 * ~270,000 rows, and V8 keeps the heap that peak needed).
 */
function parseCsv(symbol: string, file: string, text: string): DailyBar[] {
  let problem: string | undefined;
  let headerSeen = false;
  let bars: DailyBar[];
  try {
    const options: CsvOptions<DailyBar, string[]> = {
      skip_empty_lines: true,
      on_record: (record, context) => {
        if (problem !== undefined) return null;
        if (!headerSeen) {
          headerSeen = true;
          if (record.join(',') !== HEADER.join(',')) problem = `header is not ${HEADER.join(',')}`;
          return null;
        }
        const parsed = Row.safeParse(record);
        if (!parsed.success) {
          problem = `line ${context.lines}: ${parsed.error.issues.map((x) => `${x.path.join('.')} ${x.message}`).join('; ')}`;
          return null;
        }
        const [date, open, high, low, close, adjClose, volume] = parsed.data;
        return { date, open: toNumber(open), high: toNumber(high), low: toNumber(low), close: toNumber(close), adjClose: Number(adjClose), volume: toNumber(volume) };
      },
    };
    // The records are what on_record returns (csv-parse's typings give string[][] without `columns`).
    bars = parse(text, options as unknown as CsvOptions) as unknown as DailyBar[];
  } catch (err) {
    throw new ProviderError(NAME, 'invalid-data', `${file}: not valid CSV`, undefined, { cause: err });
  }
  if (!headerSeen) problem = `header is not ${HEADER.join(',')}`;
  if (problem === undefined && bars.length === 0) problem = 'no rows';
  if (problem !== undefined) throw new ProviderError(NAME, 'invalid-data', `${file}: ${problem}`);
  validateBars(NAME, symbol, bars);
  return bars;
}

/** First index whose date is >= `from` (bars ascending). */
function firstOnOrAfter(bars: readonly DailyBar[], from: string): number {
  let lo = 0;
  let hi = bars.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (at(bars, mid).date < from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Serves `<dir>/<SYMBOL>.csv` (index files are `^GSPC.csv` etc.). Each request reads and validates
 * the file; concurrent requests for one symbol share one parse.
 *
 * Nothing is kept once answered. The price cache (cache.ts) stores what it fetches, in SQLite and as
 * compact columns in memory, and asks again only for a top-up or a plausibility check (a few a day
 * per symbol). A kept copy of every parsed file was a second, four times larger, copy of the same
 * prices: with it, a first start over an empty database measured ~340 MB (the console, 36 symbols and
 * every command once, Node 24; docs/build-and-memory.md has the figure without it).
 */
export function createBundledProvider(dir: string | URL = BUNDLED_PRICES_DIR): PriceProvider {
  const root = typeof dir === 'string' ? dir : fileURLToPath(dir);
  const inFlight = new Map<string, Promise<DailyBar[]>>();
  let available: Set<string> | undefined;

  const knows = (symbol: string): boolean => {
    available ??= new Set(
      readdirSync(root)
        .filter((f) => f.endsWith('.csv'))
        .map((f) => f.slice(0, -'.csv'.length)),
    );
    return available.has(symbol);
  };

  const load = (symbol: string): Promise<DailyBar[]> => {
    let p = inFlight.get(symbol);
    if (!p) {
      const file = join(root, `${symbol}.csv`);
      p = readFile(file, 'utf8').then((text) => parseCsv(symbol, file, text));
      inFlight.set(symbol, p);
      // Settled, failed or not: the next request reads the file again.
      const settled = (): void => void inFlight.delete(symbol);
      p.then(settled, settled);
    }
    return p;
  };

  return {
    name: NAME,
    knows,
    async fetchDaily(symbol, opts = {}) {
      opts.signal?.throwIfAborted();
      if (!knows(symbol)) {
        throw new ProviderError(NAME, 'not-found', `The bundled price data has no symbol "${symbol}".`, undefined, { symbol });
      }
      const bars = await load(symbol);
      opts.signal?.throwIfAborted();
      const start = opts.from === undefined ? 0 : firstOnOrAfter(bars, opts.from);
      return bars.slice(start);
    },
  };
}

/**
 * The refresh policy for bundled data: final while the files stay the same, but a price cache filled
 * from an older bundle (a database kept across an upgrade of data/) is topped up to the manifest's
 * newest date, once, on first use of each symbol. The top-up sees the re-based total return of the new
 * files and re-reads the whole series (cache.ts `topUp`), so no answer splices two bundles.
 */
export function bundledRefreshPolicy(manifest: readonly { symbol: string; last: string }[]): RefreshPolicy {
  const last = new Map(manifest.map((e) => [e.symbol, e.last]));
  return {
    refreshFrom(meta) {
      const newest = last.get(meta.symbol);
      return newest !== undefined && meta.lastDate !== newest ? meta.lastDate : null;
    },
  };
}
