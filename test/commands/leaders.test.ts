import { afterAll, describe, expect, it } from 'vitest';
import leaders from '../../commands/leaders.ts';
import perf from '../../commands/perf.ts';
import rotationmap from '../../commands/rotationmap.ts';
import type { BarChartSpec } from '../../src/answer/chart-spec.ts';
import { plainText } from '../../src/answer/answer.ts';
import { commandDriver, createTestApp } from '../_app.ts';
import { naiveStreak } from './_naive.ts';
import { commonRows, naiveRelative } from './_naive-relative.ts';

const app = createTestApp({ commands: [perf, leaders, rotationmap] });
afterAll(() => app.close());
const { answerOf, refusal } = commandDriver(app);


const SECTORS = ['XLB', 'XLC', 'XLE', 'XLF', 'XLI', 'XLK', 'XLP', 'XLRE', 'XLU', 'XLV', 'XLY'];

describe('/leaders', () => {
  it('ranks the 11 sectors by 3-month relative return against SPY, as a naive ratio calculation does', async () => {
    const a = await answerOf(leaders, '/leaders sectors 3m asof:2026-01-21');
    // 3m from Jan 21, 2026: base is the last common close on or before Oct 21, 2025.
    const naive = SECTORS.map((s) => ({ s, rel: naiveRelative(s, 'SPY', '2025-10-21', '2026-01-21') as number })).sort((x, y) => y.rel - x.rel);
    for (const { s, rel } of naive) expect(a.facts.members[s]?.relative, s).toBeCloseTo(rel, 12);
    expect(a.facts.leader).toBe(naive[0]?.s);
    expect(a.facts.laggard).toBe(naive[naive.length - 1]?.s);
    expect(a.facts.beating, 'sectors ahead of SPY').toBe(naive.filter((x) => x.rel > 0).length);
    expect(a.facts.ranked).toBe(11);
    expect(a.lines[0]).toMatch(new RegExp(`^\\*\\*${naive[0]?.s}\\b`));
    expect(a.lines[0]).toMatch(/(relative to|vs) SPY/);
    expect(a.lines.join('\n'), 'the leader named in full').toContain(`${naive[0]?.s} (`);
  });

  it('also reports 1, 3 and 6 months and each member’s current streak against SPY', async () => {
    const a = await answerOf(leaders, '/leaders sectors ytd asof:2026-01-21');
    for (const s of ['XLE', 'XLK', 'XLU']) {
      expect(a.facts.members[s]?.months['1m'], `${s} 1m`).toBeCloseTo(naiveRelative(s, 'SPY', '2025-12-21', '2026-01-21') as number, 12);
      expect(a.facts.members[s]?.months['6m'], `${s} 6m`).toBeCloseTo(naiveRelative(s, 'SPY', '2025-07-21', '2026-01-21') as number, 12);
      expect(a.facts.members[s]?.relative, `${s} ytd`).toBeCloseTo(naiveRelative(s, 'SPY', '2025-12-31', '2026-01-21') as number, 12);
      const won = naiveStreak(s, 'SPY', '2026-01-21');
      expect(a.facts.members[s]?.streak, `${s} streak`).toBe(won > 0 ? won : -naiveStreak('SPY', s, '2026-01-21'));
    }
    const table = [...a.lines, ...(a.detail ?? [])].find((l) => l.startsWith('```')) as string;
    expect(table.split('\n')[1], 'the ranking period gets its own column before 1M 3M 6M').toMatch(/vs SPY\s+YTD\s+1M\s+3M\s+6M\s+Streak/);
  });

  /** Same calendar date `months` earlier, the day clamped to the month's last (Mar 31 − 1m → Feb 28). */
  const monthsBefore = (iso: string, months: number): string => {
    const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
    const total = y * 12 + (m - 1) - months;
    const ty = Math.floor(total / 12);
    const tm = total % 12;
    const last = new Date(Date.UTC(ty, tm + 1, 0)).getUTCDate();
    return `${ty}-${String(tm + 1).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
  };
  /**
   * Naive rotation over the CSVs: relative return over the period (base = last common close on or before
   * end − N months) and over the N months before it (from the last common close on or before base − N
   * months, to the base); in = above +0.05% now and below −0.05% before, out = the reverse.
   */
  const naiveTurns = (months: number, asOf: string) => {
    const rows = SECTORS.map((s) => {
      const common = commonRows(s, 'SPY', asOf);
      const end = common[common.length - 1] as { date: string; a: number; b: number };
      const base = common.filter((r) => r.date <= monthsBefore(end.date, months)).pop() as { date: string; a: number; b: number };
      const prior = common.filter((r) => r.date <= monthsBefore(base.date, months)).pop() as { date: string; a: number; b: number };
      const now = end.a / end.b / (base.a / base.b) - 1;
      const before = base.a / base.b / (prior.a / prior.b) - 1;
      return { s, now, before };
    });
    return {
      in: rows.filter((r) => r.now > 0.0005 && r.before < -0.0005).sort((x, y) => y.now - x.now).map((r) => r.s),
      out: rows.filter((r) => r.now < -0.0005 && r.before > 0.0005).sort((x, y) => x.now - y.now).map((r) => r.s),
      before: Object.fromEntries(rows.map((r) => [r.s, r.before])),
    };
  };

  it.each(['', ' asof:2026-01-21'])('rotation in and out is tied to the period asked: 1m and 6m differ%s', async (asof) => {
    const asOf = asof ? '2026-01-21' : '2026-10-08';
    const seen: Record<string, { in: string[]; out: string[] }> = {};
    for (const [period, months] of [['1m', 1], ['6m', 6]] as const) {
      const a = await answerOf(leaders, `/leaders sectors ${period}${asof}`);
      expect(a.asOf).toBe(asOf);
      const naive = naiveTurns(months, asOf);
      expect(a.facts.rotatingIn, `${period} in`).toEqual(naive.in);
      expect(a.facts.rotatingOut, `${period} out`).toEqual(naive.out);
      for (const s of SECTORS) expect(a.facts.members[s]?.before, `${s} ${period} before`).toBeCloseTo(naive.before[s] as number, 12);
      seen[period] = { in: a.facts.rotatingIn, out: a.facts.rotatingOut };
      const text = [...a.lines, ...(a.detail ?? [])].join('\n');
      const span = months === 1 ? 'the month before' : 'the 6 months before';
      // Every name in full, and no "by −8.7%" after a verb that already says the direction.
      for (const s of naive.in) expect(text).toMatch(new RegExp(`\\*\\*Rotating in\\*\\* \\(ahead of SPY [^)]*${span}\\):.*\\b${s} \\(`));
      for (const s of naive.out) expect(text).toMatch(new RegExp(`\\*\\*Rotating out\\*\\* \\(behind SPY [^)]*${span}\\):.*\\b${s} \\(`));
      if (naive.in.length === 0) expect(text).not.toMatch(/Rotating in/);
      if (naive.out.length === 0) expect(text).not.toMatch(/Rotating out/);
      expect(text).not.toMatch(/\d more\b/);
      expect(text).not.toMatch(/(trailing|trailed|behind|leading|led|ahead)( it)? by [−-]/);
    }
    expect(seen['1m'], 'the 1-month and 6-month rotation are not the same lines').not.toEqual(seen['6m']);
  });

  it('puts leader and laggard in the first line', async () => {
    const a = await answerOf(leaders, '/leaders sectors 6m asof:2026-01-21');
    expect(a.lines[0]).toMatch(new RegExp(`^\\*\\*${a.facts.leader}\\b`));
    expect(a.lines[0]).toMatch(new RegExp(`; ${a.facts.laggard} (trails|is last)`));
    // Room for an "As of Oct 1, the last close I have for MAGS: " lead within 120 characters.
    const stale = await answerOf(leaders, '/leaders XLE MAGS');
    expect(stale.lines[0]).toMatch(/^As of Oct 1, the last close I have for MAGS: /);
    expect(plainText(stale.lines[0] ?? '').length).toBeLessThan(120);
  });

  it('leaves the benchmark out of its own ranking', async () => {
    const a = await answerOf(leaders, '/leaders styles ytd asof:2025-12-31');
    expect(a.facts.ranked).toBe(4);
    expect(a.facts.members).not.toHaveProperty('SPY');
    expect([...a.lines, ...(a.detail ?? [])].join('\n')).toContain('SPY (it is the benchmark)');
    expect(a.facts.members.MAGS?.relative).toBeCloseTo(naiveRelative('MAGS', 'SPY', '2024-12-31', '2025-12-31') as number, 12);
  });

  it('takes a list of symbols and another benchmark', async () => {
    const a = await answerOf(leaders, '/leaders XLE XLK XLF 6m vs:QQQ asof:2026-01-21');
    expect(a.facts.universe).toBe('custom');
    expect(a.facts.benchmark).toBe('QQQ');
    for (const s of ['XLE', 'XLK', 'XLF']) {
      expect(a.facts.members[s]?.relative, s).toBeCloseTo(naiveRelative(s, 'QQQ', '2025-07-21', '2026-01-21') as number, 12);
    }
    // A comma list in the universe option works the same way.
    const b = await answerOf(leaders, '/leaders universe:XLE,XLK,XLF 6m vs:QQQ asof:2026-01-21');
    expect(b.facts.leader).toBe(a.facts.leader);
  });

  it('leaves out a member whose prices stop weeks before the as-of date, and says so', async () => {
    // Data v2 extends KRE to Oct 8, 2026; TOST is the bundled symbol that ends early (Sep 15, 2026).
    const a = await answerOf(leaders, '/leaders KRE XBI IBB TOST');
    expect(a.asOf).toBe('2026-10-08');
    expect(a.facts.members).not.toHaveProperty('TOST');
    expect([...a.lines, ...(a.detail ?? [])].join('\n')).toMatch(/TOST \(its data ends Sep 15, 2026/);
    expect(a.facts.ranked).toBe(3);
  });

  it('ranks KRE to the newest common close now that its data reaches Oct 8, 2026', async () => {
    const a = await answerOf(leaders, '/leaders smallcap-drivers');
    expect(a.asOf).toBe('2026-10-08');
    expect(a.facts.ranked).toBe(4);
    expect(a.facts.members).toHaveProperty('KRE');
    expect([...a.lines, ...(a.detail ?? [])].join('\n')).not.toMatch(/its data ends/);
  });

  it('does not rank a sector too young for the period, and skips one that did not exist yet', async () => {
    const a = await answerOf(leaders, '/leaders sectors 1y asof:2016-06-30');
    expect(a.facts.members.XLRE?.relative, 'XLRE began Oct 8, 2015').toBeNull();
    expect(a.facts.members).not.toHaveProperty('XLC');
    expect([...a.lines, ...(a.detail ?? [])].join('\n')).toMatch(/XLC \(it has no prices on or before Jun 30, 2016\)/);
    expect(a.facts.ranked).toBe(9);
  });

  it('charts horizontal bars of relative return, best first, coloured by sign', async () => {
    const a = await answerOf(leaders, '/leaders sectors asof:2026-01-21');
    const chart = a.charts[0] as BarChartSpec;
    expect(chart.kind).toBe('bars');
    expect(chart.horizontal).toBe(true);
    expect(chart.colorBySign).toBe(true);
    const values = chart.groups[0]?.values as number[];
    expect(values).toHaveLength(11);
    expect([...values].sort((x, y) => y - x), 'sorted best first').toEqual(values);
    expect(chart.categories[0]).toContain(a.facts.leader);
    const png = await app.renderer.render(chart);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });

  it.each([
    ['/leaders sectr', /`sectr` is neither a universe nor a symbol I know\. Did you mean sectors\?/],
    ['/leaders universe:XLE,sectors', /`sectors` is a universe; name one universe or list symbols/],
    ['/leaders SPY vs:SPY', /Nothing to rank against SPY/],
    ['/leaders XLC 1y asof:2018-09-04', /back far enough for 1y/],
  ])('refuses %s', async (text, message) => {
    expect(await refusal(text)).toMatch(message);
  });
});
