/**
 * A cache in front of any ChartRenderer, keyed by the chart's content: the same chart asked twice
 * (a popular /rotation, a period button clicked back and forth, a digest posted to ten channels) is
 * drawn once. Concurrent requests for one chart share a single render.
 *
 * Key: SHA-256 of the renderer's variant (size, pixel ratio, engine) and the spec's JSON. Specs are
 * built by code, so equal content serializes in the same key order; a spec that differs only in key
 * order is a miss, never a wrong picture. Least recently used PNGs are dropped beyond `maxBytes`.
 */
import { createHash } from 'node:crypto';
import type { ChartSpec } from '../answer/chart-spec.ts';
import { DEFAULT_HEIGHT, DEFAULT_WIDTH, DEVICE_PIXEL_RATIO } from './config.ts';
import type { ChartRenderer } from './renderer.ts';

export interface RenderCacheOptions {
  /** Total PNG bytes kept. Default 64 MiB (a chart is ~60–150 kB: several hundred charts). */
  maxBytes?: number;
  /**
   * What else decides the pixels besides the spec: size, pixel ratio, engine. Default
   * "<inner name> <width>x<height>@<dpr>" with the renderers' default size.
   */
  variant?: string;
  /** Told of every lookup (metrics). A shared in-flight render counts as a hit. */
  onLookup?: (hit: boolean) => void;
}

export interface RenderCacheStats {
  hits: number;
  misses: number;
  entries: number;
  bytes: number;
}

export interface CachedRenderer extends ChartRenderer {
  stats(): RenderCacheStats;
  /** Charts waiting for the inner renderer, when it can tell (the local worker pool can). */
  queueDepth(): number;
}

export const DEFAULT_RENDER_CACHE_BYTES = 64 * 1024 * 1024;

/** The cache key of a spec drawn by a renderer variant. */
export function chartKey(spec: ChartSpec, variant: string): string {
  return createHash('sha256').update(variant).update('\n').update(JSON.stringify(spec)).digest('base64url');
}

function hasQueueDepth(r: ChartRenderer): r is ChartRenderer & { queueDepth(): number } {
  return typeof (r as { queueDepth?: unknown }).queueDepth === 'function';
}

export function createRenderCache(inner: ChartRenderer, opts: RenderCacheOptions = {}): CachedRenderer {
  const maxBytes = opts.maxBytes ?? DEFAULT_RENDER_CACHE_BYTES;
  const variant = opts.variant ?? `${inner.name} ${DEFAULT_WIDTH}x${DEFAULT_HEIGHT}@${DEVICE_PIXEL_RATIO}`;
  /** Insertion order is recency: a hit moves its entry to the end. */
  const entries = new Map<string, Buffer>();
  const pending = new Map<string, Promise<Buffer>>();
  let bytes = 0;
  let hits = 0;
  let misses = 0;

  const lookup = (hit: boolean) => {
    if (hit) hits++;
    else misses++;
    opts.onLookup?.(hit);
  };

  function store(key: string, png: Buffer): void {
    if (png.length > maxBytes) return;
    entries.set(key, png);
    bytes += png.length;
    for (const [oldKey, old] of entries) {
      if (bytes <= maxBytes) break;
      entries.delete(oldKey);
      bytes -= old.length;
    }
  }

  return {
    name: `cached(${inner.name})`,
    render(spec) {
      let key: string;
      try {
        key = chartKey(spec, variant);
      } catch {
        // A spec JSON cannot hold (a cycle, a BigInt) is not cacheable; the renderer decides what it means.
        lookup(false);
        return inner.render(spec);
      }
      const cached = entries.get(key);
      if (cached) {
        entries.delete(key);
        entries.set(key, cached);
        lookup(true);
        return Promise.resolve(cached);
      }
      const shared = pending.get(key);
      if (shared) {
        lookup(true);
        return shared;
      }
      lookup(false);
      const p = inner.render(spec).then(
        (png) => {
          pending.delete(key);
          store(key, png);
          return png;
        },
        (err: unknown) => {
          pending.delete(key);
          throw err;
        },
      );
      pending.set(key, p);
      return p;
    },
    async close() {
      entries.clear();
      bytes = 0;
      await inner.close();
    },
    stats: () => ({ hits, misses, entries: entries.size, bytes }),
    queueDepth: () => (hasQueueDepth(inner) ? inner.queueDepth() : 0),
  };
}
