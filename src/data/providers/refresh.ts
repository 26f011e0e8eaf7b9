/**
 * When the cache asks a live provider again (cache.ts `RefreshPolicy`), from the NYSE calendar:
 *
 * - A bar is *final* once it was fetched at least `settleMs` after its session's close
 *   (calendar.ts `marketCloseInstant`, early closes included). Final bars are immutable: a symbol
 *   whose newest bar is final and is the latest session's is never fetched again until the next
 *   session opens — nights, weekends and holidays cost no request.
 * - During a session (from the 9:30 open until close + settle) today's bar is provisional and
 *   trusted for `intradayTtlMs`.
 * - After the close, a provisional bar is fetched once more to become final; a session whose bar
 *   the provider has not published yet (end-of-day feeds publish in the evening) is looked for
 *   again every `recheckMs`.
 * Each refresh fetches only from the newest stored bar on (the cache adds the overlap it needs).
 */
import { DateTime } from 'luxon';
import type { RefreshPolicy, SeriesMeta } from '../cache.ts';
import { isTradingDay, marketCloseInstant, NYSE_ZONE, previousTradingDay } from '../calendar.ts';
import { newYorkDate } from './live.ts';

export interface LiveRefreshOptions {
  /** How long a bar of a session in progress is trusted. Default 5 minutes. */
  intradayTtlMs?: number;
  /** Time after the close before a bar counts as final. Default 20 minutes. */
  settleMs?: number;
  /** How often to look again for a session's bar that is not there yet. Default 15 minutes. */
  recheckMs?: number;
}

/** The opening instant (9:30 New York) of a trading day. */
function openInstant(isoDate: string): number {
  const [y, m, d] = isoDate.split('-').map(Number);
  return DateTime.fromObject({ year: y, month: m, day: d, hour: 9, minute: 30 }, { zone: NYSE_ZONE }).toMillis();
}

/** The newest trading day whose session has opened by `now`. */
export function latestSession(now: Date): string {
  const today = newYorkDate(now);
  return isTradingDay(today) && now.getTime() >= openInstant(today) ? today : previousTradingDay(today);
}

export function liveRefreshPolicy(opts: LiveRefreshOptions = {}): RefreshPolicy & { isFinal(date: string, fetchedAt: string): boolean } {
  const intradayTtlMs = opts.intradayTtlMs ?? 5 * 60_000;
  const settleMs = opts.settleMs ?? 20 * 60_000;
  const recheckMs = opts.recheckMs ?? 15 * 60_000;

  const settledAt = (date: string): number => {
    try {
      return marketCloseInstant(date).getTime() + settleMs;
    } catch {
      return Number.NEGATIVE_INFINITY; // not a session day: nothing can change it
    }
  };
  const isFinal = (date: string, fetchedAt: string): boolean => Date.parse(fetchedAt) >= settledAt(date);

  return {
    isFinal,
    lastBarFinal: (meta: SeriesMeta) => isFinal(meta.lastDate, meta.fetchedAt),
    refreshFrom(meta, now) {
      const t = now.getTime();
      const age = t - Date.parse(meta.fetchedAt);
      const session = latestSession(now);
      const inSession = t < settledAt(session);
      if (meta.lastDate >= session) {
        if (isFinal(meta.lastDate, meta.fetchedAt)) return null;
        if (inSession) return age >= intradayTtlMs ? meta.lastDate : null;
        return meta.lastDate; // the session is over: fetch its final bar
      }
      return age >= (inSession ? intradayTtlMs : recheckMs) ? meta.lastDate : null;
    },
  };
}
