/**
 * The price providers shared by every replica (DATABASE_URL): a layer in front of the upstream, so N
 * replicas do not ask a provider N times or spend its quota N times.
 *
 * - One fetch in flight per symbol across replicas: a PostgreSQL advisory lock per (provider,
 *   symbol), held on its own connection while the one fetch runs; a replica that wants the same
 *   symbol waits for it, then finds the answer stored. A replica that dies holding it loses its
 *   connection, and PostgreSQL releases the lock with it.
 * - Closed days fetched once for all: the last answer per symbol is kept in `shared_prices`. Within
 *   `freshMs` of its fetch it is served as it is; later, only the days since its newest bar are
 *   asked for and joined to it (that bar again, as the overlap). If the overlap's total-return
 *   price moved (a new dividend re-based the history) or a split came in, the history is fetched
 *   whole instead: two bases are never spliced. The replica's own cache (cache.ts) does the rest.
 * - An answer from the offline fallback (no live provider answered) is not stored: it is not live
 *   data. When PostgreSQL cannot be reached, the replica asks the provider itself (logged).
 */
import type { DailyBar } from '../core/series.ts';
import { silentLogger, type Logger } from '../log.ts';
import { runPgMigrations, type PgClient, type PgPool } from '../store/pg.ts';
import type { PriceProvider } from './provider.ts';
import { isHistoryProvider, type HistoryFetchOptions, type HistoryProvider, type PriceHistory } from './providers/actions.ts';

export const SHARED_PRICES_MIGRATIONS: readonly string[] = [
  `CREATE TABLE shared_prices (
     provider TEXT NOT NULL,
     symbol TEXT NOT NULL,
     method TEXT NOT NULL,
     from_date TEXT,
     body TEXT NOT NULL,
     fetched_at BIGINT NOT NULL,
     PRIMARY KEY (provider, symbol, method)
   );`,
];

export interface SharedUpstreamOptions {
  pool: PgPool;
  /** How long a stored answer is served without asking the provider. Default 60 s. */
  freshMs?: number;
  now?: () => number;
  logger?: Logger;
  /** Told each time the provider itself is asked (tests, metrics). */
  onUpstream?: (symbol: string, from: string | undefined) => void;
}

type Method = 'daily' | 'history';
interface Stored {
  from: string | null;
  history: PriceHistory;
  fetchedAt: number;
}

/** Relative difference of the overlap's adjClose beyond which the provider re-based its history. */
const REBASE_TOLERANCE = 1e-6;

function window(h: PriceHistory, from: string | undefined): PriceHistory {
  if (from === undefined) return h;
  return { ...h, bars: h.bars.filter((b) => b.date >= from), dividends: h.dividends.filter((d) => d.date >= from), splits: h.splits.filter((x) => x.date >= from) };
}

/** `stored` with `fresh` joined after its newest bar, or null when they do not share a basis. */
function join(stored: PriceHistory, fresh: PriceHistory, overlap: string): PriceHistory | null {
  const old = stored.bars.find((b) => b.date === overlap);
  const now = fresh.bars.find((b) => b.date === overlap);
  if (!old || !now) return null;
  if (Math.abs(now.adjClose - old.adjClose) > REBASE_TOLERANCE * old.adjClose) return null;
  if (fresh.splits.some((x) => x.date > overlap)) return null;
  const bars: DailyBar[] = [...stored.bars.filter((b) => b.date < overlap), ...fresh.bars.filter((b) => b.date >= overlap)];
  const key = (e: { date: string }) => e.date;
  const dividends = [...stored.dividends.filter((d) => d.date < overlap), ...fresh.dividends.filter((d) => d.date >= overlap)].sort((a, b) => key(a).localeCompare(key(b)));
  return { ...fresh, bars, dividends, splits: [...stored.splits] };
}

/** Creates the `shared_prices` table (versioned migrations); run once before createSharedUpstream. */
export function migrateSharedPrices(pool: PgPool): Promise<number> {
  return runPgMigrations(pool, 'shared_prices', SHARED_PRICES_MIGRATIONS);
}

export function createSharedUpstream(upstream: PriceProvider, opts: SharedUpstreamOptions): PriceProvider {
  const { pool } = opts;
  const logger = opts.logger ?? silentLogger;
  const freshMs = opts.freshMs ?? 60_000;
  const now = opts.now ?? Date.now;

  async function read(method: Method, symbol: string, c: PgPool | PgClient = pool): Promise<Stored | undefined> {
    const r = await c.query<{ from_date: string | null; body: string; fetched_at: string }>('SELECT from_date, body, fetched_at FROM shared_prices WHERE provider = $1 AND symbol = $2 AND method = $3', [upstream.name, symbol, method]);
    const row = r.rows[0];
    return row && { from: row.from_date, history: JSON.parse(row.body) as PriceHistory, fetchedAt: Number(row.fetched_at) };
  }
  const covers = (s: Stored, from: string | undefined) => s.from === null || (from !== undefined && s.from <= from);

  async function call(method: Method, symbol: string, from: string | undefined, o: HistoryFetchOptions): Promise<PriceHistory> {
    opts.onUpstream?.(symbol, from);
    const q = { ...(from !== undefined ? { from } : {}), ...(o.signal ? { signal: o.signal } : {}) };
    if (method === 'history' && isHistoryProvider(upstream)) return upstream.fetchHistory(symbol, { ...q, ...(o.budget ? { budget: o.budget } : {}) });
    return { bars: await upstream.fetchDaily(symbol, q), dividends: [], splits: [] };
  }

  /** Under the symbol's lock (held by `c`, which runs every query here): the stored answer if fresh, else the provider's, stored. */
  async function locked(c: PgClient, method: Method, symbol: string, from: string | undefined, o: HistoryFetchOptions): Promise<PriceHistory> {
    const have = await read(method, symbol, c);
    if (have && covers(have, from) && now() - have.fetchedAt < freshMs) return window(have.history, from);
    let answer: PriceHistory;
    let storeFrom: string | null = from ?? null;
    const newest = have?.history.bars[have.history.bars.length - 1];
    if (have && newest && covers(have, from)) {
      // Only the days since the newest stored bar, that bar included as the overlap.
      const fresh = await call(method, symbol, newest.date, o);
      const joined = fresh.fallback ? null : join(have.history, fresh, newest.date);
      if (joined) {
        answer = joined;
        storeFrom = have.from;
      } else answer = fresh.fallback ? fresh : await call(method, symbol, from, o);
    } else {
      answer = await call(method, symbol, from, o);
    }
    if (!answer.fallback) {
      await c.query(
        `INSERT INTO shared_prices (provider, symbol, method, from_date, body, fetched_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (provider, symbol, method) DO UPDATE SET from_date = excluded.from_date, body = excluded.body, fetched_at = excluded.fetched_at`,
        [upstream.name, symbol, method, storeFrom, JSON.stringify(answer), now()],
      );
    }
    return window(answer, from);
  }

  async function shared(method: Method, symbol: string, from: string | undefined, o: HistoryFetchOptions): Promise<PriceHistory> {
    let client;
    try {
      // The quick look needs no lock: most asks within the fresh window end here.
      const have = await read(method, symbol);
      if (have && covers(have, from) && now() - have.fetchedAt < freshMs) return window(have.history, from);
      client = await pool.connect();
    } catch (err) {
      logger.warn({ symbol, err: err instanceof Error ? err.message : String(err) }, 'shared prices: PostgreSQL unreachable; asking the provider from this replica');
      return call(method, symbol, from, o);
    }
    const lockKey = `tapebot upstream ${upstream.name} ${symbol}`;
    try {
      await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
      try {
        return await locked(client, method, symbol, from, o);
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]).catch(() => {});
      }
    } finally {
      client.release();
    }
  }

  const base: PriceProvider = {
    name: upstream.name,
    async fetchDaily(symbol, o = {}) {
      return (await shared('daily', symbol, o.from, o.signal ? { signal: o.signal } : {})).bars;
    },
    ...(upstream.knows ? { knows: (s: string) => upstream.knows?.(s) ?? true } : {}),
  };
  if (!isHistoryProvider(upstream)) return base;
  // Anything else the upstream offers (search, status) stays reachable through it.
  const withHistory: HistoryProvider = Object.assign(Object.create(upstream) as HistoryProvider, base, {
    fetchHistory: (symbol: string, o: HistoryFetchOptions = {}) => shared('history', symbol, o.from, o),
  });
  return withHistory;
}
