/**
 * Alerts on the real 2025 closes: each kind is evaluated after every close through the service (so
 * through the outbox and a poster), and the days it fired on are compared with days computed here
 * independently, with plain loops over the CSV rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/digest/clock.ts';
import { createDigestService } from '../../src/digest/service.ts';
import { createDigestStore } from '../../src/digest/store.ts';
import type { AlertSpec } from '../../src/digest/types.ts';
import { openDatabase } from '../../src/store/db.ts';
import { createTestApp } from '../_app.ts';
import { naiveRows, naiveStreak, type NaiveRow } from '../commands/_naive.ts';
import { fakeRenderer, ny, recordingPoster, settle, spyDates, type RecordedPost } from './_fakes.ts';

const app = createTestApp();
afterAll(() => app.close());

const CREATED = '2024-12-31';
const DAYS = spyDates('2025-01-02', '2025-12-31');

const SPECS: Record<string, AlertSpec> = {
  above: { kind: 'above', symbol: 'SPY', level: 600 },
  below: { kind: 'below', symbol: 'SPY', level: 550 },
  ath: { kind: 'ath', symbol: 'QQQ' },
  high52: { kind: 'high52', symbol: 'IWM' },
  streak: { kind: 'streak', symbol: 'IWM', other: 'SPY', n: 5 },
  ratio: { kind: 'ratio-cross', symbol: 'XLK', other: 'SPY', n: 50 },
  quadrant: { kind: 'quadrant', symbol: 'XLE', other: 'SPY' },
};

let fired: Map<string, string[]>;
let posts: RecordedPost[];

beforeAll(async () => {
  const store = createDigestStore(openDatabase(':memory:'));
  const clock = createManualClock(ny('2025-01-02T09:00'));
  const channel = { platform: 'discord' as const, id: 'alerts' };
  const ids = new Map<number, string>();
  for (const [name, spec] of Object.entries(SPECS)) ids.set(store.addAlert(channel, spec, CREATED, 'tester', clock.now()).id, name);
  const poster = recordingPoster('discord', clock);
  const service = createDigestService({ store, market: app.market, runner: app.runner, renderer: fakeRenderer(), posters: [poster], clock });
  for (const day of DAYS) {
    clock.set(ny(`${day}T16:20`));
    await service.runAlerts(day);
    await settle(() => service.busy() + service.queued());
  }
  // Evaluating a day twice (a restart) must not fire anything again.
  await service.runAlerts(DAYS[DAYS.length - 1] as string);
  await settle(() => service.busy() + service.queued());
  await service.stop();
  posts = poster.posts;
  fired = new Map([...ids.values()].map((n) => [n, []]));
  for (const p of posts) fired.get(ids.get(Number(p.answer.args.id)) as string)?.push(p.answer.asOf as string);
}, 120_000);

const in2025 = (d: string) => d >= (DAYS[0] as string) && d <= (DAYS[DAYS.length - 1] as string);

/** Row index by date, and the rows themselves. */
function rows(symbol: string): NaiveRow[] {
  return naiveRows(symbol);
}

function crossDays(symbol: string, level: number, dir: 'above' | 'below'): string[] {
  const r = rows(symbol);
  const on = (x: NaiveRow) => (dir === 'above' ? (x.close as number) > level : (x.close as number) < level);
  const out: string[] = [];
  for (let i = 1; i < r.length; i++) if (in2025((r[i] as NaiveRow).date) && on(r[i] as NaiveRow) && !on(r[i - 1] as NaiveRow)) out.push((r[i] as NaiveRow).date);
  return out;
}

/** Days that are new highs (strictly above every earlier close, or every earlier close within a year) and start a run, or are the first new high after the alert was made. */
function highDays(symbol: string, window: 'all' | '52w'): string[] {
  const r = rows(symbol);
  const isHigh = (i: number) => {
    const d = (r[i] as NaiveRow).date;
    const yearAgo = `${Number(d.slice(0, 4)) - 1}${d.slice(4)}`;
    for (let j = 0; j < i; j++) {
      const rj = r[j] as NaiveRow;
      if (window === '52w' && rj.date <= yearAgo) continue;
      if ((rj.close as number) >= ((r[i] as NaiveRow).close as number)) return false;
    }
    return i > 0;
  };
  const out: string[] = [];
  let firstAfterCreation = true;
  for (let i = 1; i < r.length; i++) {
    const d = (r[i] as NaiveRow).date;
    if (!in2025(d)) continue;
    if (isHigh(i) && (!isHigh(i - 1) || firstAfterCreation)) out.push(d);
    if (isHigh(i)) firstAfterCreation = false;
  }
  return out;
}

function ratioCrossDays(a: string, b: string, n: number): string[] {
  const bm = new Map(rows(b).map((x) => [x.date, x.adj]));
  const common = rows(a).filter((x) => bm.has(x.date));
  const ratio = common.map((x) => x.adj / (bm.get(x.date) as number));
  let side = 0;
  const out: string[] = [];
  for (let i = n - 1; i < common.length; i++) {
    let sum = 0;
    for (let k = i - n + 1; k <= i; k++) sum += ratio[k] as number;
    const ma = sum / n;
    const r = ratio[i] as number;
    const s = r > ma ? 1 : r < ma ? -1 : side;
    if (side !== 0 && s !== side && in2025((common[i] as NaiveRow).date)) out.push((common[i] as NaiveRow).date);
    side = s;
  }
  return out;
}

/**
 * The rotation map as written in its definition, recomputed for every day from the rows up to it:
 * weekly (Monday–Sunday) last common closes, RS = 100·A/B, RS-Ratio = 100·SMA4/SMA13, RS-Momentum =
 * 100·RS-Ratio / RS-Ratio four weeks earlier; quadrant by both > 100. An alert fires when the latest
 * week's quadrant differs from the week before, at most once per (week, quadrant): a quadrant left and
 * re-entered within the week does not fire again.
 */
function quadrantDays(a: string, b: string): string[] {
  const bm = new Map(rows(b).map((x) => [x.date, x.adj]));
  const common = rows(a).filter((x) => bm.has(x.date));
  const monday = (d: string) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    return new Date(t - ((new Date(t).getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
  };
  const sma = (xs: number[], end: number, w: number) => {
    let s = 0;
    for (let k = end - w + 1; k <= end; k++) s += xs[k] as number;
    return s / w;
  };
  const out: string[] = [];
  const firedKeys = new Set<string>();
  for (let i = 0; i < common.length; i++) {
    const d = (common[i] as NaiveRow).date;
    if (!in2025(d)) continue;
    const weeks: { week: string; rs: number }[] = [];
    for (let j = Math.max(0, i - 400); j <= i; j++) {
      const x = common[j] as NaiveRow;
      const w = monday(x.date);
      const rs = (100 * x.adj) / (bm.get(x.date) as number);
      const lastW = weeks[weeks.length - 1];
      if (lastW && lastW.week === w) lastW.rs = rs;
      else weeks.push({ week: w, rs });
    }
    const rsv = weeks.map((w) => w.rs);
    const ratioAt = (k: number) => (100 * sma(rsv, k, 4)) / sma(rsv, k, 13);
    const quad = (k: number) => {
      const r = ratioAt(k);
      const m = (100 * r) / ratioAt(k - 4);
      return r > 100 ? (m > 100 ? 'leading' : 'weakening') : m > 100 ? 'improving' : 'lagging';
    };
    const k = rsv.length - 1;
    const now = quad(k);
    if (now !== quad(k - 1)) {
      const key = `${weeks[k]?.week}:${now}`;
      if (!firedKeys.has(key)) {
        out.push(d);
        firedKeys.add(key);
      }
    }
  }
  return out;
}

describe('alerts on the 2025 closes', () => {
  it('a level alert fires on each cross, and only then', () => {
    const above = crossDays('SPY', 600, 'above');
    const below = crossDays('SPY', 550, 'below');
    expect(above.length, 'SPY crossed 600 in 2025').toBeGreaterThan(0);
    expect(below.length, 'SPY fell below 550 in April 2025').toBeGreaterThan(0);
    expect(fired.get('above')).toEqual(above);
    expect(fired.get('below')).toEqual(below);
  });

  it('a new-high alert fires on the first of each run of new highs', () => {
    const ath = highDays('QQQ', 'all');
    const h52 = highDays('IWM', '52w');
    expect(ath.length).toBeGreaterThan(0);
    expect(h52.length).toBeGreaterThan(0);
    expect(fired.get('ath')).toEqual(ath);
    expect(fired.get('high52')).toEqual(h52);
  });

  it('a streak alert fires on the day the streak reaches N', () => {
    const expected = DAYS.filter((d) => naiveStreak('IWM', 'SPY', d) === 5);
    expect(expected.length, 'IWM beat SPY 5 sessions running at least once in 2025').toBeGreaterThan(0);
    expect(fired.get('streak')).toEqual(expected);
  });

  it('a ratio alert fires on each cross of the moving average', () => {
    const expected = ratioCrossDays('XLK', 'SPY', 50);
    expect(expected.length).toBeGreaterThan(0);
    expect(fired.get('ratio')).toEqual(expected);
  });

  it('a quadrant alert fires when the week’s quadrant changes, once per week and quadrant', () => {
    const expected = quadrantDays('XLE', 'SPY');
    expect(expected.length).toBeGreaterThan(0);
    expect(fired.get('quadrant')).toEqual(expected);
  });

  it('posts each alert with one chart, and never twice for one event', () => {
    expect(posts.every((p) => p.charts === 1)).toBe(true);
    const keys = posts.map((p) => `${p.answer.args.id} ${p.answer.facts.event}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
