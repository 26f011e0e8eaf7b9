/**
 * PostgreSQL, the shared store when tapebot runs as several replicas (`DATABASE_URL`): a connection
 * pool and the same versioned, per-module migrations as the SQLite store (src/store/db.ts), so each
 * feature owns its tables in both engines.
 *
 * `schema` puts every table of this process in one PostgreSQL schema (created if missing) through
 * the connection's `search_path`; tests use a schema per file so parallel files never meet.
 */
import pg from 'pg';
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
