import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.ts';
import { createRecentKeys, createStoredRecentKeys, RECENT_KEYS_TTL_MS } from '../../src/store/recent-keys.ts';

describe('createRecentKeys (in memory)', () => {
  it('remembers a bounded number of keys, oldest forgotten first', () => {
    const keys = createRecentKeys(3);
    expect(['a', 'b', 'c'].map((k) => keys.add(k))).toEqual([true, true, true]);
    expect(keys.add('a'), 'seen').toBe(false);
    expect(keys.add('d'), 'new').toBe(true);
    expect(keys.size, 'never more than the bound').toBe(3);
    expect(keys.add('a'), '"a" was the oldest, and is forgotten').toBe(true);
    expect(keys.add('c'), '"c" is still remembered').toBe(false);
  });
});

describe('createStoredRecentKeys (in the database)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('recognises a key after the database is closed and opened again', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tapebot-keys-'));
    dirs.push(dir);
    const file = path.join(dir, 'keys.db');
    const t = 1_750_000_000_000;
    let db = openDatabase(file);
    const first = createStoredRecentKeys(db, { scope: 'slack', now: () => t });
    expect(first.add('event:Ev1'), 'new').toBe(true);
    expect(first.add('event:Ev1'), 'seen').toBe(false);
    db.close();

    db = openDatabase(file);
    const again = createStoredRecentKeys(db, { scope: 'slack', now: () => t + 5 * 60_000 });
    expect(again.add('event:Ev1'), 'five minutes and a restart later: still seen').toBe(false);
    expect(again.add('event:Ev2'), 'another key is new').toBe(true);
    expect(again.size).toBe(2);
    db.close();
  });

  it('forgets a key once its time has passed, and prunes old rows', () => {
    const db = openDatabase(':memory:');
    let t = 1_750_000_000_000;
    const keys = createStoredRecentKeys(db, { scope: 'slack', ttlMs: 60_000, now: () => t });
    expect(keys.add('a')).toBe(true);
    t += 59_999;
    expect(keys.add('a'), 'just inside the time').toBe(false);
    expect(keys.add('b')).toBe(true);
    t += 1;
    expect(keys.add('a'), 'exactly the time later: forgotten, and taken again').toBe(true);
    expect(keys.add('a'), 'and now remembered from this moment').toBe(false);
    t += 60_000;
    expect(keys.size, 'nothing is live a minute later').toBe(0);
    keys.add('c');
    const rows = (db.prepare('SELECT key FROM recent_keys ORDER BY key').all() as { key: string }[]).map((r) => r.key);
    expect(rows, 'expired rows deleted as new keys arrive').toEqual(['c']);
    db.close();
  });

  it('keeps scopes apart', () => {
    const db = openDatabase(':memory:');
    const slack = createStoredRecentKeys(db, { scope: 'slack' });
    const other = createStoredRecentKeys(db, { scope: 'other' });
    expect(slack.add('k')).toBe(true);
    expect(other.add('k'), 'the same key in another scope is new').toBe(true);
    expect(slack.add('k')).toBe(false);
    db.close();
  });

  it('remembers for an hour by default, longer than Slack retries for', () => {
    expect(RECENT_KEYS_TTL_MS).toBe(3_600_000);
    const db = openDatabase(':memory:');
    let t = 0;
    const keys = createStoredRecentKeys(db, { scope: 'slack', now: () => t });
    keys.add('Ev');
    t = 59 * 60_000;
    expect(keys.add('Ev')).toBe(false);
    db.close();
  });
});
