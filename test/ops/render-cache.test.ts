import { describe, expect, it } from 'vitest';
import type { ChartSpec } from '../../src/answer/chart-spec.ts';
import { createRenderCache } from '../../src/charts/render-cache.ts';
import { createLocalRenderer } from '../../src/charts/local-renderer.ts';
import type { ChartRenderer } from '../../src/charts/renderer.ts';
import { sectorBars } from '../charts/sample-specs.ts';

/** A renderer that counts draws and returns a PNG-sized buffer naming the spec it drew. */
function countingRenderer(size = 1000): ChartRenderer & { draws: string[]; closed: boolean } {
  const r = {
    name: 'counting',
    draws: [] as string[],
    closed: false,
    async render(spec: ChartSpec) {
      r.draws.push(spec.id);
      await new Promise((res) => setTimeout(res, 5));
      const png = Buffer.alloc(size);
      png.write(spec.id);
      return png;
    },
    async close() {
      r.closed = true;
    },
  };
  return r;
}

/** A small real spec; `values` change its content without changing its id. */
const spec = (id: string, values: number[] = [1, 2, 3]): ChartSpec => ({
  kind: 'bars',
  id,
  title: id,
  altText: id,
  footer: '',
  categories: values.map((_, i) => `S${i}`),
  groups: [{ label: id, values }],
  horizontal: false,
  valueLabel: 'return',
  format: 'percent',
});

describe('render cache', () => {
  it('draws the same chart once, asked twice or asked at once', async () => {
    const inner = countingRenderer();
    const cache = createRenderCache(inner);
    const a = await cache.render(spec('a'));
    const again = await cache.render(spec('a'));
    expect(again.equals(a), 'the same bytes come back').toBe(true);
    const [x, y] = await Promise.all([cache.render(spec('b')), cache.render(spec('b'))]);
    expect(x.equals(y)).toBe(true);
    expect(inner.draws, 'a once, b once (the second b shared the first render)').toEqual(['a', 'b']);
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 2, entries: 2, bytes: 2000 });
  });

  it('keys on content: different data is another chart, even under the same id', async () => {
    const inner = countingRenderer();
    const cache = createRenderCache(inner);
    await cache.render(spec('a', [1, 2, 3]));
    await cache.render(spec('a', [1, 2, 4]));
    expect(inner.draws.length, 'one changed value means a new drawing').toBe(2);
    const other = createRenderCache(inner, { variant: 'another size' });
    await other.render(spec('a', [1, 2, 3]));
    expect(inner.draws.length, 'a different variant (size, engine) is a different picture').toBe(3);
  });

  it('keeps at most maxBytes, dropping the least recently used', async () => {
    const inner = countingRenderer(1000);
    const cache = createRenderCache(inner, { maxBytes: 2500 });
    await cache.render(spec('a'));
    await cache.render(spec('b'));
    await cache.render(spec('a')); // a is now the most recent
    await cache.render(spec('c')); // 3000 bytes > 2500: b goes
    expect(cache.stats().bytes).toBeLessThanOrEqual(2500);
    await cache.render(spec('a'));
    expect(inner.draws, 'a stayed').toEqual(['a', 'b', 'c']);
    await cache.render(spec('b'));
    expect(inner.draws, 'b was dropped and drawn again').toEqual(['a', 'b', 'c', 'b']);
  });

  it('does not keep failures: the next ask tries again', async () => {
    let fail = true;
    const inner: ChartRenderer = {
      name: 'flaky',
      render: async () => {
        if (fail) throw new Error('worker died');
        return Buffer.from('png');
      },
      close: async () => {},
    };
    const cache = createRenderCache(inner);
    await expect(cache.render(spec('a'))).rejects.toThrow('worker died');
    fail = false;
    expect((await cache.render(spec('a'))).toString()).toBe('png');
  });

  it('reports lookups and passes close and queue depth through', async () => {
    const inner = createLocalRenderer({ threads: 0 });
    const seen: boolean[] = [];
    const cache = createRenderCache(inner, { onLookup: (hit) => seen.push(hit) });
    const s = sectorBars();
    const first = await cache.render(s);
    expect(first.subarray(1, 4).toString(), 'a real PNG from the wrapped renderer').toBe('PNG');
    await cache.render(s);
    expect(seen).toEqual([false, true]);
    expect(cache.queueDepth()).toBe(0);
    await cache.close();
    await expect(cache.render(s), 'closing the cache closes the renderer').rejects.toThrow(/closed/);
  });
});
