/**
 * A calendar date as people type it in a command option: `2026-01-21`, `2026-1-21`, `01/21/2026`
 * (US month first, as US markets write it), `1/21/26`, `Jan 21 2026`, `Jan 21, 2026`, `January 21 2026`,
 * `21 Jan 2026`. Exact forms only (no "last friday": questions in words go through src/ask/dates.ts),
 * so an option never reads something the person did not mean. Null when the text is none of these or
 * not a real calendar day. Any four-digit year reads: a date before the data (1890) is for the
 * command to call out of range, which tells the person where the data starts; "unreadable" would not.
 */
import { DateTime } from 'luxon';

const FORMATS = ['yyyy-M-d', 'M/d/yyyy', 'M/d/yy', 'MMM d yyyy', 'MMM d, yyyy', 'MMMM d yyyy', 'MMMM d, yyyy', 'd MMM yyyy', 'd MMMM yyyy', 'MMM-d-yyyy', 'd-MMM-yyyy'] as const;

export function readTypedDate(text: string): string | null {
  // "Jan. 21 2026", "jan 21 2026", "Jan_21_2026" (no spaces in an option value typed in one word).
  const t = text.trim().replace(/[_\s]+/g, ' ').replace(/^([A-Za-z]{3})\./, '$1').replace(/\b([a-z])([a-z]+)\b/gi, (_, a: string, b: string) => a.toUpperCase() + b.toLowerCase());
  if (!/^[\w ,/-]{6,20}$/.test(t)) return null;
  for (const f of FORMATS) {
    const dt = DateTime.fromFormat(t, f, { zone: 'utc', locale: 'en-US' });
    if (dt.isValid && dt.year >= 1000 && dt.year <= 2200) return dt.toISODate();
  }
  return null;
}
