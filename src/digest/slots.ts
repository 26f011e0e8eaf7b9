/**
 * Slot runs: steps 1 to 3 of the life of a digest (service.ts). A slot occurrence finds its target
 * day, waits for the day's close (or gives up at the deadline), groups the candidates by
 * configuration, computes each group's Answer once and decides it through the outbox, then hands the
 * rows to delivery. At start-up, `recordMissed` writes down what fell due while the bot was down.
 */
import type { Answer } from '../answer/answer.ts';
import type { RunInvocation } from '../command/define.ts';
import { StorageError } from '../errors.ts';
import type { MarketData } from '../data/market-data.ts';
import type { Logger } from '../log.ts';
import type { Clock } from './clock.ts';
import { closeFacts, composeDigest, DataNotReadyError, hasClose, marketInputs, staleNote } from './compose.ts';
import type { Delivery } from './delivery.ts';
import type { Platform } from './poster.ts';
import { dueInstant, isPostingDate, localDate, nextLocalMidnight, previousPostingOccurrence, slotKey, targetDay, type MarketCalendar, type Slot } from './schedule.ts';
import type { Scheduler } from './scheduler.ts';
import type { DigestSettings } from './settings.ts';
import type { Decision, DigestStore, Subscription } from './types.ts';

export interface SlotRunsOptions {
  store: DigestStore;
  market: MarketData;
  run: RunInvocation;
  delivery: Delivery;
  scheduler: Scheduler;
  clock: Clock;
  calendar: MarketCalendar;
  logger: Logger;
  settings: DigestSettings;
  /** Platforms this process posts to: only their channels are decided. */
  platforms: ReadonlySet<Platform>;
  track: <T>(fn: () => Promise<T>) => Promise<T>;
}

export interface SlotRun {
  slot: Slot;
  at: Date;
  /** True on data-wait retries: the lateness check was passed at the first look. */
  waiting: boolean;
}

export interface SlotRuns {
  processSlot(r: SlotRun): Promise<void>;
  recordMissed(slot: Slot, now: Date): Promise<void>;
}

const MIN = 60_000;
/** Most trading days looked back over for missed digests after a long downtime. */
const MISSED_LOOKBACK_DAYS = 30;

function configKey(sub: Subscription, day: string, watchlist: readonly string[]): string {
  return sub.preset === 'close' ? `close|${day}|${watchlist.join(',')}` : `${sub.preset}|${day}`;
}

export function createSlotRuns(opts: SlotRunsOptions): SlotRuns {
  const { store, market, run, delivery, scheduler, clock, calendar, logger, settings, platforms, track } = opts;

  /**
   * The end of the wait for the data of a digest due at `due`: DIGEST_DATA_WAIT_MIN later, or just
   * before the first local midnight that starts a non-trading day in the slot's zone, if that is sooner.
   */
  function waitDeadline(slot: Slot, due: Date): number {
    const end = due.getTime() + settings.dataWaitMin * MIN;
    for (let midnight = nextLocalMidnight(due, slot.tz); midnight.getTime() < end; midnight = nextLocalMidnight(midnight, slot.tz)) {
      if (!isPostingDate(slot, midnight, calendar)) return midnight.getTime() - 1;
    }
    return end;
  }

  async function skipAll(subs: readonly Subscription[], decision: (s: Subscription) => Decision, reason: 'missed' | 'no-data', note: string, now: Date): Promise<void> {
    for (const s of subs) await delivery.skip(decision(s), reason, note, now);
  }

  /**
   * A slot run whose store failed (a database restart: StorageError) is run again every
   * DIGEST_DATA_RETRY_MIN until the data-wait deadline, as for missing data, so an outage at the
   * moment a digest is due delays it instead of losing it; the outbox keeps the re-run from deciding
   * anything twice.
   */
  async function processSlot(r: SlotRun): Promise<void> {
    try {
      await processSlotOnce(r);
    } catch (err) {
      if (!(err instanceof StorageError)) throw err;
      const key = slotKey(r.slot);
      const day = targetDay(r.at, calendar);
      const deadline = waitDeadline(r.slot, dueInstant(r.slot, day, calendar));
      const now = clock.now().getTime();
      if (now >= deadline) {
        logger.error({ slot: key, day, err: err.message }, 'digest: the store kept failing until the deadline; that slot’s digests are not sent');
        return;
      }
      const next = new Date(Math.min(deadline, now + settings.dataRetryMin * MIN));
      logger.warn({ slot: key, day, err: err.message, retryAt: next.toISOString() }, 'digest: the store is unavailable; the slot runs again');
      scheduler.once(`store ${key} ${day}`, next, () => track(() => processSlot(r)));
    }
  }

  async function processSlotOnce(r: SlotRun): Promise<void> {
    const { slot } = r;
    const key = slotKey(slot);
    // The timers fire only at posting occurrences; fireSlot may be handed any instant.
    if (!isPostingDate(slot, r.at, calendar)) return;
    const day = targetDay(r.at, calendar);
    const due = dueInstant(slot, day, calendar);
    const now = clock.now();
    // One query for the slot: the subscriptions, their watchlists, and which are decided already.
    const candidates = (await store.slotSubscriptions(slot, day)).filter((c) => !c.decided && platforms.has(c.subscription.channel.platform) && Date.parse(c.subscription.createdAt) <= due.getTime());
    const subs = candidates.map((c) => c.subscription);
    if (subs.length === 0) return;
    const watchlists = new Map(candidates.map((c) => [c.subscription.id, c.watchlist]));
    const decision = (s: Subscription): Decision => ({ kind: 'digest', refId: s.id, event: day, channel: s.channel, dueAt: due });

    // Nothing posts on a local non-trading day, late or not: after a restart there, or a timer that
    // slipped past midnight, the digest is recorded as missed (a later occurrence targets a newer close).
    const today = localDate(now, slot.tz);
    if (!calendar.isTradingDay(today)) {
      await skipAll(subs, decision, 'missed', `missed: due ${due.toISOString()}, looked at ${now.toISOString()}, not a trading day in ${slot.tz}`, now);
      logger.warn({ slot: key, day, due: due.toISOString(), today, subscriptions: subs.length }, 'digest: missed while the bot was down; today is not a trading day in the slot’s zone, skipped');
      return;
    }
    if (!r.waiting && now.getTime() - due.getTime() > settings.lateWindowMin * MIN) {
      await skipAll(subs, decision, 'missed', `missed: due ${due.toISOString()}, looked at ${now.toISOString()}`, now);
      logger.warn({ slot: key, day, due: due.toISOString(), subscriptions: subs.length }, 'digest: missed while the bot was down; outside the late window, skipped');
      return;
    }

    const { ready, latest } = await hasClose(market, day);
    const deadline = waitDeadline(slot, due);
    if (!ready) {
      if (now.getTime() < deadline) {
        const next = new Date(Math.min(deadline, now.getTime() + settings.dataRetryMin * MIN));
        logger.info({ slot: key, day, latest, retryAt: next.toISOString() }, 'digest: the close is not in yet; waiting');
        scheduler.once(`wait ${key} ${day}`, next, () => track(() => processSlot({ ...r, waiting: true })));
        return;
      }
      if (settings.whenDataMissing === 'skip' || latest === '' || latest >= day) {
        await skipAll(subs, decision, 'no-data', `no close for ${day} by ${new Date(deadline).toISOString()}`, now);
        logger.warn({ slot: key, day, latest, subscriptions: subs.length }, 'digest: no close for the day by the deadline; skipped');
        return;
      }
      await decideAndSend(subs, watchlists, day, latest, decision, r);
      return;
    }
    await decideAndSend(subs, watchlists, day, day, decision, r);
  }

  /** Steps 3 and 4 of the header for the candidates of one slot occurrence. */
  async function decideAndSend(subs: readonly Subscription[], watchlists: ReadonlyMap<number, readonly string[]>, day: string, asOf: string, decision: (s: Subscription) => Decision, r: SlotRun): Promise<void> {
    const groups = new Map<string, { subs: Subscription[]; watchlist: string[]; preset: Subscription['preset'] }>();
    for (const s of subs) {
      const watchlist = s.preset === 'close' ? [...(watchlists.get(s.id) ?? [])].sort() : [];
      const k = configKey(s, asOf, watchlist);
      const g = groups.get(k);
      if (g) g.subs.push(s);
      else groups.set(k, { subs: [s], watchlist, preset: s.preset });
    }
    let failed = 0;
    // Each symbol's facts for the close are worked out once, then every channel's digest is composed from them.
    const facts = closeFacts(marketInputs(market, asOf, []));
    for (const [k, g] of groups) {
      let answer: Answer;
      try {
        answer = await composeDigest(g.preset, { ...facts.inputs, watchlist: g.watchlist }, run, facts);
      } catch (err) {
        failed++;
        if (err instanceof DataNotReadyError) logger.warn({ config: k, err: err.message }, 'digest: data changed under the computation');
        else logger.error({ config: k, err }, 'digest: computing the digest failed');
        continue;
      }
      if (asOf !== day) answer.warnings.unshift(staleNote(day, asOf));
      const rows = await store.decide(g.subs.map(decision), { configKey: k, answer }, clock.now());
      logger.info({ config: k, day, asOf, channels: rows.length }, 'digest: decided');
      for (const row of rows) await delivery.enqueue(row, answer);
    }
    if (failed > 0) {
      // Computation failures are retried like missing data, until the deadline.
      const deadline = waitDeadline(r.slot, dueInstant(r.slot, day, calendar));
      const now = clock.now().getTime();
      if (now < deadline) {
        scheduler.once(`wait ${slotKey(r.slot)} ${day}`, new Date(Math.min(deadline, now + settings.dataRetryMin * MIN)), () => track(() => processSlot({ ...r, waiting: true })));
      } else {
        logger.error({ slot: slotKey(r.slot), day, groups: failed }, 'digest: computation kept failing until the deadline; those digests are not sent');
      }
    }
  }

  /**
   * At start-up: the digests that fell due while the bot was down, before the slot's current target
   * (which processSlot handles), are recorded as skipped and logged, so the record says what was missed.
   */
  async function recordMissed(slot: Slot, now: Date): Promise<void> {
    const key = slotKey(slot);
    const target = targetDay(previousPostingOccurrence(slot, now, calendar), calendar);
    const subs = (await store.subscriptions()).filter((s) => platforms.has(s.channel.platform) && slotKey(s.slot) === key);
    for (const sub of subs) {
      const last = await store.lastDecided('digest', sub.id);
      const missed: string[] = [];
      let d = calendar.previousTradingDay(target);
      for (let i = 0; i < MISSED_LOOKBACK_DAYS && (last === null || d > last); i++) {
        const due = dueInstant(slot, d, calendar);
        if (due.getTime() < Date.parse(sub.createdAt)) break;
        if (!(await store.decided('digest', sub.id, d))) {
          await delivery.skip({ kind: 'digest', refId: sub.id, event: d, channel: sub.channel, dueAt: due }, 'missed', `missed: due ${due.toISOString()} while the bot was down`, now);
          missed.push(d);
        }
        d = calendar.previousTradingDay(d);
      }
      if (missed.length > 0) {
        logger.warn({ slot: key, subscription: sub.id, platform: sub.channel.platform, channel: sub.channel.id, days: missed.reverse() }, 'digest: missed while the bot was down; outside the late window, skipped');
      }
    }
  }

  return { processSlot, recordMissed };
}
