/**
 * Test helper for the level analyses (highs, drawdowns, crossings): a bundled CSV from data/prices/ as
 * raw text rows (for reference values computed straight from the file) and as a DailySeries.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { seriesFromBars } from '../../src/core/series.ts';
import type { DailySeries } from '../../src/core/series.ts';

const PRICES = new URL('../../data/prices/', import.meta.url);

export interface RawRow {
  date: string;
  open: string;
  high: string;
  low: string;
  close: string;
  adj_close: string;
  volume: string;
}

const cache = new Map<string, RawRow[]>();

/** The file's rows, oldest first, fields as text. */
export function rawRows(symbol: string): RawRow[] {
  let rows = cache.get(symbol);
  if (rows === undefined) {
    const text = readFileSync(new URL(`${encodeURIComponent(symbol)}.csv`, PRICES), 'utf8');
    rows = parse(text, { columns: true, skip_empty_lines: true }) as RawRow[];
    cache.set(symbol, rows);
  }
  return rows;
}

const orNull = (field: string): number | null => (field === '' ? null : Number(field));

/** The file as a DailySeries; empty fields become null. */
export function loadSeries(symbol: string): DailySeries {
  return seriesFromBars(
    symbol,
    rawRows(symbol).map((r) => ({
      date: r.date,
      open: orNull(r.open),
      high: orNull(r.high),
      low: orNull(r.low),
      close: orNull(r.close),
      adjClose: Number(r.adj_close),
      volume: orNull(r.volume),
    })),
  );
}
