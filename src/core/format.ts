
import { at } from './at.ts';/**
 * People-style formatting for everything a chat reader sees: dates as "Jan 21, 2026", changes as
 * "+12.3%" / "−4.5%" (a real minus sign, U+2212), prices as "$1,234.56".
 *
 * Dates are parsed from their ISO text directly: trading days have no time zone to get wrong, and
 * no Date object means no chance of a UTC/local off-by-one.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MINUS = '\u2212';

function isoParts(iso: string): { year: string; month: string; day: number } {
  const m = ISO_DATE.exec(iso);
  const month = m ? MONTHS[Number(m[2]) - 1] : undefined;
  if (!m || month === undefined) throw new RangeError(`not an ISO date (YYYY-MM-DD): "${iso}"`);
  return { year: at(m, 1), month, day: Number(m[3]) };
}

/** '2026-01-21' → 'Jan 21, 2026'. */
export function formatDate(iso: string): string {
  const { year, month, day } = isoParts(iso);
  return `${month} ${day}, ${year}`;
}

/** '2026-01-21' → 'Jan 2026'. */
export function formatMonthYear(iso: string): string {
  const { year, month } = isoParts(iso);
  return `${month} ${year}`;
}

const percentFormats = new Map<number, Intl.NumberFormat>();
function percentFormat(digits: number): Intl.NumberFormat {
  let f = percentFormats.get(digits);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    percentFormats.set(digits, f);
  }
  return f;
}

/**
 * A fraction as a signed percent: 0.123 → '+12.3%', −0.045 → '−4.5%', 0 → '0.0%'.
 * The sign follows the rounded value, so a change too small to show reads '0.0%', never '−0.0%'.
 */
export function formatPercent(x: number, digits = 1): string {
  if (!Number.isFinite(x)) throw new RangeError(`formatPercent: not a finite number: ${x}`);
  const scale = 10 ** digits;
  const rounded = Math.round(Math.abs(x) * 100 * scale) / scale;
  const body = `${percentFormat(digits).format(rounded)}%`;
  if (rounded === 0) return body;
  return x < 0 ? `${MINUS}${body}` : `+${body}`;
}

const priceFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** 1234.56 → '$1,234.56'; negatives (rare: a price difference) → '−$12.00'. */
export function formatPrice(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`formatPrice: not a finite number: ${x}`);
  const body = `$${priceFormat.format(Math.abs(x))}`;
  return x < 0 && body !== '$0.00' ? `${MINUS}${body}` : body;
}

/** 1 → '1st', 2 → '2nd', 3 → '3rd', 11 → '11th', 22 → '22nd', 113 → '113th'. */
export function ordinal(n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`ordinal: not an integer: ${n}`);
  const lastTwo = Math.abs(n) % 100;
  const last = Math.abs(n) % 10;
  const suffix = lastTwo >= 11 && lastTwo <= 13 ? 'th' : last === 1 ? 'st' : last === 2 ? 'nd' : last === 3 ? 'rd' : 'th';
  return `${n}${suffix}`;
}
