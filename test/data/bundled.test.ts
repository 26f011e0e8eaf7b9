import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBundledProvider } from '../../src/data/bundled.ts';
import { ProviderError } from '../../src/errors.ts';
import { describeProviderContract } from './provider-contract.ts';

const pricesDir = new URL('../../data/prices/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('../../data/manifest.json', import.meta.url), 'utf8')) as {
  symbol: string;
  first: string;
  last: string;
  rows: number;
  closeFrom: string | null;
}[];

/** Independent reading of a price file: split lines and commas, nothing else. */
function naiveRows(symbol: string): string[][] {
  return readFileSync(new URL(`${symbol}.csv`, pricesDir), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
}

describeProviderContract('bundled', () => createBundledProvider(), {
  known: 'SPY',
  unknown: 'AMD',
  from: '2026-08-01',
});

describe('bundled provider on the real files', () => {
  const p = createBundledProvider();

  it('reads SPY’s first row exactly', async () => {
    // data/prices/SPY.csv line 2: 1993-01-29,43.9688,43.9688,43.7500,43.9375,24.0536,1003200 (data v2: adj_close rescaled to 2026-10-08)
    const [first] = await p.fetchDaily('SPY');
    expect(first).toEqual({
      date: '1993-01-29',
      open: 43.9688,
      high: 43.9688,
      low: 43.75,
      close: 43.9375,
      adjClose: 24.0536,
      volume: 1003200,
    });
  });

  it('serves index files by their caret name', async () => {
    const gspc = await p.fetchDaily('^GSPC');
    // data/prices/^GSPC.csv, first and last lines:
    // 1927-12-30,17.6600,17.6600,17.6600,17.6600,17.6600,0
    // 2026-10-08,7778.4500,7797.7900,7731.2600,7765.3600,7765.3600,6082070000 (data v2)
    expect(gspc).toHaveLength(24810);
    expect(gspc[0]).toMatchObject({ date: '1927-12-30', close: 17.66, volume: 0 });
    expect(gspc[gspc.length - 1]).toMatchObject({ date: '2026-10-08', close: 7765.36, adjClose: 7765.36 });
  });

  it('turns empty fields into null, never 0', async () => {
    // AAPL.csv line 2: 1980-12-12,,,,,0.09812238,469033600   (adj_close and volume only before 2000, per data/README.md)
    const aapl = await p.fetchDaily('AAPL');
    expect(aapl[0]).toEqual({
      date: '1980-12-12',
      open: null,
      high: null,
      low: null,
      close: null,
      adjClose: 0.09812238,
      volume: 469033600,
    });
    expect(
      aapl.filter((b) => b.date < '2000-01-01').every((b) => b.close === null && b.open === null),
      'README: AAPL close missing 1980-12-12..1999-12-31',
    ).toBe(true);
    expect(aapl.find((b) => b.date === '2000-01-03')?.close, 'and present from 2000').not.toBeNull();
    // DIA: README says close/OHLC are missing 2024-04-12..2026-03-19.
    const dia = await p.fetchDaily('DIA');
    const gap = dia.filter((b) => b.close === null);
    expect(gap[0]?.date).toBe('2024-04-12');
    expect(gap[gap.length - 1]?.date).toBe('2026-03-19');
    expect(gap.every((b) => b.date >= '2024-04-12' && b.date <= '2026-03-19' && b.open === null)).toBe(true);
    expect(dia.find((b) => b.date === '2026-03-20')?.close, 'DIA.csv: 2026-03-20,…,455.8900,…').toBe(455.89);
  });

  it('matches a naive parse and the manifest for every file', async () => {
    for (const m of manifest) {
      const bars = await p.fetchDaily(m.symbol);
      const rows = naiveRows(m.symbol);
      expect(bars.length, `${m.symbol} rows per manifest`).toBe(m.rows);
      expect(bars[0]?.date, `${m.symbol} first`).toBe(m.first);
      expect(bars[bars.length - 1]?.date, `${m.symbol} last`).toBe(m.last);
      const asNumber = (s: string | undefined): number | null => (s === undefined || s === '' ? null : parseFloat(s));
      const expected = rows.map(([date, open, high, low, close, adj, vol]) => ({
        date,
        open: asNumber(open),
        high: asNumber(high),
        low: asNumber(low),
        close: asNumber(close),
        adjClose: asNumber(adj),
        volume: asNumber(vol),
      }));
      // First differing bar, if any (a whole-array toEqual over 150k bars is needlessly slow).
      const k = bars.findIndex((b, i) => JSON.stringify(b) !== JSON.stringify(expected[i]));
      expect(k === -1 ? null : { got: bars[k], want: expected[k] }, `${m.symbol} parsed like a plain split`).toBeNull();
    }
  }, 120_000); // 36 files, ~270k rows (data v2): generous for a busy machine

  it('shares one parse between concurrent requests and keeps nothing once answered', async () => {
    const fresh = createBundledProvider();
    const [a, b] = await Promise.all([fresh.fetchDaily('IWM'), fresh.fetchDaily('IWM')]);
    expect(a[0], 'same parsed bar objects: one parse').toBe(b[0]);
    expect(a, 'each call gets its own array').not.toBe(b);
    // The price cache keeps what it fetched; a copy kept here would be a second one.
    const later = await fresh.fetchDaily('IWM');
    expect(later[0], 'a later request parses the file again').not.toBe(a[0]);
    expect(later[0], 'to the same bar').toEqual(a[0]);
  });

  it('knows exactly the files present', () => {
    for (const m of manifest) expect(p.knows?.(m.symbol), m.symbol).toBe(true);
    expect(p.knows?.('SPX'), 'aliases are the directory’s business, not the provider’s').toBe(false);
  });
});

describe('bundled provider on broken files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tapebot-bundled-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const header = 'date,open,high,low,close,adj_close,volume';
  const cases: [string, string][] = [
    ['BADHDR', 'date,close\n2020-01-02,1'],
    ['DESC', `${header}\n2020-01-03,1,1,1,1,1,1\n2020-01-02,1,1,1,1,1,1`],
    ['DUP', `${header}\n2020-01-02,1,1,1,1,1,1\n2020-01-02,1,1,1,1,1,1`],
    ['NEG', `${header}\n2020-01-02,1,1,1,-1,1,1`],
    ['ZEROADJ', `${header}\n2020-01-02,1,1,1,1,0.0000,1`],
    ['NOADJ', `${header}\n2020-01-02,1,1,1,1,,1`],
    ['BADDATE', `${header}\n2020-02-30,1,1,1,1,1,1`],
    ['TEXT', `${header}\n2020-01-02,abc,1,1,1,1,1`],
    ['EMPTY', `${header}\n`],
  ];
  for (const [name, text] of cases) writeFileSync(join(dir, `${name}.csv`), text);
  writeFileSync(join(dir, 'OK.csv'), `${header}\n2020-01-02,1.5,2,1,1.75,1.7,100\n2020-01-03,,,,,1.8,\n`);

  it.each(cases.map(([n]) => n))('rejects %s as invalid-data', async (name) => {
    const err: unknown = await createBundledProvider(dir)
      .fetchDaily(name)
      .catch((e: unknown) => e);
    expect(err, name).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).failure).toBe('invalid-data');
  });

  it('reads a well-formed custom directory', async () => {
    const bars = await createBundledProvider(dir).fetchDaily('OK');
    expect(bars).toEqual([
      { date: '2020-01-02', open: 1.5, high: 2, low: 1, close: 1.75, adjClose: 1.7, volume: 100 },
      { date: '2020-01-03', open: null, high: null, low: null, close: null, adjClose: 1.8, volume: null },
    ]);
  });
});
