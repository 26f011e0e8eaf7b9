/**
 * /leaders — a universe (the sectors, the small-cap drivers, the size and style groups, or a list of
 * symbols) ranked by relative strength against a benchmark, with each member's current streak.
 */
import { distance } from 'fastest-levenshtein';
import type { Answer } from '../src/answer/answer.ts';
import { BASIS_TOTAL_RETURN, chartFooter, emptyAnswer } from '../src/answer/build.ts';
import { formatDate, formatPercent } from '../src/core/format.ts';
import { describePeriod, formatPeriod, periodLabel, type Period } from '../src/core/periods.ts';
import { relativeStrength, type RelativePerformance } from '../src/core/relative-strength.ts';
import { indexOnOrBefore, lastDate, NotEnoughDataError, type DailySeries } from '../src/core/series.ts';
import { analyzeStreak } from '../src/core/streaks.ts';
import { findUniverse, memberName, UNIVERSE_NAMES, type Universe, type UniverseMember } from '../src/core/universes.ts';
import { defineCommand, type CommandContext } from '../src/command/define.ts';
import { opt } from '../src/command/options.ts';
import { UnknownSymbolError, UserInputError } from '../src/errors.ts';
import { codeBlock } from './perf.ts';
import { echo } from '../src/echo.ts';

// ---------------------------------------------------------------------------------------------
// Universe options and loading, shared with /rotationmap.

/**
 * The universe is one text option so Discord shows one field ("sectors", or "XLE XLK XLF"). In the text
 * syntax the first bare word fills it and any further bare words fill `symbols`, so "/leaders XLE XLK XLF"
 * reads as a list. Declared by hand because `opt.symbols` is always required.
 */
/** The most symbols a list of one's own may have (the universe word and the more-symbols option together). */
export const MAX_OWN_SYMBOLS = 12;
// The count is checked over both options together in universeMembers; the option's own bound only keeps out pastes.
const MORE_SYMBOLS = opt.optionalSymbols({ description: 'More symbols for a list of your own (the universe option takes the first)', positional: true, min: 1, max: 60 });

export const UNIVERSE_OPTIONS = {
  universe: opt.text({ description: `${UNIVERSE_NAMES.join(', ')} (default sectors), or symbols, e.g. XLE XLK XLF`, maxLength: 100, positional: true }),
  symbols: MORE_SYMBOLS,
};

/** A member left out, and why ("its prices end Jul 2, 2026"). */
export interface LeftOut {
  symbol: string;
  reason: string;
}

export interface LoadedUniverse {
  /** The named universe, or null for a list of symbols. */
  universe: Universe | null;
  /** "the sectors", or "the group" for a list. */
  label: string;
  /** "sectors", or "symbols" for a list. */
  plural: string;
  benchmark: DailySeries;
  members: { member: UniverseMember; series: DailySeries }[];
  leftOut: LeftOut[];
}

/**
 * A member whose prices stop more than this many of the benchmark's sessions before the as-of date is
 * left out: ranking it on an older window would compare different periods. One or two days (a fund
 * whose last close has not been published yet) are kept, with the runner's warning.
 */
export const MAX_STALE_SESSIONS = 5;

/** Members to rank: a named universe, or the symbols typed; the benchmark itself is never a member. */
export function universeMembers(ctx: CommandContext, universe: string | undefined, more: readonly string[] | undefined): { universe: Universe | null; members: UniverseMember[] } {
  const words = [...(universe ?? 'sectors').split(/[\s,]+/).filter((w) => w.length > 0), ...(more ?? [])];
  const [first] = words;
  const named = first !== undefined ? findUniverse(first) : undefined;
  if (named && words.length === 1) return { universe: named, members: [...named.members] };
  if (words.length > MAX_OWN_SYMBOLS) throw new UserInputError(`Too many symbols: ${words.length} (at most ${MAX_OWN_SYMBOLS} in a list of your own).`);
  const stray = words.find((w) => findUniverse(w) !== undefined);
  if (stray !== undefined) {
    throw new UserInputError(`${echo(stray)} is a universe; name one universe or list symbols, not both.`, `Universes: ${UNIVERSE_NAMES.join(', ')}.`);
  }
  const symbols: string[] = [];
  for (const w of words) {
    let sym: string;
    try {
      sym = ctx.symbols.resolve(w);
    } catch (e) {
      if (e instanceof UnknownSymbolError && words.length === 1) {
        const near = UNIVERSE_NAMES.filter((u) => distance(u, w.toLowerCase()) <= 2);
        const hint = near.length > 0 ? `Did you mean ${near.join(' or ')}?` : `Universes: ${UNIVERSE_NAMES.join(', ')}.${e.hint ? ` ${e.hint}` : ''}`;
        throw new UserInputError(`${echo(w)} is neither a universe nor a symbol I know.`, hint);
      }
      throw e;
    }
    if (!symbols.includes(sym)) symbols.push(sym);
  }
  return { universe: null, members: symbols.map((symbol) => ({ symbol, name: memberName(symbol) ?? symbol })) };
}

export async function loadUniverse(ctx: CommandContext, universe: string | undefined, more: readonly string[] | undefined, vs: string): Promise<LoadedUniverse> {
  const picked = universeMembers(ctx, universe, more);
  const benchmark = await ctx.series(vs);
  const leftOut: LeftOut[] = [];
  const candidates = picked.members.filter((m) => m.symbol !== vs);
  if (candidates.length < picked.members.length) leftOut.push({ symbol: vs, reason: 'it is the benchmark' });
  if (candidates.length === 0) throw new UserInputError(`Nothing to rank against ${vs}: the only member is ${vs} itself.`, 'Pick another benchmark with vs:SYMBOL.');
  const benchEnd = benchmark.dates.length - 1;
  const loaded = await Promise.all(
    candidates.map(async (member) => {
      try {
        return { member, series: await ctx.series(member.symbol) };
      } catch (e) {
        if (!(e instanceof NotEnoughDataError)) throw e;
        return { member, series: null };
      }
    }),
  );
  const members: LoadedUniverse['members'] = [];
  for (const { member, series } of loaded) {
    if (series === null) {
      leftOut.push({ symbol: member.symbol, reason: `it has no prices on or before ${formatDate(ctx.asOf)}` });
      continue;
    }
    const last = lastDate(series);
    const behind = benchEnd - indexOnOrBefore(benchmark.dates, last);
    if (behind > MAX_STALE_SESSIONS) {
      leftOut.push({ symbol: member.symbol, reason: `its prices end ${formatDate(last)}, ${behind} sessions before ${formatDate(lastDate(benchmark))}` });
      continue;
    }
    members.push({ member, series });
  }
  if (members.length === 0) {
    throw new NotEnoughDataError(`none of ${candidates.map((m) => m.symbol).join(', ')} has prices up to ${formatDate(lastDate(benchmark))}`);
  }
  return {
    universe: picked.universe,
    label: picked.universe?.label ?? 'the group',
    plural: picked.universe?.plural ?? 'symbols',
    benchmark,
    members,
    leftOut,
  };
}

/** "XLE (Energy)", or just "XLE" for a symbol in no universe. */
export function withName(m: UniverseMember): string {
  return m.name === m.symbol ? m.symbol : `${m.symbol} (${m.name})`;
}

/** "XLE, XLU and XLV". */
export function listing(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] as string}`;
}

/** One sentence naming what was left out and why ("Not ranked: KRE (its prices end …)"), or null. */
export function leftOutSentence(head: string, leftOut: readonly LeftOut[]): string | null {
  if (leftOut.length === 0) return null;
  return `${head}: ${leftOut.map((l) => `${l.symbol} (${l.reason})`).join('; ')}.`;
}

// ---------------------------------------------------------------------------------------------
// /leaders

/** What /leaders found; `--json` prints it. Relative returns are fractions (0.012 = 1.2 % ahead). */
export type LeadersFacts = {
  universe: string;
  benchmark: string;
  period: string;
  from: string;
  leader: string;
  laggard: string;
  /** Members ahead of the benchmark over the period, and members ranked. */
  beating: number;
  ranked: number;
  /** Each member, best first: its return relative to the benchmark over the period (null: history too short), over 1m/3m/6m, and its streak (sessions beating it > 0, trailing it < 0). */
  members: Record<string, { relative: number | null; months: Record<string, number | null>; streak: number }>;
};

const MONTHS: readonly Period[] = (['1m', '3m', '6m'] as const).map((name) => ({ kind: 'named', name }));
/** Streaks shorter than this are not worth a clause in the headline. */
const NOTABLE_RUN = 2;
/** Names per "Rotating in/out" sentence. */
const MAX_NAMED = 3;

interface Ranked {
  member: UniverseMember;
  /** Over the chosen period, then 1M, 3M, 6M. */
  main: RelativePerformance | null;
  months: (RelativePerformance | null)[];
  /** Sessions in a row beating the benchmark (> 0) or trailing it (< 0), ending on the last common date. */
  streak: number;
}

export default defineCommand({
  name: 'leaders',
  description: 'Rank sectors, small-cap drivers, styles or your symbols by strength relative to a benchmark',
  options: {
    ...UNIVERSE_OPTIONS,
    period: opt.period({ description: 'Period to rank by (1d 1w 1m 3m 6m ytd 1y 3y 5y max, since:YYYY-MM-DD)', default: '3m' }),
    vs: opt.symbol({ description: 'Benchmark to measure against', default: 'SPY' }),
  },
  examples: ['/leaders', '/leaders sectors 1m', '/leaders smallcap-drivers vs:IWM', '/leaders styles ytd asof:2025-12-31', '/leaders XLE XLK XLF XLV 6m'],
  async run(ctx, o): Promise<Answer<LeadersFacts>> {
    const u = await loadUniverse(ctx, o.universe, o.symbols, o.vs);
    const bench = u.benchmark;
    const vs = bench.symbol;
    const asOf = lastDate(bench);
    const when = describePeriod(o.period);

    const ranked: Ranked[] = u.members.map(({ member, series }) => {
      const rs = relativeStrength(series, bench, [o.period, ...MONTHS]);
      const st = analyzeStreak(series, bench);
      return { member, main: rs.periods[0] ?? null, months: rs.periods.slice(1), streak: st.current ? st.current.length : -(st.opposite?.length ?? 0) };
    });
    ranked.sort((x, y) => (y.main?.relative ?? -Infinity) - (x.main?.relative ?? -Infinity));
    const measured = ranked.filter((r): r is Ranked & { main: RelativePerformance } => r.main !== null);
    const best = measured[0];
    const worst = measured[measured.length - 1];
    if (!best || !worst) {
      throw new NotEnoughDataError(`none of ${ranked.map((r) => r.member.symbol).join(', ')} has history against ${vs} back far enough for ${formatPeriod(o.period)}`);
    }

    const title = u.universe ? `Leaders: ${u.universe.plural} vs ${vs}` : `Leaders vs ${vs}`;
    const a = emptyAnswer('leaders', `${title} · ${periodLabel(o.period)}`, asOf, ctx.sourceLabel);
    a.basis = `${BASIS_TOTAL_RETURN} Relative return = (1 + return) ÷ (1 + ${vs}'s return) − 1, the change of the ratio to ${vs}. Streak: sessions in a row beating (+) or trailing (−) ${vs}.`;
    a.period = { option: 'period', value: formatPeriod(o.period) };

    // 1. The leader, with its streak when it has one.
    const verb = best.main.relative >= 0 ? 'leads' : 'holds up best among';
    const run = best.streak >= NOTABLE_RUN ? `, and has beaten it ${best.streak} sessions running` : '';
    a.lines.push(
      `**${withName(best.member)} ${verb} ${u.label}** ${when}, ${formatPercent(best.main.relative)} relative to ${vs} (${best.member.symbol} ${formatPercent(best.main.returnA)}, ${vs} ${formatPercent(best.main.returnB)})${run}.`,
    );
    // 2. The laggard.
    if (measured.length >= 2) {
      const lagRun = worst.streak <= -NOTABLE_RUN ? `, and has trailed it ${-worst.streak} sessions running` : '';
      const place = worst.main.relative < 0 ? 'trails at' : `is last, though still ahead, at`;
      a.lines.push(`${withName(worst.member)} ${place} ${formatPercent(worst.main.relative)} relative to ${vs}${lagRun}.`);
    }
    // 3. Breadth.
    const beating = measured.filter((r) => r.main.relative > 0).length;
    if (measured.length >= 3) {
      const count = beating === measured.length ? `All ${beating}` : beating === 0 ? `None of the ${measured.length}` : `${beating} of the ${measured.length}`;
      a.lines.push(`${count} ${u.plural} beat ${vs} ${when}.`);
    }

    // 4. Rotation: consistent winners and losers over 1, 3 and 6 months, and those turning.
    const all3 = ranked.filter((r) => r.months.every((m) => m !== null));
    const six = (r: Ranked) => (r.months[2] as RelativePerformance).relative;
    const inn = all3.filter((r) => r.months.every((m) => (m as RelativePerformance).relative > 0)).sort((x, y) => six(y) - six(x));
    const out = all3.filter((r) => r.months.every((m) => (m as RelativePerformance).relative < 0)).sort((x, y) => six(x) - six(y));
    if (inn.length > 0 && inn.length < measured.length) a.lines.push(rotationSentence('Rotating in', inn, vs, 'beat'));
    if (out.length > 0 && out.length < measured.length) a.lines.push(rotationSentence('Rotating out', out, vs, 'trail'));
    const one = (r: Ranked) => (r.months[0] as RelativePerformance).relative;
    const turningUp = all3.filter((r) => one(r) > 0 && six(r) < 0).sort((x, y) => one(y) - one(x))[0];
    if (turningUp) {
      a.lines.push(`**Turning up:** ${withName(turningUp.member)} beat ${vs} by ${formatPercent(one(turningUp))} over the past month after trailing by ${formatPercent(six(turningUp))} over 6 months.`);
    }
    const turningDown = all3.filter((r) => one(r) < 0 && six(r) > 0).sort((x, y) => one(x) - one(y))[0];
    if (turningDown) {
      a.lines.push(`**Turning down:** ${withName(turningDown.member)} trailed ${vs} by ${formatPercent(one(turningDown))} over the past month after leading by ${formatPercent(six(turningDown))} over 6 months.`);
    }

    a.lines.push(table(ranked, o.period, vs));
    const unranked = ranked.filter((r) => r.main === null).map((r) => ({ symbol: r.member.symbol, reason: `its history with ${vs} is too short for ${formatPeriod(o.period)}` }));
    const lo = leftOutSentence('Not ranked', [...u.leftOut, ...unranked]);
    if (lo) a.lines.push(lo);

    const facts: LeadersFacts = {
      universe: u.universe?.id ?? 'custom',
      benchmark: vs,
      period: formatPeriod(o.period),
      from: best.main.from,
      leader: best.member.symbol,
      laggard: worst.member.symbol,
      beating,
      ranked: measured.length,
      members: Object.fromEntries(
        ranked.map((r) => [
          r.member.symbol,
          { relative: r.main?.relative ?? null, months: Object.fromEntries(MONTHS.map((p, k) => [formatPeriod(p), r.months[k]?.relative ?? null])), streak: r.streak },
        ]),
      ),
    };

    a.charts.push({
      kind: 'bars',
      id: 'leaders',
      title: `${u.universe ? `${u.universe.plural[0]?.toUpperCase()}${u.universe.plural.slice(1)}` : ranked.map((r) => r.member.symbol).join(', ')} relative to ${vs}, ${when}`,
      subtitle: `Total return relative to ${vs} from ${formatDate(best.main.from)}; (1 + return) ÷ (1 + ${vs} return) − 1`,
      altText: `Horizontal bars, best first: ${measured.map((r) => `${r.member.symbol} ${formatPercent(r.main.relative)}`).join(', ')} relative to ${vs} ${when}.`,
      footer: chartFooter(ctx.sourceLabel, asOf),
      categories: measured.map((r) => (r.member.name === r.member.symbol ? r.member.symbol : `${r.member.symbol} · ${r.member.name}`)),
      groups: [{ label: `Relative to ${vs}`, values: measured.map((r) => r.main.relative) }],
      horizontal: true,
      valueLabel: `Return relative to ${vs}, ${periodLabel(o.period)}`,
      format: 'percent',
      colorBySign: true,
      signLegend: { positive: `Ahead of ${vs}`, negative: `Behind ${vs}` },
    });
    return { ...a, facts };
  },
});

/** "**Rotating in:** XLE (Energy) and XLU (Utilities) beat SPY over each of the past 1, 3 and 6 months, by +10.3% and +4.1% over 6 months." */
function rotationSentence(head: string, rows: readonly Ranked[], vs: string, verb: 'beat' | 'trail'): string {
  const shown = rows.slice(0, MAX_NAMED);
  const names = shown.map((r) => withName(r.member));
  if (rows.length > shown.length) names.push(`${rows.length - shown.length} more`);
  const sixMonths = listing(shown.map((r) => formatPercent((r.months[2] as RelativePerformance).relative)));
  const which = rows.length > shown.length ? `, the first ${shown.length} by` : ', by';
  const verbForm = rows.length === 1 ? `${verb}s` : verb;
  return `**${head}:** ${listing(names)} ${verbForm} ${vs} over each of the past 1, 3 and 6 months${which} ${sixMonths} over 6 months.`;
}

function table(ranked: readonly Ranked[], period: Period, vs: string): string {
  const inMonths = MONTHS.findIndex((p) => formatPeriod(p) === formatPeriod(period));
  const pct = (x: RelativePerformance | null | undefined) => (x ? formatPercent(x.relative) : '—');
  const header = [`vs ${vs}`, ...(inMonths < 0 ? [periodLabel(period)] : []), ...MONTHS.map(periodLabel), 'Streak'];
  const body = ranked.map((r, k) => [
    `${r.main ? `${String(k + 1).padStart(2)}.` : '   '} ${r.member.symbol}`,
    ...(inMonths < 0 ? [pct(r.main)] : []),
    ...r.months.map(pct),
    r.streak > 0 ? `+${r.streak}` : r.streak < 0 ? `−${-r.streak}` : '0',
  ]);
  return codeBlock(header, body);
}
