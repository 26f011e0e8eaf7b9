/**
 * What digests and alerts persist, in the one SQLite database (migration set `'digest'`):
 *
 * - `digest_subscriptions`: one row per (channel, preset), with the slot it is posted at.
 * - `digest_watchlist`: the symbols a channel watches (the close digest reports their events).
 * - `digest_alerts`: one row per alert, with the key of the last event it fired for.
 * - `digest_payloads`: a computed Answer, stored once per distinct configuration and trading day and
 *   shared by every channel that receives it, so a resumed post sends exactly what was decided.
 * - `digest_outbox`: one row per message decided: (kind, subscription or alert, trading day or event),
 *   unique. The row is inserted 'pending' in the transaction that decides to send; the poster is called
 *   with the row's idempotency key; the row becomes 'sent' after. A crash anywhere in between leaves a
 *   'pending' row that start-up resumes with the same key, so the platform sees one message (see
 *   docs/digests.md for each platform's guarantee).
 * - `digest_channel_health`: consecutive permanent post failures per channel; past a limit the
 *   channel's subscriptions and alerts are removed.
 *
 * Every method is synchronous (better-sqlite3); a transaction never spans an await. Every write goes
 * through `writes` (the store guard, src/store/guard.ts): a write that cannot be saved throws a
 * StorageError, and one that changes several rows is one transaction, so it is saved whole or not at all.
 */
import type { Answer } from '../answer/answer.ts';
import { runMigrations, type Database } from '../store/db.ts';
import { unguarded, type StoreWrites } from '../store/guard.ts';
import type { ChannelRef, Platform } from './poster.ts';
import { idempotencyKey, toAlert, toOutbox, toSubscription, type AlertRow, type OutboxDbRow, type SubRow } from './rows.ts';
import {
  AlertSpecSchema,
  MAX_WATCHLIST,
  type Decision,
  type DigestStoreOf,
  type OutboxKind,
  type OutboxRow,
  type OutboxStatus,
  type StoreChange,
  type WorkspaceDrop,
} from './types.ts';

export const DIGEST_MIGRATIONS: readonly string[] = [
  `CREATE TABLE digest_subscriptions (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     platform TEXT NOT NULL,
     channel TEXT NOT NULL,
     preset TEXT NOT NULL,
     time TEXT NOT NULL,
     tz TEXT NOT NULL,
     created_at TEXT NOT NULL,
     created_by TEXT,
     UNIQUE (platform, channel, preset)
   );
   CREATE TABLE digest_watchlist (
     platform TEXT NOT NULL,
     channel TEXT NOT NULL,
     symbol TEXT NOT NULL,
     added_at TEXT NOT NULL,
     PRIMARY KEY (platform, channel, symbol)
   ) WITHOUT ROWID;
   CREATE TABLE digest_alerts (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     platform TEXT NOT NULL,
     channel TEXT NOT NULL,
     kind TEXT NOT NULL,
     symbol TEXT NOT NULL,
     other TEXT,
     level REAL,
     n INTEGER,
     created_at TEXT NOT NULL,
     created_asof TEXT NOT NULL,
     created_by TEXT,
     last_event TEXT
   );
   CREATE INDEX digest_alerts_channel ON digest_alerts (platform, channel);
   CREATE TABLE digest_payloads (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     config_key TEXT NOT NULL,
     answer TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE TABLE digest_outbox (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     kind TEXT NOT NULL,
     ref_id INTEGER NOT NULL,
     event TEXT NOT NULL,
     platform TEXT NOT NULL,
     channel TEXT NOT NULL,
     payload_id INTEGER REFERENCES digest_payloads (id),
     idem_key TEXT NOT NULL UNIQUE,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     decided_at TEXT NOT NULL,
     due_at TEXT,
     last_attempt_at TEXT,
     sent_at TEXT,
     message_id TEXT,
     note TEXT,
     UNIQUE (kind, ref_id, event)
   );
   CREATE INDEX digest_outbox_status ON digest_outbox (status);
   CREATE TABLE digest_channel_health (
     platform TEXT NOT NULL,
     channel TEXT NOT NULL,
     failures INTEGER NOT NULL,
     last_error TEXT,
     PRIMARY KEY (platform, channel)
   ) WITHOUT ROWID;`,
  // 2: the workspace (Slack team) a channel's subscriptions, watchlist, alerts and posts belong to:
  // posted with that workspace's token, removed when the app is uninstalled there. NULL: not recorded.
  `ALTER TABLE digest_subscriptions ADD COLUMN workspace TEXT;
   ALTER TABLE digest_watchlist ADD COLUMN workspace TEXT;
   ALTER TABLE digest_alerts ADD COLUMN workspace TEXT;
   ALTER TABLE digest_outbox ADD COLUMN workspace TEXT;
   CREATE INDEX digest_subscriptions_workspace ON digest_subscriptions (platform, workspace);
   CREATE INDEX digest_watchlist_workspace ON digest_watchlist (platform, workspace);
   CREATE INDEX digest_alerts_workspace ON digest_alerts (platform, workspace);`,
];

export interface SqliteDigestStore extends DigestStoreOf<true> {
  readonly db: Database;
}

export function createDigestStore(db: Database, writes: StoreWrites = unguarded): SqliteDigestStore {
  runMigrations(db, 'digest', DIGEST_MIGRATIONS);
  const w = <T>(fn: () => T): T => writes.write(fn);
  const listeners = new Set<(what: StoreChange) => void>();
  const emit = (what: StoreChange) => {
    for (const l of listeners) l(what);
  };

  const q = {
    subUpsert: db.prepare(
      `INSERT INTO digest_subscriptions (platform, channel, preset, time, tz, created_at, created_by, workspace) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (platform, channel, preset) DO UPDATE SET time = excluded.time, tz = excluded.tz, workspace = COALESCE(excluded.workspace, workspace)`,
    ),
    subByKey: db.prepare('SELECT * FROM digest_subscriptions WHERE platform = ? AND channel = ? AND preset = ?'),
    subById: db.prepare('SELECT * FROM digest_subscriptions WHERE id = ?'),
    subsAll: db.prepare('SELECT * FROM digest_subscriptions ORDER BY id'),
    // One query per slot occurrence: each subscription with its watchlist (JSON, in watchlist order) and
    // whether its digest for the event is decided. Both subqueries use primary keys or unique indexes.
    subsOfSlot: db.prepare(
      `SELECT s.*,
         (SELECT json_group_array(symbol) FROM (SELECT symbol FROM digest_watchlist w WHERE w.platform = s.platform AND w.channel = s.channel ORDER BY added_at, symbol)) AS watchlist,
         EXISTS (SELECT 1 FROM digest_outbox o WHERE o.kind = 'digest' AND o.ref_id = s.id AND o.event = ?) AS decided
       FROM digest_subscriptions s WHERE s.time = ? AND s.tz = ? ORDER BY s.id`,
    ),
    subsOf: db.prepare('SELECT * FROM digest_subscriptions WHERE platform = ? AND channel = ? ORDER BY id'),
    unsubOne: db.prepare('DELETE FROM digest_subscriptions WHERE platform = ? AND channel = ? AND preset = ?'),
    unsubAll: db.prepare('DELETE FROM digest_subscriptions WHERE platform = ? AND channel = ?'),
    watchOf: db.prepare('SELECT symbol FROM digest_watchlist WHERE platform = ? AND channel = ? ORDER BY added_at, symbol'),
    watchAdd: db.prepare('INSERT OR IGNORE INTO digest_watchlist (platform, channel, symbol, added_at, workspace) VALUES (?, ?, ?, ?, ?)'),
    watchDel: db.prepare('DELETE FROM digest_watchlist WHERE platform = ? AND channel = ? AND symbol = ?'),
    alertAdd: db.prepare(
      `INSERT INTO digest_alerts (platform, channel, kind, symbol, other, level, n, created_at, created_asof, created_by, workspace)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    alertById: db.prepare('SELECT * FROM digest_alerts WHERE id = ?'),
    alertsAll: db.prepare('SELECT * FROM digest_alerts ORDER BY id'),
    alertsOf: db.prepare('SELECT * FROM digest_alerts WHERE platform = ? AND channel = ? ORDER BY id'),
    alertDel: db.prepare('DELETE FROM digest_alerts WHERE platform = ? AND channel = ? AND id = ?'),
    alertsDelChannel: db.prepare('DELETE FROM digest_alerts WHERE platform = ? AND channel = ?'),
    alertLast: db.prepare('UPDATE digest_alerts SET last_event = ? WHERE id = ?'),
    payloadAdd: db.prepare('INSERT INTO digest_payloads (config_key, answer, created_at) VALUES (?, ?, ?)'),
    payloadGet: db.prepare('SELECT answer FROM digest_payloads WHERE id = ?'),
    outboxLast: db.prepare('SELECT MAX(event) AS event FROM digest_outbox WHERE kind = ? AND ref_id = ?'),
    outboxHas: db.prepare('SELECT 1 FROM digest_outbox WHERE kind = ? AND ref_id = ? AND event = ?'),
    outboxAdd: db.prepare(
      `INSERT OR IGNORE INTO digest_outbox (kind, ref_id, event, platform, channel, payload_id, idem_key, status, decided_at, due_at, note, workspace)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    outboxGet: db.prepare('SELECT * FROM digest_outbox WHERE id = ?'),
    outboxPending: db.prepare("SELECT * FROM digest_outbox WHERE status = 'pending' ORDER BY id"),
    outboxPendingCounts: db.prepare("SELECT platform, kind, COUNT(*) AS count FROM digest_outbox WHERE status = 'pending' GROUP BY platform, kind"),
    outboxAll: db.prepare('SELECT * FROM digest_outbox ORDER BY id'),
    attempt: db.prepare('UPDATE digest_outbox SET attempts = attempts + 1, last_attempt_at = ? WHERE id = ?'),
    sent: db.prepare("UPDATE digest_outbox SET status = 'sent', sent_at = ?, message_id = ? WHERE id = ?"),
    final: db.prepare('UPDATE digest_outbox SET status = ?, note = ? WHERE id = ?'),
    healthFail: db.prepare(
      `INSERT INTO digest_channel_health (platform, channel, failures, last_error) VALUES (?, ?, 1, ?)
       ON CONFLICT (platform, channel) DO UPDATE SET failures = failures + 1, last_error = excluded.last_error
       RETURNING failures`,
    ),
    pruneOutbox: db.prepare("DELETE FROM digest_outbox WHERE status != 'pending' AND decided_at < ?"),
    prunePayloads: db.prepare('DELETE FROM digest_payloads WHERE id NOT IN (SELECT payload_id FROM digest_outbox WHERE payload_id IS NOT NULL)'),
    healthOk: db.prepare('DELETE FROM digest_channel_health WHERE platform = ? AND channel = ?'),
    wsSubs: db.prepare('DELETE FROM digest_subscriptions WHERE platform = ? AND workspace = ?'),
    wsWatch: db.prepare('DELETE FROM digest_watchlist WHERE platform = ? AND workspace = ?'),
    wsAlerts: db.prepare('DELETE FROM digest_alerts WHERE platform = ? AND workspace = ?'),
    wsCancel: db.prepare("UPDATE digest_outbox SET status = 'cancelled', note = 'workspace uninstalled' WHERE status = 'pending' AND platform = ? AND workspace = ?"),
  };

  const insertRows = (decisions: readonly Decision[], payloadId: number | null, status: OutboxStatus, at: Date, note: string | null): OutboxRow[] => {
    const out: OutboxRow[] = [];
    for (const d of decisions) {
      const info = q.outboxAdd.run(
        d.kind,
        d.refId,
        d.event,
        d.channel.platform,
        d.channel.id,
        payloadId,
        idempotencyKey(d.kind, d.refId, d.event, d.channel),
        status,
        at.toISOString(),
        d.dueAt?.toISOString() ?? null,
        note,
        d.channel.workspace ?? null,
      );
      if (info.changes === 0) continue;
      if (d.kind === 'alert') q.alertLast.run(d.event, d.refId);
      out.push(toOutbox(q.outboxGet.get(info.lastInsertRowid) as OutboxDbRow));
    }
    return out;
  };

  const decideTx = db.transaction((decisions: readonly Decision[], payload: { configKey: string; answer: Answer } | null, at: Date): OutboxRow[] => {
    // Only decisions without a row need the payload; a fully decided batch stores nothing.
    const fresh = decisions.filter((d) => !q.outboxHas.get(d.kind, d.refId, d.event));
    if (fresh.length === 0) return [];
    const payloadId = payload ? Number(q.payloadAdd.run(payload.configKey, JSON.stringify(payload.answer), at.toISOString()).lastInsertRowid) : null;
    return insertRows(fresh, payloadId, 'pending', at, null);
  });

  const pruneTx = db.transaction((before: Date) => ({
    outbox: q.pruneOutbox.run(before.toISOString()).changes,
    payloads: q.prunePayloads.run().changes,
  }));

  const watchTx = db.transaction((channel: ChannelRef, symbols: readonly string[], at: Date) => {
    for (const s of symbols) q.watchAdd.run(channel.platform, channel.id, s, at.toISOString(), channel.workspace ?? null);
  });

  const dropTx = db.transaction((channel: ChannelRef) => ({
    subscriptions: q.unsubAll.run(channel.platform, channel.id).changes,
    alerts: q.alertsDelChannel.run(channel.platform, channel.id).changes,
  }));

  const dropWorkspaceTx = db.transaction((platform: Platform, workspace: string): WorkspaceDrop => ({
    subscriptions: q.wsSubs.run(platform, workspace).changes,
    watchlist: q.wsWatch.run(platform, workspace).changes,
    alerts: q.wsAlerts.run(platform, workspace).changes,
    cancelled: q.wsCancel.run(platform, workspace).changes,
  }));

  return {
    db,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    subscribe(channel, preset, slot, by, at) {
      const before = q.subByKey.get(channel.platform, channel.id, preset) as SubRow | undefined;
      w(() => q.subUpsert.run(channel.platform, channel.id, preset, slot.time, slot.tz, at.toISOString(), by, channel.workspace ?? null));
      const row = q.subByKey.get(channel.platform, channel.id, preset) as SubRow;
      emit('subscriptions');
      return { subscription: toSubscription(row), replaced: before !== undefined };
    },
    unsubscribe(channel, preset) {
      const n = w(() => (preset ? q.unsubOne.run(channel.platform, channel.id, preset).changes : q.unsubAll.run(channel.platform, channel.id).changes));
      if (n > 0) emit('subscriptions');
      return n;
    },
    subscriptions(channel) {
      const rows = (channel ? q.subsOf.all(channel.platform, channel.id) : q.subsAll.all()) as SubRow[];
      return rows.map(toSubscription);
    },
    slotSubscriptions(slot, event) {
      const rows = q.subsOfSlot.all(event, slot.time, slot.tz) as (SubRow & { watchlist: string; decided: number })[];
      return rows.map((r) => ({ subscription: toSubscription(r), watchlist: JSON.parse(r.watchlist) as string[], decided: r.decided === 1 }));
    },
    subscription(id) {
      const r = q.subById.get(id) as SubRow | undefined;
      return r && toSubscription(r);
    },

    watchlist(channel) {
      return (q.watchOf.all(channel.platform, channel.id) as { symbol: string }[]).map((r) => r.symbol);
    },
    watch(channel, symbols, at) {
      const have = new Set(this.watchlist(channel));
      const added: string[] = [];
      const already: string[] = [];
      const overLimit: string[] = [];
      for (const s of symbols) {
        if (have.has(s)) already.push(s);
        else if (have.size >= MAX_WATCHLIST) overLimit.push(s);
        else {
          have.add(s);
          added.push(s);
        }
      }
      if (added.length > 0) w(() => watchTx(channel, added, at));
      if (added.length > 0) emit('watchlist');
      return { added, already, overLimit };
    },
    unwatch(channel, symbols) {
      const removed: string[] = [];
      const absent: string[] = [];
      w(() =>
        db.transaction(() => {
          for (const s of symbols) (q.watchDel.run(channel.platform, channel.id, s).changes > 0 ? removed : absent).push(s);
        })(),
      );
      if (removed.length > 0) emit('watchlist');
      return { removed, absent };
    },

    addAlert(channel, spec, createdAsOf, by, at) {
      const s = AlertSpecSchema.parse(spec);
      const info = w(() => q.alertAdd.run(
        channel.platform,
        channel.id,
        s.kind,
        s.symbol,
        'other' in s ? s.other : null,
        'level' in s ? s.level : null,
        'n' in s ? s.n : null,
        at.toISOString(),
        createdAsOf,
        by,
        channel.workspace ?? null,
      ));
      emit('alerts');
      return toAlert(q.alertById.get(info.lastInsertRowid) as AlertRow);
    },
    alerts(channel) {
      const rows = (channel ? q.alertsOf.all(channel.platform, channel.id) : q.alertsAll.all()) as AlertRow[];
      return rows.map(toAlert);
    },
    alert(id) {
      const r = q.alertById.get(id) as AlertRow | undefined;
      return r && toAlert(r);
    },
    removeAlert(channel, id) {
      const ok = w(() => q.alertDel.run(channel.platform, channel.id, id).changes > 0);
      if (ok) emit('alerts');
      return ok;
    },

    savePayload(configKey, answer, at) {
      return w(() => Number(q.payloadAdd.run(configKey, JSON.stringify(answer), at.toISOString()).lastInsertRowid));
    },
    payload(id) {
      const r = q.payloadGet.get(id) as { answer: string } | undefined;
      return r && (JSON.parse(r.answer) as Answer);
    },

    lastDecided(kind, refId) {
      return (q.outboxLast.get(kind, refId) as { event: string | null }).event;
    },
    decided(kind, refId, event) {
      return q.outboxHas.get(kind, refId, event) !== undefined;
    },
    decide(decisions, payload, at) {
      return w(() => decideTx.immediate(decisions, payload, at));
    },
    skip(decision, note, at) {
      w(() => db.transaction(() => insertRows([decision], null, 'skipped', at, note))());
    },
    markAttempt(id, at) {
      w(() => q.attempt.run(at.toISOString(), id));
    },
    markSent(id, messageId, at) {
      w(() => q.sent.run(at.toISOString(), messageId, id));
    },
    markFinal(id, status, note) {
      w(() => q.final.run(status, note, id));
    },
    pending() {
      return (q.outboxPending.all() as OutboxDbRow[]).map(toOutbox);
    },
    pendingCounts() {
      return q.outboxPendingCounts.all() as { platform: Platform; kind: OutboxKind; count: number }[];
    },
    outboxRow(id) {
      const r = q.outboxGet.get(id) as OutboxDbRow | undefined;
      return r && toOutbox(r);
    },
    outbox(filter = {}) {
      return (q.outboxAll.all() as OutboxDbRow[])
        .map(toOutbox)
        .filter((r) => (filter.kind === undefined || r.kind === filter.kind) && (filter.status === undefined || r.status === filter.status));
    },

    prune(before) {
      return w(() => pruneTx(before));
    },
    recordPermanentFailure(channel, error) {
      const r = w(() => q.healthFail.get(channel.platform, channel.id, error) as { failures: number });
      return r.failures;
    },
    recordSuccess(channel) {
      w(() => q.healthOk.run(channel.platform, channel.id));
    },
    dropChannel(channel) {
      const r = w(() => dropTx(channel));
      if (r.subscriptions > 0) emit('subscriptions');
      if (r.alerts > 0) emit('alerts');
      return r;
    },
    dropWorkspace(platform, workspace) {
      const r = w(() => dropWorkspaceTx.immediate(platform, workspace));
      if (r.subscriptions > 0) emit('subscriptions');
      if (r.watchlist > 0) emit('watchlist');
      if (r.alerts > 0) emit('alerts');
      return r;
    },
  };
}
