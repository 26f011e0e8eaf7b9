/** /perf — a returns table over the standard look-backs (1D … 1Y) for up to 10 symbols, each column's leader marked. */
import type { Answer } from '../src/answer/answer.ts';
import { BASIS_TOTAL_RETURN, chartFooter, emptyAnswer } from '../src/answer/build.ts';
import { formatPoints } from '../src/answer/phrases.ts';
import { formatDate, formatPercent } from '../src/core/format.ts';
import { describePeriod, formatPeriod, periodBaseIndex, periodLabel, type Period } from '../src/core/periods.ts';
import type { DailySeries } from '../src/core/series.ts';
import { defineCommand, type AskDeclaration } from '../src/command/define.ts';
import { opt } from '../src/command/options.ts';
import { codeBlock } from '../src/answer/table.ts';
import { chartName } from '../src/answer/names.ts';
import { at } from '../src/core/at.ts';

/** What /perf found; `--json` prints it. Returns are fractions (0.012 = 1.2 %). */
export type PerfFacts = {
  symbols: string;
  /** Each period's leader ("1d", "1w", … "1y"), null when fewer than two symbols compete. */
  leaders: Record<string, string | null>;
  /** Total return by symbol, then by period; null where the history does not reach back that far. */
  returns: Record<string, Record<string, number | null>>;
};

/** The table's columns, shortest look-back first, as a chart site's performance tab shows them. */
export const PERF_PERIODS: readonly Period[] = (['1d', '1w', '1m', '3m', '6m', 'ytd', '1y'] as const).map((name) => ({ kind: 'named', name }));

/** Written after a column's best return in the text table. */
const LEADER_MARK = '*';
/** The columns of the short table (1D, 1M, YTD, 1Y), which fits a phone's 40 characters; the full table is in the detail. */
const PHONE_COLUMNS = [0, 2, 5, 6] as const;
/** Columns the prose speaks of, by position in PERF_PERIODS. */
const COL = { day: 0, month: 2, ytd: 5, year: 6 } as const;

/** A symbol's return over each of PERF_PERIODS (null: its history does not reach back that far). */
interface PerfRow {
  symbol: string;
  first: string;
  last: string;
  returns: (number | null)[];
}

/** How /perf is asked in plain words: read by the question reader (src/ask). */
export const ask = {
  tailored: 'how is {symbol} doing?',
  topic: 'performance',
  strong: ['perf', 'performance', 'returns', 'return'],
  weak: [
    'doing', 'doin', 'done', 'did', 'up', 'down', 'moving', 'moved', 'move', 'looking', 'performing', 'performed', 'returned', 'gained', 'gain', 'gains',
    'rallied', 'rally', 'rallying', 'fell', 'falling', 'dropped', 'rose', 'going', 'sell off', 'selloff', 'selling off', 'happened', 'happen', 'drop', 'dump', 'dumped', 'pumped', 'ripped',
  ],
  vague: ['how', 'hows'],
  examples: ['how is energy doing?', 'perf XLE XLK XLF'],
  noPeriod: 'it shows 1D to 1Y side by side',
  columns: { '1d': '1D', '1w': '1W', '1m': '1M', '3m': '3M', '6m': '6M', ytd: 'YTD', '1y': '1Y' },
  withGroup: 'leaders',
  answersOne: true,
} as const satisfies AskDeclaration;

export default defineCommand({
  ask,
  name: 'perf',
  description: 'Returns over 1D, 1W, 1M, 3M, 6M, YTD and 1Y for up to 10 symbols, each period’s leader marked',
  options: {
    symbols: opt.symbols({ description: 'One to ten symbols, e.g. SPY QQQ IWM', min: 1, max: 10, positional: true }),
  },
  examples: ['/perf SPY QQQ IWM', '/perf XLE XLK XLF XLV asof:2025-12-31', '/perf spx rut'],
  async run(ctx, o): Promise<Answer<PerfFacts>> {
    const all = await Promise.all(o.symbols.map((sym) => ctx.series(sym)));
    const rows = all.map(perfRow);
    const asOf = rows.reduce((latest, r) => (r.last > latest ? r.last : latest), rows[0]?.last ?? ctx.asOf);
    // A symbol whose data ends before the others' is shown to its own last close, but not ranked:
    // its returns end on another day, and would lead or trail for that reason alone.
    const ranked = rows.filter((r) => r.last === asOf);
    const stale = rows.filter((r) => r.last !== asOf);
    const leaders = PERF_PERIODS.map((_, c) => columnLeader(ranked, c));

    const a = emptyAnswer('perf', `Performance · ${o.symbols.join(' ')}`, asOf, ctx.sourceLabel);
    a.basis = BASIS_TOTAL_RETURN;
    const said = commentary(ranked, leaders);
    const verdict = ranked.length > 1 ? horizonLeaders(leaders) : null;
    // At a glance: who leads each horizon, the YTD spread, and a table narrow enough for a phone.
    a.lines.push(...(verdict ? [verdict] : []), ...said.slice(0, 1));
    a.lines.push(phoneTable(rows, leaders));
    a.detail = [...said.slice(1), table(rows, leaders)];
    const missing = rows.filter((r) => r.returns.some((x) => x === null));
    const notes = [
      ...(ranked.length > 1 ? [`${LEADER_MARK} leads its column.`] : []),
      ...(stale.length > 0 ? [`Not ranked: ${stale.map((r) => `${r.symbol} (its data ends ${formatDate(r.last)})`).join(', ')}.`] : []),
      ...(missing.length > 0 ? [`— no history that far back (${missing.map((r) => `${r.symbol} starts ${formatDate(r.first)}`).join('; ')}).`] : []),
    ];
    if (notes.length > 0) a.lines.push(notes.join(' '));

    const facts: PerfFacts = {
      symbols: o.symbols.join(' '),
      leaders: Object.fromEntries(PERF_PERIODS.map((p, c) => [formatPeriod(p), leaders[c]?.symbol ?? null])),
      returns: Object.fromEntries(rows.map((r) => [r.symbol, Object.fromEntries(PERF_PERIODS.map((p, c) => [formatPeriod(p), r.returns[c] ?? null]))])),
    };

    const labels = PERF_PERIODS.map(periodLabel);
    a.charts.push({
      kind: 'bars',
      id: 'perf',
      title: `Total return by period: ${o.symbols.join(', ')}`,
      subtitle: `1D through 1Y to the close of ${formatDate(asOf)}`,
      altText: `Grouped bars of total return for ${o.symbols.join(', ')} over ${labels.join(', ')}. ${leaders
        .map((l, c) => (l ? `${labels[c]}: ${l.symbol} leads at ${formatPercent(l.value)}` : null))
        .filter((x) => x !== null)
        .join('; ')}.`,
      footer: chartFooter(ctx.sourceLabel, asOf),
      categories: labels,
      // A symbol whose data ends early says so in the legend: its bars do not run to the subtitle's close.
      groups: rows.map((r) => ({ label: r.last === asOf ? chartName(r.symbol) : `${chartName(r.symbol)} (to ${formatDate(r.last)})`, values: r.returns, symbol: r.symbol })),
      horizontal: false,
      valueLabel: 'Total return',
      format: 'percent',
    });
    return { ...a, facts };
  },
});

function perfRow(s: DailySeries): PerfRow {
  const end = s.dates.length - 1;
  return {
    symbol: s.symbol,
    first: at(s.dates, 0),
    last: at(s.dates, end),
    // Each symbol on its own trading days: one symbol's holiday must not shift another's base close.
    returns: PERF_PERIODS.map((p) => {
      const base = periodBaseIndex(s.dates, p, end);
      return base < 0 ? null : at(s.adjClose, end) / at(s.adjClose, base) - 1;
    }),
  };
}

/** The best return in column `c`, when at least two symbols have one there. */
function columnLeader(rows: readonly PerfRow[], c: number): { symbol: string; value: number } | null {
  let best: { symbol: string; value: number } | null = null;
  let count = 0;
  for (const r of rows) {
    const v = r.returns[c];
    if (v === null || v === undefined) continue;
    count++;
    if (best === null || v > best.value) best = { symbol: r.symbol, value: v };
  }
  return count >= 2 ? best : null;
}

function columnLaggard(rows: readonly PerfRow[], c: number): { symbol: string; value: number } | null {
  let worst: { symbol: string; value: number } | null = null;
  for (const r of rows) {
    const v = r.returns[c];
    if (v !== null && v !== undefined && (worst === null || v < worst.value)) worst = { symbol: r.symbol, value: v };
  }
  return worst;
}

function commentary(rows: readonly PerfRow[], leaders: readonly ({ symbol: string; value: number } | null)[]): string[] {
  const lines: string[] = [];
  const only = rows[0];
  if (rows.length === 1 && only) {
    const said = [COL.ytd, COL.year, COL.day]
      .map((c) => {
        const v = only.returns[c];
        return v === null || v === undefined ? null : `${formatPercent(v)} ${describePeriod(at(PERF_PERIODS, c))}`;
      })
      .filter((x): x is string => x !== null);
    if (said.length > 0) lines.push(`**${only.symbol}** returned ${said.join(', ')} (to the close of ${formatDate(only.last)}).`);
    return lines;
  }

  // 1. Year to date (or the longest column anyone has, when a symbol is too young for YTD).
  const headline = [COL.ytd, COL.year, 4, 3, COL.month, 1, COL.day].find((c) => leaders[c] !== null);
  if (headline !== undefined) {
    const lead = leaders[headline];
    const lag = columnLaggard(rows, headline);
    const when = describePeriod(at(PERF_PERIODS, headline));
    if (lead && lag) {
      const spread = lead.value - lag.value;
      lines.push(
        Math.abs(spread) < 0.0005
          ? `All ${rows.length} are level ${when} at ${formatPercent(lead.value)}.`
          : `**${lead.symbol} leads ${when}** at ${formatPercent(lead.value)}; ${lag.symbol} trails at ${formatPercent(lag.value)}, a spread of ${formatPoints(spread).replace(/^\+/, '')}.`,
      );
    }
  }

  // 2. One symbol on top of most columns.
  const wins = new Map<string, number>();
  for (const l of leaders) if (l) wins.set(l.symbol, (wins.get(l.symbol) ?? 0) + 1);
  const shown = leaders.filter((l) => l !== null).length;
  const [top, topWins] = [...wins.entries()].sort((x, y) => y[1] - x[1])[0] ?? ['', 0];
  if (topWins >= 4 && rows.length >= 3) lines.push(`${top} leads in ${topWins} of the ${shown} periods.`);

  // 3. Leadership that changed hands between the past month and the past year.
  const m1 = leaders[COL.month];
  const y1 = leaders[COL.year];
  if (m1 && y1 && m1.symbol !== y1.symbol) {
    lines.push(`The lead has changed hands: ${m1.symbol} is ahead over the past month (${formatPercent(m1.value)}), ${y1.symbol} over the past year (${formatPercent(y1.value)}).`);
  }
  return lines;
}


/**
 * The verdict: who leads each horizon, grouped — "QQQ leads 1M, 3M, 6M, YTD and 1Y; SPY 1W; IWM 1D." —
 * or "QQQ leads every period." when one symbol does.
 */
export function horizonLeaders(leaders: readonly ({ symbol: string; value: number } | null)[]): string | null {
  const groups = new Map<string, string[]>();
  leaders.forEach((l, c) => {
    if (l) groups.set(l.symbol, [...(groups.get(l.symbol) ?? []), periodLabel(at(PERF_PERIODS, c))]);
  });
  if (groups.size === 0) return null;
  const shown = leaders.filter((l) => l !== null).length;
  const [[first, cols] = ['', []], ...rest] = [...groups.entries()].sort((x, y) => y[1].length - x[1].length);
  if (rest.length === 0) return `**${first} leads every period** shown, ${shown === PERF_PERIODS.length ? '1D to 1Y' : cols.join(', ')}.`;
  const list = (xs: readonly string[]) => (xs.length === 1 ? at(xs, 0) : `${xs.slice(0, -1).join(', ')} and ${at(xs, xs.length - 1)}`);
  return `**${first} leads ${list(cols)}**; ${rest.map(([sym, c]) => `${sym} ${list(c)}`).join('; ')}.`;
}

/** Characters a phone shows on one line of a code block. */
const PHONE_WIDTH = 40;

/**
 * The glance table: 1D 1M YTD 1Y, leaving out the shortest horizons first while a row would pass
 * PHONE_WIDTH (a long symbol such as BTC-USD with returns in the hundreds of percent). YTD and 1Y always
 * stay; no figure is rounded differently, and the full table is in the detail.
 */
function phoneTable(rows: readonly PerfRow[], leaders: readonly ({ symbol: string; value: number } | null)[]): string {
  let columns: readonly number[] = PHONE_COLUMNS;
  let t = table(rows, leaders, columns);
  const width = (text: string) => Math.max(...text.split('\n').map((l) => l.length));
  while (columns.length > 2 && width(t) > PHONE_WIDTH) {
    columns = columns.slice(1);
    t = table(rows, leaders, columns);
  }
  return t;
}

function table(rows: readonly PerfRow[], leaders: readonly ({ symbol: string; value: number } | null)[], columns: readonly number[] = PERF_PERIODS.map((_, c) => c)): string {
  // Values are padded to leave room for the leader mark, so the digits of a column stay aligned.
  const cell = (r: PerfRow, c: number): string => {
    const v = r.returns[c];
    if (v === null || v === undefined) return '— ';
    return `${formatPercent(v)}${leaders[c]?.symbol === r.symbol ? LEADER_MARK : ' '}`;
  };
  const header = ['', ...columns.map((c) => `${periodLabel(at(PERF_PERIODS, c))} `)];
  return codeBlock(
    header,
    rows.map((r) => [r.symbol, ...columns.map((c) => cell(r, c))]),
  );
}
