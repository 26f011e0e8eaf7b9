/**
 * Alert runs: every alert is evaluated at close + DIGEST_ALERT_DELAY_MIN, and also when a live
 * refresh stores a day's close (market.onRefresh); an event is decided through the outbox, so it is
 * posted once either way, by whichever run (or replica) decides it first.
 */
import type { DailySeries } from '../core/series.ts';
import { truncateAsOf } from '../core/series.ts';
import type { MarketData } from '../data/market-data.ts';
import type { Logger } from '../log.ts';
import { alertAnswer, alertEvent, alertSymbols, shouldFire } from './alerts.ts';
import type { Clock } from './clock.ts';
import { hasClose } from './compose.ts';
import type { Delivery } from './delivery.ts';
import type { Platform } from './poster.ts';
import { newYorkDate, type MarketCalendar } from './schedule.ts';
import type { Scheduler } from './scheduler.ts';
import type { DigestSettings } from './settings.ts';
import type { Alert, DigestStore } from './types.ts';

export interface AlertRunsOptions {
  store: DigestStore;
  market: MarketData;
  delivery: Delivery;
  scheduler: Scheduler;
  clock: Clock;
  calendar: MarketCalendar;
  logger: Logger;
  settings: DigestSettings;
  platforms: ReadonlySet<Platform>;
  track: <T>(fn: () => Promise<T>) => Promise<T>;
}

export interface AlertRuns {
  /** When the alerts for the close of `day` are evaluated. */
  alertTime(day: string): Date;
  /** The first alert run strictly after `after`. */
  nextAlertRun(after: Date): Date;
  processAlerts(day: string, waiting: boolean): Promise<void>;
  /** A live refresh stored bars up to `lastDate` (see onRefresh in service.ts). */
  onRefresh(lastDate: string): Promise<void>;
}

const MIN = 60_000;
/** After a live refresh brings a close, alerts are evaluated this long after the last refresh of the burst. */
export const REFRESH_ALERTS_DELAY_MS = 5_000;

export function createAlertRuns(opts: AlertRunsOptions): AlertRuns {
  const { store, market, delivery, scheduler, clock, calendar, logger, settings, platforms, track } = opts;
  const activeAlerts = async () => (await store.alerts()).filter((x) => platforms.has(x.channel.platform));

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
    const alerts = await activeAlerts();
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
        await fireAlert(alert, ev, day);
      } catch (err) {
        logger.error({ alert: alert.id, err }, 'alerts: evaluating an alert failed');
      }
    }
  }

  async function fireAlert(alert: Alert, ev: NonNullable<ReturnType<typeof alertEvent>>, day: string): Promise<void> {
    const answer = alertAnswer(alert, ev, day, market.sourceLabel);
    const rows = await store.decide([{ kind: 'alert', refId: alert.id, event: ev.key, channel: alert.channel, dueAt: clock.now() }], { configKey: `alert|${alert.id}|${ev.key}`, answer }, clock.now());
    for (const row of rows) {
      logger.info({ alert: alert.id, event: ev.key, day }, 'alert: fired');
      await delivery.enqueue(row, answer);
    }
  }

  /**
   * Once a trading day's close has passed, its alerts are evaluated when a refresh brings it, not only
   * at the daily alerts job. Refreshes arriving together (one per symbol) are folded into one
   * evaluation REFRESH_ALERTS_DELAY_MS after the last; an event already posted is not posted again,
   * so a second evaluation of the same day is harmless.
   */
  async function onRefresh(lastDate: string): Promise<void> {
    if (!calendar.isTradingDay(lastDate) || clock.now().getTime() < calendar.closeInstant(lastDate).getTime()) return;
    if ((await activeAlerts()).length === 0) return;
    scheduler.once(`refresh alerts ${lastDate}`, new Date(clock.now().getTime() + REFRESH_ALERTS_DELAY_MS), () => track(() => processAlerts(lastDate, false)));
  }

  return { alertTime, nextAlertRun, processAlerts, onRefresh };
}
