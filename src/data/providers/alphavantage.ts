/**
 * Alpha Vantage (needs ALPHAVANTAGE_API_KEY). One request per fetch:
 *
 *   GET {base}/query?function=TIME_SERIES_DAILY_ADJUSTED&symbol=SPY&outputsize=compact|full&apikey={key}
 *
 * Documented at https://www.alphavantage.co/documentation/#dailyadj: `Time Series (Daily)` keyed by
 * date, newest first, each with "1. open" … "4. close" (as traded), "5. adjusted close", "6. volume",
 * "7. dividend amount" (on the ex-date, per as-traded share) and "8. split coefficient" (new shares per
 * old on the split's ex-date, else 1.0). `compact` is the latest 100 days, `full` 20+ years; a top-up
 * asks for `compact` when that covers it. Alpha Vantage only takes the key as a query parameter.
 *
 * Closes are split-adjusted here with the split coefficients and the total return derived from the
 * dividend amounts (actions.ts); "5. adjusted close" is not used.
 *
 * Alpha Vantage answers HTTP 200 for its errors, with a JSON object instead of the series:
 * - `{"Error Message": "Invalid API call. …"}` → not-found (it says so for unknown symbols);
 * - `{"Note": "… API call frequency is 5 calls per minute and 500 calls per day …"}` (older) or
 *   `{"Information": "… rate limit is 25 requests per day …"}` → rate-limited;
 * - `{"Information": "… This is a premium endpoint …"}` → unavailable (the key's plan lacks it).
 * No index levels: `knows` says no to ^GSPC & co. Quota of the free plan: 25 requests per day
 * (formerly 5 per minute and 500 per day); premium plans allow 75 or more per minute.
 */
import { z } from 'zod';
import { ProviderError } from '../../errors.ts';
import { tradingDaysBetween } from '../calendar.ts';
import { applySplits, splitFactorAfter, type RawBar, type Split } from './actions.ts';
import { providerHttpFor, httpFailure, parseJson, type HttpResponse, type ProviderOverrides } from './http.ts';
import { createLiveProvider, newYorkDate, type LiveProvider } from './live.ts';

export const ALPHAVANTAGE_BASE_URL = 'https://www.alphavantage.co';
export const ALPHAVANTAGE_RATE_LIMITS = [
  { limit: 5, perMs: 60_000 },
  { limit: 25, perMs: 86_400_000 },
] as const;
/** `compact` returns the latest 100 data points; leave a margin for holidays we might not know. */
const COMPACT_DAYS = 95;

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/);
const Day = z.object({
  '1. open': decimal,
  '2. high': decimal,
  '3. low': decimal,
  '4. close': decimal,
  '5. adjusted close': decimal.optional(),
  '6. volume': decimal,
  '7. dividend amount': decimal,
  '8. split coefficient': decimal,
});
const Series = z.object({
  'Meta Data': z.record(z.string(), z.string()),
  'Time Series (Daily)': z.record(z.iso.date(), Day),
});

function alphaVantageError(res: HttpResponse): ProviderError | undefined {
  const parsed = z
    .object({ 'Error Message': z.string().optional(), Note: z.string().optional(), Information: z.string().optional() })
    .safeParse(res.json);
  if (!parsed.success) return undefined;
  const { 'Error Message': error, Note: note, Information: info } = parsed.data;
  if (error !== undefined) {
    if (/apikey/i.test(error)) return new ProviderError('alphavantage', 'unavailable', `alphavantage rejected the key (${error}): check ALPHAVANTAGE_API_KEY`);
    return new ProviderError('alphavantage', 'not-found', 'Alpha Vantage has no daily series for that symbol.');
  }
  if (note !== undefined) return new ProviderError('alphavantage', 'rate-limited', `alphavantage: ${note}`);
  if (info !== undefined) {
    if (/premium endpoint/i.test(info)) {
      return new ProviderError('alphavantage', 'unavailable', `alphavantage: TIME_SERIES_DAILY_ADJUSTED needs a premium plan for this key (${info})`);
    }
    if (/rate limit|call frequency|requests per (day|minute)/i.test(info)) return new ProviderError('alphavantage', 'rate-limited', `alphavantage: ${info}`);
    if (/api ?key/i.test(info)) return new ProviderError('alphavantage', 'unavailable', `alphavantage rejected the key (${info}): check ALPHAVANTAGE_API_KEY`);
    return new ProviderError('alphavantage', 'unavailable', `alphavantage: ${info}`);
  }
  return undefined;
}

export interface AlphaVantageOptions extends ProviderOverrides {
  apiKey: string;
}

export function createAlphaVantageProvider(opts: AlphaVantageOptions): LiveProvider {
  const name = 'alphavantage';
  const { http, clock } = providerHttpFor(name, { baseURL: ALPHAVANTAGE_BASE_URL, rateLimits: ALPHAVANTAGE_RATE_LIMITS }, opts);
  return createLiveProvider({
    name,
    http,
    clock,
    knows: (symbol) => !symbol.startsWith('^'),
    unknownMessage: (symbol) => `Alpha Vantage has no index data (${symbol}).`,
    fetchRaw(symbol, from, signal) {
      const today = newYorkDate(clock());
      const compact = from !== undefined && from <= today && tradingDaysBetween(from, today).length <= COMPACT_DAYS;
      return http.get('/query', {
        params: { function: 'TIME_SERIES_DAILY_ADJUSTED', symbol, outputsize: compact ? 'compact' : 'full', apikey: opts.apiKey },
        ...(signal ? { signal } : {}),
        interpret(res) {
          const known = alphaVantageError(res);
          if (known) throw known;
          const generic = httpFailure(name, res, clock());
          if (generic) throw generic;
          const body = parseJson(name, `the daily series of ${symbol}`, Series, res.json);
          const days = Object.entries(body['Time Series (Daily)']).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
          const splits: Split[] = days
            .filter(([, d]) => Number(d['8. split coefficient']) !== 1)
            .map(([date, d]) => ({ date, ratio: Number(d['8. split coefficient']) }));
          const dividends = days
            .filter(([, d]) => Number(d['7. dividend amount']) > 0)
            .map(([date, d]) => ({ date, amount: Number(d['7. dividend amount']) / splitFactorAfter(splits, date) }));
          const raw: RawBar[] = days.map(([date, d]) => ({
            date,
            open: Number(d['1. open']),
            high: Number(d['2. high']),
            low: Number(d['3. low']),
            close: Number(d['4. close']),
            volume: Number(d['6. volume']),
          }));
          return { bars: applySplits(raw, splits), dividends, splits };
        },
      });
    },
  });
}
