/**
 * The provider chain of DATA_PROVIDERS (e.g. `yahoo,tiingo,bundled`): asks each provider in order
 * and answers with the first that succeeds.
 *
 * - A provider whose `knows(symbol)` is false is skipped without a request (Tiingo, Polygon and
 *   Alpha Vantage have no ^GSPC).
 * - Any failure (down, timed out, rate-limited, circuit open, refused by the sanity checks) moves
 *   on to the next provider; an aborted signal stops the chain at once.
 * - When a provider that is not live (the bundled files) answers after live ones failed, the result
 *   says so (`fallback`), so the cache can warn "data as of …, live data unavailable".
 * - When every provider fails: 'not-found' if each one said so, otherwise the most actionable
 *   failure (rate-limited, then timeout, then unavailable, then invalid-data) with every
 *   provider's reason in the message for the log.
 * - Plausibility (plausibility.ts): what a live provider returns is checked against the series' own
 *   history and against the trusted record (`reference`, the bundled files) of the same dates. A
 *   suspect move is put to the other sources (the rest of the chain, then the reference) for the
 *   same two days: confirmed, it passes; contradicted or unconfirmed, the provider's answer is
 *   refused (ImplausibleDataError) and the next provider is asked, like any other failure.
 * - Time budget (`budgetMs`, ANSWER_BUDGET_S; or the caller's `budget` signal, one per answer): when
 *   it runs out, the live provider being asked is abandoned (its retries too), no further live
 *   provider is asked, and the offline fallback answers, marked `fallback` so the answer says so.
 */
import { formatDate } from '../../core/format.ts';
import type { DailyBar } from '../../core/series.ts';
import { ImplausibleDataError, ProviderError, type ProviderFailure } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { PriceProvider } from '../provider.ts';
import { isHistoryProvider, type HistoryFetchOptions, type HistoryProvider, type PriceHistory } from './actions.ts';
import type { LiveProvider } from './live.ts';
import { continuityBreaks, judgeMove, moveFloorFor, suspectMoves, type SuspectMove } from './plausibility.ts';
import { at } from '../../core/at.ts';

export function isLiveProvider(p: PriceProvider): p is LiveProvider {
  return (p as Partial<LiveProvider>).live === true;
}

export interface FailoverProvider extends HistoryProvider {
  /** The chain, in order. */
  readonly providers: readonly PriceProvider[];
}

export interface FailoverOptions {
  /** Stored beside cached series; default 'live'. Changing the order of the chain keeps the cache. */
  name?: string;
  logger?: Logger;
  /**
   * A trusted record to check live data against and to confirm suspect moves with (the bundled
   * files), whether or not it is also in the chain. None: only the chain's other providers confirm.
   */
  reference?: PriceProvider;
  /** The most time one fetch may spend on live providers before the fallback answers; default none. */
  budgetMs?: number;
  /** What kind of series a symbol is (the manifest's `kind`: index, etf, stock, crypto); sets rule 1's floor. */
  kindOf?: (symbol: string) => string | undefined;
}

/** Why the live providers stopped: the time budget ran out. */
class BudgetSpent extends Error {
  override readonly name = 'BudgetSpent';
}

/** At most this many suspect moves are put to other sources; more than that is broken data. */
const MAX_SUSPECTS = 4;
/** A suspect move among the newest this many bars is refused unless confirmed; an older one is labelled. */
const RECENT_BARS = 5;

const PREFERENCE: readonly ProviderFailure[] = ['rate-limited', 'timeout', 'unavailable', 'invalid-data', 'not-found'];

export function createFailoverProvider(providers: readonly PriceProvider[], opts: FailoverOptions = {}): FailoverProvider {
  if (providers.length === 0) throw new Error('failover: no providers');
  const name = opts.name ?? 'live';
  const logger = opts.logger;

  const reference = opts.reference;

  const historyOf = async (p: PriceProvider, symbol: string, o: HistoryFetchOptions & { signal?: AbortSignal }): Promise<PriceHistory> =>
    isHistoryProvider(p) ? p.fetchHistory(symbol, o) : { bars: await p.fetchDaily(symbol, o), dividends: [], splits: [] };

  /**
   * Puts each suspect move of `p`'s answer to the other sources, in chain order then the reference,
   * and refuses the answer unless every suspect is confirmed by one of them.
   */
  const crossCheck = async (
    p: PriceProvider,
    symbol: string,
    suspects: readonly SuspectMove[],
    recentFrom: string,
    signal: AbortSignal | undefined,
  ): Promise<string[]> => {
    const describe = (m: SuspectMove): string =>
      `${symbol} moves ${(Math.expm1(m.logMove) * 100).toFixed(1)}% from ${formatDate(m.prevDate)} to ${formatDate(m.date)}, far outside its own history`;
    const refuse = (m: SuspectMove, why: string): never => {
      throw new ImplausibleDataError(p.name, symbol, m.date, Math.expm1(m.logMove), `${p.name}: ${describe(m)}; ${why}.`);
    };
    if (suspects.length > MAX_SUSPECTS) refuse(at(suspects, 0), `${suspects.length} such moves: not checked one by one`);
    const others = [...providers.filter((q) => q !== p), ...(reference && !providers.includes(reference) ? [reference] : [])].filter(
      (q) => !q.knows || q.knows(symbol),
    );
    const from = suspects.reduce((d, m) => (m.prevDate < d ? m.prevDate : d), at(suspects, 0).prevDate);
    const verdicts = suspects.map(() => 'unknown' as 'confirmed' | 'contradicted' | 'unknown');
    const heard: string[] = [];
    for (const q of others) {
      if (verdicts.every((v) => v !== 'unknown')) break;
      if (signal?.aborted) break;
      let bars: readonly DailyBar[];
      try {
        bars = (await historyOf(q, symbol, { from, ...(signal ? { signal } : {}) })).bars;
      } catch (err) {
        logger?.info({ provider: q.name, symbol, reason: err instanceof Error ? err.message : String(err) }, 'could not cross-check a suspect move');
        continue;
      }
      suspects.forEach((m, i) => {
        if (verdicts[i] !== 'unknown') return;
        verdicts[i] = judgeMove(m, bars);
        if (verdicts[i] !== 'unknown') heard.push(`${q.name} ${verdicts[i]} ${m.date}`);
      });
    }
    logger?.warn({ provider: p.name, symbol, suspects, verdicts: heard }, 'implausible move in provider data: cross-checked');
    const doubts: string[] = [];
    suspects.forEach((m, i) => {
      if (verdicts[i] === 'contradicted') refuse(m, `contradicted by another source (${heard.join(', ')})`);
      if (verdicts[i] !== 'unknown') return;
      // Unconfirmed and recent: refused (the cache keeps its older copy, labelled; a retry may fix it).
      // Unconfirmed and older than the last few sessions: kept, but every answer says so, rather than
      // refusing the symbol's whole history for good over one day nobody else can vouch for.
      if (m.date >= recentFrom) refuse(m, 'no second source could confirm it');
      const change = Math.expm1(m.logMove) * 100;
      doubts.push(
        `${symbol}: a ${change >= 0 ? '+' : '−'}${Math.abs(change).toFixed(1)}% move on ${formatDate(m.date)} in ${p.name}'s prices that no second source could confirm; figures spanning that day may be wrong.`,
      );
    });
    return doubts;
  };

  /** The plausibility rules on a live provider's answer (see plausibility.ts); throws ImplausibleDataError. */
  const checkPlausible = async (p: PriceProvider, symbol: string, history: PriceHistory, signal: AbortSignal | undefined): Promise<string[]> => {
    let trusted: readonly DailyBar[] | undefined;
    if (reference && reference !== p && (!reference.knows || reference.knows(symbol)) && history.bars.length > 0) {
      try {
        trusted = (await historyOf(reference, symbol, { from: at(history.bars, 0).date })).bars;
      } catch {
        trusted = undefined; // the reference lacks the symbol: nothing to compare with
      }
      const breaks = trusted ? continuityBreaks(history.bars, trusted) : [];
      const first = breaks[0];
      if (first) {
        throw new ImplausibleDataError(
          p.name,
          symbol,
          first.date,
          undefined,
          `${p.name}: ${symbol} closed at ${first.close} on ${formatDate(first.date)} where the ${reference.name} record implies ${first.expected.toFixed(2)}` +
            `${breaks.length > 1 ? ` (and ${breaks.length - 1} more such days)` : ''}.`,
        );
      }
    }
    const suspects = suspectMoves(history.bars, moveFloorFor(opts.kindOf?.(symbol), trusted));
    if (suspects.length === 0) return [];
    const recentFrom = at(history.bars, Math.max(0, history.bars.length - RECENT_BARS)).date;
    return crossCheck(p, symbol, suspects, recentFrom, signal);
  };

  const fetchHistory = async (symbol: string, o: HistoryFetchOptions = {}): Promise<PriceHistory> => {
    const failures: ProviderError[] = [];
    const skipped: string[] = [];
    let liveFailed = false;
    // The budget: the caller's (one per answer), or this fetch's own.
    let timer: ReturnType<typeof setTimeout> | undefined;
    let budget = o.budget;
    if (!budget && opts.budgetMs !== undefined) {
      const ac = new AbortController();
      timer = setTimeout(() => ac.abort(new BudgetSpent(`the ${opts.budgetMs} ms budget ran out`)), opts.budgetMs);
      budget = ac.signal;
    }
    const budgetMs = opts.budgetMs;
    const overBudget = (p: PriceProvider): ProviderError =>
      new ProviderError(p.name, 'timeout', `${p.name}: stopped waiting, the answer's time budget${budgetMs !== undefined ? ` (${budgetMs / 1000} s)` : ''} ran out`);
    const liveSignal = budget ? (o.signal ? AbortSignal.any([o.signal, budget]) : budget) : o.signal;
    try {
      for (const p of providers) {
        o.signal?.throwIfAborted();
        if (p.knows && !p.knows(symbol)) {
          skipped.push(p.name);
          continue;
        }
        const live = isLiveProvider(p);
        try {
          if (live && budget?.aborted) throw overBudget(p);
          const signal = live ? liveSignal : o.signal;
          const { budget: _own, ...rest } = o;
          const history = await historyOf(p, symbol, { ...rest, ...(signal ? { signal } : {}) });
          const doubts = live ? await checkPlausible(p, symbol, history, liveSignal) : [];
          if (history.repairs && history.repairs.length > 0) logger?.info({ provider: p.name, symbol, repairs: history.repairs }, 'repaired provider data');
          const fallback = liveFailed && !live;
          return {
            ...history,
            ...(doubts.length > 0 ? { doubts } : {}),
            provider: p.name,
            ...(fallback ? { fallback: true, fallbackReason: failures.map((f) => f.message).join('; ') } : {}),
          };
        } catch (err) {
          o.signal?.throwIfAborted();
          const e =
            err instanceof ProviderError
              ? err
              : live && budget?.aborted
                ? overBudget(p)
                : new ProviderError(p.name, 'unavailable', `${p.name} failed: ${err instanceof Error ? err.message : String(err)}`, undefined, { cause: err });
          failures.push(e);
          if (live && e.failure !== 'not-found') liveFailed = true;
          logger?.warn({ provider: p.name, symbol, failure: e.failure, reason: e.message }, 'provider failed, trying the next');
        }
      }
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
    if (failures.length === 0) {
      throw new ProviderError(name, 'not-found', `${symbol} is not available from the configured data providers (${skipped.join(', ')}).`, undefined, { symbol });
    }
    if (failures.every((f) => f.failure === 'not-found')) {
      throw new ProviderError(name, 'not-found', failures.map((f) => f.message).join('; '), undefined, { symbol });
    }
    const worst = PREFERENCE.find((k) => failures.some((f) => f.failure === k)) ?? 'unavailable';
    const everyReason = `No market data for ${symbol} right now: ${failures.map((f) => `${f.provider}: ${f.message}`).join('; ')}`;
    const implausible = failures.find((f): f is ImplausibleDataError => f instanceof ImplausibleDataError);
    if (worst === 'invalid-data' && implausible) {
      // Refused as implausible, and no other provider had anything better: say so, not "unavailable".
      throw new ImplausibleDataError(name, implausible.symbol, implausible.date, implausible.change, everyReason);
    }
    const waits = failures.map((f) => f.retryAfterSeconds).filter((s): s is number => s !== undefined);
    throw new ProviderError(name, worst, everyReason, waits.length > 0 ? Math.min(...waits) : undefined, { cause: failures[0] });
  };

  return {
    name,
    providers,
    knows: (symbol) => providers.some((p) => !p.knows || p.knows(symbol)),
    fetchHistory,
    async fetchDaily(symbol, o) {
      return (await fetchHistory(symbol, o)).bars;
    },
  };
}
