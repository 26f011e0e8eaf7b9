/**
 * A symbol the manifest marks `"adjusted": false` has a price-return series only (no dividends in it):
 * every answer that uses its returns says so, as answers already do for indexes. Data v2 has no such
 * symbol (README: adjusted is true for all 36), so this runs the real commands over the real files
 * with a manifest that marks GLD unadjusted.
 */
import { describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { createCommandRunner } from '../../src/command/run.ts';
import { createBundledProvider } from '../../src/data/bundled.ts';
import { createCachedMarketData } from '../../src/data/cache.ts';
import { createSymbolDirectory, loadManifest } from '../../src/data/symbols.ts';
import { openDatabase } from '../../src/store/db.ts';

function setup(unadjusted: readonly string[]) {
  const manifest = loadManifest().map((e) => (unadjusted.includes(e.symbol) ? { ...e, adjusted: false } : e));
  const symbols = createSymbolDirectory(manifest);
  const market = createCachedMarketData({ db: openDatabase(':memory:'), upstream: createBundledProvider(), symbols, sourceLabel: 'bundled' });
  const runner = createCommandRunner({ commands, market, symbols });
  return async (text: string) => {
    const r = await runner.runText(text);
    if (!r.ok) throw new Error(`${text} failed: ${r.error.message}`);
    return r.answer;
  };
}

describe('price return only', () => {
  it('reads the adjusted flag of the manifest (true for every v2 symbol)', () => {
    expect(loadManifest().every((e) => e.adjusted)).toBe(true);
    expect(createSymbolDirectory(loadManifest()).info('GLD')?.adjusted).toBe(true);
  });

  it('says so in /perf and /compare, and names dividends in the gap beside a total-return fund', async () => {
    const answer = setup(['GLD']);
    const perf = await answer('/perf GLD asof:2026-09-30');
    expect(perf.basis).toContain('GLD: price return only');
    const cmp = await answer('/compare GLD SPY period:1y asof:2026-09-30');
    // /compare says its basis once, naming which is which (issue 12).
    expect(cmp.basis).toBe('Returns: price return for GLD, total return for SPY (dividends reinvested); part of the gap between them is dividends.');
    expect(cmp.warnings.join(' ')).not.toMatch(/price return/);
  });

  it('says nothing of the kind for adjusted symbols', async () => {
    const answer = setup([]);
    const cmp = await answer('/compare GLD SPY period:1y asof:2026-09-30');
    expect(cmp.basis ?? '').not.toMatch(/price return/);
    expect(cmp.warnings.join(' ')).not.toMatch(/price return only/);
  });
});
