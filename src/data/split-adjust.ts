/**
 * Putting stored prices on the basis of newly fetched ones, without I/O: what the price cache
 * (cache.ts) does to a series in memory when a history top-up brings new corporate actions, the same
 * change the bar repository (bar-repository.ts) makes to the stored rows.
 *
 * Split-adjusted data divides every price before a split by its ratio and multiplies the volume; a
 * total-return series (`adjClose`) re-based by a new dividend or split scales every earlier day alike,
 * by the exact factor `fetched adjClose / stored adjClose` of a day both have (the anchor).
 */
import { at } from '../core/at.ts';
import { barAt, compactColumn, indexOnOrBefore, type DailyBar, type DailySeries } from '../core/series.ts';
import type { Split } from '../core/splits.ts';

/** How stored prices change when a top-up re-bases them: applied to rows dated before `before`. */
export interface Rebase {
  before: string;
  /** Split ratios, each applied in turn: prices divided by it, volume multiplied. */
  splits: readonly number[];
  /** Factor on adjClose, or null when it is left alone. */
  adjFactor: number | null;
}

/** An adjClose factor this close to 1 is rounding, not a re-basing. */
const NO_FACTOR = 1e-12;

/**
 * The re-basing a top-up anchored on `anchor.date` calls for: the splits after the anchor that the
 * stored rows have not been through, and the anchor's `fetchedAdj / storedAdj`. Undefined when
 * nothing changes.
 */
export function rebaseFor(newSplits: readonly Split[], anchor: { date: string; storedAdj: number; fetchedAdj: number }): Rebase | undefined {
  const k = anchor.fetchedAdj / anchor.storedAdj;
  const adjFactor = Math.abs(k - 1) > NO_FACTOR ? k : null;
  if (newSplits.length === 0 && adjFactor === null) return undefined;
  return { before: anchor.date, splits: newSplits.map((x) => x.ratio), adjFactor };
}

/** A price on the new basis: divided by each split ratio in turn. */
export function rebasedPrice(x: number, splits: readonly number[]): number {
  return splits.reduce((v, r) => v / r, x);
}

/** A volume on the new basis: multiplied by each split ratio in turn. */
export function rebasedVolume(x: number, splits: readonly number[]): number {
  return splits.reduce((v, r) => v * r, x);
}

/**
 * The in-memory series after a top-up, built the way the database was just changed instead of read
 * back from it: stored rows before the first fetched bar are kept (copied, or re-based like the
 * stored ones when `rebase` says so), stored rows after `dropAfter` are dropped, and the fetched bars
 * replace or join the rest by date. Costs a copy of the columns, not a SQLite read of every row.
 */
export function spliceTopUp(s: DailySeries, bars: readonly DailyBar[], opts: { dropAfter?: string; rebase?: Rebase; intern?: (date: string) => string } = {}): DailySeries {
  const first = bars[0];
  if (!first && !opts.dropAfter && !opts.rebase) return s;
  const n = s.dates.length;
  // Stored rows [0, k) come before every fetched bar; only [k, n) can meet them.
  let k = n;
  if (first) {
    const i = indexOnOrBefore(s.dates, first.date);
    k = s.dates[i] === first.date ? i : i + 1;
  }
  const prefix = (col: ArrayLike<number | null>, f: (x: number) => number): (number | null)[] => {
    // A plain array whatever the column's storage (adjClose is a Float64Array): it grows below.
    const out: (number | null)[] = Array.prototype.slice.call(col, 0, k);
    if (!opts.rebase) return out;
    for (let i = 0; i < k && at(s.dates, i) < opts.rebase.before; i++) {
      const x = out[i];
      if (x !== null && x !== undefined) out[i] = f(x);
    }
    return out;
  };
  const splits = opts.rebase?.splits ?? [];
  const price = (x: number) => rebasedPrice(x, splits);
  const adj = opts.rebase?.adjFactor ?? null;
  const adjPrefix: number[] = Array.prototype.slice.call(s.adjClose, 0, k);
  if (opts.rebase && adj !== null) for (let i = 0; i < k && at(s.dates, i) < opts.rebase.before; i++) adjPrefix[i] = at(adjPrefix, i) * adj;
  const out = {
    dates: s.dates.slice(0, k),
    open: prefix(s.open, price),
    high: prefix(s.high, price),
    low: prefix(s.low, price),
    close: prefix(s.close, price),
    adjClose: adjPrefix,
    volume: prefix(s.volume, (x) => rebasedVolume(x, splits)),
  };
  const push = (b: DailyBar): void => {
    out.dates.push(b.date);
    out.open.push(b.open);
    out.high.push(b.high);
    out.low.push(b.low);
    out.close.push(b.close);
    out.adjClose.push(b.adjClose);
    out.volume.push(b.volume);
  };
  // The stored tail (re-based like the database rows it mirrors) and the fetched bars, merged by date; fetched wins.
  let j = 0;
  for (let i = k; i < n; i++) {
    const date = at(s.dates, i);
    if (opts.dropAfter !== undefined && date > opts.dropAfter) break;
    while (j < bars.length && at(bars, j).date < date) push(at(bars, j++));
    if (j < bars.length && at(bars, j).date === date) {
      push(at(bars, j++));
      continue;
    }
    const row = barAt(s, i);
    const before = opts.rebase !== undefined && date < opts.rebase.before;
    const p = (x: number | null) => (x === null || !before ? x : price(x));
    push({
      date,
      open: p(row.open),
      high: p(row.high),
      low: p(row.low),
      close: p(row.close),
      adjClose: before && adj !== null ? row.adjClose * adj : row.adjClose,
      volume: row.volume === null || !before ? row.volume : rebasedVolume(row.volume, splits),
    });
  }
  while (j < bars.length) push(at(bars, j++));
  // Stored as a fresh read is (series.ts): adjClose typed, the other columns compact.
  return {
    symbol: s.symbol,
    dates: out.dates.map(opts.intern ?? ((d) => d)),
    open: compactColumn(out.open),
    high: compactColumn(out.high),
    low: compactColumn(out.low),
    close: compactColumn(out.close),
    adjClose: Float64Array.from(out.adjClose),
    volume: compactColumn(out.volume),
  };
}
