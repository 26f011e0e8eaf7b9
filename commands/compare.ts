/** /compare — returns side by side over a period, the leader, the spread, and a rebased chart. */
import type { Answer } from '../src/answer/answer.ts';
import { BASIS_TOTAL_RETURN, chartFooter, emptyAnswer, pick, thinIndices } from '../src/answer/build.ts';
import { formatPoints, listing } from '../src/answer/phrases.ts';
import { alignSeries } from '../src/core/align.ts';
import { formatDate, formatPercent } from '../src/core/format.ts';
import { describePeriod, formatPeriod, periodBaseIndex, periodLabel } from '../src/core/periods.ts';
import { rebase } from '../src/core/returns.ts';
import { NotEnoughDataError } from '../src/core/series.ts';
import { defineCommand, type AskDeclaration } from '../src/command/define.ts';
import { MARKET_BENCHMARK } from '../src/core/universes.ts';
import { opt } from '../src/command/options.ts';
import { chartName } from '../src/answer/names.ts';
import { at } from '../src/core/at.ts';

/** Sessions of context a short period is drawn over (about a month). */
const CONTEXT_SESSIONS = 21;

/** What /compare found; `--json` prints it. Returns are fractions (0.012 = 1.2 %). */
export type CompareFacts = {
  period: string;
  from: string;
  leader: string;
  laggard: string;
  spread: number;
  /** Total return over the period, by symbol. */
  returns: Record<string, number>;
};

/** How /compare is asked in plain words: read by the question reader (src/ask). */
export const ask = {
  tailored: 'compare {symbol} and {other} this month',
  topic: 'a comparison',
  strong: ['compare', 'comparison', 'compared', 'comparing', 'head to head', 'compair', 'comapre', 'compre'],
  weak: ['vs', 'v', 'versus', 'against', 'relative to', 'beating', 'beat', 'outperforming', 'outperform', 'outperformed', 'underperforming', 'underperform', 'lagging', 'trailing', 'better', 'worse', 'or'],
  examples: ['compare IWM and QQQ since june', 'regional banks vs the s&p this month', 'is iwm outperforming?'],
  outranks: ['perf', 'rotation'],
  withGroup: 'leaders',
  answersPair: true,
  benchmark: MARKET_BENCHMARK,
} as const satisfies AskDeclaration;

export default defineCommand({
  ask,
  name: 'compare',
  description: 'Compare 2–6 symbols over a period: returns side by side, the leader, the spread',
  options: {
    symbols: opt.symbols({ description: 'Two to six symbols, e.g. IWM SPY QQQ', min: 2, max: 6, positional: true }),
    period: opt.period({ description: 'Look-back period (1d 1w 1m 3m 6m ytd 1y 3y 5y max, since:YYYY-MM-DD)', default: 'ytd' }),
  },
  examples: ['/compare IWM SPY', '/compare IWM SPY QQQ period:1y', '/compare XLE XLK 3m asof:2025-12-31'],
  async run(ctx, o): Promise<Answer<CompareFacts>> {
    const all = await Promise.all(o.symbols.map((sym) => ctx.series(sym)));
    const al = alignSeries(all);
    const end = al.dates.length - 1;
    const base = periodBaseIndex(al.dates, o.period, end);
    if (end < 1 || base < 0) {
      throw new NotEnoughDataError(`${o.symbols.join(', ')} trade together only from ${formatDate(al.dates[0] ?? ctx.asOf)}, not far enough back for ${formatPeriod(o.period)}`);
    }
    const asOf = at(al.dates, end);
    const when = describePeriod(o.period);
    const rows = al.series
      .map((s) => ({ symbol: s.symbol, change: at(s.adjClose, end) / at(s.adjClose, base) - 1, day: at(s.adjClose, end) / at(s.adjClose, end - 1) - 1 }))
      .sort((x, y) => y.change - x.change);
    const best = rows[0];
    const worst = rows[rows.length - 1];
    if (!best || !worst) throw new NotEnoughDataError('nothing to compare');

    const a = emptyAnswer('compare', `${o.symbols.map(chartName).join(' vs ')} · ${periodLabel(o.period)}`, asOf, ctx.sourceLabel);
    const basis = compareBasis(al.series.map((s) => s.symbol), (sym) => ctx.symbols.info(sym));
    a.basis = basis.note;
    a.period = { option: 'period', value: formatPeriod(o.period) };
    const spread = best.change - worst.change;
    const nm = (r: { symbol: string }) => chartName(r.symbol);
    a.lines.push(
      Math.abs(spread) < 0.0005
        ? `${rows.map(nm).join(', ')} are level ${when} at ${formatPercent(best.change)} ${basis.short === '' ? '' : ` (${basis.short})`}.`
        : `**${nm(best)} leads** ${when} at ${formatPercent(best.change)}; ${nm(worst)} trails at ${formatPercent(worst.change)} (${formatPoints(spread).replace(/^\+/, '')} apart${basis.short === '' ? '' : `, ${basis.short}`}).`,
    );
    if (rows.length > 2) a.lines.push(rows.map((r, k) => `${k + 1}. ${nm(r)} ${formatPercent(r.change)}`).join(' · '));
    if (!(o.period.kind === 'named' && o.period.name === '1d')) {
      a.lines.push(`On ${formatDate(asOf)}: ${rows.map((r) => `${nm(r)} ${formatPercent(r.day, 2)}`).join(', ')}.`);
    }
    for (const d of al.dropped) {
      if (d.count > 0 && d.firstDropped && d.firstDropped >= at(al.dates, base)) {
        a.warnings.push(`${d.symbol} has ${d.count} day(s) the others lack (first ${formatDate(d.firstDropped)}); compared on common trading days only.`);
      }
    }
    const facts: CompareFacts = {
      period: formatPeriod(o.period),
      from: at(al.dates, base),
      leader: best.symbol,
      laggard: worst.symbol,
      spread,
      returns: Object.fromEntries(rows.map((r) => [r.symbol, r.change])),
    };

    // A period shorter than a month (1d, 1w, a young YTD) is drawn over the last month with the
    // period highlighted: two points a day apart say nothing.
    const from = Math.max(0, Math.min(base, end - CONTEXT_SESSIONS));
    const idx = thinIndices(from, end);
    const names = o.symbols.map(chartName);
    a.charts.push({
      kind: 'time',
      id: 'compare',
      title: `${names.join(' vs ')}, ${when}`,
      subtitle: `${basis.subtitle} rebased to 100 on ${formatDate(at(al.dates, base))}`,
      altText: `Line chart of ${rows.length} symbols ${when}: ${rows.map((r) => `${nm(r)} ${formatPercent(r.change)}`).join(', ')}.`,
      footer: chartFooter(ctx.sourceLabel, asOf),
      dates: pick(al.dates, idx),
      panels: [
        {
          yLabel: 'Rebased (100 = start)',
          format: 'index',
          series: al.series.map((s) => ({ type: 'line' as const, label: chartName(s.symbol), symbol: s.symbol, values: pick(rebase(s.adjClose, base), idx), width: 2.25 })),
          levels: [{ value: 100, label: 'Start', color: 'gray' }],
        },
      ],
      ...(from < base ? { shade: [{ from: at(al.dates, base + 1), to: asOf, label: periodLabel(o.period), color: 'blue' as const }] } : {}),
    });
    return { ...a, facts };
  },
});

/**
 * The one basis a comparison is on, said the same way in its first line (unless it is plain total return),
 * its chart's subtitle and its basis note: index levels (SPX) and series without dividends are price returns, funds total returns;
 * a mix says which is which, once.
 */
export function compareBasis(symbols: readonly string[], info: (sym: string) => { kind?: string; adjusted?: boolean } | undefined): { short: string; subtitle: string; note: string } {
  const priceOnly = (sym: string) => sym.startsWith('^') || info(sym)?.kind === 'index' || info(sym)?.adjusted === false;
  const prices = symbols.filter(priceOnly).map(chartName);
  const totals = symbols.filter((s) => !priceOnly(s)).map(chartName);
  if (prices.length === 0) return { short: '', subtitle: 'Total return', note: BASIS_TOTAL_RETURN };
  if (totals.length === 0) {
    return { short: 'price return', subtitle: 'Price return', note: `Returns are price returns: ${listing(prices)} ${prices.length === 1 ? 'has' : 'have'} no dividends in ${prices.length === 1 ? 'its' : 'their'} data.` };
  }
  const mixed = `price return for ${listing(prices)}, total return for ${listing(totals)}`;
  return { short: `${listing(prices)} without dividends`, subtitle: `${mixed[0]?.toUpperCase() ?? ''}${mixed.slice(1)};`, note: `Returns: ${mixed} (dividends reinvested); part of the gap between them is dividends.` };
}
