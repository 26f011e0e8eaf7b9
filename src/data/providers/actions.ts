/**
 * Corporate actions (dividends and splits) and the total-return series derived from them.
 *
 * Why derive it ourselves: a provider's adjusted close is re-based at every dividend and split
 * (every earlier value is scaled again), so adjusted series fetched on different days do not fit
 * together. Live providers therefore return split-adjusted closes plus the events, and `adjClose`
 * is computed here, from one consistent set of inputs, with the CRSP method that Yahoo and Tiingo
 * document for their own adjusted prices (Tiingo, "End-of-Day Prices — Overview":
 * https://www.tiingo.com/documentation/end-of-day, citing CRSP Calculations):
 *
 *   a dividend D going ex on trading day t multiplies every close before t by (1 − D / close[t−1]).
 *
 * So `adjClose[i] = close[i] × Π (1 − D / close[ex−1])` over the dividends going ex after day i:
 * equal to `close` on the newest bar, like Yahoo's `adjclose`. Because the factor of each bar only
 * depends on later bars, a window `[from, today]` yields exactly the values the full history yields
 * for the same days (the PriceProvider contract's `from` rule). The cache keeps one basis over time by
 * re-scaling what it stored with the exact factor implied by an overlapping bar (see cache.ts).
 */
import type { DailyBar } from '../../core/series.ts';
import type { PriceProvider } from '../provider.ts';
import { at } from '../../core/at.ts';

/** A cash distribution per share, on the same split-adjusted basis as the bars' closes. */
export interface Dividend {
  /** Ex-dividend date: the first trading day the share trades without it. */
  readonly date: string;
  readonly amount: number;
}

/** A share split: `ratio` new shares per old share (2 for a 2-for-1, 0.1 for a 1-for-10 reverse split). */
export interface Split {
  /** First trading day on the new share basis. */
  readonly date: string;
  readonly ratio: number;
}

/** Daily bars (close split-adjusted, adjClose derived) with the corporate actions inside their window. */
export interface PriceHistory {
  readonly bars: DailyBar[];
  readonly dividends: readonly Dividend[];
  readonly splits: readonly Split[];
  /** `name` of the provider that actually served it (a failover chain sets this). */
  readonly provider?: string;
  /**
   * True when the data did not come from a live provider (the bundled last resort answered
   * because every live one failed): stale by nature, and the cache says so in its answers.
   */
  readonly fallback?: boolean;
  /** When `fallback`, why the live providers could not answer (for the log and /status). */
  readonly fallbackReason?: string;
  /**
   * Suspect moves (plausibility.ts) that no second source could confirm or contradict, old enough to
   * be kept: one sentence each that every answer using the symbol must carry.
   */
  readonly doubts?: readonly string[];
  /** What the sanity checks repaired in the provider's response (see sanity.ts), for the log. */
  readonly repairs?: readonly string[];
}

/** A provider that can also say which dividends and splits its bars went through. */
export interface HistoryProvider extends PriceProvider {
  /** Same contract as `fetchDaily` for `bars`; events are those dated inside the returned window. */
  fetchHistory(symbol: string, opts?: HistoryFetchOptions): Promise<PriceHistory>;
}

export interface HistoryFetchOptions {
  /** Inclusive ISO date: only bars from it on. */
  from?: string;
  /** The caller went away: reject with its reason. */
  signal?: AbortSignal;
  /**
   * The answer's time budget (failover.ts): when it fires, live providers stop (retries included)
   * and the offline fallback answers, labelled as such. Unlike `signal`, it never fails the call.
   */
  budget?: AbortSignal;
}

export function isHistoryProvider(p: PriceProvider): p is HistoryProvider {
  return typeof (p as Partial<HistoryProvider>).fetchHistory === 'function';
}

/** A bar as a provider parsed it, before `adjClose` is derived: `close` is split-adjusted and may be missing. */
export interface RawBar {
  date: string;
  open: number | null;
  high: number | null;
  low: number | null;
  close: number | null;
  volume: number | null;
}

/**
 * Adds the CRSP total-return `adjClose` to bars whose `close` is present (sanity.ts refuses bars
 * without one first). A dividend dated on a non-trading day counts from the next bar; one at or
 * before the first bar, or after the last, changes nothing inside the window.
 */
export function deriveAdjClose(bars: readonly RawBar[], dividends: readonly Dividend[]): DailyBar[] {
  const n = bars.length;
  const out = new Array<DailyBar>(n);
  // Dividend per bar index (the first bar on or after its ex-date); several on one day add up.
  const byIndex = new Map<number, number>();
  let k = 0;
  for (const d of [...dividends].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))) {
    while (k < n && at(bars, k).date < d.date) k++;
    if (k >= n) break;
    byIndex.set(k, (byIndex.get(k) ?? 0) + d.amount);
  }
  let factor = 1;
  for (let i = n - 1; i >= 0; i--) {
    const b = at(bars, i);
    const close = b.close as number;
    out[i] = { date: b.date, open: b.open, high: b.high, low: b.low, close, adjClose: close * factor, volume: b.volume };
    const amount = byIndex.get(i);
    if (amount !== undefined && i > 0) {
      const previousClose = at(bars, i - 1).close as number;
      factor *= 1 - amount / previousClose;
    }
  }
  return out;
}

/**
 * Puts bars on the split basis of the newest one: every price before a split's date is divided by
 * its ratio and the volume multiplied. For providers that serve as-traded prices (Tiingo `close`,
 * Alpha Vantage `4. close`).
 */
export function applySplits(bars: readonly RawBar[], splits: readonly Split[]): RawBar[] {
  const out = bars.map((b) => ({ ...b }));
  for (const s of splits) {
    if (!(s.ratio > 0) || s.ratio === 1) continue;
    for (const b of out) {
      if (b.date >= s.date) break;
      b.open = b.open === null ? null : b.open / s.ratio;
      b.high = b.high === null ? null : b.high / s.ratio;
      b.low = b.low === null ? null : b.low / s.ratio;
      b.close = b.close === null ? null : b.close / s.ratio;
      b.volume = b.volume === null ? null : b.volume * s.ratio;
    }
  }
  return out;
}

/** Product of the ratios of the splits dated after `date`: how many of today's shares one share of `date` became. */
export function splitFactorAfter(splits: readonly Split[], date: string): number {
  let f = 1;
  for (const s of splits) if (s.date > date) f *= s.ratio;
  return f;
}
