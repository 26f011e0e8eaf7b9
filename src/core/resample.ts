/**
 * Daily bars grouped into weekly or monthly bars, so a long history still draws as legible candles.
 *
 * A **weekly bar** holds the sessions of one Monday-to-Sunday calendar week; a **monthly bar** those of
 * one calendar month. Each bar opens at its first session's open, closes at its last session's close, and
 * spans the highest high and lowest low between; its volume is the sum of the sessions' volumes. A bar is
 * dated by its last session, so it sits on the same trading-day axis as daily values sampled there.
 */
import type { DailySeries } from './series.ts';
import { at } from './at.ts';

export type BarInterval = 'week' | 'month';

export interface ResampledBars {
  interval: BarInterval;
  /** Date of each bar's last session. */
  dates: string[];
  /** Series index of each bar's first and last session. */
  firstIndex: number[];
  lastIndex: number[];
  open: (number | null)[];
  high: (number | null)[];
  low: (number | null)[];
  close: (number | null)[];
  /** null when any session of the bar lacks volume. */
  volume: (number | null)[];
}

const DAY_MS = 86_400_000;

/** The key shared by every date of one bar: the Monday of its week, or its YYYY-MM. */
function bucketKey(date: string, interval: BarInterval): string {
  if (interval === 'month') return date.slice(0, 7);
  const t = Date.parse(date);
  const weekday = (new Date(t).getUTCDay() + 6) % 7; // Monday = 0
  return new Date(t - weekday * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Rows [fromIndex, endIndex] of `s` as weekly or monthly bars, oldest first. OHLC values of a bar are
 * null when any of its sessions lacks them (a bar from partial data would misstate its range).
 */
export function resampleBars(s: DailySeries, interval: BarInterval, fromIndex = 0, endIndex: number = s.dates.length - 1): ResampledBars {
  if (!Number.isInteger(fromIndex) || !Number.isInteger(endIndex) || fromIndex < 0 || endIndex >= s.dates.length || fromIndex > endIndex) {
    throw new RangeError(`resampleBars: rows ${fromIndex}..${endIndex} are not inside 0..${s.dates.length - 1}`);
  }
  const out: ResampledBars = { interval, dates: [], firstIndex: [], lastIndex: [], open: [], high: [], low: [], close: [], volume: [] };
  let i = fromIndex;
  while (i <= endIndex) {
    const key = bucketKey(at(s.dates, i), interval);
    const first = i;
    let complete = true;
    let hi = -Infinity;
    let lo = Infinity;
    let vol: number | null = 0;
    while (i <= endIndex && bucketKey(at(s.dates, i), interval) === key) {
      const h = s.high[i];
      const l = s.low[i];
      if (h == null || l == null || s.open[i] == null || s.close[i] == null) complete = false;
      else {
        if (h > hi) hi = h;
        if (l < lo) lo = l;
      }
      const v = s.volume[i];
      vol = vol === null || v == null ? null : vol + v;
      i++;
    }
    const last = i - 1;
    out.dates.push(at(s.dates, last));
    out.firstIndex.push(first);
    out.lastIndex.push(last);
    out.open.push(complete ? at(s.open, first) : null);
    out.high.push(complete ? hi : null);
    out.low.push(complete ? lo : null);
    out.close.push(complete ? at(s.close, last) : null);
    out.volume.push(vol);
  }
  return out;
}
