/**
 * Delivery: from a decided outbox row to a message on the platform, exactly once (step 4 of the life
 * of a digest, service.ts). Each row becomes a task in its platform's rate-limited queue; the task
 * records the attempt, calls the poster with the row's idempotency key and marks the row sent.
 * Transient errors retry with back-off, permanent ones fail the row and count against the channel
 * (past a limit its subscriptions and alerts are removed), a rejected message fails its row only.
 *
 * Where replicas share the store (PostgreSQL), a task first claims its row (`store.claim`: a row lock
 * and a lease): a replica never posts a row another one holds, and a row whose replica died mid-post
 * is claimed again when the lease ends (`sweep`), when the platform look-up for the earlier attempt
 * decides whether it went out.
 */
import { randomUUID } from 'node:crypto';
import type { Answer } from '../answer/answer.ts';
import { renderAnswerCharts, type ChartRenderer, type RenderedChart } from '../charts/renderer.ts';
import type { Logger } from '../log.ts';
import type { Clock } from './clock.ts';
import { asPostError, type ChannelRef, type DigestPoster, type Platform } from './poster.ts';
import { createPostQueue, PLATFORM_LIMITS, type PostQueue, type RateLimits } from './queue.ts';
import type { DigestSettings } from './settings.ts';
import type { Decision, DigestStore, OutboxKind, OutboxRow } from './types.ts';

/**
 * How one outbox row ended (for metrics). `reason` says why a row failed or was skipped:
 * - failed: `permanent` (the channel is closed to the bot), `rejected` (the platform refused the
 *   message), `gave-up` (transient errors until the attempts ran out), `payload-missing`;
 * - skipped: `missed` (due while the bot was down, or only looked at on a local non-trading day),
 *   `no-data` (no close by the deadline), `too-late` (a pending post too old to resume at start-up).
 * Cancelled: the subscription or alert was removed before the post went out. A transient failure
 * that will be retried is not an outcome.
 */
export interface DigestPostEvent {
  platform: Platform;
  kind: OutboxKind;
  outcome: 'sent' | 'failed' | 'skipped' | 'cancelled';
  reason?: DigestFailReason | DigestSkipReason;
}
export type DigestFailReason = 'permanent' | 'rejected' | 'gave-up' | 'payload-missing';
export type DigestSkipReason = 'missed' | 'no-data' | 'too-late';

export interface DeliveryOptions {
  store: DigestStore;
  renderer: ChartRenderer;
  posters: ReadonlyMap<Platform, DigestPoster>;
  clock: Clock;
  logger: Logger;
  settings: DigestSettings;
  limits?: Partial<Record<Platform, RateLimits>>;
  onPost?: (e: DigestPostEvent) => void;
  /** Counts the work as in progress while it runs (the service's busy()). */
  track: <T>(fn: () => Promise<T>) => Promise<T>;
  /** This process among the replicas (claims); default a random id. */
  replicaId?: string;
  /** How long a claim holds a row against other replicas; default 2 minutes. */
  claimLeaseMs?: number;
}

export interface Delivery {
  /** Queues a decided row (answer: the payload when the caller has it at hand). */
  enqueue(row: OutboxRow, answer?: Answer, notBefore?: number): Promise<void>;
  /** Records a decision not to send, reported. Callers have checked that no row exists yet. */
  skip(d: Decision, reason: DigestSkipReason, note: string, at: Date): Promise<void>;
  report(channel: ChannelRef, kind: OutboxKind, outcome: DigestPostEvent['outcome'], reason?: DigestPostEvent['reason']): void;
  /**
   * Shared stores: queues the pending rows this process holds no task for (another replica's rows
   * whose lease ended; rows decided elsewhere). Returns how many were queued.
   */
  sweep(): Promise<number>;
  running(): number;
  waiting(): number;
  close(): Promise<void>;
}

const MIN = 60_000;
/** Times a failed look-up for an earlier attempt is tried again (after 2, 4, 8, 16 s) before posting anyway. */
const LOOKUP_RETRIES = 4;

export function createDelivery(opts: DeliveryOptions): Delivery {
  const { store, renderer, posters, clock, logger, settings, track } = opts;
  const owner = opts.replicaId ?? randomUUID();
  const lease = opts.claimLeaseMs ?? 2 * MIN;
  const queues = new Map<Platform, PostQueue>();
  /** Tasks queued or running here, per row: a sweep does not queue a row this process already holds. */
  const held = new Map<number, number>();
  const hold = (id: number, by: number) => {
    const n = (held.get(id) ?? 0) + by;
    if (n > 0) held.set(id, n);
    else held.delete(id);
  };

  function report(channel: ChannelRef, kind: OutboxKind, outcome: DigestPostEvent['outcome'], reason?: DigestPostEvent['reason']): void {
    if (!opts.onPost) return;
    try {
      opts.onPost({ platform: channel.platform, kind, outcome, ...(reason !== undefined ? { reason } : {}) });
    } catch (err) {
      logger.warn({ err }, 'digest: the post observer failed');
    }
  }

  function queueFor(platform: Platform): PostQueue {
    let q = queues.get(platform);
    if (!q) {
      q = createPostQueue({ platform, clock, logger, limits: opts.limits?.[platform] ?? PLATFORM_LIMITS[platform] });
      queues.set(platform, q);
    }
    return q;
  }

  // ---- rendering, once per payload ------------------------------------------------------------
  interface Rendered {
    answer: Answer;
    charts: Promise<RenderedChart[]>;
    users: number;
  }
  const rendered = new Map<number, Rendered>();

  async function payloadFor(payloadId: number, answer?: Answer): Promise<Rendered | undefined> {
    const have = rendered.get(payloadId);
    if (have) return have;
    const a = answer ?? (await store.payload(payloadId));
    if (!a) return undefined;
    // Another task may have loaded it while this one awaited the store.
    const again = rendered.get(payloadId);
    if (again) return again;
    const charts = renderAnswerCharts(renderer, a);
    // A failed render is retried by the next task that needs it.
    charts.catch(() => rendered.delete(payloadId));
    const r = { answer: a, charts, users: 0 };
    rendered.set(payloadId, r);
    return r;
  }

  function release(payloadId: number): void {
    const r = rendered.get(payloadId);
    if (r && --r.users <= 0) rendered.delete(payloadId);
  }

  // ---- posting ----------------------------------------------------------------------------------
  /** Outbox rows whose look-up for an earlier attempt failed, and how often (see postRow). */
  const lookupFailures = new Map<number, number>();

  async function enqueue(row: OutboxRow, answer?: Answer, notBefore?: number): Promise<void> {
    const poster = posters.get(row.channel.platform);
    if (!poster) {
      logger.warn({ outbox: row.id, platform: row.channel.platform }, 'digest: no poster for this platform; the post stays pending');
      return;
    }
    if (row.payloadId === null) return;
    const payload = await payloadFor(row.payloadId, answer);
    if (!payload) {
      await store.markFinal(row.id, 'failed', 'payload missing');
      report(row.channel, row.kind, 'failed', 'payload-missing');
      logger.error({ outbox: row.id }, 'digest: payload missing for a pending post');
      return;
    }
    payload.users++;
    hold(row.id, 1);
    const payloadId = row.payloadId;
    queueFor(row.channel.platform).push({
      channelId: row.channel.id,
      ...(notBefore !== undefined ? { notBefore } : {}),
      run: () =>
        track(async () => {
          try {
            await postRow(poster, row.id, payload.answer, payload.charts);
          } catch (err) {
            // The store failed (a database restart): the row stays pending, and a sweep or the next start resumes it.
            logger.error({ outbox: row.id, err }, 'digest: a post could not be recorded; it stays pending');
          } finally {
            hold(row.id, -1);
            release(payloadId);
          }
        }),
    });
  }

  /** One attempt at one outbox row. */
  async function postRow(poster: DigestPoster, rowId: number, answer: Answer, chartsP: Promise<RenderedChart[]>): Promise<void> {
    const row = store.claim ? await store.claim(rowId, owner, clock.now(), lease) : await store.outboxRow(rowId);
    if (!row || row.status !== 'pending') return;
    const log = { outbox: row.id, kind: row.kind, ref: row.refId, event: row.event, platform: row.channel.platform, channel: row.channel.id };
    const stillWanted = row.kind === 'digest' ? (await store.subscription(row.refId)) !== undefined : (await store.alert(row.refId)) !== undefined;
    if (!stillWanted) {
      await store.markFinal(row.id, 'cancelled', 'unsubscribed before it was sent');
      report(row.channel, row.kind, 'cancelled');
      logger.info(log, 'digest: cancelled, the subscription or alert was removed');
      return;
    }
    const now = clock.now();
    if (row.attempts > 0 && row.lastAttemptAt !== null) {
      // An earlier attempt may have reached the platform (we, or a replica that died, crashed before recording the result).
      const since = new Date(Date.parse(row.lastAttemptAt) - MIN);
      if (poster.findPosted) {
        try {
          const found = await poster.findPosted(row.channel, row.idemKey, since);
          lookupFailures.delete(row.id);
          if (found) {
            await store.markSent(row.id, found.messageId, clock.now());
            report(row.channel, row.kind, 'sent');
            logger.info({ ...log, messageId: found.messageId }, 'digest: found the earlier attempt already posted');
            return;
          }
        } catch (err) {
          // Posting now could duplicate a post that did go out: look again later, a few times, before
          // accepting that risk (a lookup that keeps failing, e.g. a missing scope, must not block the post).
          const failures = (lookupFailures.get(row.id) ?? 0) + 1;
          if (failures <= LOOKUP_RETRIES) {
            lookupFailures.set(row.id, failures);
            const wait = Math.min(30 * MIN, 2 ** failures * 1000);
            logger.warn({ ...log, err, failures, retryInMs: wait }, 'digest: could not look for an earlier attempt; will look again before posting');
            const fresh = await store.outboxRow(row.id);
            if (fresh) await enqueue(fresh, answer, clock.now().getTime() + wait);
            return;
          }
          lookupFailures.delete(row.id);
          logger.warn({ ...log, err, failures }, 'digest: could not look for an earlier attempt; posting with the same key, a duplicate is possible');
        }
      } else if (now.getTime() - Date.parse(row.lastAttemptAt) > poster.dedupWindowMs) {
        logger.warn(log, 'digest: resuming a post whose last attempt is older than the platform deduplicates; a duplicate is possible');
      }
    }
    let charts: RenderedChart[];
    try {
      charts = await chartsP;
    } catch (err) {
      logger.error({ ...log, err }, 'digest: chart rendering failed; posting without charts');
      charts = [];
    }
    await store.markAttempt(row.id, now);
    let messageId: string;
    try {
      messageId = (await poster.post(row.channel, answer, charts, { idempotencyKey: row.idemKey })).messageId;
    } catch (err) {
      await failed(row, err, answer, log);
      return;
    }
    await store.markSent(row.id, messageId, clock.now());
    await store.recordSuccess(row.channel);
    report(row.channel, row.kind, 'sent');
    logger.info({ ...log, messageId, attempts: row.attempts + 1 }, 'digest: posted');
  }

  async function failed(row: OutboxRow, err: unknown, answer: Answer, log: Record<string, unknown>): Promise<void> {
    const pe = asPostError(err);
    if (pe.failure === 'rejected') {
      await store.markFinal(row.id, 'failed', pe.message);
      report(row.channel, row.kind, 'failed', 'rejected');
      logger.error({ ...log, reason: pe.message }, 'digest: the platform refused the message; not retried');
      return;
    }
    if (pe.failure === 'permanent') {
      await store.markFinal(row.id, 'failed', pe.message);
      report(row.channel, row.kind, 'failed', 'permanent');
      const n = await store.recordPermanentFailure(row.channel, pe.message);
      logger.warn({ ...log, failures: n, reason: pe.message }, 'digest: permanent post failure');
      if (n >= settings.maxPermanentFailures) {
        const r = await store.dropChannel(row.channel);
        logger.warn({ platform: row.channel.platform, channel: row.channel.id, failures: n, reason: pe.message, ...r }, 'digest: channel unsubscribed after repeated permanent errors');
      }
      return;
    }
    const attempts = row.attempts + 1;
    if (attempts >= settings.maxAttempts) {
      await store.markFinal(row.id, 'failed', `gave up after ${attempts} attempts: ${pe.message}`);
      report(row.channel, row.kind, 'failed', 'gave-up');
      logger.error({ ...log, attempts, reason: pe.message }, 'digest: giving up on a post');
      return;
    }
    const backoff = Math.max(pe.retryAfterMs ?? 0, Math.min(30 * MIN, 2 ** attempts * 1000));
    logger.warn({ ...log, attempts, retryInMs: backoff, reason: pe.message }, 'digest: transient post failure; will retry');
    const fresh = await store.outboxRow(row.id);
    // The retry holds its own reference to the payload.
    if (fresh) await enqueue(fresh, answer, clock.now().getTime() + backoff);
  }

  return {
    enqueue,
    async skip(d, reason, note, at) {
      await store.skip(d, note, at);
      report(d.channel, d.kind, 'skipped', reason);
    },
    report,
    async sweep() {
      let n = 0;
      for (const row of await store.pending()) {
        if (held.has(row.id) || !posters.has(row.channel.platform)) continue;
        await enqueue(row);
        n++;
      }
      return n;
    },
    running: () => [...queues.values()].reduce((n, q) => n + q.running(), 0),
    waiting: () => [...queues.values()].reduce((n, q) => n + q.waiting(), 0),
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
      queues.clear();
      rendered.clear();
      held.clear();
    },
  };
}
