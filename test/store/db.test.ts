import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, runMigrations, type Database } from '../../src/store/db.ts';

const dirs: string[] = [];
const open: Database[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tapebot-db-'));
  dirs.push(d);
  return d;
}
function track(db: Database): Database {
  open.push(db);
  return db;
}
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const tables = (db: Database): string[] =>
  (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all() as string[]).filter(
    (n) => n !== 'schema_migrations',
  );

describe('openDatabase', () => {
  it('creates missing parent directories and sets the pragmas', () => {
    const file = join(tempDir(), 'nested', 'deeper', 'tapebot.db');
    const db = track(openDatabase(file));
    expect(existsSync(file), 'the file and its parent directories are created').toBe(true);
    expect(db.pragma('journal_mode', { simple: true }), 'WAL lets a command read while the cache writes').toBe('wal');
    expect(db.pragma('synchronous', { simple: true }), 'NORMAL is 1').toBe(1);
    expect(db.pragma('foreign_keys', { simple: true }), 'foreign keys enforced').toBe(1);
    expect(db.pragma('busy_timeout', { simple: true }), 'a second process waits for the lock').toBeGreaterThan(0);
  });

  it('opens a private in-memory database for :memory:', () => {
    const a = track(openDatabase(':memory:'));
    const b = track(openDatabase(':memory:'));
    a.exec('CREATE TABLE t (x)');
    expect(tables(b), 'two :memory: databases share nothing').toEqual([]);
  });
});

describe('runMigrations', () => {
  const v1 = ['CREATE TABLE a (x INTEGER)', 'ALTER TABLE a ADD COLUMN y TEXT'];

  it('applies pending migrations in order and records the version per module', () => {
    const db = track(openDatabase(':memory:'));
    expect(runMigrations(db, 'alpha', v1)).toBe(2);
    expect(tables(db)).toEqual(['a']);
    const cols = (db.prepare('PRAGMA table_info(a)').all() as { name: string }[]).map((c) => c.name);
    expect(cols, 'the second migration ran after the first').toEqual(['x', 'y']);
    expect(db.prepare("SELECT version FROM schema_migrations WHERE name = 'alpha'").pluck().get()).toBe(2);
  });

  it('is idempotent, and an appended migration runs alone', () => {
    const db = track(openDatabase(':memory:'));
    runMigrations(db, 'alpha', v1);
    // Running v1 again would fail ("table a already exists") if it were re-applied.
    expect(() => runMigrations(db, 'alpha', v1), 'nothing is re-applied').not.toThrow();
    runMigrations(db, 'alpha', [...v1, 'CREATE TABLE a2 (z)']);
    expect(tables(db)).toEqual(['a', 'a2']);
  });

  it('keeps modules independent', () => {
    const db = track(openDatabase(':memory:'));
    runMigrations(db, 'alpha', v1);
    runMigrations(db, 'beta', ['CREATE TABLE b (x)']);
    const versions = db.prepare('SELECT name, version FROM schema_migrations ORDER BY name').all();
    expect(versions, 'each module has its own version').toEqual([
      { name: 'alpha', version: 2 },
      { name: 'beta', version: 1 },
    ]);
  });

  it('rolls back a failing run entirely', () => {
    const db = track(openDatabase(':memory:'));
    expect(() => runMigrations(db, 'gamma', ['CREATE TABLE g (x)', 'THIS IS NOT SQL'])).toThrow();
    expect(tables(db), 'the first migration of the failed run is undone too').toEqual([]);
    expect(db.prepare("SELECT version FROM schema_migrations WHERE name = 'gamma'").pluck().get()).toBeUndefined();
  });

  it('refuses a database written by a newer build', () => {
    const db = track(openDatabase(':memory:'));
    runMigrations(db, 'alpha', v1);
    expect(() => runMigrations(db, 'alpha', v1.slice(0, 1)), 'version 2 stored, only 1 known').toThrow(/newer/);
  });

  it('persists across reopening the file', () => {
    const file = join(tempDir(), 'm.db');
    const first = track(openDatabase(file));
    runMigrations(first, 'alpha', v1);
    first.prepare('INSERT INTO a (x, y) VALUES (1, ?)').run('kept');
    first.close();
    const again = track(openDatabase(file));
    expect(() => runMigrations(again, 'alpha', v1), 'already applied on disk').not.toThrow();
    expect(again.prepare('SELECT y FROM a').pluck().get()).toBe('kept');
  });
});
