/**
 * /breakout — is the price breaking out? Records and 52-week highs, the sideways range it just left, how
 * far back the close reaches, and, with `level`, where it stands against a price someone is watching.
 *
 * compute → typed facts → present: `computeBreakout` works the facts out of the series (what `--json`
 * prints), `presentBreakout` turns them into words and the chart.
 */
import { analogLineText, eventTodayLine, failedBreakoutAnalogLine, type AnalogLine } from '../src/answer/analogs.ts';
import { analogInput } from '../src/core/analogs.ts';
import type { Answer } from '../src/answer/answer.ts';
import type { LevelSpec, MarkerSpec, TimeSeriesSpec } from '../src/answer/chart-spec.ts';
import { answerWith, chartFooter, pick, thinIndices } from '../src/answer/build.ts';
import { fmtLevel, pctAbs } from '../src/answer/phrases.ts';
import { hasOhlc, levelBasisNote, missingCloses, type CloseGap } from '../src/core/basis.ts';
import { at } from '../src/core/at.ts';
import { breakoutOutcome, FAIL_WITHIN_SESSIONS, lookbackHigh, MIN_SESSIONS_SINCE_PRIOR_HIGH, recent52wBreakout, recordCloses } from '../src/core/breakouts.ts';
import { levelCrossing, retest } from '../src/core/crossings.ts';
import { formatDate, formatMonthYear, ordinal } from '../src/core/format.ts';
import { firstReached, highsAndLows, levelValues } from '../src/core/highs.ts';
import { intradayCross } from '../src/core/intraday.ts';
import { formatSpan, measuredMoveTarget, recentRangeBreakout, withArticle } from '../src/core/ranges.ts';
import { PULLBACK, declineFrom, roundTrip } from '../src/core/swings.ts';
import { NotEnoughDataError, type DailySeries, type PriceBasis } from '../src/core/series.ts';
import { defineCommand, type AskDeclaration } from '../src/command/define.ts';
import { opt, PRICE_LEVEL_RANGE } from '../src/command/options.ts';
import { chartName } from '../src/answer/names.ts';
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
/** A 52-week-high breakout this many sessions old or newer is followed up: did it hold or fail? */
const FOLLOW_UP_SESSIONS = 20;
/** Round trip: back within ±1% of a swing point (5% reversals) at least a year (252 sessions) old. */
const ROUND_TRIP_BAND = 0.01;
const ROUND_TRIP_MIN_SESSIONS = 252;

/** A level someone typed, as they typed it: "$600", "$612.50". */
function fmtAsked(symbol: string, v: number): string {
  return fmtLevel(symbol, v).replace(/\.00$/, '');
}

/** A past date as commentary says it: the day when recent, the month when long ago. */
function sinceWhen(date: string, asOf: string): string {
  return Date.parse(asOf) - Date.parse(date) <= 62 * 86_400_000 ? formatDate(date) : formatMonthYear(date);
}

/** What /breakout found; `--json` prints it. Dates are ISO, distances are fractions (0.012 = 1.2 %). */
export type BreakoutFacts = {
  symbol: string;
  asOf: string;
  /** Which column the levels use: `close` (split-adjusted, dollars) or `adjClose` (total return). */
  basis: PriceBasis;
  /** Runs of missing split-adjusted closes that forced total return; empty on `close`. */
  missingCloses: { from: string; to: string }[];
  /** No split-adjusted close at all. */
  allMissing: boolean;
  close: number;
  isNewAllTimeHigh: boolean;
  isNew52wHigh: boolean;
  allTimeHigh: number;
  allTimeHighDate: string;
  fromAllTimeHigh: number;
  neededToRegainHigh: number;
  /** The 52-week high's date, whether it is the record itself, and the close's distance from it. */
  high52w: { date: string; isRecord: boolean };
  from52wHigh: number;
  previousRecordDate: string | null;
  /** On a record close: the record it beat, and how many sessions before it was set. */
  previousRecord: { date: string; value: number; sessionsBefore: number } | null;
  /** On a record close soon after the previous one: the record closes so far this calendar year. */
  recordsThisYear: number | null;
  highestSince: string | null;
  firstAtThisLevel: string | null;
  /** It first closed this high a year or more ago ("back where it was on …"). */
  backWhereItWas: boolean;
  lookbackSessions: number;
  rangeBreakoutDate: string | null;
  rangeStart: string | null;
  rangeEnd: string | null;
  rangeHigh: number | null;
  rangeLow: number | null;
  rangeSessions: number | null;
  /** The rest of the range breakout, when there is one. */
  rangeDetail: { highDate: string; amplitude: number; breakoutClose: number; aboveRange: number; withThisClose: boolean } | null;
  level: number | null;
  levelAbove: boolean | null;
  levelRunSessions: number | null;
  levelPreviousAbove: string | null;
  levelRetest: boolean | null;
  levelLookbackFrom: string | null;
  /** The rest of the level check, when a level was asked about. */
  levelDetail: LevelFacts | null;
  /**
   * On the day of a first record close after a year without one, or a first close above the level
   * asked about after a year without one: what followed the earlier such days (null otherwise).
   */
  whatFollowed: AnalogLine | null;
  /** When the follow-up is a failed breakout still below its level: what followed the earlier failed breakouts (null otherwise, or too few). */
  failedFollowed: AnalogLine | null;
  /**
   * The latest 52-week-high close of the last FOLLOW_UP_SESSIONS (before the end day), the prior high it
   * cleared, and whether it held or failed (breakoutOutcome in src/core/breakouts.ts).
   */
  followUp: {
    date: string;
    close: number;
    level: number;
    levelDate: string;
    /** close / record before it − 1; > 0 when it was a record. */
    fromRecord: number;
    status: 'failed' | 'held' | 'pending';
    fellBack: { date: string; sessions: number } | null;
    retest: { date: string; value: number } | null;
    /** Decline from the breakout close to the lowest close since (before it was regained). */
    decline: { depth: number; troughDate: string; regained: boolean };
  } | null;
  /** The day's range crossed a level (the asked one, else the record close) that its close did not. Closes stay the basis. */
  intraday: { what: 'level' | 'record'; level: number; high: number; close: number; lastCloseAbove: string | null } | null;
  /** Back within ±1% of an earlier swing high or low a year or more ago (roundTrip in src/core/swings.ts). */
  roundTrip: { kind: 'high' | 'low'; date: string; value: number; distance: number } | null;
  /** After a range breakout: the measured-move objective (range height added to the range top). */
  measuredMove: number | null;
  /**
   * With a level: the latest first close above it in the last FOLLOW_UP_SESSIONS (before the end day), and
   * whether that breakout held (a retest that held) or failed (breakoutOutcome in src/core/breakouts.ts).
   */
  levelOutcome: { date: string; status: 'failed' | 'held' | 'pending'; fellBack: { date: string; sessions: number } | null; retest: { date: string; value: number } | null } | null;
};

/** The close against a dollar level (see levelFacts), beyond the flat `level…` facts. */
export type LevelFacts = {
  level: number;
  close: number;
  /** First date the check looks at, and the last missing close before it (null: none missing). */
  from: string;
  missingUntil: string | null;
  isAbove: boolean;
  runLength: number;
  /** First close of the current run above the level. */
  runStart: string | null;
  /** The run reaches back to `from`, with closes missing before it: its true length is unknown. */
  runReachesMissing: boolean;
  previousAbove: string | null;
  /** Sessions from the previous close above to the start of this run; null without one. */
  sessionsBetweenRuns: number | null;
  isRetest: boolean;
  retestBreakout: string | null;
  peakSinceBreakout: { value: number; date: string } | null;
  /** The chart is drawn on `close`, so the level can be drawn on it. */
  onChart: boolean;
};

/** What the chart draws besides the facts: the series, its level values, and where the chart should reach back to. */
export interface BreakoutPlot {
  series: DailySeries;
  values: readonly number[];
  rangeStartIndex: number | null;
  levelBreakoutIndex: number | null;
}

/** Pure: the breakout facts of `s` on its last close, and against `level` when one is given. */
export function computeBreakout(s: DailySeries, level: number | undefined, requestedAsOf: string): { facts: BreakoutFacts; plot: BreakoutPlot } {
  const sym = s.symbol;
  const end = s.dates.length - 1;
  if (end < 1) throw new NotEnoughDataError(`${sym} has a single close on or before ${formatDate(requestedAsOf)}, nothing to break out from`, sym);
  const asOf = at(s.dates, end);
  const { values, basis } = levelValues(s);
  const onClose = basis === 'close';
  const gaps = onClose ? [] : missingCloses(s, 0, end);
  const allMissing = gaps.length === 1 && gaps[0]?.fromIndex === 0 && gaps[0].toIndex === end;

  const h = highsAndLows(values, s.dates, end);
  const lb = lookbackHigh(values, s.dates, end);
  const rb = recentRangeBreakout(values, s.dates, end, RECENT_SESSIONS);
  const lv = level === undefined ? null : levelFacts(sym, s.close, s.dates, end, level, gaps);

  const ath = h.allTimeHigh;
  const prior = h.isNewAllTimeHigh ? h.priorAllTimeHigh : null;
  let recordsThisYear: number | null = null;
  if (prior && end - prior.index <= RECORD_GAP_SESSIONS) {
    const year = asOf.slice(0, 4);
    const yearStart = s.dates.findIndex((d) => d >= `${year}-01-01`);
    recordsThisYear = recordCloses(values, s.dates, yearStart, end).length;
  }
  // "Back where it was on <date>": when it first traded at today's level, if that is a year or more ago.
  const first = h.isNewAllTimeHigh || allMissing ? null : firstReached(values, s.dates, end);

  // A recent 52-week-high close (before today): did it hold or fail?
  let followUp: BreakoutFacts['followUp'] = null;
  let failedFollowed: AnalogLine | null = null;
  const b = end >= 1 ? recent52wBreakout(values, s.dates, FOLLOW_UP_SESSIONS - 1, end - 1, MIN_SESSIONS_SINCE_PRIOR_HIGH) : null;
  if (b) {
    const o = breakoutOutcome(values, s.dates, b.index, b.level, { failWithin: FAIL_WITHIN_SESSIONS, band: RETEST_BAND }, end);
    const d = declineFrom(values, s.dates, b.index, end);
    let rec = -Infinity;
    for (let i = 0; i < b.index; i++) rec = Math.max(rec, at(values, i));
    followUp = {
      date: o.breakout.date,
      close: o.breakout.value,
      level: b.level,
      levelDate: at(s.dates, b.levelIndex),
      fromRecord: o.breakout.value / rec - 1,
      status: o.status,
      fellBack: o.fellBack ? { date: o.fellBack.date, sessions: o.fellBack.sessions } : null,
      retest: o.retest ? { date: o.retest.date, value: o.retest.value } : null,
      decline: { depth: d.depth, troughDate: d.trough.date, regained: d.recovery !== null },
    };
    if (isStillFailed(followUp, h.last)) failedFollowed = failedBreakoutAnalogLine(analogInput(s), sym, b.index);
  }
  // The day's range against the asked level, or else the record close: what the close did not reach.
  let intraday: BreakoutFacts['intraday'] = null;
  if (onClose) {
    const target = level ?? (h.isNewAllTimeHigh ? null : ath.value);
    const x = target === null ? null : intradayCross(s.high, s.low, s.close, s.dates, target, 'above', end);
    if (x && target !== null) intraday = { what: level === undefined ? 'record' : 'level', level: target, high: x.extreme, close: x.close, lastCloseAbove: x.lastCloseBeyond?.date ?? null };
  }
  // At a record there is no earlier level to come back to.
  const rt = allMissing || h.isNewAllTimeHigh ? null : roundTrip(values, s.dates, { threshold: PULLBACK, band: ROUND_TRIP_BAND, minSessions: ROUND_TRIP_MIN_SESSIONS }, end);

  const facts: BreakoutFacts = {
    symbol: sym,
    asOf,
    basis,
    missingCloses: gaps.map((g) => ({ from: g.from, to: g.to })),
    allMissing,
    close: h.last,
    isNewAllTimeHigh: h.isNewAllTimeHigh,
    isNew52wHigh: h.isNew52wHigh,
    allTimeHigh: ath.value,
    allTimeHighDate: ath.date,
    fromAllTimeHigh: h.fromAllTimeHigh,
    neededToRegainHigh: ath.value / h.last - 1,
    high52w: { date: h.high52w.date, isRecord: h.high52w.index === ath.index },
    from52wHigh: h.from52wHigh,
    previousRecordDate: prior?.date ?? null,
    previousRecord: prior ? { date: prior.date, value: prior.value, sessionsBefore: end - prior.index } : null,
    recordsThisYear,
    highestSince: lb.since?.date ?? null,
    firstAtThisLevel: first?.date ?? null,
    backWhereItWas: first !== null && end - first.index >= BACK_WHERE_IT_WAS_SESSIONS,
    lookbackSessions: lb.sessions,
    rangeBreakoutDate: rb?.date ?? null,
    rangeStart: rb?.range.start.date ?? null,
    rangeEnd: rb?.range.end.date ?? null,
    rangeHigh: rb?.range.high.value ?? null,
    rangeLow: rb?.range.low.value ?? null,
    rangeSessions: rb?.range.sessions ?? null,
    rangeDetail: rb ? { highDate: rb.range.high.date, amplitude: rb.range.amplitude, breakoutClose: rb.close, aboveRange: rb.aboveRange, withThisClose: rb.index === end } : null,
    level: level ?? null,
    levelAbove: lv?.facts.isAbove ?? null,
    levelRunSessions: lv?.facts.runLength ?? null,
    levelPreviousAbove: lv?.facts.previousAbove ?? null,
    levelRetest: lv?.facts.isRetest ?? null,
    levelLookbackFrom: lv?.facts.from ?? null,
    levelDetail: lv?.facts ?? null,
    whatFollowed: whatFollowedToday(s, sym, level, onClose, h.isNewAllTimeHigh),
    failedFollowed,
    followUp,
    intraday,
    roundTrip: rt ? { kind: rt.point.kind, date: rt.point.date, value: rt.point.value, distance: rt.distance } : null,
    measuredMove: rb ? measuredMoveTarget(rb.range) : null,
    levelOutcome: lv?.outcome ?? null,
  };
  // The range reaches back a little before it starts, for context.
  const rangeStartIndex = rb ? Math.max(0, rb.range.start.index - Math.round(rb.range.sessions * 0.15)) : null;
  return { facts, plot: { series: s, values, rangeStartIndex, levelBreakoutIndex: lv?.breakoutIndex ?? null } };
}

/** The "what followed" facts for a breakout today: the level asked about first, else a record after a quiet year. */
function whatFollowedToday(s: DailySeries, sym: string, level: number | undefined, onClose: boolean, isRecord: boolean): AnalogLine | null {
  if (!onClose || (level === undefined && !isRecord)) return null;
  const input = analogInput(s);
  return (level !== undefined ? eventTodayLine(input, { kind: 'level', level }, sym) : null) ?? (isRecord ? eventTodayLine(input, { kind: 'record' }, sym) : null);
}

/** A breakout that fell back but is above the level again is no longer a failure worth a sentence. */
function isStillFailed(u: BreakoutFacts['followUp'], close: number): u is NonNullable<BreakoutFacts['followUp']> & { fellBack: { date: string; sessions: number } } {
  return u !== null && u.status === 'failed' && u.fellBack !== null && close < u.level;
}

/** A day as a verdict says it: "Jul 1" this year, "Mar 2022" before. */
function shortDay(date: string, asOf: string): string {
  return date.slice(0, 4) === asOf.slice(0, 4) ? formatDate(date).replace(/, \d{4}$/, '') : formatMonthYear(date);
}

/**
 * The answer to "is it breaking out?" in under 120 characters: yes on a record, a 52-week high or a
 * range left in the last few sessions; otherwise how far it is from the high that would make it one.
 * With a level asked about, the verdict is about that level.
 */
export function breakoutVerdict(f: BreakoutFacts): string {
  const sym = f.symbol;
  const onClose = f.basis === 'close';
  const px = (v: number) => (onClose ? ` at ${fmtLevel(sym, v)}` : '');
  const lv = f.levelDetail;
  if (lv) {
    const lvl = fmtAsked(sym, lv.level);
    if (lv.isRetest) return `Retesting ${lvl} from above: ${sym} closed${px(lv.close)}, ${pctAbs(lv.close / lv.level - 1)} ${lv.isAbove ? 'above' : 'below'} it.`;
    if (!lv.isAbove) return `Below ${lvl}: ${sym} closed${px(lv.close)}, ${pctAbs(lv.close / lv.level - 1)} under it.`;
    if (lv.runLength === 1) return `Breaking out above ${lvl}: ${sym}'s first close above it${lv.previousAbove ? ` since ${shortDay(lv.previousAbove, f.asOf)}` : ''}.`;
    return `Above ${lvl}: ${sym} has closed above it for ${lv.runLength} sessions${lv.isRetest ? ', and is back testing it' : ''}.`;
  }
  if (f.isNewAllTimeHigh) return `Breaking out: ${sym} closed at a record${onClose ? ` ${fmtLevel(sym, f.close)}` : ''}${f.previousRecord ? `, its first since ${shortDay(f.previousRecord.date, f.asOf)}` : ''}.`.replace(/, its first since (.+)\.$/, f.recordsThisYear !== null ? '.' : ', its first since $1.');
  if (f.isNew52wHigh) return `Breaking out: ${sym}'s highest close${px(f.close)}${f.highestSince ? ` since ${shortDay(f.highestSince, f.asOf)}` : ''}, a 52-week high.`;
  if (f.rangeBreakoutDate && f.rangeSessions !== null && f.rangeHigh !== null) {
    return `Breaking out: ${sym} closed above its ${f.rangeSessions}-session range${onClose ? ` (top ${fmtLevel(sym, f.rangeHigh)})` : ''} on ${shortDay(f.rangeBreakoutDate, f.asOf)}.`;
  }
  if (!f.high52w.isRecord) return `Not breaking out: ${sym} is ${pctAbs(f.from52wHigh)} below its ${shortDay(f.high52w.date, f.asOf)} 52-week high.`;
  return `Not breaking out: ${sym} is ${pctAbs(f.fromAllTimeHigh)} below its ${shortDay(f.allTimeHighDate, f.asOf)} record high.`;
}

/** Pure: the words and the chart for breakout facts. */
export function presentBreakout(f: BreakoutFacts, plot: BreakoutPlot, sourceLabel: string): Answer<BreakoutFacts> {
  const { symbol: sym, asOf } = f;
  const s = plot.series;
  const values = plot.values;
  const end = s.dates.length - 1;
  const onClose = f.basis === 'close';
  const px = (v: number) => (onClose ? fmtLevel(sym, v) : null);
  const atPrice = (v: number) => (onClose ? ` at ${fmtLevel(sym, v)}` : '');
  const a = answerWith('breakout', `${sym} · breakout check`, asOf, sourceLabel, f);
  a.basis = levelBasisNote(sym, f.basis, f.missingCloses, f.allMissing);
  const day = formatDate(asOf);

  // 0. The verdict, in one short line: is it breaking out?
  a.lines.push(breakoutVerdict(f));

  // 1. The level someone asked about comes first.
  const lv = f.levelDetail ? levelWords(sym, asOf, f.levelDetail) : null;
  if (lv) {
    a.lines.push(lv.line);
    if (lv.warning) a.warnings.push(lv.warning);
  }

  // 2. Where the close stands against its highs. Always said, breakout or not.
  const last = f.close;
  const need = f.neededToRegainHigh;
  const prior = f.previousRecord;
  if (f.isNewAllTimeHigh && prior) {
    const above = `${pctAbs(last / prior.value - 1, 2)} above`;
    if (f.recordsThisYear === null) {
      a.lines.push(
        `**${sym} closed at a record**${atPrice(last)} on ${day}, its first record close since ${formatDate(prior.date)}: ${above} that peak${onClose ? ` of ${px(prior.value)}` : ''}, ${formatSpan(prior.date, asOf)} later.`,
      );
    } else {
      const n = f.recordsThisYear;
      a.lines.push(
        `**${sym} closed at a record**${atPrice(last)} on ${day}, ${above} the previous one (${formatDate(prior.date)})${n >= 2 ? ` — its ${ordinal(n)} record close of ${asOf.slice(0, 4)}` : ''}.`,
      );
    }
  } else if (f.isNew52wHigh && f.highestSince) {
    a.lines.push(`**${sym} closed at a 52-week high**${atPrice(last)} on ${day}, its highest close since ${formatDate(f.highestSince)}.`);
    const record = `its ${formatMonthYear(f.allTimeHighDate)} record${onClose ? ` of ${px(f.allTimeHigh)}` : ''}`;
    a.lines.push(recordWords(sym, last, f.allTimeHigh, record, onClose));
  } else {
    const below = f.fromAllTimeHigh > -0.0005 ? 'less than 0.1% below' : `${pctAbs(f.fromAllTimeHigh)} below`;
    const also = !f.high52w.isRecord ? ` and ${pctAbs(f.from52wHigh)} below its 52-week high (${formatDate(f.high52w.date)})` : '';
    const record = onClose ? `its record of ${px(f.allTimeHigh)}` : 'its total-return record';
    // After a level line the close has been said; don't say it twice.
    const head = lv ? 'It is' : `${sym} closed${atPrice(last)} on ${day},`;
    a.lines.push(`${head} ${below} ${record} (${formatDate(f.allTimeHighDate)})${also}; it needs a ${pctAbs(need)} gain to regain that record.`);
  }

  if (f.whatFollowed) a.lines.push(analogLineText(f.whatFollowed));

  // A round trip naming the same day says it better (with the peak or trough), further down.
  if (f.firstAtThisLevel && f.backWhereItWas && f.roundTrip?.date !== f.firstAtThisLevel) {
    a.lines.push(`It is back where it was on ${formatDate(f.firstAtThisLevel)}, when it first closed this high, ${formatSpan(f.firstAtThisLevel, asOf)} ago.`);
  }

  // 3. The sideways range it just left.
  const rb = f.rangeDetail && f.rangeStart && f.rangeEnd && f.rangeBreakoutDate && f.rangeHigh !== null && f.rangeLow !== null && f.rangeSessions !== null
    ? { ...f.rangeDetail, date: f.rangeBreakoutDate, start: f.rangeStart, end: f.rangeEnd, high: f.rangeHigh, low: f.rangeLow }
    : null;
  if (rb) a.lines.push(rangeLine(sym, rb, last, onClose));
  if (!f.isNew52wHigh && f.highestSince && f.lookbackSessions >= NOTABLE_LOOKBACK_SESSIONS) {
    a.lines.push(`${rb ? 'It is' : 'Still, it is'} the highest close since ${formatDate(f.highestSince)}, ${withArticle(`${f.lookbackSessions}-session high`)}.`);
  }

  // 4. Shape: what followed a recent breakout, the day's range, a round trip, a measured move.
  for (const line of followUpWords(f)) a.lines.push(line);

  // Chart: six months, or enough to show the range it left.
  let from = Math.max(0, end - CHART_SESSIONS + 1);
  if (plot.rangeStartIndex !== null) from = Math.min(from, plot.rangeStartIndex);
  const lb = plot.levelBreakoutIndex;
  if (lb !== null && end - lb < 504) from = Math.min(from, Math.max(0, lb - 20));
  const sessions = end - from + 1;
  const candles = onClose && sessions <= CANDLE_SESSIONS && hasOhlc(s, from, end);
  const idx = candles ? thinIndices(from, end, CANDLE_SESSIONS) : thinIndices(from, end);
  // Total return has no meaningful dollar level: draw it rebased to 100 on the chart's first day.
  const k = onClose ? 1 : 100 / at(values, from);
  const priceSeries: TimeSeriesSpec = candles
    ? { type: 'candles', label: sym, open: pick(s.open, idx), high: pick(s.high, idx), low: pick(s.low, idx), close: pick(s.close, idx) }
    : { type: 'line', label: onClose ? `${chartName(sym)} close` : `${chartName(sym)} total return`, symbol: sym, values: pick(values, idx).map((v) => v * k), width: 2 };
  const shown = idx.map((i) => at(values, i));
  const lo = Math.min(...shown);
  const hi = Math.max(...shown);
  const near = (v: number) => v <= hi * 1.3 && v >= lo / 1.3;
  const levels: LevelSpec[] = [];
  const markers: MarkerSpec[] = [];
  const lf = f.levelDetail;
  if (lf?.onChart && near(lf.level)) levels.push({ value: lf.level, label: `Level ${fmtAsked(sym, lf.level)}`, color: 'blue' });
  if (f.isNewAllTimeHigh && prior) {
    levels.push({ value: prior.value * k, label: `Previous record${onClose ? ` ${px(prior.value)}` : ''} (${formatDate(prior.date)})`, color: 'gray' });
    markers.push({ date: asOf, value: last * k, label: 'Record close', color: 'green' });
  } else if (near(f.allTimeHigh)) {
    levels.push({ value: f.allTimeHigh * k, label: `Record${onClose ? ` ${px(f.allTimeHigh)}` : ''} (${formatDate(f.allTimeHighDate)})`, color: 'gray' });
  }
  if (rb) {
    levels.push({ value: rb.high * k, label: `Range top${onClose ? ` ${px(rb.high)}` : ''}`, color: 'gold' });
    markers.push({ date: rb.date, value: rb.breakoutClose * k, label: `Breakout ${formatDate(rb.date)}`, color: 'green' });
  } else if (lb !== null && lf?.onChart && lb >= from) {
    markers.push({ date: at(s.dates, lb), value: at(s.close, lb) ?? at(values, lb), label: `Crossed ${fmtAsked(sym, lf.level)}`, color: 'green' });
  }
  a.charts.push({
    kind: 'time',
    id: 'breakout',
    title: `${chartName(sym)}: ${lv ? lv.title : f.isNewAllTimeHigh ? 'record close' : f.isNew52wHigh ? '52-week high' : rb ? 'range breakout' : `${pctAbs(f.fromAllTimeHigh)} below its record`}`,
    subtitle: `${candles ? 'Daily candles' : onClose ? 'Daily closes' : 'Total return (dividends reinvested, 100 = first day)'}, ${formatDate(at(s.dates, from))} to ${day}${rb ? `; shaded: the ${formatSpan(rb.start, rb.end, true)} range` : ''}`,
    altText: `${candles ? 'Candlestick' : 'Line'} chart of ${sym} over ${formatSpan(at(s.dates, from), asOf)}: ${a.lines[lv ? 1 : 0] ?? ''}`.replace(/\*\*/g, ''),
    footer: chartFooter(sourceLabel, asOf),
    dates: pick(s.dates, idx),
    panels: [{ yLabel: onClose ? (sym.startsWith('^') ? 'Index level' : 'Price') : 'Total return (rebased)', format: onClose ? (sym.startsWith('^') ? 'index' : 'price') : 'index', series: [priceSeries], levels, markers }],
    ...(rb ? { shade: [{ from: rb.start, to: rb.end, label: 'Range', color: 'gold' as const }] } : {}),
  });
  return a;
}

/** How /breakout is asked in plain words: read by the question reader (src/ask). */
export const ask = {
  tailored: 'is {symbol} breaking out?',
  topic: 'a breakout',
  strong: [
    'breakout', 'breakouts', 'breaking out', 'break out', 'broke out', 'broken out', 'new high', 'new highs', 'all time high', 'all time highs',
    'ath', 'aths', 'record high', 'record highs', '52 week high', '52 week highs', '52w high', '52wk high', 'at highs', 'making highs', 'at the highs',
    'retest', 'retesting', 'retested', 'braking out', 'breakin out', 'brekout', 'breakou',
    'record', 'records', 'at a record', 'record close', 'new record', 'new records', 'new ath', 'fresh high', 'fresh highs',
  ],
  weak: ['above', 'reclaim', 'reclaiming', 'reclaimed', 'holding'],
  examples: ['is KRE breaking out?', 'is SPY holding above 600?', 'is the s&p at a record?'],
  noPeriod: 'it looks at the whole history',
  answersLevel: true,
} as const satisfies AskDeclaration;

export default defineCommand({
  ask,
  name: 'breakout',
  description: 'New highs and breakouts: records, 52-week highs, ranges left behind, or a price level',
  options: {
    symbol: opt.requiredSymbol({ description: 'The symbol, e.g. SPY', positional: true }),
    level: opt.optionalNumber({ description: 'A price level in dollars, e.g. 600: above it since when, or retesting it?', ...PRICE_LEVEL_RANGE, positional: true }),
  },
  examples: ['/breakout SPY', '/breakout KRE asof:2024-12-31', '/breakout SPY level:600 asof:2025-06-30', '/breakout XLF'],
  async run(ctx, o): Promise<Answer<BreakoutFacts>> {
    const s = await ctx.series(o.symbol);
    const { facts, plot } = computeBreakout(s, o.level, ctx.asOf);
    return presentBreakout(facts, plot, ctx.sourceLabel);
  },
});

interface RangeWords {
  date: string;
  start: string;
  end: string;
  high: number;
  low: number;
  highDate: string;
  amplitude: number;
  aboveRange: number;
  withThisClose: boolean;
}

function rangeLine(sym: string, r: RangeWords, last: number, onClose: boolean): string {
  const span = formatSpan(r.start, r.end, true);
  const between = onClose ? ` between ${fmtLevel(sym, r.low)} and ${fmtLevel(sym, r.high)}` : ` ${pctAbs(r.amplitude)} tall`;
  const head = `It broke out of ${withArticle(span)} range${between} (${formatMonthYear(r.start)} to ${formatMonthYear(r.end)})`;
  const top = `the range's top, set ${formatDate(r.highDate)}`;
  if (r.withThisClose) return `${head} with this close, ${pctAbs(r.aboveRange)} above ${top}.`;
  return `${head} on ${formatDate(r.date)}; the close is now ${pctAbs(last / r.high - 1)} above ${top}.`;
}

/**
 * The close against a dollar level. Dollars only make sense on `close`: when closes are missing earlier
 * in the history the analysis looks back only over the unbroken closes that end on the end day, and
 * says so; without a close on the end day it refuses.
 */
function levelFacts(
  sym: string,
  close: readonly (number | null)[],
  dates: readonly string[],
  end: number,
  level: number,
  gaps: readonly CloseGap[],
): { facts: LevelFacts; breakoutIndex: number | null; outcome: BreakoutFacts['levelOutcome'] } {
  const last = close[end];
  if (last === null || last === undefined) {
    throw new UserInputError(
      `The data has no split-adjusted close for ${sym} on ${formatDate(at(dates, end))}, so I can't compare it with ${fmtAsked(sym, level)}.`,
      'Try /breakout without a level (it then uses total return), or an asof date that has closes.',
    );
  }
  const lastGap = gaps[gaps.length - 1];
  const start = lastGap ? lastGap.toIndex + 1 : 0;
  const values = close.slice(start, end + 1) as number[];
  const ds = dates.slice(start, end + 1);
  const e = values.length - 1;
  const c = levelCrossing(values, ds, level, 'above', e);
  const rt = retest(values, ds, level, RETEST_SESSIONS, RETEST_BAND, e);
  const prev = c.previousRunEnd;
  const breakout = c.isAbove && c.runStart ? c.runStart.index : rt.isRetest && rt.breakout ? rt.breakout.index : null;
  const facts: LevelFacts = {
    level,
    close: last,
    from: at(ds, 0),
    missingUntil: start > 0 ? at(dates, start - 1) : null,
    isAbove: c.isAbove,
    runLength: c.runLength,
    runStart: c.runStart?.date ?? null,
    runReachesMissing: c.isAbove && c.runStart !== null && start > 0 && c.runStart.index === 0,
    previousAbove: prev?.date ?? null,
    sessionsBetweenRuns: prev && c.runStart ? c.runStart.index - prev.index : null,
    isRetest: rt.isRetest,
    retestBreakout: rt.breakout?.date ?? null,
    peakSinceBreakout: rt.peakSinceBreakout ? { value: rt.peakSinceBreakout.value, date: rt.peakSinceBreakout.date } : null,
    onChart: gaps.length === 0,
  };
  // The latest upward crossing before the end day within the follow-up window: did it hold?
  let outcome: BreakoutFacts['levelOutcome'] = null;
  for (let i = e - 1; i >= Math.max(1, e - FOLLOW_UP_SESSIONS); i--) {
    if (at(values, i) > level && at(values, i - 1) <= level) {
      const o = breakoutOutcome(values, ds, i, level, { failWithin: FAIL_WITHIN_SESSIONS, band: RETEST_BAND }, e);
      outcome = {
        date: o.breakout.date,
        status: o.status,
        fellBack: o.fellBack ? { date: o.fellBack.date, sessions: o.fellBack.sessions } : null,
        retest: o.retest ? { date: o.retest.date, value: o.retest.value } : null,
      };
      break;
    }
  }
  return { facts, breakoutIndex: breakout === null ? null : breakout + start, outcome };
}

/** The level check in words: the line, a short chart title ("retesting $400"), and a warning when closes are missing. */
function levelWords(sym: string, asOf: string, lf: LevelFacts): { line: string; title: string; warning: string | null } {
  const { level, close: last, from } = lf;
  const missing = lf.missingUntil !== null;
  const warning = lf.missingUntil !== null ? `${sym}: split-adjusted closes are missing up to ${formatDate(lf.missingUntil)}, so the level comparison looks back only to ${formatDate(from)}.` : null;
  const dataStart = missing ? `since at least ${formatDate(from)}` : `ever (the data starts ${formatMonthYear(from)})`;
  const L = fmtAsked(sym, level);
  const dist = pctAbs(last / level - 1);
  const prev = lf.previousAbove;
  let line: string;
  const retestNote = lf.isRetest && lf.retestBreakout && lf.peakSinceBreakout
    ? ` It is retesting the level: it broke above on ${formatDate(lf.retestBreakout)}, rose to ${fmtLevel(sym, lf.peakSinceBreakout.value)} (${formatDate(lf.peakSinceBreakout.date)}) and is back within ${pctAbs(RETEST_BAND, 0)} of it.`
    : '';
  if (lf.runReachesMissing) {
    // The run reaches back into the missing closes: how long it really is, nobody here can say.
    line = `**${sym} has closed above ${L} on every session since ${formatDate(from)}** (${lf.runLength} sessions; earlier closes are missing) and is ${dist} above it.${retestNote}`;
  } else if (lf.isAbove && lf.runStart) {
    const since = prev ? `since ${sinceWhen(prev, asOf)}` : dataStart;
    if (lf.runLength === 1) {
      line = `**${sym} closed above ${L}** at ${fmtLevel(sym, last)} (${dist} above it), its first close above that level ${since}.${retestNote}`;
    } else {
      // "The first run since …" only says something when the run was preceded by a real spell below.
      const gap = lf.sessionsBetweenRuns ?? Infinity;
      const firstRun = gap > NOTABLE_GAP_SESSIONS ? `; the run is its first above that level ${since}` : '';
      line = `**${sym} has closed above ${L} for ${lf.runLength} sessions in a row** (since ${formatDate(lf.runStart)}) and is ${dist} above it${firstRun}.${retestNote}`;
    }
  } else if (lf.isRetest) {
    line = `**${sym} is retesting ${L} from above**: it closed at ${fmtLevel(sym, last)}, ${last === level ? 'right on it' : `${dist} below it`}, after breaking above on ${formatDate(lf.retestBreakout ?? asOf)} and reaching ${fmtLevel(sym, (lf.peakSinceBreakout ?? { value: last }).value)}.`;
  } else {
    const where = last === level ? `exactly at ${L}` : `at ${fmtLevel(sym, last)}, ${dist} below ${L}`;
    line = prev
      ? `${sym} closed ${where}; it last closed above it on ${formatDate(prev)}.`
      : `${sym} closed ${where}, a level it has ${missing ? `not closed above since ${formatDate(from)} (earlier closes are missing)` : `never closed above (the data starts ${formatMonthYear(from)})`}.`;
  }
  const title = lf.isRetest
    ? `retesting ${L}`
    : lf.isAbove
      ? lf.runLength === 1
        ? `first close above ${L} ${prev ? `since ${sinceWhen(prev, asOf)}` : 'on record'}`
        : `above ${L} for ${lf.runLength} sessions`
      : `${dist} below ${L}`;
  return { line, title, warning };
}

/**
 * "It matches its record" only when the close and the record are the same at the precision shown ($0.01
 * or 0.01 point); otherwise how far short, to 2 decimals of a percent ("0.03% short of its record").
 */
function recordWords(sym: string, last: number, record: number, recordPhrase: string, onClose: boolean): string {
  const need = record / last - 1;
  if (onClose ? fmtLevel(sym, last) === fmtLevel(sym, record) : Math.abs(last / record - 1) < 0.00005) return `It matches ${recordPhrase}.`;
  if (need < 0.001) return `It is ${pctAbs(1 - last / record, 2)} short of ${recordPhrase}.`;
  return `It still needs a ${pctAbs(need)} gain to regain ${recordPhrase}.`;
}

/** The follow-up sentences, each its own line: failed or held breakout, intraday cross, round trip, measured move. */
function followUpWords(f: BreakoutFacts): string[] {
  const sym = f.symbol;
  const onClose = f.basis === 'close';
  const px = (v: number) => (onClose ? ` (${fmtLevel(sym, v)})` : '');
  const out: string[] = [];
  const u = f.followUp;
  if (isStillFailed(u, f.close)) {
    const what = u.fromRecord >= 0 ? 'a record' : 'a 52-week high';
    const shy = u.fromRecord < 0 && u.fromRecord > -0.01 ? `, ${pctAbs(u.fromRecord, 2)} short of its record` : '';
    const within = u.fellBack.sessions === 1 ? 'the next session' : `within ${u.fellBack.sessions} sessions`;
    const after = u.decline.depth < -0.0005 ? `; it has since lost as much as ${pctAbs(u.decline.depth)} (low on ${formatDate(u.decline.troughDate)})` : '';
    out.push(`A failed breakout: ${sym} closed at ${what} on ${formatDate(u.date)}${px(u.close)}${shy}, then fell back below the prior high of ${formatDate(u.levelDate)}${px(u.level)} ${within}${after}.`);
    if (f.failedFollowed) out.push(analogLineText(f.failedFollowed));
  } else if (u && u.status === 'held' && u.retest) {
    out.push(`Its ${formatDate(u.date)} breakout above the prior high${px(u.level)} held: it pulled back to within ${pctAbs(RETEST_BAND, 0)} of that level on ${formatDate(u.retest.date)} without closing below it.`);
  }
  const lo = f.levelOutcome;
  if (lo && f.level !== null) {
    const L = fmtAsked(sym, f.level);
    if (lo.status === 'failed' && lo.fellBack) {
      const within = lo.fellBack.sessions === 1 ? 'the next session' : `within ${lo.fellBack.sessions} sessions`;
      out.push(`A failed breakout above ${L}: it first closed above on ${formatDate(lo.date)} and fell back below ${within} (${formatDate(lo.fellBack.date)}).`);
    } else if (lo.status === 'held' && lo.retest) {
      out.push(`Its retest of ${L} held: after breaking above on ${formatDate(lo.date)} it came back to within ${pctAbs(RETEST_BAND, 0)} of the level on ${formatDate(lo.retest.date)} without closing below it.`);
    }
  }
  const x = f.intraday;
  if (x) {
    const L = x.what === 'level' ? fmtAsked(sym, x.level) : `its record close of ${fmtLevel(sym, x.level)}`;
    const since = x.what === 'level' ? (x.lastCloseAbove ? `; it has not closed above it since ${formatMonthYear(x.lastCloseAbove)}` : '; it has never closed above it') : '';
    out.push(`Intraday, ${sym} traded above ${L} on ${formatDate(f.asOf)} (high ${fmtLevel(sym, x.high)}) but closed at ${fmtLevel(sym, x.close)}${since}. (Intraday high; every other figure here is on closes.)`);
  }
  const r = f.roundTrip;
  if (r) {
    out.push(`${sym} is back where it was at its ${formatMonthYear(r.date)} ${r.kind === 'high' ? 'peak' : 'trough'}${px(r.value)}, ${formatSpan(r.date, f.asOf)} on.`);
  }
  if (f.measuredMove !== null && onClose && f.rangeHigh !== null && f.rangeLow !== null) {
    out.push(`Measured move: the range's height added to its top gives ${fmtLevel(sym, f.measuredMove)} — a textbook technical projection, not a forecast or advice.`);
  }
  return out;
}
