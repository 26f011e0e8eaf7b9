/**
 * What followed earlier moments like today's, in one sentence: the line /streak, /breakout and
 * /drawdown add when their event applies, and the headline of /analogs. The numbers come from
 * src/core/analogs.ts; this module only chooses the comparison (how long a streak, how deep a decline)
 * and words it. Sentences describe what happened after earlier cases; none predicts.
 */
import {
  analogStudy,
  chooseByCount,
  chooseStreakLength,
  MIN_CASES,
  SMALL_SAMPLE,
  type AnalogEvent,
  type AnalogInput,
  type AnalogStudy,
  type Summary,
} from '../core/analogs.ts';
import { at } from '../core/at.ts';
import { formatDate, formatPercent } from '../core/format.ts';
import { plainText } from './answer.ts';
import { formatPoints } from './phrases.ts';

/** The horizon the one-line summaries quote: 3 months. */
export const LINE_HORIZON = 1;

/** "streaks of 8+ sessions", "declines of 20% or more from a high", … */
export function eventPlural(event: AnalogEvent): string {
  switch (event.kind) {
    case 'streak':
      return `streaks of ${event.sessions}+ sessions`;
    case 'record':
      return 'first record closes after a year without one';
    case 'level':
      return `first closes above ${event.level} after a year without one`;
    case 'decline':
      return `declines of ${Math.round(event.depth * 100)}% or more from a record close`;
    case 'failed':
      return 'failed breakouts';
  }
}

/** The same events in fewer words, for a first line that must stay short: "8+ session streaks", "20%+ declines". */
export function eventShort(event: AnalogEvent): string {
  switch (event.kind) {
    case 'streak':
      return `${event.sessions}+ session streaks`;
    case 'record':
      return 'first records in a year';
    case 'level':
      return `first closes above ${event.level} in a year`;
    case 'decline':
      return `${Math.round(event.depth * 100)}%+ declines from a record`;
    case 'failed':
      return 'failed breakouts';
  }
}

/** A first line is a verdict under this many characters (issue 12), bold marks not counted. */
export const VERDICT_MAX = 119;

/** The first wording that fits in VERDICT_MAX characters, else the last (the shortest). */
function firstThatFits(options: readonly string[]): string {
  return options.find((o) => plainText(o).length <= VERDICT_MAX) ?? at(options, options.length - 1);
}

/**
 * The line as a verdict, first: "**IWM beat SPY over the next 3 months after 4 of the 10** earlier
 * streaks of 8+ sessions (median −1.4 pts)." `short` names the events when the long name does not fit.
 */
export function analogVerdict(l: AnalogLine, short: string): string {
  const did = l.b !== null ? `${l.a} beat ${l.b} over the next ${l.horizon}` : `${l.a} was higher ${l.horizon} later`;
  const of = `${l.positives === 0 ? 'none' : l.positives} of ${l.n < SMALL_SAMPLE ? 'only ' : 'the '}${l.n}`;
  const med = ` (median ${l.b !== null ? formatPoints(l.median) : formatPercent(l.median)})`;
  const head = `**${did} after ${of}** earlier`;
  return firstThatFits([`${head} ${l.what}${med}.`, `${head} ${short}${med}.`, `${head} ${short}.`]);
}

/** The first line when too few earlier cases (fewer than MIN_CASES) leave nothing to say. */
export function tooFewVerdict(n: number, what: string, short: string, since: string): string {
  const cases = `${n === 0 ? 'no' : `only ${n}`} earlier case${n === 1 ? '' : 's'}`;
  return firstThatFits([`Too few to say anything: ${cases} (${what}) since ${since}.`, `Too few to say anything: ${cases} (${short}) since ${since}.`, `Too few to say anything: ${cases}.`]);
}

/** "the 10 earlier streaks…" or "only 4 earlier streaks…". */
function earlier(n: number, what: string): string {
  return n < SMALL_SAMPLE ? `only ${n} earlier ${what}` : `the ${n} earlier ${what}`;
}

function year(iso: string): string {
  return iso.slice(0, 4);
}

/**
 * The facts behind one "what followed" line: JSON-shaped, so a command's typed facts can carry them
 * (`--json` prints them) and its present step words them with `analogLineText`.
 */
export type AnalogLine = {
  /** "streaks of 8+ sessions", "declines of 20% or more from a high". */
  what: string;
  /** The first year of the data the cases come from. */
  since: string;
  /** Months the outcome is measured over (3). */
  months: number;
  horizon: string;
  a: string;
  /** The benchmark when the outcome is relative ("beat SPY"), else null ("was higher"). */
  b: string | null;
  n: number;
  positives: number;
  /** Fractions: return, or relative return in points when `b` is set. */
  median: number;
  worst: number;
  worstDate: string;
};

/** The line's facts for a study, or null with fewer than MIN_CASES cases (nothing is said). */
export function analogLine(study: AnalogStudy, names: { a: string; b?: string }, horizon: number = LINE_HORIZON): AnalogLine | null {
  const h = study.summaries[horizon];
  if (!h) return null;
  const rel = names.b !== undefined ? h.rel : null;
  const s: Summary | null = rel ?? h.ret;
  if (!s || s.n < MIN_CASES) return null;
  return {
    what: eventPlural(study.event),
    since: year(study.firstDate),
    months: Math.round(h.horizon.sessions / 21),
    horizon: h.horizon.label,
    a: names.a,
    b: rel ? (names.b ?? null) : null,
    n: s.n,
    positives: s.positives,
    median: s.median,
    worst: s.worst.value,
    worstDate: s.worst.date,
  };
}

/**
 * "After the 10 earlier streaks of 8+ sessions since 2000, IWM beat SPY over the next 3 months 4 times
 * (median −0.8 pts; worst −9.1 pts, after Mar 5, 2009)." With no benchmark: "…, SPY was higher 3 months
 * later 7 times (median +2.1%; worst −12.0%, after …)."
 */
export function analogLineText(l: AnalogLine): string {
  const head = `After ${earlier(l.n, l.what)} since ${l.since}`;
  if (l.b !== null) {
    return `${head}, ${l.a} beat ${l.b} over the next ${l.horizon} ${times(l.positives)} (median ${formatPoints(l.median)}; worst ${formatPoints(l.worst)}, after ${formatDate(l.worstDate)}).`;
  }
  return `${head}, ${l.a} was higher ${l.horizon} later ${times(l.positives)} (median ${formatPercent(l.median)}; worst ${formatPercent(l.worst)}, after ${formatDate(l.worstDate)}).`;
}

/** analogLineText of analogLine, or null when nothing is said. */
export function analogSentence(study: AnalogStudy, names: { a: string; b?: string }, horizon: number = LINE_HORIZON): string | null {
  const l = analogLine(study, names, horizon);
  return l ? analogLineText(l) : null;
}

function times(n: number): string {
  return n === 1 ? 'once' : `${n} times`;
}

/** The study for a current streak of `current` sessions, with the streak length chosen so the sample says something. */
export function streakStudy(input: AnalogInput, current: number): AnalogStudy | null {
  const studies = new Map<number, AnalogStudy>();
  const study = (k: number): AnalogStudy => {
    let st = studies.get(k);
    if (!st) studies.set(k, (st = analogStudy({ kind: 'streak', sessions: k }, input)));
    return st;
  };
  const pick = chooseStreakLength(current, (k) => study(k).summaries[LINE_HORIZON]?.n ?? 0);
  return pick ? study(pick.k) : null;
}

/** The one line for /streak: null without a current streak of 2+ sessions or enough earlier cases. */
export function streakAnalogLine(input: AnalogInput, a: string, b: string, current: number): AnalogLine | null {
  if (current < 2) return null;
  const st = streakStudy(input, current);
  return st ? analogLine(st, { a, b }) : null;
}

/** Decline thresholds the /drawdown line may quote, from today's depth (a fraction > 0) down to 10%, in steps of 5%. */
export function declineThresholds(depth: number): number[] {
  const out: number[] = [];
  for (let p = Math.floor((depth * 100 + 1e-9) / 5) * 5; p >= 10; p -= 5) out.push(p / 100);
  return out;
}

/** The study for today's decline of `depth` below the high, with the threshold chosen so the sample says something. */
export function declineStudy(input: AnalogInput, depth: number, peakIndex: number): AnalogStudy | null {
  const studies = new Map<number, AnalogStudy>();
  const study = (d: number): AnalogStudy => {
    let st = studies.get(d);
    // Declines after today's peak are today's own episode, not an earlier one.
    if (!st) studies.set(d, (st = analogStudy({ kind: 'decline', depth: d }, input, input.dates.length - 1, { before: peakIndex + 1 })));
    return st;
  };
  const pick = chooseByCount(declineThresholds(depth), (d) => study(d).summaries[LINE_HORIZON]?.n ?? 0);
  return pick ? study(pick.value) : null;
}

/**
 * The one line for /drawdown, for today's decline of `depth` (a fraction > 0) from the peak on day
 * `peakIndex`: null when today is less than 10% below the high or there are too few earlier cases.
 */
export function declineAnalogLine(input: AnalogInput, symbol: string, depth: number, peakIndex: number): AnalogLine | null {
  const st = declineStudy(input, depth, peakIndex);
  return st ? analogLine(st, { a: symbol }) : null;
}

/**
 * The one line for /breakout: only on the day of the event itself (a first record close after a year
 * without one, or a first close above the level asked about after a year without one).
 */
export function eventTodayLine(input: AnalogInput, event: AnalogEvent, symbol: string): AnalogLine | null {
  const st = analogStudy(event, input);
  if (st.latest?.index !== st.endIndex) return null;
  return analogLine(st, { a: symbol });
}

/**
 * The one line for /breakout and /drawdown when today's situation is a failed breakout (failedBreakouts in
 * src/core/breakouts.ts) whose breakout close was on day `breakoutIndex`: what followed the earlier ones
 * (episodes that fell back before that day). Null with too few earlier cases.
 */
export function failedBreakoutAnalogLine(input: AnalogInput, symbol: string, breakoutIndex: number): AnalogLine | null {
  const st = analogStudy({ kind: 'failed' }, input, input.dates.length - 1, { before: breakoutIndex });
  return analogLine(st, { a: symbol });
}
