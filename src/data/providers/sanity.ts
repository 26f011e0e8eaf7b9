/**
 * Sanity checks on everything a live provider returns, before any of it is stored or shown.
 *
 * Repairs only where the right answer is certain, and says what it did:
 * - rows out of order are sorted (order carries no information);
 * - a row repeated identically is dropped;
 * - an empty row (no prices at all) on a day the market was closed is dropped;
 * - a split-sized jump on the very day of a split event of that size means the provider did not
 *   adjust the older bars: they are put on the new basis.
 * Everything else is refused with `ProviderError(provider, 'invalid-data')` naming the day and the
 * values, so the failover tries the next provider and the log says why:
 * - missing or non-positive prices, differing rows for one date, bars on non-trading or future days;
 * - gaps: a trading day (per src/data/calendar.ts) missing between two returned bars;
 * - a split-sized jump (×2, ×3, ÷2, ×1.5 …) with no split event that day;
 * - a provider disagreeing with the cache on a closed day (`checkAgainstCache`).
 *
 * The split-size check can refuse a real ±50 % day of a single stock; for the ETFs and indexes
 * tapebot covers such a day does not happen, and refusing beats a silent wrong streak.
 */
import { formatDate } from '../../core/format.ts';
import type { DailyBar } from '../../core/series.ts';
import { ProviderError } from '../../errors.ts';
import { calendarFor, EVERY_DAY_CALENDAR } from '../calendar.ts';
import { applySplits, type Dividend, type RawBar, type Split } from './actions.ts';
import { at } from '../../core/at.ts';

export interface RawHistory {
  bars: RawBar[];
  dividends: Dividend[];
  splits: Split[];
  /** The provider says the instrument trades every day (Yahoo: instrumentType CRYPTOCURRENCY). */
  everyDay?: boolean;
}

export interface CheckedHistory extends RawHistory {
  /** What was repaired, one sentence each (empty when nothing was). */
  repairs: string[];
}

/** Ratios (new/old close, or its inverse) that look like a split: 1.5 and whole numbers 2…50, within 2 %. */
export function splitSizedRatio(q: number): number | undefined {
  const r = q >= 1 ? q : 1 / q;
  if (!(r >= 1.45) || !Number.isFinite(r)) return undefined;
  if (Math.abs(r - 1.5) <= 0.02 * 1.5) return q >= 1 ? 1.5 : 1 / 1.5;
  const n = Math.round(r);
  if (n >= 2 && n <= 50 && Math.abs(r - n) <= 0.02 * n) return q >= 1 ? n : 1 / n;
  return undefined;
}

const price = (x: number): string => (Math.abs(x) >= 1000 ? x.toFixed(2) : x.toPrecision(6));

function sameRow(a: RawBar, b: RawBar): boolean {
  return a.open === b.open && a.high === b.high && a.low === b.low && a.close === b.close && a.volume === b.volume;
}

const isEmptyRow = (b: RawBar): boolean => b.open === null && b.high === null && b.low === null && b.close === null;

/**
 * Checks (and where certain repairs) one provider response. `today` is the New York date: bars
 * dated after it are refused. Returns the repaired history; throws ProviderError 'invalid-data'.
 */
export function checkHistory(provider: string, symbol: string, raw: RawHistory, today: string): CheckedHistory {
  // Bars follow the series' own calendar: every day for crypto, NYSE sessions otherwise.
  const cal = raw.everyDay ? EVERY_DAY_CALENDAR : calendarFor(symbol);
  const isTradingDay = cal.isTradingDay;
  const nextTradingDay = cal.nextTradingDay;
  const closureReason = cal.closureReason;
  const refuse = (why: string): never => {
    throw new ProviderError(provider, 'invalid-data', `${provider} sent unusable data for ${symbol}: ${why}.`);
  };
  const repairs: string[] = [];

  // Events first: they decide what a jump means.
  const dividends = raw.dividends.filter((d) => d.amount !== 0);
  for (const d of dividends) if (!(Number.isFinite(d.amount) && d.amount > 0)) refuse(`a dividend of ${d.amount} on ${d.date}`);
  for (const s of raw.splits) if (!(Number.isFinite(s.ratio) && s.ratio > 0)) refuse(`a split ratio of ${s.ratio} on ${s.date}`);
  const splits = raw.splits.filter((s) => s.ratio !== 1);

  let bars = raw.bars;
  if (bars.some((b, i) => i > 0 && b.date < at(bars, i - 1).date)) {
    bars = [...bars].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    repairs.push('sorted the rows by date');
  }

  const kept: RawBar[] = [];
  for (const b of bars) {
    const prev = kept[kept.length - 1];
    if (prev && prev.date === b.date) {
      if (sameRow(prev, b)) {
        repairs.push(`dropped a repeated identical row for ${b.date}`);
        continue;
      }
      refuse(`two different rows for ${formatDate(b.date)}`);
    }
    if (isEmptyRow(b) && !isTradingDay(b.date)) {
      repairs.push(`dropped an empty row on ${b.date} (${closureReason(b.date) ?? 'market closed'})`);
      continue;
    }
    kept.push(b);
  }

  for (const b of kept) {
    if (b.date > today) refuse(`a bar dated ${formatDate(b.date)}, after today (${formatDate(today)})`);
    if (!isTradingDay(b.date)) refuse(`a bar on ${formatDate(b.date)}, when the market was closed (${closureReason(b.date) ?? 'closed'})`);
    if (b.close === null || !Number.isFinite(b.close)) refuse(`no closing price on ${formatDate(b.date)}`);
    for (const [field, v] of [['close', b.close], ['open', b.open], ['high', b.high], ['low', b.low]] as const) {
      if (v !== null && !(Number.isFinite(v) && v > 0)) refuse(`${field} ${v} on ${formatDate(b.date)} is not a positive price`);
    }
    if (b.volume !== null && !(Number.isFinite(b.volume) && b.volume >= 0)) refuse(`volume ${b.volume} on ${formatDate(b.date)}`);
  }

  for (let i = 1; i < kept.length; i++) {
    const a = at(kept, i - 1).date;
    const b = at(kept, i).date;
    const expected = nextTradingDay(a);
    if (expected !== b) refuse(`no bar for ${formatDate(expected)} (a trading day between ${formatDate(a)} and ${formatDate(b)})`);
  }

  let out = kept;
  for (let i = 1; i < out.length; i++) {
    const prev = at(out, i - 1);
    const cur = at(out, i);
    const q = (cur.close as number) / (prev.close as number);
    const sized = splitSizedRatio(q);
    if (sized === undefined) continue;
    const event = splits.find((s) => s.date === cur.date);
    if (event && Math.abs(q * event.ratio - 1) <= 0.03) {
      // The provider did not adjust the older bars for this split; now they are.
      out = applySplits(out, [event]);
      repairs.push(`put the bars before ${cur.date} on the basis of its ${event.ratio}-for-1 split`);
      continue;
    }
    refuse(
      `the close jumps from ${price(prev.close as number)} on ${formatDate(prev.date)} to ${price(cur.close as number)} on ` +
        `${formatDate(cur.date)} (×${q.toFixed(3)}), the size of a split, but ${event ? `the split that day is ${event.ratio}-for-1` : 'there is no split event that day'}`,
    );
  }

  return { bars: out, dividends, splits, repairs };
}

/** Closes agree when within half a cent plus 0.02 % (providers round to 2–4 decimals; Yahoo sends float32 noise). */
function closesAgree(a: number, b: number): boolean {
  return Math.abs(a - b) <= 0.006 + 2e-4 * Math.abs(b);
}

/**
 * Refuses a provider's bars when they disagree with what the cache holds for a closed trading day:
 * history that changes under us means one of the two is wrong, and the cache's was already checked.
 * `splitFactor` is the product of the ratios of the splits dated after the cache's newest bar (the
 * provider's closes are on the newer basis). Only `stored` bars known to be final are compared.
 */
export function checkAgainstCache(
  provider: string,
  symbol: string,
  stored: readonly { date: string; close: number | null }[],
  fetched: readonly DailyBar[],
  splitFactor: number,
): void {
  const byDate = new Map(stored.map((s) => [s.date, s.close]));
  for (const b of fetched) {
    const before = byDate.get(b.date);
    if (before === undefined || before === null || b.close === null) continue;
    const expected = before / splitFactor;
    if (!closesAgree(b.close, expected)) {
      throw new ProviderError(
        provider,
        'invalid-data',
        `${provider} disagrees with the cached ${symbol} close of ${formatDate(b.date)}: ${price(b.close)} now, ${price(expected)} before` +
          `${splitFactor === 1 ? ' (no split in between)' : ` (after a ${splitFactor}-for-1 split)`}; keeping the cached history.`,
      );
    }
  }
}
