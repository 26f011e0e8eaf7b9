/**
 * The price cache's in-memory layer: built series by symbol, bounded by an estimate of their bytes
 * (PRICE_CACHE_MB). When a new series would go over the bound, the least recently used ones are
 * dropped (their bars stay in SQLite: the next use reads them back in milliseconds). Pinned symbols
 * (the bundled reference set) are never dropped and do not count against the bound.
 */
import type { DailySeries } from '../core/series.ts';

/** Bytes one series holds, as V8 stores it: 8 per double, ≈ 24 per boxed number, 8 per date pointer. */
export function seriesBytes(s: DailySeries): number {
  const n = s.dates.length;
  let bytes = 200 + n * 8 + s.adjClose.byteLength;
  for (const column of [s.open, s.high, s.low, s.close, s.volume]) bytes += n * (column.includes(null) ? 24 : 8);
  return bytes;
}

export interface SeriesMemo<E extends { series: DailySeries }> {
  get(symbol: string): E | undefined;
  has(symbol: string): boolean;
  set(symbol: string, entry: E): void;
  /** Bytes held by symbols that are not pinned, and how many entries are held in all. */
  stats(): { bytes: number; entries: number; evictions: number };
}

export function createSeriesMemo<E extends { series: DailySeries }>(opts: {
  maxBytes: number;
  pinned?: (symbol: string) => boolean;
  onEvict?: (symbol: string) => void;
}): SeriesMemo<E> {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const entries = new Map<string, { entry: E; bytes: number }>();
  const pinned = opts.pinned ?? (() => false);
  let bytes = 0;
  let evictions = 0;
  const drop = (symbol: string): void => {
    const held = entries.get(symbol);
    if (!held) return;
    entries.delete(symbol);
    bytes -= held.bytes;
  };
  return {
    get(symbol) {
      const held = entries.get(symbol);
      if (!held) return undefined;
      entries.delete(symbol);
      entries.set(symbol, held);
      return held.entry;
    },
    has: (symbol) => entries.has(symbol),
    set(symbol, entry) {
      drop(symbol);
      const size = pinned(symbol) ? 0 : seriesBytes(entry.series);
      entries.set(symbol, { entry, bytes: size });
      bytes += size;
      for (const [other, held] of entries) {
        if (bytes <= opts.maxBytes) break;
        // The series just stored stays, even alone over the bound: its caller is about to use it.
        if (other === symbol || held.bytes === 0) continue;
        drop(other);
        evictions++;
        opts.onEvict?.(other);
      }
    },
    stats: () => ({ bytes, entries: entries.size, evictions }),
  };
}
