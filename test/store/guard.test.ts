/** The store guard on its own: what counts as a storage failure, the periodic identity check, StorageError's words. */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeError, StorageError } from '../../src/errors.ts';
import { openStore, type OpenedStore } from '../../src/store/guard.ts';
import { memoryLog } from '../ops/_memory-log.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const c of cleanups.splice(0).reverse()) c();
});
function opened(dir = mkdtempSync(path.join(tmpdir(), 'tapebot-guard-')), log = memoryLog()): OpenedStore & { dir: string } {
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const s = openStore({ file: path.join(dir, 'tapebot.db'), logger: log.logger });
  cleanups.push(() => s.db.open && s.db.close());
  s.db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
  return { ...s, dir };
}

describe('StoreGuard.write', () => {
  it('passes a statement’s own error (a constraint) through unchanged and stays healthy', () => {
    const { db, guard } = opened();
    const add = db.prepare('INSERT INTO t VALUES (?)');
    guard.write(() => add.run('a'));
    let thrown: unknown;
    try {
      guard.write(() => add.run('a'));
    } catch (e) {
      thrown = e;
    }
    expect((thrown as { code?: string }).code).toBe('SQLITE_CONSTRAINT_PRIMARYKEY');
    expect(thrown).not.toBeInstanceOf(StorageError);
    expect(guard.check()).toEqual({ ok: true });
  });

  it('turns a read-only store into a StorageError naming the file, and recovers once writing works', () => {
    const { db, guard, dir } = opened();
    const file = path.join(dir, 'tapebot.db');
    const add = db.prepare('INSERT INTO t VALUES (?)');
    // A driver-level failure, as SQLite reports a read-only or full store.
    const failure = Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY' });
    expect(() =>
      guard.write(() => {
        throw failure;
      }),
    ).toThrow(StorageError);
    const state = guard.check();
    // The directory still takes a write and so does the database: the failure clears at the next check.
    expect(state).toEqual({ ok: true });
    guard.write(() => add.run('b'));
    const copy = new BetterSqlite3(file, { readonly: true });
    expect(copy.prepare('SELECT k FROM t').pluck().all()).toEqual(['b']);
    copy.close();
  });
});

describe('openStore', () => {
  it('moves aside a WAL left without its database (a crash after the file was deleted) instead of replaying it onto a new one', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tapebot-guard-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'tapebot.db');
    const a = new BetterSqlite3(file);
    a.pragma('journal_mode = WAL');
    a.exec('CREATE TABLE old (x)');
    a.prepare('INSERT INTO old VALUES (1)').run();
    copyFileSync(`${file}-wal`, path.join(dir, 'saved-wal'));
    a.close();
    rmSync(file);
    copyFileSync(path.join(dir, 'saved-wal'), `${file}-wal`);

    const log = memoryLog();
    const s = openStore({ file, logger: log.logger, now: () => new Date('2026-12-04T09:00:00Z') });
    cleanups.push(() => s.db.open && s.db.close());
    expect(readdirSync(dir).filter((n) => n.includes('orphaned'))).toEqual(['tapebot.db.orphaned-20261204T090000Z-wal']);
    expect(s.db.pragma('quick_check', { simple: true })).toBe('ok');
    expect(s.guard.check()).toEqual({ ok: true });
    expect(log.records().some((r) => r.level === 40 && /WAL file left without its database/.test(String(r.msg)))).toBe(true);
  });
});

describe('StoreGuard.watch', () => {
  it('notices a deleted file on its own, without waiting for a write, and copies the data back', () => {
    vi.useFakeTimers();
    cleanups.push(() => vi.useRealTimers());
    const log = memoryLog();
    const { db, guard, dir } = opened(undefined, log);
    const file = path.join(dir, 'tapebot.db');
    db.prepare('INSERT INTO t VALUES (?)').run('kept');
    const stop = guard.watch(30_000);
    rmSync(file);
    expect(log.records().filter((r) => r.level === 50), 'nothing noticed before the check runs').toEqual([]);
    vi.advanceTimersByTime(30_000);
    stop();
    const errors = log.records().filter((r) => r.level === 50);
    expect(errors).toHaveLength(1);
    expect(String(errors[0]?.msg)).toContain(`${file}: the database file was deleted`);
    expect(existsSync(file), 'the open data was copied back to the path').toBe(true);
    expect(readdirSync(dir).filter((n) => n.startsWith('tapebot.db-')), 'no WAL of the lost file is left to replay onto the copy').toEqual([]);
    const copy = new BetterSqlite3(file, { readonly: true });
    expect(copy.prepare('SELECT k FROM t').pluck().all()).toEqual(['kept']);
    copy.close();
    expect(() => guard.write(() => 1)).toThrow(StorageError);
  });
});

describe('StorageError in words', () => {
  it('tells the person their change was not saved, with the reference, and no file name', () => {
    const d = describeError(new StorageError('store /var/lib/tapebot/tapebot.db: a write failed (the disk is full)'), 'abc123');
    expect(d.audience).toBe('retry');
    expect(d.message).toMatch(/not saved/);
    expect(d.message).toContain('abc123');
    expect(d.message).not.toContain('/var/lib');
  });
});
