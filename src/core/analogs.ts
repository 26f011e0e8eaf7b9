/**
 * Analogs: what followed earlier moments like this one.
 *
 * An **event** is a day on which something happened that people ask "and what happened after that?"
 * about. Four kinds, each defined once here:
 * - `streak`: A has beaten B (see streaks.ts) for `sessions` sessions in a row. The event day is the
 *   session on which a run reaches that length; a run counts once however long it goes on.
 * - `record`: the first record close (strictly above every earlier close in the data) after at least
 *   a year (RECORD_QUIET_SESSIONS) without one: the previous record close is at least that many sessions back.
 * - `level`: the first close above a price level after at least a year in which no close was above it
 *   (the level "untouched" for a year; a level never reached before counts too).
 * - `decline`: the first close at least `depth` below the running peak (the highest close so far, as in
 *   drawdowns.ts). A new peak, or a close that ties it, re-arms the event, so each drawdown episode counts once.
 * - `failed`: a failed breakout (`failedBreakouts` in breakouts.ts: a 52-week-high close that falls back
 *   below the prior high it cleared within two weeks). The event day is the fall-back close, the first day
 *   the failure is known; stacked breakouts before one fall-back are one episode.
 * Records, levels, declines and failed breakouts read the price level (split-adjusted close, `levelValues`); what followed is
 * measured in total return (adjClose), like every return in tapebot.
 *
 * **Episodes do not overlap**: an event marks the start of its own episode (a streak run, a year-long
 * quiet spell ended, a drawdown episode, a failed breakout), and each kind's rule makes two events of one episode impossible.
 * Their forward windows can overlap (two declines six months apart share six months of what followed).
 *
 * **What followed** an event on day i over a horizon of h sessions: the symbol's total return from the
 * close of day i to the close of day i + h, and with a benchmark, the difference of the two returns in
 * percentage points ("IWM beat SPY by 2.1 pts"). Horizons are trading sessions: 21 ≈ 1 month, 63 ≈ 3,
 * 126 ≈ 6, 252 ≈ 12.
 *
 * **No look-ahead**: an episode counts for a horizon only when its whole forward window ends on or before
 * the as-of close (i + h ≤ end). Earlier episodes whose window has not ended yet are listed without an outcome.
 *
 * **Small samples**: no statistic is given for fewer than MIN_CASES cases, and fewer than SMALL_SAMPLE are
 * called "only N earlier cases". The numbers describe what happened; they do not predict.
 */
import { alignSeries } from './align.ts';
import { failedBreakouts } from './breakouts.ts';
import { levelValues } from './highs.ts';
import type { DailySeries } from './series.ts';
import { beatFlags, streakRuns } from './streaks.ts';
import { at } from './at.ts';

export const HORIZONS = [
  { id: '1m', label: '1 month', sessions: 21 },
  { id: '3m', label: '3 months', sessions: 63 },
  { id: '6m', label: '6 months', sessions: 126 },
  { id: '12m', label: '12 months', sessions: 252 },
] as const;
export type Horizon = (typeof HORIZONS)[number];
export type HorizonId = Horizon['id'];

/** A year of sessions: how long a record or a level must have gone untouched. */
export const RECORD_QUIET_SESSIONS = 252;
/** Below this many cases nothing is said. */
export const MIN_CASES = 3;
/** Below this many cases the sample is called small ("only 4 earlier cases"). */
export const SMALL_SAMPLE = 10;

export type AnalogEvent =
  | { kind: 'streak'; sessions: number }
  | { kind: 'record' }
  | { kind: 'level'; level: number }
  | { kind: 'decline'; depth: number }
  | { kind: 'failed' };

export interface AnalogInput {
  /** Aligned trading days, ascending. */
  dates: readonly string[];
  /** The symbol's total-return series (what followed is measured on it). */
  adj: ArrayLike<number>;
  /** The symbol's price level (split-adjusted close) for record, level, decline and failed-breakout events. */
  levels: readonly number[];
  /** The benchmark's total-return series on the same dates; streak events need it. */
  benchAdj?: ArrayLike<number>;
}

/** The input for one symbol, or for a pair on their common trading days (the benchmark second). */
export function analogInput(a: DailySeries, b?: DailySeries): AnalogInput {
  if (!b) return { dates: a.dates, adj: a.adjClose, levels: levelValues(a).values };
  const { dates, series } = alignSeries([a, b]);
  const [sa, sb] = series as [DailySeries, DailySeries];
  return { dates, adj: sa.adjClose, levels: levelValues(sa).values, benchAdj: sb.adjClose };
}

export interface Outcome {
  /** The close the window ends on. */
  endDate: string;
  /** The symbol's total return over the window (0.05 = +5%). */
  ret: number;
  /** Symbol return − benchmark return, in fractions (0.021 = 2.1 points); null without a benchmark. */
  rel: number | null;
}

export interface Episode {
  index: number;
  date: string;
  /** One per HORIZONS entry; null when the window ends after the as-of close. */
  outcomes: (Outcome | null)[];
}

/** One statistic over the episodes whose window is complete; the dates are the event days. */
export interface Summary {
  n: number;
  median: number;
  positives: number;
  best: { value: number; date: string };
  worst: { value: number; date: string };
}

export interface HorizonSummary {
  horizon: Horizon;
  /** Cases with a complete window (may be fewer than MIN_CASES; then ret and rel are null). */
  n: number;
  ret: Summary | null;
  rel: Summary | null;
}

export interface AnalogStudy {
  event: AnalogEvent;
  /** Every episode up to the as-of close, oldest first (the latest may be in progress). */
  episodes: Episode[];
  summaries: HorizonSummary[];
  /** The event is on the as-of day's episode: the latest episode, when its 12-month window is still open. */
  latest: Episode | null;
  firstDate: string;
  endIndex: number;
}

/** Day indices of every event in [0, end], oldest first (see the header for each kind's rule). */
export function eventDays(event: AnalogEvent, input: AnalogInput, end: number = input.dates.length - 1): number[] {
  const out: number[] = [];
  const lv = input.levels;
  switch (event.kind) {
    case 'streak': {
      const b = input.benchAdj;
      if (!b) throw new RangeError('eventDays: a streak event needs a benchmark');
      const a = Array.prototype.slice.call(input.adj, 0, end + 1) as number[];
      const bb = Array.prototype.slice.call(b, 0, end + 1) as number[];
      for (const run of streakRuns(beatFlags(a, bb), input.dates.slice(0, end + 1))) {
        if (run.length >= event.sessions) out.push(run.startIndex + event.sessions - 1);
      }
      return out;
    }
    case 'record': {
      let max = -Infinity;
      let lastRecord = 0;
      for (let i = 0; i <= end; i++) {
        const v = at(lv, i);
        if (v > max) {
          if (i > 0 && i - lastRecord >= RECORD_QUIET_SESSIONS) out.push(i);
          max = v;
          lastRecord = i;
        }
      }
      return out;
    }
    case 'level': {
      // lastAbove = the latest earlier day with a close above the level (−∞ when none).
      let lastAbove = -Infinity;
      for (let i = 0; i <= end; i++) {
        if (at(lv, i) > event.level) {
          if (i >= RECORD_QUIET_SESSIONS && i - lastAbove > RECORD_QUIET_SESSIONS) out.push(i);
          lastAbove = i;
        }
      }
      return out;
    }
    case 'decline': {
      let peak = -Infinity;
      let armed = true;
      for (let i = 0; i <= end; i++) {
        const v = at(lv, i);
        if (v >= peak) {
          peak = v;
          armed = true;
        } else if (armed && v / peak - 1 <= -event.depth) {
          out.push(i);
          armed = false;
        }
      }
      return out;
    }
    case 'failed':
      return failedBreakouts(lv, input.dates, end).map((f) => f.fellBack.index);
  }
}

/** Median of a non-empty list (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? at(s, m) : (at(s, m - 1) + at(s, m)) / 2;
}

function summarize(cases: readonly { value: number; date: string }[]): Summary | null {
  if (cases.length < MIN_CASES) return null;
  let best = at(cases, 0);
  let worst = best;
  let positives = 0;
  for (const c of cases) {
    if (c.value > 0) positives++;
    if (c.value > best.value) best = c;
    if (c.value < worst.value) worst = c;
  }
  return { n: cases.length, median: median(cases.map((c) => c.value)), positives, best, worst };
}

/** What followed day `i` over `h` sessions, or null when the window ends after `end`. */
export function outcomeAt(input: AnalogInput, i: number, h: number, end: number): Outcome | null {
  const j = i + h;
  if (j > end) return null;
  const ret = at(input.adj, j) / at(input.adj, i) - 1;
  const b = input.benchAdj;
  const rel = b ? ret - (at(b, j) / at(b, i) - 1) : null;
  return { endDate: at(input.dates, j), ret, rel };
}

/**
 * Every episode of `event` up to `end` (default: the last day) and what followed it. Only windows that
 * end on or before `end` are measured.
 */
export function analogStudy(event: AnalogEvent, input: AnalogInput, end: number = input.dates.length - 1, opts: { before?: number } = {}): AnalogStudy {
  // `before` leaves out today's own episode (a drawdown in progress whose event is months old).
  const days = eventDays(event, input, end).filter((i) => opts.before === undefined || i < opts.before);
  const episodes: Episode[] = days.map((i) => ({
    index: i,
    date: at(input.dates, i),
    outcomes: HORIZONS.map((h) => outcomeAt(input, i, h.sessions, end)),
  }));
  const summaries: HorizonSummary[] = HORIZONS.map((horizon, k) => {
    const done = episodes.flatMap((e) => {
      const outcome = at(e.outcomes, k);
      return outcome ? [{ outcome, date: e.date }] : [];
    });
    const ret = done.map((d) => ({ value: d.outcome.ret, date: d.date }));
    const rel = input.benchAdj ? done.map((d) => ({ value: d.outcome.rel as number, date: d.date })) : [];
    return { horizon, n: done.length, ret: summarize(ret), rel: input.benchAdj ? summarize(rel) : null };
  });
  const last = episodes[episodes.length - 1];
  const latest = last && last.outcomes[HORIZONS.length - 1] === null ? last : null;
  return { event, episodes, summaries, latest, firstDate: input.dates[0] ?? '', endIndex: end };
}

/**
 * The path that followed day `i`: values[i..min(i + sessions, end)] rebased to 100 on day i (so the
 * first value is exactly 100). With `bench`, the ratio values/bench rebased the same way.
 */
export function forwardPath(values: ArrayLike<number>, i: number, sessions: number, end: number, bench?: ArrayLike<number>): number[] {
  const last = Math.min(i + sessions, end);
  const out: number[] = [];
  const v0 = at(values, i);
  const b0 = bench ? at(bench, i) : 1;
  for (let j = i; j <= last; j++) {
    const r = at(values, j) / v0;
    out.push(100 * (bench ? r / (at(bench, j) / b0) : r));
  }
  return out;
}

/** The median of several paths, day by day, over the days every path has. */
export function medianPath(paths: readonly (readonly number[])[]): number[] {
  if (paths.length === 0) return [];
  const len = Math.min(...paths.map((p) => p.length));
  const out: number[] = [];
  for (let d = 0; d < len; d++) out.push(median(paths.map((p) => at(p, d))));
  return out;
}

/**
 * The streak length to quote for a current streak of `current` sessions: the longest K ≤ current whose
 * earlier runs of K+ sessions with a complete window number at least `enough`; failing that, the
 * shortest K allowed (the most cases) when it has at least MIN_CASES; otherwise null (nothing is said).
 */
export function chooseStreakLength(
  current: number,
  countFor: (k: number) => number,
  opts: { enough?: number; minK?: number } = {},
): { k: number; n: number } | null {
  const minK = Math.max(2, opts.minK ?? Math.ceil(current / 2));
  const ks: number[] = [];
  for (let k = current; k >= minK; k--) ks.push(k);
  if (ks.length === 0) ks.push(current);
  const r = chooseByCount(ks, countFor, opts.enough);
  return r && { k: r.value, n: r.n };
}

/**
 * The first candidate (most like today first) with at least `enough` cases; failing that the last
 * (the most cases) when it has at least MIN_CASES; otherwise null.
 */
export function chooseByCount<T>(candidates: readonly T[], countFor: (c: T) => number, enough: number = SMALL_SAMPLE): { value: T; n: number } | null {
  for (const c of candidates) {
    const n = countFor(c);
    if (n >= enough) return { value: c, n };
  }
  const last = candidates[candidates.length - 1];
  if (last === undefined) return null;
  const n = countFor(last);
  return n >= MIN_CASES ? { value: last, n } : null;
}
