/**
 * What the SQLite and PostgreSQL digest stores share: the rows as the database returns them, their
 * mapping to the domain types (types.ts), and each outbox message's idempotency key.
 */
import { createHash } from 'node:crypto';
import type { ChannelRef, Platform } from './poster.ts';
import { AlertSpecSchema, type Alert, type OutboxKind, type OutboxRow, type OutboxStatus, type Preset, type Subscription } from './types.ts';


/**
 * The idempotency key of one outbox message: 25 hex digits of a hash of what identifies it, so it
 * fits Discord's 25-character nonce and never repeats across channels, subscriptions or days.
 */
export function idempotencyKey(kind: OutboxKind, refId: number, event: string, channel: ChannelRef): string {
  return createHash('sha256').update(`${kind}\u0000${refId}\u0000${event}\u0000${channel.platform}\u0000${channel.id}`).digest('hex').slice(0, 25);
}

export interface SubRow {
  id: number;
  platform: string;
  channel: string;
  preset: string;
  time: string;
  tz: string;
  created_at: string;
  created_by: string | null;
  workspace: string | null;
}
export interface AlertRow {
  id: number;
  platform: string;
  channel: string;
  kind: string;
  symbol: string;
  other: string | null;
  level: number | null;
  n: number | null;
  created_at: string;
  created_asof: string;
  created_by: string | null;
  last_event: string | null;
  workspace: string | null;
}
export interface OutboxDbRow {
  id: number;
  kind: string;
  ref_id: number;
  event: string;
  platform: string;
  channel: string;
  payload_id: number | null;
  idem_key: string;
  status: string;
  attempts: number;
  decided_at: string;
  due_at: string | null;
  last_attempt_at: string | null;
  sent_at: string | null;
  message_id: string | null;
  note: string | null;
  workspace: string | null;
}

/** A channel as a row stores it: the workspace only when one was recorded. */
export function channelOf(platform: string, id: string, workspace: string | null | undefined): ChannelRef {
  return { platform: platform as Platform, id, ...(workspace ? { workspace } : {}) };
}

export function toSubscription(r: SubRow): Subscription {
  return {
    id: r.id,
    channel: channelOf(r.platform, r.channel, r.workspace),
    preset: r.preset as Preset,
    slot: { time: r.time, tz: r.tz },
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

export function toAlert(r: AlertRow): Alert {
  const spec = AlertSpecSchema.parse({
    kind: r.kind,
    symbol: r.symbol,
    ...(r.other !== null ? { other: r.other } : {}),
    ...(r.level !== null ? { level: r.level } : {}),
    ...(r.n !== null ? { n: r.n } : {}),
  });
  return {
    id: r.id,
    channel: channelOf(r.platform, r.channel, r.workspace),
    spec,
    createdAt: r.created_at,
    createdAsOf: r.created_asof,
    createdBy: r.created_by,
    lastEvent: r.last_event,
  };
}

export function toOutbox(r: OutboxDbRow): OutboxRow {
  return {
    id: r.id,
    kind: r.kind as OutboxKind,
    refId: r.ref_id,
    event: r.event,
    channel: channelOf(r.platform, r.channel, r.workspace),
    payloadId: r.payload_id,
    idemKey: r.idem_key,
    status: r.status as OutboxStatus,
    attempts: r.attempts,
    decidedAt: r.decided_at,
    dueAt: r.due_at,
    lastAttemptAt: r.last_attempt_at,
    sentAt: r.sent_at,
    messageId: r.message_id,
    note: r.note,
  };
}
