/**
 * Issue 13: live split events reach the answers. The cache keeps the splits a history provider reports
 * (its events table) and hands them out with `splits()`; the command runner undoes those dated after an
 * answer's as-of date, as it does the manifest's.
 */
import { afterAll, describe, expect, it } from 'vitest';
import breakout from '../../commands/breakout.ts';
import { createCommandRunner } from '../../src/command/run.ts';
import { createCachedMarketData } from '../../src/data/cache.ts';
import type { MarketData } from '../../src/data/market-data.ts';
import { deriveAdjClose, type HistoryProvider, type RawBar } from '../../src/data/providers/actions.ts';
import { createSymbolDirectory, loadManifest } from '../../src/data/symbols.ts';
import { openDatabase } from '../../src/store/db.ts';
import { createTestApp } from '../_app.ts';

const symbols = createSymbolDirectory(loadManifest());

describe('split events from a live provider', () => {
  it('are stored and handed out by the cache', async () => {
    const raw: RawBar[] = [
      { date: '2026-08-17', open: 100, high: 101, low: 99, close: 100, volume: 1000 },
      { date: '2026-08-18', open: 50, high: 51, low: 49, close: 50.5, volume: 2000 },
    ];
    const provider: HistoryProvider = {
      name: 'live',
      async fetchHistory() {
        return { bars: deriveAdjClose(raw, []), dividends: [], splits: [{ date: '2026-08-18', ratio: 2 }], provider: 'yahoo' };
      },
      async fetchDaily(symbol, opts) {
        return (await this.fetchHistory(symbol, opts)).bars;
      },
    };
    const db = openDatabase(':memory:');
    const md = createCachedMarketData({ db, upstream: provider, symbols, refreshPolicy: { refreshFrom: () => null } });
    await md.series('SPY');
    expect(md.splits('SPY')).toEqual([{ date: '2026-08-18', ratio: 2 }]);
    expect(md.splits('QQQ'), 'none stored').toEqual([]);
    db.close();
  });

  const app = createTestApp({ commands: [breakout] });
  afterAll(() => app.close());
  it('are undone by the runner for an earlier as-of date', async () => {
    // A made-up 3:1 split of KRE on Jan 2, 2025, reported by the market data (KRE.csv: close $68.90 on Nov 25, 2024).
    const market: MarketData = { ...app.market, series: app.market.series.bind(app.market), latestClose: app.market.latestClose.bind(app.market), splits: (s) => (s === 'KRE' ? [{ date: '2025-01-02', ratio: 3 }] : []) };
    const runner = createCommandRunner({ commands: [breakout], market, symbols: app.symbols });
    const r = await runner.runText('/breakout KRE asof:2024-11-25');
    if (!r.ok) throw new Error(r.error.message);
    expect(r.answer.facts.close).toBeCloseTo(68.9 * 3, 10);
    expect(r.answer.warnings.join(' ')).toContain('before its 3:1 split of Jan 2, 2025');
  });
});
