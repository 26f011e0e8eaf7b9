/**
 * /scan — which names of a list show a setup: snapbacks, breakouts, out-performance streaks, momentum
 * unwinds (rules in src/core/scans.ts). Over the channel's watchlist, a named universe or a list of
 * symbols; a ranked table with the number that made the cut and one mini chart per name (at most 6).
 */
import type { Answer } from '../src/answer/answer.ts';
import type { MultiplesChartSpec } from '../src/answer/chart-spec.ts';
import { BASIS_LEVELS, BASIS_TOTAL_RETURN, chartFooter, emptyAnswer } from '../src/answer/build.ts';
import { formatDate, formatPercent } from '../src/core/format.ts';
import { levelValues } from '../src/core/highs.ts';
import { runScan, SCAN_KINDS, type ScanHit, type ScanInput, type ScanKind } from '../src/core/scans.ts';
import { indexOnOrBefore, lastDate, NotEnoughDataError, type DailySeries } from '../src/core/series.ts';
import { MARKET_BENCHMARK, memberName, type UniverseMember } from '../src/core/universes.ts';
import { defineCommand, type CommandContext } from '../src/command/define.ts';
import type { SymbolOption } from '../src/command/options.ts';
import { opt } from '../src/command/options.ts';
import { UserInputError } from '../src/errors.ts';
import { listing } from '../src/answer/phrases.ts';
import { leavesOutStale, staleReason, UNIVERSE_OPTIONS, universeMembers } from '../src/command/universe.ts';
import { codeBlock } from '../src/answer/table.ts';
import { chartName } from '../src/answer/names.ts';
import { at } from '../src/core/at.ts';

/** What each scan looks for, in one line for the answer (the rules and their reasons: src/core/scans.ts). */
export const SCAN_RULES: Readonly<Record<ScanKind, string>> = {
  snapback: 'at least 25% below its 3-month high, then 5%+ off the low and a close above its 10-day average',
  breakouts: 'a record close, a 52-week high or a first close above a round level in a year, in the last 5 sessions and still holding',
  streaks: 'beating the benchmark 3+ sessions in a row, by total return',
  unwind: 'a 6-month momentum leader (to a month ago, upper half) down 5%+ over the last month',
};

/** Words that mean "this channel's watchlist". */
const WATCH_WORDS = new Set(['watch', 'watchlist', 'watched']);
/** Minis in the chart. */
const MAX_MINIS = 6;
/** Sessions each mini shows: six months. */
const MINI_SESSIONS = 126;

export interface ScanResult {
  kind: ScanKind;
  label: string;
  plural: string;
  hits: ScanHit[];
  scanned: { member: UniverseMember; series: DailySeries }[];
  leftOut: string[];
  benchmark?: DailySeries;
  asOf: string;
}

/** The channel's watchlist, or null when there is none (no channel, digests not enabled, empty list). */
async function channelWatchlist(ctx: CommandContext): Promise<string[] | null> {
  if (!ctx.channel || !ctx.digests) return null;
  const list = await ctx.digests.store.watchlist({ platform: ctx.channel.platform, id: ctx.channel.id });
  return list.length > 0 ? list : null;
}

/** The names a scan runs over: the channel's watchlist, a universe or a list, loaded and checked for staleness. */
export interface ScanList {
  label: string;
  plural: string;
  scanned: { member: UniverseMember; series: DailySeries }[];
  leftOut: string[];
  asOf: string;
}

export async function loadScanList(ctx: CommandContext, universe: string | undefined, more: readonly string[] | undefined): Promise<ScanList> {
  const word = universe?.trim().toLowerCase();
  let members: UniverseMember[];
  let label: string;
  let plural: string;
  let named = true;
  const watched = word === undefined || WATCH_WORDS.has(word) ? await channelWatchlist(ctx) : null;
  if (word !== undefined && WATCH_WORDS.has(word) && !watched) throw new UserInputError('This channel watches nothing yet.', '`/watch add HOOD SHOP` adds names; or scan a universe, e.g. `/scan snapback stocks`.');
  if (watched) {
    members = watched.map((symbol) => ({ symbol, name: memberName(symbol) ?? symbol }));
    label = 'the watchlist';
    plural = 'watched names';
  } else {
    const picked = universeMembers(ctx, universe ?? 'stocks', more);
    members = picked.members;
    named = picked.universe !== null;
    label = picked.universe?.label ?? 'the list';
    plural = picked.universe?.plural ?? 'symbols';
  }
  const loaded = await Promise.all(
    members.map(async (member) => {
      try {
        return { member, series: await ctx.series(member.symbol) };
      } catch (e) {
        if (e instanceof NotEnoughDataError) return { member, series: null };
        throw e;
      }
    }),
  );
  const leftOut: string[] = [];
  const withData = loaded.filter((x): x is { member: UniverseMember; series: DailySeries } => x.series !== null);
  for (const x of loaded) if (!x.series) leftOut.push(`${x.member.symbol} (no prices on or before ${formatDate(ctx.asOf)})`);
  // The reference calendar: the series reaching furthest (a name whose prices stop a week earlier would be scanned on an older day).
  const ref = withData.reduce<DailySeries | null>((r, x) => (r === null || lastDate(x.series) > lastDate(r) ? x.series : r), null);
  if (!ref) throw new NotEnoughDataError(`none of ${members.map((m) => m.symbol).join(', ')} has prices on or before ${formatDate(ctx.asOf)}`);
  const refEnd = ref.dates.length - 1;
  const scanned = withData.filter((x) => {
    const behind = refEnd - indexOnOrBefore(ref.dates, lastDate(x.series));
    const out = leavesOutStale(named, behind);
    if (out) {
      leftOut.push(`${x.member.symbol} (${staleReason(lastDate(x.series))})`);
      // Named as left out: its early end does not move the answer's close.
      ctx.leaveOut?.(x.member.symbol);
    }
    return !out;
  });
  return { label, plural, scanned, leftOut, asOf: lastDate(ref) };
}

/** One scan over a loaded list (streaks leave the benchmark itself out). */
export function scanList(list: ScanList, kind: ScanKind, benchmark?: DailySeries): ScanResult {
  const scanned = kind === 'streaks' && benchmark ? list.scanned.filter((x) => x.member.symbol !== benchmark.symbol) : list.scanned;
  const inputs: ScanInput[] = scanned.map((x) => ({ symbol: x.member.symbol, series: x.series }));
  return { kind, label: list.label, plural: list.plural, hits: runScan(kind, inputs, benchmark), scanned, leftOut: list.leftOut, ...(benchmark ? { benchmark } : {}), asOf: list.asOf };
}

function numberOf(kind: ScanKind, h: ScanHit): string {
  return kind === 'streaks' ? `${h.value} sessions` : formatPercent(h.value);
}

const NUMBER_HEADER: Readonly<Record<ScanKind, string>> = { snapback: 'off high', breakouts: 'above level', streaks: 'streak', unwind: '1 month' };

export default defineCommand({
  name: 'scan',
  description: 'Names showing a setup: snapback, breakouts, streaks or unwind, over a watchlist or universe',
  options: {
    kind: opt.choice({ description: 'snapback, breakouts, streaks, unwind, or all four', choices: [...SCAN_KINDS, 'all'] as const, default: 'snapback', positional: true }),
    ...UNIVERSE_OPTIONS,
    universe: opt.text({ description: 'watch (the channel’s list, default), stocks, mag7, sectors, smallcap-drivers, or symbols', maxLength: 100, positional: true }),
    vs: { kind: 'symbol', description: `Benchmark for streaks (default ${MARKET_BENCHMARK})`, positional: false, required: false } as SymbolOption,
  },
  examples: ['/scan snapback stocks', '/scan breakouts sectors', '/scan streaks mag7 vs:SPY', '/scan unwind stocks asof:2025-04-08', '/scan snapback watch', '/scan all stocks'],
  async run(ctx, o): Promise<Answer> {
    const vs = o.vs ?? MARKET_BENCHMARK;
    const list = await loadScanList(ctx, o.universe, o.symbols);
    const needsBench = o.kind === 'streaks' || o.kind === 'all';
    const benchmark = needsBench ? await ctx.series(vs) : undefined;
    const a = emptyAnswer('scan', `Scan · ${o.kind === 'all' ? 'every setup' : o.kind} · ${list.label}`, list.asOf, ctx.sourceLabel);
    a.args = { kind: o.kind, ...(o.universe ? { universe: o.universe } : {}), ...(o.vs ? { vs: o.vs } : {}) };
    a.basis = o.kind === 'snapback' || o.kind === 'breakouts' ? BASIS_LEVELS : o.kind === 'all' ? `${BASIS_LEVELS} ${BASIS_TOTAL_RETURN}` : BASIS_TOTAL_RETURN;
    const n = list.scanned.length;
    const rule = (k: ScanKind): string => `${k[0]?.toUpperCase()}${k.slice(1)}: ${SCAN_RULES[k].replace('the benchmark', vs)}.`;
    if (o.kind === 'all') {
      const results = SCAN_KINDS.map((k) => scanList(list, k, benchmark));
      const total = results.reduce((s, r) => s + r.hits.length, 0);
      a.lines.push(total === 0 ? `**None of the ${n} ${list.plural}** made any scan’s cut on ${formatDate(list.asOf)}.` : `Scans over the ${n} ${list.plural} on ${formatDate(list.asOf)}:`);
      for (const r of results) {
        a.lines.push(`**${r.kind[0]?.toUpperCase()}${r.kind.slice(1)}** (${r.hits.length}): ${r.hits.length === 0 ? 'none' : r.hits.map((h) => `${chartName(h.symbol)} ${numberOf(r.kind, h)}`).join(', ')}.`);
        a.facts[`${r.kind}`] = r.hits.map((h) => h.symbol).join(',');
      }
      a.lines.push(`Rules — ${SCAN_KINDS.map((k) => rule(k)).join(' ')}`);
      if (list.leftOut.length > 0) a.lines.push(`Not scanned: ${list.leftOut.join('; ')}.`);
      a.facts.scanned = n;
      a.facts.hits = total;
      const first = results.find((r) => r.hits.length > 0);
      const chart = first ? minisChart(first, ctx.sourceLabel, vs) : null;
      if (chart) a.charts.push(chart);
      return a;
    }
    const r = scanList(list, o.kind, benchmark);
    if (r.hits.length === 0) {
      a.lines.push(`**None of the ${r.scanned.length} ${r.plural}** made the ${o.kind} cut on ${formatDate(r.asOf)}.`);
    } else {
      a.lines.push(`**${r.hits.length} of the ${r.scanned.length} ${r.plural}** made the ${o.kind} cut on ${formatDate(r.asOf)}: ${listing(r.hits.map((h) => chartName(h.symbol)))}.`);
    }
    a.lines.push(rule(o.kind));
    if (r.hits.length > 0) {
      a.lines.push(codeBlock(['#', '', NUMBER_HEADER[o.kind], 'why'], r.hits.map((h, i) => [String(i + 1), chartName(h.symbol), numberOf(r.kind, h), h.label]), 2));
    }
    if (r.leftOut.length > 0) a.lines.push(`Not scanned: ${r.leftOut.join('; ')}.`);
    a.facts = { kind: o.kind, scanned: r.scanned.length, hits: r.hits.length, names: r.hits.map((h) => h.symbol).join(',') };
    r.hits.forEach((h, i) => (a.facts[`hit${i + 1}`] = h.value));
    const chart = minisChart(r, ctx.sourceLabel, vs);
    if (chart) a.charts.push(chart);
    return a;
  },
});

/** One mini per hit (at most 6): six months of closes (streaks: the ratio to the benchmark), with the level that mattered. */
export function minisChart(r: ScanResult, source: string, vs: string): MultiplesChartSpec | null {
  const hits = r.hits.slice(0, MAX_MINIS);
  if (hits.length === 0) return null;
  const bySymbol = new Map(r.scanned.map((x) => [x.member.symbol, x.series]));
  // The shared axis: the last six months of the reference calendar (the longest of the hits' series).
  const longest = hits.map((h) => bySymbol.get(h.symbol) as DailySeries).reduce((p, q) => (lastDate(q) > lastDate(p) || (lastDate(q) === lastDate(p) && q.dates.length > p.dates.length) ? q : p));
  const dates = longest.dates.slice(-MINI_SESSIONS);
  const b = r.kind === 'streaks' ? r.benchmark : undefined;
  const ratio = b !== undefined;
  const bench = b ? new Map(b.dates.map((d, i) => [d, at(b.adjClose, i)])) : null;
  const cells = hits.map((h) => {
    const s = bySymbol.get(h.symbol) as DailySeries;
    const lv = r.kind === 'unwind' || ratio ? Array.from(s.adjClose) : levelValues(s).values;
    const byDate = new Map(s.dates.map((d, i) => [d, at(lv, i)]));
    const first = dates.map((d) => byDate.get(d)).find((v) => v !== undefined) ?? 1;
    let values: (number | null)[];
    if (bench) {
      const b0 = dates.map((d) => (byDate.has(d) ? bench.get(d) : undefined)).find((v) => v !== undefined) ?? 1;
      values = dates.map((d) => {
        const v = byDate.get(d);
        const b = bench.get(d);
        return v === undefined || b === undefined ? null : (100 * (v / first)) / (b / b0);
      });
    } else if (r.kind === 'unwind') {
      values = dates.map((d) => {
        const v = byDate.get(d);
        return v === undefined ? null : (100 * v) / first;
      });
    } else values = dates.map((d) => byDate.get(d) ?? null);
    return {
      title: chartName(h.symbol),
      note: numberOf(r.kind, h),
      values,
      symbol: h.symbol,
      ...(h.level !== undefined && r.kind !== 'unwind' ? { level: h.level } : {}),
    };
  });
  const what = ratio ? `Ratio to ${vs}, rebased to 100` : r.kind === 'unwind' ? 'Total return, rebased to 100' : 'Close; dashed: the high fallen from or the level broken';
  return {
    kind: 'multiples',
    id: `scan-${r.kind}`,
    title: `${r.kind[0]?.toUpperCase()}${r.kind.slice(1)}: ${hits.length === r.hits.length ? '' : `top ${hits.length} of ${r.hits.length}, `}${r.label}`,
    subtitle: `${what}; last 6 months`,
    altText: `Small charts of the last six months for ${hits.map((h) => `${chartName(h.symbol)} (${numberOf(r.kind, h)})`).join(', ')}.`,
    footer: chartFooter(source, r.asOf),
    dates,
    format: ratio || r.kind === 'unwind' ? 'index' : 'price',
    cells,
  };
}
