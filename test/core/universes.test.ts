import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findUniverse, memberName, UNIVERSE_NAMES, UNIVERSES } from '../../src/core/universes.ts';

const manifest = JSON.parse(readFileSync(new URL('../../data/manifest.json', import.meta.url), 'utf8')) as { symbol: string }[];

describe('universes', () => {
  it('define the 11 Select Sector SPDRs, the small-cap drivers, the styles and the Magnificent Seven', () => {
    expect(findUniverse('sectors')?.members.map((m) => m.symbol)).toEqual(['XLB', 'XLC', 'XLE', 'XLF', 'XLI', 'XLK', 'XLP', 'XLRE', 'XLU', 'XLV', 'XLY']);
    expect(findUniverse('smallcap-drivers')?.members.map((m) => m.symbol)).toEqual(['KRE', 'XBI', 'IBB', 'IWM']);
    expect(findUniverse('styles')?.members.map((m) => m.symbol)).toEqual(['IWM', 'SPY', 'QQQ', 'DIA', 'MAGS']);
    expect(findUniverse('mag7')?.members.map((m) => m.symbol), 'the Magnificent Seven, next to MAGS').toEqual(['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'META', 'NVDA', 'TSLA']);
    expect(findUniverse('Magnificent-Seven')?.id).toBe('mag7');
    const stocks = (manifest as { symbol: string; kind?: string }[]).filter((m) => m.kind === 'stock').map((m) => m.symbol);
    expect(findUniverse('stocks')?.members.map((m) => m.symbol), 'every bundled stock, as data/manifest.json lists them').toEqual(stocks);
    expect(UNIVERSE_NAMES).toEqual(['sectors', 'smallcap-drivers', 'styles', 'mag7', 'stocks']);
  });

  it('only name symbols the bundled data has', () => {
    const known = new Set(manifest.map((m) => m.symbol));
    for (const u of UNIVERSES) for (const m of u.members) expect(known.has(m.symbol), `${u.id}: ${m.symbol}`).toBe(true);
  });

  it('are found case-insensitively and by alias, and nothing else is', () => {
    expect(findUniverse(' Sectors ')?.id).toBe('sectors');
    expect(findUniverse('sector')?.id).toBe('sectors');
    expect(findUniverse('smallcaps')?.id).toBe('smallcap-drivers');
    expect(findUniverse('STYLE')?.id).toBe('styles');
    expect(findUniverse('XLE'), 'a symbol is not a universe').toBeUndefined();
  });

  it('give each member a name for prose', () => {
    expect(memberName('XLE')).toBe('Energy');
    expect(memberName('KRE')).toBe('Regional banks');
    expect(memberName('^GSPC'), 'a symbol in no universe').toBeUndefined();
  });
});
