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
 * The parts live beside this file: slots.ts (steps 1-3), delivery.ts (step 4, the outbox and the
 * queues), alert-runs.ts (alerts); this file wires them to the timers and runs start-up.
 *
 * On start-up: pending rows are resumed (same key, same stored Answer), and each slot's most recent
 * posting occurrence is looked at, so a digest missed while the bot was down is sent if it was due no
 * more than DIGEST_LATE_WINDOW_MIN ago and today is a trading day in the slot's zone, and otherwise
 * recorded as skipped with a log line. A restart on a Saturday posts nothing; Monday's occurrence
 * sends what is then the target.
 */
import type { ChartRenderer } from '../charts/renderer.ts';
import type { RunInvocation } from '../command/define.ts';
import type { CommandRunner } from '../command/run.ts';
import type { MarketData } from '../data/market-data.ts';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import { createAlertRuns } from './alert-runs.ts';
import { systemClock, type Clock } from './clock.ts';
import { createDelivery, type DigestPostEvent } from './delivery.ts';
import type { DigestPoster, Platform } from './poster.ts';
import type { RateLimits } from './queue.ts';
import { latestClosedDay, nextPostingOccurrence, nyseCalendar, previousPostingOccurrence, slotKey, targetDay, type MarketCalendar, type Slot } from './schedule.ts';
import { createScheduler, type Scheduler } from './scheduler.ts';
import { DEFAULT_DIGEST_SETTINGS, type DigestSettings } from './settings.ts';
import { createSlotRuns } from './slots.ts';
import type { DigestStore } from './types.ts';

export type { DigestFailReason, DigestPostEvent, DigestSkipReason } from './delivery.ts';
export { REFRESH_ALERTS_DELAY_MS } from './alert-runs.ts';

export interface DigestServiceOptions {
  store: DigestStore;
  market: MarketData;
  /**
   * Runs /rotation, /leaders and /scan for the other presets: the runner's `invoke`, the path a
   * command's `ctx.run` takes too (/digest preview), so a preview and the posted digest are the same.
   */
  runner: Pick<CommandRunner, 'invoke'> | RunInvocation;
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
  /**
   * Where the slot and alert jobs run. Default: this process's own timers. With several replicas,
   * a shared schedule (BullMQ, src/digest/jobs.ts) runs each occurrence once on whichever replica's
   * worker takes it; the outbox keeps each post single either way.
   */
  jobs?: DigestJobs;
  /** This process among replicas (outbox claims, logs); default a random id. */
  replicaId?: string;
  /** With a shared store: how often pending rows that no replica holds are looked for (ms); default 60 s. */
  sweepMs?: number;
}

/**
 * A shared schedule (BullMQ, src/digest/jobs-bullmq.ts): each job fires on a cron pattern in its
 * zone, once among all replicas, on whichever replica's worker takes it.
 */
export interface DigestJobs {
  /** Sets the jobs (`slot KEY` per slot, and `alerts`); jobs no longer listed are removed. */
  sync(jobs: readonly DigestJobSpec[]): Promise<void>;
  /** Starts taking due jobs; `run` is called with the job's name. */
  start(run: (name: string) => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}
export interface DigestJobSpec {
  name: string;
  /** Five-field cron pattern, minutes first. */
  cron: string;
  tz: string;
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

export function createDigestService(opts: DigestServiceOptions): DigestService {
  const { store, market } = opts;
  const clock = opts.clock ?? systemClock;
  const calendar = opts.calendar ?? nyseCalendar;
  const logger = opts.logger ?? silentLogger;
  const settings: DigestSettings = { ...DEFAULT_DIGEST_SETTINGS, ...opts.settings };
  const run: RunInvocation = typeof opts.runner === 'function' ? opts.runner : opts.runner.invoke;
  const scheduler = createScheduler({ clock, logger });
  const posters = new Map(opts.posters.map((p) => [p.platform, p]));
  // Only channels on a platform this process can post to are decided: a Slack subscription on a
  // Discord-only run stays untouched for a later run that has Slack, instead of being skipped as late.
  const platforms = new Set(posters.keys());
  let active = 0;
  let started = false;
  let unlisten: (() => void) | null = null;
  let unlistenRefresh: (() => void) | null = null;

  /** Counts `fn` as work in progress while it runs (see busy()). */
  async function track<T>(fn: () => Promise<T>): Promise<T> {
    active++;
    try {
      return await fn();
    } finally {
      active--;
    }
  }

  const delivery = createDelivery({
    store,
    renderer: opts.renderer,
    posters,
    clock,
    logger,
    settings,
    track,
    ...(opts.limits ? { limits: opts.limits } : {}),
    ...(opts.onPost ? { onPost: opts.onPost } : {}),
    ...(opts.replicaId !== undefined ? { replicaId: opts.replicaId } : {}),
  });
  const common = { store, market, delivery, scheduler, clock, calendar, logger, settings, platforms, track };
  const slots = createSlotRuns({ ...common, run });
  const alerts = createAlertRuns(common);

  async function wantedSlots(): Promise<Map<string, Slot>> {
    const wanted = new Map<string, Slot>();
    for (const s of await store.subscriptions()) if (platforms.has(s.channel.platform)) wanted.set(slotKey(s.slot), s.slot);
    return wanted;
  }

  /**
   * Runs a shared-schedule job ('slot KEY' or 'alerts') that fired now. The cron fires on every
   * weekday; the occurrence it stands for is the slot's latest posting occurrence (so a holiday's
   * firing finds that occurrence already decided, and a late worker still targets the right day).
   */
  async function runJob(name: string): Promise<void> {
    const now = clock.now();
    if (name === 'alerts') return track(() => alerts.processAlerts(latestClosedDay(now, calendar), false));
    const slot = (await wantedSlots()).get(name.slice(5));
    if (slot) await track(() => slots.processSlot({ slot, at: previousPostingOccurrence(slot, now, calendar), waiting: false }));
  }

  /** The slot's time as a weekday cron pattern (posting dates are local weekdays; holidays are skipped when it runs). */
  const slotCron = (slot: Slot): string => {
    const [h, m] = slot.time.split(':').map(Number);
    return `${m ?? 0} ${h ?? 0} * * 1-5`;
  };
  const alertCron = (): string => {
    const minutes = 16 * 60 + settings.alertDelayMin;
    return `${minutes % 60} ${Math.floor(minutes / 60) % 24} * * 1-5`;
  };

  // ---- jobs -------------------------------------------------------------------------------------
  async function syncSlots(): Promise<void> {
    const wanted = await wantedSlots();
    if (opts.jobs) {
      await opts.jobs.sync([...[...wanted].map(([key, slot]) => ({ name: `slot ${key}`, cron: slotCron(slot), tz: slot.tz })), { name: 'alerts', cron: alertCron(), tz: 'America/New_York' }]);
      return;
    }
    for (const { name } of scheduler.upcoming()) {
      if (name.startsWith('slot ') && !wanted.has(name.slice(5))) scheduler.remove(name);
    }
    for (const [key, slot] of wanted) {
      const name = `slot ${key}`;
      if (scheduler.has(name)) continue;
      scheduler.add({
        name,
        next: (after) => nextPostingOccurrence(slot, after, calendar),
        run: (at) => track(() => slots.processSlot({ slot, at, waiting: false })),
      });
    }
  }

  const resync = (): void => {
    syncSlots().catch((err: unknown) => logger.error({ err }, 'digest: could not update the slot jobs'));
  };

  return {
    store,
    scheduler,
    async start() {
      if (started) return;
      started = true;
      const now = clock.now();
      const pruned = await store.prune(new Date(now.getTime() - settings.keepDays * 86_400_000));
      if (pruned.outbox > 0) logger.info({ ...pruned, keepDays: settings.keepDays }, 'digest: pruned old outbox rows');
      // 1. Resume what was decided but not recorded as sent.
      for (const row of await store.pending()) {
        const ref = Date.parse(row.dueAt ?? row.decidedAt);
        if (now.getTime() - ref > (settings.lateWindowMin + settings.dataWaitMin) * MIN) {
          await store.markFinal(row.id, 'skipped', `too late to resume at ${now.toISOString()}`);
          delivery.report(row.channel, row.kind, 'skipped', 'too-late');
          logger.warn({ outbox: row.id, kind: row.kind, event: row.event }, 'digest: a pending post is too old to resume; skipped');
          continue;
        }
        logger.info({ outbox: row.id, kind: row.kind, event: row.event, attempts: row.attempts }, 'digest: resuming a pending post');
        await delivery.enqueue(row);
      }
      // 2. Jobs, and a catch-up look at each slot's most recent occurrence.
      await syncSlots();
      unlisten = store.onChange((what) => {
        if (what === 'subscriptions' && started) resync();
      });
      if (!opts.jobs) scheduler.add({ name: 'alerts', next: alerts.nextAlertRun, run: (at) => track(() => alerts.processAlerts(targetDay(at, calendar), false)) });
      if (store.claim) {
        // A shared store: rows left by a replica that died are picked up once their claim's lease ends.
        const every = opts.sweepMs ?? MIN;
        scheduler.add({ name: 'outbox sweep', next: (after) => new Date(after.getTime() + every), run: () => track(async () => void (await delivery.sweep())) });
      }
      unlistenRefresh =
        market.onRefresh?.((_symbol, lastDate) => {
          if (!started) return;
          alerts.onRefresh(lastDate).catch((err: unknown) => logger.error({ err }, 'alerts: a refresh could not be looked at'));
        }) ?? null;
      await track(async () => {
        const wanted = await wantedSlots();
        for (const slot of wanted.values()) {
          try {
            await slots.recordMissed(slot, now);
            await slots.processSlot({ slot, at: previousPostingOccurrence(slot, now, calendar), waiting: false });
          } catch (err) {
            logger.error({ slot: slotKey(slot), err }, 'digest: catch-up failed');
          }
        }
        const day = latestClosedDay(now, calendar);
        if (alerts.alertTime(day).getTime() <= now.getTime()) {
          try {
            await alerts.processAlerts(day, false);
          } catch (err) {
            logger.error({ day, err }, 'alerts: catch-up failed');
          }
        }
      });
      // stop() may have run while the catch-up was awaited: then the scheduler must stay stopped.
      if (!started) return;
      scheduler.start();
      if (opts.jobs) await opts.jobs.start(runJob);
    },
    async stop() {
      started = false;
      unlisten?.();
      unlisten = null;
      unlistenRefresh?.();
      unlistenRefresh = null;
      await opts.jobs?.stop();
      await scheduler.stop();
      await delivery.close();
    },
    fireSlot: (slot, at) => track(() => slots.processSlot({ slot, at, waiting: false })),
    runAlerts: (day) => track(() => alerts.processAlerts(day, false)),
    busy: () => active + scheduler.busy() + delivery.running(),
    queued: () => delivery.waiting(),
  };
}
