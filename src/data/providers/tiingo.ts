/**
 * Tiingo end-of-day prices (needs TIINGO_API_KEY). One request per fetch:
 *
 *   GET {base}/tiingo/daily/{ticker}/prices?startDate=YYYY-MM-DD&resampleFreq=daily&format=json
 *   Authorization: Token {key}
 *
 * Documented at https://www.tiingo.com/documentation/end-of-day (§2.1.2): rows of `date` (the trading
 * day at 00:00 UTC), raw `open/high/low/close/volume`, their CRSP-adjusted `adj*` twins, `divCash`
 * (the cash dividend going ex that day, per as-traded share) and `splitFactor` (new shares per old on
 * the split's ex-day, else 1). Without `startDate` Tiingo returns only the latest day, so a full
 * history asks from 1900-01-01 (Tiingo's own advice is "startDate=1960-1-1",
 * https://www.tiingo.com/kb/article/the-fastest-method-to-ingest-tiingo-end-of-day-stock-api-data/).
 *
 * We use the raw prices with `splitFactor` (split-adjusted here) and `divCash`, and derive the total
 * return ourselves like for every provider (actions.ts), so a Tiingo top-up fits a Yahoo history.
 *
 * Errors: `{"detail":"Error: Ticker 'XYZ' not found"}` (HTTP 404) → not-found; "You have run over your
 * hourly request allocation" / "… symbol look up for this month" → rate-limited (not worth a quick
 * retry: fail over). Tiingo has no index levels (^GSPC), so `knows` says no to them.
 *
 * Quota of the free plan: 50 requests per hour, 1,000 per day, 500 distinct symbols per month
 * (https://www.tiingo.com/about/pricing).
 */
import { z } from 'zod';
import { ProviderError } from '../../errors.ts';
import { applySplits, splitFactorAfter, type RawBar, type Split } from './actions.ts';
import { providerHttpFor, httpFailure, parseJson, parseRetryAfter, type HttpResponse, type ProviderOverrides } from './http.ts';
import { createLiveProvider, type LiveProvider } from './live.ts';

export const TIINGO_BASE_URL = 'https://api.tiingo.com';
export const TIINGO_RATE_LIMITS = [
  { limit: 50, perMs: 3_600_000 },
  { limit: 1_000, perMs: 86_400_000 },
] as const;

const num = z.number().nullable();
const Row = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}/),
  open: num,
  high: num,
  low: num,
  close: num,
  volume: num,
  adjClose: num.optional(),
  divCash: z.number().optional(),
  splitFactor: z.number().optional(),
});
const Prices = z.array(Row);

function tiingoError(res: HttpResponse): ProviderError | undefined {
  const parsed = z.object({ detail: z.string() }).safeParse(res.json);
  if (!parsed.success) return undefined;
  const detail = parsed.data.detail;
  if (/not found/i.test(detail)) return new ProviderError('tiingo', 'not-found', `Tiingo has no data for that symbol (${detail}).`);
  if (/run over|request allocation|symbol look ?up/i.test(detail)) {
    return new ProviderError('tiingo', 'rate-limited', `tiingo: ${detail}`, parseRetryAfter(res.headers['retry-after']));
  }
  if (res.status === 401 || res.status === 403 || /token/i.test(detail)) {
    return new ProviderError('tiingo', 'unavailable', `tiingo rejected our request (${detail}): check TIINGO_API_KEY`);
  }
  return undefined;
}

export interface TiingoOptions extends ProviderOverrides {
  apiKey: string;
}

export function createTiingoProvider(opts: TiingoOptions): LiveProvider {
  const name = 'tiingo';
  const { http, clock } = providerHttpFor(name, { baseURL: TIINGO_BASE_URL, rateLimits: TIINGO_RATE_LIMITS, headers: { Authorization: `Token ${opts.apiKey}` } }, opts);
  return createLiveProvider({
    name,
    http,
    clock,
    knows: (symbol) => !symbol.startsWith('^'),
    unknownMessage: (symbol) => `Tiingo has no index data (${symbol}).`,
    fetchRaw(symbol, from, signal) {
      // Tiingo writes share classes with a dash (BRK-B).
      const ticker = symbol.replace(/\./g, '-');
      return http.get(`/tiingo/daily/${encodeURIComponent(ticker)}/prices`, {
        params: { startDate: from ?? '1900-01-01', resampleFreq: 'daily', format: 'json' },
        ...(signal ? { signal } : {}),
        interpret(res) {
          const known = tiingoError(res);
          if (known) throw known;
          const generic = httpFailure(name, res, clock());
          if (generic) throw generic;
          const rows = parseJson(name, `the prices of ${symbol}`, Prices, res.json);
          const splits: Split[] = rows
            .filter((r) => r.splitFactor !== undefined && r.splitFactor !== 1)
            .map((r) => ({ date: r.date.slice(0, 10), ratio: r.splitFactor as number }));
          const raw: RawBar[] = rows.map((r) => ({ date: r.date.slice(0, 10), open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume }));
          const dividends = rows
            .filter((r) => (r.divCash ?? 0) > 0)
            .map((r) => {
              const date = r.date.slice(0, 10);
              return { date, amount: (r.divCash as number) / splitFactorAfter(splits, date) };
            });
          return { bars: applySplits(raw, splits), dividends, splits };
        },
      });
    },
  });
}
