/**
 * Alerts "on data refresh when live data exists" (issue 7): when a live provider stores a day's
 * close, the alerts of that day are evaluated then, not only at the daily alerts job (close + 20 min).
 * The market here publishes each real close 5 minutes after the bell and tells its refresh listeners,
 * as the SQLite cache does after a live top-up (src/data/cache.ts, onRefresh).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { MarketData } from '../../src/data/market-data.ts';
import { createManualClock } from '../../src/digest/clock.ts';
import { createDigestService, REFRESH_ALERTS_DELAY_MS } from '../../src/digest/service.ts';
import { createDigestStore } from '../../src/digest/store.ts';
import { openDatabase } from '../../src/store/db.ts';
import { createTestApp } from '../_app.ts';
import { naiveRows, type NaiveRow } from '../commands/_naive.ts';
import { fakeRenderer, ny, recordingPoster, runUntil, timedMarket } from './_fakes.ts';

const app = createTestApp();
afterAll(() => app.close());

/** The first 2025 session on which SPY closed above 600 after closing at or below it the session before: a naive scan. */
function firstCrossAbove600(): string {
  const r = naiveRows('SPY');
  for (let i = 1; i < r.length; i++) {
    const [prev, cur] = [r[i - 1] as NaiveRow, r[i] as NaiveRow];
    if (cur.date >= '2025-01-02' && (cur.close as number) > 600 && (prev.close as number) <= 600) return cur.date;
  }
  throw new Error('SPY never crossed 600 in 2025');
}

/** A market whose closes appear 5 minutes after the bell, with refresh listeners the test calls as a live top-up would. */
function liveMarket(clock: { now(): Date }): MarketData & { refreshed(symbol: string, day: string): void } {
  const base = timedMarket(app.market, clock, (d) => ny(`${d}T16:05`));
  const listeners = new Set<(symbol: string, lastDate: string) => void>();
  return {
    ...base,
    onRefresh(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    refreshed(symbol, day) {
      for (const l of listeners) l(symbol, day);
    },
  };
}

describe('alerts on a live refresh', () => {
  const day = firstCrossAbove600();

  async function run(refresh: boolean) {
    const clock = createManualClock(ny(`${day}T15:00`));
    const store = createDigestStore(openDatabase(':memory:'));
    const market = liveMarket(clock);
    const poster = recordingPoster('discord', clock);
    const service = createDigestService({ store, market, runner: app.runner, renderer: fakeRenderer(), posters: [poster], clock });
    store.addAlert({ platform: 'discord', id: 'alerts' }, { kind: 'above', symbol: 'SPY', level: 600 }, '2024-12-31', 'tester', clock.now());
    await service.start();
    await runUntil(clock, ny(`${day}T16:06`), () => service.busy());
    if (refresh) {
      // A burst of refreshes as the cache tops up each symbol; one evaluation follows the last.
      market.refreshed('QQQ', day);
      market.refreshed('SPY', day);
    }
    await runUntil(clock, ny(`${day}T16:30`), () => service.busy());
    await service.stop();
    return poster.posts;
  }

  it(`posts the alert when the close arrives (${'SPY above $600'}), before the daily alerts job`, async () => {
    const posts = await run(true);
    expect(posts, 'one post for one event').toHaveLength(1);
    expect(posts[0]?.answer.asOf).toBe(day);
    expect(posts[0]?.at.getTime(), 'five seconds after the refresh, not at 16:20').toBe(ny(`${day}T16:06`).getTime() + REFRESH_ALERTS_DELAY_MS);
  }, 60_000);

  it('without a refresh, the same alert waits for the daily job, and is still posted once', async () => {
    const posts = await run(false);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.at.getTime(), 'at the alerts job, close + 20 min').toBe(ny(`${day}T16:20`).getTime());
  });
});
