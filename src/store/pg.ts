/**
 * PostgreSQL, the shared store when tapebot runs as several replicas (`DATABASE_URL`): a connection
 * pool and the same versioned, per-module migrations as the SQLite store (src/store/db.ts), so each
 * feature owns its tables in both engines.
 *
 * `schema` puts every table of this process in one PostgreSQL schema (created if missing) through
 * the connection's `search_path`; tests use a schema per file so parallel files never meet.
 */
import pg from 'pg';
import { StorageError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';

export type PgPool = pg.Pool;
export type PgClient = pg.PoolClient;

export interface PgOptions {
  url: string;
  /** A schema of its own (tests); default the connection's `search_path` (`public`). */
  schema?: string;
  /** Connections in the pool; default 10. */
  max?: number;
  logger?: Logger;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openPg(opts: PgOptions): Promise<PgPool> {
  const logger = opts.logger ?? silentLogger;
  if (opts.schema !== undefined && !SCHEMA_NAME.test(opts.schema)) throw new Error(`invalid schema name "${opts.schema}"`);
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.max ?? 10,
    // A replica whose database is gone fails a command in seconds instead of hanging it.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    ...(opts.schema !== undefined ? { options: `-c search_path=${opts.schema}` } : {}),
  });
  // An idle connection that the server closes (a restart) errors on the pool: the next query opens a new one.
  pool.on('error', (err) => logger.warn({ err: err.message }, 'postgres: an idle connection failed; it will be replaced'));
  // A connection checked out (a transaction, a lock held across an upstream fetch) whose server goes
  // away between two queries emits 'error' on its client, not the pool: unheard, that would end the
  // process. Its caller's next query fails instead, and the pool drops the broken client on release.
  pool.on('connect', (client) => client.on('error', (err) => logger.warn({ err: err.message }, 'postgres: a connection in use failed')));
  if (opts.schema !== undefined) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}`);
  return pool;
}

/** Runs `fn` in a transaction on one connection: COMMIT when it resolves, ROLLBACK when it throws. */
export async function inTransaction<T>(pool: PgPool, fn: (c: PgClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    c.release();
  }
}

/**
 * Applies the migrations of module `name` that this database has not seen, with the bump of its
 * version, in one transaction. A transaction-scoped advisory lock keyed on the module's name makes
 * replicas that start together apply each migration once: the second waits, then finds nothing to do.
 * `migrations[i]` is version `i + 1`: append, never edit or reorder. Throws when the database is at
 * a newer version than this build knows.
 */
export async function runPgMigrations(pool: PgPool, name: string, migrations: readonly string[]): Promise<number> {
  await inTransaction(pool, async (c) => {
    await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tapebot migrations ${name}`]);
    await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, version INTEGER NOT NULL)');
    const r = await c.query<{ version: number }>('SELECT version FROM schema_migrations WHERE name = $1', [name]);
    const current = r.rows[0]?.version ?? 0;
    if (current > migrations.length) {
      throw new Error(`database schema "${name}" is at version ${current}, newer than the ${migrations.length} migrations this build knows`);
    }
    for (let v = current; v < migrations.length; v++) await c.query(migrations[v] ?? '');
    if (current < migrations.length) {
      await c.query('INSERT INTO schema_migrations (name, version) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET version = excluded.version', [name, migrations.length]);
    }
  });
  return migrations.length;
}

/**
 * SQLSTATE classes and codes that mean "the server is not there right now" rather than "this query is
 * wrong": connection exceptions (08), the server shutting down or starting (57P01-57P03), and the
 * transaction rolled back because its connection went (40001 is not one: a serialisation failure is a query's).
 */
const UNAVAILABLE_CODES = /^(08...|57P0[123])$/;
const UNAVAILABLE_NODE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const UNAVAILABLE_TEXT = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down)/i;

/** Whether `err` says PostgreSQL cannot be reached (restarted, stopped, unreachable), not that a query failed. */
export function isPgUnavailable(err: unknown): boolean {
  if (err instanceof AggregateError && err.errors.some(isPgUnavailable)) return true;
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.test(code) || UNAVAILABLE_NODE.has(code))) return true;
  return UNAVAILABLE_TEXT.test(err.message);
}

/**
 * Wraps every promise-returning method of a store built on PostgreSQL so that "the database is not
 * there" reaches callers as a StorageError: people hear that their change was not saved and to try
 * again (src/errors.ts) instead of an internal error, and the digest service retries its slot run
 * (src/digest/slots.ts). Any other error passes through unchanged. The pool reconnects by itself:
 * the next call after the server is back just works.
 */
export function withPgOutages<T extends object>(store: T): T {
  const translate = (err: unknown): never => {
    if (isPgUnavailable(err)) throw new StorageError(`PostgreSQL is unreachable: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    throw err;
  };
  return new Proxy(store, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return function (this: unknown, ...args: unknown[]) {
        const out: unknown = (v as (...a: unknown[]) => unknown).apply(target, args);
        return out instanceof Promise ? out.catch(translate) : out;
      };
    },
  });
}
