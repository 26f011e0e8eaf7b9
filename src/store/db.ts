/**
 * The one SQLite database tapebot keeps (price cache, and later subscriptions and alerts), and a
 * migration runner that lets each feature own its own tables.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { at } from '../core/at.ts';

export type Database = BetterSqlite3.Database;

/** SQLite's page cache per connection, in KiB (SQLite's default; better-sqlite3's is 16,000). */
export const PAGE_CACHE_KIB = 2000;

/**
 * Opens (creating if needed) the database at `file`, or a private in-memory one for `':memory:'`.
 *
 * WAL lets readers (a command) run while a writer (a cache fill) commits; `synchronous = NORMAL`
 * is durable across application crashes in WAL mode and only risks the last commits on power loss,
 * which for a cache and a few settings is the right trade. `busy_timeout` makes a second process
 * (e.g. the CLI beside the bot) wait for a lock instead of failing at once.
 *
 * `cache_size`: better-sqlite3 builds SQLite with a 16 MB page cache per connection (SQLite's own
 * default is 2 MB). tapebot reads each price series once into memory (src/data/series-memo.ts) and
 * answers from there, so pages cached again by SQLite are a second copy nobody reads: warming the 36
 * bundled symbols left ~17 MB of them resident (measured with the main thread's malloc heap in
 * /proc/self/smaps). A re-read comes from the operating system's file cache instead. An in-memory
 * database is its page cache, so it keeps the default.
 */
export function openDatabase(file: string | ':memory:'): Database {
  if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  if (file !== ':memory:') db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  return db;
}

/**
 * Applies the migrations of one module (`name`) that this database has not seen yet, together with
 * the bump of its version, in one IMMEDIATE transaction: a failed migration leaves the database as
 * it was, and two processes starting at once cannot both apply the same migration (the second waits
 * for the lock, then finds nothing to do). `migrations[i]` is version `i + 1`: append new ones,
 * never edit or reorder shipped ones.
 *
 * Versions are kept per module in `schema_migrations` rather than in `PRAGMA user_version`:
 * that pragma is one number for the whole file, and independent modules (bars, digests, alerts)
 * cannot share one counter without knowing about each other.
 *
 * Returns the module's version after the run. Throws when the database is at a newer version than
 * this code knows (it was written by a newer tapebot), rather than running on a schema it can't read.
 */
export function runMigrations(db: Database, name: string, migrations: readonly string[]): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name TEXT PRIMARY KEY,
    version INTEGER NOT NULL
  ) WITHOUT ROWID`);
  const read = db.prepare('SELECT version FROM schema_migrations WHERE name = ?');
  const write = db.prepare(
    'INSERT INTO schema_migrations (name, version) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET version = excluded.version',
  );
  const apply = db.transaction(() => {
    const row = read.get(name) as { version: number } | undefined;
    const current = row?.version ?? 0;
    if (current > migrations.length) {
      throw new Error(
        `database schema "${name}" is at version ${current}, newer than the ${migrations.length} migrations this build knows`,
      );
    }
    for (let version = current + 1; version <= migrations.length; version++) {
      db.exec(at(migrations, version - 1));
    }
    if (current < migrations.length) write.run(name, migrations.length);
  });
  apply.immediate();
  return migrations.length;
}
