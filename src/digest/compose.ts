/**
 * The digests themselves. `close` is written here; `rotation` and `sectors` are the /rotation and
 * /leaders answers, run through the command runner as of the digest's trading day.
 *
 * The close digest is at most 8 lines and one chart, and only says what happened: the index moves
 * always; small versus large caps when the gap or the streak is notable; sector leaders and laggards
 * when the sectors spread apart; then the events of the day (new highs, breakouts to multi-month highs,
 * out-performance streak milestones, drawdowns crossing 10/20/30%) for the four indexes and the
 * channel's watchlist. A quiet day gets a two-line digest.
 */
import { at } from '../core/at.ts';
import type { Answer } from '../answer/answer.ts';
import { chartFooter, emptyAnswer } from '../answer/build.ts';
import { formatPoints, noPriceNote, streakSentence } from '../answer/phrases.ts';
import { lookbackHigh } from '../core/breakouts.ts';
import { currentDrawdown } from '../core/drawdowns.ts';
import { formatDate, formatPercent, formatPrice } from '../core/format.ts';
import { highsAndLows, levelValues } from '../core/highs.ts';
import { lastDate, NotEnoughDataError, truncateAsOf, type DailySeries } from '../core/series.ts';
import { analyzeStreak } from '../core/streaks.ts';
import { UNIVERSES, memberName } from '../core/universes.ts';
import type { RunInvocation } from '../command/define.ts';
import type { MarketData } from '../data/market-data.ts';
import type { Preset } from './types.ts';

export const INDEX_SYMBOLS = ['SPY', 'QQQ', 'IWM', 'DIA'] as const;
export const SECTOR_SYMBOLS: readonly string[] = UNIVERSES.find((u) => u.id === 'sectors')?.members.map((m) => m.symbol) ?? [];

/** A digest has at most this many lines. */
export const MAX_DIGEST_LINES = 8;
/** Small vs large gets a line when the day's gap is at least this (0.25 pts) or the streak is notable. */
const NOTABLE_SPREAD = 0.0025;
/** Streaks this long are worth a line in the digest (shorter ones are everyday noise). */
const NOTABLE_DIGEST_STREAK = 3;
/** The sector line appears when the best and worst sector are this far apart (0.75 pts). */
const NOTABLE_SECTOR_RANGE = 0.0075;
/** A close at the highest level in at least this many sessions (about 3 months) is a breakout. */
const BREAKOUT_SESSIONS = 63;
/** Streak lengths worth announcing: 5, 10, 15, … sessions. */
const STREAK_MILESTONE = 5;
/** Drawdown depths whose crossing is an event. */
const DRAWDOWN_LEVELS = [-0.1, -0.2, -0.3, -0.5] as const;

/** Thrown when the digest's trading day has no close in the data yet (or never will: an unannounced closure). */
export class DataNotReadyError extends Error {
  override readonly name = 'DataNotReadyError';
  constructor(
    readonly day: string,
    readonly latest: string,
  ) {
    super(`no close for ${day} yet (latest ${latest})`);
  }
}

/** What a digest is computed from: every series ends at the digest's trading day. */
export interface DigestInputs {
  day: string;
  series(symbol: string): Promise<DailySeries>;
  sourceLabel: string;
  watchlist: readonly string[];
}

/** Inputs backed by MarketData, cut at `day` (no later close can leak into the digest). */
export function marketInputs(market: MarketData, day: string, watchlist: readonly string[]): DigestInputs {
  return {
    day,
    sourceLabel: market.sourceLabel,
    watchlist,
    async series(symbol) {
      return truncateAsOf(await market.series(symbol), day);
    },
  };
}

/** Whether the data has a close for `day` (the reference symbol SPY). */
export async function hasClose(market: MarketData, day: string): Promise<{ ready: boolean; latest: string }> {
  const s = await market.series('SPY');
  const cut = truncateAsOf(s, day);
  const latest = cut.dates.length > 0 ? lastDate(cut) : '';
  return { ready: latest === day, latest: lastDate(s) };
}

interface DayMove {
  symbol: string;
  ret: number;
}

/** The day's total return, or null when the series has no close on `day` or none before it. */
function dayReturn(s: DailySeries, day: string): number | null {
  const n = s.dates.length;
  if (n < 2 || s.dates[n - 1] !== day) return null;
  return at(s.adjClose, n - 1) / at(s.adjClose, n - 2) - 1;
}

async function tryMove(inp: DigestInputs, symbol: string): Promise<{ series: DailySeries; ret: number } | null> {
  try {
    const s = await inp.series(symbol);
    const ret = dayReturn(s, inp.day);
    return ret === null ? null : { series: s, ret };
  } catch (e) {
    if (e instanceof NotEnoughDataError) return null;
    throw e;
  }
}

/** One notable thing about one symbol on the day, with a weight for ordering (higher first). */
interface DigestEvent {
  symbol: string;
  text: string;
  weight: number;
  /** Events that say the same of several symbols share one line: "closed at a 52-week low" with its price. */
  same?: { what: string; at: string };
  /** A level event without a price to quote (no split-adjusted closes): the digest says so once, not per line. */
  noPrice?: boolean;
}

/**
 * Like events on one line: "**XLK** ($250.10), **XLY** ($201.00) and **QQQ** ($500.00) closed at a
 * 52-week low" instead of three lines; the weight is the group's heaviest.
 */
export function groupEvents(events: readonly DigestEvent[]): DigestEvent[] {
  const out: DigestEvent[] = [];
  const byWhat = new Map<string, DigestEvent[]>();
  for (const e of events) {
    if (!e.same) {
      out.push(e);
      continue;
    }
    const list = byWhat.get(e.same.what);
    if (list) list.push(e);
    else {
      const fresh = [e];
      byWhat.set(e.same.what, fresh);
      out.push({ ...e, text: '', same: { what: e.same.what, at: '' } });
    }
  }
  return out.map((e) => {
    if (!e.same) return e;
    const list = byWhat.get(e.same.what) ?? [];
    if (list.length === 1) return at(list, 0);
    const names = list.map((x) => `**${x.symbol}**${x.same?.at ? ` (${x.same.at})` : ''}`);
    const text = `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''} closed at a ${e.same.what}`;
    return { symbol: list.map((x) => x.symbol).join(' '), text, weight: Math.max(...list.map((x) => x.weight)) };
  });
}

/**
 * The day's tone from its size and its breadth, not from the index signs alone: a −2.6% day with 2 of
 * 11 sectors up is "Stocks fell", not "mixed". A move of 1% or more in SPY sets the tone; a smaller one
 * does when breadth (the share of sectors, else indexes, that rose) agrees with it by 70/30 or more.
 */
export function dayTone(spy: number | undefined, indexUps: number, indexCount: number, sectorUps: number, sectorCount: number): string {
  const breadth = sectorCount > 0 ? sectorUps / sectorCount : indexCount > 0 ? indexUps / indexCount : 0.5;
  if (indexCount > 0 && indexUps === indexCount) return 'Stocks rose';
  if (indexCount > 0 && indexUps === 0) return 'Stocks fell';
  if (spy === undefined) return 'A mixed close';
  if (spy <= -0.01 || (spy < 0 && breadth <= 0.3)) return 'Stocks fell';
  if (spy >= 0.01 || (spy > 0 && breadth >= 0.7)) return 'Stocks rose';
  return 'A mixed close';
}

/** Events of the day for one symbol; see the header. */
export function symbolEvents(s: DailySeries, day: string, benchmark: DailySeries | null): DigestEvent[] {
  const out: DigestEvent[] = [];
  const n = s.dates.length;
  if (n < 2 || s.dates[n - 1] !== day) return out;
  const lv = levelValues(s);
  // Without split-adjusted closes the levels are total-return ones, which have no price to quote:
  // the digest says so once (noPriceNote), not on each line.
  const noPrice = lv.basis !== 'close';
  const atPrice = noPrice ? '' : ` at ${formatPrice(at(lv.values, n - 1))}`;
  const hl = highsAndLows(lv.values, s.dates);
  if (hl.isNewAllTimeHigh && hl.priorAllTimeHigh) {
    out.push({ symbol: s.symbol, text: `**${s.symbol}** closed at a record${atPrice}`, weight: 5, same: { what: 'record', at: atPrice.replace(/^ at /, '').trim() }, noPrice });
  } else if (hl.isNew52wHigh && n > 252) {
    out.push({ symbol: s.symbol, text: `**${s.symbol}** closed at a 52-week high${atPrice}`, weight: 4, same: { what: '52-week high', at: atPrice.replace(/^ at /, '').trim() }, noPrice });
  } else {
    const lb = lookbackHigh(lv.values, s.dates);
    if (lb.since && lb.sessions >= BREAKOUT_SESSIONS && at(lv.values, n - 1) > at(lv.values, n - 2)) {
      // Only the day it breaks out: yesterday was not already this high.
      const yb = lookbackHigh(lv.values, s.dates, n - 2);
      if (yb.sessions < BREAKOUT_SESSIONS || (yb.since && yb.since.index !== lb.since.index)) {
        out.push({ symbol: s.symbol, text: `**${s.symbol}** broke out to its highest close since ${formatDate(lb.since.date)}${atPrice}`, weight: 3, noPrice });
      }
    }
  }
  if (hl.isNew52wLow && n > 252) out.push({ symbol: s.symbol, text: `**${s.symbol}** closed at a 52-week low${atPrice}`, weight: 4, same: { what: '52-week low', at: atPrice.replace(/^ at /, '').trim() }, noPrice });

  const dd = currentDrawdown(lv.values, s.dates);
  const ddPrev = currentDrawdown(lv.values, s.dates, n - 2);
  const crossed = DRAWDOWN_LEVELS.filter((l) => dd.depth <= l && ddPrev.depth > l).pop();
  if (crossed !== undefined) {
    out.push({
      symbol: s.symbol,
      text: `**${s.symbol}** is now ${formatPercent(-dd.depth).replace('+', '')} below its ${formatDate(dd.peak.date)} peak, past ${formatPercent(-crossed, 0).replace('+', '')} down`,
      weight: 4,
    });
  }

  if (benchmark && benchmark.symbol !== s.symbol) {
    const st = analyzeStreak(s, benchmark);
    const run = st.current ?? st.opposite;
    if (run && run.endDate === day && run.length >= STREAK_MILESTONE && run.length % STREAK_MILESTONE === 0) {
      const [w, l] = st.current ? [s.symbol, benchmark.symbol] : [benchmark.symbol, s.symbol];
      out.push({ symbol: s.symbol, text: `${w} has beaten ${l} for ${run.length} straight sessions`, weight: 3 });
    }
  }
  return out;
}

function withName(symbol: string): string {
  const name = memberName(symbol);
  return name && name !== symbol ? `${symbol} (${name})` : symbol;
}

/**
 * What a close digest says about the day apart from the channel's watchlist, and each symbol's own
 * facts (its move, its events), worked out at most once per close however many digests use them:
 * the service composes every channel's digest of a slot from one CloseFacts. Promises are kept, so
 * digests composed concurrently share the work too.
 */
export interface CloseFacts {
  /** The inputs the facts were computed from; their `series` is shared (each symbol fetched once). */
  readonly inputs: DigestInputs;
  move(symbol: string): Promise<{ series: DailySeries; ret: number } | null>;
  /** The symbol's events of the day; empty when its history is too short. */
  events(symbol: string): Promise<DigestEvent[]>;
  /** Sections 1–3 of the digest: the indexes, small vs large, the sectors. */
  market(): Promise<MarketLines>;
}

/** What a close digest is built from (what `--json` prints). Absent parts are null: too little data. */
export type CloseDigestFacts = {
  preset: 'close';
  day: string;
  /** Each index's total return on the day, by symbol (SPY, QQQ, IWM, DIA). */
  returns: { [symbol: string]: number };
  /** IWM's return minus SPY's on the day. */
  smallMinusLarge: number | null;
  /** Who leads the current small-vs-large run of out-performance, and for how many sessions. */
  streakLeader: 'IWM' | 'SPY' | null;
  streakLength: number | null;
  sectorLeader: string | null;
  sectorLaggard: string | null;
  /** Events of the day found among the indexes and the watchlist, before grouping. */
  events: number;
};

/** The facts of the market sections, shared by every channel's digest of the day (the events are each channel's). */
type MarketFacts = Omit<CloseDigestFacts, 'events'>;

interface MarketLines {
  lines: string[];
  facts: MarketFacts;
  moves: DayMove[];
  sectors: DayMove[];
}

function memo<T>(compute: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const seen = new Map<string, Promise<T>>();
  return (key) => {
    let p = seen.get(key);
    if (!p) {
      p = compute(key);
      seen.set(key, p);
    }
    return p;
  };
}

/** Facts for the close of `inp.day` (its watchlist is not used: each digest brings its own). */
export function closeFacts(inp: DigestInputs): CloseFacts {
  const { day } = inp;
  const series = memo((symbol) => inp.series(symbol));
  const inputs: DigestInputs = { day, sourceLabel: inp.sourceLabel, watchlist: [], series };
  const move = memo((symbol) => tryMove(inputs, symbol));
  const events = memo(async (symbol) => {
    let s: DailySeries;
    try {
      s = await series(symbol);
    } catch (e) {
      if (e instanceof NotEnoughDataError) return [];
      throw e;
    }
    return symbolEvents(s, day, symbol === 'SPY' ? null : await series('SPY'));
  });
  let marketLines: Promise<MarketLines> | undefined;
  return { inputs, move, events, market: () => (marketLines ??= composeMarketLines(day, move)) };
}

async function composeMarketLines(day: string, move: CloseFacts['move']): Promise<MarketLines> {
  const lines: string[] = [];
  const facts: MarketFacts = { preset: 'close', day, returns: {}, smallMinusLarge: null, streakLeader: null, streakLength: null, sectorLeader: null, sectorLaggard: null };

  // 1. The indexes.
  const idx = (await Promise.all(INDEX_SYMBOLS.map(async (sym) => ({ sym, m: await move(sym) })))).filter(
    (x): x is { sym: (typeof INDEX_SYMBOLS)[number]; m: { series: DailySeries; ret: number } } => x.m !== null,
  );
  const moves: DayMove[] = idx.map((x) => ({ symbol: x.sym, ret: x.m.ret }));
  for (const m of moves) facts.returns[m.symbol] = m.ret;
  const ups = moves.filter((m) => m.ret > 0).length;
  const sectors = (await Promise.all(SECTOR_SYMBOLS.map(async (sym) => ({ sym, m: await move(sym) })))).flatMap((x) => (x.m ? [{ symbol: x.sym, ret: x.m.ret }] : []));
  const lead = dayTone(moves.find((m) => m.symbol === 'SPY')?.ret, ups, moves.length, sectors.filter((m) => m.ret > 0).length, sectors.length);
  lines.push(`${lead}: ${moves.map((m, i) => (i === 0 ? `**${m.symbol} ${formatPercent(m.ret, 2)}**` : `${m.symbol} ${formatPercent(m.ret, 2)}`)).join(', ')}.`);

  // 2. Small vs large.
  const spy = idx.find((x) => x.sym === 'SPY')?.m;
  const iwm = idx.find((x) => x.sym === 'IWM')?.m;
  if (spy && iwm) {
    const spread = iwm.ret - spy.ret;
    const st = analyzeStreak(iwm.series, spy.series);
    const runLength = st.current?.length ?? st.opposite?.length ?? 0;
    facts.smallMinusLarge = spread;
    facts.streakLeader = st.current ? 'IWM' : st.opposite ? 'SPY' : null;
    facts.streakLength = runLength;
    const streak = runLength >= NOTABLE_DIGEST_STREAK ? streakSentence(st, { minLength: NOTABLE_DIGEST_STREAK }) : null;
    if (Math.abs(spread) >= NOTABLE_SPREAD || streak) {
      const gap = `Small caps ${spread >= 0 ? 'beat' : 'lagged'} large: IWM ${formatPoints(spread, 2)} against SPY.`;
      lines.push(streak ? `${gap} ${streak}` : gap);
    }
  }

  // 3. Sectors.
  sectors.sort((x, y) => y.ret - x.ret);
  const top = sectors[0];
  const bottom = sectors[sectors.length - 1];
  if (top && bottom && sectors.length >= 4) {
    facts.sectorLeader = top.symbol;
    facts.sectorLaggard = bottom.symbol;
    if (top.ret - bottom.ret >= NOTABLE_SECTOR_RANGE) {
      const fmt = (m: DayMove) => `${withName(m.symbol)} ${formatPercent(m.ret, 1)}`;
      const leaders = sectors.slice(0, 2).filter((m) => m.ret > bottom.ret);
      const laggards = sectors.slice(-2).reverse().filter((m) => !leaders.includes(m));
      const risers = sectors.filter((m) => m.ret > 0).length;
      lines.push(`Sectors: ${leaders.map(fmt).join(' and ')} led; ${laggards.map(fmt).join(' and ')} lagged (${risers} of ${sectors.length} rose).`);
    }
  }
  return { lines, facts, moves, sectors };
}

/**
 * The `close` digest (see the header). Throws DataNotReadyError when `inp.day` has no SPY close.
 * `shared`: facts of the same close already worked out for other digests (see CloseFacts).
 */
export async function composeCloseDigest(inp: DigestInputs, shared?: CloseFacts): Promise<Answer<CloseDigestFacts>> {
  const { day } = inp;
  const f = shared ?? closeFacts(inp);
  const spyAll = await f.inputs.series('SPY');
  const spyLast = spyAll.dates[spyAll.dates.length - 1] ?? '';
  if (spyLast !== day) throw new DataNotReadyError(day, spyLast);

  const base = emptyAnswer('digest', `Market close · ${formatDate(day)}`, day, inp.sourceLabel);
  const m = await f.market();
  const a: Answer<CloseDigestFacts> = {
    ...base,
    args: { preset: 'close' },
    basis: 'Daily moves and streaks use total return; levels and highs use split-adjusted closes.',
    // A copy: the market facts are shared by every channel's digest of the day.
    facts: { ...m.facts, returns: { ...m.facts.returns }, events: 0 },
  };
  a.lines.push(...m.lines);
  const { moves, sectors } = m;
  const top = sectors[0];
  const bottom = sectors[sectors.length - 1];

  // 4. Events: the indexes first, then the channel's watchlist.
  const symbols = [...new Set([...INDEX_SYMBOLS, ...inp.watchlist])];
  const events: DigestEvent[] = [];
  const each: DigestEvent[] = [];
  for (const sym of symbols) each.push(...(await f.events(sym)));
  a.facts.events = each.length;
  events.push(...groupEvents(each));
  const noPrice = [...new Set(each.filter((e) => e.noPrice).map((e) => e.symbol))];
  if (noPrice.length > 0) a.basis = `${a.basis} ${noPriceNote(noPrice)}`;
  const room = MAX_DIGEST_LINES - a.lines.length;
  if (events.length <= room) {
    for (const e of events) a.lines.push(`${e.text}.`);
  } else {
    // Keep the weightiest; fold the rest into the last line.
    const kept = [...events].sort((x, y) => y.weight - x.weight);
    for (const e of kept.slice(0, room - 1)) a.lines.push(`${e.text}.`);
    a.lines.push(`Also: ${kept.slice(room - 1).map((e) => e.text.replace(/\*\*/g, '')).join('; ')}.`);
  }

  // One chart: the day's moves, indexes then sectors then watchlist, as horizontal bars.
  const watchMoves: DayMove[] = [];
  for (const sym of inp.watchlist) {
    if ((INDEX_SYMBOLS as readonly string[]).includes(sym) || SECTOR_SYMBOLS.includes(sym)) continue;
    const mv = await f.move(sym);
    if (mv) watchMoves.push({ symbol: sym, ret: mv.ret });
  }
  const bars = [...moves, ...sectors, ...watchMoves].slice(0, 30);
  a.charts.push({
    kind: 'bars',
    id: `digest-${day}`,
    title: `The day's moves · ${formatDate(day)}`,
    subtitle: 'Total return on the day: indexes, the 11 sectors' + (watchMoves.length > 0 ? ', the watchlist' : ''),
    altText: `Bar chart of the day's returns. ${moves.map((m) => `${m.symbol} ${formatPercent(m.ret, 2)}`).join(', ')}${top && bottom ? `; best sector ${top.symbol} ${formatPercent(top.ret, 1)}, worst ${bottom.symbol} ${formatPercent(bottom.ret, 1)}` : ''}.`,
    footer: chartFooter(inp.sourceLabel, day),
    categories: bars.map((m) => m.symbol),
    groups: [{ label: 'Day', values: bars.map((m) => m.ret) }],
    horizontal: true,
    valueLabel: 'Return on the day',
    format: 'percent',
    colorBySign: true,
    signLegend: { positive: 'Up', negative: 'Down' },
  });
  return a;
}

/** What each preset runs besides `close`, as of the digest's day. */
export const PRESET_COMMANDS: Readonly<Record<Exclude<Preset, 'close'>, { name: string; named: Record<string, string> }>> = {
  rotation: { name: 'rotation', named: {} },
  sectors: { name: 'leaders', named: { universe: 'sectors', period: '1d' } },
  scan: { name: 'scan', named: { kind: 'all', universe: 'stocks' } },
};

/**
 * A preset's digest for `inp.day`. The other presets reuse their command's Answer, retitled, and
 * checked to be as of the day (a command whose data ends earlier must not pass for today's).
 */
export async function composeDigest(preset: Preset, inp: DigestInputs, run: RunInvocation, shared?: CloseFacts): Promise<Answer> {
  if (preset === 'close') return composeCloseDigest(inp, shared);
  const spy = await inp.series('SPY');
  const spyLast = spy.dates[spy.dates.length - 1] ?? '';
  if (spyLast !== inp.day) throw new DataNotReadyError(inp.day, spyLast);
  const spec = PRESET_COMMANDS[preset];
  const answer = await run({ name: spec.name, args: { words: [], named: { ...spec.named, asof: inp.day } } });
  if (answer.asOf !== inp.day) {
    answer.warnings.push(`These figures are as of the close of ${formatDate(answer.asOf ?? inp.day)}, not ${formatDate(inp.day)}.`);
  }
  return { ...answer, title: `${answer.title} · ${formatDate(inp.day)}`, args: { ...answer.args, preset } };
}

/** The note on a digest that reports an older close than the one it was due for. */
export function staleNote(due: string, asOf: string): string {
  return `No close for ${formatDate(due)} had arrived by the deadline: these figures are as of the close of ${formatDate(asOf)}.`;
}
