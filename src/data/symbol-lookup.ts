/**
 * Any ticker when live: a cached look-up of what people type ("amd", "palantir") in a live
 * provider's symbol search (Yahoo's keyless `/v1/finance/search`), for suggestions after an unknown
 * symbol and for Discord autocomplete beyond the bundled list.
 *
 * Cached per normalized query for `ttlMs` (results change slowly), bounded to `maxEntries` (oldest
 * first out), one request per query at a time. The search itself goes through the provider's HTTP
 * client, so it shares the chart endpoint's rate limit and breaker. Offline (bundled data only)
 * there is no look-up at all: nothing here is ever required.
 */
import type { SymbolHit } from './providers/yahoo.ts';

export type { SymbolHit };

export interface SymbolLookup {
  /** Instruments matching the query, best first (may reject: callers treat a failure as "no suggestions"). */
  lookup(query: string, opts?: { signal?: AbortSignal }): Promise<SymbolHit[]>;
  /** What a previous look-up found for this query, without asking (for answers that must not wait). */
  cached(query: string): SymbolHit[] | undefined;
}

export interface SymbolLookupOptions {
  search(query: string, opts?: { signal?: AbortSignal }): Promise<SymbolHit[]>;
  /** Default one hour. */
  ttlMs?: number;
  /** Default 500 queries. */
  maxEntries?: number;
  clock?: () => number;
}

const key = (query: string): string => query.trim().replace(/^\$/, '').replace(/\s+/g, ' ').toUpperCase().slice(0, 40);

export function createSymbolLookup(opts: SymbolLookupOptions): SymbolLookup {
  const ttl = opts.ttlMs ?? 3_600_000;
  const max = opts.maxEntries ?? 500;
  const now = opts.clock ?? (() => Date.now());
  const cache = new Map<string, { at: number; hits: SymbolHit[] }>();
  const running = new Map<string, Promise<SymbolHit[]>>();

  const fresh = (k: string): SymbolHit[] | undefined => {
    const e = cache.get(k);
    if (!e) return undefined;
    if (now() - e.at > ttl) {
      cache.delete(k);
      return undefined;
    }
    return e.hits;
  };

  return {
    cached: (query) => fresh(key(query)),
    lookup(query, o = {}) {
      const k = key(query);
      if (k === '') return Promise.resolve([]);
      const hit = fresh(k);
      if (hit) return Promise.resolve(hit);
      let p = running.get(k);
      if (!p) {
        p = opts
          .search(k, o.signal ? { signal: o.signal } : {})
          .then((hits) => {
            cache.delete(k);
            cache.set(k, { at: now(), hits });
            while (cache.size > max) cache.delete(cache.keys().next().value as string);
            return hits;
          })
          .finally(() => running.delete(k));
        running.set(k, p);
      }
      return p;
    },
  };
}
