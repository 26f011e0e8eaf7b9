/**
 * /rotation — small caps against large and mega caps, the way a strategist's morning note opens.
 *
 * compute → typed facts → present: `computeRotation` works the facts out of the series (what `--json`
 * prints), `presentRotation` turns them into words and the chart.
 */
import type { Answer } from '../src/answer/answer.ts';
import type { DateRangeSpec } from '../src/answer/chart-spec.ts';
import { answerWith, BASIS_LEVELS, BASIS_TOTAL_RETURN, chartFooter, pick, thinIndices } from '../src/answer/build.ts';
import { alignSeries } from '../src/core/align.ts';
import { at } from '../src/core/at.ts';
import { formatDate, formatMonthYear, formatPercent } from '../src/core/format.ts';
import { highsAndLows, levelValues } from '../src/core/highs.ts';
import { describePeriod, formatPeriod, periodBaseIndex, type Period, periodLabel } from '../src/core/periods.ts';
import { movingAverage, ratioLine } from '../src/core/ratio.ts';
import { periodReturn, rebase } from '../src/core/returns.ts';
import { indexOnOrBefore, lastDate, NotEnoughDataError, truncateAsOf, type DailySeries } from '../src/core/series.ts';
import { analyzeStreak, type StreakSides } from '../src/core/streaks.ts';
import { defineCommand, type CommandContext, type AskDeclaration } from '../src/command/define.ts';
import { opt } from '../src/command/options.ts';
import { leavesOutStale, staleReason } from '../src/command/universe.ts';
import { fmtLevel, formatPoints, noPriceNote, streakSentence } from '../src/answer/phrases.ts';

const MA_WINDOW = 50;
/** Charts show at least this many sessions so a 1-day or 1-week question still has context. */
const MIN_CHART_SESSIONS = 21;

/** What /rotation found; `--json` prints it. Dates are ISO, returns are fractions (0.012 = 1.2 %). */
export type RotationFacts = {
  /** The period as typed back ("ytd", "since:2026-06-01"), and the close it is measured from. */
  period: string;
  from: string;
  asOf: string;
  small: string;
  large: string;
  /** The mega-cap proxy actually used (QQQ stands in for MAGS before it existed). */
  mega: string;
  smallReturn: number;
  largeReturn: number;
  megaReturn: number;
  /** smallReturn − largeReturn. */
  spread: number;
  /** The last session's total returns; null when the period is that session (the returns above say it). */
  day: { small: number; large: number; mega: number | null } | null;
  /** Who holds the current small-vs-large out-performance streak, and for how many sessions. */
  streakLeader: string | null;
  streakLength: number;
  streak: StreakSides;
  /** The small/large ratio against its 50-day average (0.02 = 2 % above), null before 50 sessions. */
  ratioVsMa50: number | null;
  /** The ratio crossed its average within the last 10 sessions: which way, and how many sessions ago (1 = today). */
  ratioCross: { direction: 'above' | 'below'; sessions: number } | null;
  /** Which of the three closed at a record or a 52-week high; `close` only when levels are on closes. */
  highs: { symbol: string; kind: 'all-time' | '52-week'; close: number | null }[];
};

export interface RotationInputs {
  small: DailySeries;
  large: DailySeries;
  /** The mega-cap proxy, chosen already (see megaCapSeries). */
  mega: DailySeries;
  period: Period;
  /** The close asked for, for the refusal when the two series do not reach back far enough. */
  asOf: string;
}

/** What the chart draws: the common dates, the period's first index, and the lines on them. */
export interface RotationPlot {
  dates: readonly string[];
  base: number;
  small: DailySeries['adjClose'];
  large: DailySeries['adjClose'];
  mega: DailySeries;
  ratio: readonly number[];
  ma: readonly (number | null)[];
}

/** Pure: small against large and mega caps over the period. */
export function computeRotation(inp: RotationInputs): { facts: RotationFacts; plot: RotationPlot } {
  const { period } = inp;
  // Small vs large on their common days; the mega-cap proxy on its own calendar, so a day it
  // lacks (MAGS has a shorter, patchier history) never shifts the main comparison.
  const al = alignSeries([inp.small, inp.large]);
  const [s, l] = al.series as [DailySeries, DailySeries];
  const end = al.dates.length - 1;
  const base = periodBaseIndex(al.dates, period, end);
  if (end < 1 || base < 0) {
    throw new NotEnoughDataError(`${s.symbol} and ${l.symbol} trade together only from ${formatDate(al.dates[0] ?? inp.asOf)}, not far enough back for ${formatPeriod(period)}`);
  }
  const asOf = at(al.dates, end);
  // When small or large ends early (KRE's data stops Jul 2), the answer is as of that day: the
  // mega-cap proxy must not bring in its later closes.
  const m = truncateAsOf(inp.mega, asOf);
  const ret = (x: DailySeries, from: number) => at(x.adjClose, end) / at(x.adjClose, from) - 1;
  const rs = ret(s, base);
  const rl = ret(l, base);
  const megaReturn = periodReturn(m, period);
  const rm = megaReturn.change;
  const megaCurrent = megaReturn.to === asOf;

  // The day's move (not when the period is the day itself).
  let day: RotationFacts['day'] = null;
  if (!(period.kind === 'named' && period.name === '1d')) {
    const mi = m.dates.length - 1;
    day = {
      small: ret(s, end - 1),
      large: ret(l, end - 1),
      mega: megaCurrent && mi >= 1 ? at(m.adjClose, mi) / at(m.adjClose, mi - 1) - 1 : null,
    };
  }

  // The current out-performance streak, in whichever direction it runs.
  // On the two series alone: the mega-cap proxy's calendar must not drop days from the streak.
  const st = analyzeStreak(inp.small, inp.large);

  // The small/large ratio against its 50-day average.
  const ratio = ratioLine(s.adjClose, l.adjClose);
  const ma = movingAverage(ratio, MA_WINDOW);
  const maNow = ma[end];
  const ratioVsMa = maNow !== null && maNow !== undefined ? at(ratio, end) / maNow - 1 : null;

  const highs: RotationFacts['highs'] = [];
  for (const x of [s, l, m]) {
    const lv = levelValues(x);
    const h = highsAndLows(lv.values, x.dates);
    const close = lv.basis === 'close' ? h.last : null;
    if (h.isNewAllTimeHigh) highs.push({ symbol: x.symbol, kind: 'all-time', close });
    else if (h.isNew52wHigh) highs.push({ symbol: x.symbol, kind: '52-week', close });
  }

  const facts: RotationFacts = {
    period: formatPeriod(period),
    from: at(al.dates, base),
    asOf,
    small: s.symbol,
    large: l.symbol,
    mega: m.symbol,
    smallReturn: rs,
    largeReturn: rl,
    megaReturn: rm,
    spread: rs - rl,
    day,
    streakLeader: st.current ? s.symbol : st.opposite ? l.symbol : null,
    streakLength: st.current?.length ?? st.opposite?.length ?? 0,
    streak: { a: st.a, b: st.b, current: st.current, opposite: st.opposite, longestSince: st.longestSince, oppositeLongestSince: st.oppositeLongestSince },
    ratioVsMa50: ratioVsMa,
    ratioCross: ratioVsMa === null ? null : crossedRecently(ratio, ma, end),
    highs,
  };
  return { facts, plot: { dates: al.dates, base, small: s.adjClose, large: l.adjClose, mega: m, ratio, ma } };
}

/** Pure: the words and the chart for rotation facts. */
export function presentRotation(f: RotationFacts, plot: RotationPlot, period: Period, sourceLabel: string): Answer<RotationFacts> {
  const { small, large, mega, asOf } = f;
  const when = describePeriod(period);
  const rs = f.smallReturn;
  const rl = f.largeReturn;
  const rm = f.megaReturn;
  const a = answerWith('rotation', `Small vs large caps · ${periodLabel(period)}`, asOf, sourceLabel, f);
  a.basis = `${BASIS_TOTAL_RETURN} ${BASIS_LEVELS}`;
  a.period = { option: 'period', value: f.period };

  // 1. Who leads over the period, and by how much.
  const spread = f.spread;
  const leader = Math.abs(spread) < 0.0005 ? null : spread > 0 ? 'Small caps' : 'Large caps';
  const verb = leader === null ? 'Small and large caps are level' : `**${leader} lead**`;
  a.lines.push(`${verb} ${when}: ${small} ${formatPercent(rs)} vs ${large} ${formatPercent(rl)} (${formatPoints(spread)}).`);
  const rsm = rs - rm;
  a.lines.push(
    Math.abs(rsm) >= 0.0005
      ? `Mega caps (${mega}) ${formatPercent(rm)}: small caps are ${rsm > 0 ? 'ahead of them' : 'behind them'} by ${formatPoints(Math.abs(rsm)).replace(/^\+/, '')}.`
      : `Mega caps (${mega}) ${formatPercent(rm)}, level with small caps.`,
  );

  // 2. The day's move (skipped when the period is the day itself: line 1 already says it).
  if (f.day) {
    const megaDay = f.day.mega !== null ? `, ${mega} ${formatPercent(f.day.mega, 2)}` : '';
    a.lines.push(`On ${formatDate(asOf)}: ${small} ${formatPercent(f.day.small, 2)}, ${large} ${formatPercent(f.day.large, 2)}${megaDay}.`);
  }

  // 3. The current out-performance streak, in whichever direction it runs.
  const streakLine = streakSentence(f.streak);
  if (streakLine) a.lines.push(streakLine);

  // 4. The small/large ratio against its 50-day average.
  const ratioVsMa = f.ratioVsMa50;
  if (ratioVsMa !== null) {
    const cross = f.ratioCross ? ` — it crossed ${f.ratioCross.direction} ${f.ratioCross.sessions === 1 ? 'today' : `${f.ratioCross.sessions} sessions ago`}` : '';
    a.lines.push(`The ${small}/${large} ratio is ${formatPercent(Math.abs(ratioVsMa)).replace(/^[+−]/, '')} ${ratioVsMa >= 0 ? 'above' : 'below'} its ${MA_WINDOW}-day average${cross}.`);
  }

  // 5. New highs, only when there is one.
  const highs = f.highs.map((h) => `${h.symbol} closed at ${h.kind === 'all-time' ? 'an all-time' : 'a 52-week'} high${h.close !== null ? ` at ${fmtLevel(h.symbol, h.close)}` : ''}`);
  if (highs.length > 0) a.lines.push(`${highs.join('; ')}.`);
  const noPrice = f.highs.filter((h) => h.close === null).map((h) => h.symbol);
  if (noPrice.length > 0) a.basis = `${a.basis} ${noPriceNote(noPrice)}`;

  // Chart: rebased performance on top, the ratio and its average below. Rebased at the period's
  // start, so the lines end where the text's returns do; a short period shows earlier sessions
  // for context, shaded as before the period.
  const { dates, base } = plot;
  const end = dates.length - 1;
  const from = Math.max(0, Math.min(base, end - MIN_CHART_SESSIONS));
  const idx = thinIndices(from, end);
  const shade: DateRangeSpec[] = [];
  // A period shorter than the chart (1d, 1w, year to date in January) is highlighted over its lead-in.
  if (from < base) shade.push({ from: at(dates, Math.min(end, base + 1)), to: at(dates, end), label: periodLabel(period), color: 'blue' });
  const cur = f.streak.current;
  if (cur && cur.length >= 2 && cur.startDate >= at(dates, from)) {
    shade.push({ from: cur.startDate, to: cur.endDate, label: `${small} streak`, color: 'orange' });
  }
  a.charts.push({
    kind: 'time',
    id: 'rotation',
    title: `Small vs large vs mega caps, ${when}`,
    subtitle: `Total return rebased to 100 on ${formatDate(f.from)}; below, how far ${small} is ahead of ${large} since then (0% = level), with its ${MA_WINDOW}-day average`,
    altText: `Line chart: ${small} ${formatPercent(rs)}, ${large} ${formatPercent(rl)}, ${mega} ${formatPercent(rm)} ${when}; the ${small}/${large} ratio is ${ratioVsMa === null ? 'shown' : `${ratioVsMa >= 0 ? 'above' : 'below'} its ${MA_WINDOW}-day average`}.`,
    footer: chartFooter(sourceLabel, asOf),
    dates: pick(dates, idx),
    panels: [
      {
        yLabel: 'Rebased (100 = start)',
        format: 'index',
        weight: 2,
        series: [
          { type: 'line', label: `${small} (small)`, symbol: small, values: pick(rebase(plot.small, base, 100, from), idx), width: 2.5 },
          { type: 'line', label: `${large} (large)`, symbol: large, values: pick(rebase(plot.large, base, 100, from), idx), width: 2.5 },
          { type: 'line', label: `${mega} (mega)`, symbol: mega, values: pick(onDates(plot.mega, dates, from, base), idx), width: 2 },
        ],
        levels: [{ value: 100, label: 'Start', color: 'gray' }],
      },
      {
        // The ratio rebased to 0% at the period's start: "+3%" reads "small caps 3% ahead since then";
        // a raw ratio (0.0969) means nothing to a trader. The average is scaled alike, so crossings stay put.
        yLabel: `vs ${large}`,
        format: 'percent',
        weight: 1,
        series: [
          { type: 'line', label: `${small} % ahead of ${large}`, values: pick(aheadOf(plot.ratio, at(plot.ratio, base)), idx), color: 'teal', width: 2 },
          { type: 'line', label: `${MA_WINDOW}-day average`, values: pick(aheadOf(plot.ma, at(plot.ratio, base)), idx), color: 'gray', dashed: true, width: 1.5 },
        ],
      },
    ],
    ...(shade.length > 0 ? { shade } : {}),
  });
  return a;
}

/** How /rotation is asked in plain words: read by the question reader (src/ask). */
export const ask = {
  topic: 'small vs large caps',
  strong: ['rotation', 'rotating', 'rotate', 'rotated', 'size rotation'],
  examples: ['how are small caps doing against the mega caps this year?', 'small caps vs large caps this month?'],
  outranks: ['perf'],
  needsNoSymbol: true,
  withGroup: 'rotationmap',
  withSeveral: 'compare',
  sizeSlots: true,
  answersSizes: true,
} as const satisfies AskDeclaration;

export default defineCommand({
  ask,
  name: 'rotation',
  description: 'Small caps vs large and mega caps: who leads, the streak, the ratio trend, new highs',
  options: {
    period: opt.period({ description: 'Look-back period (1d 1w 1m 3m 6m ytd 1y 3y 5y max, since:YYYY-MM-DD)', default: 'ytd', positional: true }),
    small: opt.symbol({ description: 'Small-cap proxy', default: 'IWM' }),
    large: opt.symbol({ description: 'Large-cap proxy', default: 'SPY' }),
    mega: opt.symbol({ description: 'Mega-cap proxy (falls back to QQQ before MAGS existed)', default: 'MAGS' }),
  },
  examples: ['/rotation', '/rotation 1m', '/rotation period:1y asof:2025-06-30', '/rotation small:^RUT large:^GSPC'],
  async run(ctx, o): Promise<Answer<RotationFacts>> {
    const [small, large] = await Promise.all([ctx.series(o.small), ctx.series(o.large)]);
    const { series: mega, leftOut } = await megaCapSeries(ctx, o.mega, small, large, o.period);
    const { facts, plot } = computeRotation({ small, large, mega, period: o.period, asOf: ctx.asOf });
    const a = presentRotation(facts, plot, o.period, ctx.sourceLabel);
    // Said beside the mega-cap line it changes, not at the bottom.
    if (leftOut) a.lines[1] = `${a.lines[1] ?? ''} (${leftOut})`;
    return a;
  },
});

/**
 * MAGS began in April 2023; before that (or when the period reaches back further) use QQQ and say so.
 * MAGS is the default mega-cap proxy, so when its data ends before small and large caps' (MAGS stops
 * Oct 1 while the rest run to Oct 8) it is left out by name and QQQ stands in, and the answer stays at
 * the latest close (leavesOutStale). A mega-cap proxy typed (mega:QQQ) keeps the runner's rule instead.
 */
async function megaCapSeries(ctx: CommandContext, mega: string, small: DailySeries, large: DailySeries, period: Period): Promise<{ series: DailySeries; leftOut?: string }> {
  if (mega !== 'MAGS') return { series: await ctx.series(mega) };
  try {
    const mags = await ctx.series('MAGS');
    const close = lastDate(small) < lastDate(large) ? lastDate(small) : lastDate(large);
    const behind = indexOnOrBefore(small.dates, close) - indexOnOrBefore(small.dates, lastDate(mags));
    if (leavesOutStale(true, behind)) {
      ctx.leaveOut?.('MAGS');
      return { series: await ctx.series('QQQ'), leftOut: `MAGS left out: ${staleReason(lastDate(mags))}; QQQ stands in` };
    }
    const al = alignSeries([small, mags]);
    if (periodBaseIndex(al.dates, period, al.dates.length - 1) >= 0) return { series: mags };
    ctx.warn(`MAGS began trading ${formatMonthYear(at(mags.dates, 0))}, so QQQ (the Nasdaq-100) stands in for mega caps over this period.`);
  } catch (e) {
    if (!(e instanceof NotEnoughDataError)) throw e;
    ctx.warn('MAGS did not trade yet on that date, so QQQ (the Nasdaq-100) stands in for mega caps.');
  }
  return { series: await ctx.series('QQQ') };
}

/** `s` rebased to 100 at `dates[from]` and laid on `dates` (null where it has no close). */
/** `s` on the chart's dates from index `from`, rebased to 100 at `dates[baseIndex]`. */
function onDates(s: DailySeries, dates: readonly string[], from: number, baseIndex: number): (number | null)[] {
  const byDate = new Map(s.dates.map((d, i) => [d, at(s.adjClose, i)]));
  const baseDate = at(dates, baseIndex);
  const base = byDate.get(baseDate) ?? at(s.adjClose, Math.max(0, indexOnOrBefore(s.dates, baseDate)));
  return dates.map((d, i) => (i < from ? null : byDate.has(d) ? ((byDate.get(d) as number) / base) * 100 : null));
}

/** A ratio line as how far ahead it is of `start` (0.03 = 3% ahead); gaps stay gaps. */
function aheadOf(values: readonly (number | null)[], start: number): (number | null)[] {
  return values.map((v) => (v === null ? null : v / start - 1));
}

/** The ratio's last cross of its average, when it came within the last 10 sessions. */
function crossedRecently(ratio: readonly number[], ma: readonly (number | null)[], end: number): RotationFacts['ratioCross'] {
  const above = (i: number) => at(ratio, i) > (ma[i] ?? Infinity);
  const nowAbove = above(end);
  let k = end;
  while (k > 0 && ma[k - 1] !== null && above(k - 1) === nowAbove) k--;
  const sessions = end - k + 1;
  if (ma[k - 1] === null || k === 0) return null;
  return sessions <= 10 ? { direction: nowAbove ? 'above' : 'below', sessions } : null;
}
