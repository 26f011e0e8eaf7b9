/**
 * `npm run restore`: puts a backup in place of the database (README, "Restoring a backup").
 *
 *   npm run restore               the newest good backup in BACKUP_DIR
 *   npm run restore -- FILE       that backup
 *   npm run restore -- --list     the backups, newest first
 *
 * Stop tapebot first. The current database (and its -wal and -shm) is moved aside, never deleted.
 * Exit 0 when restored (or listed), 1 when it could not be, 2 on bad configuration.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { backupDirOf } from '../app.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { listBackups, newestGoodBackup, restoreBackup } from './backup.ts';

export function runRestore(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): number {
  let config;
  try {
    config = loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      out(e.message);
      return 2;
    }
    throw e;
  }
  const dir = backupDirOf(config);
  const file = path.resolve(config.DATA_DIR, 'tapebot.db');
  const args = argv.filter((a) => a !== '--force');
  if (args[0] === '--list') {
    const all = listBackups(dir);
    out(all.length === 0 ? `No backups in ${dir}.` : all.join('\n'));
    return 0;
  }
  const backup = args[0] ? path.resolve(args[0]) : newestGoodBackup(dir);
  if (!backup) {
    out(`No good backup in ${dir} (BACKUP_DIR): nothing restored.`);
    return 1;
  }
  // A clean shutdown removes the shared-memory file; its presence means tapebot is running (or crashed).
  if (existsSync(`${file}-shm`) && !argv.includes('--force')) {
    out(`${file}-shm exists: tapebot may still be running. Stop it first (or pass --force if it crashed).`);
    return 1;
  }
  try {
    const { movedAside } = restoreBackup({ file, backup });
    out(`Restored ${backup} to ${file}.${movedAside.length > 0 ? ` The previous files were moved aside: ${movedAside.join(', ')}.` : ''} Start tapebot again.`);
    return 0;
  } catch (e) {
    out(`Nothing restored: ${e instanceof Error ? e.message : String(e)}.`);
    return 1;
  }
}
