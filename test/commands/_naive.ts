/**
 * Independent reference calculations for command tests: plain loops straight over the CSV text,
 * sharing no code with src/ (no csv-parse, no core functions), so a bug in the code under test
 * cannot hide in the expected value.
 */
import { readFileSync } from 'node:fs';

export interface NaiveRow {
  date: string;
  close: number | null;
  adj: number;
}

const cache = new Map<string, NaiveRow[]>();

export function naiveRows(symbol: string): NaiveRow[] {
  let rows = cache.get(symbol);
  if (!rows) {
    const text = readFileSync(new URL(`../../data/prices/${symbol}.csv`, import.meta.url), 'utf8');
    rows = text
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => {
        const f = line.split(',');
        return { date: f[0] as string, close: f[4] === '' ? null : Number(f[4]), adj: Number(f[5]) };
      });
    cache.set(symbol, rows);
  }
  return rows;
}

/** adj_close on the last row dated on or before `date`. */
export function adjOnOrBefore(symbol: string, date: string): { date: string; adj: number } {
  let found: NaiveRow | undefined;
  for (const r of naiveRows(symbol)) {
    if (r.date <= date) found = r;
    else break;
  }
  if (!found) throw new Error(`${symbol}: nothing on or before ${date}`);
  return { date: found.date, adj: found.adj };
}

/** Total return between the closes on or before two dates. */
export function naiveReturn(symbol: string, fromDate: string, toDate: string): number {
  return adjOnOrBefore(symbol, toDate).adj / adjOnOrBefore(symbol, fromDate).adj - 1;
}

/** Sessions in a row, ending on `asOf`, on which A's daily total return beat B's (common dates only). */
export function naiveStreak(a: string, b: string, asOf: string): number {
  const bm = new Map(naiveRows(b).map((r) => [r.date, r.adj]));
  const common = naiveRows(a).filter((r) => r.date <= asOf && bm.has(r.date));
  let n = 0;
  for (let i = common.length - 1; i >= 1; i--) {
    const ra = (common[i] as NaiveRow).adj / (common[i - 1] as NaiveRow).adj;
    const rb = (bm.get((common[i] as NaiveRow).date) as number) / (bm.get((common[i - 1] as NaiveRow).date) as number);
    if (ra > rb) n++;
    else break;
  }
  return n;
}

/**
 * Failed breakouts up to `asOf`, found day by day (the reverse of how src/core/breakouts.ts walks): day i
 * is an event when, for some 52-week-high close b in the ten sessions before it and after the previous
 * event (a close strictly above every close dated within a year before it, whose highest such close is at
 * least 5 sessions older than b, the latest on a tie), the close on i is the first one below that high.
 * Returns the rows and the event days' indices.
 */
export function naiveFailedBreakouts(symbol: string, asOf: string): { rows: NaiveRow[]; events: number[]; breakouts: number[] } {
  const rows = naiveRows(symbol).filter((r) => r.date <= asOf);
  const c = rows.map((r) => r.close as number);
  const level: (number | null)[] = rows.map((r, b) => {
    const cutoff = String(Number(r.date.slice(0, 4)) - 1).padStart(4, '0') + r.date.slice(4);
    let max = -Infinity;
    let at = -1;
    for (let i = 0; i < b; i++) {
      if ((rows[i] as NaiveRow).date > cutoff && (c[i] as number) >= max) {
        max = c[i] as number;
        at = i;
      }
    }
    return at >= 0 && (c[b] as number) > max && b - at >= 5 ? max : null;
  });
  const events: number[] = [];
  const breakouts: number[] = [];
  let last = -1;
  for (let i = 1; i < rows.length; i++) {
    for (let b = i - 1; b >= Math.max(last + 1, i - 10); b--) {
      const L = level[b];
      if (L === null || L === undefined || (c[i] as number) >= L) continue;
      if (c.slice(b + 1, i).every((v) => v >= L)) {
        events.push(i);
        breakouts.push(b);
        last = i;
        break;
      }
    }
  }
  return { rows, events, breakouts };
}
