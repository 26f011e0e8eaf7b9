/**
 * What commands ask for price data. One implementation today (the SQLite-cached provider in
 * cache.ts); tests can hand commands a small fake.
 */
import type { DailySeries } from '../core/series.ts';

export interface MarketData {
  /** Full known history of a symbol (canonical, or anything the symbol directory resolves), oldest first. */
  series(symbol: string, opts?: SeriesOptions): Promise<DailySeries>;
  /** The newest date with a bar of the reference symbol (SPY): "as of" for every answer. */
  latestClose(): Promise<string>;
  /** Where the prices come from, for the footnote of an answer (e.g. "bundled data"). */
  readonly sourceLabel: string;
  /**
   * Warnings an answer that uses this symbol must carry, e.g. "Data as of Aug 21, 2026, live data
   * unavailable." when live providers failed and the cache answered. Optional: bundled data has none.
   */
  notes?(symbol: string): readonly string[];
  /**
   * For live data only: when the newest stored bar of a symbol is more than two completed NYSE
   * sessions old at the market data's clock, which bar that is and how many sessions have closed
   * since. Undefined when fresh, and always for the bundled offline prices (never live).
   */
  staleness?(symbol: string): Staleness | undefined;
  /**
   * Doubts about a symbol's stored prices that answers must lead with: a suspect move no second
   * source could confirm (providers/plausibility.ts), one sentence each.
   */
  doubts?(symbol: string): readonly string[];
  /**
   * The splits the stored prices are adjusted for, as the live provider reported them (its split events;
   * `ratio` new shares per old one, `date` the first day on the new basis). The bundled prices' splits are
   * in the manifest instead. An answer as of an earlier date undoes them (src/core/splits.ts).
   */
  splits?(symbol: string): readonly { date: string; ratio: number }[];
  /**
   * Calls `listener` each time a fetch from a live provider stored bars for a symbol already held,
   * with the newest stored date: how alerts learn of a close the moment it arrives. Returns the
   * unsubscribe. Absent for data that never changes (the bundled prices).
   */
  onRefresh?(listener: (symbol: string, lastDate: string) => void): () => void;
}

export interface SeriesOptions {
  /**
   * The answer's time budget (the runner's, ANSWER_BUDGET_S): when it fires, live providers stop
   * and the bundled or cached prices answer, labelled as such.
   */
  budget?: AbortSignal;
}

export interface Staleness {
  readonly symbol: string;
  /** The newest bar the answer has for the symbol. */
  readonly lastDate: string;
  /** Completed NYSE sessions after `lastDate` up to now. */
  readonly sessions: number;
}

/** More completed sessions than this without a new bar, and live data is called stale. */
export const STALE_AFTER_SESSIONS = 2;
