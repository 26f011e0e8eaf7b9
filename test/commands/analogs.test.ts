import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import analogs from '../../commands/analogs.ts';
import breakout from '../../commands/breakout.ts';
import drawdown from '../../commands/drawdown.ts';
import streak from '../../commands/streak.ts';
import composition from '../../commands/composition.ts';
import scan from '../../commands/scan.ts';
import type { MultiplesChartSpec, TimeChartSpec } from '../../src/answer/chart-spec.ts';
import { chartConfig } from '../../src/charts/config.ts';
import { renderPngSync } from '../../src/charts/render-local.ts';
import { commandDriver, createTestApp } from '../_app.ts';
import { naiveFailedBreakouts, naiveRows, naiveStreak, type NaiveRow } from './_naive.ts';
import { withDetail } from '../../src/answer/answer.ts';
import { formatDate } from '../../src/core/format.ts';

const app = createTestApp({ commands: [analogs, composition, scan] });
afterAll(() => app.close());
const { answer, refusal } = commandDriver(app);

/** Naive: common IWM/SPY dates up to asOf; the days an IWM-over-SPY run reaches k sessions; 3-month (63-session) relative outcomes. */
function naiveStreakAnalogs(k: number, asOf: string): { date: string; rel3: number | null; rel1: number | null }[] {
  const spy = new Map(naiveRows('SPY').map((r) => [r.date, r.adj]));
  const rows = naiveRows('IWM').filter((r) => r.date <= asOf && spy.has(r.date));
  const a = rows.map((r) => r.adj);
  const b = rows.map((r) => spy.get(r.date) as number);
  const out: { date: string; rel3: number | null; rel1: number | null }[] = [];
  let run = 0;
  const rel = (i: number, h: number): number | null => (i + h < rows.length ? (a[i + h] as number) / (a[i] as number) - (b[i + h] as number) / (b[i] as number) : null);
  for (let i = 1; i < rows.length; i++) {
    run = (a[i] as number) / (a[i - 1] as number) > (b[i] as number) / (b[i - 1] as number) ? run + 1 : 0;
    if (run === k) out.push({ date: (rows[i] as NaiveRow).date, rel3: rel(i, 63), rel1: rel(i, 21) });
  }
  return out;
}

function naiveMedian(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

describe('/analogs', () => {
  it('IWM over SPY on Jan 21, 2026: a 13-session streak, compared with the 10 earlier streaks of 8+ sessions', async () => {
    // Naive counts over the CSVs: only one earlier run of 12+ (Jun 2008), 13+ likewise; 8+ is the longest K with ≥ 10 earlier cases.
    expect(naiveStreakAnalogs(12, '2026-01-21').filter((e) => e.rel3 !== null)).toHaveLength(1);
    const eight = naiveStreakAnalogs(8, '2026-01-21');
    const done = eight.filter((e) => e.rel3 !== null).map((e) => ({ date: e.date, rel3: e.rel3 as number }));
    expect(done).toHaveLength(10);
    const a = await answer('/analogs IWM vs:SPY event:streak asof:2026-01-21');
    expect(a.lines[1]).toContain('IWM has beaten SPY for **13 straight sessions**');
    expect(a.facts.threshold).toBe(8);
    expect(a.facts.n3m).toBe(10);
    expect(a.facts.median3m as number).toBeCloseTo(naiveMedian(done.map((d) => d.rel3)), 12);
    const beat = done.filter((d) => d.rel3 > 0).length;
    expect(a.facts.positive3m).toBe(beat);
    const worst = done.reduce((w, d) => (d.rel3 < w.rel3 ? d : w));
    // The verdict first, under 120 characters (issue 12); the extremes with their dates after today's streak.
    expect(a.lines[0]).toBe(`**IWM beat SPY over the next 3 months after ${beat} of the 10** earlier streaks of 8+ sessions (median ${fmtPts(naiveMedian(done.map((d) => d.rel3)))}).`);
    expect(a.lines[0]?.length).toBeLessThan(120);
    const best = done.reduce((w, d) => (d.rel3 > w.rel3 ? d : w));
    expect(a.lines[2]).toBe(`Over the next 3 months the best case was ${fmtPts(best.rel3)} (after ${formatDate(best.date)}), the worst ${fmtPts(worst.rel3)} (after Feb 9, 2021).`);
    expect(worst.date).toBe('2021-02-09');
    expect(a.facts.latest, 'the current streak reached 8 sessions on Jan 13, 2026').toBe(eight[eight.length - 1]?.date);
    const c = a.charts[0] as TimeChartSpec;
    expect(c.axis).toBe('sessions');
    expect(c.dates).toHaveLength(253);
    const series = c.panels[0]?.series ?? [];
    expect(series.filter((s) => s.label.startsWith('Earlier episodes'))).toHaveLength(10);
    const median = series.find((s) => s.label === 'Median');
    expect(median?.type === 'line' && median.width, 'the median is drawn bold').toBeGreaterThan(3);
    expect(median?.type === 'line' ? median.values[0] : undefined).toBe(100);
    expect(series.some((s) => s.label.startsWith('Latest (from Jan 13, 2026)')), 'today’s path over them').toBe(true);
  });

  it('never uses a window that ends after the as-of date', async () => {
    // As of Apr 1, 2021 the Feb 9, 2021 streak has a complete month (ends Mar 11) but not 3 months.
    const eight = naiveStreakAnalogs(8, '2021-04-01');
    expect(eight[eight.length - 1]?.date).toBe('2021-02-09');
    const a = await answer('/analogs IWM streak 8 vs:SPY asof:2021-04-01');
    expect(a.facts.n1m).toBe(eight.filter((e) => e.rel1 !== null).length);
    expect(a.facts.n3m, 'the Feb 2021 window is still open').toBe(eight.filter((e) => e.rel3 !== null).length);
    expect(a.facts.n3m).toBe((a.facts.n1m as number) - 1);
    expect(a.lines.join('\n')).toMatch(/Feb 9, 2021 +[+−][\d.]+ pts +open +open +open/);
  });

  it('declines: says small samples are small; a level needs a value; refusals are friendly', async () => {
    const a = await answer('/analogs SPY decline 20 asof:2026-10-08');
    expect(a.lines[0]).toMatch(/^\*\*SPY was higher 3 months later after \d of only \d\*\* earlier declines of 20% or more from a record close \(median [+−][\d.]+%\)\.$/);
    expect((await answer('/analogs SPY level 600')).lines[0]).toBe('Too few to say anything: only 1 earlier case (first closes above 600 after a year without one) since 1993.');
    expect(await refusal('/analogs SPY level')).toMatch(/Which level/);
    expect(await refusal('/analogs IWM streak 1 vs:SPY')).toMatch(/2 to 60/);
    expect(await refusal('/analogs SPY vs:SPY')).toMatch(/twice|another symbol/);
  });
});

function fmtPts(x: number): string {
  return `${x < 0 ? '−' : '+'}${Math.abs(x * 100).toFixed(1)} pts`;
}

describe('/composition', () => {
  const csv = readFileSync(new URL('../../data/holdings/IWM-sectors.csv', import.meta.url), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  it('IWM: Financials’ weight and rank from the holdings file, the weights summing to ~100%', async () => {
    const a = await answer('/composition IWM');
    const sectors = csv.filter((f) => !/Cash/.test(f[0] as string)).sort((p, q) => Number(q[2]) - Number(p[2]));
    const rank = sectors.findIndex((f) => f[0] === 'Financials') + 1;
    const weight = Number(csv.find((f) => f[0] === 'Financials')?.[2]);
    expect(rank).toBe(3);
    // The snapshot's date, from the fund list (data/holdings/funds.json), in words by hand.
    const fund = (JSON.parse(readFileSync(new URL('../../data/holdings/funds.json', import.meta.url), 'utf8')) as { fund: string; asOf: string }[]).find((f) => f.fund === 'IWM');
    const [y, m, d] = (fund?.asOf ?? '').split('-').map(Number) as [number, number, number];
    const when = `${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][m - 1]} ${d}, ${y}`;
    expect(a.lines[0]).toBe(`**Financials are ${weight.toFixed(1)}% of IWM, its 3rd-largest sector** (holdings as of ${when}).`);
    expect(a.facts.sectorWeight).toBe(weight);
    const sum = csv.reduce((s, f) => s + Number(f[2]), 0);
    expect(sum).toBeCloseTo(100, 0);
    expect(a.facts.totalWeight as number).toBeCloseTo(sum, 9);
    expect(a.lines.join('\n')).toContain('BE    BLOOM ENERGY CLASS A CORP');
    // The ten largest holdings in the file's order, and their total weight.
    const top = readFileSync(new URL('../../data/holdings/IWM-top10.csv', import.meta.url), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const text = withDetail(a).lines.join('\n');
    const at = top.map((f) => text.indexOf(`\n${f[0]} `));
    expect(at.every((p) => p > 0) && at.every((p, i) => i === 0 || p > (at[i - 1] as number)), 'every top holding, in order').toBe(true);
    expect(text).toContain(`The 10 largest holdings are ${top.reduce((t, f) => t + Number(f[3]), 0).toFixed(1)}% of the fund`);
    const chart = a.charts[0];
    expect(chart?.kind === 'bars' && chart.categories).toEqual(sectors.map((f) => f[0]));
    expect(await answer('/composition IWM tech').then((x) => x.lines[0])).toMatch(/^\*\*Information Technology are 16\.9% of IWM, its 2nd-largest sector/);
  });

  it('refuses a fund without a snapshot and a sector it does not have', async () => {
    expect(await refusal('/composition SPY')).toMatch(/no holdings snapshot for SPY/);
    expect(await refusal('/composition IWM Crypto')).toMatch(/no sector called/);
  });
});

/** Naive snapback over CSV closes (see src/core/scans.ts for the rule): returns the fall from the 3-month high, or null. */
function naiveSnapback(symbol: string, asOf: string): number | null {
  const c = naiveRows(symbol).filter((r) => r.date <= asOf).map((r) => r.close as number);
  const w = c.slice(-63);
  let hi = 0;
  w.forEach((v, i) => {
    if (v > (w[hi] as number)) hi = i;
  });
  const after = w.slice(hi);
  const low = Math.min(...after);
  const last = w[w.length - 1] as number;
  const avg10 = c.slice(-10).reduce((s, v) => s + v, 0) / 10;
  const fall = low / (w[hi] as number) - 1;
  return fall <= -0.25 && last / low - 1 >= 0.05 && last > avg10 ? fall : null;
}

describe('/scan', () => {
  it('snapback over the bundled stocks on May 12, 2025: the naive rule’s names, deepest fall first, with six minis', async () => {
    // The bundled stocks: every `stock` in data/manifest.json.
    const manifest = JSON.parse(readFileSync(new URL('../../data/manifest.json', import.meta.url), 'utf8')) as { symbol: string; kind: string }[];
    const stocks = manifest.filter((x) => x.kind === 'stock').map((x) => x.symbol);
    expect(stocks).toHaveLength(10);
    const want = stocks
      .map((s) => ({ s, fall: naiveSnapback(s, '2025-05-12') }))
      .filter((x): x is { s: string; fall: number } => x.fall !== null)
      .sort((p, q) => p.fall - q.fall);
    expect(want.length, 'the April 2025 sell-off left several').toBeGreaterThanOrEqual(3);
    const a = await answer('/scan snapback stocks asof:2025-05-12');
    expect(a.facts.names).toBe(want.map((x) => x.s).join(','));
    expect(a.facts.hit1 as number).toBeCloseTo(want[0]?.fall as number, 12);
    expect(a.lines[0]).toContain(`**${want.length} of the 10 stocks** made the snapback cut on May 12, 2025`);
    const c = a.charts[0] as MultiplesChartSpec;
    expect(c.kind).toBe('multiples');
    expect(c.cells).toHaveLength(Math.min(6, want.length));
    expect(c.cells[0]?.title, 'the mini is titled with the ticker').toBe(want[0]?.s);
    expect(c.cells[0]?.note).toMatch(/^−\d+\.\d%$/);
    // Ranked: the table lists the names deepest fall first, numbered, each with the naive fall from its high.
    const table = a.lines.find((l) => l.startsWith('```')) ?? '';
    want.forEach((x, i) => expect(table, x.s).toMatch(new RegExp(`\\n${i + 1} +${x.s} +−${(-x.fall * 100).toFixed(1)}% `)));
    const png = renderPngSync(chartConfig(c));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  }, 60_000);

  it('today: no snapback among the stocks (TOST left out, its prices end early); a universe or a list; bad words refused', async () => {
    const a = await answer('/scan snapback stocks');
    expect(a.lines.join('\n'), 'stale members of a named universe are named, the answer stays at the latest close').toMatch(/Not scanned: .*TOST \(its data ends Sep 15, 2026\)/);
    expect(a.asOf).toBe('2026-10-08');
    const own = await answer('/scan streaks XLE XLK XLF');
    expect(own.facts.scanned).toBe(3);
    expect(await refusal('/scan snapback nosuchthing')).toMatch(/neither a universe nor a symbol/);
    expect(await refusal('/scan snapback watch')).toMatch(/not enabled|watches nothing/);
  });
});

describe('the "what followed" line in /streak, /drawdown and /breakout', () => {
  const app2 = createTestApp({ commands: [streak, drawdown, breakout] });
  afterAll(() => app2.close());
  const drive = commandDriver(app2);

  it('/streak IWM SPY on Jan 21, 2026 says what followed the earlier streaks', async () => {
    // Naive: the current streak's length, then the longest K ≤ it with at least 10 earlier runs of K+ whose
    // 3-month window has closed (K counted down from 13 until one has 10), and what followed those.
    const current = naiveStreak('IWM', 'SPY', '2026-01-21');
    expect(current).toBe(13);
    let k = current;
    while (naiveStreakAnalogs(k, '2026-01-21').filter((e) => e.rel3 !== null).length < 10) k--;
    expect(k).toBe(8);
    const done = naiveStreakAnalogs(k, '2026-01-21').filter((e) => e.rel3 !== null).map((e) => ({ date: e.date, rel3: e.rel3 as number }));
    const worst = done.reduce((w, d) => (d.rel3 < w.rel3 ? d : w));
    const beat = done.filter((d) => d.rel3 > 0).length;
    const a = await drive.answer('/streak IWM SPY asof:2026-01-21');
    const line = withDetail(a).lines.find((l) => l.startsWith('After '));
    expect(line).toBe(
      `After the ${done.length} earlier streaks of ${k}+ sessions since 2000, IWM beat SPY over the next 3 months ${beat} times (median ${fmtPts(naiveMedian(done.map((d) => d.rel3)))}; worst ${fmtPts(worst.rel3)}, after ${formatDate(worst.date)}).`,
    );
    const b = await drive.answer('/streak IWM SPY asof:2026-01-02');
    expect(b.lines.some((l) => l.startsWith('After ')), 'a 1-session streak says nothing of what followed').toBe(false);
  });

  it('/drawdown SPY on Oct 12, 2022: earlier declines of 10%+ from a record close, this one left out', async () => {
    // Naive: closes up to Oct 12, 2022; first close ≥ 10% below the running record, re-armed at a new (or tied) record; 63-session returns on adj_close.
    const rows = naiveRows('SPY').filter((r) => r.date <= '2022-10-12');
    let peak = -Infinity;
    let armed = true;
    let lastPeak = 0;
    const events: number[] = [];
    rows.forEach((r, i) => {
      const c = r.close as number;
      if (c >= peak) {
        peak = c;
        armed = true;
        lastPeak = i;
      } else if (armed && c / peak - 1 <= -0.1) {
        events.push(i);
        armed = false;
      }
    });
    const earlier = events.filter((i) => i < lastPeak && i + 63 < rows.length);
    const rets = earlier.map((i) => (rows[i + 63] as NaiveRow).adj / (rows[i] as NaiveRow).adj - 1);
    const a = await drive.answer('/drawdown SPY asof:2022-10-12');
    expect(a.facts.followedN).toBe(rets.length);
    expect(a.facts.followedMedian as number).toBeCloseTo(naiveMedian(rets), 12);
    const up = rets.filter((r) => r > 0).length;
    expect(a.lines.find((l) => l.startsWith('After '))).toContain(`After the ${rets.length} earlier declines of 10% or more from a record close since 1993, SPY was higher 3 months later ${up} times`);
  });

  it('/breakout SPY on Jan 19, 2024 (a first record in two years): only 4 earlier cases, said as such', async () => {
    // Naive: record closes (strictly above every earlier close) at least 252 sessions after the previous record.
    const rows = naiveRows('SPY').filter((r) => r.date <= '2024-01-19');
    let max = -Infinity;
    let last = 0;
    const events: number[] = [];
    rows.forEach((r, i) => {
      const c = r.close as number;
      if (c > max) {
        if (i > 0 && i - last >= 252) events.push(i);
        max = c;
        last = i;
      }
    });
    const done = events.filter((i) => i + 63 < rows.length);
    expect(events[events.length - 1], 'today is one').toBe(rows.length - 1);
    const up = done.filter((i) => (rows[i + 63] as NaiveRow).adj > (rows[i] as NaiveRow).adj).length;
    const a = await drive.answer('/breakout SPY asof:2024-01-19');
    expect(a.lines.some((l) => l.startsWith(`After only ${done.length} earlier first record closes after a year without one since 1993, SPY was higher 3 months later ${up} times`))).toBe(true);
    expect(done.length).toBe(4);
  });
});

describe('/scan over a channel’s watchlist', () => {
  it('scans the watched names by default, and says so', async () => {
    {
      // The app's own digest store, as /watch would fill it.
      const channel = { platform: 'discord' as const, id: 'c1', canManage: true };
      await app.digests.watch(channel, ['HOOD', 'SHOP', 'XLE'], new Date('2025-05-12T20:00:00Z'));
      const r = await app.runner.runText('/scan snapback asof:2025-05-12', undefined, channel);
      if (!r.ok) throw new Error(r.error.message);
      expect(r.answer.title).toBe('Scan · snapback · the watchlist');
      expect(r.answer.facts.scanned).toBe(3);
      // HOOD and SHOP are in the naive snapback list of that day; XLE is not.
      expect(r.answer.facts.names).toBe(['HOOD', 'SHOP', 'XLE'].filter((s) => naiveSnapback(s, '2025-05-12') !== null).join(','));
      const other = await app.runner.runText('/scan snapback watch', undefined, { platform: 'discord', id: 'c2', canManage: true });
      expect(other.ok || other.error.message).toMatch(/watches nothing/);
    }
  });
});

describe('failed breakouts, against a naive day-by-day loop over the CSVs', () => {
  const app3 = createTestApp({ commands: [analogs, breakout, drawdown] });
  afterAll(() => app3.close());
  const drive = commandDriver(app3);

  /** The 3-month (63-session) total returns after the events whose window has closed by the last row, and the event-day dates. */
  function naiveOutcomes(symbol: string, asOf: string, before = Infinity): { date: string; ret: number }[] {
    const { rows, events } = naiveFailedBreakouts(symbol, asOf);
    return events.filter((i) => i < before && i + 63 < rows.length).map((i) => ({ date: (rows[i] as NaiveRow).date, ret: (rows[i + 63] as NaiveRow).adj / (rows[i] as NaiveRow).adj - 1 }));
  }

  it('/analogs KRE event:failed: the same episodes and 3-month statistics', async () => {
    const asOf = '2026-10-08';
    const { rows, events } = naiveFailedBreakouts('KRE', asOf);
    expect(rows.every((r) => r.close !== null), 'KRE has every split-adjusted close').toBe(true);
    const done = naiveOutcomes('KRE', asOf);
    const a = await answer(`/analogs KRE event:failed asof:${asOf}`);
    expect(a.facts.episodes).toBe(events.length);
    expect(a.facts.n3m).toBe(done.length);
    expect(a.facts.median3m as number).toBeCloseTo(naiveMedian(done.map((d) => d.ret)), 12);
    expect(a.facts.positive3m).toBe(done.filter((d) => d.ret > 0).length);
    // The table's 12 most recent event days.
    const table = withDetail(a).lines.find((l) => l.includes('event day')) ?? '';
    const listed = [...table.matchAll(/^([A-Z][a-z]{2} \d{1,2}, \d{4})/gm)].map((m) => m[1]);
    expect(listed).toEqual(events.slice(-12).map((i) => formatDate((rows[i] as NaiveRow).date)));
  });

  it('an episode that began on the as-of close is said to have just begun, not "0 sessions ago"', async () => {
    // SPX's failed-breakout episodes: the naive loop's latest one begins on the as-of day itself.
    const asOf = '2026-10-08';
    const { rows, events } = naiveFailedBreakouts('^GSPC', asOf);
    expect((rows[events[events.length - 1] as number] as NaiveRow).date, 'the naive loop: the latest episode begins on the as-of close').toBe(asOf);
    const lines = (await answer(`/analogs SPX event:failed asof:${asOf}`)).lines;
    expect(lines).toContain('The latest episode began on this close, Oct 8, 2026: nothing has followed it yet.');
    expect(lines.join('\n')).not.toMatch(/0 sessions ago/);
  });

  it('/breakout KRE on Aug 20, 2026 (the Aug 14 high lost the next session): what followed the earlier failed breakouts', async () => {
    const { rows, events, breakouts } = naiveFailedBreakouts('KRE', '2026-08-20');
    expect((rows[breakouts[breakouts.length - 1] as number] as NaiveRow).date, 'the naive loop finds the same episode').toBe('2026-08-14');
    expect((rows[events[events.length - 1] as number] as NaiveRow).date).toBe('2026-08-17');
    const done = naiveOutcomes('KRE', '2026-08-20', breakouts[breakouts.length - 1]);
    const worst = done.reduce((w, d) => (d.ret < w.ret ? d : w));
    const up = done.filter((d) => d.ret > 0).length;
    const a = await drive.answer('/breakout KRE asof:2026-08-20');
    const lines = withDetail(a).lines;
    const i = lines.findIndex((l) => l.startsWith('A failed breakout: KRE closed at a 52-week high on Aug 14, 2026'));
    expect(i).toBeGreaterThan(0);
    expect(lines[i + 1]).toBe(
      `After the ${done.length} earlier failed breakouts since 2006, KRE was higher 3 months later ${up} times (median ${fmtPct(naiveMedian(done.map((d) => d.ret)))}; worst ${fmtPct(worst.ret)}, after ${formatDate(worst.date)}).`,
    );
  });

  it('/drawdown IWM on Jan 14, 2025 (its Nov 25, 2024 high was a failed breakout): the same line, from the naive loop', async () => {
    const { breakouts } = naiveFailedBreakouts('IWM', '2025-01-14');
    const cur = breakouts[breakouts.length - 1] as number;
    expect(naiveRows('IWM')[cur]?.date).toBe('2024-11-25');
    const done = naiveOutcomes('IWM', '2025-01-14', cur);
    const a = await drive.answer('/drawdown IWM asof:2025-01-14');
    expect(a.facts.failedFollowedN).toBe(done.length);
    expect(a.facts.failedFollowedMedian as number).toBeCloseTo(naiveMedian(done.map((d) => d.ret)), 12);
    const lines = withDetail(a).lines;
    const i = lines.findIndex((l) => l.startsWith('A failed breakout: IWM'));
    expect(lines[i + 1]).toMatch(new RegExp(`^After the ${done.length} earlier failed breakouts since 2000, IWM was higher 3 months later ${done.filter((d) => d.ret > 0).length} times`));
    const none = await drive.answer('/drawdown IWM asof:2024-12-31');
    expect(withDetail(none).lines.some((l) => l.includes('earlier failed breakouts')), 'no failed-breakout line without the failed breakout').toBe(false);
  });
});

function fmtPct(x: number): string {
  return `${x < 0 ? '−' : '+'}${Math.abs(x * 100).toFixed(1)}%`;
}
