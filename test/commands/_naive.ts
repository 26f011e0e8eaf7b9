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
