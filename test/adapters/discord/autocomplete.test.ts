import { describe, expect, it } from 'vitest';
import { autocompleteChoices } from '../../../src/adapters/discord/autocomplete.ts';
import type { OptionDecl } from '../../../src/command/options.ts';
import { createSymbolDirectory, loadManifest } from '../../../src/data/symbols.ts';

const symbols = createSymbolDirectory(loadManifest());
const decl = {
  symbol: { kind: 'symbol', description: 's', positional: true, required: true },
  symbols: { kind: 'symbols', description: 's', positional: true, required: true, min: 2, max: 3 },
  period: { kind: 'period', description: 'p', positional: false, required: false, default: 'ytd' },
  date: { kind: 'date', description: 'd', positional: false, required: false },
} satisfies Record<string, OptionDecl>;

function withinLimits(choices: { name: string; value: string }[]): void {
  expect(choices.length, 'Discord shows at most 25 choices').toBeLessThanOrEqual(25);
  for (const c of choices) {
    expect(c.name.length, `choice name "${c.name}"`).toBeGreaterThan(0);
    expect(c.name.length, `choice name "${c.name}"`).toBeLessThanOrEqual(100);
    expect(c.value.length, `choice value "${c.value}"`).toBeLessThanOrEqual(100);
  }
}

describe('autocomplete by option kind', () => {
  it('completes a symbol from the directory, ticker first', () => {
    const c = autocompleteChoices(decl.symbol, 'iw', symbols);
    withinLimits(c);
    expect(c[0]?.value, '"iw" is the start of IWM').toBe('IWM');
    expect(c[0]?.name, 'the name says what the ticker is').toMatch(/^IWM — /);
  });

  it('finds an index by what people call it', () => {
    const c = autocompleteChoices(decl.symbol, 'spx', symbols);
    expect(c.map((x) => x.value), 'SPX is the S&P 500 index alias').toContain('^GSPC');
  });

  it('lists up to 25 symbols before anything is typed', () => {
    const c = autocompleteChoices(decl.symbol, '', symbols);
    withinLimits(c);
    // The bundled manifest has 22 symbols (data/manifest.json).
    expect(c.length).toBe(Math.min(25, loadManifest().length));
  });

  it('completes only the last word of a symbol list and keeps the earlier ones', () => {
    const c = autocompleteChoices(decl.symbols, 'iwm spy q', symbols);
    withinLimits(c);
    expect(c.length, 'QQQ at least').toBeGreaterThan(0);
    for (const x of c) expect(x.value, 'earlier words kept, upper-cased').toMatch(/^IWM SPY \S+$/);
    expect(c[0]?.value).toBe('IWM SPY QQQ');
  });

  it('suggests the next symbol after a separator, leaving out those already chosen', () => {
    const c = autocompleteChoices(decl.symbols, 'IWM,', symbols);
    expect(c.length, 'every other symbol').toBeGreaterThan(0);
    expect(c.map((x) => x.value), 'IWM is not offered twice').not.toContain('IWM IWM');
    for (const x of c) expect(x.value).toMatch(/^IWM \S+$/);
  });

  it('suggests nothing once the list is full', () => {
    expect(autocompleteChoices(decl.symbols, 'IWM SPY QQQ ', symbols), 'max 3 symbols').toEqual([]);
  });

  it('offers the named periods, narrowed by what is typed', () => {
    expect(autocompleteChoices(decl.period, '', symbols).map((c) => c.value), 'all thirteen named periods').toEqual(['1d', '1w', '1m', '3m', '6m', 'ytd', '1y', '3y', '5y', 'max', 'wtd', 'mtd', 'qtd']);
    expect(autocompleteChoices(decl.period, '1', symbols).map((c) => c.value), 'those starting with 1').toEqual(['1d', '1w', '1m', '1y']);
    expect(autocompleteChoices(decl.period, 'month', symbols).map((c) => c.value), 'an alias of 1m').toEqual(['1m']);
  });

  it('echoes a typed date back as since:, the form the text syntax uses', () => {
    for (const typed of ['2025-06-02', 'since:2025-06-02']) {
      const c = autocompleteChoices(decl.period, typed, symbols);
      expect(c[0]?.value, typed).toBe('since:2025-06-02');
      expect(c[0]?.name, 'says the date in words').toContain('Jun 2, 2025');
    }
  });

  it('has nothing to offer for free dates or unknown options', () => {
    expect(autocompleteChoices(decl.date, '2025', symbols)).toEqual([]);
    expect(autocompleteChoices(undefined, 'x', symbols)).toEqual([]);
  });
});
