/** The cached symbol look-up behind live suggestions and Discord autocomplete (src/data/symbol-lookup.ts). */
import { describe, expect, it } from 'vitest';
import { liveChoices } from '../../src/adapters/discord/autocomplete.ts';
import { createSymbolLookup, type SymbolHit } from '../../src/data/symbol-lookup.ts';
import { createTestApp } from '../_app.ts';

const AMD: SymbolHit = { symbol: 'AMD', name: 'Advanced Micro Devices, Inc.', type: 'EQUITY', exchange: 'NASDAQ' };

function counting(result: SymbolHit[] = [AMD]) {
  const calls: string[] = [];
  const release: (() => void)[] = [];
  const search = (q: string) => {
    calls.push(q);
    return new Promise<SymbolHit[]>((resolve) => release.push(() => resolve(result)));
  };
  return { calls, release, search };
}

describe('symbol look-up', () => {
  it('asks once per query, shares a running request, and answers from the cache afterwards', async () => {
    const s = counting();
    const lookup = createSymbolLookup({ search: s.search });
    const a = lookup.lookup('amd');
    const b = lookup.lookup(' $AMD ');
    expect(s.calls, 'one request for two spellings').toEqual(['AMD']);
    expect(lookup.cached('amd'), 'nothing cached before it answers').toBeUndefined();
    s.release.forEach((r) => r());
    expect(await a).toEqual([AMD]);
    expect(await b).toEqual([AMD]);
    expect(await lookup.lookup('Amd')).toEqual([AMD]);
    expect(s.calls).toHaveLength(1);
    expect(lookup.cached('AMD')).toEqual([AMD]);
  });

  it('forgets after the TTL and beyond the size bound (oldest first)', async () => {
    let t = 0;
    const calls: string[] = [];
    const lookup = createSymbolLookup({ search: (q) => (calls.push(q), Promise.resolve([AMD])), ttlMs: 1_000, maxEntries: 2, clock: () => t });
    await lookup.lookup('a');
    await lookup.lookup('b');
    await lookup.lookup('c');
    expect(lookup.cached('a'), 'evicted: the oldest of three with room for two').toBeUndefined();
    expect(lookup.cached('b')).toBeDefined();
    t = 1_001;
    expect(lookup.cached('c'), 'expired').toBeUndefined();
    await lookup.lookup('c');
    expect(calls).toEqual(['A', 'B', 'C', 'C']);
  });

  it('a failed search is not cached, and an empty query asks nothing', async () => {
    let fail = true;
    const calls: string[] = [];
    const lookup = createSymbolLookup({ search: (q) => (calls.push(q), fail ? Promise.reject(new Error('down')) : Promise.resolve([AMD])) });
    await expect(lookup.lookup('amd')).rejects.toThrow('down');
    fail = false;
    expect(await lookup.lookup('amd')).toEqual([AMD]);
    expect(await lookup.lookup('   ')).toEqual([]);
    expect(calls).toEqual(['AMD', 'AMD']);
  });

  it('Discord autocomplete: bundled matches first, then live hits not already there, at most 25', () => {
    const local = [{ name: 'SPY — SPDR S&P 500 ETF Trust', value: 'SPY' }];
    const out = liveChoices(local, [{ ...AMD }, { symbol: 'SPY', name: 'dup', type: 'ETF', exchange: 'NYSEArca' }]);
    expect(out).toEqual([...local, { name: 'AMD — Advanced Micro Devices, Inc. (NASDAQ)', value: 'AMD' }]);
    const many = Array.from({ length: 40 }, (_, i) => ({ ...AMD, symbol: `X${i}` }));
    expect(liveChoices(local, many)).toHaveLength(25);
  });

  it('is never created, nor required, offline', async () => {
    const app = createTestApp();
    try {
      expect(app.lookup).toBeUndefined();
      const r = await app.runner.runText('/compare AMD SPY');
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(/I don't know the symbol `AMD`[\s\S]*symbols offline[\s\S]*live provider/);
    } finally {
      await app.close();
    }
  });
});
