/**
 * The universe options and their loading, shared by the commands that rank or map a group of symbols
 * (/leaders, /rotationmap, /scan): a named universe (the sectors, the small-cap drivers, …) or a list of
 * one's own, each member's series as of the answer's close, and what was left out and why.
 */
import { distance } from 'fastest-levenshtein';
import { formatDate } from '../core/format.ts';
import { indexOnOrBefore, lastDate, NotEnoughDataError, type DailySeries } from '../core/series.ts';
import { findUniverse, memberName, UNIVERSE_NAMES, type Universe, type UniverseMember } from '../core/universes.ts';
import { echo } from '../echo.ts';
import { UnknownSymbolError, UserInputError } from '../errors.ts';
import type { LeftOut } from '../answer/phrases.ts';

export type { LeftOut };
import type { CommandContext } from './define.ts';
import { opt } from './options.ts';

/**
 * The universe is one text option so Discord shows one field ("sectors", or "XLE XLK XLF"). In the text
 * syntax the first bare word fills it and any further bare words fill `symbols`, so "/leaders XLE XLK XLF"
 * reads as a list. Declared by hand because `opt.symbols` is always required.
 */
/** The most symbols a list of one's own may have (the universe word and the more-symbols option together). */
export const MAX_OWN_SYMBOLS = 12;
// The count is checked over both options together in universeMembers; the option's own bound only keeps out pastes.
const MORE_SYMBOLS = opt.optionalSymbols({ description: 'More symbols for a list of your own (the universe option takes the first)', positional: true, min: 1, max: 60 });

export const UNIVERSE_OPTIONS = {
  universe: opt.text({ description: `${UNIVERSE_NAMES.join(', ')} (default sectors), or symbols, e.g. XLE XLK XLF`, maxLength: 100, positional: true }),
  symbols: MORE_SYMBOLS,
};

export interface LoadedUniverse {
  /** The named universe, or null for a list of symbols. */
  universe: Universe | null;
  /** "the sectors", or "the group" for a list. */
  label: string;
  /** "sectors", or "symbols" for a list. */
  plural: string;
  benchmark: DailySeries;
  members: { member: UniverseMember; series: DailySeries }[];
  leftOut: LeftOut[];
}

/**
 * A symbol typed whose prices stop more than this many sessions before the answer's close is left out:
 * ranking it on an older window would compare different periods, and moving the whole answer weeks back
 * for it would hide the rest's news.
 */
export const MAX_STALE_SESSIONS = 5;

/**
 * Whether a member whose prices end `behind` sessions before the answer's close is left out by name.
 * In a named or default universe (the sectors, the stocks, a channel's watchlist, /rotation's MAGS), any
 * that ends early is: the answer stays at the latest close and says "MAGS left out: its data ends Oct 1,
 * 2026". Symbols the person typed are kept when a few sessions behind: the whole answer moves to their
 * common last close and its first line says so (run.ts); weeks behind, they are left out too.
 */
export function leavesOutStale(named: boolean, behind: number): boolean {
  return named ? behind > 0 : behind > MAX_STALE_SESSIONS;
}

/** Why a stale member is left out: "its data ends Oct 1, 2026". */
export function staleReason(last: string): string {
  return `its data ends ${formatDate(last)}`;
}

/** Members to rank: a named universe, or the symbols typed; the benchmark itself is never a member. */
export function universeMembers(ctx: CommandContext, universe: string | undefined, more: readonly string[] | undefined): { universe: Universe | null; members: UniverseMember[] } {
  const words = [...(universe ?? 'sectors').split(/[\s,]+/).filter((w) => w.length > 0), ...(more ?? [])];
  const [first] = words;
  const named = first !== undefined ? findUniverse(first) : undefined;
  if (named && words.length === 1) return { universe: named, members: [...named.members] };
  if (words.length > MAX_OWN_SYMBOLS) throw new UserInputError(`Too many symbols: ${words.length} (at most ${MAX_OWN_SYMBOLS} in a list of your own).`);
  const stray = words.find((w) => findUniverse(w) !== undefined);
  if (stray !== undefined) {
    throw new UserInputError(`${echo(stray)} is a universe; name one universe or list symbols, not both.`, `Universes: ${UNIVERSE_NAMES.join(', ')}.`);
  }
  const symbols: string[] = [];
  for (const w of words) {
    let sym: string;
    try {
      sym = ctx.symbols.resolve(w);
    } catch (e) {
      if (e instanceof UnknownSymbolError && words.length === 1) {
        const near = UNIVERSE_NAMES.filter((u) => distance(u, w.toLowerCase()) <= 2);
        const hint = near.length > 0 ? `Did you mean ${near.join(' or ')}?` : `Universes: ${UNIVERSE_NAMES.join(', ')}.${e.hint ? ` ${e.hint}` : ''}`;
        throw new UserInputError(`${echo(w)} is neither a universe nor a symbol I know.`, hint);
      }
      throw e;
    }
    if (!symbols.includes(sym)) symbols.push(sym);
  }
  return { universe: null, members: symbols.map((symbol) => ({ symbol, name: memberName(symbol) ?? symbol })) };
}

export async function loadUniverse(ctx: CommandContext, universe: string | undefined, more: readonly string[] | undefined, vs: string): Promise<LoadedUniverse> {
  const picked = universeMembers(ctx, universe, more);
  const benchmark = await ctx.series(vs);
  const leftOut: LeftOut[] = [];
  const candidates = picked.members.filter((m) => m.symbol !== vs);
  if (candidates.length < picked.members.length) leftOut.push({ symbol: vs, reason: 'it is the benchmark' });
  if (candidates.length === 0) throw new UserInputError(`Nothing to rank against ${vs}: the only member is ${vs} itself.`, 'Pick another benchmark with vs:SYMBOL.');
  const benchEnd = benchmark.dates.length - 1;
  const loaded = await Promise.all(
    candidates.map(async (member) => {
      try {
        return { member, series: await ctx.series(member.symbol) };
      } catch (e) {
        if (!(e instanceof NotEnoughDataError)) throw e;
        return { member, series: null };
      }
    }),
  );
  const members: LoadedUniverse['members'] = [];
  for (const { member, series } of loaded) {
    if (series === null) {
      leftOut.push({ symbol: member.symbol, reason: `it has no prices on or before ${formatDate(ctx.asOf)}` });
      continue;
    }
    const last = lastDate(series);
    const behind = benchEnd - indexOnOrBefore(benchmark.dates, last);
    if (leavesOutStale(picked.universe !== null, behind)) {
      leftOut.push({ symbol: member.symbol, reason: staleReason(last) });
      // Named as left out: its early end does not move the answer's close.
      ctx.leaveOut?.(member.symbol);
      continue;
    }
    members.push({ member, series });
  }
  if (members.length === 0) {
    throw new NotEnoughDataError(`none of ${candidates.map((m) => m.symbol).join(', ')} has prices up to ${formatDate(lastDate(benchmark))}`);
  }
  return {
    universe: picked.universe,
    label: picked.universe?.label ?? 'the group',
    plural: picked.universe?.plural ?? 'symbols',
    benchmark,
    members,
    leftOut,
  };
}
