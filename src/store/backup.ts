/**
 * Backups of the settings (subscriptions, watchlists, alerts, the digest outbox) into BACKUP_DIR, on a
 * schedule, keeping the newest BACKUP_KEEP, and the restore that brings one back.
 *
 * A backup is `VACUUM INTO` a temporary file, rather than better-sqlite3's `.backup()`: it is one
 * statement on the connection that writes, so it copies one consistent snapshot (the online-backup API
 * copies page by page between event-loop turns and starts over whenever the database is written in
 * between); its output is a compact, self-contained database (no WAL beside it) that `cp` can restore;
 * and it is the SQL that any sqlite3 shell can also run. It runs synchronously: at the size of the
 * settings that is a few milliseconds, and the rows of the price cache (which refills itself from the
 * providers) are then removed from the copy, which is vacuumed again so backups stay small.
 * Each backup is checked (`quick_check`) before it is renamed into place, so a file named
 * `tapebot-*.db` in BACKUP_DIR is always a complete, readable database.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Cron } from 'croner';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import type { Database } from './db.ts';

const NAME = /^tapebot-(\d{8}T\d{6}(?:\d{3})?Z)\.db$/;

/** `tapebot-20261204T093000Z.db`: names sort by time. */
export function backupName(at: Date): string {
  return `tapebot-${at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.db`;
}

/** The backups in `dir`, newest first (full paths). */
export function listBackups(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => NAME.test(n))
    .sort()
    .reverse()
    .map((n) => join(dir, n));
}

function quickCheck(file: string): string {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.pragma('quick_check') as { quick_check: string }[];
    return rows.every((r) => r.quick_check === 'ok') ? 'ok' : rows.map((r) => r.quick_check).join('; ');
  } finally {
    db.close();
  }
}

/** The newest backup in `dir` that opens and passes `quick_check`, or undefined. */
export function newestGoodBackup(dir: string): string | undefined {
  for (const f of listBackups(dir)) {
    try {
      if (quickCheck(f) === 'ok') return f;
    } catch {
      // Not a database: try the next one.
    }
  }
  return undefined;
}

export interface BackupOptions {
  db: Database;
  dir: string;
  /** How many backups to keep (the newest). */
  keep: number;
  /** Tables whose rows are not worth keeping (the price cache): emptied in the copy. */
  skipRowsOf?: readonly string[];
  logger?: Logger;
  now?: () => Date;
}

export interface Backups {
  /** Takes a backup now; returns its path and the backups pruned. */
  run(): { file: string; pruned: string[] };
  list(): string[];
}

export function createBackups(opts: BackupOptions): Backups {
  const dir = resolve(opts.dir);
  const now = opts.now ?? (() => new Date());
  const logger = opts.logger ?? silentLogger;
  const keep = Math.max(1, opts.keep);
  return {
    run() {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, backupName(now()));
      const tmp = `${file}.tmp`;
      rmSync(tmp, { force: true });
      try {
        opts.db.prepare('VACUUM INTO ?').run(tmp);
        const copy = new BetterSqlite3(tmp);
        try {
          const tables = new Set(copy.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all() as string[]);
          const skip = (opts.skipRowsOf ?? []).filter((t) => tables.has(t));
          if (skip.length > 0) {
            copy.transaction(() => {
              for (const t of skip) copy.exec(`DELETE FROM "${t.replace(/"/g, '""')}"`);
            })();
            copy.exec('VACUUM');
          }
          const rows = copy.pragma('quick_check') as { quick_check: string }[];
          if (!rows.every((r) => r.quick_check === 'ok')) throw new Error(`the copy failed its check: ${rows.map((r) => r.quick_check).join('; ')}`);
        } finally {
          copy.close();
        }
        renameSync(tmp, file);
      } catch (err) {
        rmSync(tmp, { force: true });
        throw err;
      }
      const pruned = listBackups(dir).slice(keep);
      for (const old of pruned) rmSync(old, { force: true });
      logger.info({ file, pruned: pruned.length }, 'backup written');
      return { file, pruned };
    },
    list: () => listBackups(dir),
  };
}

/**
 * Runs `task` on the cron `pattern` (UTC). Returns a function that stops it. Tests pass their own
 * `schedule` to fire the task without waiting.
 */
export type Schedule = (pattern: string, task: () => void) => () => void;

export const cronSchedule: Schedule = (pattern, task) => {
  const job = new Cron(pattern, { timezone: 'UTC', protect: true }, task);
  return () => job.stop();
};

/** Backups on `pattern`; a failed backup is logged (and tried again at the next time), never thrown. */
export function scheduleBackups(backups: Backups, pattern: string, opts: { schedule?: Schedule; logger?: Logger } = {}): () => void {
  const logger = opts.logger ?? silentLogger;
  return (opts.schedule ?? cronSchedule)(pattern, () => {
    try {
      backups.run();
    } catch (err) {
      logger.error({ err }, 'backup failed');
    }
  });
}

/**
 * Puts `backup` in place of `file` (stop tapebot first): the current file and its -wal and -shm, when
 * present, are moved aside (`<name>.before-restore-<time>`), then the backup is copied in under a
 * temporary name and renamed, so the path never holds half a file. Returns the files moved aside.
 */
export function restoreBackup(opts: { file: string; backup: string; now?: Date }): { movedAside: string[] } {
  const file = resolve(opts.file);
  const problem = quickCheck(opts.backup);
  if (problem !== 'ok') throw new Error(`the backup ${opts.backup} is damaged (${problem})`);
  const stamp = backupName(opts.now ?? new Date()).replace(/^tapebot-|\.db$/g, '');
  const movedAside: string[] = [];
  for (const suffix of ['', '-wal', '-shm']) {
    const f = `${file}${suffix}`;
    if (existsSync(f)) {
      const aside = `${file}.before-restore-${stamp}${suffix}`;
      renameSync(f, aside);
      movedAside.push(aside);
    }
  }
  const tmp = `${file}.restoring`;
  copyFileSync(opts.backup, tmp);
  renameSync(tmp, file);
  return { movedAside };
}
