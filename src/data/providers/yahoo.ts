/**
 * Yahoo Finance, keyless: the default live provider. Daily bars, dividends and splits from the
 * chart endpoint, one request per fetch:
 *
 *   GET {base}/v8/finance/chart/{symbol}?period1=&period2=&interval=1d&events=div,split&includeAdjustedClose=true
 *
 * The endpoint is undocumented; its format is taken from the clients that have tracked it for
 * years: gadicc/node-yahoo-finance2 `src/modules/chart.ts` (types `ChartResultObject`,
 * `ChartEventDividend {amount, date}`, `ChartEventSplit {date, numerator, denominator, splitRatio}`)
 * and its recorded fixture `tests/http/chart-AAPL-2020-01-01-to-2020-01-03.json`; and
 * ranaroussi/yfinance `yfinance/scrapers/history.py` (period1/period2 in Unix seconds, events,
 * the exchange time zone in `meta.exchangeTimezoneName`).
 *
 * - `period1`/`period2` are Unix seconds; bars are stamped with the session's opening instant, so
 *   their exchange-local date is the trading day. Full history starts at 1900-01-01 (yfinance asks
 *   for 99 years back; ^GSPC starts in 1927, hence negative timestamps).
 * - `indicators.quote[0].close` is adjusted for splits only (data/README.md: "Yahoo chart API
 *   close"); `indicators.adjclose` is Yahoo's own total return, re-based at every dividend — we
 *   ignore it and derive `adjClose` from `close` and `events.dividends` (see actions.ts).
 * - With no bars in the range Yahoo omits `timestamp` and sends `quote: [{}]` (node-yahoo-finance2
 *   handles the same case).
 * - During a session Yahoo may send today's bar twice, as the last two rows; yfinance
 *   (`utils.fix_Yahoo_returning_live_separate`) keeps the last, and so do we.
 * - Errors come as `{"chart":{"result":null,"error":{"code":"Not Found","description":"No data
 *   found, symbol may be delisted"}}}` (HTTP 404): 'Not Found' → not-found.
 * - Yahoo answers 429 to clients without a browser User-Agent (tarkah/tickrs#170,
 *   moneymanagerex/moneymanagerex#7497), so we send one.
 * - No published quota. We keep to 2 requests per second on average (bursts of 10, so a cold start
 *   of a dozen symbols is not held up) and 1,000 per hour, well under the ~2,000/hour that users of
 *   the endpoint report before being throttled.
 */
import { z } from 'zod';
import { ProviderError } from '../../errors.ts';
import { NYSE_ZONE } from '../calendar.ts';
import type { Dividend, RawBar, Split } from './actions.ts';
import { providerHttpFor, httpFailure, parseJson, transient, type HttpResponse, type ProviderOverrides } from './http.ts';
import { createLiveProvider, dateInZone, type LiveProvider } from './live.ts';
import { at } from '../../core/at.ts';

export const YAHOO_BASE_URL = 'https://query2.finance.yahoo.com';
export const YAHOO_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/136.0.0.0 Safari/537.36';
export const YAHOO_RATE_LIMITS = [
  { limit: 10, perMs: 5_000 },
  { limit: 1_000, perMs: 3_600_000 },
] as const;
/** 1900-01-01T00:00:00Z: "from the beginning". */
const EARLIEST = Date.UTC(1900, 0, 1) / 1000;

const nums = z.array(z.number().nullable());
const ChartError = z.object({ code: z.string(), description: z.string().nullable().optional() });
const ChartResponse = z.object({
  chart: z.object({
    result: z
      .array(
        z.object({
          meta: z.looseObject({ symbol: z.string(), exchangeTimezoneName: z.string().optional(), instrumentType: z.string().optional() }),
          timestamp: z.array(z.number()).optional(),
          events: z
            .object({
              dividends: z.record(z.string(), z.object({ amount: z.number(), date: z.number() })).optional(),
              splits: z
                .record(z.string(), z.object({ date: z.number(), numerator: z.number(), denominator: z.number(), splitRatio: z.string().optional() }))
                .optional(),
            })
            .optional(),
          indicators: z.object({
            quote: z.array(z.object({ open: nums.optional(), high: nums.optional(), low: nums.optional(), close: nums.optional(), volume: nums.optional() })),
          }),
        }),
      )
      .nullable(),
    error: ChartError.nullable().optional(),
  }),
});
type ChartResult = NonNullable<z.infer<typeof ChartResponse>['chart']['result']>[number];

/** Yahoo's own error payload, whatever the HTTP status. */
function chartError(res: HttpResponse): ProviderError | undefined {
  const parsed = z.object({ chart: z.object({ error: ChartError }) }).safeParse(res.json);
  if (!parsed.success) return undefined;
  const { code, description } = parsed.data.chart.error;
  const detail = description ? `${code}: ${description}` : code;
  if (code === 'Not Found') return new ProviderError('yahoo', 'not-found', `Yahoo Finance has no data for that symbol (${description ?? code}).`);
  if (code === 'Too Many Requests') return transient(new ProviderError('yahoo', 'rate-limited', `yahoo is rate-limiting us (${detail})`));
  const err = new ProviderError('yahoo', 'unavailable', `yahoo answered "${detail}" (HTTP ${res.status})`);
  return res.status >= 500 ? transient(err) : err;
}

function toRaw(result: ChartResult, symbol: string): { bars: RawBar[]; dividends: Dividend[]; splits: Split[]; everyDay?: boolean } {
  const zone = result.meta.exchangeTimezoneName ?? NYSE_ZONE;
  const dateOf = (seconds: number): string => dateInZone(seconds * 1000, zone);
  const ts = result.timestamp ?? [];
  const q = result.indicators.quote[0] ?? {};
  const column = (c: (number | null)[] | undefined, field: string): (number | null)[] => {
    if (ts.length === 0) return [];
    if (!c || c.length !== ts.length) {
      throw new ProviderError('yahoo', 'invalid-data', `yahoo sent ${ts.length} timestamps but ${c?.length ?? 0} ${field} values for ${symbol}`);
    }
    return c;
  };
  const open = column(q.open, 'open');
  const high = column(q.high, 'high');
  const low = column(q.low, 'low');
  const close = column(q.close, 'close');
  const volume = column(q.volume, 'volume');
  let bars: RawBar[] = ts.map((t, i) => ({
    date: dateOf(t),
    open: open[i] ?? null,
    high: high[i] ?? null,
    low: low[i] ?? null,
    close: close[i] ?? null,
    volume: volume[i] ?? null,
  }));
  const n = bars.length;
  if (n >= 2 && bars[n - 1]?.date === bars[n - 2]?.date) bars = [...bars.slice(0, n - 2), at(bars, n - 1)];
  const dividends = Object.values(result.events?.dividends ?? {}).map((d) => ({ date: dateOf(d.date), amount: d.amount }));
  const splits = Object.values(result.events?.splits ?? {}).map((s) => ({ date: dateOf(s.date), ratio: s.numerator / s.denominator }));
  // Crypto trades every day, weekends included (chart-BTC-USD-2020-01-01-to-2020-01-03.json).
  return { bars, dividends, splits, ...(result.meta.instrumentType === 'CRYPTOCURRENCY' ? { everyDay: true } : {}) };
}

export interface YahooOptions extends ProviderOverrides {
  userAgent?: string;
}

/** One instrument Yahoo's search found: what suggestions and Discord autocomplete show. */
export interface SymbolHit {
  readonly symbol: string;
  readonly name: string;
  /** Yahoo's quoteType: EQUITY, ETF, INDEX, CRYPTOCURRENCY, FUTURE, MUTUALFUND. */
  readonly type: string;
  /** The exchange as Yahoo shows it ("NASDAQ", "NYSEArca", "CCC"). */
  readonly exchange: string;
}

/** Search results tapebot can chart (daily bars from the chart endpoint); options and news are left out. */
const CHARTABLE = new Set(['EQUITY', 'ETF', 'INDEX', 'CRYPTOCURRENCY', 'FUTURE', 'MUTUALFUND']);

/**
 * `GET {base}/v1/finance/search?q=…` (keyless; format of the recordings in ../shared/fixtures/yahoo,
 * `search-*.json`, and node-yahoo-finance2 `src/modules/search.ts`): `quotes[]` with `symbol`,
 * `shortname`/`longname`, `quoteType`, `exchDisp`. Other fields (news, nav, lists) are ignored.
 */
const SearchResponse = z.object({
  quotes: z
    .array(
      z.looseObject({
        symbol: z.string().min(1),
        shortname: z.string().optional(),
        longname: z.string().optional(),
        quoteType: z.string().optional(),
        exchange: z.string().optional(),
        exchDisp: z.string().optional(),
      }),
    )
    .optional(),
});

export interface YahooProvider extends LiveProvider {
  /** Symbol search on the same HTTP client (and so the same rate limit and breaker) as the chart endpoint. */
  search(query: string, opts?: { signal?: AbortSignal; limit?: number }): Promise<SymbolHit[]>;
}

export function createYahooProvider(opts: YahooOptions = {}): YahooProvider {
  const name = 'yahoo';
  const { http, clock } = providerHttpFor(name, { baseURL: YAHOO_BASE_URL, rateLimits: YAHOO_RATE_LIMITS, headers: { 'User-Agent': opts.userAgent ?? YAHOO_USER_AGENT } }, opts);
  const search: YahooProvider['search'] = (query, o = {}) =>
    http.get('/v1/finance/search', {
      params: { q: query, quotesCount: Math.min(20, o.limit ?? 8), newsCount: 0, listsCount: 0, enableFuzzyQuery: false },
      ...(o.signal ? { signal: o.signal } : {}),
      interpret(res) {
        const generic = httpFailure(name, res, clock());
        if (generic) throw generic;
        const body = parseJson(name, `the search for "${query}"`, SearchResponse, res.json);
        return (body.quotes ?? [])
          .filter((q) => q.quoteType !== undefined && CHARTABLE.has(q.quoteType))
          .map((q) => ({ symbol: q.symbol.toUpperCase(), name: q.longname ?? q.shortname ?? q.symbol, type: q.quoteType as string, exchange: q.exchDisp ?? q.exchange ?? '' }));
      },
    });
  const provider = createLiveProvider({
    name,
    http,
    clock,
    fetchRaw(symbol, from, signal) {
      const period1 = from === undefined ? EARLIEST : Date.parse(`${from}T00:00:00Z`) / 1000;
      // A day past now: the bar of a session in progress is stamped at its opening, before now.
      const period2 = Math.floor(clock().getTime() / 1000) + 86_400;
      return http.get(`/v8/finance/chart/${encodeURIComponent(symbol)}`, {
        params: { period1, period2, interval: '1d', events: 'div,split', includeAdjustedClose: true },
        ...(signal ? { signal } : {}),
        interpret(res) {
          const known = chartError(res);
          if (known) throw known;
          const generic = httpFailure(name, res, clock());
          if (generic) throw generic;
          const body = parseJson(name, `the chart of ${symbol}`, ChartResponse, res.json);
          const result = body.chart.result?.[0];
          if (!result) throw new ProviderError(name, 'invalid-data', `yahoo sent a chart without a result for ${symbol}`);
          if (result.meta.symbol.toUpperCase() !== symbol.toUpperCase()) {
            throw new ProviderError(name, 'invalid-data', `yahoo answered with ${result.meta.symbol} when asked for ${symbol}`);
          }
          return toRaw(result, symbol);
        },
      });
    },
  });
  return { ...provider, search };
}
