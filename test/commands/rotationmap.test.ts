import { afterAll, describe, expect, it } from 'vitest';
import leaders from '../../commands/leaders.ts';
import perf from '../../commands/perf.ts';
import rotationmap from '../../commands/rotationmap.ts';
import type { RotationChartSpec } from '../../src/answer/chart-spec.ts';
import { commandDriver, createTestApp } from '../_app.ts';
import { naiveQuadrant, naiveRotation } from './_naive-relative.ts';

const app = createTestApp({ commands: [perf, leaders, rotationmap] });
afterAll(() => app.close());
const { answerOf, refusal } = commandDriver(app);


const SECTORS = ['XLB', 'XLC', 'XLE', 'XLF', 'XLI', 'XLK', 'XLP', 'XLRE', 'XLU', 'XLV', 'XLY'];
/** Last week's and this week's naive coordinates. */
function lastTwo(symbol: string, vs: string, asOf: string): { before: { ratio: number; momentum: number }; now: { ratio: number; momentum: number } } {
  const [before, now] = naiveRotation(symbol, vs, asOf, 2);
  if (!before || !now) throw new Error(`${symbol}: no naive rotation`);
  return { before, now };
}
const NAMES: Record<string, string> = { leading: 'Leading', weakening: 'Weakening', lagging: 'Lagging', improving: 'Improving' };

describe('/rotationmap', () => {
  it('places each sector where a naive weekly calculation over the CSVs does (as of Wed Jan 21, 2026)', async () => {
    const a = await answerOf(rotationmap, '/rotationmap asof:2026-01-21');
    expect(a.facts.week, 'the partial week ends on the as-of date').toBe('2026-01-21');
    for (const s of SECTORS) {
      const { before, now } = lastTwo(s, 'SPY', '2026-01-21');
      expect(a.facts.members[s]?.ratio, `${s} RS-Ratio`).toBeCloseTo(now.ratio, 9);
      expect(a.facts.members[s]?.momentum, `${s} RS-Momentum`).toBeCloseTo(now.momentum, 9);
      expect(a.facts.members[s]?.quadrant, s).toBe(naiveQuadrant(now.ratio, now.momentum));
      expect(a.facts.members[s]?.previous, `${s} last week`).toBe(naiveQuadrant(before.ratio, before.momentum));
    }
    const counts = [a.facts.leading, a.facts.weakening, a.facts.lagging, a.facts.improving];
    expect(counts.reduce((x, y) => x + y, 0)).toBe(11);
  }, 60_000); // the first answer reads 12 CSVs cold: generous on a busy machine

  it('names every member that changed quadrant this week, and only those', async () => {
    let movers = 0;
    for (const d of ['2026-01-21', '2025-06-27', '2024-11-08']) {
      const a = await answerOf(rotationmap, `/rotationmap asof:${d}`);
      const text = a.lines.join('\n');
      const moved = SECTORS.filter((s) => {
        const { before: b, now: n } = lastTwo(s, 'SPY', d);
        return naiveQuadrant(b.ratio, b.momentum) !== naiveQuadrant(n.ratio, n.momentum);
      });
      for (const s of moved) {
        const { before: b, now: n } = lastTwo(s, 'SPY', d);
        expect(text, `${s} on ${d}`).toMatch(new RegExp(`${s}(\\*\\* moved)? from ${NAMES[naiveQuadrant(b.ratio, b.momentum)]} into ${NAMES[naiveQuadrant(n.ratio, n.momentum)]}`));
      }
      const line = a.lines.find((l) => l.startsWith('This week')) ?? '';
      for (const s of SECTORS.filter((x) => !moved.includes(x))) expect(line, `${s} stayed put on ${d}`).not.toMatch(new RegExp(`\\b${s}\\b`));
      if (moved.length === 0) expect(text, `nobody moved on ${d}`).not.toMatch(/This week/);
      movers += moved.length;
    }
    expect(movers, 'the dates include some moves').toBeGreaterThan(0);
  });

  it('draws tails of the asked length ending at the latest week', async () => {
    const a = await answerOf(rotationmap, '/rotationmap tail:5 asof:2026-01-21');
    const chart = a.charts[0] as RotationChartSpec;
    expect(chart.kind).toBe('rotation');
    expect(chart.items.map((i) => i.label).sort()).toEqual([...SECTORS].sort());
    for (const item of chart.items) {
      expect(item.tail, item.label).toHaveLength(5);
      expect(item.tail[4]?.date).toBe('2026-01-21');
      const naive = naiveRotation(item.label, 'SPY', '2026-01-21', 5);
      item.tail.forEach((p, k) => {
        expect(p.x, `${item.label} week ${k}`).toBeCloseTo((naive[k] as { ratio: number }).ratio, 9);
        expect(p.y).toBeCloseTo((naive[k] as { momentum: number }).momentum, 9);
      });
    }
    expect(JSON.stringify(a), 'never the trademark').not.toMatch(/RRG/);
    const png = await app.renderer.render(chart);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });

  it('leaves out the benchmark and members with too little history', async () => {
    const styles = await answerOf(rotationmap, '/rotationmap styles asof:2025-12-31');
    expect(styles.facts.members).not.toHaveProperty('SPY');
    expect(styles.lines.join('\n')).toContain('SPY (it is the benchmark)');
    // XLC began Jun 19, 2018: by Sep 14 it has 14 weekly closes, fewer than the 17 the map needs.
    const early = await answerOf(rotationmap, '/rotationmap sectors asof:2018-09-14');
    expect(early.facts.members).not.toHaveProperty('XLC');
    expect(early.lines.join('\n')).toMatch(/XLC \(it needs 17 weeks of prices alongside SPY\)/);
  });

  it('measures against another benchmark', async () => {
    const a = await answerOf(rotationmap, '/rotationmap XLE XLK vs:QQQ asof:2026-01-21');
    const { now } = lastTwo('XLK', 'QQQ', '2026-01-21');
    expect(a.facts.members.XLK?.ratio).toBeCloseTo(now.ratio, 9);
    expect(a.facts.benchmark).toBe('QQQ');
  });

  it.each([
    ['/rotationmap tail:1', /tail must be a whole number from 2 to 26/],
    ['/rotationmap tail:27', /tail must be a whole number from 2 to 26/],
    ['/rotationmap XLC asof:2018-08-01', /too little common history with SPY/],
  ])('refuses %s', async (text, message) => {
    expect(await refusal(text)).toMatch(message);
  });
});
