/**
 * compute → typed facts → present (/rotation, /breakout, /streak): the facts are plain JSON (what
 * `--json` prints), and the words come from them alone — presenting facts that went through JSON gives
 * the very Answer the command gave.
 */
import { afterAll, describe, expect, it } from 'vitest';
import breakout, { computeBreakout, presentBreakout } from '../../commands/breakout.ts';
import rotation, { computeRotation, presentRotation } from '../../commands/rotation.ts';
import streak, { computeStreak, presentStreak } from '../../commands/streak.ts';
import { withDetail } from '../../src/answer/answer.ts';
import { parsePeriod } from '../../src/core/periods.ts';
import { truncateAsOf } from '../../src/core/series.ts';
import { commandDriver, createTestApp } from '../_app.ts';

const app = createTestApp({ commands: [rotation, breakout, streak] });
afterAll(() => app.close());
const { answerOf } = commandDriver(app);
const series = async (symbol: string, asOf: string) => truncateAsOf(await app.market.series(symbol), asOf);
/** Through JSON and back: what a reader of `--json` gets. */
const viaJson = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const SOURCE = app.market.sourceLabel;

describe('compute → facts → present', () => {
  it('/streak: the Answer is its facts, presented', async () => {
    for (const asOf of ['2026-01-21', '2025-06-30', '2024-11-08']) {
      const a = await answerOf(streak, `/streak IWM SPY asof:${asOf}`);
      const { facts, plot } = computeStreak(await series('IWM', asOf), await series('SPY', asOf));
      expect(viaJson(facts), 'facts are JSON').toEqual(facts);
      expect(facts, 'the command says what compute found').toEqual(a.facts);
      const p = presentStreak(viaJson(facts), plot, SOURCE);
      expect(p.lines, asOf).toEqual(a.lines);
      expect(p.charts).toEqual(a.charts);
    }
  });

  it('/rotation: the Answer is its facts, presented', async () => {
    for (const [period, asOf] of [['ytd', '2025-06-30'], ['1d', '2026-01-21'], ['1m', '2026-08-21']] as const) {
      const a = await answerOf(rotation, `/rotation ${period} asof:${asOf}`);
      const p0 = parsePeriod(period);
      if (!p0) throw new Error(`${period} is a period`);
      const inputs = { small: await series('IWM', asOf), large: await series('SPY', asOf), mega: await series('MAGS', asOf), period: p0, asOf };
      const { facts, plot } = computeRotation(inputs);
      expect(viaJson(facts)).toEqual(facts);
      expect(facts).toEqual(a.facts);
      const p = presentRotation(viaJson(facts), plot, p0, SOURCE);
      expect(p.lines, `${period} ${asOf}`).toEqual(a.lines);
      expect(p.charts).toEqual(a.charts);
      expect(facts.day === null, 'a one-day period has no separate line for the day').toBe(period === '1d');
    }
  });

  it('/breakout: the Answer is its facts, presented, with and without a level', async () => {
    for (const [symbol, level, asOf] of [['SPY', undefined, '2024-01-19'], ['SPY', 600, '2025-06-30'], ['KRE', 70, '2024-12-31'], ['SPY', undefined, '2023-05-26']] as const) {
      const a = await answerOf(breakout, `/breakout ${symbol}${level === undefined ? '' : ` level:${level}`} asof:${asOf}`);
      const { facts, plot } = computeBreakout(await series(symbol, asOf), level, asOf);
      expect(viaJson(facts)).toEqual(facts);
      expect(facts).toEqual(a.facts);
      const p = presentBreakout(viaJson(facts), plot, SOURCE);
      expect(p.lines, `${symbol} ${level} ${asOf}: the runner moves lines past six behind More`).toEqual(withDetail(a).lines);
      for (const w of p.warnings) expect(a.warnings).toContain(w);
      expect(p.charts).toEqual(a.charts);
      expect(facts.levelDetail === null, 'the level check only when a level is asked').toBe(level === undefined);
    }
  });
});
