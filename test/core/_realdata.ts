/**
 * Test helper: the real bundled prices (data/prices/<SYM>.csv) as DailySeries, plus the raw CSV rows
 * for tests that compute reference values independently, straight from the file.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { seriesFromBars } from '../../src/core/series.ts';
import type { DailyBar, DailySeries } from '../../src/core/series.ts';

const PRICES_DIR = new URL('../../data/prices/', import.meta.url);

export type CsvRow = Record<'date' | 'open' | 'high' | 'low' | 'close' | 'adj_close' | 'volume', string>;

const rowCache = new Map<string, CsvRow[]>();
const seriesCache = new Map<string, DailySeries>();

/** The CSV rows as text, oldest first, exactly as in the file. */
export function csvRows(symbol: string): CsvRow[] {
  let rows = rowCache.get(symbol);
  if (!rows) {
    const text = readFileSync(new URL(`${encodeURIComponent(symbol)}.csv`, PRICES_DIR), 'utf8');
    rows = parse(text, { columns: true, skip_empty_lines: true }) as CsvRow[];
    rowCache.set(symbol, rows);
  }
  return rows;
}

const num = (field: string): number | null => (field === '' ? null : Number(field));

/** The symbol's CSV as a DailySeries; empty fields become null. */
export function realSeries(symbol: string): DailySeries {
  let s = seriesCache.get(symbol);
  if (!s) {
    const bars: DailyBar[] = csvRows(symbol).map((r) => {
      const adjClose = Number(r.adj_close);
      if (r.adj_close === '' || !Number.isFinite(adjClose)) throw new Error(`${symbol} ${r.date}: bad adj_close "${r.adj_close}"`);
      return { date: r.date, open: num(r.open), high: num(r.high), low: num(r.low), close: num(r.close), adjClose, volume: num(r.volume) };
    });
    s = seriesFromBars(symbol, bars);
    seriesCache.set(symbol, s);
  }
  return s;
}
