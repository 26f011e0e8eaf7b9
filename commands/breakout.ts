/**
 * /breakout — is the price breaking out? Records and 52-week highs, the sideways range it just left, how
 * far back the close reaches, and, with `level`, where it stands against a price someone is watching.
 */
import type { Answer } from '../src/answer/answer.ts';
import type { LevelSpec, MarkerSpec, TimeSeriesSpec } from '../src/answer/chart-spec.ts';
import { chartFooter, emptyAnswer, pick, thinIndices } from '../src/answer/build.ts';
import { hasOhlc, levelBasisNote, missingCloses, type CloseGap } from '../src/core/basis.ts';
import { lookbackHigh, recordCloses } from '../src/core/breakouts.ts';
import { levelCrossing, retest } from '../src/core/crossings.ts';
import { formatDate, formatMonthYear, formatPercent, formatPrice, ordinal } from '../src/core/format.ts';
import { firstReached, highsAndLows, levelValues } from '../src/core/highs.ts';
import { formatSpan, recentRangeBreakout, withArticle, type RangeBreakout } from '../src/core/ranges.ts';
import { NotEnoughDataError } from '../src/core/series.ts';
import { defineCommand } from '../src/command/define.ts';
import { opt, PRICE_LEVEL_RANGE } from '../src/command/options.ts';
import { UserInputError } from '../src/errors.ts';

/** A breakout from a range "just" happened when it is at most this many sessions old. */
const RECENT_SESSIONS = 5;
/** Retest: the breakout above the level came within this many sessions, and the close is back within the band. */
const RETEST_SESSIONS = 20;
const RETEST_BAND = 0.02;
/** "Back where it was on <date>" is worth a sentence when that first time is a year (252 sessions) or more back. */
const BACK_WHERE_IT_WAS_SESSIONS = 252;
/** A look-back high ("its highest close since …") is worth a sentence from about three months back. */
const NOTABLE_LOOKBACK_SESSIONS = 63;
/** A record set more than a month after the previous one is "its first record since …". */
const RECORD_GAP_SESSIONS = 21;
/** A run above a level is "the first since …" only after more than a month of closes below it. */
const NOTABLE_GAP_SESSIONS = 21;
/** The chart shows at least this many sessions; candles up to CANDLE_SESSIONS, a line beyond. */
const CHART_SESSIONS = 126;
const CANDLE_SESSIONS = 130;

/** An index level is points, not dollars. */
function fmtLevel(symbol: string, v: number): string {
  return symbol.startsWith('^') ? formatPrice(v).replace('$', '') : formatPrice(v);
}

/** A level someone typed, as they typed it: "$600", "$612.50". */
function fmtAsked(symbol: string, v: number): string {
  return fmtLevel(symbol, v).replace(/\.00$/, '');
}

/** Unsigned percent: "3.2%". */
function pctAbs(x: number, digits = 1): string {
  return formatPercent(Math.abs(x), digits).replace(/^[+−]/, '');
}

/** A past date as commentary says it: the day when recent, the month when long ago. */
function sinceWhen(date: string, asOf: string): string {
  return Date.parse(asOf) - Date.parse(date) <= 62 * 86_400_000 ? formatDate(date) : formatMonthYear(date);
}

export default defineCommand({
  name: 'breakout',
  description: 'New highs and breakouts: records, 52-week highs, ranges left behind, or a price level',
  options: {
    symbol: opt.requiredSymbol({ description: 'The symbol, e.g. SPY', positional: true }),
    level: opt.optionalNumber({ description: 'A price level in dollars, e.g. 600: above it since when, or retesting it?', ...PRICE_LEVEL_RANGE, positional: true }),
  },
  examples: ['/breakout SPY', '/breakout KRE asof:2024-12-31', '/breakout SPY level:600 asof:2025-06-30', '/breakout XLF'],
  async run(ctx, o): Promise<Answer> {
    const s = await ctx.series(o.symbol);
    const sym = s.symbol;
    const end = s.dates.length - 1;
    if (end < 1) throw new NotEnoughDataError(`${sym} has a single close on or before ${formatDate(ctx.asOf)}, nothing to break out from`, sym);
    const asOf = s.dates[end] as string;
    const { values, basis } = levelValues(s);
    const onClose = basis === 'close';
    const gaps = onClose ? [] : missingCloses(s, 0, end);
    const allMissing = gaps.length === 1 && gaps[0]?.fromIndex === 0 && gaps[0].toIndex === end;
    const px = (v: number) => (onClose ? fmtLevel(sym, v) : null);
    const at = (v: number) => (onClose ? ` at ${fmtLevel(sym, v)}` : '');

    const h = highsAndLows(values, s.dates, end);
    const lb = lookbackHigh(values, s.dates, end);
    const rb = recentRangeBreakout(values, s.dates, end, RECENT_SESSIONS);
    const a = emptyAnswer('breakout', `${sym} · breakout check`, asOf, ctx.sourceLabel);
    a.basis = levelBasisNote(sym, basis, gaps, allMissing);
    const day = formatDate(asOf);

    // 1. The level someone asked about comes first.
    const lv = o.level === undefined ? null : levelAnalysis(s.symbol, s.close, s.dates, end, o.level, gaps);
    if (lv) {
      a.lines.push(lv.line);
      if (lv.warning) a.warnings.push(lv.warning);
    }

    // 2. Where the close stands against its highs. Always said, breakout or not.
    const ath = h.allTimeHigh;
    const prior = h.priorAllTimeHigh;
    const need = ath.value / h.last - 1;
    if (h.isNewAllTimeHigh && prior) {
      const gap = end - prior.index;
      const above = `${pctAbs(h.last / prior.value - 1, 2)} above`;
      if (gap > RECORD_GAP_SESSIONS) {
        a.lines.push(
          `**${sym} closed at a record**${at(h.last)} on ${day}, its first record close since ${formatDate(prior.date)}: ${above} that peak${onClose ? ` of ${px(prior.value)}` : ''}, ${formatSpan(prior.date, asOf)} later.`,
        );
      } else {
        const year = asOf.slice(0, 4);
        const yearStart = s.dates.findIndex((d) => d >= `${year}-01-01`);
        const n = recordCloses(values, s.dates, yearStart, end).length;
        a.lines.push(
          `**${sym} closed at a record**${at(h.last)} on ${day}, ${above} the previous one (${formatDate(prior.date)})${n >= 2 ? ` — its ${ordinal(n)} record close of ${year}` : ''}.`,
        );
      }
    } else if (h.isNew52wHigh && lb.since) {
      a.lines.push(`**${sym} closed at a 52-week high**${at(h.last)} on ${day}, its highest close since ${formatDate(lb.since.date)}.`);
      const record = `its ${formatMonthYear(ath.date)} record${onClose ? ` of ${px(ath.value)}` : ''}`;
      a.lines.push(need < 0.0005 ? `It matches ${record}.` : `It still needs a ${pctAbs(need)} gain to regain ${record}.`);
    } else {
      const h52 = h.high52w;
      const below = h.fromAllTimeHigh > -0.0005 ? 'less than 0.1% below' : `${pctAbs(h.fromAllTimeHigh)} below`;
      const also = h52.index !== ath.index ? ` and ${pctAbs(h.from52wHigh)} below its 52-week high (${formatDate(h52.date)})` : '';
      const record = onClose ? `its record of ${px(ath.value)}` : 'its total-return record';
      // After a level line the close has been said; don't say it twice.
      const head = lv ? 'It is' : `${sym} closed${at(h.last)} on ${day},`;
      a.lines.push(`${head} ${below} ${record} (${formatDate(ath.date)})${also}; it needs a ${pctAbs(need)} gain to get back there.`);
    }

    // "Back where it was on <date>": when it first traded at today's level, if that is a year or more ago.
    const first = h.isNewAllTimeHigh || allMissing ? null : firstReached(values, s.dates, end);
    const firstNotable = first !== null && end - first.index >= BACK_WHERE_IT_WAS_SESSIONS;
    if (first && firstNotable) {
      a.lines.push(`It is back where it was on ${formatDate(first.date)}, when it first closed this high, ${formatSpan(first.date, asOf)} ago.`);
    }

    // 3. The sideways range it just left.
    if (rb) a.lines.push(rangeLine(sym, rb, end, h.last, onClose));
    if (!h.isNew52wHigh && lb.since && lb.sessions >= NOTABLE_LOOKBACK_SESSIONS) {
      a.lines.push(`${rb ? 'It is' : 'Still, it is'} the highest close since ${formatDate(lb.since.date)}, ${withArticle(`${lb.sessions}-session high`)}.`);
    }

    a.facts = {
      symbol: sym,
      basis,
      close: h.last,
      isNewAllTimeHigh: h.isNewAllTimeHigh,
      isNew52wHigh: h.isNew52wHigh,
      allTimeHigh: ath.value,
      allTimeHighDate: ath.date,
      fromAllTimeHigh: h.fromAllTimeHigh,
      neededToRegainHigh: need,
      previousRecordDate: h.isNewAllTimeHigh ? (prior?.date ?? null) : null,
      highestSince: lb.since?.date ?? null,
      firstAtThisLevel: first?.date ?? null,
      lookbackSessions: lb.sessions,
      rangeBreakoutDate: rb?.date ?? null,
      rangeStart: rb?.range.start.date ?? null,
      rangeEnd: rb?.range.end.date ?? null,
      rangeHigh: rb?.range.high.value ?? null,
      rangeLow: rb?.range.low.value ?? null,
      rangeSessions: rb?.range.sessions ?? null,
      level: o.level ?? null,
      levelAbove: lv?.isAbove ?? null,
      levelRunSessions: lv?.runLength ?? null,
      levelPreviousAbove: lv?.previousAbove ?? null,
      levelRetest: lv?.isRetest ?? null,
      levelLookbackFrom: lv?.from ?? null,
    };

    // Chart: six months, or enough to show the range it left.
    let from = Math.max(0, end - CHART_SESSIONS + 1);
    if (rb) from = Math.min(from, Math.max(0, rb.range.start.index - Math.round(rb.range.sessions * 0.15)));
    if (lv?.breakoutIndex !== undefined && lv.breakoutIndex !== null && end - lv.breakoutIndex < 504) from = Math.min(from, Math.max(0, lv.breakoutIndex - 20));
    const sessions = end - from + 1;
    const candles = onClose && sessions <= CANDLE_SESSIONS && hasOhlc(s, from, end);
    const idx = candles ? thinIndices(from, end, CANDLE_SESSIONS) : thinIndices(from, end);
    // Total return has no meaningful dollar level: draw it rebased to 100 on the chart's first day.
    const k = onClose ? 1 : 100 / (values[from] as number);
    const priceSeries: TimeSeriesSpec = candles
      ? { type: 'candles', label: sym, open: pick(s.open, idx), high: pick(s.high, idx), low: pick(s.low, idx), close: pick(s.close, idx) }
      : { type: 'line', label: onClose ? `${sym} close` : `${sym} total return`, values: pick(values, idx).map((v) => v * k), color: 'blue', width: 2 };
    const shown = idx.map((i) => values[i] as number);
    const lo = Math.min(...shown);
    const hi = Math.max(...shown);
    const near = (v: number) => v <= hi * 1.3 && v >= lo / 1.3;
    const levels: LevelSpec[] = [];
    const markers: MarkerSpec[] = [];
    if (o.level !== undefined && lv?.onChart && near(o.level)) levels.push({ value: o.level, label: `Level ${fmtAsked(sym, o.level)}`, color: 'blue' });
    if (h.isNewAllTimeHigh && prior) {
      levels.push({ value: prior.value * k, label: `Previous record${onClose ? ` ${px(prior.value)}` : ''} (${formatDate(prior.date)})`, color: 'gray' });
      markers.push({ date: asOf, value: h.last * k, label: 'Record close', color: 'green' });
    } else if (near(ath.value)) {
      levels.push({ value: ath.value * k, label: `Record${onClose ? ` ${px(ath.value)}` : ''} (${formatDate(ath.date)})`, color: 'gray' });
    }
    if (rb) {
      levels.push({ value: rb.range.high.value * k, label: `Range top${onClose ? ` ${px(rb.range.high.value)}` : ''}`, color: 'gold' });
      markers.push({ date: rb.date, value: rb.close * k, label: `Breakout ${formatDate(rb.date)}`, color: 'green' });
    } else if (lv?.breakoutIndex !== undefined && lv.breakoutIndex !== null && lv.onChart && lv.breakoutIndex >= from) {
      markers.push({ date: s.dates[lv.breakoutIndex] as string, value: s.close[lv.breakoutIndex] as number, label: `Crossed ${fmtAsked(sym, o.level ?? 0)}`, color: 'green' });
    }
    a.charts.push({
      kind: 'time',
      id: 'breakout',
      title: `${sym}: ${lv ? lv.title : h.isNewAllTimeHigh ? 'record close' : h.isNew52wHigh ? '52-week high' : rb ? 'range breakout' : `${pctAbs(h.fromAllTimeHigh)} below its record`}`,
      subtitle: `${candles ? 'Daily candles' : onClose ? 'Daily closes' : 'Total return (dividends reinvested, 100 = first day)'}, ${formatDate(s.dates[from] as string)} to ${day}${rb ? `; shaded: the ${formatSpan(rb.range.start.date, rb.range.end.date, true)} range` : ''}`,
      altText: `${candles ? 'Candlestick' : 'Line'} chart of ${sym} over ${formatSpan(s.dates[from] as string, asOf)}: ${a.lines[lv ? 1 : 0] ?? ''}`.replace(/\*\*/g, ''),
      footer: chartFooter(ctx.sourceLabel, asOf),
      dates: pick(s.dates, idx),
      panels: [{ yLabel: onClose ? (sym.startsWith('^') ? 'Index level' : 'Price') : 'Total return (rebased)', format: onClose ? (sym.startsWith('^') ? 'index' : 'price') : 'index', series: [priceSeries], levels, markers }],
      ...(rb ? { shade: [{ from: rb.range.start.date, to: rb.range.end.date, label: 'Range', color: 'gold' as const }] } : {}),
    });
    return a;
  },
});

function rangeLine(sym: string, rb: RangeBreakout, end: number, last: number, onClose: boolean): string {
  const r = rb.range;
  const span = formatSpan(r.start.date, r.end.date, true);
  const between = onClose ? ` between ${fmtLevel(sym, r.low.value)} and ${fmtLevel(sym, r.high.value)}` : ` ${pctAbs(r.amplitude)} tall`;
  const head = `It broke out of ${withArticle(span)} range${between} (${formatMonthYear(r.start.date)} to ${formatMonthYear(r.end.date)})`;
  const top = `the range's top, set ${formatDate(r.high.date)}`;
  if (rb.index === end) return `${head} with this close, ${pctAbs(rb.aboveRange)} above ${top}.`;
  return `${head} on ${formatDate(rb.date)}; the close is now ${pctAbs(last / r.high.value - 1)} above ${top}.`;
}

interface LevelResult {
  line: string;
  /** Short, for the chart title: "retesting $400", "above $600 for 6 sessions". */
  title: string;
  warning: string | null;
  isAbove: boolean;
  runLength: number;
  previousAbove: string | null;
  isRetest: boolean;
  /** Series index of the first close of the current run above the level (or of a retested breakout). */
  breakoutIndex: number | null;
  /** First date the level analysis could look at (closes before it are missing). */
  from: string;
  /** The chart is drawn on `close`, so the level can be drawn on it. */
  onChart: boolean;
}

/**
 * The close against a dollar level. Dollars only make sense on `close`: when closes are missing earlier
 * in the history the analysis looks back only over the unbroken closes that end on the end day, and
 * says so; without a close on the end day it refuses.
 */
function levelAnalysis(
  sym: string,
  close: readonly (number | null)[],
  dates: readonly string[],
  end: number,
  level: number,
  gaps: readonly CloseGap[],
): LevelResult {
  const last = close[end];
  if (last === null || last === undefined) {
    throw new UserInputError(
      `The data has no split-adjusted close for ${sym} on ${formatDate(dates[end] as string)}, so I can't compare it with ${fmtAsked(sym, level)}.`,
      'Try /breakout without a level (it then uses total return), or an asof date that has closes.',
    );
  }
  const lastGap = gaps[gaps.length - 1];
  const start = lastGap ? lastGap.toIndex + 1 : 0;
  const values = close.slice(start, end + 1) as number[];
  const ds = dates.slice(start, end + 1);
  const e = values.length - 1;
  const from = ds[0] as string;
  const warning = start > 0 ? `${sym}: split-adjusted closes are missing up to ${formatDate(dates[start - 1] as string)}, so the level comparison looks back only to ${formatDate(from)}.` : null;
  const dataStart = start > 0 ? `since at least ${formatDate(from)}` : `ever (the data starts ${formatMonthYear(from)})`;
  const c = levelCrossing(values, ds, level, 'above', e);
  const rt = retest(values, ds, level, RETEST_SESSIONS, RETEST_BAND, e);
  const L = fmtAsked(sym, level);
  const asOf = ds[e] as string;
  const dist = pctAbs(last / level - 1);
  const prev = c.previousRunEnd;
  let line: string;
  const retestNote = rt.isRetest && rt.breakout && rt.peakSinceBreakout
    ? ` It is retesting the level: it broke above on ${formatDate(rt.breakout.date)}, rose to ${fmtLevel(sym, rt.peakSinceBreakout.value)} (${formatDate(rt.peakSinceBreakout.date)}) and is back within ${pctAbs(RETEST_BAND, 0)} of it.`
    : '';
  if (c.isAbove && c.runStart && start > 0 && c.runStart.index === 0) {
    // The run reaches back into the missing closes: how long it really is, nobody here can say.
    line = `**${sym} has closed above ${L} on every session since ${formatDate(from)}** (${c.runLength} sessions; earlier closes are missing) and is ${dist} above it.${retestNote}`;
  } else if (c.isAbove && c.runStart) {
    const since = prev ? `since ${sinceWhen(prev.date, asOf)}` : dataStart;
    if (c.runLength === 1) {
      line = `**${sym} closed above ${L}** at ${fmtLevel(sym, last)} (${dist} above it), its first close above that level ${since}.${retestNote}`;
    } else {
      // "The first run since …" only says something when the run was preceded by a real spell below.
      const gap = prev ? c.runStart.index - prev.index : Infinity;
      const firstRun = gap > NOTABLE_GAP_SESSIONS ? `; the run is its first above that level ${since}` : '';
      line = `**${sym} has closed above ${L} for ${c.runLength} sessions in a row** (since ${formatDate(c.runStart.date)}) and is ${dist} above it${firstRun}.${retestNote}`;
    }
  } else if (rt.isRetest) {
    line = `**${sym} is retesting ${L} from above**: it closed at ${fmtLevel(sym, last)}, ${last === level ? 'right on it' : `${dist} below it`}, after breaking above on ${formatDate((rt.breakout ?? { date: asOf }).date)} and reaching ${fmtLevel(sym, (rt.peakSinceBreakout ?? { value: last }).value)}.`;
  } else {
    const where = last === level ? `exactly at ${L}` : `at ${fmtLevel(sym, last)}, ${dist} below ${L}`;
    line = prev
      ? `${sym} closed ${where}; it last closed above it on ${formatDate(prev.date)}.`
      : `${sym} closed ${where}, a level it has ${start > 0 ? `not closed above since ${formatDate(from)} (earlier closes are missing)` : `never closed above (the data starts ${formatMonthYear(from)})`}.`;
  }
  const breakout = c.isAbove && c.runStart ? c.runStart.index : rt.isRetest && rt.breakout ? rt.breakout.index : null;
  const title = rt.isRetest
    ? `retesting ${L}`
    : c.isAbove
      ? c.runLength === 1
        ? `first close above ${L} ${prev ? `since ${sinceWhen(prev.date, asOf)}` : 'on record'}`
        : `above ${L} for ${c.runLength} sessions`
      : `${dist} below ${L}`;
  return {
    line,
    title,
    warning,
    isAbove: c.isAbove,
    runLength: c.runLength,
    previousAbove: prev?.date ?? null,
    isRetest: rt.isRetest,
    breakoutIndex: breakout === null ? null : breakout + start,
    from,
    onChart: gaps.length === 0,
  };
}
