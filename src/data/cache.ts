/**
 * MarketData backed by SQLite in front of one PriceProvider ("upstream").
 *
 * Three layers, fastest first: an in-memory memo of each built DailySeries (a warm `series()` is a
 * Map lookup), the `bars` table (a cold start reads a symbol in milliseconds instead of parsing or
 * downloading it), and the upstream provider (only for symbols the database does not have yet, or
 * when the refresh policy asks for newer bars).
 *
 * Bundled data never changes, so the default policy never refreshes: once cached, final. A live
 * provider plugs in a `RefreshPolicy` (src/data/providers/refresh.ts) without changing this file.
 *
 * With an upstream that also returns dividends and splits (a `HistoryProvider`: the live chain),
 * a top-up never splices two differently adjusted series: the fetch starts at the newest stored bar
 * known to be final (the "anchor"), the closes of the overlap must agree with what is stored
 * (sanity.ts `checkAgainstCache`), new splits put the stored prices on the new basis, and the stored
 * total return is re-scaled by the exact factor `fetched adjClose / stored adjClose` of the anchor —
 * every dividend or split after the anchor scales all earlier days alike. Events are kept in `events`.
 * When upstream fails (or only the offline fallback answered), the cached series is served and
 * `notes(symbol)` carries "Data as of …, live data unavailable." for the answer.
 *
 * This file is the orchestration (the memo, one load per symbol at a time, the back-off after a failed
 * top-up, what to fetch when); the SQL is the bar repository's (bar-repository.ts) and the re-basing
 * arithmetic a pure function's (split-adjust.ts).
 */
import { at } from '../core/at.ts';
import { formatDate } from '../core/format.ts';
import { createDateInterner, lastDate, seriesFromBars, type DailySeries } from '../core/series.ts';
import { ProviderError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Database } from '../store/db.ts';
import { isStorageFailure, unguarded, type StoreWrites } from '../store/guard.ts';
import { isTradingDay, marketCloseInstant, previousTradingDay, tradingDaysBetween } from './calendar.ts';
import { STALE_AFTER_SESSIONS, type MarketData } from './market-data.ts';
import { newYorkDate } from './providers/live.ts';
import { validateBars, type PriceProvider } from './provider.ts';
import { createBarRepository, type SeriesMeta } from './bar-repository.ts';
import { isHistoryProvider, type HistoryProvider } from './providers/actions.ts';
import { checkAgainstCache } from './providers/sanity.ts';
import { createSeriesMemo } from './series-memo.ts';
import { rebaseFor, spliceTopUp } from './split-adjust.ts';
import type { SymbolDirectory } from './symbols.ts';

export type { SeriesMeta } from './bar-repository.ts';

/**
 * Decides, on every `series()` call, whether a cached series must be topped up first. Called on
 * the warm path, so it must be cheap and must not do I/O.
 */
export interface RefreshPolicy {
  /**
   * The date from which to re-fetch (inclusive; normally `meta.lastDate`, so the newest stored bar
   * is fetched again, replacing a provisional intraday bar and serving as the overlap check), or
   * `null` when the cached series is fresh enough.
   */
  refreshFrom(meta: SeriesMeta, now: Date): string | null;
  /**
   * Whether the newest stored bar is final (its session had closed and settled when it was
   * fetched), so a top-up may anchor on it and must agree with it. Default: true.
   */
  lastBarFinal?(meta: SeriesMeta): boolean;
}

/** For data that never changes (the bundled files): once cached, final. */
export const NEVER_REFRESH: RefreshPolicy = { refreshFrom: () => null };

export interface CachedMarketData extends MarketData {
  /**
   * Tops up one symbol from upstream now, whatever the policy says, and returns the updated series.
   * Concurrent calls (and concurrent `series()` calls) for the symbol share one fetch.
   */
  refresh(symbol: string): Promise<DailySeries>;
  /** What the cache holds for a symbol (after it has been loaded once in this process), or undefined. */
  meta(symbol: string): SeriesMeta | undefined;
  /** Warnings an answer using this symbol must carry, e.g. "Data as of Aug 21, 2026, live data unavailable." */
  notes(symbol: string): readonly string[];
  /** The split events stored for a symbol (from a history provider), oldest first; empty when none. */
  splits(symbol: string): readonly { date: string; ratio: number }[];
  /** Every stored series' newest close and where it came from, for /status. */
  cacheStatus(): CachedSeriesStatus[];
  /** The in-memory layer: estimated bytes of the series held beyond the pinned ones, entries held, drops so far. */
  memoryStats(): { bytes: number; entries: number; evictions: number };
}

export interface CachedSeriesStatus {
  readonly symbol: string;
  readonly lastDate: string;
  /** Provider of the newest bar. */
  readonly source: string;
  readonly fetchedAt: string;
  /** The staleness warning currently attached to the symbol, if any. */
  readonly note?: string;
}

export interface CachedMarketDataOptions {
  db: Database;
  upstream: PriceProvider;
  symbols: SymbolDirectory;
  clock?: () => Date;
  /** For answers' footnotes; defaults to the upstream provider's name. */
  sourceLabel?: string;
  refreshPolicy?: RefreshPolicy;
  /**
   * Upstream is live (a provider chain, not only the bundled files): `staleness()` then reports a
   * newest bar more than two sessions old. Default false.
   */
  live?: boolean;
  /**
   * Bound on the series held in memory (bytes, estimated: series-memo.ts); the least recently used
   * are dropped beyond it and read back from SQLite when next asked for. Default: unbounded.
   */
  maxMemoryBytes?: number;
  /** Symbols always kept in memory and not counted against the bound (the bundled reference set). */
  pinned?: (symbol: string) => boolean;
  /** After a failed top-up, serve the cached series without asking upstream again for this long. Default 30 s. */
  failureBackoffMs?: number;
  logger?: Logger;
  /**
   * The store guard cache writes go through (src/store/guard.ts). A write it refuses or that fails
   * (disk full, database file lost) is skipped: the answer is served from memory, not refused.
   */
  writes?: StoreWrites;
  /**
   * Told where each `series()` lookup was served from, once it settles (for the cache hit ratio).
   * A lookup that fails is reported only when it asked upstream (a miss); `refresh()` is not a lookup.
   */
  onLookup?: (source: SeriesSource) => void;
  /**
   * Told each time a symbol's whole stored history is read from SQLite (a cold load), with the rows
   * read. A seam for tests: a top-up must not re-read what is already in memory.
   */
  onBarsRead?: (symbol: string, rows: number) => void;
}

/**
 * Where one `series()` lookup was served from: `'memory'` the in-process copy, `'database'` the
 * SQLite `bars` table (first use of the symbol in this process), `'upstream'` the provider was asked
 * (a first download, a top-up, or a failed attempt at either; with the bundled provider: its CSV file
 * was read). The first two are cache hits, `'upstream'` a miss. A lookup that joins a load already
 * running for the symbol is reported as that load's source.
 */
export type SeriesSource = 'memory' | 'database' | 'upstream';

/** Relative difference above which an overlapping bar's adjClose means upstream re-based its history. */
const REBASE_TOLERANCE = 1e-6;

export function createCachedMarketData(opts: CachedMarketDataOptions): CachedMarketData {
  const { db, upstream, symbols } = opts;
  const logger = opts.logger;
  const writes = opts.writes ?? unguarded;
  /** One string per trading day across every series this cache holds. */
  const internDate = createDateInterner();
  /** Runs a cache write; false when the store could not take it (logged; the caller serves from memory). */
  const persist = (symbol: string, write: () => void): boolean => {
    try {
      writes.write(write);
      return true;
    } catch (err) {
      if (!isStorageFailure(err)) throw err;
      logger?.warn({ symbol, err }, 'price cache not saved: serving from memory');
      return false;
    }
  };
  const clock = opts.clock ?? (() => new Date());
  const policy = opts.refreshPolicy ?? NEVER_REFRESH;
  const repo = createBarRepository(db, { defaultProvider: upstream.name, intern: internDate, ...(opts.onBarsRead ? { onBarsRead: opts.onBarsRead } : {}) });

  const memo = createSeriesMemo<{ meta: SeriesMeta; series: DailySeries }>({
    maxBytes: opts.maxMemoryBytes ?? Infinity,
    pinned: (symbol) => opts.pinned?.(symbol) ?? false,
    onEvict: (symbol) => logger?.debug({ symbol }, 'price cache: least recently used series dropped from memory'),
  });
  const refreshListeners = new Set<(symbol: string, lastDate: string) => void>();
  /** Keeps what an upstream fetch stored; tells the refresh listeners when the symbol was held before. */
  const rememberFetched = (symbol: string, entry: { meta: SeriesMeta; series: DailySeries }): void => {
    const held = memo.has(symbol);
    memo.set(symbol, entry);
    if (!held) return;
    for (const listener of refreshListeners) {
      try {
        listener(symbol, entry.meta.lastDate);
      } catch (err) {
        logger?.warn({ symbol, err }, 'a refresh listener failed');
      }
    }
  };

  /** Times upstream was asked for each symbol: a load that raised its count was a cache miss. */
  const upstreamAsks = new Map<string, number>();
  const askingUpstream = (symbol: string): void => void upstreamAsks.set(symbol, (upstreamAsks.get(symbol) ?? 0) + 1);

  /** A running load of one symbol; `askedUpstream` is settled before `promise` is. */
  interface Flight {
    readonly promise: Promise<DailySeries>;
    askedUpstream: boolean;
  }
  const inflight = new Map<string, Flight>();

  /** One upstream fetch / SQLite load per symbol at a time; later callers join the running one. */
  const singleFlight = (symbol: string, work: () => Promise<DailySeries>): Flight => {
    const running = inflight.get(symbol);
    if (running) return running;
    const asksBefore = upstreamAsks.get(symbol) ?? 0;
    const promise = work().finally(() => {
      flight.askedUpstream = (upstreamAsks.get(symbol) ?? 0) > asksBefore;
      inflight.delete(symbol);
    });
    const flight: Flight = { promise, askedUpstream: false };
    inflight.set(symbol, flight);
    return flight;
  };

  /** Why a symbol's answers must carry a warning (live data unavailable), by canonical symbol. */
  const stale = new Map<string, string>();
  const failedAt = new Map<string, number>();
  const failureBackoffMs = opts.failureBackoffMs ?? 30_000;
  const staleNote = (date: string): string => `Data as of ${formatDate(date)}, live data unavailable.`;
  /** What answers about a symbol must say of its stored prices (the `doubts` table), by symbol. */
  const doubts = new Map<string, string[]>();
  /** Symbols whose stored bars came from the offline fallback (the bundled files), not a live provider. */
  const offline = new Set<string>();

  const fetchAll = async (symbol: string, budget?: AbortSignal): Promise<DailySeries> => {
    askingUpstream(symbol);
    const history = isHistoryProvider(upstream) ? await upstream.fetchHistory(symbol, budget ? { budget } : {}) : undefined;
    const bars = validateBars(upstream.name, symbol, history ? history.bars : await upstream.fetchDaily(symbol));
    const first = bars[0];
    const last = bars[bars.length - 1];
    if (!first || !last) throw new ProviderError(upstream.name, 'not-found', `No price history for ${symbol}.`, undefined, { symbol });
    const meta: SeriesMeta = {
      symbol,
      provider: upstream.name,
      fetchedAt: clock().toISOString(),
      firstDate: first.date,
      lastDate: last.date,
    };
    const saved = persist(symbol, () => repo.replaceAll(symbol, bars, meta, history));
    if (history?.doubts && history.doubts.length > 0) doubts.set(symbol, [...history.doubts]);
    else doubts.delete(symbol);
    if (history?.fallback) offline.add(symbol);
    else offline.delete(symbol);
    if (history?.fallback) {
      stale.set(symbol, staleNote(last.date));
      logger?.warn({ symbol, reason: history.fallbackReason }, 'live data unavailable: stored the offline fallback');
    } else stale.delete(symbol);
    const series = seriesFromBars(symbol, bars, internDate);
    // Unsaved, it is not remembered either: a later top-up must not build on bars the database lacks.
    if (saved) rememberFetched(symbol, { meta, series });
    return series;
  };

  /**
   * Fetches bars from `from` on and merges them. If a re-fetched bar disagrees with the stored
   * adjClose, upstream has re-based its total-return history (a new dividend rescales every earlier
   * adjClose), so merging would splice two bases: fetch the whole history again instead.
   */
  const topUp = async (symbol: string, cached: { meta: SeriesMeta; series: DailySeries }, from: string, budget?: AbortSignal): Promise<DailySeries> => {
    askingUpstream(symbol);
    const bars = validateBars(upstream.name, symbol, await upstream.fetchDaily(symbol, { from }));
    const { dates, adjClose } = cached.series;
    let k = 0;
    for (const b of bars) {
      if (b.date > cached.meta.lastDate) break;
      while (k < dates.length && at(dates, k) < b.date) k++;
      const stored = dates[k] === b.date ? adjClose[k] : undefined;
      if (stored !== undefined && Math.abs(b.adjClose - stored) > REBASE_TOLERANCE * stored) return fetchAll(symbol, budget);
    }
    const newest = bars[bars.length - 1];
    const meta: SeriesMeta = {
      ...cached.meta,
      fetchedAt: clock().toISOString(),
      firstDate: bars[0] && bars[0].date < cached.meta.firstDate ? bars[0].date : cached.meta.firstDate,
      lastDate: newest && newest.date > cached.meta.lastDate ? newest.date : cached.meta.lastDate,
    };
    // Not saved: the cached series is served as it was, and the next lookup tries again.
    if (!persist(symbol, () => repo.merge(symbol, bars, meta))) return cached.series;
    // The new bars join the series in memory: the history already there is not read again.
    const series = bars.length > 0 ? spliceTopUp(cached.series, bars, { intern: internDate }) : cached.series;
    rememberFetched(symbol, { meta, series });
    return series;
  };

  /**
   * Top-up through a HistoryProvider (see the header): anchored on the newest final stored bar,
   * checked against the stored closes, stored history put on the basis of the new data by exact
   * factors instead of a re-download.
   */
  const topUpHistory = async (
    hp: HistoryProvider,
    symbol: string,
    cached: { meta: SeriesMeta; series: DailySeries },
    from: string,
    budget?: AbortSignal,
  ): Promise<DailySeries> => {
    askingUpstream(symbol);
    const { dates, close, adjClose } = cached.series;
    const anchorIndex = (policy.lastBarFinal?.(cached.meta) ?? true) ? dates.length - 1 : dates.length - 2;
    const anchorDate = dates[anchorIndex];
    const fetchFrom = anchorDate !== undefined && anchorDate < from ? anchorDate : from;
    const history = await hp.fetchHistory(symbol, { from: fetchFrom, ...(budget ? { budget } : {}) });
    if (history.fallback) {
      // Only the offline last resort answered: keep the fresher cached history rather than mixing it in.
      throw new ProviderError(upstream.name, 'unavailable', history.fallbackReason ?? 'live providers unavailable');
    }
    const provider = history.provider ?? upstream.name;
    const bars = validateBars(provider, symbol, history.bars);
    const anchor = anchorDate === undefined ? undefined : bars.find((b) => b.date === anchorDate);
    // Nothing to tie the new bars to (the provider lacks the anchor day): start over.
    if (!anchor || anchorDate === undefined) return fetchAll(symbol, budget);
    // Splits after the anchor that the stored bars have not been put through yet.
    const newSplits = history.splits.filter((x) => x.date > anchorDate && !repo.hasSplit(symbol, x.date));
    const splitFactor = newSplits.reduce((f, x) => f * x.ratio, 1);
    const finalStored: { date: string; close: number | null }[] = [];
    for (let i = anchorIndex; i >= 0 && at(dates, i) >= fetchFrom; i--) {
      finalStored.push({ date: at(dates, i), close: close[i] ?? null });
    }
    checkAgainstCache(provider, symbol, finalStored, bars, splitFactor);
    const storedAdj = at(adjClose, anchorIndex);
    const rebase = rebaseFor(newSplits, { date: anchorDate, storedAdj, fetchedAdj: anchor.adjClose });
    const newest = at(bars, bars.length - 1);
    const dropAfter = newest.date > anchorDate ? newest.date : anchorDate;
    const meta: SeriesMeta = { ...cached.meta, fetchedAt: clock().toISOString(), lastDate: dropAfter };
    repo.applyHistoryTopUp(symbol, { meta, bars, history, provider, rebase, dropAfter });
    if (history.doubts && history.doubts.length > 0) doubts.set(symbol, repo.doubts(symbol));
    const k = anchor.adjClose / storedAdj;
    if (newSplits.length > 0 || Math.abs(k - 1) > 1e-9) {
      logger?.info({ symbol, provider, splits: newSplits, factor: k }, 'cached history re-based on new corporate actions');
    }
    stale.delete(symbol);
    // The database's changes, made to the series in memory too: no re-read of the whole history.
    const series = spliceTopUp(cached.series, bars, { intern: internDate, dropAfter, ...(rebase ? { rebase } : {}) });
    rememberFetched(symbol, { meta, series });
    return series;
  };

  const topUpAny = (symbol: string, cached: { meta: SeriesMeta; series: DailySeries }, from: string, budget?: AbortSignal): Promise<DailySeries> =>
    isHistoryProvider(upstream) ? topUpHistory(upstream, symbol, cached, from, budget) : topUp(symbol, cached, from, budget);

  /**
   * A policy-driven top-up that never fails an answer which the cache can give: on a provider
   * failure the cached series is served, with a note, and upstream is left alone for a while.
   */
  const topUpOrServeCached = async (symbol: string, cached: { meta: SeriesMeta; series: DailySeries }, from: string, budget?: AbortSignal): Promise<DailySeries> => {
    const failed = failedAt.get(symbol);
    if (failed !== undefined && clock().getTime() - failed < failureBackoffMs) return cached.series;
    try {
      const series = await topUpAny(symbol, cached, from, budget);
      failedAt.delete(symbol);
      return series;
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      failedAt.set(symbol, clock().getTime());
      stale.set(symbol, staleNote(cached.meta.lastDate));
      logger?.warn({ symbol, failure: err.failure, reason: err.message, servedFrom: cached.meta.lastDate }, 'live data unavailable: serving the cache');
      return cached.series;
    }
  };

  /** First use of a symbol in this process: SQLite if it has it (from the same provider), else upstream. */
  const loadCold = async (symbol: string, budget?: AbortSignal): Promise<DailySeries> => {
    const meta = repo.meta(symbol);
    // Bars from another provider (the configuration changed) are not mixed in: start over.
    if (!meta || meta.provider !== upstream.name) return fetchAll(symbol, budget);
    const cached = { meta, series: repo.read(symbol) };
    memo.set(symbol, cached);
    // The newest stored bar came from the offline fallback in an earlier run: it is not live data.
    const stored = repo.doubts(symbol);
    if (stored.length > 0) doubts.set(symbol, stored);
    if (repo.barProvider(symbol, meta.lastDate) === 'bundled') offline.add(symbol);
    const from = policy.refreshFrom(meta, clock());
    return from === null ? cached.series : topUpOrServeCached(symbol, cached, from, budget);
  };

  const observer = opts.onLookup;
  const onLookup = observer
    ? (source: SeriesSource): void => {
        try {
          observer(source);
        } catch (err) {
          // Counting must never fail a lookup.
          logger?.warn({ err }, 'price cache: the lookup observer failed');
        }
      }
    : undefined;
  /** Waits for a load and reports where it served this lookup from. */
  const reportFlight = async (flight: Flight, cachedSource: SeriesSource): Promise<DailySeries> => {
    let s: DailySeries;
    try {
      s = await flight.promise;
    } catch (err) {
      if (flight.askedUpstream) onLookup?.('upstream');
      throw err;
    }
    onLookup?.(flight.askedUpstream ? 'upstream' : cachedSource);
    return s;
  };

  /** `budget`: the answer's time budget (a load already running for the symbol keeps its own). */
  const series = async (input: string, o: { budget?: AbortSignal } = {}): Promise<DailySeries> => {
    const symbol = symbols.resolve(input);
    const cached = memo.get(symbol);
    const budget = o.budget;
    if (!cached) {
      const flight = singleFlight(symbol, () => loadCold(symbol, budget));
      return onLookup ? reportFlight(flight, 'database') : flight.promise;
    }
    const from = policy.refreshFrom(cached.meta, clock());
    if (from === null) {
      onLookup?.('memory');
      return cached.series;
    }
    const flight = singleFlight(symbol, () => topUpOrServeCached(symbol, cached, from, budget));
    return onLookup ? reportFlight(flight, 'memory') : flight.promise;
  };

  return {
    sourceLabel: opts.sourceLabel ?? upstream.name,
    onRefresh(listener) {
      refreshListeners.add(listener);
      return () => void refreshListeners.delete(listener);
    },
    series,
    splits: (input) => repo.splits(symbols.resolve(input)),
    async latestClose() {
      return lastDate(await series(symbols.reference));
    },
    async refresh(input) {
      const symbol = symbols.resolve(input);
      await series(symbol);
      const cached = memo.get(symbol);
      if (!cached) return series(symbol);
      return singleFlight(symbol, () => topUpAny(symbol, cached, cached.meta.lastDate)).promise;
    },
    meta: (input) => memo.get(symbols.resolve(input))?.meta,
    staleness(input) {
      if (!opts.live) return undefined;
      const symbol = symbols.resolve(input);
      const held = memo.get(symbol);
      if (!held || offline.has(symbol) || held.meta.provider !== upstream.name) return undefined;
      const sessions = sessionsClosedSince(held.meta.lastDate, clock());
      return sessions > STALE_AFTER_SESSIONS ? { symbol, lastDate: held.meta.lastDate, sessions } : undefined;
    },
    notes(input) {
      const symbol = symbols.resolve(input);
      const note = stale.get(symbol);
      return note === undefined ? [] : [note];
    },
    doubts: (input) => doubts.get(symbols.resolve(input)) ?? [],
    memoryStats: () => memo.stats(),
    cacheStatus() {
      return repo.status().map((row) => {
        const note = stale.get(row.symbol);
        return { ...row, ...(note !== undefined ? { note } : {}) };
      });
    },
  };
}

/** Completed NYSE sessions (their close has passed at `now`) after `lastDate`. */
export function sessionsClosedSince(lastDate: string, now: Date): number {
  const today = newYorkDate(now);
  const latestClosed = isTradingDay(today) && now.getTime() >= marketCloseInstant(today).getTime() ? today : previousTradingDay(today);
  if (latestClosed <= lastDate) return 0;
  return tradingDaysBetween(lastDate, latestClosed).filter((d) => d > lastDate).length;
}
