/**
 * Builds the market-data upstream from the validated configuration: DATA_PROVIDERS in order, each
 * with its key and base URL (`YAHOO_BASE_URL`, … for proxies and tests). `bundled` alone keeps the
 * offline behaviour exactly (no refresh, no network); any live provider turns on the failover
 * chain and the live refresh policy.
 */
import type { Config } from '../../config.ts';
import type { Logger } from '../../log.ts';
import { createBundledProvider } from '../bundled.ts';
import type { RefreshPolicy } from '../cache.ts';
import type { PriceProvider } from '../provider.ts';
import { createAlphaVantageProvider } from './alphavantage.ts';
import { createFailoverProvider } from './failover.ts';
import type { HttpPolicy } from './http.ts';
import { createPolygonProvider } from './polygon.ts';
import { liveRefreshPolicy, type LiveRefreshOptions } from './refresh.ts';
import { createTiingoProvider } from './tiingo.ts';
import { createYahooProvider } from './yahoo.ts';

export interface DataSources {
  /** What the cache fetches from: the bundled provider, or the failover chain. */
  readonly upstream: PriceProvider;
  /** The configured providers, in order (for /status). */
  readonly providers: readonly PriceProvider[];
  /** Undefined for bundled data alone (never refresh). */
  readonly refreshPolicy?: RefreshPolicy;
  /** For answers' footnotes when live; undefined for bundled data alone. */
  readonly sourceLabel?: string;
}

export interface DataSourcesOptions {
  logger?: Logger;
  /** What kind of series a symbol is (the manifest's `kind`), for the plausibility rules' floor. */
  kindOf?: (symbol: string) => string | undefined;
  clock?: () => Date;
  /** Overrides every provider's HTTP policy (tests use tiny timeouts and backoff). */
  httpPolicy?: Partial<HttpPolicy>;
  refresh?: LiveRefreshOptions;
  /** Where the bundled CSVs are (tests). */
  bundledDir?: string | URL;
}

const DISPLAY: Record<Config['DATA_PROVIDERS'][number], string> = {
  yahoo: 'Yahoo Finance',
  tiingo: 'Tiingo',
  polygon: 'Massive (Polygon.io)',
  alphavantage: 'Alpha Vantage',
  bundled: 'bundled data',
};

function requireKey(key: string | undefined, variable: string): string {
  // config.ts already refuses to start without it; this keeps the types honest.
  if (!key) throw new Error(`${variable} is required for this provider`);
  return key;
}

export function createDataSources(config: Config, opts: DataSourcesOptions = {}): DataSources {
  const names = config.DATA_PROVIDERS;
  const common = {
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.httpPolicy ? { policy: opts.httpPolicy } : {}),
  };
  // One bundled provider: the last resort when listed, and always the trusted record live data is
  // checked against (plausibility.ts).
  let bundledOne: PriceProvider | undefined;
  const bundled = (): PriceProvider => (bundledOne ??= createBundledProvider(opts.bundledDir));
  if (names.length === 1 && names[0] === 'bundled') {
    const only = bundled();
    return { upstream: only, providers: [only] };
  }
  const providers = names.map((n): PriceProvider => {
    switch (n) {
      case 'yahoo':
        return createYahooProvider({ ...common, ...(config.YAHOO_BASE_URL ? { baseURL: config.YAHOO_BASE_URL } : {}) });
      case 'tiingo':
        return createTiingoProvider({
          ...common,
          apiKey: requireKey(config.TIINGO_API_KEY, 'TIINGO_API_KEY'),
          ...(config.TIINGO_BASE_URL ? { baseURL: config.TIINGO_BASE_URL } : {}),
        });
      case 'polygon':
        return createPolygonProvider({
          ...common,
          apiKey: requireKey(config.POLYGON_API_KEY, 'POLYGON_API_KEY'),
          ...(config.POLYGON_BASE_URL ? { baseURL: config.POLYGON_BASE_URL } : {}),
        });
      case 'alphavantage':
        return createAlphaVantageProvider({
          ...common,
          apiKey: requireKey(config.ALPHAVANTAGE_API_KEY, 'ALPHAVANTAGE_API_KEY'),
          ...(config.ALPHAVANTAGE_BASE_URL ? { baseURL: config.ALPHAVANTAGE_BASE_URL } : {}),
        });
      case 'bundled':
        return bundled();
    }
  });
  const [first, ...rest] = names.map((n) => DISPLAY[n]);
  return {
    upstream: createFailoverProvider(providers, {
      ...(opts.logger ? { logger: opts.logger } : {}),
      reference: bundled(),
      budgetMs: Math.round(config.ANSWER_BUDGET_S * 1000),
      ...(opts.kindOf ? { kindOf: opts.kindOf } : {}),
    }),
    providers,
    refreshPolicy: liveRefreshPolicy(opts.refresh),
    sourceLabel: `${first ?? 'live'} daily prices${rest.length > 0 ? ` (fallback: ${rest.join(', ')})` : ''}`,
  };
}
