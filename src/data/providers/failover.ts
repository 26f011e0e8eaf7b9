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
 */
import { ProviderError, type ProviderFailure } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { PriceProvider } from '../provider.ts';
import { isHistoryProvider, type HistoryProvider, type PriceHistory } from './actions.ts';
import type { LiveProvider } from './live.ts';

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
}

const PREFERENCE: readonly ProviderFailure[] = ['rate-limited', 'timeout', 'unavailable', 'invalid-data', 'not-found'];

export function createFailoverProvider(providers: readonly PriceProvider[], opts: FailoverOptions = {}): FailoverProvider {
  if (providers.length === 0) throw new Error('failover: no providers');
  const name = opts.name ?? 'live';
  const logger = opts.logger;

  const fetchHistory = async (symbol: string, o: { from?: string; signal?: AbortSignal } = {}): Promise<PriceHistory> => {
    const failures: ProviderError[] = [];
    const skipped: string[] = [];
    let liveFailed = false;
    for (const p of providers) {
      o.signal?.throwIfAborted();
      if (p.knows && !p.knows(symbol)) {
        skipped.push(p.name);
        continue;
      }
      try {
        const history: PriceHistory = isHistoryProvider(p)
          ? await p.fetchHistory(symbol, o)
          : { bars: await p.fetchDaily(symbol, o), dividends: [], splits: [] };
        if (history.repairs && history.repairs.length > 0) logger?.info({ provider: p.name, symbol, repairs: history.repairs }, 'repaired provider data');
        const fallback = liveFailed && !isLiveProvider(p);
        return {
          ...history,
          provider: p.name,
          ...(fallback ? { fallback: true, fallbackReason: failures.map((f) => f.message).join('; ') } : {}),
        };
      } catch (err) {
        o.signal?.throwIfAborted();
        const e =
          err instanceof ProviderError
            ? err
            : new ProviderError(p.name, 'unavailable', `${p.name} failed: ${err instanceof Error ? err.message : String(err)}`, undefined, { cause: err });
        failures.push(e);
        if (isLiveProvider(p) && e.failure !== 'not-found') liveFailed = true;
        logger?.warn({ provider: p.name, symbol, failure: e.failure, reason: e.message }, 'provider failed, trying the next');
      }
    }
    if (failures.length === 0) {
      throw new ProviderError(name, 'not-found', `${symbol} is not available from the configured data providers (${skipped.join(', ')}).`, undefined, { symbol });
    }
    if (failures.every((f) => f.failure === 'not-found')) {
      throw new ProviderError(name, 'not-found', failures.map((f) => f.message).join('; '), undefined, { symbol });
    }
    const worst = PREFERENCE.find((k) => failures.some((f) => f.failure === k)) ?? 'unavailable';
    const waits = failures.map((f) => f.retryAfterSeconds).filter((s): s is number => s !== undefined);
    throw new ProviderError(
      name,
      worst,
      `No market data for ${symbol} right now: ${failures.map((f) => `${f.provider}: ${f.message}`).join('; ')}`,
      waits.length > 0 ? Math.min(...waits) : undefined,
      { cause: failures[0] },
    );
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
