/**
 * /rotation's lower panel: how far the small caps are ahead of the large caps since the period's start
 * (0% there), not a raw price ratio. Expected values: plain loops over the CSVs (_naive-relative.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Answer } from '../../src/answer/answer.ts';
import type { LineSeriesSpec, TimeChartSpec } from '../../src/answer/chart-spec.ts';
import { createTestApp } from '../_app.ts';
import { naiveRelative } from './_naive-relative.ts';

const app = createTestApp();
afterAll(() => app.close());

async function chart(text: string): Promise<TimeChartSpec> {
  const r = await app.runner.runText(text);
  if (!r.ok) throw new Error(r.error.message);
  return (r.answer as Answer).charts[0] as TimeChartSpec;
}

describe('/rotation chart', () => {
  it('plots IWM as % ahead of SPY since the period start, 0% at the start, in percent', async () => {
    const c = await chart('/rotation ytd asof:2025-06-30');
    const lower = c.panels[1];
    expect(lower?.format, 'a percentage, not a ratio').toBe('percent');
    expect(lower?.yLabel).toBe('vs SPY');
    const line = lower?.series[0] as LineSeriesSpec;
    expect(line.label).toBe('IWM % ahead of SPY');
    const last = line.values[line.values.length - 1] as number;
    // IWM's total return over SPY's since Dec 31, 2024, by hand from the CSVs.
    expect(last).toBeCloseTo(naiveRelative('IWM', 'SPY', '2024-12-31', '2025-06-30') as number, 10);
    const start = c.dates.indexOf('2024-12-31');
    expect(start, 'the chart shows the period start').toBeGreaterThanOrEqual(0);
    expect(line.values[start], 'even at the period start').toBeCloseTo(0, 12);
    expect(c.subtitle).toContain('how far IWM is ahead of SPY');
  });
});
