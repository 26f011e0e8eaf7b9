import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createSymbolDirectory,
  isValidTickerSyntax,
  loadManifest,
  normalizeSymbolInput,
} from '../../src/data/symbols.ts';
import { UnknownSymbolError } from '../../src/errors.ts';

// The manifest read independently, straight from the file.
const raw = JSON.parse(readFileSync(new URL('../../data/manifest.json', import.meta.url), 'utf8')) as {
  symbol: string;
  name: string;
}[];
const manifest = loadManifest();
const dir = createSymbolDirectory(manifest);

function unknown(input: string, d = dir): UnknownSymbolError {
  try {
    d.resolve(input);
  } catch (err) {
    if (err instanceof UnknownSymbolError) return err;
    throw err;
  }
  throw new Error(`"${input}" resolved`);
}

describe('loadManifest', () => {
  it('reads every entry of data/manifest.json', () => {
    expect(manifest.map((e) => e.symbol)).toEqual(raw.map((e) => e.symbol));
    expect(manifest.length, 'data/README.md (v2) lists 22 ETFs, 3 indexes, 10 stocks and bitcoin').toBe(36);
    expect(manifest.filter((e) => e.kind === 'stock')).toHaveLength(10);
    expect(manifest.find((e) => e.symbol === 'BTC-USD')?.kind).toBe('crypto');
    expect(manifest.every((e) => e.adjusted), 'README: adjusted is true for every symbol of v2').toBe(true);
  });
});

describe('resolve', () => {
  it('accepts canonical symbols in any case, with or without $', () => {
    expect(dir.resolve('SPY')).toBe('SPY');
    expect(dir.resolve('spy')).toBe('SPY');
    expect(dir.resolve(' $spy ')).toBe('SPY');
    expect(dir.resolve('^gspc')).toBe('^GSPC');
    expect(dir.resolve('xlre')).toBe('XLRE');
  });

  it('maps the names people use for the stocks, metals, bonds and bitcoin', () => {
    const cases: [string, string][] = [
      ['Apple', 'AAPL'], ['nvidia', 'NVDA'], ['bitcoin', 'BTC-USD'], ['BTC', 'BTC-USD'], ['btc-usd', 'BTC-USD'], ['gold', 'GLD'],
      ['silver', 'SLV'], ['long bonds', 'TLT'], ['treasuries', 'TLT'], ['Tesla', 'TSLA'], ['google', 'GOOGL'], ['facebook', 'META'],
    ];
    for (const [typed, symbol] of cases) expect(dir.resolve(typed), typed).toBe(symbol);
  });

  it('maps the index names people type', () => {
    for (const s of ['spx', 'SPX', '$SPX', 'SP500', 'S&P500', 's&p 500', 'GSPC', '^SPX']) {
      expect(dir.resolve(s), `${s} is the S&P 500 index`).toBe('^GSPC');
    }
    for (const s of ['RUT', 'r2k', 'Russell', 'russell 2000']) expect(dir.resolve(s), s).toBe('^RUT');
    for (const s of ['COMP', 'nasdaq', 'IXIC']) expect(dir.resolve(s), s).toBe('^IXIC');
  });

  it('resolves every listed symbol to itself, whatever its case', () => {
    const symbols = dir.list().map((i) => i.symbol);
    fc.assert(
      fc.property(fc.constantFrom(...symbols), fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }), (s, lower) => {
        const mixed = [...s].map((ch, i) => (lower[i] ? ch.toLowerCase() : ch)).join('');
        expect(dir.resolve(mixed)).toBe(s);
      }),
    );
  });

  it('suggests the nearest known symbols for a typo', () => {
    const e = unknown('SPYY');
    expect(e.suggestions[0], 'SPYY is one deletion from SPY').toBe('SPY');
    expect(e.suggestions.length).toBeLessThanOrEqual(3);
    expect(e.message).toContain('SPYY');
    expect(e.hint).toContain('SPY');
    expect(e.hint, 'every unknown-symbol reply says how many symbols are offline, and how to get any ticker').toMatch(
      new RegExp(`I have ${manifest.length} symbols offline .*Any other ticker needs a live provider`),
    );
    expect(unknown('qqqq').suggestions[0]).toBe('QQQ');
    expect(unknown('XLKK').suggestions[0]).toBe('XLK');
    expect(unknown('SPXX').suggestions, 'alias typos suggest the alias target').toContain('^GSPC');
  });

  it('suggests nothing when nothing is close, and names a few symbols that work instead', () => {
    const e = unknown('ZZZZZZZZ');
    expect(e.suggestions).toEqual([]);
    expect(e.hint).toBe(
      `I have ${manifest.length} symbols offline, such as ${manifest.slice(0, 6).map((m) => m.symbol).join(', ')}; /help lists them all. ` +
        'Any other ticker needs a live provider (set DATA_PROVIDERS=yahoo; no key needed).',
    );
  });

  it('rejects unknown tickers unless allowUnknown', () => {
    unknown('AMD');
    const live = createSymbolDirectory(manifest, { allowUnknown: true });
    expect(live.resolve('amd'), 'a live provider may know it').toBe('AMD');
    expect(live.resolve('$brk.b')).toBe('BRK.B');
    expect(live.resolve('spx'), 'aliases still apply').toBe('^GSPC');
    expect(() => live.resolve('not a ticker'), 'bad syntax never passes').toThrow(UnknownSymbolError);
    expect(live.isKnown('AMD')).toBe(false);
    expect(live.name('AMD')).toBeUndefined();
  });

  it('truncates absurdly long input in the message', () => {
    const e = unknown('x'.repeat(200));
    expect(e.symbol.length).toBeLessThanOrEqual(25);
  });
});

describe('isValidTickerSyntax', () => {
  it.each([
    ['SPY', true],
    ['spy', true],
    ['$SPY', true],
    ['^GSPC', true],
    ['BRK.B', true],
    ['BF-B', true],
    ['EURUSD=X', true],
    ['ABCDEFGHIJ', true],
    ['ABCDEFGHIJK', false],
    ['', false],
    ['S&P', false],
    ['SP Y', false],
    ['../etc', false],
  ])('%s → %s', (input, ok) => {
    expect(isValidTickerSyntax(input)).toBe(ok);
  });

  it('normalises by trimming, dropping one leading $ and upper-casing', () => {
    expect(normalizeSymbolInput('  $iwm ')).toBe('IWM');
  });
});

describe('names, list and search', () => {
  it('names symbols as the manifest does', () => {
    for (const e of raw) expect(dir.name(e.symbol)).toBe(e.name);
    expect(dir.info('^GSPC')?.kind).toBe('index');
    expect(dir.reference).toBe('SPY');
  });

  it('lists in manifest order', () => {
    expect(dir.list().map((i) => i.symbol)).toEqual(raw.map((e) => e.symbol));
  });

  it('searches ticker prefixes first, then aliases, then name words', () => {
    const xl = dir.search('xl').map((i) => i.symbol);
    expect(xl.sort(), 'the 11 Select Sector SPDRs').toEqual(
      ['XLB', 'XLC', 'XLE', 'XLF', 'XLI', 'XLK', 'XLP', 'XLRE', 'XLU', 'XLV', 'XLY'].sort(),
    );
    expect(dir.search('spy')[0]?.symbol, 'exact ticker first').toBe('SPY');
    expect(dir.search('spx')[0]?.symbol, 'alias').toBe('^GSPC');
    expect(dir.search('gs')[0]?.symbol, 'caret not needed').toBe('^GSPC');
    expect(
      dir
        .search('russ')
        .map((i) => i.symbol)
        .sort(),
      'name words',
    ).toEqual(['IWM', '^RUT']);
    expect(
      dir
        .search('bio')
        .map((i) => i.symbol)
        .sort(),
    ).toEqual(['IBB', 'XBI']);
    expect(
      dir.search('s&p 500').map((i) => i.symbol),
      'every query word must start a name word',
    ).toEqual(expect.arrayContaining(['SPY', '^GSPC']));
    expect(dir.search('zzz')).toEqual([]);
  });

  it('respects the limit and lists everything for an empty query', () => {
    expect(dir.search('', 25)).toHaveLength(25);
    expect(dir.search('', 50)).toHaveLength(36);
    expect(dir.search('', 5).map((i) => i.symbol)).toEqual(raw.slice(0, 5).map((e) => e.symbol));
    expect(dir.search('x', 3)).toHaveLength(3);
  });
});

describe('createSymbolDirectory', () => {
  it('drops aliases whose target is missing and requires the reference', () => {
    const small = createSymbolDirectory([{ symbol: 'SPY', name: 'SPDR S&P 500 ETF Trust', kind: 'etf' }]);
    expect(() => small.resolve('SPX'), '^GSPC is not in this directory').toThrow(UnknownSymbolError);
    expect(() => createSymbolDirectory([{ symbol: 'QQQ', name: 'Invesco QQQ Trust', kind: 'etf' }])).toThrow(/reference/);
  });
});
