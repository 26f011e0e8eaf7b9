/**
 * Alert conditions, evaluated after each close. Each kind defines an **event** with a key and a date;
 * an alert fires for an event when the event is dated after the alert was made (`createdAsOf`) and it
 * has never fired for that key: `last_event` holds the latest key, and the outbox row, unique per
 * (alert, key), holds every earlier one. So each event fires once, a missed evening still fires the
 * next (the key is the same), and an alert never fires for something that was already true when
 * someone asked for it.
 *
 * - `above` / `below` L: a run of closes strictly above (below) L; key: the run's first date, which is
 *   also the event's date. Created while already above, it fires at the next cross, not at once.
 * - `ath` / `high52`: a run of consecutive new all-time (52-week) high closes (highs.ts); key: the run's
 *   first date; dated the day evaluated, so it fires on the first new high after the alert was made.
 * - `streak` A over B, N sessions: A's current out-performance streak (streaks.ts) has reached N;
 *   key: the streak's first date; dated the day it reached N.
 * - `ratio-cross` A/B, N days: the ratio of total-return closes crossed its N-day average (strictly
 *   above after not above, or strictly below after not below); key: direction and date of the cross.
 * - `quadrant` A vs B: A's weekly point on the rotation map (rotation-map.ts) is in another quadrant
 *   than the week before; key: the week and the new quadrant, so flickers within a week fire once.
 * - `scan` A, snapback or breakouts: A meets the scan's rule (scans.ts) at the close; key: the first day
 *   of its current run of days in the scan, so a name fires when it enters, once per entry.
 *
 * Levels use split-adjusted closes (falling back to total return where closes are missing); ratios and
 * streaks use total return, like the commands.
 */
import type { Answer } from '../answer/answer.ts';
import { chartFooter, emptyAnswer, pick, thinIndices } from '../answer/build.ts';
import type { ChartSpec } from '../answer/chart-spec.ts';
import { alignSeries } from '../core/align.ts';
import { levelCrossing } from '../core/crossings.ts';
import { formatDate, formatPercent, formatPrice, ordinal } from '../core/format.ts';
import { levelValues } from '../core/highs.ts';
import { movingAverage, ratioLine } from '../core/ratio.ts';
import { rebase } from '../core/returns.ts';
import { QUADRANT_NAMES, rotationPath } from '../core/rotation-map.ts';
import type { DailySeries } from '../core/series.ts';
import { breakoutAt, snapbackAt } from '../core/scans.ts';
import { analyzeStreak } from '../core/streaks.ts';
import type { Alert, AlertSpec } from './types.ts';
import { at } from '../core/at.ts';

export interface AlertEvent {
  key: string;
  /** The trading day the event counts as happening on (compared with the alert's createdAsOf). */
  date: string;
  headline: string;
  details: string[];
  chart: ChartSpec;
}

/** Sessions shown on an alert's chart. */
const CHART_SESSIONS = 126;

/** Describes an alert for /alert list: "SPY closes above $600.00". */
export function describeAlert(spec: AlertSpec): string {
  switch (spec.kind) {
    case 'above':
    case 'below':
      return `${spec.symbol} closes ${spec.kind} ${formatPrice(spec.level)}`;
    case 'ath':
      return `${spec.symbol} makes a new all-time high`;
    case 'high52':
      return `${spec.symbol} makes a new 52-week high`;
    case 'streak':
      return `${spec.symbol} beats ${spec.other} ${spec.n} sessions in a row`;
    case 'ratio-cross':
      return `the ${spec.symbol}/${spec.other} ratio crosses its ${spec.n}-day average`;
    case 'quadrant':
      return `${spec.symbol} changes quadrant on the rotation map vs ${spec.other}`;
    case 'scan':
      return `${spec.symbol} enters the ${spec.scan} scan`;
  }
}

/** Longest run back a scan alert looks for the day a name entered its scan. */
const SCAN_RUN_LIMIT = 63;

/** The symbols an alert needs, the first always its own. */
export function alertSymbols(spec: AlertSpec): string[] {
  return 'other' in spec ? [spec.symbol, spec.other] : [spec.symbol];
}

function lineChart(id: string, title: string, altText: string, dates: readonly string[], series: { label: string; values: readonly (number | null)[] }[], footer: string, extra: Partial<{ level: number; levelLabel: string; marker: { date: string; value: number; label: string }; format: 'price' | 'ratio' | 'index'; shade: { from: string; to: string; label: string } }>): ChartSpec {
  const end = dates.length - 1;
  const idx = thinIndices(Math.max(0, end - CHART_SESSIONS + 1), end);
  const colors = ['blue', 'orange', 'gray'] as const;
  return {
    kind: 'time',
    id,
    title,
    altText,
    footer,
    dates: pick(dates, idx),
    panels: [
      {
        yLabel: extra.format === 'ratio' ? 'Ratio' : extra.format === 'index' ? 'Rebased (100 = start)' : 'Close',
        format: extra.format ?? 'price',
        series: series.map((s, i) => ({ type: 'line' as const, label: s.label, values: pick(s.values, idx), color: colors[i % colors.length], width: 2, ...(i === 2 ? { dashed: true } : {}) })),
        ...(extra.level !== undefined ? { levels: [{ value: extra.level, label: extra.levelLabel ?? '', color: 'gray' as const }] } : {}),
        ...(extra.marker ? { markers: [{ ...extra.marker, color: 'gold' as const }] } : {}),
      },
    ],
    ...(extra.shade ? { shade: [{ ...extra.shade, color: 'orange' as const }] } : {}),
  };
}

/** New-high flags: closes strictly above every earlier close (all time) or every earlier close dated within a year. */
function newHighRunStart(values: readonly number[], dates: readonly string[], window52: boolean): number | null {
  const end = values.length - 1;
  const isNew = (i: number): boolean => {
    const v = at(values, i);
    const cutoff = `${String(Number(at(dates, i).slice(0, 4)) - 1).padStart(4, '0')}${at(dates, i).slice(4)}`;
    for (let j = i - 1; j >= 0; j--) {
      if (window52 && at(dates, j) <= cutoff) break;
      if (at(values, j) >= v) return false;
    }
    return i > 0;
  };
  if (end < 1 || !isNew(end)) return null;
  let k = end;
  while (k > 1 && isNew(k - 1)) k--;
  return k;
}

/**
 * The latest event of the alert's kind as of the last date of `a` (which must be `day`), or null when
 * there is none on that day. Does not look at createdAsOf or lastEvent: see `shouldFire`.
 */
export function alertEvent(spec: AlertSpec, a: DailySeries, b: DailySeries | null, day: string, sourceLabel: string): AlertEvent | null {
  const n = a.dates.length;
  if (n < 2 || a.dates[n - 1] !== day) return null;
  const footer = chartFooter(sourceLabel, day);
  switch (spec.kind) {
    case 'above':
    case 'below': {
      const lv = levelValues(a);
      const c = levelCrossing(lv.values, a.dates, spec.level, spec.kind);
      if (!c.isOnSide || !c.runStart) return null;
      const since = c.previousRunEnd ? `the first close ${spec.kind} ${formatPrice(spec.level)} since ${formatDate(c.previousRunEnd.date)}` : `the first close ${spec.kind} ${formatPrice(spec.level)} in the data`;
      const runNote = c.runLength > 1 ? ` It has closed ${spec.kind} it for ${c.runLength} sessions, since ${formatDate(c.runStart.date)}.` : '';
      const last = at(lv.values, n - 1);
      return {
        key: `${spec.kind}:${spec.level}:${c.runStart.date}`,
        date: c.runStart.date,
        headline: `${spec.symbol} closed ${spec.kind} ${formatPrice(spec.level)}`,
        details: [`**${spec.symbol} closed at ${formatPrice(last)}** on ${formatDate(day)}, ${since}.${runNote}`],
        chart: lineChart(`alert-${spec.symbol}-${spec.kind}`, `${spec.symbol} against ${formatPrice(spec.level)}`, `Line chart of ${spec.symbol}'s closes, now ${formatPrice(last)}, ${spec.kind} the ${formatPrice(spec.level)} level.`, a.dates, [{ label: spec.symbol, values: lv.values }], footer, {
          level: spec.level,
          levelLabel: formatPrice(spec.level),
        }),
      };
    }
    case 'ath':
    case 'high52': {
      const lv = levelValues(a);
      const start = newHighRunStart(lv.values, a.dates, spec.kind === 'high52');
      if (start === null) return null;
      const what = spec.kind === 'ath' ? 'an all-time high' : 'a 52-week high';
      const last = at(lv.values, n - 1);
      const run = n - start;
      return {
        key: `${spec.kind}:${at(a.dates, start)}`,
        date: day,
        headline: `${spec.symbol} closed at ${what}`,
        details: [`**${spec.symbol} closed at ${what}** of ${lv.basis === 'close' ? formatPrice(last) : 'its total-return level'} on ${formatDate(day)}${run > 1 ? `, the ${ordinal(run)} session in a row` : ''}.`],
        chart: lineChart(`alert-${spec.symbol}-${spec.kind}`, `${spec.symbol}: ${what}`, `Line chart of ${spec.symbol}'s closes ending at ${what}.`, a.dates, [{ label: spec.symbol, values: lv.values }], footer, {
          marker: { date: day, value: last, label: 'New high' },
        }),
      };
    }
    case 'streak': {
      if (!b) return null;
      const st = analyzeStreak(a, b);
      const cur = st.current;
      if (!cur || cur.endDate !== day || cur.length < spec.n) return null;
      const reached = at(st.dates, cur.startIndex + spec.n - 1);
      const al = alignSeries([a, b]);
      const [sa, sb] = al.series as [DailySeries, DailySeries];
      const from = Math.max(0, al.dates.length - 63);
      return {
        key: `streak:${cur.startDate}`,
        date: reached,
        headline: `${spec.symbol} has beaten ${spec.other} ${cur.length} sessions in a row`,
        details: [`**${spec.symbol} has beaten ${spec.other} for ${cur.length} straight sessions** (since ${formatDate(cur.startDate)}), reaching the ${spec.n} you asked about on ${formatDate(reached)}.`],
        chart: lineChart(`alert-${spec.symbol}-${spec.other}-streak`, `${spec.symbol} vs ${spec.other}`, `Rebased total return of ${spec.symbol} and ${spec.other}; ${spec.symbol} has out-performed for ${cur.length} sessions.`, al.dates, [
          { label: spec.symbol, values: rebase(sa.adjClose, from) },
          { label: spec.other, values: rebase(sb.adjClose, from) },
        ], footer, { format: 'index', shade: { from: cur.startDate, to: cur.endDate, label: 'Streak' } }),
      };
    }
    case 'ratio-cross': {
      if (!b) return null;
      const al = alignSeries([a, b]);
      const [sa, sb] = al.series as [DailySeries, DailySeries];
      const m = al.dates.length;
      if (al.dates[m - 1] !== day) return null;
      const ratio = ratioLine(sa.adjClose, sb.adjClose);
      const ma = movingAverage(ratio, spec.n);
      // The side of each day: +1 strictly above, −1 strictly below, else the previous side.
      let side = 0;
      let crossAt = -1;
      for (let i = 0; i < m; i++) {
        const avg = ma[i];
        if (avg === null || avg === undefined) continue;
        const r = at(ratio, i);
        const s = r > avg ? 1 : r < avg ? -1 : side;
        if (side !== 0 && s !== side) crossAt = i;
        side = s;
      }
      if (crossAt < 0) return null;
      const dir = side > 0 ? 'above' : 'below';
      const date = at(al.dates, crossAt);
      const lastAvg = at(ma, m - 1); // not null: a cross was found, so the average exists from its window on
      if (lastAvg === null) return null;
      const gap = at(ratio, m - 1) / lastAvg - 1;
      return {
        key: `${dir}:${date}`,
        date,
        headline: `The ${spec.symbol}/${spec.other} ratio crossed ${dir} its ${spec.n}-day average`,
        details: [`**The ${spec.symbol}/${spec.other} ratio crossed ${dir} its ${spec.n}-day average** on ${formatDate(date)}; it is now ${formatPercent(Math.abs(gap)).replace('+', '')} ${gap >= 0 ? 'above' : 'below'} it.`],
        chart: lineChart(`alert-${spec.symbol}-${spec.other}-ratio`, `${spec.symbol}/${spec.other} ratio and its ${spec.n}-day average`, `The ${spec.symbol}/${spec.other} ratio crossed ${dir} its ${spec.n}-day average on ${formatDate(date)}.`, al.dates, [
          { label: `${spec.symbol}/${spec.other}`, values: ratio },
          { label: `${spec.n}-day average`, values: ma },
        ], footer, { format: 'ratio', marker: { date, value: at(ratio, crossAt), label: 'Cross' } }),
      };
    }
    case 'quadrant': {
      if (!b) return null;
      const path = rotationPath(a, b);
      const pts = path.points;
      const last = pts[pts.length - 1];
      const prev = pts[pts.length - 2];
      if (!last || !prev || last.date !== day || last.quadrant === prev.quadrant) return null;
      const week = weekStart(day);
      const tail = pts.slice(-10);
      return {
        key: `quadrant:${week}:${last.quadrant}`,
        date: day,
        headline: `${spec.symbol} moved into ${QUADRANT_NAMES[last.quadrant]} vs ${spec.other}`,
        details: [`**${spec.symbol} moved from ${QUADRANT_NAMES[prev.quadrant]} into ${QUADRANT_NAMES[last.quadrant]}** on the rotation map against ${spec.other} (RS-Ratio ${last.ratio.toFixed(1)}, RS-Momentum ${last.momentum.toFixed(1)}; weekly, as of ${formatDate(day)}).`],
        chart: {
          kind: 'rotation',
          id: `alert-${spec.symbol}-${spec.other}-rotation`,
          title: `${spec.symbol} vs ${spec.other}: rotation map`,
          altText: `${spec.symbol} moved from ${QUADRANT_NAMES[prev.quadrant]} into ${QUADRANT_NAMES[last.quadrant]} against ${spec.other}.`,
          footer,
          xLabel: `RS-Ratio vs ${spec.other}`,
          yLabel: 'RS-Momentum',
          items: [{ label: spec.symbol, tail: tail.map((p) => ({ x: p.ratio, y: p.momentum, date: p.date })) }],
        },
      };
    }
    case 'scan':
      return scanEvent(spec, a, day, footer);
  }
}

/** A scan alert's event: the name meets the rule today; dated and keyed by the day it entered. */
function scanEvent(spec: Extract<AlertSpec, { kind: 'scan' }>, a: DailySeries, day: string, footer: string): AlertEvent | null {
  const lv = levelValues(a).values;
  const rule = spec.scan === 'snapback' ? snapbackAt : breakoutAt;
  const end = lv.length - 1;
  const hit = rule(lv, end);
  if (!hit) return null;
  let start = end;
  while (start > 0 && end - start < SCAN_RUN_LIMIT && rule(lv, start - 1) !== null) start--;
  const entered = at(a.dates, start);
  const number = `${(hit.value * 100).toFixed(1)}%`;
  return {
    key: `scan:${spec.scan}:${entered}`,
    date: entered,
    headline: `${spec.symbol} entered the ${spec.scan} scan`,
    details: [`**${spec.symbol} is in the ${spec.scan} scan** as of ${formatDate(day)}${entered !== day ? ` (since ${formatDate(entered)})` : ''}: ${hit.label} (${number}).`],
    chart: lineChart(`alert-${spec.symbol}-scan`, `${spec.symbol}: ${spec.scan}`, `Line chart of ${spec.symbol}'s closes; ${hit.label}.`, a.dates, [{ label: spec.symbol, values: lv }], footer, {
      ...(hit.level !== undefined ? { level: hit.level, levelLabel: spec.scan === 'snapback' ? '3-month high' : 'Level broken' } : {}),
    }),
  };
}

/** The Monday of an ISO date's week (rotation-map.ts's weeks run Monday–Sunday). */
function weekStart(day: string): string {
  const t = Date.parse(`${day}T00:00:00Z`);
  const wd = (new Date(t).getUTCDay() + 6) % 7;
  return new Date(t - wd * 86_400_000).toISOString().slice(0, 10);
}

/** Whether `alert` may fire for `event` (see the header); the outbox then refuses a key it has already sent. */
export function shouldFire(alert: Pick<Alert, 'createdAsOf' | 'lastEvent'>, event: AlertEvent): boolean {
  return event.date > alert.createdAsOf && event.key !== alert.lastEvent;
}

/** The message an alert posts. */
export function alertAnswer(alert: Alert, event: AlertEvent, day: string, sourceLabel: string): Answer {
  const a = emptyAnswer('alert', `Alert · ${event.headline}`, day, sourceLabel);
  a.args = { id: String(alert.id) };
  a.lines.push(...event.details);
  a.lines.push(`Alert #${alert.id}: ${describeAlert(alert.spec)}. Remove it with \`/alert remove id:${alert.id}\`.`);
  a.facts = { alert: alert.id, kind: alert.spec.kind, event: event.key, eventDate: event.date };
  a.charts.push(event.chart);
  return a;
}
