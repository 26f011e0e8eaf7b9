/**
 * Scan alerts: a name entering the snapback scan fires once per entry. Evaluated day by day on HOOD's
 * real 2025 closes and compared with the days a naive loop over the CSV finds it entering.
 */
import { describe, expect, it } from 'vitest';
import { alertEvent, describeAlert, shouldFire } from '../../src/digest/alerts.ts';
import { truncateAsOf } from '../../src/core/series.ts';
import { realSeries } from '../core/_realdata.ts';
import { naiveRows } from '../commands/_naive.ts';

/** The naive snapback rule over closes up to row i (see src/core/scans.ts). */
function naiveIn(c: number[], i: number): boolean {
  const w = c.slice(i - 62, i + 1);
  let hi = 0;
  w.forEach((v, k) => {
    if (v > (w[hi] as number)) hi = k;
  });
  const low = Math.min(...w.slice(hi));
  const last = c[i] as number;
  const avg = c.slice(i - 9, i + 1).reduce((s, v) => s + v, 0) / 10;
  return low / (w[hi] as number) - 1 <= -0.25 && last / low - 1 >= 0.05 && last > avg;
}

describe('scan alerts', () => {
  it('HOOD entering the snapback scan in 2025: fires on the naive entry days, once each', () => {
    const rows = naiveRows('HOOD');
    const closes = rows.map((r) => r.close as number);
    const days = rows.map((r) => r.date).filter((d) => d >= '2025-03-01' && d <= '2025-07-31');
    const want: string[] = [];
    for (const d of days) {
      const i = rows.findIndex((r) => r.date === d);
      if (naiveIn(closes, i) && !naiveIn(closes, i - 1)) want.push(d);
    }
    expect(want.length, 'HOOD turned up after the April 2025 fall').toBeGreaterThanOrEqual(1);
    const spec = { kind: 'scan' as const, symbol: 'HOOD', scan: 'snapback' as const };
    expect(describeAlert(spec)).toBe('HOOD enters the snapback scan');
    const full = realSeries('HOOD');
    let last: string | null = null;
    const fired: string[] = [];
    for (const d of days) {
      const ev = alertEvent(spec, truncateAsOf(full, d), null, d, 'test');
      if (ev && shouldFire({ createdAsOf: '2025-02-28', lastEvent: last }, ev)) {
        fired.push(d);
        expect(ev.date, 'dated the day it entered').toBe(d);
        last = ev.key;
      }
    }
    expect(fired).toEqual(want);
  });
});
