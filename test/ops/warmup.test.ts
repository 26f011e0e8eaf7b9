import { describe, expect, it } from 'vitest';
import type { DailySeries } from '../../src/core/series.ts';
import { warmUp } from '../../src/ops/warmup.ts';

describe('warm-up', () => {
  it('reads every symbol once, survives the ones that fail, and bounds parallel reads', async () => {
    const read: string[] = [];
    let running = 0;
    let most = 0;
    const market = {
      async series(symbol: string): Promise<DailySeries> {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        read.push(symbol);
        if (symbol === 'DOWN') throw new Error('provider unavailable');
        return {} as DailySeries;
      },
    };
    const symbols = ['SPY', 'IWM', 'DOWN', 'QQQ', 'XLK', 'XLE'];
    const r = await warmUp({ market, symbols, concurrency: 2 });
    expect([...read].sort(), 'each symbol read exactly once').toEqual([...symbols].sort());
    expect(r).toMatchObject({ loaded: 5, failed: ['DOWN'], timedOut: false });
    expect(most, 'never more than the concurrency at once').toBe(2);
  });

  it('gives up at the deadline and lets start-up go on', async () => {
    const market = { series: () => new Promise<DailySeries>((r) => setTimeout(() => r({} as DailySeries), 30)) };
    const r = await warmUp({ market, symbols: ['A', 'B', 'C', 'D', 'E', 'F'], concurrency: 1, deadlineMs: 50 });
    expect(r.timedOut).toBe(true);
    expect(r.loaded, 'stopped after about two reads of 30 ms').toBeLessThan(6);
  });
});
