/**
 * /drawdown — how far below its peak a symbol is, what it takes to get back, where this drawdown ranks
 * in its history, and the deepest drawdowns on record.
 */
import type { Answer } from '../src/answer/answer.ts';
import type { DateRangeSpec, MarkerSpec } from '../src/answer/chart-spec.ts';
import { chartFooter, emptyAnswer, pick, thinIndices } from '../src/answer/build.ts';
import { fmtLevel, pctAbs } from '../src/answer/phrases.ts';
import { analogLineText, declineAnalogLine, failedBreakoutAnalogLine } from '../src/answer/analogs.ts';
import { analogInput } from '../src/core/analogs.ts';
import { levelBasisNote, missingCloses } from '../src/core/basis.ts';
import { currentDrawdown, drawdownCurve, drawdownEpisodes, drawdownRank, largestDrawdowns, type DrawdownEpisode } from '../src/core/drawdowns.ts';
import { formatDate, formatMonthYear, formatPercent, ordinal } from '../src/core/format.ts';
import { levelValues } from '../src/core/highs.ts';
import { formatSpan, withArticle } from '../src/core/ranges.ts';
import { NotEnoughDataError } from '../src/core/series.ts';
import { breakoutOutcome, FAIL_WITHIN_SESSIONS, MIN_SESSIONS_SINCE_PRIOR_HIGH, recent52wBreakout } from '../src/core/breakouts.ts';
import { BEAR_MARKET, bearMarkets, CORRECTION, currentDecline } from '../src/core/swings.ts';
import { defineCommand, type AskDeclaration } from '../src/command/define.ts';
import { opt } from '../src/command/options.ts';
import { chartName } from '../src/answer/names.ts';
import { at } from '../src/core/at.ts';

/** How many of the deepest drawdowns the answer lists. */
const TOP = 5;
/** A drawdown this deep or deeper is a correction worth its rank and its own sentences. */
const NOTABLE_DEPTH = -0.05;
/** When at a peak, the rally is measured from the last trough at least this deep (a correction). */
const CORRECTION_DEPTH = -0.1;
/** Ranks beyond this read as noise ("the 214th-deepest") and are left out. */
const MAX_RANK_SAID = 20;
/** Points per line on the full-history chart: legible at 1000 px and quick to draw. */
const CHART_POINTS = 500;
/** Price spans beyond this ratio (high / low) are drawn on a log scale, so early decades stay readable. */
const LOG_SCALE_RATIO = 4;

/** "the 5th-deepest drawdown in its history", "its deepest drawdown on record". */
function rankWords(rank: number): string {
  return rank === 1 ? 'the deepest drawdown in its history' : `the ${ordinal(rank)}-deepest drawdown in its history`;
}

/** How /drawdown is asked in plain words: read by the question reader (src/ask). */
export const ask = {
  tailored: '{symbol} drawdown',
  topic: 'a drawdown',
  strong: [
    'drawdown', 'drawdowns', 'draw down', 'dd', 'max drawdown', 'off the high', 'off the highs', 'off its high', 'off its highs', 'off highs', 'off the top',
    'from the high', 'from the highs', 'from its high', 'from its highs', 'from the peak', 'from its peak', 'off the peak', 'off its peak', 'below the high',
    'below its high', 'below the highs', 'below its highs', 'below the peak', 'from ath', 'off ath', 'correction', 'bear market', 'underwater', 'how far down',
    // Longer than "all time high" (a breakout word), so "how far is IWM from its all-time high" is a drawdown.
    'from its all time high', 'from the all time high', 'from all time highs', 'from its all time highs', 'off its all time high', 'off the all time high',
    'off all time highs', 'below its all time high', 'below the all time high', 'from the ath', 'from its ath', 'off the ath', 'off its ath', 'from the record',
    'drawdwon', 'drawndown', 'draw-down', 'dd from the high',
    // A change from a past peak: "back to its 2022 high", "fall after its 2021 peak".
    'get back to', 'back to its', 'back to the', 'need to get back', 'recover to', 'to recover', 'fall after', 'fell after', 'drop after', 'dropped after',
    'down from its peak', 'after its peak', 'after the peak', 'since its peak', 'since the peak', 'since its high', 'since the high', 'gain needed',
  ],
  examples: ['biotech drawdown', 'how far off the highs is the nasdaq?'],
  noPeriod: 'it measures from the highest close',
  outranks: ['perf'],
} as const satisfies AskDeclaration;

export default defineCommand({
  ask,
  name: 'drawdown',
  description: 'How far below its peak, the gain needed to get back, and its deepest drawdowns on record',
  options: {
    symbol: opt.requiredSymbol({ description: 'The symbol, e.g. SPY', positional: true }),
  },
  examples: ['/drawdown SPY', '/drawdown KRE asof:2023-05-04', '/drawdown QQQ asof:2022-12-28', '/drawdown ^GSPC'],
  async run(ctx, o): Promise<Answer> {
    const s = await ctx.series(o.symbol);
    const sym = s.symbol;
    const end = s.dates.length - 1;
    if (end < 1) throw new NotEnoughDataError(`${sym} has a single close on or before ${formatDate(ctx.asOf)}: no drawdown to measure`, sym);
    const asOf = at(s.dates, end);
    const { values, basis } = levelValues(s);
    const onClose = basis === 'close';
    const gaps = onClose ? [] : missingCloses(s, 0, end);
    const allMissing = gaps.length === 1 && gaps[0]?.fromIndex === 0 && gaps[0].toIndex === end;
    const of = (v: number) => (onClose ? ` of ${fmtLevel(sym, v)}` : '');
    const atLevel = (v: number) => (onClose ? ` at ${fmtLevel(sym, v)}` : '');
    const since = formatMonthYear(at(s.dates, 0));

    const cur = currentDrawdown(values, s.dates, end);
    const episodes = drawdownEpisodes(values, s.dates, end);
    const top = largestDrawdowns(values, s.dates, TOP, end);
    const open = cur.depth < 0 ? episodes[episodes.length - 1] : undefined;
    const openRank = open ? drawdownRank(episodes, open.depth) : null;

    const a = emptyAnswer('drawdown', `${sym} · drawdown`, asOf, ctx.sourceLabel);
    a.basis = levelBasisNote(sym, basis, gaps, allMissing);
    const day = formatDate(asOf);

    // Rally: off the current drawdown's low, or, at a peak, off the last correction's low.
    let rally: { from: DrawdownEpisode['trough']; gain: number; episode: DrawdownEpisode | null } | null = null;
    if (cur.depth === 0) {
      a.lines.push(`**${sym} closed at a record**${atLevel(cur.last)} on ${day}: no drawdown.`);
      const last = [...episodes].reverse().find((e) => e.depth <= CORRECTION_DEPTH);
      if (last) {
        const rank = drawdownRank(episodes, last.depth);
        rally = { from: last.trough, gain: cur.last / last.trough.value - 1, episode: last };
        a.lines.push(
          `It is up ${pctAbs(rally.gain)} from its ${formatDate(last.trough.date)} low${of(last.trough.value)}, the bottom of ${withArticle(`${pctAbs(last.depth)} drawdown`)}${rank <= MAX_RANK_SAID ? ` (${rankWords(rank)})` : ''} that it regained on ${formatDate(last.recovery?.date ?? asOf)}.`,
        );
      }
    } else {
      // The verdict alone on line 1, short enough for an "As of Oct 1, the last close I have for MAGS:" lead.
      a.lines.push(`**${sym} is ${pctAbs(cur.depth)} below its peak**${of(cur.peak.value)} (${formatDate(cur.peak.date)}).`);
      a.lines.push(`That was ${cur.sessionsSincePeak} session${cur.sessionsSincePeak === 1 ? '' : 's'} ago; it needs a ${pctAbs(cur.neededToRegain)} gain to get back there.`);
      if (open && open.depth <= NOTABLE_DEPTH) {
        const rankPart = openRank !== null && openRank <= MAX_RANK_SAID ? `, ${rankWords(openRank)} (data from ${since})` : '';
        if (cur.trough.index === end) {
          a.lines.push(`This close is the low of the decline so far${rankPart}.`);
        } else {
          rally = { from: cur.trough, gain: cur.rallyFromTrough, episode: null };
          a.lines.push(
            `At its worst it was ${pctAbs(open.depth)} down, on ${formatDate(cur.trough.date)}${rankPart}; it has rallied ${pctAbs(cur.rallyFromTrough)} from that low${of(cur.trough.value)}.`,
          );
        }
      } else if (cur.trough.index < end && cur.rallyFromTrough >= 0.005) {
        rally = { from: cur.trough, gain: cur.rallyFromTrough, episode: null };
        a.lines.push(`The low since the peak was ${pctAbs(open?.depth ?? cur.depth)} down on ${formatDate(cur.trough.date)}; it is ${pctAbs(cur.rallyFromTrough)} above it.`);
      }
    }

    // What followed earlier declines as deep as this episode's (10% or more; the threshold is chosen so
    // the sample says something), leaving this episode itself out.
    const input = analogInput(s);
    const followed = open && open.depth <= -0.1 ? declineAnalogLine(input, sym, -open.depth, cur.peak.index) : null;
    if (followed) a.lines.push(analogLineText(followed));
    // The decline from the latest swing high, when that is not the record (see computeSwingFacts).
    const sw = computeSwingFacts(values, s.dates, end, cur.peak.index);
    const swingLines = presentSwingFacts(sym, sw, asOf, onClose);
    a.lines.push(...swingLines.current);
    // When that high was a failed breakout: what followed the earlier failed breakouts (it comes after the sentence naming this one).
    const failedFollowed = sw.failedBreakout ? failedBreakoutAnalogLine(input, sym, s.dates.indexOf(sw.failedBreakout.date)) : null;
    if (failedFollowed) a.lines.push(analogLineText(failedFollowed));

    // The deepest drawdowns on record, as a short table.
    if (top.length > 0) {
      a.lines.push(`Deepest drawdowns since ${since}:`);
      top.forEach((e, k) => a.lines.push(`${k + 1}. ${episodeLine(e, asOf)}`));
    }
    a.lines.push(...swingLines.bears);

    a.facts = {
      symbol: sym,
      basis,
      close: cur.last,
      depth: cur.depth,
      neededToRegain: cur.neededToRegain,
      peak: cur.peak.value,
      peakDate: cur.peak.date,
      sessionsSincePeak: cur.sessionsSincePeak,
      trough: cur.depth < 0 ? cur.trough.value : null,
      troughDate: cur.depth < 0 ? cur.trough.date : null,
      worstDepth: open?.depth ?? 0,
      rank: openRank,
      episodes: episodes.length,
      rallyFrom: rally?.from.date ?? null,
      rally: rally?.gain ?? null,
      followedN: followed?.n ?? null,
      followedMedian: followed?.median ?? null,
      failedFollowedN: failedFollowed?.n ?? null,
      failedFollowedMedian: failedFollowed?.median ?? null,
      ...Object.fromEntries(
        top.flatMap((e, k) => [
          [`dd${k + 1}Depth`, e.depth],
          [`dd${k + 1}Peak`, e.peak.date],
          [`dd${k + 1}Trough`, e.trough.date],
          [`dd${k + 1}Recovery`, e.recovery?.date ?? null],
        ]),
      ),
      swingDecline: sw.decline,
      failedBreakout: sw.failedBreakout,
      bearMarketsInside: sw.bearMarketsInside,
    };

    // Chart: the whole history, price above its underwater curve. Thinning keeps every peak and trough
    // named in the answer, so the chart never draws a drawdown shallower than the text says.
    const curve = drawdownCurve(values.slice(0, end + 1));
    const keep = new Set(thinIndices(0, end, CHART_POINTS));
    for (const e of top) {
      keep.add(e.peak.index);
      keep.add(e.trough.index);
    }
    keep.add(cur.peak.index);
    keep.add(cur.trough.index);
    const idx = [...keep].sort((x, y) => x - y);
    const shown = idx.map((i) => at(values, i));
    const logScale = Math.max(...shown) / Math.min(...shown) > LOG_SCALE_RATIO;
    const shade: DateRangeSpec[] = top.map((e) => ({ from: e.peak.date, to: e.recovery?.date ?? asOf, label: `${top.length} deepest drawdowns`, color: 'gray' }));
    // Total return has no meaningful dollar level: draw it rebased to 100 on the first day.
    const k = onClose ? 1 : 100 / at(values, 0);
    const markers: MarkerSpec[] = [];
    if (cur.depth < 0) {
      markers.push({ date: cur.peak.date, value: cur.peak.value * k, label: `Peak ${formatDate(cur.peak.date)}`, color: 'green' });
      if (cur.trough.index !== end) markers.push({ date: cur.trough.date, value: cur.trough.value * k, label: `Low ${formatDate(cur.trough.date)}`, color: 'red' });
    }
    a.charts.push({
      kind: 'time',
      id: 'drawdown',
      title: cur.depth < 0 ? `${chartName(sym)}: ${pctAbs(cur.depth)} below its peak` : `${chartName(sym)}: at a record`,
      subtitle: `${onClose ? 'Daily closes' : 'Total return (dividends reinvested, 100 = first day)'} and % below the running peak, ${since} to ${day}${logScale ? ' (price on a log scale)' : ''}`,
      altText: `Two panels for ${sym} since ${since}: price, and its drawdown from the running peak. ${(a.lines[0] ?? '').replace(/\*\*/g, '')} Deepest: ${top.map((e) => `${pctAbs(e.depth)} (${formatMonthYear(e.trough.date)})`).join(', ')}.`,
      footer: chartFooter(ctx.sourceLabel, asOf),
      dates: pick(s.dates, idx),
      panels: [
        {
          yLabel: onClose ? (sym.startsWith('^') ? 'Index level' : 'Price') : 'Total return (rebased)',
          format: onClose ? (sym.startsWith('^') ? 'index' : 'price') : 'index',
          weight: 3,
          logScale,
          series: [{ type: 'line', label: onClose ? `${chartName(sym)} close` : `${chartName(sym)} total return`, symbol: sym, values: pick(values, idx).map((v) => v * k), width: 1.75 }],
          markers,
        },
        {
          yLabel: 'Below peak',
          format: 'percent',
          weight: 2,
          series: [{ type: 'line', label: 'Drawdown', values: pick(curve, idx), color: 'red', width: 1.25, fillToZero: true }],
        },
      ],
      shade,
    });
    return a;
  },
});

/** "**−56.5%** Oct 2007 → Mar 2009 (17 months down), regained Mar 2013, 5.4 years after the peak". */
function episodeLine(e: DrawdownEpisode, asOf: string): string {
  const down = `${formatMonthYear(e.peak.date)} → ${formatMonthYear(e.trough.date)} (${formatSpan(e.peak.date, e.trough.date)} down)`;
  const back = e.recovery
    ? `regained ${formatMonthYear(e.recovery.date)}, ${formatSpan(e.peak.date, e.recovery.date)} after the peak`
    : `not yet regained, ${formatSpan(e.peak.date, asOf)} on`;
  return `**${formatPercent(e.depth)}** ${down}; ${back}`;
}

/** How many bear markets inside longer drawdowns the answer lists. */
const TOP_BEARS = 3;

/** What /drawdown adds about swing highs; JSON-shaped, the facts behind presentSwingFacts. */
export interface SwingFacts {
  /**
   * The decline in progress from the latest swing high (10% rule, src/core/swings.ts) when that high is
   * not the record the drawdown is measured from.
   */
  decline: {
    highDate: string;
    high: number;
    troughDate: string;
    trough: number;
    /** trough / high − 1. */
    depth: number;
    /** last / high − 1. */
    fromHigh: number;
    recordDate: string;
    record: number;
    /** high / record − 1 (≤ 0). */
    highFromRecord: number;
  } | null;
  /** That swing high was a 52-week-high close that fell back below the prior high it cleared within FAIL_WITHIN_SESSIONS. */
  failedBreakout: { date: string; priorHighDate: string; priorHigh: number; sessions: number } | null;
  /** Bear markets (20% rule) whose high was below the running record: falls inside longer drawdowns, deepest first. */
  bearMarketsInside: { highDate: string; troughDate: string; depth: number; recovery: string | null }[];
}

/** Pure: the swing-high facts of `values` on day `end`, given the index of the record it is measured from. */
export function computeSwingFacts(values: readonly number[], dates: readonly string[], end: number, recordIndex: number): SwingFacts {
  const d = currentDecline(values, dates, CORRECTION, end);
  let decline: SwingFacts['decline'] = null;
  let failedBreakout: SwingFacts['failedBreakout'] = null;
  if (d && d.high.index !== recordIndex && at(values, d.high.index) < at(values, recordIndex)) {
    const last = at(values, end);
    const record = at(values, recordIndex);
    decline = {
      highDate: d.high.date,
      high: d.high.value,
      troughDate: d.trough.date,
      trough: d.trough.value,
      depth: d.depth,
      fromHigh: last / d.high.value - 1,
      recordDate: at(dates, recordIndex),
      record,
      highFromRecord: d.high.value / record - 1,
    };
    const b = recent52wBreakout(values, dates, 0, d.high.index, MIN_SESSIONS_SINCE_PRIOR_HIGH);
    if (b) {
      const o = breakoutOutcome(values, dates, b.index, b.level, { failWithin: FAIL_WITHIN_SESSIONS, band: 0.02 }, end);
      if (o.status === 'failed' && o.fellBack) failedBreakout = { date: o.breakout.date, priorHighDate: at(dates, b.levelIndex), priorHigh: b.level, sessions: o.fellBack.sessions };
    }
  }
  // Running record before each bear market's high: "inside" means that high was below it.
  const bears = bearMarkets(values, dates, BEAR_MARKET, end);
  const inside: SwingFacts['bearMarketsInside'] = [];
  let k = 0;
  let best = -Infinity;
  for (const bm of bears) {
    for (; k < bm.high.index; k++) best = Math.max(best, at(values, k));
    if (bm.high.value < best) inside.push({ highDate: bm.high.date, troughDate: bm.trough.date, depth: bm.depth, recovery: bm.recovery?.date ?? null });
  }
  inside.sort((x, y) => x.depth - y.depth);
  return { decline, failedBreakout, bearMarketsInside: inside.slice(0, TOP_BEARS) };
}

/** Pure: the sentences for swing facts, each its own line: the current decline, then the bear-market list. */
export function presentSwingFacts(sym: string, f: SwingFacts, asOf: string, onClose: boolean): { current: string[]; bears: string[] } {
  const current: string[] = [];
  const d = f.decline;
  const of = (v: number) => (onClose ? ` (${fmtLevel(sym, v)})` : '');
  if (d) {
    const shy = d.highFromRecord > -0.01 ? `, ${pctAbs(d.highFromRecord, 2)} short of its ${formatMonthYear(d.recordDate)} record` : '';
    current.push(
      d.troughDate === asOf
        ? `${sym} has fallen ${pctAbs(d.depth)} in ${formatSpan(d.highDate, asOf)} from its ${formatDate(d.highDate)} high${of(d.high)}${shy}.`
        : `${sym} is ${pctAbs(d.fromHigh)} below its ${formatDate(d.highDate)} high${of(d.high)}${shy}, after falling as much as ${pctAbs(d.depth)} by ${formatDate(d.troughDate)}.`,
    );
    const fb = f.failedBreakout;
    if (fb) {
      const within = fb.sessions === 1 ? 'the next session' : `within ${fb.sessions} sessions`;
      current.push(
        `A failed breakout: ${sym} closed at a 52-week high on ${formatDate(fb.date)}${shy ? `, ${pctAbs(d.highFromRecord, 2)} short of its record` : ''}, fell back below its ${formatDate(fb.priorHighDate)} high${of(fb.priorHigh)} ${within} and lost ${pctAbs(d.depth)} over the next ${formatSpan(d.highDate, d.troughDate)}.`,
      );
    }
  }
  const bears = f.bearMarketsInside.length === 0
    ? []
    : [
        `Bear markets inside longer drawdowns (falls of 20% or more from a high, close to close): ${f.bearMarketsInside
          .map((b) => `**${formatPercent(b.depth)}** ${formatMonthYear(b.highDate)} → ${formatMonthYear(b.troughDate)} (${formatSpan(b.highDate, b.troughDate)} down)`)
          .join('; ')}.`,
      ];
  return { current, bears };
}
