/**
 * Watching the one SQLite store, so that a storage failure is said instead of silently losing settings:
 *
 * - At start-up (`openStore`): DATA_DIR must be a writable directory (a real write probe, since root
 *   ignores permission bits and only a write finds a read-only mount or a full disk); the database must
 *   pass `PRAGMA quick_check` and take a write. A damaged database, or a missing or empty one when
 *   backups exist (a truncated or lost file), is moved aside and the newest good backup restored, loudly;
 *   a damaged one with no backup stops start-up with one line naming the file. Problems are a
 *   `StoreOpenError`: one line naming the path, which main.ts prints without a stack.
 * - While running (`StoreGuard`): every write of a setting goes through `write()`, which first checks that
 *   the path still names the file that is open (device and inode): on Linux a deleted or replaced
 *   database keeps working through the open handle while every write goes into a file nobody will open
 *   again. A write that fails for a storage reason (disk full, I/O error, read-only, damaged) becomes a
 *   `StorageError` (the person hears "not saved"), marks the store unhealthy (/healthz 503 naming the
 *   file) and runs the integrity and writability check, whose result is logged.
 * - A deleted or replaced file is not written into again: the guard copies everything the open handle
 *   still holds back to the path (a deleted file) or beside it (a replaced one, which is left alone),
 *   then refuses writes until a restart opens the file at the path. A copy of the live data loses
 *   nothing, where reopening from the last backup would lose every change made since it.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { StorageError } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { newestGoodBackup, restoreBackup } from './backup.ts';
import { openDatabase, type Database } from './db.ts';

/** A start-up problem with DATA_DIR or the database file: `message` is one line naming the path. */
export class StoreOpenError extends Error {
  override readonly name = 'StoreOpenError';
}

/** What the stores need to write through: `write(fn)` runs `fn` or throws a StorageError. */
export interface StoreWrites {
  write<T>(fn: () => T): T;
}

/** Writes straight through (an in-memory database, tests). */
export const unguarded: StoreWrites = { write: (fn) => fn() };

export type StoreState = { ok: true } | { ok: false; problem: string };

export interface StoreGuard extends StoreWrites {
  readonly file: string;
  /** Checks the file's identity and that its directory takes a write; while a write failure is unresolved, whether writing works again. */
  check(): StoreState;
  /** Records a write that failed outside `write()` (returns the StorageError to throw, or the error itself when not a storage one). */
  failed(err: unknown): unknown;
  /** Checks every `intervalMs` (unref'd); returns a function that stops it. */
  watch(intervalMs: number): () => void;
}

/** An error's `code` (Node's `E…`, SQLite's `SQLITE_…`), when it has one. */
function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** SQLite result codes that mean the storage, not the statement, failed. */
const STORAGE_CODES = /^SQLITE_(FULL|IOERR|READONLY|CORRUPT|NOTADB|CANTOPEN|PERM|BUSY|LOCKED)/;

export function isStorageFailure(err: unknown): boolean {
  if (err instanceof StorageError) return true;
  const code = codeOf(err);
  return code !== undefined && (STORAGE_CODES.test(code) || ['ENOSPC', 'EROFS', 'EACCES', 'EPERM', 'EIO', 'ENOENT', 'ENOTDIR'].includes(code));
}

/** Why a write probe failed, in a few words. */
function reason(err: unknown): string {
  const code = codeOf(err);
  switch (code) {
    case 'ENOSPC':
    case 'SQLITE_FULL':
      return 'the disk is full';
    case 'EROFS':
    case 'SQLITE_READONLY':
      return 'it is read-only';
    case 'EACCES':
    case 'EPERM':
      return 'this user may not write there';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a directory';
    default:
      return `${code !== undefined ? `${code}: ` : ''}${err instanceof Error ? err.message : String(err)}`;
  }
}

/** Writes, syncs and removes a small file in `dir`: what a real write needs (space, a writable mount, permission). */
export function probeDirectory(dir: string): void {
  const probe = join(dir, `.tapebot-write-probe-${process.pid}`);
  try {
    const fd = openSync(probe, 'w');
    try {
      writeSync(fd, 'tapebot write probe\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } finally {
    rmSync(probe, { force: true });
  }
}

/** DATA_DIR must exist (or be creatable), be a directory, and take a write. Throws a StoreOpenError naming it. */
export function checkDataDir(dir: string): void {
  let st: Stats | undefined;
  try {
    st = statSync(dir);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new StoreOpenError(`DATA_DIR ${dir} cannot be read (${reason(err)}).`);
  }
  if (st && !st.isDirectory()) throw new StoreOpenError(`DATA_DIR ${dir} is not a directory: point DATA_DIR at a directory tapebot may write to.`);
  if (!st) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new StoreOpenError(`DATA_DIR ${dir} does not exist and cannot be created (${reason(err)}): create it, or point DATA_DIR at a writable directory.`);
    }
  }
  try {
    probeDirectory(dir);
  } catch (err) {
    throw new StoreOpenError(`DATA_DIR ${dir} is not writable (${reason(err)}): tapebot keeps its settings there; point DATA_DIR at a writable directory.`);
  }
}

/**
 * SQLite's answers that mean the file itself is damaged or is not a database. Any other failure to
 * check it (the SQLite library cannot load, the file cannot be opened or is locked, permissions) says
 * nothing about the file: treating it as damage would put an older backup in place of a good database.
 */
const DAMAGE = /^SQLITE_(CORRUPT|NOTADB)/;

/**
 * `PRAGMA quick_check` on a file opened read-only: 'ok', or what is wrong with it. Throws a
 * StoreOpenError when the file could not be checked at all, for a reason that is not its content.
 */
export function checkFile(file: string): string {
  let db: Database | undefined;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    const rows = db.pragma('quick_check') as { quick_check: string }[];
    const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
    return problems.length === 0 ? 'ok' : problems.slice(0, 3).join('; ');
  } catch (err) {
    const code = codeOf(err);
    if (code !== undefined && DAMAGE.test(code)) return reason(err);
    throw new StoreOpenError(`The database ${file} could not be checked (${firstLine(reason(err))}); it was left as it is.`);
  } finally {
    db?.close();
  }
}

const firstLine = (text: string): string => text.split('\n')[0] ?? text;

const sizeOf = (file: string): number | undefined => statSync(file, { throwIfNoEntry: false })?.size;

export interface OpenStoreOptions {
  /** The database file, or ':memory:'. */
  file: string;
  /** Where backups are kept: a damaged, missing or empty database is restored from the newest good one. */
  backupDir?: string;
  logger?: Logger;
  now?: () => Date;
}

export interface OpenedStore {
  db: Database;
  guard: StoreGuard;
  /** The backup restored at start-up, if the database had to be. */
  restoredFrom?: string;
}

/**
 * Opens the store after checking DATA_DIR and the file (see the top of this file); throws a
 * StoreOpenError (one line naming the path) when it cannot be used.
 */
export function openStore(opts: OpenStoreOptions): OpenedStore {
  const logger = opts.logger ?? silentLogger;
  const now = opts.now ?? (() => new Date());
  if (opts.file === ':memory:') {
    const db = openDatabase(':memory:');
    return { db, guard: memoryGuard(db) };
  }
  const file = resolve(opts.file);
  checkDataDir(dirname(file));

  let restoredFrom: string | undefined;
  const size = sizeOf(file);
  const health = size === undefined || size === 0 ? (size === undefined ? 'missing' : 'empty') : checkFile(file);
  if (health !== 'ok') {
    const backup = opts.backupDir ? newestGoodBackup(opts.backupDir) : undefined;
    if (backup) {
      const { movedAside } = restoreBackup({ file, backup, now: now() });
      restoredFrom = backup;
      logger.warn({ file, problem: health, backup, movedAside }, 'the database was missing, empty or damaged: restored the newest good backup');
    } else if (health !== 'missing' && health !== 'empty') {
      throw new StoreOpenError(
        `The database ${file} is damaged (${health}) and there is no backup to restore${opts.backupDir ? ` in ${opts.backupDir}` : ''}: move it aside to start with an empty store, or restore one (README, "Restoring a backup").`,
      );
    } else {
      // A -wal or -shm without its database belongs to a file that is gone: replayed onto a new, empty
      // database it would damage it. Moved aside, not deleted.
      const stamp = now().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
      for (const suffix of ['-wal', '-shm']) {
        if (sizeOf(`${file}${suffix}`) !== undefined) {
          renameSync(`${file}${suffix}`, `${file}.orphaned-${stamp}${suffix}`);
          logger.warn({ file: `${file}${suffix}` }, 'moved aside a WAL file left without its database');
        }
      }
    }
  }

  let db: Database;
  try {
    db = openDatabase(file);
    // The write probe: a row in a table of its own, committed.
    db.exec('CREATE TABLE IF NOT EXISTS store_probe (id INTEGER PRIMARY KEY, at TEXT NOT NULL)');
    db.prepare('INSERT OR REPLACE INTO store_probe (id, at) VALUES (1, ?)').run(now().toISOString());
  } catch (err) {
    throw new StoreOpenError(`The database ${file} cannot be opened for writing (${reason(err)}).`);
  }
  return { db, guard: createStoreGuard({ db, file, logger }), ...(restoredFrom ? { restoredFrom } : {}) };
}

function memoryGuard(db: Database): StoreGuard {
  return {
    file: ':memory:',
    write: (fn) => fn(),
    check: () => (db.open ? { ok: true } : { ok: false, problem: 'the in-memory store is closed' }),
    failed: (err) => err,
    watch: () => () => {},
  };
}

const identity = (st: Stats | undefined): string | undefined => st && `${st.dev}:${st.ino}`;

export interface StoreGuardOptions {
  db: Database;
  file: string;
  logger?: Logger;
  now?: () => Date;
}

export function createStoreGuard(opts: StoreGuardOptions): StoreGuard {
  const { db } = opts;
  const file = resolve(opts.file);
  const logger = opts.logger ?? silentLogger;
  const now = opts.now ?? (() => new Date());
  const opened = identity(statSync(file));
  /** A lost file stays lost until a restart; a failed write clears when writing works again. */
  let lost: string | null = null;
  let failing: string | null = null;

  /** Copies everything the open handle holds to `target` (atomically: a temporary file, then a rename). */
  const copyOut = (target: string): void => {
    const tmp = `${target}.tmp-${process.pid}`;
    rmSync(tmp, { force: true });
    mkdirSync(dirname(target), { recursive: true });
    db.prepare('VACUUM INTO ?').run(tmp);
    renameSync(tmp, target);
  };

  /** The file at the path is not the one open: stop writing into it and save what it held. */
  const onLost = (current: string | undefined): void => {
    const deleted = current === undefined;
    let saved: string;
    try {
      // Fold the WAL into the open (lost) file and leave WAL mode: the -wal and -shm files at the path
      // belong to the lost file, and a later opener of the path must not replay them onto another.
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.pragma('journal_mode = MEMORY');
    } catch (err) {
      logger.warn({ file, err }, 'could not leave WAL mode on the lost database file');
    }
    try {
      const target = deleted ? file : `${file}.rescued-${now().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
      copyOut(target);
      saved = deleted ? `everything saved was copied back to ${file}` : `everything saved was copied to ${target}; the new file at the path was left alone`;
    } catch (err) {
      saved = `copying the open data back failed (${reason(err)}); the newest backup is restored at the next start`;
    }
    lost = `store ${file}: the database file was ${deleted ? 'deleted' : 'replaced'} while tapebot was running; ${saved}. Changes are refused until tapebot restarts.`;
    logger.error({ file, deleted }, lost);
  };

  const checkIdentity = (): void => {
    if (lost !== null || !db.open) return;
    const current = identity(statSync(file, { throwIfNoEntry: false }));
    if (current !== opened) onLost(current);
  };

  /** The integrity and writability check, after a failed write: logged, and its result is the problem /healthz shows. */
  const diagnose = (err: unknown): string => {
    const parts: string[] = [];
    try {
      probeDirectory(dirname(file));
    } catch (e) {
      parts.push(`its directory is not writable (${reason(e)})`);
    }
    try {
      const rows = db.pragma('quick_check') as { quick_check: string }[];
      const bad = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
      if (bad.length > 0) parts.push(`quick_check: ${bad.slice(0, 3).join('; ')}`);
    } catch (e) {
      parts.push(`quick_check failed (${reason(e)})`);
    }
    return `store ${file}: a write failed (${reason(err)})${parts.length > 0 ? `; ${parts.join('; ')}` : '; the integrity check passed'}`;
  };

  const recordFailure = (err: unknown): StorageError => {
    if (err instanceof StorageError) return err;
    const problem = diagnose(err);
    if (failing === null) logger.error({ file, err }, problem);
    else logger.warn({ file, code: (err as { code?: unknown }).code }, 'a write failed again');
    failing = problem;
    return new StorageError(problem, { cause: err });
  };

  const guard: StoreGuard = {
    file,
    write(fn) {
      checkIdentity();
      if (lost !== null) throw new StorageError(lost);
      try {
        // A write that works again does not clear a failure by itself: the next check (which also
        // probes the directory: a full disk may still take a commit into space SQLite had) does.
        return fn();
      } catch (err) {
        if (!isStorageFailure(err)) throw err;
        throw recordFailure(err);
      }
    },
    check() {
      if (!db.open) return { ok: false, problem: `store ${file}: closed` };
      checkIdentity();
      if (lost !== null) return { ok: false, problem: lost as string };
      try {
        probeDirectory(dirname(file));
      } catch (err) {
        if (failing === null) {
          failing = `store ${file}: its directory is not writable (${reason(err)})`;
          logger.error({ file }, failing);
        }
        return { ok: false, problem: failing };
      }
      const problem = failing;
      if (problem !== null) {
        try {
          db.prepare('INSERT OR REPLACE INTO store_probe (id, at) VALUES (1, ?)').run(now().toISOString());
          logger.info({ file }, 'store writable again');
          failing = null;
        } catch {
          return { ok: false, problem };
        }
      }
      return { ok: true };
    },
    failed(err) {
      return isStorageFailure(err) ? recordFailure(err) : err;
    },
    watch(intervalMs) {
      const timer = setInterval(() => {
        try {
          guard.check();
        } catch (err) {
          logger.warn({ err }, 'store check failed');
        }
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
  return guard;
}
