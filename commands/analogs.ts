/**
 * /analogs — what followed earlier moments like this one: every earlier streak, record after a quiet
 * year, first close above a level, decline from a high, or failed breakout (src/core/analogs.ts), what the symbol (or the
 * pair) did 1, 3, 6 and 12 months later, and the paths that followed, rebased to 100 on the event day.
 */
import type { Answer } from '../src/answer/answer.ts';
import type { LineSeriesSpec } from '../src/answer/chart-spec.ts';
import { analogLine, analogVerdict, eventPlural, eventShort, LINE_HORIZON, streakStudy, tooFewVerdict } from '../src/answer/analogs.ts';
import { BASIS_TOTAL_RETURN, chartFooter, emptyAnswer } from '../src/answer/build.ts';
import { formatPoints } from '../src/answer/phrases.ts';
import {
  analogInput,
  analogStudy,
  forwardPath,
  HORIZONS,
  medianPath,
  MIN_CASES,
  SMALL_SAMPLE,
  type AnalogEvent,
  type AnalogInput,
  type AnalogStudy,
  type Episode,
} from '../src/core/analogs.ts';
import { formatDate, formatPercent } from '../src/core/format.ts';
import { NotEnoughDataError } from '../src/core/series.ts';
import { defineCommand } from '../src/command/define.ts';
import type { SymbolOption } from '../src/command/options.ts';
import { opt } from '../src/command/options.ts';
import { UserInputError } from '../src/errors.ts';
import { codeBlock } from '../src/answer/table.ts';
import { at } from '../src/core/at.ts';

const EVENTS = ['streak', 'record', 'level', 'decline', 'failed'] as const;
/** Default decline when none is given: a bear-market-sized fall. */
const DEFAULT_DECLINE_PCT = 20;
/** Default streak length when there is no current streak to compare with. */
const DEFAULT_STREAK = 5;
/** Most recent episodes listed in the table (the statistics use all of them). */
const TABLE_ROWS = 12;

export default defineCommand({
  name: 'analogs',
  description: 'What followed earlier streaks, records, levels, declines or failed breakouts: 1-12 months later',
  options: {
    symbol: opt.requiredSymbol({ description: 'The symbol, e.g. IWM', positional: true }),
    event: opt.choice({ description: 'streak (vs a benchmark), record, level, decline or failed (breakout)', choices: EVENTS, default: 'streak', positional: true }),
    value: opt.optionalNumber({ description: 'Streak sessions, the price level, or the decline in % (default: today’s)', positional: true, min: 0.01, max: 9_999_999.99 }),
    vs: { kind: 'symbol', description: 'Benchmark: for streaks (default SPY), or to add relative returns', positional: false, required: false } as SymbolOption,
  },
  examples: ['/analogs IWM vs:SPY event:streak', '/analogs IWM streak 8 vs:SPY asof:2026-01-21', '/analogs SPY event:record', '/analogs QQQ decline 20', '/analogs SPY level 600', '/analogs KRE event:failed'],
  async run(ctx, o): Promise<Answer> {
    const vs = o.vs ?? (o.event === 'streak' ? 'SPY' : undefined);
    if (vs === o.symbol) throw new UserInputError(`Compare ${o.symbol} with another symbol: against itself nothing ever differs.`, 'For example: vs:SPY.');
    const [sa, sb] = await Promise.all([ctx.series(o.symbol), vs ? ctx.series(vs) : Promise.resolve(undefined)]);
    const input = analogInput(sa, sb);
    const end = input.dates.length - 1;
    if (end < HORIZONS[0].sessions) throw new NotEnoughDataError(`${o.symbol} has too little history${vs ? ` in common with ${vs}` : ''} to look back on`, o.symbol);
    const asOf = at(input.dates, end);

    const { event, study, note } = chooseEvent(o.event, o.value, input, sa.symbol, sb?.symbol);
    const names = sb ? { a: sa.symbol, b: sb.symbol } : { a: sa.symbol };
    const title = `${sa.symbol}${sb ? ` vs ${sb.symbol}` : ''} · what followed ${eventPlural(event)}`;
    const a = emptyAnswer('analogs', title, asOf, ctx.sourceLabel);
    a.args = { symbol: sa.symbol, event: o.event, ...(o.value !== undefined ? { value: String(o.value) } : {}), ...(vs ? { vs } : {}) };
    a.basis = `${BASIS_TOTAL_RETURN} Records, levels, declines and failed breakouts use split-adjusted closes. Months are 21 trading sessions; an episode counts only once its whole window has closed.`;

    // The verdict first (under 120 characters), then today's streak, the extremes, today's episode.
    const earlierEpisodes = study.episodes.filter((e) => e !== study.latest);
    const line = analogLine(study, names);
    a.lines.push(line ? analogVerdict(line, eventShort(event)) : tooFewVerdict(earlierEpisodes.length, eventPlural(event), eventShort(event), study.firstDate.slice(0, 4)));
    if (note) a.lines.push(note);
    const extremes = extremesLine(study, sb !== undefined);
    if (extremes) a.lines.push(extremes);
    if (study.latest) a.lines.push(latestLine(study.latest, input, end, sb !== undefined));

    if (study.summaries.some((h) => (sb ? h.rel : h.ret) !== null)) a.lines.push(summaryTable(study, sb !== undefined));
    if (study.episodes.length > 0) a.lines.push(episodeTable(study.episodes, sb !== undefined));
    if (study.episodes.length > TABLE_ROWS) a.lines.push(`The table lists the ${TABLE_ROWS} most recent of ${study.episodes.length} episodes; the statistics use every complete window.`);

    a.facts = {
      symbol: sa.symbol,
      vs: sb?.symbol ?? null,
      event: event.kind,
      threshold: event.kind === 'streak' ? event.sessions : event.kind === 'level' ? event.level : event.kind === 'decline' ? event.depth : null,
      episodes: study.episodes.length,
      latest: study.latest?.date ?? null,
    };
    for (const h of study.summaries) {
      const s = sb ? h.rel : h.ret;
      a.facts[`n${h.horizon.id}`] = h.n;
      a.facts[`median${h.horizon.id}`] = s?.median ?? null;
      a.facts[`positive${h.horizon.id}`] = s?.positives ?? null;
    }

    const chart = pathsChart(study, input, end, names, ctx.sourceLabel, asOf);
    if (chart) a.charts.push(chart);
    return a;
  },
});

/** "Over the next 3 months the best case was +8.1 pts (after Mar 5, 2024), the worst −10.4 pts (after Feb 9, 2021)." */
function extremesLine(study: AnalogStudy, pair: boolean): string | null {
  const h = study.summaries[LINE_HORIZON];
  const s = h && (pair ? h.rel : h.ret);
  if (!h || !s) return null;
  return `Over the next ${h.horizon.label} the best case was ${fmt(s.best.value, pair)} (after ${formatDate(s.best.date)}), the worst ${fmt(s.worst.value, pair)} (after ${formatDate(s.worst.date)}).`;
}

/** The event asked for; with no value, the one that fits today (the current streak, today's decline). */
function chooseEvent(kind: (typeof EVENTS)[number], value: number | undefined, input: AnalogInput, a: string, b: string | undefined): { event: AnalogEvent; study: AnalogStudy; note?: string } {
  switch (kind) {
    case 'streak': {
      if (!input.benchAdj || b === undefined) throw new UserInputError('A streak needs a benchmark.', 'For example: vs:SPY.');
      if (value !== undefined) {
        if (!Number.isInteger(value) || value < 2 || value > 60) throw new UserInputError('A streak is a whole number of sessions from 2 to 60.', 'For example: /analogs IWM streak 8 vs:SPY.');
        return { event: { kind: 'streak', sessions: value }, study: analogStudy({ kind: 'streak', sessions: value }, input) };
      }
      const current = currentStreak(input);
      const chosen = current >= 2 ? streakStudy(input, current) : null;
      if (chosen) {
        const k = (chosen.event as { sessions: number }).sessions;
        const note = `${a} has beaten ${b} for **${current} straight sessions**; earlier streaks of ${k}+ sessions are compared${k < current ? `, as there were too few of ${current}+` : ''}.`;
        return { event: chosen.event, study: chosen, note };
      }
      const ev: AnalogEvent = { kind: 'streak', sessions: DEFAULT_STREAK };
      return { event: ev, study: analogStudy(ev, input) };
    }
    case 'record':
      return { event: { kind: 'record' }, study: analogStudy({ kind: 'record' }, input) };
    case 'level': {
      if (value === undefined) throw new UserInputError('Which level? Give a price, e.g. /analogs SPY level 600.');
      return { event: { kind: 'level', level: value }, study: analogStudy({ kind: 'level', level: value }, input) };
    }
    case 'decline': {
      const pct = value ?? DEFAULT_DECLINE_PCT;
      if (!(pct >= 1 && pct <= 90)) throw new UserInputError('A decline is a percentage from 1 to 90.', 'For example: /analogs QQQ decline 20.');
      const ev: AnalogEvent = { kind: 'decline', depth: pct / 100 };
      return { event: ev, study: analogStudy(ev, input) };
    }
    case 'failed':
      return { event: { kind: 'failed' }, study: analogStudy({ kind: 'failed' }, input) };
  }
}

function currentStreak(input: AnalogInput): number {
  const b = input.benchAdj;
  if (!b) return 0;
  let n = 0;
  for (let i = input.dates.length - 1; i >= 1; i--) {
    if (at(input.adj, i) / at(input.adj, i - 1) > at(b, i) / at(b, i - 1)) n++;
    else break;
  }
  return n;
}

function fmt(v: number, pair: boolean): string {
  return pair ? formatPoints(v) : formatPercent(v);
}

function latestLine(e: Episode, input: AnalogInput, end: number, pair: boolean): string {
  const sessions = end - e.index;
  // Begun on the latest close: nothing has followed it yet, and "0 sessions ago … 0.0%" says nothing.
  if (sessions === 0) return `The latest episode began on this close, ${formatDate(e.date)}: nothing has followed it yet.`;
  const path = forwardPath(input.adj, e.index, sessions, end, input.benchAdj);
  const soFar = (at(path, path.length - 1) / 100 - 1) ;
  const what = pair ? `the ratio has moved ${formatPercent(soFar)}` : `it has returned ${formatPercent(soFar)}`;
  return `The latest episode began ${formatDate(e.date)}, ${sessions} session${sessions === 1 ? '' : 's'} ago; since then ${what}.`;
}

function summaryTable(study: AnalogStudy, pair: boolean): string {
  const header = ['after', 'N', 'median', pair ? 'beat' : 'up', 'best', 'worst'];
  const body = study.summaries.map((h) => {
    const s = pair ? h.rel : h.ret;
    if (!s) return [h.horizon.label, String(h.n), '—', '—', '—', '—'];
    return [h.horizon.label, s.n < SMALL_SAMPLE ? `${s.n}*` : String(s.n), fmt(s.median, pair), `${s.positives}/${s.n}`, fmt(s.best.value, pair), fmt(s.worst.value, pair)];
  });
  const small = study.summaries.some((h) => h.n >= MIN_CASES && h.n < SMALL_SAMPLE);
  return `${codeBlock(header, body)}${small ? `\n* fewer than ${SMALL_SAMPLE} cases: a small sample.` : ''}${study.summaries.some((h) => h.n < MIN_CASES) ? `\nNothing is said with fewer than ${MIN_CASES} cases.` : ''}`;
}

function episodeTable(episodes: readonly Episode[], pair: boolean): string {
  const header = ['event day', ...HORIZONS.map((h) => h.id)];
  const body = episodes.slice(-TABLE_ROWS).map((e) => [formatDate(e.date), ...e.outcomes.map((x) => (x ? fmt(pair ? (x.rel as number) : x.ret, pair) : 'open'))]);
  return codeBlock(header, body);
}

function pathsChart(study: AnalogStudy, input: AnalogInput, end: number, names: { a: string; b?: string }, source: string, asOf: string): Answer['charts'][number] | null {
  // The longest horizon with enough complete windows: every path drawn is complete over it.
  let k = HORIZONS.length - 1;
  while (k >= 0 && (study.summaries[k]?.n ?? 0) < MIN_CASES) k--;
  const horizon = HORIZONS[k];
  if (!horizon) return null;
  const complete = study.episodes.filter((e) => e.outcomes[k] != null);
  const paths = complete.map((e) => forwardPath(input.adj, e.index, horizon.sessions, end, input.benchAdj));
  const med = medianPath(paths);
  const len = horizon.sessions + 1;
  const series: LineSeriesSpec[] = paths.map((p, i) => ({ type: 'line', label: `Earlier episodes (${paths.length})`, values: p, color: 'gray', width: 1, faint: true, ...(i > 0 ? { legend: false as const } : {}) }));
  series.push({ type: 'line', label: 'Median', values: med, color: 'blue', width: 3.5 });
  const latest = study.latest;
  if (latest) {
    const p = forwardPath(input.adj, latest.index, horizon.sessions, end, input.benchAdj);
    series.push({ type: 'line', label: `Latest (from ${formatDate(latest.date)})`, values: [...p, ...new Array<null>(Math.max(0, len - p.length)).fill(null)], color: 'orange', width: 3 });
  }
  const what = names.b ? `${names.a}/${names.b} total-return ratio` : `${names.a} total return`;
  const last = med[med.length - 1];
  return {
    kind: 'time',
    axis: 'sessions',
    id: 'analogs',
    title: `${names.a}${names.b ? ` vs ${names.b}` : ''}: what followed ${eventPlural(study.event)}`,
    subtitle: `${what}, rebased to 100 on each event day; ${horizon.label} = ${horizon.sessions} sessions`,
    altText: `${paths.length} earlier paths of the ${what} over ${horizon.label} after ${eventPlural(study.event)}, rebased to 100; the median ends at ${last !== undefined ? last.toFixed(1) : 'n/a'}.${latest ? ` The latest episode, from ${formatDate(latest.date)}, is drawn over them.` : ''}`,
    footer: chartFooter(source, asOf),
    dates: Array.from({ length: len }, (_, i) => String(i)),
    panels: [{ yLabel: 'Event day = 100', format: 'index', series, levels: [{ value: 100, label: 'Event day', color: 'gray' }] }],
  };
}
