/**
 * /leaders — a universe (the sectors, the small-cap drivers, the size and style groups, or a list of
 * symbols) ranked by relative strength against a benchmark, with each member's current streak.
 */
import { plainText, type Answer } from '../src/answer/answer.ts';
import { BASIS_TOTAL_RETURN, chartFooter, emptyAnswer } from '../src/answer/build.ts';
import { formatDate, formatPercent } from '../src/core/format.ts';
import { describePeriod, describePriorPeriod, formatPeriod, periodLabel, type Period } from '../src/core/periods.ts';
import { relativeRotation, relativeStrength, type RelativePerformance, type RelativeRotation } from '../src/core/relative-strength.ts';
import { lastDate, NotEnoughDataError } from '../src/core/series.ts';
import { analyzeStreak } from '../src/core/streaks.ts';
import { MARKET_BENCHMARK, type UniverseMember } from '../src/core/universes.ts';
import { defineCommand, type AskDeclaration } from '../src/command/define.ts';
import { opt } from '../src/command/options.ts';
import { codeBlock } from '../src/answer/table.ts';
import { leftOutSentence, withName } from '../src/answer/phrases.ts';
import { loadUniverse, UNIVERSE_OPTIONS } from '../src/command/universe.ts';
import { at } from '../src/core/at.ts';

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
  members: Record<string, { relative: number | null; before: number | null; months: Record<string, number | null>; streak: number }>;
  /** Members ahead of the benchmark over the period after trailing it over the window of the same length before (`before`), best first; rotating out, the reverse, worst first. */
  rotatingIn: string[];
  rotatingOut: string[];
};

const MONTHS: readonly Period[] = (['1m', '3m', '6m'] as const).map((name) => ({ kind: 'named', name }));
/** Characters for the first line: under 120 with room for the 46 of "As of Sep 15, the last close I have for TOST: ". */
const VERDICT_BUDGET = 73;
/** Streaks shorter than this are not worth a clause in the headline. */
const NOTABLE_RUN = 2;

interface Ranked {
  member: UniverseMember;
  /** Over the chosen period, then 1M, 3M, 6M. */
  main: RelativePerformance | null;
  months: (RelativePerformance | null)[];
  /** Sessions in a row beating the benchmark (> 0) or trailing it (< 0), ending on the last common date. */
  streak: number;
  /** Over the period and the window of the same length before it; null when history is too short. */
  rotation: RelativeRotation | null;
}

/** How /leaders is asked in plain words: read by the question reader (src/ask). */
export const ask = {
  topic: 'the leaders',
  strong: ['leaders', 'laggards', 'leaderboard', 'leader board', 'ranking', 'rankings', 'rank', 'ranked', 'leaders and laggards'],
  weak: ['leading', 'lagging', 'best', 'worst', 'strongest', 'weakest', 'top', 'bottom', 'leader', 'laggard'],
  examples: ['which sectors are leading this month?', 'best and worst sectors ytd'],
  outranks: ['perf'],
  needsNoSymbol: true,
  answersGroup: true,
  answersAdvice: true,
} as const satisfies AskDeclaration;

export default defineCommand({
  ask,
  name: 'leaders',
  description: 'Rank sectors, small-cap drivers, styles or your symbols by strength relative to a benchmark',
  options: {
    ...UNIVERSE_OPTIONS,
    period: opt.period({ description: 'Period to rank by (1d 1w 1m 3m 6m ytd 1y 3y 5y max, since:YYYY-MM-DD)', default: '3m' }),
    vs: opt.symbol({ description: 'Benchmark to measure against', default: MARKET_BENCHMARK }),
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
      return {
        member,
        main: rs.periods[0] ?? null,
        months: rs.periods.slice(1),
        streak: st.current ? st.current.length : -(st.opposite?.length ?? 0),
        rotation: relativeRotation(series, bench, o.period),
      };
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

    // 1. Leader and laggard in one line (issue 12), short enough for an "As of …, the last close I have
    //    for MAGS:" lead (run.ts) to fit under 120 characters; their returns and runs on the next.
    const ahead = best.main.relative >= 0;
    const lagging = measured.length >= 2 ? `; ${worst.member.symbol} ${worst.main.relative < 0 ? 'trails' : 'is last'} at ${formatPercent(worst.main.relative)}` : '';
    const forms = [
      `**${withName(best.member)} ${ahead ? 'leads' : 'holds up best among'} ${u.label}** ${when}, ${formatPercent(best.main.relative)} relative to ${vs}${lagging}.`,
      `**${withName(best.member)} ${ahead ? 'leads' : 'holds up best'}** ${when}, ${formatPercent(best.main.relative)} vs ${vs}${lagging}.`,
      `**${best.member.symbol} ${ahead ? 'leads' : 'holds up best'}** ${when}, ${formatPercent(best.main.relative)} vs ${vs}${lagging}.`,
    ];
    a.lines.push(forms.find((f) => plainText(f).length <= VERDICT_BUDGET) ?? at(forms, forms.length - 1));
    // 2. The returns behind it, and runs.
    const runs = [
      `${withName(best.member)} ${formatPercent(best.main.returnA)} against ${vs} ${formatPercent(best.main.returnB)}`,
      ...(best.streak >= NOTABLE_RUN ? [`${best.member.symbol} has beaten ${vs} ${best.streak} sessions running`] : []),
      ...(measured.length >= 2 && worst.streak <= -NOTABLE_RUN ? [`${worst.member.symbol} has trailed it ${-worst.streak} sessions running`] : []),
    ];
    a.lines.push(`${runs.join('; ')}.`);
    // 3. Breadth.
    const beating = measured.filter((r) => r.main.relative > 0).length;
    if (measured.length >= 3) {
      const count = beating === measured.length ? `All ${beating}` : beating === 0 ? `None of the ${measured.length}` : `${beating} of the ${measured.length}`;
      a.lines.push(`${count} ${u.plural} beat ${vs} ${when}.`);
    }

    // 4. Rotation over the period asked: which members changed side of the benchmark against the window
    //    of the same length before it (src/core/relative-strength.ts, relativeRotation).
    const turned = ranked.flatMap((r) => (r.rotation?.turn ? [{ r, rot: r.rotation }] : []));
    const inn = turned.filter((t) => t.rot.turn === 'in').sort((x, y) => y.rot.now.relative - x.rot.now.relative);
    const out = turned.filter((t) => t.rot.turn === 'out').sort((x, y) => x.rot.now.relative - y.rot.now.relative);
    const prior = (t: { rot: RelativeRotation }) => describePriorPeriod(o.period, t.rot.sessionsBefore);
    if (inn[0]) a.lines.push(rotationSentence('Rotating in', `ahead of ${vs} ${when}, behind it over ${prior(inn[0])}`, inn));
    if (out[0]) a.lines.push(rotationSentence('Rotating out', `behind ${vs} ${when}, ahead of it over ${prior(out[0])}`, out));

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
      rotatingIn: inn.map((t) => t.r.member.symbol),
      rotatingOut: out.map((t) => t.r.member.symbol),
      members: Object.fromEntries(
        ranked.map((r) => [
          r.member.symbol,
          { relative: r.main?.relative ?? null, before: r.rotation?.before.relative ?? null, months: Object.fromEntries(MONTHS.map((p, k) => [formatPeriod(p), r.months[k]?.relative ?? null])), streak: r.streak },
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

/** "**Rotating in** (ahead of SPY over the past month, behind it over the month before): XLE (Energy) +3.1% after −2.0%, …" — every name in full. */
function rotationSentence(head: string, why: string, rows: readonly { r: Ranked; rot: RelativeRotation }[]): string {
  const named = rows.map(({ r, rot }) => `${withName(r.member)} ${formatPercent(rot.now.relative)} after ${formatPercent(rot.before.relative)}`);
  return `**${head}** (${why}): ${named.join(', ')}.`;
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
