/**
 * The port every market-data provider implements (bundled CSVs now; Yahoo, Tiingo, Polygon,
 * Alpha Vantage later). Caching, retries and fallbacks wrap a provider from outside; a provider
 * only fetches and validates.
 */
import type { DailyBar } from '../core/series.ts';
import { ProviderError } from '../errors.ts';
import { at } from '../core/at.ts';

/**
 * Contract, checked for every provider by one shared test suite:
 * - `fetchDaily` resolves to bars strictly ascending by `date` (ISO `YYYY-MM-DD`, exchange-local
 *   trading day), with no duplicate dates.
 * - `adjClose` is always present, finite and > 0 (split- and dividend-adjusted: total return).
 *   `close`/`open`/`high`/`low` are split-adjusted only and may be `null` when the source has no
 *   reliable value; `volume` may be `null`. See data/README.md for the two price bases.
 * - With `from`, only bars dated on or after `from` are returned (possibly none: nothing new yet).
 *   Without it, the provider's full history for the symbol.
 * - Failures throw `ProviderError` with the provider's `name` and a failure kind: `'not-found'`
 *   (the provider has no such symbol; its message is shown to people as is, so it must read well),
 *   `'unavailable'`, `'rate-limited'`, `'timeout'`, or `'invalid-data'` (the response broke this
 *   contract). An aborted `signal` rejects with the signal's reason.
 */
export interface PriceProvider {
  /** Short, stable id, stored beside cached bars (e.g. `'bundled'`, `'yahoo'`). */
  readonly name: string;
  /** Daily bars for a canonical symbol, oldest first; `from` inclusive ISO date to fetch only what is missing. */
  fetchDaily(symbol: string, opts?: { from?: string; signal?: AbortSignal }): Promise<DailyBar[]>;
  /** Whether the provider can serve this canonical symbol at all, when it knows. */
  knows?(symbol: string): boolean;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isPositiveOrNull(x: number | null): boolean {
  return x === null || (Number.isFinite(x) && x > 0);
}

/**
 * Checks bars against the contract above and returns them unchanged; throws
 * `ProviderError(provider, 'invalid-data')` naming the first offending bar. Providers call it on
 * what they parsed, and the cache calls it again on whatever a provider returns.
 */
export function validateBars(provider: string, symbol: string, bars: readonly DailyBar[]): readonly DailyBar[] {
  let previous = '';
  for (let i = 0; i < bars.length; i++) {
    const b = at(bars, i);
    const fail = (why: string): never => {
      throw new ProviderError(provider, 'invalid-data', `${provider}: ${symbol} bar ${i} (${b.date}): ${why}`);
    };
    if (typeof b.date !== 'string' || !ISO_DATE.test(b.date)) fail('date is not YYYY-MM-DD');
    if (b.date <= previous) fail(`not after the previous bar ${previous}`);
    if (!Number.isFinite(b.adjClose) || b.adjClose <= 0) fail(`adjClose ${b.adjClose} is not a positive number`);
    if (!isPositiveOrNull(b.close) || !isPositiveOrNull(b.open) || !isPositiveOrNull(b.high) || !isPositiveOrNull(b.low)) {
      fail('a price is not a positive number');
    }
    if (b.volume !== null && !(Number.isFinite(b.volume) && b.volume >= 0)) fail(`volume ${b.volume} is negative`);
    previous = b.date;
  }
  return bars;
}
