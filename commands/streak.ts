/**
 * /streak — how long A has been beating B, when that last happened, and the record streaks.
 *
 * compute → typed facts → present: `computeStreak` works the facts out of the two series (what `--json`
 * prints), `presentStreak` turns them into words and the chart.
 */
import type { Answer } from '../src/answer/answer.ts';
import { answerWith, BASIS_TOTAL_RETURN, chartFooter, pick, thinIndices } from '../src/answer/build.ts';
import { analogLineText, streakAnalogLine, type AnalogLine } from '../src/answer/analogs.ts';
import { streakSentence } from '../src/answer/phrases.ts';
import { analogInput } from '../src/core/analogs.ts';
import { formatDate, formatMonthYear, formatPercent } from '../src/core/format.ts';
import { movingAverage, ratioLine } from '../src/core/ratio.ts';
import { NotEnoughDataError, type DailySeries } from '../src/core/series.ts';
import { analyzeStreak, beatFlags, streakRuns, type StreakRun, type StreakSides } from '../src/core/streaks.ts';
import { alignSeries } from '../src/core/align.ts';
import { at } from '../src/core/at.ts';
import { defineCommand, type AskDeclaration } from '../src/command/define.ts';
import { MARKET_BENCHMARK } from '../src/core/universes.ts';
import { opt } from '../src/command/options.ts';

/** Sessions of history the chart shows before the current streak. */
const CHART_SESSIONS = 126;

/** What /streak found; `--json` prints it. Dates are ISO, returns are fractions (0.012 = 1.2 %). */
export type StreakFacts = {
  a: string;
  b: string;
  /** The last common close. */
  asOf: string;
  /** The first common close: where "on record" starts. */
  dataFrom: string;
  /** Sessions in A's current streak over B (0: none). */
  current: number;
  currentStart: string | null;
  /** Sessions in B's current streak over A (0 when A holds one). */
  opposite: number;
  /** When A's current streak was last matched (an end date), `none since <date>`, or null. */
  longestSince: string | null;
  /** A's longest streak on record, and when it ended. */
  record: number;
  recordEnd: string | null;
  /** Both sides' streaks on the last date, as the sentence about them needs them. */
  sides: StreakSides;
  /** A current streak of 2+ sessions against A's other runs: the longest on record, a tie, or neither. */
  currentVsRecord: 'record' | 'tie' | null;
  /** Total returns over the streak on the last date (whichever side holds it), from the close before it began. */
  overStreak: { a: number; b: number } | null;
  /** A's five longest streaks on record, longest first. */
  top: { length: number; endDate: string }[];
  /** What followed A's earlier streaks of K+ sessions (K chosen so the sample says something), or null. */
  whatFollowed: AnalogLine | null;
  /** Both daily total returns on the last date were exactly equal: a tie, a day for neither side. */
  lastDayTie: { return: number } | null;
};

/** What the chart draws: the ratio line on the common dates, and both sides' runs to shade. */
export interface StreakPlot {
  dates: readonly string[];
  ratio: readonly number[];
  ma50: readonly (number | null)[];
  runs: readonly StreakRun[];
  /** B's runs over A. */
  oppositeRuns: readonly StreakRun[];
}

/** Pure: the streak facts of `a` over `b` as of their last common close. */
export function computeStreak(sa: DailySeries, sb: DailySeries): { facts: StreakFacts; plot: StreakPlot } {
  const st = analyzeStreak(sa, sb);
  const end = st.dates.length - 1;
  if (end < 1) throw new NotEnoughDataError(`${sa.symbol} and ${sb.symbol} share fewer than two trading days`);
  const cur = st.current;
  let currentVsRecord: StreakFacts['currentVsRecord'] = null;
  if (cur && cur.length >= 2) {
    const others = st.runs.filter((r) => r !== cur).reduce((mx, r) => Math.max(mx, r.length), 0);
    currentVsRecord = cur.length > others ? 'record' : cur.length === others ? 'tie' : null;
  }
  const run = st.current ?? st.opposite;
  const al = alignSeries([sa, sb]);
  const [xa, xb] = al.series;
  let overStreak: StreakFacts['overStreak'] = null;
  if (run && xa && xb && run.startIndex >= 1) {
    const from = run.startIndex - 1;
    overStreak = {
      a: at(xa.adjClose, end) / at(xa.adjClose, from) - 1,
      b: at(xb.adjClose, end) / at(xb.adjClose, from) - 1,
    };
  }
  const ratio = xa && xb ? ratioLine(xa.adjClose, xb.adjClose) : [];
  let lastDayTie: StreakFacts['lastDayTie'] = null;
  if (xa && xb && !st.current && !st.opposite) {
    const ra = at(xa.adjClose, end) / at(xa.adjClose, end - 1) - 1;
    const rb = at(xb.adjClose, end) / at(xb.adjClose, end - 1) - 1;
    if (ra === rb) lastDayTie = { return: ra };
  }
  const facts: StreakFacts = {
    a: sa.symbol,
    b: sb.symbol,
    asOf: at(st.dates, end),
    dataFrom: at(st.dates, 0),
    current: st.current?.length ?? 0,
    currentStart: st.current?.startDate ?? null,
    opposite: st.opposite?.length ?? 0,
    longestSince: st.longestSince?.kind === 'run' ? st.longestSince.run.endDate : st.longestSince?.kind === 'none' ? `none since ${st.longestSince.since}` : null,
    record: st.top[0]?.length ?? 0,
    recordEnd: st.top[0]?.endDate ?? null,
    sides: { a: st.a, b: st.b, current: st.current, opposite: st.opposite, longestSince: st.longestSince, oppositeLongestSince: st.oppositeLongestSince },
    currentVsRecord,
    overStreak,
    top: st.top.slice(0, 5).map((r) => ({ length: r.length, endDate: r.endDate })),
    whatFollowed: st.current ? streakAnalogLine(analogInput(sa, sb), sa.symbol, sb.symbol, st.current.length) : null,
    lastDayTie,
  };
  const oppositeRuns = xa && xb ? streakRuns(beatFlags(xb.adjClose, xa.adjClose), st.dates) : [];
  return { facts, plot: { dates: st.dates, ratio, ma50: movingAverage(ratio, 50), runs: st.runs, oppositeRuns } };
}

/** Pure: the words and the chart for streak facts. */
export function presentStreak(f: StreakFacts, plot: StreakPlot, sourceLabel: string): Answer<StreakFacts> {
  const { a: sa, b: sb, asOf } = f;
  const a = answerWith('streak', `${sa} vs ${sb} · out-performance streak`, asOf, sourceLabel, f);
  a.basis = `${BASIS_TOTAL_RETURN} A session counts when ${sa}'s daily total return is strictly higher than ${sb}'s.`;

  const sentence = streakSentence(f.sides, { minLength: 1 });
  if (f.sides.current) {
    // The verdict stays under 120 characters: "…for 13 straight sessions (since Jan 2, 2026)." first, then how long that is.
    const cut = sentence && sentence.length >= 120 ? sentence.indexOf('), ') : -1;
    if (sentence && cut > 0) a.lines.push(`${sentence.slice(0, cut + 1)}.`, `That is ${sentence.slice(cut + 3)}`);
    else a.lines.push(sentence ?? '');
  } else {
    a.lines.push(
      f.lastDayTie
        ? `${sa} has no current streak: ${sa} and ${sb} tied on ${formatDate(asOf)}, both returning ${formatPercent(f.lastDayTie.return, 3)}.`
        : `${sa} has no current streak: ${sb} did better on ${formatDate(asOf)}.`,
    );
    if (sentence) a.lines.push(sentence);
  }
  if (f.currentVsRecord === 'record') a.lines.push(`That is **the longest streak on record** for ${sa} over ${sb} (data from ${formatMonthYear(f.dataFrom)}).`);
  else if (f.currentVsRecord === 'tie') a.lines.push(`That **ties the record** for ${sa} over ${sb} (data from ${formatMonthYear(f.dataFrom)}).`);
  // A one-session streak is the day itself: its returns would repeat the first line.
  if (f.overStreak && (f.sides.current?.length ?? 0) > 1) a.lines.push(`Over the streak ${sa} returned ${formatPercent(f.overStreak.a, 2)} against ${sb}'s ${formatPercent(f.overStreak.b, 2)}.`);
  if (f.whatFollowed) a.lines.push(analogLineText(f.whatFollowed));
  if (f.top.length > 0) {
    a.lines.push(`Longest on record: ${f.top.map((r) => `${r.length} (${formatMonthYear(r.endDate)})`).join(', ')} — in data from ${formatMonthYear(f.dataFrom)}.`);
  }

  const end = plot.dates.length - 1;
  const run = f.sides.current ?? f.sides.opposite;
  const from = Math.max(0, (run ? run.startIndex : end) - CHART_SESSIONS);
  const idx = thinIndices(from, end);
  // Both sides' runs of 3+ sessions, and the current one whatever its length: the chart shows whose
  // streak the text is about, A's or B's.
  const shadeOf = (runs: readonly StreakRun[], label: string, color: 'green' | 'red') =>
    runs
      .filter((r) => r.endIndex >= from && (r.length >= 3 || r.endIndex === end))
      .map((r) => ({ from: at(plot.dates, Math.max(r.startIndex, from)), to: r.endDate, label, color }));
  const shade = [...shadeOf(plot.runs, `${sa} streaks`, 'green'), ...shadeOf(plot.oppositeRuns, `${sb} streaks`, 'red')];
  // The ratio rebased to 100 on the chart's first day: 103 reads "A did 3% better than B since then";
  // a raw ratio (0.0969) means nothing to a trader. The average is scaled alike, so crossings stay put.
  const k = 100 / (at(plot.ratio, from));
  const rebased = (xs: readonly (number | null)[]) => pick(xs, idx).map((x) => (x === null ? null : x * k));
  a.charts.push({
    kind: 'time',
    id: 'streak',
    title: `${sa} relative to ${sb}`,
    subtitle: `${sa}'s total return relative to ${sb}'s, 100 = ${formatDate(at(plot.dates, from))}; rising = ${sa} ahead; shaded: runs of 3+ days and the current run`,
    altText: `${sa} relative to ${sb} over the last ${idx.length} sessions with each side's streaks shaded; ${f.current > 0 ? `current ${sa} streak ${f.current} sessions` : f.opposite > 0 ? `current ${sb} streak ${f.opposite} sessions` : 'no current streak'}.`,
    footer: chartFooter(sourceLabel, asOf),
    dates: pick(plot.dates, idx),
    panels: [
      {
        yLabel: `${sa} relative to ${sb}`,
        format: 'index',
        series: [
          { type: 'line', label: `${sa} vs ${sb}`, values: rebased(plot.ratio), color: 'blue', width: 2.25 },
          { type: 'line', label: '50-day average', values: rebased(plot.ma50), color: 'gray', dashed: true, width: 1.5 },
        ],
      },
    ],
    shade,
  });
  return a;
}

/** How /streak is asked in plain words: read by the question reader (src/ask). */
export const ask = {
  tailored: 'how long has {symbol} been beating {other}?',
  topic: 'an out-performance streak',
  strong: ['streak', 'streaks', 'in a row', 'consecutive', 'straight days', 'straight sessions', 'straight session', 'straight day', 'winning streak', 'losing streak'],
  weak: ['how long', 'how many days', 'how many sessions'],
  examples: ['how long has the russell been beating the s&p?'],
  noPeriod: 'it counts the current streak',
  outranks: ['compare', 'rotation', 'perf', 'leaders'],
  weakAnswersTwo: true,
  benchmark: MARKET_BENCHMARK,
  lagging: true,
} as const satisfies AskDeclaration;

export default defineCommand({
  ask,
  name: 'streak',
  description: 'How many sessions in a row A has beaten B, the longest since when, and the record streaks',
  options: {
    a: opt.requiredSymbol({ description: 'The symbol whose out-performance is counted, e.g. IWM', positional: true }),
    b: opt.requiredSymbol({ description: 'The benchmark, e.g. SPY', positional: true }),
  },
  examples: ['/streak IWM SPY', '/streak IWM SPY asof:2026-01-21', '/streak XLE XLK'],
  async run(ctx, o): Promise<Answer<StreakFacts>> {
    if (o.a === o.b) throw new NotEnoughDataError(`compare ${o.a} with a different symbol; against itself there is never a streak`);
    const [sa, sb] = await Promise.all([ctx.series(o.a), ctx.series(o.b)]);
    const { facts, plot } = computeStreak(sa, sb);
    return presentStreak(facts, plot, ctx.sourceLabel);
  },
});
