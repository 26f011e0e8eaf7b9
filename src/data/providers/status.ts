/**
 * The data side of /status: each provider's health (circuit state, last success, last failure)
 * and the newest close the cache holds per symbol.
 */
import type { PriceProvider } from '../provider.ts';
import type { CachedSeriesStatus } from '../cache.ts';
import type { CircuitStatus, ProviderHealth } from './http.ts';
import { isLiveProvider } from './failover.ts';

export interface ProviderStatus extends Omit<ProviderHealth, 'circuit'> {
  /** False for the offline bundled files. */
  readonly live: boolean;
  /** 'n/a' for a provider that does no network requests. */
  readonly circuit: CircuitStatus | 'n/a';
}

export interface StatusReport {
  readonly generatedAt: string;
  /** In failover order. */
  readonly providers: readonly ProviderStatus[];
  readonly cache: readonly CachedSeriesStatus[];
}

export function buildStatusReport(
  providers: readonly PriceProvider[],
  cache: { cacheStatus(): CachedSeriesStatus[] },
  now: Date = new Date(),
): StatusReport {
  return {
    generatedAt: now.toISOString(),
    providers: providers.map((p): ProviderStatus => {
      if (isLiveProvider(p)) return { ...p.health(), live: true };
      return { name: p.name, live: false, circuit: 'n/a', lastSuccessAt: null, lastFailure: null, requests: 0, failedRequests: 0 };
    }),
    cache: cache.cacheStatus(),
  };
}
