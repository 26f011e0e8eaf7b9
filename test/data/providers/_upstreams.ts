/**
 * The four providers' real response formats, filled with real values from data/prices/*.csv, for
 * the fake servers and the recorded fixtures (test/fixtures/providers/). Reads the CSVs naively and
 * builds every format here, independently of the code under test.
 *
 * The CSVs have split-adjusted `close` and Yahoo's total-return `adj_close` but no events, so:
 * - dividends are recovered from where close/adj_close steps: across an ex-date the ratio
 *   r = adj/close changes by (1 − D / close[t−1]) (the CRSP rule Yahoo uses), so
 *   D = close[t−1] · (1 − r[t−1] / r[t]); steps below 0.01 % are 4-decimal rounding noise;
 * - splits are the ones data/README.md names: XLB, XLE, XLK, XLU and XLY split 2-for-1, first
 *   split-adjusted trading day 2025-12-05.
 */
import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import type { FakeRequest, Reply } from './_server.ts';

export interface CsvRow {
  date: string;
  open: number | null;
  high: number | null;
  low: number | null;
  close: number | null;
  adj: number;
  volume: number | null;
}

/**
 * The fake providers' world is Saturday Aug 22, 2026 (`SATURDAY` in _helpers.ts): they serve the
 * bundled rows up to Fri Aug 21, 2026, with the total return tied to that day (adj_close = close on
 * it, as a provider would have sent it then). data v2 runs to Oct 8 and ties adj_close to Oct 8, so
 * the rows are cut there and adj_close re-scaled by one constant, rounded to the CSV's 4 decimals.
 */
export const FAKE_WORLD_LAST = '2026-08-21';

const cache = new Map<string, CsvRow[]>();
export function csv(symbol: string): CsvRow[] {
  let rows = cache.get(symbol);
  if (!rows) {
    const num = (s: string | undefined): number | null => (s === undefined || s === '' ? null : Number(s));
    const all = readFileSync(new URL(`../../../data/prices/${symbol}.csv`, import.meta.url), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => {
        const [date, open, high, low, close, adj, volume] = line.split(',');
        return { date: date ?? '', open: num(open), high: num(high), low: num(low), close: num(close), adj: Number(adj), volume: num(volume) };
      });
    const cut = all.filter((r) => r.date <= FAKE_WORLD_LAST);
    const last = cut[cut.length - 1];
    const k = last && last.close !== null && cut.length < all.length ? last.close / last.adj : 1;
    // Rows after the last ex-dividend day had adj_close = close then (README: the level is tied to the
    // newest date); earlier rows take the one constant, rounded as the CSV is.
    let since = cut.length;
    while (since > 1) {
      const a = cut[since - 2] as CsvRow;
      const b = cut[since - 1] as CsvRow;
      if (a.close === null || b.close === null || Math.abs(a.adj / a.close / (b.adj / b.close) - 1) > 1e-4) break;
      since--;
    }
    rows = k === 1 ? cut : cut.map((r, i) => ({ ...r, adj: i >= since - 1 && r.close !== null ? r.close : Number((r.adj * k).toFixed(4)) }));
    cache.set(symbol, rows);
  }
  return rows;
}

export const CSV_SPLITS: Readonly<Record<string, readonly { date: string; ratio: number }[]>> = Object.fromEntries(
  ['XLB', 'XLE', 'XLK', 'XLU', 'XLY'].map((s) => [s, [{ date: '2025-12-05', ratio: 2 }]]),
);

export function recoverDividends(rows: readonly CsvRow[]): { date: string; amount: number }[] {
  const out: { date: string; amount: number }[] = [];
  for (let t = 1; t < rows.length; t++) {
    const a = rows[t - 1] as CsvRow;
    const b = rows[t] as CsvRow;
    if (a.close === null || b.close === null) continue;
    const step = a.adj / a.close / (b.adj / b.close);
    if (1 - step > 1e-4) out.push({ date: b.date, amount: Number((a.close * (1 - step)).toFixed(6)) });
  }
  return out;
}

/** How many of today's shares one share of `date` became (product of later split ratios). */
export function laterSplitFactor(symbol: string, date: string): number {
  return (CSV_SPLITS[symbol] ?? []).filter((s) => s.date > date).reduce((f, s) => f * s.ratio, 1);
}

export function rowsBetween(symbol: string, from: string, to: string): CsvRow[] {
  return csv(symbol).filter((r) => r.date >= from && r.date <= to);
}

const NY = 'America/New_York';
const opens = new Map<string, number>();
/** The session's opening instant (9:30 New York) in Unix seconds: how Yahoo stamps a daily bar. */
const openSeconds = (date: string): number => {
  let s = opens.get(date);
  if (s === undefined) {
    s = DateTime.fromISO(`${date}T09:30:00`, { zone: NY }).toSeconds();
    opens.set(date, s);
  }
  return s;
};
const midnights = new Map<string, number>();
/** 00:00 New York in Unix milliseconds: how Polygon stamps a daily aggregate. */
const nyMidnightMs = (date: string): number => {
  let ms = midnights.get(date);
  if (ms === undefined) {
    ms = DateTime.fromISO(`${date}T00:00:00`, { zone: NY }).toMillis();
    midnights.set(date, ms);
  }
  return ms;
};
const isoOfSeconds = (s: number): string => DateTime.fromSeconds(s, { zone: NY }).toISODate() as string;

/** Yahoo chart JSON for the rows of a symbol inside [period1, period2) (Unix seconds), as query2 sends it. */
export function yahooChart(symbol: string, period1: number, period2: number): unknown {
  const all = csv(symbol);
  const rows = all.filter((r) => openSeconds(r.date) >= period1 && openSeconds(r.date) < period2);
  const index = symbol.startsWith('^');
  const last = all[all.length - 1] as CsvRow;
  const meta = {
    currency: 'USD',
    symbol,
    exchangeName: index ? 'SNP' : 'PCX',
    fullExchangeName: index ? 'SNP' : 'NYSEArca',
    instrumentType: index ? 'INDEX' : 'ETF',
    firstTradeDate: openSeconds((all[0] as CsvRow).date),
    regularMarketTime: openSeconds(last.date) + 23_400,
    hasPrePostMarketData: !index,
    gmtoffset: -14400,
    timezone: 'EDT',
    exchangeTimezoneName: NY,
    regularMarketPrice: last.close,
    chartPreviousClose: rows[0]?.close ?? null,
    priceHint: 2,
    currentTradingPeriod: {
      pre: { timezone: 'EDT', start: openSeconds(last.date) - 19_800, end: openSeconds(last.date), gmtoffset: -14400 },
      regular: { timezone: 'EDT', start: openSeconds(last.date), end: openSeconds(last.date) + 23_400, gmtoffset: -14400 },
      post: { timezone: 'EDT', start: openSeconds(last.date) + 23_400, end: openSeconds(last.date) + 37_800, gmtoffset: -14400 },
    },
    dataGranularity: '1d',
    range: '',
    validRanges: ['1d', '5d', '1mo', '3mo', '6mo', '1y', '2y', '5y', '10y', 'ytd', 'max'],
  };
  if (rows.length === 0) {
    return { chart: { result: [{ meta, indicators: { quote: [{}], adjclose: [{}] } }], error: null } };
  }
  const first = (rows[0] as CsvRow).date;
  const end = (rows[rows.length - 1] as CsvRow).date;
  const dividends = recoverDividends(all).filter((d) => d.date >= first && d.date <= end);
  const splits = (CSV_SPLITS[symbol] ?? []).filter((s) => s.date >= first && s.date <= end);
  const events: Record<string, unknown> = {};
  if (dividends.length > 0) events.dividends = Object.fromEntries(dividends.map((d) => [String(openSeconds(d.date)), { amount: d.amount, date: openSeconds(d.date) }]));
  if (splits.length > 0) {
    events.splits = Object.fromEntries(
      splits.map((s) => [String(openSeconds(s.date)), { date: openSeconds(s.date), numerator: s.ratio, denominator: 1, splitRatio: `${s.ratio}:1` }]),
    );
  }
  return {
    chart: {
      result: [
        {
          meta,
          timestamp: rows.map((r) => openSeconds(r.date)),
          ...(Object.keys(events).length > 0 ? { events } : {}),
          indicators: {
            quote: [
              {
                open: rows.map((r) => r.open),
                close: rows.map((r) => r.close),
                volume: rows.map((r) => r.volume),
                high: rows.map((r) => r.high),
                low: rows.map((r) => r.low),
              },
            ],
            adjclose: [{ adjclose: rows.map((r) => r.adj) }],
          },
        },
      ],
      error: null,
    },
  };
}

export const YAHOO_NOT_FOUND = { chart: { result: null, error: { code: 'Not Found', description: 'No data found, symbol may be delisted' } } };

/** Yahoo's chart route over the CSVs: `/v8/finance/chart/{symbol}`. */
export function yahooRoute(r: FakeRequest): Reply {
  const m = /^\/v8\/finance\/chart\/(.+)$/.exec(r.path);
  const symbol = m?.[1];
  if (!symbol) return { status: 404, body: 'Not Found' };
  try {
    csv(symbol);
  } catch {
    return { status: 404, body: YAHOO_NOT_FOUND };
  }
  return { body: yahooChart(symbol, Number(r.query.get('period1')), Number(r.query.get('period2'))) };
}

const round = (x: number | null, digits = 4): number | null => (x === null ? null : Number(x.toFixed(digits)));

/** Tiingo rows (as-traded prices, divCash, splitFactor) for a symbol from `startDate`. */
export function tiingoPrices(symbol: string, startDate: string, endDate = '9999-12-31'): unknown[] {
  const all = csv(symbol);
  const divs = new Map(recoverDividends(all).map((d) => [d.date, d.amount]));
  const splits = new Map((CSV_SPLITS[symbol] ?? []).map((s) => [s.date, s.ratio]));
  return all
    .filter((r) => r.date >= startDate && r.date <= endDate)
    .map((r) => {
      const f = laterSplitFactor(symbol, r.date);
      return {
        date: `${r.date}T00:00:00.000Z`,
        close: round(r.close === null ? null : r.close * f),
        high: round(r.high === null ? null : r.high * f),
        low: round(r.low === null ? null : r.low * f),
        open: round(r.open === null ? null : r.open * f),
        volume: r.volume === null ? null : Math.round(r.volume / f),
        adjClose: r.adj,
        adjHigh: r.high,
        adjLow: r.low,
        adjOpen: r.open,
        adjVolume: r.volume,
        divCash: round((divs.get(r.date) ?? 0) * f, 6),
        splitFactor: splits.get(r.date) ?? 1,
      };
    });
}

export function tiingoRoute(r: FakeRequest): Reply {
  const m = /^\/tiingo\/daily\/([^/]+)\/prices$/.exec(r.path);
  const symbol = m?.[1]?.toUpperCase();
  if (!symbol) return { status: 404, body: { detail: 'Not found.' } };
  try {
    csv(symbol);
  } catch {
    return { status: 404, body: { detail: `Error: Ticker '${symbol.toLowerCase()}' not found` } };
  }
  return { body: tiingoPrices(symbol, r.query.get('startDate') ?? '9999-12-31', r.query.get('endDate') ?? undefined) };
}

export function polygonAggs(symbol: string, from: string, to: string): unknown {
  const rows = rowsBetween(symbol, from, to).filter((r) => r.close !== null);
  return {
    ticker: symbol,
    queryCount: rows.length,
    resultsCount: rows.length,
    adjusted: true,
    ...(rows.length > 0
      ? {
          results: rows.map((r) => ({
            v: r.volume,
            vw: round(((r.high ?? 0) + (r.low ?? 0) + (r.close ?? 0)) / 3),
            o: r.open,
            c: r.close,
            h: r.high,
            l: r.low,
            t: nyMidnightMs(r.date),
            n: 500_000,
          })),
        }
      : {}),
    status: 'OK',
    request_id: '6a7e466379af0a71039d60cc78e72282',
    count: rows.length,
  };
}

export function polygonDividends(symbol: string, gte: string): unknown {
  const divs = recoverDividends(csv(symbol)).filter((d) => d.date >= gte);
  return {
    results: divs.map((d, i) => ({
      id: `E${symbol}${i}`,
      ticker: symbol,
      ex_dividend_date: d.date,
      cash_amount: round(d.amount * laterSplitFactor(symbol, d.date), 6),
      split_adjusted_cash_amount: d.amount,
      currency: 'USD',
      frequency: 4,
      distribution_type: 'recurring',
    })),
    status: 'OK',
    request_id: 'b4b3c0e7f2e84a0c8b8a8c3c1d2e9f10',
  };
}

export function polygonSplits(symbol: string, gte: string): unknown {
  return {
    results: (CSV_SPLITS[symbol] ?? [])
      .filter((s) => s.date >= gte)
      .map((s, i) => ({ id: `S${symbol}${i}`, ticker: symbol, execution_date: s.date, adjustment_type: 'forward_split', split_from: 1, split_to: s.ratio, historical_adjustment_factor: 1 / s.ratio })),
    status: 'OK',
    request_id: 'c9a1e5b2d7f34c61a0e8b3f2d4c6a8e0',
  };
}

export function polygonRoute(r: FakeRequest): Reply {
  const aggs = /^\/v2\/aggs\/ticker\/([^/]+)\/range\/1\/day\/([\d-]+)\/([\d-]+)$/.exec(r.path);
  const exists = (s: string): boolean => {
    try {
      csv(s);
      return true;
    } catch {
      return false;
    }
  };
  if (aggs) {
    const [, symbol = '', from = '', to = ''] = aggs;
    if (!exists(symbol)) return { body: { ticker: symbol, queryCount: 0, resultsCount: 0, adjusted: true, status: 'OK', request_id: 'e1', count: 0 } };
    return { body: polygonAggs(symbol, from, to) };
  }
  const symbol = r.query.get('ticker') ?? '';
  if (r.path === '/stocks/v1/dividends') return { body: exists(symbol) ? polygonDividends(symbol, r.query.get('ex_dividend_date.gte') ?? '') : { results: [], status: 'OK' } };
  if (r.path === '/stocks/v1/splits') return { body: exists(symbol) ? polygonSplits(symbol, r.query.get('execution_date.gte') ?? '') : { results: [], status: 'OK' } };
  return { status: 404, body: { status: 'NOT_FOUND', request_id: 'x', message: 'Route not found' } };
}

export function alphaVantageDaily(symbol: string, outputsize: 'compact' | 'full'): unknown {
  const all = csv(symbol).filter((r) => r.close !== null);
  const rows = outputsize === 'compact' ? all.slice(-100) : all;
  const divs = new Map(recoverDividends(csv(symbol)).map((d) => [d.date, d.amount]));
  const splits = new Map((CSV_SPLITS[symbol] ?? []).map((s) => [s.date, s.ratio]));
  const s4 = (x: number | null): string => (x ?? 0).toFixed(4);
  const series: Record<string, Record<string, string>> = {};
  for (const r of [...rows].reverse()) {
    const f = laterSplitFactor(symbol, r.date);
    series[r.date] = {
      '1. open': s4(r.open === null ? null : r.open * f),
      '2. high': s4(r.high === null ? null : r.high * f),
      '3. low': s4(r.low === null ? null : r.low * f),
      '4. close': s4((r.close as number) * f),
      '5. adjusted close': s4(r.adj),
      '6. volume': String(Math.round((r.volume ?? 0) / f)),
      '7. dividend amount': ((divs.get(r.date) ?? 0) * f).toFixed(4),
      '8. split coefficient': (splits.get(r.date) ?? 1).toFixed(1),
    };
  }
  return {
    'Meta Data': {
      '1. Information': 'Daily Time Series with Splits and Dividend Events',
      '2. Symbol': symbol,
      '3. Last Refreshed': (rows[rows.length - 1] as CsvRow).date,
      '4. Output Size': outputsize === 'compact' ? 'Compact' : 'Full size',
      '5. Time Zone': 'US/Eastern',
    },
    'Time Series (Daily)': series,
  };
}

export const ALPHAVANTAGE_INVALID = {
  'Error Message': 'Invalid API call. Please retry or visit the documentation (https://www.alphavantage.co/documentation/) for TIME_SERIES_DAILY_ADJUSTED.',
};

export function alphaVantageRoute(r: FakeRequest): Reply {
  const symbol = r.query.get('symbol') ?? '';
  if (r.path !== '/query' || r.query.get('function') !== 'TIME_SERIES_DAILY_ADJUSTED') return { body: ALPHAVANTAGE_INVALID };
  try {
    csv(symbol);
  } catch {
    return { body: ALPHAVANTAGE_INVALID };
  }
  return { body: alphaVantageDaily(symbol, r.query.get('outputsize') === 'compact' ? 'compact' : 'full') };
}

export { isoOfSeconds, openSeconds };
