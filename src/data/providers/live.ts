/**
 * What every live provider shares once its own response is parsed: the sanity checks, the derived
 * total return, the `from` window, and the PriceProvider contract check. Each provider file only
 * knows its endpoint and its payloads.
 */
import { DateTime } from 'luxon';
import { ProviderError } from '../../errors.ts';
import { isEveryDaySymbol, NYSE_ZONE } from '../calendar.ts';
import { validateBars } from '../provider.ts';
import { deriveAdjClose, type HistoryProvider, type PriceHistory } from './actions.ts';
import type { ProviderHealth, ProviderHttp } from './http.ts';
import { checkHistory, type RawHistory } from './sanity.ts';

/** A provider that fetches over the network, with health for /status. */
export interface LiveProvider extends HistoryProvider {
  readonly live: true;
  health(): ProviderHealth;
}

/** The New York calendar date of an instant: the trading day it belongs to. */
export function newYorkDate(at: Date): string {
  return DateTime.fromJSDate(at, { zone: NYSE_ZONE }).toISODate() as string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/**
 * The calendar date (YYYY-MM-DD) of an epoch-millisecond instant in an IANA zone. Intl rather than
 * luxon here: it runs once per bar of a full history (25,000 for ^GSPC) and is ~8x faster.
 */
export function dateInZone(ms: number, zone: string): string {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(zone, f);
  }
  let y = '';
  let m = '';
  let d = '';
  for (const p of f.formatToParts(ms)) {
    if (p.type === 'year') y = p.value;
    else if (p.type === 'month') m = p.value;
    else if (p.type === 'day') d = p.value;
  }
  return `${y.padStart(4, '0')}-${m}-${d}`;
}

export interface LiveProviderParts {
  name: string;
  http: ProviderHttp;
  /** Whether this provider can serve the canonical symbol at all (e.g. false for indexes at Tiingo). */
  knows?: (symbol: string) => boolean;
  /** How the provider words "I don't serve that" without asking it. */
  unknownMessage?: (symbol: string) => string;
  /** One provider round trip: bars (close split-adjusted, or with the splits to adjust them) and events. */
  fetchRaw(symbol: string, from: string | undefined, signal: AbortSignal | undefined): Promise<RawHistory>;
  clock?: () => Date;
}

export function createLiveProvider(parts: LiveProviderParts): LiveProvider {
  const { name, http, knows } = parts;
  const clock = parts.clock ?? (() => new Date());

  const fetchHistory = async (symbol: string, opts: { from?: string; signal?: AbortSignal } = {}): Promise<PriceHistory> => {
    opts.signal?.throwIfAborted();
    if (knows && !knows(symbol)) {
      throw new ProviderError(name, 'not-found', parts.unknownMessage?.(symbol) ?? `${name} does not serve ${symbol}.`, undefined, { symbol });
    }
    const raw = await parts.fetchRaw(symbol, opts.from, opts.signal);
    opts.signal?.throwIfAborted();
    // A crypto pair's daily bars are UTC days (Yahoo: exchangeTimezoneName UTC); the rest New York days.
    const today = raw.everyDay || isEveryDaySymbol(symbol) ? clock().toISOString().slice(0, 10) : newYorkDate(clock());
    const checked = checkHistory(name, symbol, raw, today);
    const from = opts.from;
    const all = deriveAdjClose(checked.bars, checked.dividends);
    const bars = from === undefined ? all : all.filter((b) => b.date >= from);
    if (from === undefined && bars.length === 0) {
      throw new ProviderError(name, 'not-found', `${name} has no price history for ${symbol}.`, undefined, { symbol });
    }
    validateBars(name, symbol, bars);
    const first = bars[0]?.date ?? from ?? '';
    const inWindow = <T extends { date: string }>(e: T): boolean => e.date >= first && e.date <= today;
    return {
      bars,
      dividends: checked.dividends.filter(inWindow),
      splits: checked.splits.filter(inWindow),
      provider: name,
      ...(checked.repairs.length > 0 ? { repairs: checked.repairs } : {}),
    };
  };

  return {
    name,
    live: true,
    ...(knows ? { knows } : {}),
    fetchHistory,
    async fetchDaily(symbol, opts) {
      return (await fetchHistory(symbol, opts)).bars;
    },
    health: () => http.health(),
  };
}
