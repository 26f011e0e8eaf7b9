import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DailyBar } from '../../src/core/series.ts';
import { bundledRefreshPolicy, createBundledProvider } from '../../src/data/bundled.ts';
import { createCachedMarketData, type RefreshPolicy } from '../../src/data/cache.ts';
import type { PriceProvider } from '../../src/data/provider.ts';
import { createSymbolDirectory, loadManifest } from '../../src/data/symbols.ts';
import { ProviderError, UnknownSymbolError } from '../../src/errors.ts';
import { openDatabase, type Database } from '../../src/store/db.ts';

const symbols = createSymbolDirectory(loadManifest());
const bundled = createBundledProvider();

/** A provider wrapper that records every fetch. */
function counting(inner: PriceProvider, name = inner.name) {
  const calls: { symbol: string; from?: string }[] = [];
  const provider: PriceProvider = {
    name,
    async fetchDaily(symbol, opts) {
      calls.push({ symbol, ...(opts?.from !== undefined ? { from: opts.from } : {}) });
      // Yield a few turns so concurrent callers really overlap with the fetch.
      await new Promise((r) => setTimeout(r, 5));
      return inner.fetchDaily(symbol, opts);
    },
  };
  return { provider, calls };
}

const failing: PriceProvider = {
  name: 'bundled',
  fetchDaily: () => Promise.reject(new Error('upstream must not be called')),
};

/** Independent read of a CSV: plain split, parseFloat. */
function naive(symbol: string) {
  const rows = readFileSync(new URL(`../../data/prices/${symbol}.csv`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const num = (s: string | undefined) => (s === undefined || s === '' ? null : parseFloat(s));
  return {
    dates: rows.map((r) => r[0]),
    close: rows.map((r) => num(r[4])),
    adjClose: rows.map((r) => num(r[5])),
    volume: rows.map((r) => num(r[6])),
  };
}

const dbs: Database[] = [];
const dirs: string[] = [];
function memoryDb(): Database {
  const db = openDatabase(':memory:');
  dbs.push(db);
  return db;
}
function fileDb(file: string): Database {
  const db = openDatabase(file);
  dbs.push(db);
  return db;
}
function tempFile(): string {
  const d = mkdtempSync(join(tmpdir(), 'tapebot-cache-'));
  dirs.push(d);
  return join(d, 'var', 'tapebot.db');
}
afterEach(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('cached market data over the bundled files (in-memory database)', () => {
  it('serves the full SPY history as the CSV has it', async () => {
    const md = createCachedMarketData({ db: memoryDb(), upstream: bundled, symbols });
    const spy = await md.series('SPY');
    const csv = naive('SPY');
    expect(spy.symbol).toBe('SPY');
    expect(spy.dates).toEqual(csv.dates);
    expect(spy.close).toEqual(csv.close);
    expect(Array.from(spy.adjClose)).toEqual(csv.adjClose);
    expect(spy.volume).toEqual(csv.volume);
    // SPY.csv line 2: 1993-01-29,43.9688,43.9688,43.7500,43.9375,24.0536,1003200 (data v2: adj_close rescaled to 2026-10-08)
    expect([spy.dates[0], spy.close[0], spy.adjClose[0]]).toEqual(['1993-01-29', 43.9375, 24.0536]);
    expect(md.sourceLabel, 'defaults to the provider name').toBe('bundled');
  });

  it('fetches a symbol once for 50 concurrent requests, under any spelling', async () => {
    const { provider, calls } = counting(bundled);
    const md = createCachedMarketData({ db: memoryDb(), upstream: provider, symbols });
    const spellings = ['^GSPC', 'spx', 'SP500', '$gspc', 'S&P 500'];
    const all = await Promise.all(Array.from({ length: 50 }, (_, i) => md.series(spellings[i % spellings.length] ?? '^GSPC')));
    expect(calls, 'one upstream fetch shared by every caller').toEqual([{ symbol: '^GSPC' }]);
    expect(new Set(all).size, 'every caller gets the same series object').toBe(1);
    expect(all[0]?.dates).toHaveLength(24810);
  });

  it('answers warm calls from memory', async () => {
    const { provider, calls } = counting(bundled);
    const md = createCachedMarketData({ db: memoryDb(), upstream: provider, symbols });
    const first = await md.series('^GSPC');
    for (let i = 0; i < 100; i++) await md.series('^GSPC');
    expect(await md.series('^GSPC'), 'the memoised object').toBe(first);
    expect(calls, 'warm calls never go upstream').toHaveLength(1);
  });

  it('reports the latest close of the reference symbol', async () => {
    const md = createCachedMarketData({ db: memoryDb(), upstream: bundled, symbols });
    // data/manifest.json: SPY last = 2026-10-08 (data v2)
    expect(await md.latestClose()).toBe('2026-10-08');
  });

  it('rejects unknown symbols before asking upstream', async () => {
    const md = createCachedMarketData({ db: memoryDb(), upstream: failing, symbols });
    const err: unknown = await md.series('SPYY').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownSymbolError);
    expect((err as UnknownSymbolError).suggestions).toContain('SPY');
  });
});

describe('persistence across a restart (temp-file database)', () => {
  it('serves from SQLite after reopening, without asking upstream', async () => {
    const file = tempFile();
    const { provider, calls } = counting(bundled);
    const first = createCachedMarketData({ db: fileDb(file), upstream: provider, symbols });
    const spyBefore = await first.series('SPY');
    const gspcBefore = await first.series('^GSPC');
    expect(calls).toHaveLength(2);
    dbs.forEach((db) => db.close());

    // "Restart": a new database handle and a provider that fails if called.
    const again = createCachedMarketData({ db: fileDb(file), upstream: failing, symbols });
    const gspc = await again.series('^GSPC');
    expect(gspc, 'same values after the round trip through SQLite').toEqual(gspcBefore);
    expect(await again.series('SPY')).toEqual(spyBefore);
    expect(again.meta('^GSPC')).toMatchObject({ provider: 'bundled', firstDate: '1927-12-30', lastDate: '2026-10-08' });
  });

  it('a cache filled from an older bundle is brought to the new files on first use (data v1 → v2)', async () => {
    // The v1 bundle: SPY to 2026-08-21 with adj_close on its own level (v2 rescaled it by 0.997523).
    const oldDir = mkdtempSync(join(tmpdir(), 'tapebot-oldbundle-'));
    dirs.push(oldDir);
    const lines = readFileSync(new URL('../../data/prices/SPY.csv', import.meta.url), 'utf8').trim().split('\n');
    const v1 = lines.filter((l, i) => i === 0 || (l.slice(0, 10) <= '2026-08-21')).map((l, i) => {
      if (i === 0) return l;
      const f = l.split(',');
      f[5] = (Number(f[5]) / 0.997523).toFixed(4);
      return f.join(',');
    });
    writeFileSync(join(oldDir, 'SPY.csv'), `${v1.join('\n')}\n`);
    const file = tempFile();
    const policy = bundledRefreshPolicy(loadManifest());
    const before = await createCachedMarketData({ db: fileDb(file), upstream: createBundledProvider(oldDir), symbols, refreshPolicy: policy }).series('SPY');
    expect(before.dates[before.dates.length - 1]).toBe('2026-08-21');
    dbs.forEach((db) => db.close());

    const { provider, calls } = counting(bundled);
    const md = createCachedMarketData({ db: fileDb(file), upstream: provider, symbols, refreshPolicy: policy });
    const spy = await md.series('SPY');
    const csv = naive('SPY');
    expect(spy.dates[spy.dates.length - 1], 'the newest date of the new bundle').toBe('2026-10-08');
    expect(Array.from(spy.adjClose), 'the new total-return level throughout, not a splice of the two').toEqual(csv.adjClose);
    expect(calls, 'a top-up from the stored last day sees the re-based total return and re-reads the whole file').toEqual([
      { symbol: 'SPY', from: '2026-08-21' },
      { symbol: 'SPY' },
    ]);
    await md.series('SPY');
    expect(calls, 'and then final again').toHaveLength(2);
  });

  it('does not reuse bars cached from a different provider', async () => {
    const file = tempFile();
    const a = counting(bundled, 'provider-a');
    await createCachedMarketData({ db: fileDb(file), upstream: a.provider, symbols }).series('QQQ');
    const b = counting(bundled, 'provider-b');
    const md = createCachedMarketData({ db: fileDb(file), upstream: b.provider, symbols });
    await md.series('QQQ');
    expect(b.calls, 'refetched from the configured provider').toEqual([{ symbol: 'QQQ' }]);
    expect(md.meta('QQQ')?.provider).toBe('provider-b');
  });
});

/** A provider over an in-memory list of bars that tests can change between calls. */
function scripted(initial: DailyBar[]) {
  const state = { bars: initial, calls: [] as (string | undefined)[], fail: undefined as Error | undefined };
  const provider: PriceProvider = {
    name: 'scripted',
    fetchDaily(symbol, opts) {
      state.calls.push(opts?.from);
      if (state.fail) return Promise.reject(state.fail);
      if (symbol !== 'SPY') return Promise.reject(new ProviderError('scripted', 'not-found', `no ${symbol}`));
      return Promise.resolve(state.bars.filter((b) => opts?.from === undefined || b.date >= opts.from));
    },
  };
  return { provider, state };
}
const bar = (date: string, adjClose: number): DailyBar => ({
  date,
  open: adjClose,
  high: adjClose,
  low: adjClose,
  close: adjClose,
  adjClose,
  volume: 1000,
});
const alwaysFromLast: RefreshPolicy = { refreshFrom: (meta) => meta.lastDate };

describe('failures', () => {
  it('does not memoise a failed fetch', async () => {
    const { provider, state } = scripted([bar('2024-01-02', 100)]);
    state.fail = new ProviderError('scripted', 'unavailable', 'down');
    const md = createCachedMarketData({ db: memoryDb(), upstream: provider, symbols });
    await expect(md.series('SPY')).rejects.toBeInstanceOf(ProviderError);
    state.fail = undefined;
    expect((await md.series('SPY')).dates, 'the next call tries again').toEqual(['2024-01-02']);
  });

  it('treats an empty history as not-found and invalid bars as invalid-data, storing nothing', async () => {
    const db = memoryDb();
    const empty = scripted([]);
    const md = createCachedMarketData({ db, upstream: empty.provider, symbols });
    await expect(md.series('SPY')).rejects.toMatchObject({ failure: 'not-found' });
    const bad = scripted([bar('2024-01-03', 100), bar('2024-01-02', 101)]);
    const md2 = createCachedMarketData({ db, upstream: bad.provider, symbols });
    await expect(md2.series('SPY')).rejects.toMatchObject({ failure: 'invalid-data' });
    expect(db.prepare('SELECT count(*) FROM bars').pluck().get(), 'nothing written').toBe(0);
    expect(db.prepare('SELECT count(*) FROM series_meta').pluck().get()).toBe(0);
  });
});

describe('refresh seam (for live providers)', () => {
  it('never refreshes by default: once cached, final', async () => {
    const { provider, state } = scripted([bar('2024-01-02', 100)]);
    const md = createCachedMarketData({ db: memoryDb(), upstream: provider, symbols });
    await md.series('SPY');
    state.bars = [...state.bars, bar('2024-01-03', 101)];
    expect((await md.series('SPY')).dates).toEqual(['2024-01-02']);
    expect(state.calls).toEqual([undefined]);
  });

  it('tops up from the last cached date when the policy asks, and persists the merge', async () => {
    const db = memoryDb();
    const { provider, state } = scripted([bar('2024-01-02', 100), bar('2024-01-03', 101)]);
    let now = new Date('2024-01-03T22:00:00Z');
    const md = createCachedMarketData({ db, upstream: provider, symbols, refreshPolicy: alwaysFromLast, clock: () => now });
    await md.series('SPY');
    state.bars = [...state.bars, bar('2024-01-04', 102)];
    now = new Date('2024-01-04T22:00:00Z');
    const s = await md.series('SPY');
    expect(state.calls, 'full fetch, then only from the last cached date').toEqual([undefined, '2024-01-03']);
    expect(s.dates).toEqual(['2024-01-02', '2024-01-03', '2024-01-04']);
    expect(md.meta('SPY')).toMatchObject({ lastDate: '2024-01-04', fetchedAt: '2024-01-04T22:00:00.000Z' });
    expect(db.prepare("SELECT adj_close FROM bars WHERE symbol = 'SPY' ORDER BY date").pluck().all()).toEqual([100, 101, 102]);
  });

  it('tells refresh listeners when a top-up stores bars for a symbol already held, not on its first load', async () => {
    const { provider, state } = scripted([bar('2024-01-02', 100), bar('2024-01-03', 101)]);
    let now = new Date('2024-01-03T22:00:00Z');
    const md = createCachedMarketData({ db: memoryDb(), upstream: provider, symbols, refreshPolicy: alwaysFromLast, clock: () => now });
    const heard: [string, string][] = [];
    const stop = md.onRefresh?.((symbol, lastDate) => heard.push([symbol, lastDate]));
    await md.series('SPY');
    expect(heard, 'a first load is not a refresh').toEqual([]);
    state.bars = [...state.bars, bar('2024-01-04', 102)];
    now = new Date('2024-01-04T22:00:00Z');
    await md.series('SPY');
    expect(heard, 'the top-up brought Jan 4').toEqual([['SPY', '2024-01-04']]);
    stop?.();
    state.bars = [...state.bars, bar('2024-01-05', 103)];
    now = new Date('2024-01-05T22:00:00Z');
    await md.series('SPY');
    expect(heard, 'nothing after unsubscribing').toHaveLength(1);
  });

  it('refetches everything when upstream re-based its adjusted history', async () => {
    const { provider, state } = scripted([bar('2024-01-02', 100), bar('2024-01-03', 101)]);
    const md = createCachedMarketData({ db: memoryDb(), upstream: provider, symbols });
    await md.series('SPY');
    // A dividend went ex on 2024-01-04: every earlier adjClose is scaled down by 1%.
    state.bars = [bar('2024-01-02', 99), bar('2024-01-03', 99.99), bar('2024-01-04', 100.5)];
    const s = await md.refresh('SPY');
    expect(state.calls, 'top-up noticed the changed overlap bar, then fetched all').toEqual([undefined, '2024-01-03', undefined]);
    expect(Array.from(s.adjClose), 'one consistent basis').toEqual([99, 99.99, 100.5]);
  });

  it('shares one top-up between concurrent refreshes', async () => {
    const { provider, state } = scripted([bar('2024-01-02', 100)]);
    const md = createCachedMarketData({ db: memoryDb(), upstream: provider, symbols });
    await md.series('SPY');
    state.bars = [...state.bars, bar('2024-01-03', 101)];
    const results = await Promise.all(Array.from({ length: 10 }, () => md.refresh('SPY')));
    expect(state.calls).toEqual([undefined, '2024-01-02']);
    expect(results.every((r) => r.dates.length === 2)).toBe(true);
  });
});
