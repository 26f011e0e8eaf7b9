/**
 * The digest domain: what a channel subscribes to, watches and is alerted on, the outbox's messages,
 * and `DigestStore`, what the digest service and the /digest, /watch and /alert commands need from a
 * store whichever engine keeps it (SQLite in store.ts, PostgreSQL in store-pg.ts). Commands import
 * from here, never from a persistence file.
 */
import { z } from 'zod';
import type { Answer } from '../answer/answer.ts';
import type { ChannelRef, Platform } from './poster.ts';
import type { Slot } from './schedule.ts';

export const PRESETS = ['close', 'rotation', 'sectors', 'scan'] as const;
export type Preset = (typeof PRESETS)[number];

export interface Subscription {
  id: number;
  channel: ChannelRef;
  preset: Preset;
  slot: Slot;
  createdAt: string;
  createdBy: string | null;
}

export const ALERT_KINDS = ['above', 'below', 'ath', 'high52', 'streak', 'ratio-cross', 'quadrant', 'scan'] as const;
/** The scans a `scan` alert can watch: the per-name rules (unwind ranks a whole list, streak has its own alert). */
export const ALERT_SCANS = ['snapback', 'breakouts'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** What an alert watches for; see alerts.ts for each kind's event. */
export const AlertSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.enum(['above', 'below']), symbol: z.string().min(1), level: z.number().positive().finite() }),
  z.object({ kind: z.enum(['ath', 'high52']), symbol: z.string().min(1) }),
  z.object({ kind: z.literal('streak'), symbol: z.string().min(1), other: z.string().min(1), n: z.number().int().min(2).max(60) }),
  z.object({ kind: z.literal('ratio-cross'), symbol: z.string().min(1), other: z.string().min(1), n: z.number().int().min(5).max(250) }),
  z.object({ kind: z.literal('quadrant'), symbol: z.string().min(1), other: z.string().min(1) }),
  z.object({ kind: z.literal('scan'), symbol: z.string().min(1), scan: z.enum(ALERT_SCANS) }),
]);
export type AlertSpec = z.infer<typeof AlertSpecSchema>;

export interface Alert {
  id: number;
  channel: ChannelRef;
  spec: AlertSpec;
  createdAt: string;
  /** The latest close known when the alert was made: only events after it fire. */
  createdAsOf: string;
  createdBy: string | null;
  lastEvent: string | null;
}

export type OutboxKind = 'digest' | 'alert';
export type OutboxStatus = 'pending' | 'sent' | 'skipped' | 'failed' | 'cancelled';

export interface OutboxRow {
  id: number;
  kind: OutboxKind;
  refId: number;
  event: string;
  channel: ChannelRef;
  payloadId: number | null;
  idemKey: string;
  status: OutboxStatus;
  attempts: number;
  decidedAt: string;
  dueAt: string | null;
  lastAttemptAt: string | null;
  sentAt: string | null;
  messageId: string | null;
  note: string | null;
}

/** Limits that keep one channel from filling the database or the digest. */
export const MAX_WATCHLIST = 20;
export const MAX_ALERTS_PER_CHANNEL = 25;

export type StoreChange = 'subscriptions' | 'alerts' | 'watchlist';

/** One message to decide: which outbox row, for which channel. */
export interface Decision {
  kind: OutboxKind;
  refId: number;
  event: string;
  channel: ChannelRef;
  dueAt?: Date;
}

/** A subscription as a slot occurrence looks at it (`slotSubscriptions`). */
export interface SlotSubscription {
  subscription: Subscription;
  watchlist: string[];
  /** Whether an outbox row for this subscription and the event exists, whatever its status. */
  decided: boolean;
}

/** A value, or a promise of one: the SQLite store answers at once, the PostgreSQL one later. */
export type Awaitable<T> = T | Promise<T>;
type R<T, S extends boolean> = S extends true ? T : Awaitable<T>;

/**
 * What the digest service and the commands need from a store, whichever engine keeps it. `S` says
 * whether the answers are immediate: the SQLite store (`createDigestStore`) is synchronous, the
 * PostgreSQL one (src/digest/store-pg.ts) is not, so code written against `DigestStore` awaits
 * every call, and tests on SQLite may read results directly.
 */
export interface DigestStoreOf<S extends boolean> {
  onChange(listener: (what: StoreChange) => void): () => void;

  /** Adds or updates (same channel and preset) a subscription. */
  subscribe(channel: ChannelRef, preset: Preset, slot: Slot, by: string | null, at: Date): R<{ subscription: Subscription; replaced: boolean }, S>;
  /** Removes the channel's subscription to `preset`, or all of its subscriptions; returns how many. */
  unsubscribe(channel: ChannelRef, preset?: Preset): R<number, S>;
  subscriptions(channel?: ChannelRef): R<Subscription[], S>;
  subscription(id: number): R<Subscription | undefined, S>;
  /**
   * A slot's subscriptions, each with its channel's watchlist (in `watchlist`'s order) and whether a
   * digest for `event` is already decided: one query for the whole slot, however many channels.
   */
  slotSubscriptions(slot: Slot, event: string): R<SlotSubscription[], S>;

  watchlist(channel: ChannelRef): R<string[], S>;
  /** Adds symbols (up to MAX_WATCHLIST in all); returns those added and those already there. */
  watch(channel: ChannelRef, symbols: readonly string[], at: Date): R<{ added: string[]; already: string[]; overLimit: string[] }, S>;
  unwatch(channel: ChannelRef, symbols: readonly string[]): R<{ removed: string[]; absent: string[] }, S>;

  addAlert(channel: ChannelRef, spec: AlertSpec, createdAsOf: string, by: string | null, at: Date): R<Alert, S>;
  alerts(channel?: ChannelRef): R<Alert[], S>;
  alert(id: number): R<Alert | undefined, S>;
  removeAlert(channel: ChannelRef, id: number): R<boolean, S>;

  /** Stores a computed Answer; its id goes on the outbox rows that send it. */
  savePayload(configKey: string, answer: Answer, at: Date): R<number, S>;
  payload(id: number): R<Answer | undefined, S>;

  /** The latest event (trading day, for digests) with an outbox row for this subscription or alert, or null. */
  lastDecided(kind: OutboxKind, refId: number): R<string | null, S>;
  /** Whether an outbox row exists for (kind, ref, event), whatever its status. */
  decided(kind: OutboxKind, refId: number, event: string): R<boolean, S>;
  /**
   * In one transaction: stores the payload (when given) and inserts a 'pending' row per decision that
   * has none yet; for alerts, also records the event as the alert's last. Returns the rows inserted.
   */
  decide(decisions: readonly Decision[], payload: { configKey: string; answer: Answer } | null, at: Date): R<OutboxRow[], S>;
  /** Records a decision not to send (no data, missed during downtime) so it is not reconsidered. */
  skip(decision: Decision, note: string, at: Date): R<void, S>;
  /**
   * Only where several replicas share the store (PostgreSQL): takes pending row `id` for `owner`'s
   * attempt until `at + leaseMs`, or null when it is finished or another owner holds it (locked right
   * now, or a lease not over yet). A row whose owner died is taken again once the lease ends.
   */
  claim?(id: number, owner: string, at: Date, leaseMs: number): Promise<OutboxRow | null>;
  /** Written (and committed) just before each call to the poster. */
  markAttempt(id: number, at: Date): R<void, S>;
  markSent(id: number, messageId: string, at: Date): R<void, S>;
  markFinal(id: number, status: 'failed' | 'skipped' | 'cancelled', note: string): R<void, S>;
  pending(): R<OutboxRow[], S>;
  /** How many rows are pending, by platform and kind (only the non-zero ones): the metrics' gauge. */
  pendingCounts(): R<{ platform: Platform; kind: OutboxKind; count: number }[], S>;
  outboxRow(id: number): R<OutboxRow | undefined, S>;
  outbox(filter?: { kind?: OutboxKind; status?: OutboxStatus }): R<OutboxRow[], S>;

  /**
   * Deletes finished outbox rows decided before `before`, and the payloads no row refers to any more.
   * Old rows are never looked at again: nothing is sent later than the late window.
   */
  prune(before: Date): R<{ outbox: number; payloads: number }, S>;
  /** Counts a permanent failure; returns the channel's consecutive count. */
  recordPermanentFailure(channel: ChannelRef, error: string): R<number, S>;
  recordSuccess(channel: ChannelRef): R<void, S>;
  /** Removes every subscription and alert of a channel (after repeated permanent failures). */
  dropChannel(channel: ChannelRef): R<{ subscriptions: number; alerts: number }, S>;
  /**
   * Removes everything set up in one workspace of a platform (the app was uninstalled there): its
   * subscriptions, watchlists and alerts, and cancels its posts not yet sent. Other workspaces'
   * are untouched; rows with no workspace recorded too.
   */
  dropWorkspace(platform: Platform, workspace: string): R<WorkspaceDrop, S>;
}

/** What is removed with a workspace (dropWorkspace). */
export interface WorkspaceDrop {
  subscriptions: number;
  watchlist: number;
  alerts: number;
  /** Posts decided but not sent, cancelled. */
  cancelled: number;
}

export type DigestStore = DigestStoreOf<false>;
