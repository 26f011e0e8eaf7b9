/**
 * Independent reference calculations for /leaders and /rotationmap: plain loops over the CSV rows
 * (via _naive.ts), Date for weeks, no code from src/.
 */
import { naiveRows, type NaiveRow } from './_naive.ts';

/** Rows of A on dates B also has, up to `asOf`, each with B's adj close. */
export function commonRows(a: string, b: string, asOf: string): { date: string; a: number; b: number }[] {
  const bm = new Map(naiveRows(b).map((r) => [r.date, r.adj]));
  return naiveRows(a)
    .filter((r: NaiveRow) => r.date <= asOf && bm.has(r.date))
    .map((r) => ({ date: r.date, a: r.adj, b: bm.get(r.date) as number }));
}

/** (A_end / B_end) / (A_base / B_base) − 1, the base being the last common date on or before `fromDate`. */
export function naiveRelative(a: string, b: string, fromDate: string, asOf: string): number | null {
  const rows = commonRows(a, b, asOf);
  const end = rows[rows.length - 1];
  const base = rows.filter((r) => r.date <= fromDate).pop();
  if (!end || !base) return null;
  return end.a / end.b / (base.a / base.b) - 1;
}

/** The Monday of an ISO date's week. */
function mondayOf(iso: string): string {
  const t = Date.parse(`${iso}T00:00:00Z`);
  const back = (new Date(t).getUTCDay() + 6) % 7;
  return new Date(t - back * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The rotation-map coordinates of the last `weeks` weeks, oldest first: weekly closes = the last common
 * date of each Monday–Sunday week; RS = 100·A/B; ratio = 100·mean(last 4 RS)/mean(last 13 RS);
 * momentum = 100·ratio/ratio 4 weeks earlier.
 */
export function naiveRotation(a: string, b: string, asOf: string, weeks: number): { date: string; ratio: number; momentum: number }[] {
  const byWeek = new Map<string, { date: string; rs: number }>();
  for (const r of commonRows(a, b, asOf)) byWeek.set(mondayOf(r.date), { date: r.date, rs: (100 * r.a) / r.b });
  const w = [...byWeek.values()];
  const mean = (from: number, to: number): number => {
    let s = 0;
    for (let i = from; i <= to; i++) s += (w[i] as { rs: number }).rs;
    return s / (to - from + 1);
  };
  const ratio = (t: number): number => (100 * mean(t - 3, t)) / mean(t - 12, t);
  const out: { date: string; ratio: number; momentum: number }[] = [];
  for (let t = w.length - weeks; t < w.length; t++) {
    out.push({ date: (w[t] as { date: string }).date, ratio: ratio(t), momentum: (100 * ratio(t)) / ratio(t - 4) });
  }
  return out;
}

export function naiveQuadrant(ratio: number, momentum: number): string {
  if (ratio > 100) return momentum > 100 ? 'leading' : 'weakening';
  return momentum > 100 ? 'improving' : 'lagging';
}
