/**
 * Storage failures are said, not silent: the database file deleted while running, a truncated file at
 * start-up, a full disk (a small tmpfs this test mounts) — each through the real app, the real
 * /digest and /watch commands, the real store guard and the real /healthz server.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, renameSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { createApp, type App } from '../../src/app.ts';
import type { ChannelContext } from '../../src/command/define.ts';
import { loadConfig } from '../../src/config.ts';
import { createManualClock } from '../../src/digest/clock.ts';
import type { DigestStore } from '../../src/digest/types.ts';
import { createHealthRegistry, startOpsServer, type OpsServer } from '../../src/ops/health.ts';
import { createBackups } from '../../src/store/backup.ts';
import { StoreOpenError } from '../../src/store/guard.ts';
import { createStoredRecentKeys } from '../../src/store/recent-keys.ts';
import { ny } from '../digest/_fakes.ts';
import { memoryLog, type MemoryLog } from '../ops/_memory-log.ts';

const ADMIN: ChannelContext = { platform: 'discord', id: '111', canManage: true, userId: 'u1' };
const CHANNEL = { platform: 'discord', id: '111' } as const;

interface Bot {
  app: App;
  store: DigestStore;
  ops: OpsServer;
  log: MemoryLog;
  dbFile: string;
  stop(): Promise<void>;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'tapebot-storage-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** The app as main.ts builds it (store guard, digest store, /healthz), on `dataDir`. */
async function startBot(dataDir: string, env: Record<string, string> = {}): Promise<Bot> {
  const log = memoryLog('info');
  const health = createHealthRegistry();
  const app = createApp(loadConfig({ RENDER_THREADS: '0', DATA_DIR: dataDir, ...env }), { logger: log.logger, health, commands, digests: { clock: createManualClock(ny('2025-07-03T14:00')) } });
  const store = app.digests;
  const ops = await startOpsServer({ port: 0, host: '127.0.0.1', health, metrics: { text: async () => '', contentType: 'text/plain' } });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await ops.close();
    await app.close();
  };
  cleanups.push(stop);
  return { app, store, ops, log, dbFile: path.join(dataDir, 'tapebot.db'), stop };
}

async function run(bot: Bot, text: string): Promise<{ ok: boolean; message: string }> {
  const r = await bot.app.runner.runText(text, {}, ADMIN);
  return r.ok ? { ok: true, message: r.answer.lines.join('\n') } : { ok: false, message: r.error.message };
}

async function healthz(bot: Bot): Promise<{ status: number; body: { status: string; components: Record<string, { ready: boolean; detail?: string }> } }> {
  const res = await fetch(`${bot.ops.url}/healthz`);
  return { status: res.status, body: (await res.json()) as never };
}

const NOT_SAVED = /not saved/i;

describe('the database file deleted while tapebot runs', () => {
  it('refuses the next change as not saved, turns /healthz 503 naming the file, logs it, and loses nothing saved', async () => {
    const dir = path.join(tempDir(), 'var');
    const bot = await startBot(dir);
    expect((await run(bot, '/digest subscribe close')).ok).toBe(true);
    expect((await run(bot, '/watch add XLE KRE')).message).toMatch(/Added XLE, KRE/);
    expect((await healthz(bot)).status, 'healthy before').toBe(200);

    rmSync(bot.dbFile);

    const refused = await run(bot, '/watch add IWM');
    expect(refused.ok, 'the change is refused, not written into a deleted file').toBe(false);
    expect(refused.message).toMatch(NOT_SAVED);
    expect((await run(bot, '/digest subscribe sectors')).message, 'every later change too').toMatch(NOT_SAVED);

    const h = await healthz(bot);
    expect(h.status).toBe(503);
    expect(h.body.components.database?.ready).toBe(false);
    expect(h.body.components.database?.detail, 'the health report names the store and what happened').toContain(bot.dbFile);
    expect(h.body.components.database?.detail).toMatch(/deleted/);
    const logged = bot.log.records().find((r) => r.level === 50 && String(r.msg).includes(bot.dbFile));
    expect(logged?.msg, 'an error is logged naming the file').toMatch(/deleted/);

    await bot.stop();
    const again = await startBot(dir);
    expect((await again.store.subscriptions(CHANNEL)).map((s) => s.preset), 'the subscription survives the restart').toEqual(['close']);
    expect(await again.store.watchlist(CHANNEL), 'so does the watchlist; the refused change is not there').toEqual(['KRE', 'XLE']);
    expect((await healthz(again)).status).toBe(200);
    expect((await run(again, '/watch add IWM')).message, 'and changes are saved again').toMatch(/Added IWM/);
  }, 60_000);

  it('notices a file replaced under it (a new inode at the path) and leaves the new file alone', async () => {
    const dir = path.join(tempDir(), 'var');
    const bot = await startBot(dir);
    expect((await run(bot, '/watch add XLE')).ok).toBe(true);
    // Another database moved over the path, as `mv other.db tapebot.db` would.
    const other = path.join(dir, 'other.db');
    const o = new BetterSqlite3(other);
    o.exec('CREATE TABLE x (y)');
    o.close();
    renameSync(other, bot.dbFile);
    const h = await healthz(bot);
    expect(h.status).toBe(503);
    expect(h.body.components.database?.detail).toMatch(/replaced/);
    expect((await run(bot, '/watch add KRE')).message).toMatch(NOT_SAVED);
    const rescued = readdirSync(dir).filter((n) => n.startsWith('tapebot.db.rescued-'));
    expect(rescued, 'what the open file held is copied beside the new one').toHaveLength(1);
  }, 60_000);
});

/** A bot that saved `lines`, a backup of what it saved, and the bot stopped: the start of each restore case. */
async function savedAndBackedUp(lines: readonly string[]): Promise<{ dir: string; backupDir: string; bot: Awaited<ReturnType<typeof startBot>> }> {
  const root = tempDir();
  const dir = path.join(root, 'var');
  const backupDir = path.join(root, 'backups');
  const bot = await startBot(dir, { BACKUP_DIR: backupDir });
  for (const line of lines) await run(bot, line);
  createBackups({ db: bot.app.db, dir: backupDir, keep: 3 }).run();
  await bot.stop();
  return { dir, backupDir, bot };
}

describe('a truncated database at start-up', () => {
  it('is restored from the newest good backup, the damaged file kept aside, not opened as an empty store', async () => {
    const { dir, backupDir, bot } = await savedAndBackedUp(['/digest subscribe close', '/watch add XLE']);
    // Cut the file to its first page: the schema survives, the tables' pages do not.
    truncateSync(bot.dbFile, 4096);

    const again = await startBot(dir, { BACKUP_DIR: backupDir });
    expect((await again.store.subscriptions(CHANNEL)).map((s) => s.preset)).toEqual(['close']);
    expect(await again.store.watchlist(CHANNEL)).toEqual(['XLE']);
    expect(readdirSync(dir).some((n) => n.startsWith('tapebot.db.before-restore-')), 'the damaged file is kept for a look').toBe(true);
    expect(again.log.records().some((r) => r.level === 40 && /restored the newest good backup/.test(String(r.msg)))).toBe(true);
  }, 60_000);

  it('cut to nothing, with a backup, is restored too', async () => {
    const { dir, backupDir, bot } = await savedAndBackedUp(['/digest subscribe close']);
    truncateSync(bot.dbFile, 0);
    const again = await startBot(dir, { BACKUP_DIR: backupDir });
    expect((await again.store.subscriptions(CHANNEL)).map((s) => s.preset)).toEqual(['close']);
  }, 60_000);

  it('that cannot even be opened for the check (not damage: here a directory at its path) is left alone, not replaced by a backup', async () => {
    const { dir, backupDir, bot } = await savedAndBackedUp(['/digest subscribe close']);
    // SQLite cannot open a directory (SQLITE_CANTOPEN): the same path a failed library load or a
    // permission error takes, none of which says anything about the file's content.
    renameSync(bot.dbFile, `${bot.dbFile}.real`);
    mkdirSync(bot.dbFile);
    let thrown: unknown;
    try {
      await startBot(dir, { BACKUP_DIR: backupDir });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(StoreOpenError);
    const message = (thrown as Error).message;
    expect(message).toContain(bot.dbFile);
    expect(message).toMatch(/could not be checked/);
    expect(message).not.toMatch(/damaged/);
    expect(message.includes('\n'), 'one line').toBe(false);
    expect(statSync(bot.dbFile).isDirectory(), 'left where it was').toBe(true);
    expect(readdirSync(dir).filter((n) => n.startsWith('tapebot.db.before-restore-')), 'no backup put in its place').toEqual([]);
  }, 60_000);

  it('with no backup, stops start-up with one line naming the file', async () => {
    const dir = path.join(tempDir(), 'var');
    const bot = await startBot(dir);
    await run(bot, '/digest subscribe close');
    await bot.stop();
    truncateSync(bot.dbFile, 4096);
    let thrown: unknown;
    try {
      await startBot(dir);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(StoreOpenError);
    const message = (thrown as Error).message;
    expect(message).toContain(bot.dbFile);
    expect(message).toMatch(/damaged/);
    expect(message.includes('\n'), 'one line').toBe(false);
  }, 60_000);
});

/** Mounts a tmpfs of `size` at a fresh directory; undefined where this machine cannot mount. */
function mountTmpfs(size: string, options = ''): string | undefined {
  const at = tempDir();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${options ? `,${options}` : ''}`, 'tmpfs', at], { stdio: 'pipe' });
  } catch {
    return undefined;
  }
  cleanups.push(() => {
    execFileSync('umount', ['-l', at], { stdio: 'pipe' });
  });
  return at;
}

function canMount(): boolean {
  const probe = mkdtempSync(path.join(tmpdir(), 'tapebot-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
const MOUNTABLE = canMount();
if (!MOUNTABLE) console.warn('!!! storage.test.ts: cannot mount a tmpfs here (not root?): the full-disk test is SKIPPED !!!');

/** Writes zeros into `dir` until the disk is full; returns the filler's path. */
function fillDisk(dir: string): string {
  const filler = path.join(dir, 'filler');
  const fd = openSync(filler, 'w');
  const block = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, block);
  } catch (e) {
    expect((e as { code?: string }).code).toBe('ENOSPC');
  } finally {
    closeSync(fd);
  }
  // The last partial block.
  const fd2 = openSync(path.join(dir, 'filler2'), 'w');
  try {
    for (;;) writeSync(fd2, Buffer.alloc(512));
  } catch {
    // full
  } finally {
    closeSync(fd2);
  }
  return filler;
}

describe('a full disk', () => {
  it.skipIf(!MOUNTABLE)('says the change was not saved, turns /healthz 503, still answers mentions, and recovers when space is freed', async () => {
    const mnt = mountTmpfs('64m') as string;
    const dir = path.join(mnt, 'var');
    mkdirSync(dir);
    const bot = await startBot(dir);
    expect((await run(bot, '/digest subscribe close')).ok).toBe(true);
    const seen = createStoredRecentKeys(bot.app.db, { scope: 'slack', writes: bot.app.store });
    expect(seen.add('event-1')).toBe(true);
    // Fold the WAL into the database and truncate it, so the next commit must take new space (as it
    // does whenever the WAL grows): the disk is then filled to the last byte.
    bot.app.db.pragma('wal_checkpoint(TRUNCATE)');
    const filler = fillDisk(mnt);

    const refused = await run(bot, '/digest subscribe sectors');
    expect(refused.ok).toBe(false);
    expect(refused.message).toMatch(NOT_SAVED);
    expect((await run(bot, '/watch add XLE')).message).toMatch(NOT_SAVED);
    expect(seen.add('event-2'), 'a new Slack event is still taken (and answered) when it cannot be remembered on disk').toBe(true);
    expect(seen.add('event-2'), 'and its retry is still recognised, in memory').toBe(false);
    expect(seen.add('event-1'), 'a key stored before the disk filled is still recognised').toBe(false);
    const answer = await run(bot, '/perf XLE');
    expect(answer.ok, `a question still gets its answer when its prices cannot be cached (${answer.message})`).toBe(true);

    const h = await healthz(bot);
    expect(h.status).toBe(503);
    expect(h.body.components.database?.detail).toContain(bot.dbFile);
    expect(h.body.components.database?.detail).toMatch(/disk is full/);
    expect(bot.log.records().some((r) => r.level === 50 && /disk is full/.test(String(r.msg))), 'logged').toBe(true);

    rmSync(filler);
    rmSync(path.join(mnt, 'filler2'), { force: true });
    expect((await healthz(bot)).status, 'healthy again once there is space').toBe(200);
    expect((await run(bot, '/digest subscribe sectors')).ok).toBe(true);
    expect((await bot.store.subscriptions(CHANNEL)).map((s) => s.preset)).toEqual(['close', 'sectors']);
    await bot.stop();
    expect(statSync(bot.dbFile).size).toBeGreaterThan(0);
    expect(existsSync(bot.dbFile)).toBe(true);
  }, 60_000);
});
