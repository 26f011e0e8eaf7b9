/**
 * The digest service: schedules every subscription's slot and the after-close alert run, decides what
 * to send through the outbox, computes and renders each distinct digest once, and fans the posts out
 * through per-platform rate-limited queues.
 *
 * The life of one digest (see schedule.ts for "slot", "posting occurrence", "due" and "target"):
 * 1. A slot fires at a posting occurrence `at` (the timers skip the others: local weekends and
 *    holidays); its target day D is the latest trading day whose close has passed. Subscriptions of
 *    the slot with no outbox row for D are candidates.
 * 2. If D's close is not in the data yet, look again every DIGEST_DATA_RETRY_MIN until
 *    DIGEST_DATA_WAIT_MIN after the digest was due, cut short where it would run into a local day
 *    that is not a trading day (nothing posts on those); then skip (logged) or, with
 *    DIGEST_WHEN_DATA_MISSING=post-stale, post the latest close with an "as of" note. An unannounced
 *    closure ends here: its close never arrives.
 * 3. Candidates are grouped by configuration (preset, and the watchlist for `close`); each group's
 *    Answer is computed once, then one transaction stores it and inserts a 'pending' outbox row per
 *    channel: the decision.
 * 4. Charts are rendered once per group; each row becomes a post task in its platform's queue. A task
 *    records the attempt, calls the poster with the row's idempotency key, and marks the row 'sent'.
 *    Transient errors retry with back-off; permanent ones fail the row and count against the channel;
 *    a rejected message fails its row only.
 *
 * Alerts are evaluated at close + DIGEST_ALERT_DELAY_MIN, and also when a live refresh stores a
 * day's close (market.onRefresh); each event is posted once either way.
 *
 * On start-up: pending rows are resumed (same key, same stored Answer), and each slot's most recent
 * posting occurrence is looked at, so a digest missed while the bot was down is sent if it was due no
 * more than DIGEST_LATE_WINDOW_MIN ago and today is a trading day in the slot's zone, and otherwise
 * recorded as skipped with a log line. A restart on a Saturday posts nothing; Monday's occurrence
 * sends what is then the target.
 */
import type { Answer } from '../answer/answer.ts';
import { renderAnswerCharts, type ChartRenderer, type RenderedChart } from '../charts/renderer.ts';
import type { CommandRunner } from '../command/run.ts';
import type { DailySeries } from '../core/series.ts';
import { truncateAsOf } from '../core/series.ts';
import type { MarketData } from '../data/market-data.ts';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import { alertAnswer, alertEvent, alertSymbols, shouldFire } from './alerts.ts';
import { systemClock, type Clock } from './clock.ts';
import { closeFacts, composeDigest, DataNotReadyError, hasClose, marketInputs, runnerCommand, staleNote, type RunCommand } from './compose.ts';
import { asPostError, type ChannelRef, type DigestPoster, type Platform } from './poster.ts';
import { createPostQueue, PLATFORM_LIMITS, type PostQueue, type RateLimits } from './queue.ts';
import {
  dueInstant,
  isPostingDate,
  latestClosedDay,
  localDate,
  newYorkDate,
  nextLocalMidnight,
  nextPostingOccurrence,
  nyseCalendar,
  previousPostingOccurrence,
  slotKey,
  targetDay,
  type MarketCalendar,
  type Slot,
} from './schedule.ts';
import { createScheduler, type Scheduler } from './scheduler.ts';
import { DEFAULT_DIGEST_SETTINGS, type DigestSettings } from './settings.ts';
import type { Alert, Decision, DigestStore, OutboxKind, OutboxRow, Subscription } from './store.ts';

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

export interface DigestServiceOptions {
  store: DigestStore;
  market: MarketData;
  /** Runs /rotation and /leaders for the `rotation` and `sectors` presets. */
  runner: CommandRunner | RunCommand;
  renderer: ChartRenderer;
  /** One per platform that can receive posts; rows for a platform without a poster stay pending. */
  posters: readonly DigestPoster[];
  clock?: Clock;
  calendar?: MarketCalendar;
  logger?: Logger;
  settings?: Partial<DigestSettings>;
  /** Overrides of the platforms' rate limits (tests, the benchmark). */
  limits?: Partial<Record<Platform, RateLimits>>;
  /** Told how each outbox row ended (metrics); an observer that throws is logged and ignored. */
  onPost?: (e: DigestPostEvent) => void;
}

export interface DigestService {
  readonly store: DigestStore;
  readonly scheduler: Scheduler;
  /** Resumes pending posts, catches up on missed digests, and arms every slot and the alert run. */
  start(): Promise<void>;
  /** Stops the timers and the queues and waits for running work; pending rows are resumed next start. */
  stop(): Promise<void>;
  /**
   * Runs one slot occurrence now, as its timer would (the benchmark and tests). Resolves when every
   * post is decided and queued, not when they are sent.
   */
  fireSlot(slot: Slot, at: Date): Promise<void>;
  /** Evaluates the alerts for the close of `day` now (tests). */
  runAlerts(day: string): Promise<void>;
  /** Work in progress (jobs, computations, posts), for tests that drive a manual clock. */
  busy(): number;
  /** Posts waiting in the queues. */
  queued(): number;
}

const MIN = 60_000;
/** Times a failed look-up for an earlier attempt is tried again (after 2, 4, 8, 16 s) before posting anyway. */
const LOOKUP_RETRIES = 4;
/** After a live refresh brings a close, alerts are evaluated this long after the last refresh of the burst. */
export const REFRESH_ALERTS_DELAY_MS = 5_000;

export function createDigestService(opts: DigestServiceOptions): DigestService {
  const { store, market, renderer } = opts;
  const clock = opts.clock ?? systemClock;
  const calendar = opts.calendar ?? nyseCalendar;
  const logger = opts.logger ?? silentLogger;
  const settings: DigestSettings = { ...DEFAULT_DIGEST_SETTINGS, ...opts.settings };
  const run: RunCommand = typeof opts.runner === 'function' ? opts.runner : runnerCommand(opts.runner);
  const scheduler = createScheduler({ clock, logger });
  const posters = new Map(opts.posters.map((p) => [p.platform, p]));
  // Only channels on a platform this process can post to are decided: a Slack subscription on a
  // Discord-only run stays untouched for a later run that has Slack, instead of being skipped as late.
  const subscriptions = () => store.subscriptions().filter((x) => posters.has(x.channel.platform));
  const activeAlerts = () => store.alerts().filter((x) => posters.has(x.channel.platform));
  const queues = new Map<Platform, PostQueue>();
  let active = 0;
  let started = false;
  let unlisten: (() => void) | null = null;
  let unlistenRefresh: (() => void) | null = null;

  /**
   * A live refresh stored new bars: once a trading day's close has passed, its alerts are evaluated
   * then, not only at the daily alerts job. Refreshes arriving together (one per symbol) are folded
   * into one evaluation REFRESH_ALERTS_DELAY_MS after the last; an event already posted is not
   * posted again, so a second evaluation of the same day is harmless.
   */
  function onRefresh(lastDate: string): void {
    if (!started || activeAlerts().length === 0) return;
    if (!calendar.isTradingDay(lastDate) || clock.now().getTime() < calendar.closeInstant(lastDate).getTime()) return;
    scheduler.once(`refresh alerts ${lastDate}`, new Date(clock.now().getTime() + REFRESH_ALERTS_DELAY_MS), () => track(() => processAlerts(lastDate, false)));
  }

  function report(channel: ChannelRef, kind: OutboxKind, outcome: DigestPostEvent['outcome'], reason?: DigestPostEvent['reason']): void {
    if (!opts.onPost) return;
    try {
      opts.onPost({ platform: channel.platform, kind, outcome, ...(reason !== undefined ? { reason } : {}) });
    } catch (err) {
      logger.warn({ err }, 'digest: the post observer failed');
    }
  }

  /** store.skip, reported. Callers have checked that no row exists yet, so each call adds one. */
  function skip(d: Decision, reason: DigestSkipReason, note: string, at: Date): void {
    store.skip(d, note, at);
    report(d.channel, d.kind, 'skipped', reason);
  }

  /** Counts `fn` as work in progress while it runs (see busy()). */
  async function track<T>(fn: () => Promise<T>): Promise<T> {
    active++;
    try {
      return await fn();
    } finally {
      active--;
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
  const rendered = new Map<number, { answer: Answer; charts: Promise<RenderedChart[]>; users: number }>();

  function payloadFor(payloadId: number, answer?: Answer): { answer: Answer; charts: Promise<RenderedChart[]>; users: number } | undefined {
    let r = rendered.get(payloadId);
    if (!r) {
      const a = answer ?? store.payload(payloadId);
      if (!a) return undefined;
      const charts = renderAnswerCharts(renderer, a);
      // A failed render is retried by the next task that needs it.
      charts.catch(() => rendered.delete(payloadId));
      r = { answer: a, charts, users: 0 };
      rendered.set(payloadId, r);
    }
    return r;
  }

  function release(payloadId: number): void {
    const r = rendered.get(payloadId);
    if (r && --r.users <= 0) rendered.delete(payloadId);
  }

  // ---- posting ----------------------------------------------------------------------------------
  /** Outbox rows whose look-up for an earlier attempt failed, and how often (see postRow). */
  const lookupFailures = new Map<number, number>();

  function enqueue(row: OutboxRow, answer?: Answer, notBefore?: number): void {
    const poster = posters.get(row.channel.platform);
    if (!poster) {
      logger.warn({ outbox: row.id, platform: row.channel.platform }, 'digest: no poster for this platform; the post stays pending');
      return;
    }
    if (row.payloadId === null) return;
    const payload = payloadFor(row.payloadId, answer);
    if (!payload) {
      store.markFinal(row.id, 'failed', 'payload missing');
      report(row.channel, row.kind, 'failed', 'payload-missing');
      logger.error({ outbox: row.id }, 'digest: payload missing for a pending post');
      return;
    }
    payload.users++;
    const payloadId = row.payloadId;
    queueFor(row.channel.platform).push({
      channelId: row.channel.id,
      ...(notBefore !== undefined ? { notBefore } : {}),
      run: () =>
        track(async () => {
          const done = await postRow(poster, row.id, payload.answer, payload.charts);
          if (done) release(payloadId);
        }),
    });
  }

  /** One attempt at one outbox row. Returns true when the row is finished (sent, failed, cancelled). */
  async function postRow(poster: DigestPoster, rowId: number, answer: Answer, chartsP: Promise<RenderedChart[]>): Promise<boolean> {
    const row = store.outboxRow(rowId);
    if (!row || row.status !== 'pending') return true;
    const log = { outbox: row.id, kind: row.kind, ref: row.refId, event: row.event, platform: row.channel.platform, channel: row.channel.id };
    const stillWanted = row.kind === 'digest' ? store.subscription(row.refId) !== undefined : store.alert(row.refId) !== undefined;
    if (!stillWanted) {
      store.markFinal(row.id, 'cancelled', 'unsubscribed before it was sent');
      report(row.channel, row.kind, 'cancelled');
      logger.info(log, 'digest: cancelled, the subscription or alert was removed');
      return true;
    }
    const now = clock.now();
    if (row.attempts > 0 && row.lastAttemptAt !== null) {
      // An earlier attempt may have reached the platform (we crashed before recording the result).
      const since = new Date(Date.parse(row.lastAttemptAt) - MIN);
      if (poster.findPosted) {
        try {
          const found = await poster.findPosted(row.channel, row.idemKey, since);
          lookupFailures.delete(row.id);
          if (found) {
            store.markSent(row.id, found.messageId, clock.now());
            report(row.channel, row.kind, 'sent');
            logger.info({ ...log, messageId: found.messageId }, 'digest: found the earlier attempt already posted');
            return true;
          }
        } catch (err) {
          // Posting now could duplicate a post that did go out: look again later, a few times, before
          // accepting that risk (a lookup that keeps failing, e.g. a missing scope, must not block the post).
          const failures = (lookupFailures.get(row.id) ?? 0) + 1;
          if (failures <= LOOKUP_RETRIES) {
            lookupFailures.set(row.id, failures);
            const wait = Math.min(30 * MIN, 2 ** failures * 1000);
            logger.warn({ ...log, err, failures, retryInMs: wait }, 'digest: could not look for an earlier attempt; will look again before posting');
            const fresh = store.outboxRow(row.id);
            if (fresh) enqueue(fresh, answer, clock.now().getTime() + wait);
            return true;
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
    store.markAttempt(row.id, now);
    try {
      const { messageId } = await poster.post(row.channel, answer, charts, { idempotencyKey: row.idemKey });
      store.markSent(row.id, messageId, clock.now());
      store.recordSuccess(row.channel);
      report(row.channel, row.kind, 'sent');
      logger.info({ ...log, messageId, attempts: row.attempts + 1 }, 'digest: posted');
      return true;
    } catch (err) {
      const pe = asPostError(err);
      if (pe.failure === 'rejected') {
        store.markFinal(row.id, 'failed', pe.message);
        report(row.channel, row.kind, 'failed', 'rejected');
        logger.error({ ...log, reason: pe.message }, 'digest: the platform refused the message; not retried');
        return true;
      }
      if (pe.failure === 'permanent') {
        store.markFinal(row.id, 'failed', pe.message);
        report(row.channel, row.kind, 'failed', 'permanent');
        const n = store.recordPermanentFailure(row.channel, pe.message);
        logger.warn({ ...log, failures: n, reason: pe.message }, 'digest: permanent post failure');
        if (n >= settings.maxPermanentFailures) dropChannel(row.channel, n, pe.message);
        return true;
      }
      const attempts = row.attempts + 1;
      if (attempts >= settings.maxAttempts) {
        store.markFinal(row.id, 'failed', `gave up after ${attempts} attempts: ${pe.message}`);
        report(row.channel, row.kind, 'failed', 'gave-up');
        logger.error({ ...log, attempts, reason: pe.message }, 'digest: giving up on a post');
        return true;
      }
      const backoff = Math.max(pe.retryAfterMs ?? 0, Math.min(30 * MIN, 2 ** attempts * 1000));
      logger.warn({ ...log, attempts, retryInMs: backoff, reason: pe.message }, 'digest: transient post failure; will retry');
      const fresh = store.outboxRow(row.id);
      if (fresh) enqueue(fresh, answer, clock.now().getTime() + backoff);
      return true; // this task is done; the retry holds its own reference
    }
  }

  function dropChannel(channel: ChannelRef, failures: number, reason: string): void {
    const r = store.dropChannel(channel);
    logger.warn({ platform: channel.platform, channel: channel.id, failures, reason, ...r }, 'digest: channel unsubscribed after repeated permanent errors');
  }

  // ---- digests ----------------------------------------------------------------------------------
  function configKey(sub: Subscription, day: string, watchlist: readonly string[]): string {
    return sub.preset === 'close' ? `close|${day}|${watchlist.join(',')}` : `${sub.preset}|${day}`;
  }

  interface SlotRun {
    slot: Slot;
    at: Date;
    /** True on data-wait retries: the lateness check was passed at the first look. */
    waiting: boolean;
  }

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

  async function processSlot(r: SlotRun): Promise<void> {
    const { slot } = r;
    const key = slotKey(slot);
    // The timers fire only at posting occurrences; fireSlot may be handed any instant.
    if (!isPostingDate(slot, r.at, calendar)) return;
    const day = targetDay(r.at, calendar);
    const due = dueInstant(slot, day, calendar);
    const now = clock.now();
    // One query for the slot: the subscriptions, their watchlists, and which are decided already.
    const candidates = store.slotSubscriptions(slot, day).filter((c) => !c.decided && posters.has(c.subscription.channel.platform) && Date.parse(c.subscription.createdAt) <= due.getTime());
    const subs = candidates.map((c) => c.subscription);
    if (subs.length === 0) return;
    const watchlists = new Map(candidates.map((c) => [c.subscription.id, c.watchlist]));
    const decision = (s: Subscription): Decision => ({ kind: 'digest', refId: s.id, event: day, channel: s.channel, dueAt: due });

    // Nothing posts on a local non-trading day, late or not: after a restart there, or a timer that
    // slipped past midnight, the digest is recorded as missed (a later occurrence targets a newer close).
    const today = localDate(now, slot.tz);
    if (!calendar.isTradingDay(today)) {
      for (const s of subs) skip(decision(s), 'missed', `missed: due ${due.toISOString()}, looked at ${now.toISOString()}, not a trading day in ${slot.tz}`, now);
      logger.warn({ slot: key, day, due: due.toISOString(), today, subscriptions: subs.length }, 'digest: missed while the bot was down; today is not a trading day in the slot’s zone, skipped');
      return;
    }
    if (!r.waiting && now.getTime() - due.getTime() > settings.lateWindowMin * MIN) {
      for (const s of subs) skip(decision(s), 'missed', `missed: due ${due.toISOString()}, looked at ${now.toISOString()}`, now);
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
        for (const s of subs) skip(decision(s), 'no-data', `no close for ${day} by ${new Date(deadline).toISOString()}`, now);
        logger.warn({ slot: key, day, latest, subscriptions: subs.length }, 'digest: no close for the day by the deadline; skipped');
        return;
      }
      await deliver(subs, watchlists, day, latest, decision, r);
      return;
    }
    await deliver(subs, watchlists, day, day, decision, r);
  }

  /** Steps 3 and 4 of the header for the candidates of one slot occurrence. */
  async function deliver(subs: readonly Subscription[], watchlists: ReadonlyMap<number, readonly string[]>, day: string, asOf: string, decision: (s: Subscription) => Decision, r: SlotRun): Promise<void> {
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
      const rows = store.decide(g.subs.map(decision), { configKey: k, answer }, clock.now());
      logger.info({ config: k, day, asOf, channels: rows.length }, 'digest: decided');
      for (const row of rows) enqueue(row, answer);
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

  /** Most trading days looked back over for missed digests after a long downtime. */
  const MISSED_LOOKBACK_DAYS = 30;

  /**
   * At start-up: the digests that fell due while the bot was down, before the slot's current target
   * (which processSlot handles), are recorded as skipped and logged, so the record says what was missed.
   */
  function recordMissed(slot: Slot, now: Date): void {
    const key = slotKey(slot);
    const target = targetDay(previousPostingOccurrence(slot, now, calendar), calendar);
    for (const sub of subscriptions().filter((s) => slotKey(s.slot) === key)) {
      const last = store.lastDecided('digest', sub.id);
      const missed: string[] = [];
      let d = calendar.previousTradingDay(target);
      for (let i = 0; i < MISSED_LOOKBACK_DAYS && (last === null || d > last); i++) {
        const due = dueInstant(slot, d, calendar);
        if (due.getTime() < Date.parse(sub.createdAt)) break;
        if (!store.decided('digest', sub.id, d)) {
          skip({ kind: 'digest', refId: sub.id, event: d, channel: sub.channel, dueAt: due }, 'missed', `missed: due ${due.toISOString()} while the bot was down`, now);
          missed.push(d);
        }
        d = calendar.previousTradingDay(d);
      }
      if (missed.length > 0) {
        logger.warn({ slot: key, subscription: sub.id, platform: sub.channel.platform, channel: sub.channel.id, days: missed.reverse() }, 'digest: missed while the bot was down; outside the late window, skipped');
      }
    }
  }

  // ---- alerts -----------------------------------------------------------------------------------
  function alertTime(day: string): Date {
    return new Date(calendar.closeInstant(day).getTime() + settings.alertDelayMin * MIN);
  }

  function nextAlertRun(after: Date): Date {
    let d = newYorkDate(after);
    for (let i = 0; i < 30; i++) {
      if (calendar.isTradingDay(d)) {
        const t = alertTime(d);
        if (t.getTime() > after.getTime()) return t;
      }
      d = new Date(Date.parse(`${d}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    }
    throw new Error(`no trading day within 30 days after ${after.toISOString()}`);
  }

  async function processAlerts(day: string, waiting: boolean): Promise<void> {
    const alerts = activeAlerts();
    if (alerts.length === 0) return;
    const now = clock.now();
    const { ready, latest } = await hasClose(market, day);
    if (!ready) {
      const deadline = alertTime(day).getTime() + settings.dataWaitMin * MIN;
      if (now.getTime() < deadline) {
        scheduler.once(`wait alerts ${day}`, new Date(Math.min(deadline, now.getTime() + settings.dataRetryMin * MIN)), () => track(() => processAlerts(day, true)));
      } else {
        logger.warn({ day, latest, alerts: alerts.length, waited: waiting }, 'alerts: no close for the day by the deadline; not evaluated');
      }
      return;
    }
    const cut = new Map<string, Promise<DailySeries | null>>();
    const seriesOf = (symbol: string) => {
      let p = cut.get(symbol);
      if (!p) {
        p = market.series(symbol).then(
          (s) => truncateAsOf(s, day),
          (err: unknown) => {
            logger.warn({ symbol, err }, 'alerts: no series for a symbol');
            return null;
          },
        );
        cut.set(symbol, p);
      }
      return p;
    };
    // Alerts with the same condition share one evaluation.
    const events = new Map<string, ReturnType<typeof alertEvent>>();
    for (const alert of alerts) {
      try {
        const specKey = JSON.stringify(alert.spec);
        if (!events.has(specKey)) {
          const [a, b] = await Promise.all(alertSymbols(alert.spec).map(seriesOf));
          events.set(specKey, a ? alertEvent(alert.spec, a, b ?? null, day, market.sourceLabel) : null);
        }
        const ev = events.get(specKey);
        if (!ev || !shouldFire(alert, ev)) continue;
        fireAlert(alert, ev, day);
      } catch (err) {
        logger.error({ alert: alert.id, err }, 'alerts: evaluating an alert failed');
      }
    }
  }

  function fireAlert(alert: Alert, ev: NonNullable<ReturnType<typeof alertEvent>>, day: string): void {
    const answer = alertAnswer(alert, ev, day, market.sourceLabel);
    const rows = store.decide([{ kind: 'alert', refId: alert.id, event: ev.key, channel: alert.channel, dueAt: clock.now() }], { configKey: `alert|${alert.id}|${ev.key}`, answer }, clock.now());
    for (const row of rows) {
      logger.info({ alert: alert.id, event: ev.key, day }, 'alert: fired');
      enqueue(row, answer);
    }
  }

  // ---- jobs -------------------------------------------------------------------------------------
  function syncSlots(): void {
    const wanted = new Map<string, Slot>();
    for (const s of subscriptions()) wanted.set(slotKey(s.slot), s.slot);
    for (const { name } of scheduler.upcoming()) {
      if (name.startsWith('slot ') && !wanted.has(name.slice(5))) scheduler.remove(name);
    }
    for (const [key, slot] of wanted) {
      const name = `slot ${key}`;
      if (scheduler.has(name)) continue;
      scheduler.add({
        name,
        next: (after) => nextPostingOccurrence(slot, after, calendar),
        run: (at) => track(() => processSlot({ slot, at, waiting: false })),
      });
    }
  }

  return {
    store,
    scheduler,
    async start() {
      if (started) return;
      started = true;
      const now = clock.now();
      const pruned = store.prune(new Date(now.getTime() - settings.keepDays * 86_400_000));
      if (pruned.outbox > 0) logger.info({ ...pruned, keepDays: settings.keepDays }, 'digest: pruned old outbox rows');
      // 1. Resume what was decided but not recorded as sent.
      for (const row of store.pending()) {
        const ref = Date.parse(row.dueAt ?? row.decidedAt);
        if (now.getTime() - ref > (settings.lateWindowMin + settings.dataWaitMin) * MIN) {
          store.markFinal(row.id, 'skipped', `too late to resume at ${now.toISOString()}`);
          report(row.channel, row.kind, 'skipped', 'too-late');
          logger.warn({ outbox: row.id, kind: row.kind, event: row.event }, 'digest: a pending post is too old to resume; skipped');
          continue;
        }
        logger.info({ outbox: row.id, kind: row.kind, event: row.event, attempts: row.attempts }, 'digest: resuming a pending post');
        enqueue(row);
      }
      // 2. Jobs, and a catch-up look at each slot's most recent occurrence.
      syncSlots();
      unlisten = store.onChange((what) => {
        if (what === 'subscriptions' && started) syncSlots();
      });
      scheduler.add({ name: 'alerts', next: nextAlertRun, run: (at) => track(() => processAlerts(targetDay(at, calendar), false)) });
      unlistenRefresh = market.onRefresh?.((_symbol, lastDate) => onRefresh(lastDate)) ?? null;
      await track(async () => {
        const slots = new Map<string, Slot>();
        for (const s of subscriptions()) slots.set(slotKey(s.slot), s.slot);
        for (const slot of slots.values()) {
          try {
            recordMissed(slot, now);
            await processSlot({ slot, at: previousPostingOccurrence(slot, now, calendar), waiting: false });
          } catch (err) {
            logger.error({ slot: slotKey(slot), err }, 'digest: catch-up failed');
          }
        }
        const day = latestClosedDay(now, calendar);
        if (alertTime(day).getTime() <= now.getTime()) {
          try {
            await processAlerts(day, false);
          } catch (err) {
            logger.error({ day, err }, 'alerts: catch-up failed');
          }
        }
      });
      // stop() may have run while the catch-up was awaited: then the scheduler must stay stopped.
      if (started) scheduler.start();
    },
    async stop() {
      started = false;
      unlisten?.();
      unlisten = null;
      unlistenRefresh?.();
      unlistenRefresh = null;
      await scheduler.stop();
      await Promise.all([...queues.values()].map((q) => q.close()));
      queues.clear();
      rendered.clear();
    },
    fireSlot: (slot, at) => track(() => processSlot({ slot, at, waiting: false })),
    runAlerts: (day) => track(() => processAlerts(day, false)),
    busy: () => active + scheduler.busy() + [...queues.values()].reduce((n, q) => n + q.running(), 0),
    queued: () => [...queues.values()].reduce((n, q) => n + q.waiting(), 0),
  };
}
