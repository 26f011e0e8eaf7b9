/**
 * Aligning series on common trading days. Comparisons between symbols (ratios, streaks, spreads)
 * only make sense on days where every symbol traded; a date missing from any one series is dropped
 * from all of them. The intersection is found with one k-way merge over the sorted date arrays.
 */
import type { DailySeries } from './series.ts';
import { at, atF64, atI32, atStr } from './at.ts';

export interface Alignment {
  /** Dates present in every input series, ascending. */
  dates: string[];
  /** The inputs restricted to `dates`, in input order (an input that lost nothing is returned as is). */
  series: DailySeries[];
  /** Per input, in input order: how many of its rows were dropped and the earliest of them. */
  dropped: { symbol: string; count: number; firstDropped: string | null }[];
}

/** column[rows[0..n)]: a plain slice when the kept rows are contiguous (the usual case: one history inside another). */
/** `pick` for a Float64Array column: a subarray view when the rows are contiguous, else a compact copy. */
function pickFloat(column: Float64Array, rows: Int32Array, n: number): Float64Array {
  const first = n > 0 ? atI32(rows, 0) : 0;
  if (n === 0 || atI32(rows, n - 1) - first === n - 1) return column.subarray(first, first + n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = atF64(column, atI32(rows, i));
  return out;
}

function pick<T>(column: readonly T[], rows: Int32Array, n: number): T[] {
  const first = n > 0 ? atI32(rows, 0) : 0;
  if (n === 0 || atI32(rows, n - 1) - first === n - 1) return column.slice(first, first + n);
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) out[i] = at(column, atI32(rows, i));
  return out;
}

/** First index ≥ `from` whose date is ≥ `target` (or dates.length): a galloping search, so long runs of
 * dates missing from the other series (^GSPC's decades before SPY existed) cost O(log n), not O(n). */
export function seekDate(dates: readonly string[], from: number, target: string): number {
  const len = dates.length;
  let lo = from;
  let hi = from;
  let step = 1;
  while (hi < len && atStr(dates, hi) < target) {
    lo = hi + 1;
    hi += step;
    step *= 2;
  }
  if (hi > len) hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (atStr(dates, mid) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface MergeState {
  /** rows[j][m] = row of series j holding the m-th common date. */
  rows: Int32Array[];
  /** Number of common dates. */
  n: number;
  /** Per series, where the merge stopped: rows from here on were not common. */
  pos: Int32Array;
  /** Per series, the earliest row skipped during the merge (rows after `pos` are not included). */
  firstDropped: (string | null)[];
}

/** The common case, two series, as one tight loop. */
function mergeTwo(a: readonly string[], b: readonly string[]): MergeState {
  const cap = Math.min(a.length, b.length);
  const ra = new Int32Array(cap);
  const rb = new Int32Array(cap);
  let dropA: string | null = null;
  let dropB: string | null = null;
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = atStr(a, i);
    const y = atStr(b, j);
    if (x === y) {
      ra[n] = i++;
      rb[n] = j++;
      n++;
    } else if (x < y) {
      dropA ??= x;
      i = seekDate(a, i + 1, y);
    } else {
      dropB ??= y;
      j = seekDate(b, j + 1, x);
    }
  }
  return { rows: [ra, rb], n, pos: Int32Array.of(i, j), firstDropped: [dropA, dropB] };
}

/**
 * Any number of series: visit them round-robin, each time moving its head up to `target` (the latest
 * head seen); k agreeing visits in a row mean every series holds `target`.
 */
function mergeMany(dateCols: readonly (readonly string[])[]): MergeState {
  const k = dateCols.length;
  let cap = Infinity;
  for (const d of dateCols) cap = Math.min(cap, d.length);
  const rows = dateCols.map(() => new Int32Array(cap));
  const firstDropped: (string | null)[] = dateCols.map(() => null);
  const pos = new Int32Array(k);
  let n = 0;
  let target = dateCols[0]?.[0];
  let agree = 0;
  let j = 0;
  while (target !== undefined) {
    const dates = at(dateCols, j);
    let p = atI32(pos, j);
    let d = dates[p];
    if (d === undefined) break;
    if (d !== target) {
      if (d < target) {
        if (firstDropped[j] === null) firstDropped[j] = d;
        p = seekDate(dates, p + 1, target);
        pos[j] = p;
        d = dates[p];
        if (d === undefined) break;
      }
      if (d !== target) {
        target = d;
        agree = 0;
      }
    }
    j = j + 1 === k ? 0 : j + 1;
    if (++agree === k) {
      for (let c = 0; c < k; c++) {
        const row = atI32(pos, c);
        at(rows, c)[n] = row;
        pos[c] = row + 1;
      }
      n++;
      agree = 0;
      target = at(dateCols, j)[atI32(pos, j)];
    }
  }
  return { rows, n, pos, firstDropped };
}

export function alignSeries(series: readonly DailySeries[]): Alignment {
  const first = series[0];
  if (first === undefined) return { dates: [], series: [], dropped: [] };
  const { rows, n, pos, firstDropped } =
    series.length === 2
      ? mergeTwo(first.dates, at(series, 1).dates)
      : mergeMany(series.map((s) => s.dates));

  const dropped = series.map((s, c) => {
    const count = s.dates.length - n;
    // Rows left after the merge stopped are dropped too; they come after any skipped during it.
    const firstSkipped = firstDropped[c] ?? (count > 0 ? (s.dates[at(pos, c)] ?? null) : null);
    return { symbol: s.symbol, count, firstDropped: firstSkipped };
  });
  // One shared dates array for the result and every restricted series: they hold the same dates.
  const dates = pick(first.dates, at(rows, 0), n);
  const aligned = series.map((s, c): DailySeries => {
    if (s.dates.length === n) return s;
    const r = at(rows, c);
    return {
      symbol: s.symbol,
      dates,
      open: pick(s.open, r, n),
      high: pick(s.high, r, n),
      low: pick(s.low, r, n),
      close: pick(s.close, r, n),
      adjClose: pickFloat(s.adjClose, r, n),
      volume: pick(s.volume, r, n),
    };
  });
  return { dates, series: aligned, dropped };
}
