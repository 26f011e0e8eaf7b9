/**
 * Fakes for the digest tests: a poster that records what it would have sent, a renderer that draws
 * nothing, market data whose closes "arrive" at a set time after each close (driven by a manual
 * clock), and a driver that runs a manual clock forward, letting all work settle between timers.
 */
import { DateTime } from 'luxon';
import type { Answer } from '../../src/answer/answer.ts';
import type { ChartSpec } from '../../src/answer/chart-spec.ts';
import type { ChartRenderer, RenderedChart } from '../../src/charts/renderer.ts';
import { truncateAsOf, type DailySeries } from '../../src/core/series.ts';
import type { MarketData } from '../../src/data/market-data.ts';
import type { ManualClock } from '../../src/digest/clock.ts';
import { PostError, type ChannelRef, type DigestPoster, type Platform } from '../../src/digest/poster.ts';
import { naiveRows } from '../commands/_naive.ts';

export interface RecordedPost {
  channel: ChannelRef;
  answer: Answer;
  charts: number;
  key: string;
  at: Date;
  messageId: string;
}

/** A poster that records every post; `fail` can make chosen posts throw. */
export function recordingPoster(
  platform: Platform,
  clock: { now(): Date },
  opts: { fail?: (channel: ChannelRef, key: string, attempt: number) => PostError | null; dedupWindowMs?: number } = {},
): DigestPoster & { posts: RecordedPost[]; attempts: Map<string, number> } {
  const posts: RecordedPost[] = [];
  const attempts = new Map<string, number>();
  let n = 0;
  return {
    platform,
    posts,
    attempts,
    dedupWindowMs: opts.dedupWindowMs ?? 0,
    async post(channel, answer, charts, { idempotencyKey }) {
      const k = attempts.get(idempotencyKey) ?? 0;
      attempts.set(idempotencyKey, k + 1);
      const err = opts.fail?.(channel, idempotencyKey, k + 1);
      if (err) throw err;
      const messageId = `${platform}-${++n}`;
      posts.push({ channel, answer, charts: charts.length, key: idempotencyKey, at: clock.now(), messageId });
      return { messageId };
    },
  };
}

export { PostError };

/** Renders nothing: a few bytes per chart, counting the calls. */
export function fakeRenderer(): ChartRenderer & { calls: ChartSpec[] } {
  const calls: ChartSpec[] = [];
  return {
    name: 'fake',
    calls,
    async render(spec) {
      calls.push(spec);
      return Buffer.from(spec.id);
    },
    async close() {},
  };
}

export type { RenderedChart };

/** The 2025 early closes, by hand from the NYSE's published holiday calendar (1 pm New York). */
export const EARLY_CLOSES_2025 = new Set(['2025-07-03', '2025-11-28', '2025-12-24']);

/** The close of a date in the bundled data, from the hand list above (independent of src/data/calendar.ts). */
export function handClose(date: string): Date {
  const hour = EARLY_CLOSES_2025.has(date) ? 13 : 16;
  return DateTime.fromISO(`${date}T${String(hour).padStart(2, '0')}:00`, { zone: 'America/New_York' }).toJSDate();
}

/** SPY's dates from the CSV: exactly the trading days. */
export function spyDates(from: string, to: string): string[] {
  return naiveRows('SPY')
    .map((r) => r.date)
    .filter((d) => d >= from && d <= to);
}

/**
 * Market data whose bar for date d becomes visible at `publishAt(d)` (default: its close + 10 min).
 * Before that, every series ends at the last published date, as a live provider's would.
 */
export function timedMarket(base: MarketData, clock: { now(): Date }, publishAt: (date: string) => Date = (d) => new Date(handClose(d).getTime() + 10 * 60_000)): MarketData {
  const dates = naiveRows('SPY').map((r) => r.date);
  const publish = dates.map((d) => publishAt(d).getTime());
  const visibleUntil = (): string => {
    const now = clock.now().getTime();
    let last = '';
    for (let i = 0; i < dates.length; i++) {
      if ((publish[i] as number) > now) break;
      last = dates[i] as string;
    }
    return last;
  };
  let memoAt = NaN;
  let memoDay = '';
  const cutoff = () => {
    const t = clock.now().getTime();
    if (t !== memoAt) {
      memoAt = t;
      memoDay = visibleUntil();
    }
    return memoDay;
  };
  return {
    sourceLabel: base.sourceLabel,
    async series(symbol: string): Promise<DailySeries> {
      return truncateAsOf(await base.series(symbol), cutoff());
    },
    async latestClose() {
      return cutoff();
    },
  };
}

/** Lets every piece of running work finish (it never waits on the manual clock, only on I/O and promises). */
export async function settle(busy: () => number): Promise<void> {
  for (let idle = 0; idle < 3; ) {
    await new Promise((r) => setImmediate(r));
    idle = busy() === 0 ? idle + 1 : 0;
  }
}

/** Fires the manual clock's timers in order up to `until`, settling after each; then sets the clock to `until`. */
export async function runUntil(clock: ManualClock, until: Date, busy: () => number): Promise<void> {
  await settle(busy);
  for (;;) {
    const next = clock.nextTimerAt();
    if (!next || next.getTime() > until.getTime()) break;
    clock.fireNext();
    await settle(busy);
  }
  clock.set(until);
}

/** "2025-03-10T16:30" in New York → the instant. */
export function ny(local: string): Date {
  return DateTime.fromISO(local, { zone: 'America/New_York' }).toJSDate();
}
