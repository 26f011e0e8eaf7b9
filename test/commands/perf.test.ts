import { afterAll, describe, expect, it } from 'vitest';
import leaders from '../../commands/leaders.ts';
import perf from '../../commands/perf.ts';
import rotationmap from '../../commands/rotationmap.ts';
import type { BarChartSpec } from '../../src/answer/chart-spec.ts';
import { chartConfig } from '../../src/charts/config.ts';
import { commandDriver, createTestApp } from '../_app.ts';
import { naiveReturn, naiveRows } from './_naive.ts';

const app = createTestApp({ commands: [perf, leaders, rotationmap] });
afterAll(() => app.close());
const { answerOf, refusal } = commandDriver(app);


/** The close before `date` in the symbol's own file. */
function previousDate(symbol: string, date: string): string {
  const rows = naiveRows(symbol).filter((r) => r.date < date);
  return (rows[rows.length - 1] as { date: string }).date;
}

describe('/perf', () => {
  // As of Wed Jan 21, 2026. Base dates by the calendar convention (last close on or before):
  const BASES: Record<string, string> = {
    '1w': '2026-01-14',
    '1m': '2025-12-21', // a Sunday: the base is Fri Dec 19
    '3m': '2025-10-21',
    '6m': '2025-07-21',
    ytd: '2025-12-31',
    '1y': '2025-01-21',
  };
  const SYMBOLS = ['SPY', 'QQQ', 'IWM', 'XLC'];

  it('matches a naive calculation over the CSVs for every symbol and period, each on its own dates', async () => {
    const a = await answerOf(perf, `/perf ${SYMBOLS.join(' ')} asof:2026-01-21`);
    expect(a.asOf).toBe('2026-01-21');
    for (const s of SYMBOLS) {
      expect(a.facts.returns[s]?.['1d'], `${s} 1d`).toBeCloseTo(naiveReturn(s, previousDate(s, '2026-01-21'), '2026-01-21'), 12);
      for (const [p, from] of Object.entries(BASES)) {
        expect(a.facts.returns[s]?.[p], `${s} ${p}`).toBeCloseTo(naiveReturn(s, from, '2026-01-21'), 12);
      }
    }
  });

  it('headline: names each horizon’s leader where they differ, as naive returns over the CSVs rank them', async () => {
    // As of Thu Oct 8, 2026: base closes on or before these dates (the calendar convention).
    const from: Record<string, string> = { '1D': '2026-10-07', '1W': '2026-10-01', '1M': '2026-09-08', '3M': '2026-07-08', '6M': '2026-04-08', YTD: '2025-12-31', '1Y': '2025-10-08' };
    const syms = ['SPY', 'QQQ', 'IWM', 'XLE'];
    const a = await answerOf(perf, `/perf ${syms.join(' ')}`);
    expect(a.asOf).toBe('2026-10-08');
    const said = new Map<string, string>();
    for (const part of a.lines[0]?.replace(/\*\*/g, '').replace(/\.$/, '').split('; ') ?? []) {
      const [sym, ...rest] = part.replace(' leads ', ' ').split(' ');
      for (const label of rest.join(' ').split(/, | and /)) said.set(label, sym as string);
    }
    const leaders = new Set<string>();
    for (const [label, date] of Object.entries(from)) {
      const best = syms.map((s) => ({ s, r: naiveReturn(s, date, '2026-10-08') })).sort((x, y) => y.r - x.r)[0]?.s as string;
      leaders.add(best);
      expect(said.get(label), `${label} leader`).toBe(best);
    }
    expect(leaders.size, 'the horizons have different leaders here').toBeGreaterThan(1);
  });

  it.each([
    ['BTC-USD NVDA HOOD', ''],
    ['BTC-USD SPY', ' asof:2017-12-29'],
    ['BTC-USD NVDA TSLA', ' asof:2020-12-31'],
    ['NVDA AAPL MSFT GOOGL AMZN META TSLA HOOD SHOP BTC-USD', ' asof:2024-06-20'],
  ])('the glance table of /perf %s%s fits a phone (40 characters), keeping YTD and 1Y', async (list, asof) => {
    const a = await answerOf(perf, `/perf ${list}${asof}`);
    const short = a.lines.find((l) => l.startsWith('```')) as string;
    for (const row of short.split('\n')) expect(row.length, `fits a phone: ${row}`).toBeLessThanOrEqual(40);
    const header = short.split('\n')[1]?.trim().split(/\s+/) ?? [];
    expect(header.slice(-2)).toEqual(['YTD', '1Y']);
    expect(['1D 1M YTD 1Y', '1M YTD 1Y', 'YTD 1Y']).toContain(header.join(' '));
    // The same figures as the full table: no rounding to make it fit. BTC-USD's YTD from the CSV:
    const end = asof ? asof.slice(6) : '2026-10-08';
    const ytd = naiveReturn('BTC-USD', `${Number(end.slice(0, 4)) - 1}-12-31`, end) * 100;
    const cell = `${ytd >= 0 ? '+' : '−'}${Math.abs(ytd).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`;
    expect(short.split('\n').find((l) => l.startsWith('BTC-USD'))).toContain(cell);
  });

  it('marks the best return of each column, in the facts and in the table', async () => {
    const a = await answerOf(perf, `/perf ${SYMBOLS.join(' ')} asof:2026-01-21`);
    // Issue 12: the full 7-column table is in the detail (More); the glance has a phone-width one.
    const table = (a.detail ?? []).find((l) => l.startsWith('```'));
    expect(table, 'a fenced monospace table').toBeDefined();
    const short = a.lines.find((l) => l.startsWith('```')) as string;
    for (const row of short.split('\n')) expect(row.length, `fits a phone: ${row}`).toBeLessThanOrEqual(40);
    const rows = (table as string).split('\n');
    expect(rows[0]).toBe('```');
    expect(rows[rows.length - 1]).toBe('```');
    for (const p of ['1w', '3m', 'ytd', '1y']) {
      const naive = SYMBOLS.map((s) => ({ s, r: naiveReturn(s, BASES[p] as string, '2026-01-21') })).sort((x, y) => y.r - x.r);
      const leader = (naive[0] as { s: string }).s;
      expect(a.facts.leaders[p], p).toBe(leader);
    }
    // Every row has 7 values; each column has exactly one mark.
    const body = rows.slice(2, -1);
    expect(body).toHaveLength(SYMBOLS.length);
    const marks = body.map((r) => (r.match(/%\*/g) ?? []).length);
    expect(marks.reduce((x, y) => x + y, 0), 'one leader per column').toBe(7);
    // The header and every row end their columns at the same character positions.
    const ends = (line: string) => [...line.matchAll(/\S+/g)].map((m) => (m.index ?? 0) + m[0].length).slice(-3);
    const ytdRowEnds = body.map((r) => ends(r.replace(/\*/g, ' ')));
    for (const e of ytdRowEnds) expect(e, 'right-aligned columns').toEqual(ytdRowEnds[0]);
  });

  it('says the YTD leader in the first line with the naive figures', async () => {
    const a = await answerOf(perf, '/perf XLE XLK XLF asof:2025-12-31');
    const ytd = ['XLE', 'XLK', 'XLF'].map((s) => ({ s, r: naiveReturn(s, '2024-12-31', '2025-12-31') })).sort((x, y) => y.r - x.r);
    expect(a.lines[1]).toContain(`**${ytd[0]?.s} leads year to date**`);
    expect(a.lines[1]).toContain(`${ytd[2]?.s} trails`);
    // Issue 12: the headline names each horizon's leader where they differ (naive: XLK YTD and 1Y, the same base in 2025).
    expect(a.lines[0]).toMatch(new RegExp(`${ytd[0]?.s} (leads )?(\\S+, )*(\\S+ and )?YTD and 1Y`));
    expect((a.lines[0] ?? '').length).toBeLessThan(120);
  });

  it('shows "—" where a symbol has no history that far back, and says where it starts', async () => {
    const a = await answerOf(perf, '/perf XLC SPY asof:2019-03-01');
    expect(a.facts.returns.XLC?.['1y'], 'XLC began Jun 19, 2018').toBeNull();
    expect(a.facts.returns.XLC?.['6m']).toBeCloseTo(naiveReturn('XLC', '2018-09-01', '2019-03-01'), 12);
    expect(a.lines.join('\n')).toMatch(/XLC starts Jun 19, 2018/);
    expect(a.facts.leaders['1y'], 'one symbol is no race').toBeNull();
  });

  it('charts a group of bars per period, one colour per symbol', async () => {
    const a = await answerOf(perf, '/perf SPY QQQ IWM');
    const chart = a.charts[0] as BarChartSpec;
    expect(chart.kind).toBe('bars');
    expect(chart.categories).toEqual(['1D', '1W', '1M', '3M', '6M', 'YTD', '1Y']);
    expect(chart.groups.map((g) => g.label)).toEqual(['SPY', 'QQQ', 'IWM']);
    expect(chart.groups.map((g) => g.symbol), 'each group is its symbol, in its symbol’s colour').toEqual(['SPY', 'QQQ', 'IWM']);
    const colours = chartConfig(chart).data.datasets.map((d) => d.backgroundColor);
    expect(new Set(colours).size, 'distinct colours').toBe(3);
    const png = await app.renderer.render(chart);
    expect(png.subarray(1, 4).toString(), 'a PNG').toBe('PNG');
  });

  it('handles one symbol without marking leaders', async () => {
    const a = await answerOf(perf, '/perf SPY asof:2026-01-21');
    expect(a.lines[0]).toMatch(/^\*\*SPY\*\* returned [+−]\d/);
    expect(a.lines.some((l) => l.includes('%*')), 'nothing to mark').toBe(false);
  });

  it('a symbol whose data ends early puts the whole answer as of its last close, and the first line says so (issue 12)', async () => {
    // TOST's data ends Sep 15, 2026; SPY's and XLK's run to Oct 8 (data v2).
    const a = await answerOf(perf, '/perf TOST SPY XLK');
    expect(a.asOf).toBe('2026-09-15');
    expect(a.lines[0]).toMatch(/^As of Sep 15, the last close I have for TOST: /);
    expect(a.facts.returns.TOST?.['ytd']).toBeCloseTo(naiveReturn('TOST', '2025-12-31', '2026-09-15'), 10);
    expect(a.facts.returns.SPY?.['ytd'], 'SPY measured to Sep 15 too, not Oct 8').toBeCloseTo(naiveReturn('SPY', '2025-12-31', '2026-09-15'), 10);
    const ytd = (['TOST', 'SPY', 'XLK'] as const).map((s) => ({ s, r: naiveReturn(s, '2025-12-31', '2026-09-15') })).sort((x, y) => y.r - x.r);
    expect(a.facts.leaders['ytd'], 'all three compete on one day').toBe(ytd[0]?.s);
    expect(a.lines.join('\n')).not.toContain('Not ranked');
  });

  it.each([
    ['/perf', /^\/perf needs a symbol, e\.g\. \/perf/],
    ['/perf SPY QQQ IWM DIA XLE XLK XLF XLV XLU XLP XLB', /Too many symbols: 11/],
    // 13 typed, SPY (the benchmark) among them: every one is counted.
    ['/leaders SPY QQQ IWM DIA XLE XLK XLF XLV XLU XLP XLB XLC XLI', /Too many symbols: 13 \(at most 12 in a list of your own\)/],
    ['/rotationmap SPY QQQ IWM DIA XLE XLK XLF XLV XLU XLP XLB XLC XLI', /Too many symbols: 13/],
    ['/perf SPY FOO', /I don't know the symbol `FOO`/],
  ])('refuses %s', async (text, message) => {
    expect(await refusal(text)).toMatch(message);
  });
});
