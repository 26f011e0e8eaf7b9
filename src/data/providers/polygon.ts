/**
 * Polygon.io, now branded Massive (needs POLYGON_API_KEY). Three requests per fetch, all documented
 * at https://massive.com/docs (the api.polygon.io host still answers; the new one is api.massive.com):
 *
 *   GET {base}/v2/aggs/ticker/{ticker}/range/1/day/{from}/{to}?adjusted=true&sort=asc&limit=50000
 *   GET {base}/stocks/v1/dividends?ticker=&ex_dividend_date.gte=&sort=ex_dividend_date.asc&limit=5000
 *   GET {base}/stocks/v1/splits?ticker=&execution_date.gte=&sort=execution_date.asc&limit=5000
 *   Authorization: Bearer {key}   (instead of `apiKey=` in the URL, so keys stay out of URLs)
 *
 * How we get both bases: aggregates with `adjusted=true` are adjusted for splits but not for
 * dividends (Massive knowledge base, "Does Massive adjust … for dividends?": "adjusted for splits,
 * but not dividends") — exactly our `close`. The total return is derived from those closes and the
 * dividends endpoint (`split_adjusted_cash_amount`: "Dividend amount adjusted for stock splits …
 * expressed on a current share basis"), as for every provider (actions.ts). The splits endpoint
 * (`execution_date`, `split_from`, `split_to`) gives the events the cache needs to put older bars
 * on a new basis. `adjusted=false` would force us to apply every split ourselves for no gain.
 *
 * Aggregate bars: `t` is the Unix millisecond start of the day in New York, `o h l c v`. An unknown
 * ticker is HTTP 200 with no `results`. Errors are `{"status":"ERROR","error":"…"}` (401 for a bad
 * key, 429 for "You've exceeded the maximum requests per minute"), or `{"status":"NOT_AUTHORIZED",
 * "request_id":"…","message":"…"}` (403) when the plan does not cover the request: "Your plan
 * doesn't include this data timeframe" for a range reaching too far back (the body quoted in
 * polygon-io/issues#313), "You are not entitled to this data" for data outside the plan
 * (maybe-finance/maybe#152). Indexes are `I:SPX` on a separate plan: `knows` says no to ^GSPC & co.
 *
 * Quota of the free plan: 5 requests per minute and 2 years of history. A full history is first
 * asked from 1990; when Polygon refuses that timeframe the request is repeated once from two years
 * back, and this provider instance starts every later request there (one extra request per process,
 * not per fetch; no setting to keep in step with the plan).
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { ProviderError } from '../../errors.ts';
import { NYSE_ZONE } from '../calendar.ts';
import { splitFactorAfter, type Dividend, type RawBar, type Split } from './actions.ts';
import { providerHttpFor, httpFailure, parseJson, transient, type HttpResponse, type ProviderOverrides } from './http.ts';
import { createLiveProvider, dateInZone, newYorkDate, type LiveProvider } from './live.ts';

export const POLYGON_BASE_URL = 'https://api.massive.com';
export const POLYGON_RATE_LIMITS = [{ limit: 5, perMs: 60_000 }] as const;
const HISTORY_START = '1990-01-01';
/** The history a free key gets: 2 years on Stocks Basic (massive.com/pricing). */
const FREE_PLAN_HISTORY_YEARS = 2;
/** Errors that are Polygon refusing the requested timeframe (not the data itself, not the key). */
const timeframeRefusals = new WeakSet<Error>();

const Aggs = z.object({
  status: z.string().optional(),
  resultsCount: z.number().optional(),
  results: z
    .array(z.object({ t: z.number(), o: z.number().nullable(), h: z.number().nullable(), l: z.number().nullable(), c: z.number().nullable(), v: z.number().nullable().optional() }))
    .optional(),
});
const Dividends = z.object({
  results: z
    .array(
      z.object({
        ex_dividend_date: z.iso.date(),
        cash_amount: z.number(),
        split_adjusted_cash_amount: z.number().nullable().optional(),
      }),
    )
    .optional(),
});
const Splits = z.object({
  results: z.array(z.object({ execution_date: z.iso.date(), split_from: z.number(), split_to: z.number() })).optional(),
});

function polygonError(res: HttpResponse): ProviderError | undefined {
  const parsed = z.object({ status: z.string(), error: z.string().optional(), message: z.string().optional() }).safeParse(res.json);
  if (!parsed.success || parsed.data.status === 'OK' || parsed.data.status === 'DELAYED') return undefined;
  const text = parsed.data.error ?? parsed.data.message ?? parsed.data.status;
  if (res.status === 429 || /exceeded the maximum requests/i.test(text)) return transient(new ProviderError('polygon', 'rate-limited', `polygon: ${text}`));
  if (parsed.data.status === 'NOT_AUTHORIZED' || res.status === 401 || res.status === 403) {
    const err = new ProviderError('polygon', 'unavailable', `polygon refused the request (${text}): check POLYGON_API_KEY and its plan`);
    if (parsed.data.status === 'NOT_AUTHORIZED' && /timeframe/i.test(text)) timeframeRefusals.add(err);
    return err;
  }
  if (res.status === 404) return new ProviderError('polygon', 'not-found', `Polygon has no data for that symbol (${text}).`);
  const err = new ProviderError('polygon', 'unavailable', `polygon: ${text} (HTTP ${res.status})`);
  return res.status >= 500 ? transient(err) : err;
}

export interface PolygonOptions extends ProviderOverrides {
  apiKey: string;
}

export function createPolygonProvider(opts: PolygonOptions): LiveProvider {
  const name = 'polygon';
  const { http, clock } = providerHttpFor(name, { baseURL: POLYGON_BASE_URL, rateLimits: POLYGON_RATE_LIMITS, headers: { Authorization: `Bearer ${opts.apiKey}` } }, opts);
  /** Set once Polygon refused a timeframe older than the free plan's: later requests start within it. */
  let limitedToPlan = false;
  const interpretWith =
    <S extends z.ZodType>(schema: S, what: string) =>
    (res: HttpResponse): z.infer<S> => {
      const known = polygonError(res);
      if (known) throw known;
      const generic = httpFailure(name, res, clock());
      if (generic) throw generic;
      return parseJson(name, what, schema, res.json);
    };

  return createLiveProvider({
    name,
    http,
    clock,
    knows: (symbol) => !symbol.startsWith('^'),
    unknownMessage: (symbol) => `Polygon has no index data (${symbol}) on this plan.`,
    async fetchRaw(symbol, from, signal) {
      const to = newYorkDate(clock());
      const planStart = DateTime.fromISO(to, { zone: NYSE_ZONE }).minus({ years: FREE_PLAN_HISTORY_YEARS }).toISODate() ?? to;
      const wanted = from ?? HISTORY_START;
      let start = limitedToPlan && wanted < planStart ? planStart : wanted;
      const ticker = encodeURIComponent(symbol);
      const sig = signal ? { signal } : {};
      const getAggs = (first: string) =>
        http.get(`/v2/aggs/ticker/${ticker}/range/1/day/${first}/${to}`, {
          params: { adjusted: true, sort: 'asc', limit: 50_000 },
          ...sig,
          interpret: interpretWith(Aggs, `the daily bars of ${symbol}`),
        });
      let aggs: z.infer<typeof Aggs>;
      try {
        aggs = await getAggs(start);
      } catch (err) {
        // Only a range older than the free plan's is worth asking again, shorter; a refusal of a
        // recent range (or of a future date, which Polygon words the same way) stands.
        if (!(err instanceof Error && timeframeRefusals.has(err)) || start >= planStart) throw err;
        limitedToPlan = true;
        start = planStart;
        aggs = await getAggs(start);
      }
      const results = aggs.results ?? [];
      if (results.length === 0) return { bars: [], dividends: [], splits: [] };
      const [divs, spl] = await Promise.all([
        http.get('/stocks/v1/dividends', {
          params: { ticker: symbol, 'ex_dividend_date.gte': start, sort: 'ex_dividend_date.asc', limit: 5_000 },
          ...sig,
          interpret: interpretWith(Dividends, `the dividends of ${symbol}`),
        }),
        http.get('/stocks/v1/splits', {
          params: { ticker: symbol, 'execution_date.gte': start, sort: 'execution_date.asc', limit: 5_000 },
          ...sig,
          interpret: interpretWith(Splits, `the splits of ${symbol}`),
        }),
      ]);
      const splits: Split[] = (spl.results ?? []).map((s) => ({ date: s.execution_date, ratio: s.split_to / s.split_from }));
      const dividends: Dividend[] = (divs.results ?? []).map((d) => ({
        date: d.ex_dividend_date,
        amount: d.split_adjusted_cash_amount ?? d.cash_amount / splitFactorAfter(splits, d.ex_dividend_date),
      }));
      const bars: RawBar[] = results.map((r) => ({
        date: dateInZone(r.t, NYSE_ZONE),
        open: r.o,
        high: r.h,
        low: r.l,
        close: r.c,
        volume: r.v ?? null,
      }));
      return { bars, dividends, splits };
    },
  });
}
