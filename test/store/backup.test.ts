/** Scheduled backups of the settings (VACUUM INTO), pruning, and the restore that brings them back. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createDigestStore } from '../../src/digest/store.ts';
import { createBackups, restoreBackup, scheduleBackups, type Schedule } from '../../src/store/backup.ts';
import { openDatabase, type Database } from '../../src/store/db.ts';
import { compiledSource } from '../_children.ts';
import { memoryLog } from '../ops/_memory-log.ts';

const CHANNEL = { platform: 'slack', id: 'C1' } as const;
const SLOT = { time: '16:30', tz: 'America/New_York' };

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'tapebot-backup-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}
function open(file: string): Database {
  const db = openDatabase(file);
  cleanups.push(() => db.open && db.close());
  return db;
}

/** A database with settings and a stand-in price cache (rows worth nothing in a backup). */
function seeded(file: string): Database {
  const db = open(file);
  const store = createDigestStore(db);
  store.subscribe(CHANNEL, 'close', SLOT, 'U1', new Date('2026-12-01T12:00:00Z'));
  store.watch(CHANNEL, ['XLE', 'KRE'], new Date('2026-12-01T12:00:00Z'));
  db.exec('CREATE TABLE bars (symbol TEXT, date TEXT, close REAL)');
  const add = db.prepare('INSERT INTO bars VALUES (?, ?, ?)');
  for (let i = 0; i < 500; i++) add.run('SPY', `d${i}`, i);
  return db;
}

/** A schedule the test fires by hand: no waiting on a clock. */
function manualSchedule(): { schedule: Schedule; fire(): void; pattern?: string; stopped: boolean } {
  const s: { schedule: Schedule; fire(): void; pattern?: string; stopped: boolean; task?: () => void } = {
    stopped: false,
    schedule: (pattern, task) => {
      s.pattern = pattern;
      s.task = task;
      return () => {
        s.stopped = true;
      };
    },
    fire: () => s.task?.(),
  };
  return s;
}

describe('scheduled backups', () => {
  it('writes a valid SQLite copy holding the settings on each tick, without the cache rows, and keeps the newest N', () => {
    const dir = tempDir();
    const backupDir = path.join(dir, 'backups');
    const db = seeded(path.join(dir, 'tapebot.db'));
    let t = Date.parse('2026-12-04T09:00:00Z');
    const backups = createBackups({ db, dir: backupDir, keep: 3, skipRowsOf: ['bars', 'series_meta'], now: () => new Date(t) });
    const clock = manualSchedule();
    const stop = scheduleBackups(backups, '0 * * * *', { schedule: clock.schedule });
    expect(clock.pattern).toBe('0 * * * *');
    expect(existsSync(backupDir), 'nothing before the first tick').toBe(false);

    clock.fire();
    expect(readdirSync(backupDir)).toEqual(['tapebot-20261204T090000Z.db']);
    const copy = new BetterSqlite3(path.join(backupDir, 'tapebot-20261204T090000Z.db'), { readonly: true, fileMustExist: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(copy.prepare('SELECT channel, preset FROM digest_subscriptions').all()).toEqual([{ channel: 'C1', preset: 'close' }]);
      expect(copy.prepare('SELECT symbol FROM digest_watchlist ORDER BY symbol').pluck().all()).toEqual(['KRE', 'XLE']);
      expect(copy.prepare('SELECT count(*) FROM bars').pluck().get(), 'the price cache refills itself: its rows are left out').toBe(0);
    } finally {
      copy.close();
    }
    expect(db.prepare('SELECT count(*) FROM bars').pluck().get(), 'the live cache is untouched').toBe(500);

    for (let h = 1; h <= 4; h++) {
      t += 3600_000;
      clock.fire();
    }
    expect(readdirSync(backupDir).sort(), 'the newest 3 kept, older ones pruned').toEqual(['tapebot-20261204T110000Z.db', 'tapebot-20261204T120000Z.db', 'tapebot-20261204T130000Z.db']);
    stop();
    expect(clock.stopped).toBe(true);
  });

  it('logs a failed backup instead of throwing out of the timer, and leaves no partial file', () => {
    const dir = tempDir();
    const db = seeded(path.join(dir, 'tapebot.db'));
    const blocked = path.join(dir, 'a-file');
    writeFileSync(blocked, 'x');
    const log = memoryLog();
    const clock = manualSchedule();
    scheduleBackups(createBackups({ db, dir: path.join(blocked, 'backups'), keep: 3 }), '0 * * * *', { schedule: clock.schedule, logger: log.logger });
    expect(() => clock.fire()).not.toThrow();
    expect(log.records().some((r) => r.level === 50 && r.msg === 'backup failed')).toBe(true);
  });

  it('BACKUP_SCHEDULE defaults to hourly and a bad pattern stops start-up naming it', () => {
    const c = loadConfig({});
    expect(c.BACKUP_SCHEDULE).toBe('0 * * * *');
    expect(c.BACKUP_KEEP).toBe(48);
    expect(() => loadConfig({ BACKUP_SCHEDULE: 'every hour' })).toThrow(/BACKUP_SCHEDULE must be a cron pattern/);
  });
});

describe('restore', () => {
  it('brings the settings back into a new database, moving the current file aside', () => {
    const dir = tempDir();
    const db = seeded(path.join(dir, 'tapebot.db'));
    const { file: backup } = createBackups({ db, dir: path.join(dir, 'backups'), keep: 3, now: () => new Date('2026-12-04T09:00:00Z') }).run();
    db.close();

    const target = path.join(dir, 'new', 'tapebot.db');
    const wrong = open(target);
    wrong.exec('CREATE TABLE unrelated (x)');
    wrong.close();
    const { movedAside } = restoreBackup({ file: target, backup, now: new Date('2026-12-04T10:00:00Z') });
    expect(movedAside).toEqual([`${target}.before-restore-20261204T100000Z`]);

    const restored = createDigestStore(open(target));
    expect(restored.subscriptions().map((s) => [s.channel.id, s.preset, s.slot.time])).toEqual([['C1', 'close', '16:30']]);
    expect(restored.watchlist(CHANNEL)).toEqual(['KRE', 'XLE']);
  });

  it('the restore entry (`node dist/src/restore.js`; `npm run restore` runs the same from source) puts the newest good backup in place of DATA_DIR/tapebot.db', async () => {
    const dir = tempDir();
    const dataDir = path.join(dir, 'var');
    const backupDir = path.join(dir, 'bk');
    const db = seeded(path.join(dataDir, 'tapebot.db'));
    createBackups({ db, dir: backupDir, keep: 3, now: () => new Date('2026-12-04T08:00:00Z') }).run();
    createDigestStore(db).unsubscribe(CHANNEL);
    db.close();
    // A damaged newer file is passed over for the newest good one.
    writeFileSync(path.join(backupDir, 'tapebot-20261204T090000Z.db'), 'not a database');

    const child = spawn(process.execPath, [compiledSource('src/restore.ts')], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, BACKUP_DIR: backupDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, out).toBe(0);
    expect(out).toContain('tapebot-20261204T080000Z.db');
    const restored = createDigestStore(open(path.join(dataDir, 'tapebot.db')));
    expect(restored.subscriptions().map((s) => s.preset)).toEqual(['close']);
  }, 60_000);
});
