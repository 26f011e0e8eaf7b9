/**
 * "Have I taken this one already?" for events a platform may deliver more than once (Slack's event
 * retries). Two memories with one shape: a bounded in-memory one, and one kept in the database so
 * that an event answered just before a restart is still recognised when its retry arrives after it.
 */
import type { Database } from './db.ts';
import { runMigrations } from './db.ts';
import { isStorageFailure, unguarded, type StoreWrites } from './guard.ts';
import type { Logger } from '../log.ts';
import { runPgMigrations, type PgPool } from './pg.ts';

/** "Have I taken this one already?", whichever store answers (the PostgreSQL one answers later). */
export interface SeenKeys {
  /** True when the key is new (and now remembered); false when it was seen before. */
  add(key: string): boolean | Promise<boolean>;
}

/** A bounded memory of keys. */
export interface RecentKeys extends SeenKeys {
  /** True when the key is new (and now remembered); false when it was seen before. */
  add(key: string): boolean;
  readonly size: number;
}

export const RECENT_KEYS_MAX = 2000;

/** In memory, the last `max` keys, oldest forgotten first. */
export function createRecentKeys(max = RECENT_KEYS_MAX): RecentKeys {
  // A Map iterates in insertion order: its first key is the oldest.
  const keys = new Map<string, true>();
  return {
    add(key) {
      if (keys.has(key)) return false;
      keys.set(key, true);
      while (keys.size > max) {
        const oldest = keys.keys().next();
        if (oldest.done) break;
        keys.delete(oldest.value);
      }
      return true;
    },
    get size() {
      return keys.size;
    },
  };
}

const MIGRATIONS = [
  `CREATE TABLE recent_keys (
     scope TEXT NOT NULL,
     key TEXT NOT NULL,
     seen_at INTEGER NOT NULL,
     PRIMARY KEY (scope, key)
   ) WITHOUT ROWID;
   CREATE INDEX recent_keys_by_age ON recent_keys (scope, seen_at);`,
];

export interface StoredRecentKeysOptions {
  /** Keeps one user's keys apart from another's in the shared table (e.g. 'slack'). */
  scope: string;
  /**
   * How long a key is remembered. Slack retries an event three times, the last about five
   * minutes after the first try (docs.slack.dev, Events API, "Retries"): an hour covers them all,
   * and a restart in between, with room to spare.
   */
  ttlMs?: number;
  /** Milliseconds since the epoch (tests move it). */
  now?: () => number;
  /** The store guard the writes go through (src/store/guard.ts). */
  writes?: StoreWrites;
}

export const RECENT_KEYS_TTL_MS = 60 * 60 * 1000;

/**
 * In the database: a key is recognised for `ttlMs` after it was first seen, across restarts and
 * by every process sharing the file. The check and the insert are one statement, so two
 * deliveries arriving together cannot both be taken. Keys past their time are deleted as new
 * ones arrive (at most once a minute), so the table holds about an hour of traffic.
 *
 * When the store cannot be written (disk full, file lost), keys are remembered in memory instead:
 * answering a retried event twice is better than not answering the first delivery at all.
 */
export function createStoredRecentKeys(db: Database, opts: StoredRecentKeysOptions): RecentKeys {
  runMigrations(db, 'recent_keys', MIGRATIONS);
  const ttl = opts.ttlMs ?? RECENT_KEYS_TTL_MS;
  const now = opts.now ?? Date.now;
  const { scope } = opts;
  // An expired row is taken over (and counts as new); a live one is left alone (and counts as seen).
  const claim = db.prepare(
    `INSERT INTO recent_keys (scope, key, seen_at) VALUES (?, ?, ?)
     ON CONFLICT (scope, key) DO UPDATE SET seen_at = excluded.seen_at WHERE recent_keys.seen_at <= ?`,
  );
  const prune = db.prepare('DELETE FROM recent_keys WHERE scope = ? AND seen_at <= ?');
  const count = db.prepare('SELECT count(*) AS n FROM recent_keys WHERE scope = ? AND seen_at > ?');
  const seen = db.prepare('SELECT 1 FROM recent_keys WHERE scope = ? AND key = ? AND seen_at > ?');
  const writes = opts.writes ?? unguarded;
  const fallback = createRecentKeys();
  let lastPrune = -Infinity;
  return {
    add(key) {
      const t = now();
      try {
        return writes.write(() => {
          if (t - lastPrune >= 60_000) {
            prune.run(scope, t - ttl);
            lastPrune = t;
          }
          return claim.run(scope, key, t, t - ttl).changes === 1;
        });
      } catch (err) {
        if (!isStorageFailure(err)) throw err;
        // Reading usually still works: a key stored before the failure is still recognised.
        let stored = false;
        try {
          stored = seen.get(scope, key, t - ttl) !== undefined;
        } catch {
          // Unreadable too: the memory alone decides.
        }
        return stored ? false : fallback.add(key);
      }
    },
    get size() {
      return (count.get(scope, now() - ttl) as { n: number }).n;
    },
  };
}

/**
 * In PostgreSQL (DATABASE_URL): the same rule as the SQLite memory above, shared by every replica, so
 * a retry of an event one replica answered is recognised by whichever replica Slack sends it to.
 * When PostgreSQL cannot be reached, keys are remembered in this replica's memory meanwhile.
 */
export async function createPgRecentKeys(pool: PgPool, opts: { scope: string; ttlMs?: number; now?: () => number; logger?: Logger }): Promise<SeenKeys> {
  await runPgMigrations(pool, 'recent_keys', PG_MIGRATIONS);
  const ttl = opts.ttlMs ?? RECENT_KEYS_TTL_MS;
  const now = opts.now ?? Date.now;
  const fallback = createRecentKeys();
  let lastPrune = -Infinity;
  return {
    async add(key) {
      const t = now();
      try {
        if (t - lastPrune >= 60_000) {
          lastPrune = t;
          await pool.query('DELETE FROM recent_keys WHERE scope = $1 AND seen_at <= $2', [opts.scope, t - ttl]);
        }
        const r = await pool.query(
          `INSERT INTO recent_keys (scope, key, seen_at) VALUES ($1, $2, $3)
           ON CONFLICT (scope, key) DO UPDATE SET seen_at = excluded.seen_at WHERE recent_keys.seen_at <= $4`,
          [opts.scope, key, t, t - ttl],
        );
        return r.rowCount === 1;
      } catch (err) {
        opts.logger?.warn({ err: err instanceof Error ? err.message : String(err) }, 'recent keys: PostgreSQL unreachable; remembering in memory');
        return fallback.add(key);
      }
    },
  };
}

const PG_MIGRATIONS = [
  `CREATE TABLE recent_keys (
     scope TEXT NOT NULL,
     key TEXT NOT NULL,
     seen_at BIGINT NOT NULL,
     PRIMARY KEY (scope, key)
   );
   CREATE INDEX recent_keys_by_age ON recent_keys (scope, seen_at);`,
];
