/**
 * A year of closes on a simulated clock: 2025, with its holidays, the unannounced Carter closure
 * (Jan 9), the DST changes (Mar 9, Nov 2 in New York; Mar 30, Oct 26 in London), the early closes
 * (Jul 3, Nov 28, Dec 24), a day whose prices come in late, a day whose prices never come in time,
 * and three days of downtime. The digests sent are compared with a list computed independently: from
 * SPY's dates in the CSV (exactly the trading days), a hand list of early closes, and luxon.
 *
 * Slots that post outside New York show the rule that an occurrence posts only on a trading day in its
 * own zone (src/digest/schedule.ts), derived here by hand from the 2025 calendar:
 * - 07:00 Tokyo is 18:00 New York the day before (17:00 in EST). Friday's close is sent Monday 07:00
 *   Tokyo (Sunday evening New York); Saturday's and Sunday's occurrences are skipped. After a Monday
 *   holiday (Jan 20, Feb 17, May 26, Sep 1) Tokyo's Monday occurrence is skipped too and Friday's close
 *   goes out Tuesday 07:00 Tokyo. For a midweek holiday the day before it goes out the day after:
 *   Jun 18 (Juneteenth is Thu Jun 19) on Fri Jun 20, Nov 26 (Thanksgiving Nov 27) on Fri Nov 28,
 *   Dec 24 (Christmas, Thu) on Fri Dec 26, Jan 8 (the Carter closure, Thu Jan 9) on Fri Jan 10; and
 *   across a Friday holiday, Jul 3 on Mon Jul 7 (Jul 4) and Apr 17 on Mon Apr 21 (Good Friday).
 * - 15:00 New York sends D the next trading afternoon, so Friday's close goes out on Monday. The
 *   Wednesday before Thanksgiving (Nov 26) is never sent: Thursday is skipped, and by 15:00 on Friday
 *   the 13:00 early close of Nov 28 has passed and supersedes it. Jul 2 is superseded the same way by
 *   Jul 3's early close, and Dec 23 by Dec 24's.
 * - 16:30 New York and 21:45 London fall after the close on the close's own date: D on D.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { formatDate } from '../../src/core/format.ts';
import { createCommandRunner } from '../../src/command/run.ts';
import { nyseCalendar, type MarketCalendar, type Slot } from '../../src/digest/schedule.ts';
import { createManualClock } from '../../src/digest/clock.ts';
import { createDigestService } from '../../src/digest/service.ts';
import { createDigestStore } from '../../src/digest/store.ts';
import type { Preset } from '../../src/digest/types.ts';
import type { ChannelRef } from '../../src/digest/poster.ts';
import { openDatabase } from '../../src/store/db.ts';
import { createTestApp } from '../_app.ts';
import { fakeRenderer, handClose, ny, recordingPoster, runUntil, spyDates, timedMarket, type RecordedPost } from './_fakes.ts';

const app = createTestApp();
afterAll(() => app.close());

/** Prices for Apr 4 arrive at 17:30 (late, within the wait); for Jun 11 at 23:30 (after every deadline). */
const LATE = new Map([
  ['2025-04-04', ny('2025-04-04T17:30')],
  ['2025-06-11', ny('2025-06-11T23:30')],
]);
const publishAt = (d: string) => LATE.get(d) ?? new Date(handClose(d).getTime() + 10 * 60_000);

const START = ny('2024-12-31T12:00');
const END = ny('2026-01-02T12:00');
/** The bot is down from Friday Aug 1 10:00 to Monday Aug 4 17:00 New York time. */
const DOWN = ny('2025-08-01T10:00');
const UP = ny('2025-08-04T17:00');
const LATE_WINDOW_MIN = 180;
const WAIT_MIN = 120;
const RETRY_MIN = 5;

interface Sub {
  channel: ChannelRef;
  preset: Preset;
  slot: Slot;
  watch: string[];
}
const SUBS: Sub[] = [
  { channel: { platform: 'discord', id: 'ny' }, preset: 'close', slot: { time: '16:30', tz: 'America/New_York' }, watch: ['XLE', 'KRE'] },
  { channel: { platform: 'slack', id: 'tokyo' }, preset: 'close', slot: { time: '07:00', tz: 'Asia/Tokyo' }, watch: [] },
  { channel: { platform: 'discord', id: 'london' }, preset: 'rotation', slot: { time: '21:45', tz: 'Europe/London' }, watch: [] },
  { channel: { platform: 'slack', id: 'afternoon' }, preset: 'close', slot: { time: '15:00', tz: 'America/New_York' }, watch: [] },
];

interface Expected {
  day: string;
  at: string;
}

/**
 * The naive expectation for one subscription. Every calendar day from the start whose date is a
 * trading day (`open`), at the slot's local time (luxon), the digest reports the latest open date whose
 * close (hand list) has passed; a date is sent once, when it first becomes the one reported. Its prices
 * must have arrived (publishAt; never, for an open date with no SPY row), or arrive before the due time
 * + WAIT_MIN, in which case it goes at the first 5-minute retry after they do. Digests due while the
 * bot is down go out at restart if due within LATE_WINDOW_MIN before it (the restart, Monday 17:00 New
 * York, is a trading day in every slot's zone).
 */
const SPY_DATES = spyDates('2024-12-01', '2026-01-31');

function expectedFor(sub: Sub, open: readonly string[] = SPY_DATES): Expected[] {
  const out: Expected[] = [];
  const seen = new Set<string>();
  const isOpen = new Set(open);
  const hasPrices = new Set(SPY_DATES);
  const trading = [...open].sort().map((d) => ({ d, close: handClose(d) }));
  let local = DateTime.fromJSDate(START, { zone: sub.slot.tz }).startOf('day');
  const [h, m] = sub.slot.time.split(':').map(Number) as [number, number];
  for (; local.toJSDate() < END; local = local.plus({ days: 1 })) {
    const occ = local.set({ hour: h, minute: m }).toJSDate();
    if (occ < START || occ > END) continue;
    if (!isOpen.has(local.toISODate() as string)) continue;
    let day = '';
    for (const t of trading) if (t.close <= occ) day = t.d;
    if (seen.has(day)) continue;
    seen.add(day);
    let sendAt = occ;
    if (occ >= DOWN && occ < UP) {
      if (UP.getTime() - occ.getTime() > LATE_WINDOW_MIN * 60_000) continue;
      sendAt = UP;
    }
    if (!hasPrices.has(day)) continue;
    const arrives = publishAt(day);
    if (arrives > sendAt) {
      if (arrives.getTime() > occ.getTime() + WAIT_MIN * 60_000) continue;
      const steps = Math.ceil((arrives.getTime() - sendAt.getTime()) / (RETRY_MIN * 60_000));
      sendAt = new Date(sendAt.getTime() + steps * RETRY_MIN * 60_000);
    }
    out.push({ day, at: sendAt.toISOString() });
  }
  return out;
}

async function simulate(calendar: MarketCalendar): Promise<{ posts: RecordedPost[]; skipped: { ref: number; event: string; note: string | null }[]; subIds: Map<number, Sub> }> {
  const clock = createManualClock(START);
  const market = timedMarket(app.market, clock, publishAt);
  const runner = createCommandRunner({ commands, market, symbols: app.symbols });
  const store = createDigestStore(openDatabase(':memory:'));
  const subIds = new Map<number, Sub>();
  for (const s of SUBS) {
    const { subscription } = store.subscribe(s.channel, s.preset, s.slot, 'tester', new Date(START.getTime() - 3_600_000));
    subIds.set(subscription.id, s);
    if (s.watch.length > 0) store.watch(s.channel, s.watch, new Date('2024-12-01T00:00:00Z'));
  }
  const discord = recordingPoster('discord', clock);
  const slack = recordingPoster('slack', clock);
  const make = () =>
    createDigestService({
      store,
      market,
      runner,
      renderer: fakeRenderer(),
      posters: [discord, slack],
      clock,
      calendar,
      // Keep the whole year's record, so the test can read what was skipped.
      settings: { lateWindowMin: LATE_WINDOW_MIN, dataWaitMin: WAIT_MIN, dataRetryMin: RETRY_MIN, keepDays: 400 },
    });
  let service = make();
  await service.start();
  await runUntil(clock, DOWN, () => service.busy());
  await service.stop();
  clock.set(UP);
  service = make();
  await service.start();
  await runUntil(clock, END, () => service.busy());
  await service.stop();
  const skipped = store.outbox({ status: 'skipped' }).map((r) => ({ ref: r.refId, event: r.event, note: r.note }));
  expect(store.pending(), 'nothing is left pending').toEqual([]);
  store.db.close();
  return { posts: [...discord.posts, ...slack.posts], skipped, subIds };
}

function sentBy(posts: RecordedPost[], sub: Sub): Expected[] {
  return posts
    .filter((p) => p.channel.platform === sub.channel.platform && p.channel.id === sub.channel.id)
    .map((p) => ({ day: p.answer.asOf ?? '', at: p.at.toISOString() }))
    .sort((a, b) => a.at.localeCompare(b.at));
}

describe('a simulated 2025 on the NYSE calendar', () => {
  let result: Awaited<ReturnType<typeof simulate>>;
  beforeAll(async () => {
    result = await simulate(nyseCalendar);
  }, 240_000);

  it('sends exactly the independently computed digests, at the computed instants, for every slot', () => {
    for (const sub of SUBS) {
      const expected = expectedFor(sub);
      expect(expected.length, `${sub.slot.time} ${sub.slot.tz}: a year of digests`).toBeGreaterThan(240);
      expect(sentBy(result.posts, sub), `${sub.channel.id}: digests and send times`).toEqual(expected);
    }
  });

  it('sends the 16:30 New York digest for every trading day with prices, on the day itself, and no other', () => {
    const sent = sentBy(result.posts, SUBS[0] as Sub).map((e) => e.day);
    const trading = spyDates('2024-12-31', '2025-12-31');
    // Not sent: Jun 11 (prices arrived after the wait) and Aug 1 (the bot was down at 16:30 and restarted 3 days later).
    expect(sent).toEqual(trading.filter((d) => d !== '2025-06-11' && d !== '2025-08-01'));
    expect(sent, 'no digest for the Carter closure').not.toContain('2025-01-09');
    for (const d of ['2025-01-01', '2025-01-20', '2025-04-18', '2025-07-04', '2025-11-27', '2025-12-25']) expect(sent, `holiday ${d}`).not.toContain(d);
  });

  it('follows New York local time across both DST changes', () => {
    const at = new Map(sentBy(result.posts, SUBS[0] as Sub).map((e) => [e.day, e.at]));
    // 16:30 EST = 21:30 UTC; 16:30 EDT = 20:30 UTC.
    expect(at.get('2025-03-07')).toBe('2025-03-07T21:30:00.000Z');
    expect(at.get('2025-03-10')).toBe('2025-03-10T20:30:00.000Z');
    expect(at.get('2025-10-31')).toBe('2025-10-31T20:30:00.000Z');
    expect(at.get('2025-11-03')).toBe('2025-11-03T21:30:00.000Z');
    const london = new Map(sentBy(result.posts, SUBS[2] as Sub).map((e) => [e.day, e.at]));
    // 21:45 in London: GMT until Mar 30, BST after; New York had already moved on Mar 9.
    expect(london.get('2025-03-28')).toBe('2025-03-28T21:45:00.000Z');
    expect(london.get('2025-03-31')).toBe('2025-03-31T20:45:00.000Z');
  });

  it('waits for late prices and posts the right day; never passes an older close off as the day’s', () => {
    const ny16 = sentBy(result.posts, SUBS[0] as Sub);
    expect(ny16.find((e) => e.day === '2025-04-04')?.at, 'Apr 4 prices arrived at 17:30').toBe(ny('2025-04-04T17:30').toISOString());
    for (const p of result.posts) {
      expect(p.answer.title, 'titled with its own day').toContain(formatDate(p.answer.asOf ?? ''));
      expect(p.answer.warnings.join(' '), 'no stale-data note in skip mode').not.toMatch(/No close for/);
      expect(p.charts, 'one chart').toBe(1);
      expect(p.answer.lines.length).toBeLessThanOrEqual(p.answer.command === 'digest' ? 8 : 10);
    }
    const jun11 = result.skipped.filter((s) => s.event === '2025-06-11');
    expect(jun11.map((s) => (result.subIds.get(s.ref) as Sub).channel.id).sort(), 'Jun 11 skipped for the slots due before 21:30').toEqual(['london', 'ny', 'tokyo']);
    expect(jun11.every((s) => /no close for 2025-06-11/.test(s.note ?? ''))).toBe(true);
  });

  it('records the digests missed while down as skipped, and sends late the ones within the window', () => {
    const missed = result.skipped.filter((s) => s.note?.startsWith('missed'));
    // Due while down (Fri 10:00 to Mon 17:00): Jul 31 for the 15:00 slot (due Fri 15:00), Aug 1 for the
    // others (16:30 and 16:45 New York on Friday; Tokyo's Saturday is skipped, so Mon 07:00 Tokyo, Sun
    // 18:00 New York). Within the window: Aug 1 for the 15:00 slot (its weekend skipped, due Mon 15:00),
    // and Aug 4 for 16:30 New York and 21:45 London (16:45 New York).
    expect(missed.map((s) => `${(result.subIds.get(s.ref) as Sub).channel.id} ${s.event}`).sort()).toEqual([
      'afternoon 2025-07-31',
      'london 2025-08-01',
      'ny 2025-08-01',
      'tokyo 2025-08-01',
    ]);
    const late = (sub: Sub) => sentBy(result.posts, sub).find((e) => e.day === '2025-08-04')?.at;
    expect(late(SUBS[0] as Sub), 'due 16:30, sent at the 17:00 restart').toBe(UP.toISOString());
    expect(late(SUBS[2] as Sub), 'due 16:45, sent at the 17:00 restart').toBe(UP.toISOString());
    const fri = sentBy(result.posts, SUBS[3] as Sub).find((e) => e.day === '2025-08-01')?.at;
    expect(fri, 'Friday’s close, due Mon 15:00 at the 15:00 slot, sent at the 17:00 restart').toBe(UP.toISOString());
  });

  it('posts only on trading days in the slot’s zone: weekends and holidays carry a close to the next one', () => {
    for (const sub of SUBS) {
      for (const p of sentBy(result.posts, sub)) {
        const local = DateTime.fromISO(p.at, { zone: sub.slot.tz }).toISODate() as string;
        expect(SPY_DATES, `${sub.channel.id}: ${p.day} posted on ${local} (${sub.slot.tz})`).toContain(local);
      }
    }
    // Hand-derived in the header: 07:00 Tokyo is 17:00/18:00 New York the evening before.
    const tokyo = new Map(sentBy(result.posts, SUBS[1] as Sub).map((e) => [e.day, e.at]));
    const jst = (local: string) => DateTime.fromISO(local, { zone: 'Asia/Tokyo' }).toUTC().toISO();
    expect(tokyo.get('2025-06-13'), 'Friday → Monday 07:00 Tokyo').toBe(jst('2025-06-16T07:00'));
    expect(tokyo.get('2025-01-17'), 'Friday, then MLK day → Tuesday').toBe(jst('2025-01-21T07:00'));
    expect(tokyo.get('2025-04-17'), 'Thursday, then Good Friday → Monday').toBe(jst('2025-04-21T07:00'));
    expect(tokyo.get('2025-06-18'), 'Wednesday, then Juneteenth → Friday').toBe(jst('2025-06-20T07:00'));
    expect(tokyo.get('2025-07-03'), 'early close, then Jul 4 → Monday').toBe(jst('2025-07-07T07:00'));
    expect(tokyo.get('2025-11-26'), 'Wednesday, then Thanksgiving → Friday').toBe(jst('2025-11-28T07:00'));
    expect(tokyo.get('2025-11-28'), 'early close on Friday → Monday').toBe(jst('2025-12-01T07:00'));
    expect(tokyo.get('2025-12-24'), 'early close, then Christmas → Friday').toBe(jst('2025-12-26T07:00'));
    expect(tokyo.get('2025-01-08'), 'Wednesday, then the Carter closure → Friday').toBe(jst('2025-01-10T07:00'));
    const afternoon = new Map(sentBy(result.posts, SUBS[3] as Sub).map((e) => [e.day, e.at]));
    expect(afternoon.get('2025-06-13'), '15:00 New York: Friday → Monday').toBe(ny('2025-06-16T15:00').toISOString());
    expect(afternoon.get('2025-01-17'), '15:00 New York: Friday, then MLK day → Tuesday').toBe(ny('2025-01-21T15:00').toISOString());
  });

  it('delivers after early closes: the 15:00 slot posts the same afternoon, superseding the day before', () => {
    const afternoon = new Map(sentBy(result.posts, SUBS[3] as Sub).map((e) => [e.day, e.at]));
    expect(afternoon.get('2025-07-03')).toBe(ny('2025-07-03T15:00').toISOString());
    expect(afternoon.has('2025-07-02'), 'Jul 2 was due at the same 15:00 and is superseded').toBe(false);
    // Nothing on Thanksgiving; at 15:00 on Friday the 13:00 early close has passed and supersedes Wednesday.
    expect(afternoon.has('2025-11-26'), 'the Wednesday before Thanksgiving is superseded by Friday’s early close').toBe(false);
    expect(afternoon.get('2025-11-28')).toBe(ny('2025-11-28T15:00').toISOString());
    expect(afternoon.get('2025-12-24')).toBe(ny('2025-12-24T15:00').toISOString());
  });
});

describe('an unannounced closure the calendar does not know', () => {
  it('is stopped by the absence of the day’s prices: nothing sent for Jan 9, recorded as skipped by every slot', async () => {
    const blind: MarketCalendar = { ...nyseCalendar, isTradingDay: (d) => d === '2025-01-09' || nyseCalendar.isTradingDay(d), closeInstant: (d) => handClose(d), previousTradingDay: (d) => {
      let p = nyseCalendar.previousTradingDay(d);
      if (d > '2025-01-09' && p < '2025-01-09') p = '2025-01-09';
      return p;
    } };
    const r = await simulate(blind);
    // The calendar thinks Jan 9 is a trading day, so slots post on it (Tokyo and 15:00 New York send
    // Jan 8 on Jan 9 rather than Jan 10); every digest of Jan 9 itself finds no prices and is skipped.
    const open = [...SPY_DATES, '2025-01-09'];
    for (const sub of SUBS) expect(sentBy(r.posts, sub), `${sub.channel.id}`).toEqual(expectedFor(sub, open));
    const jan9 = r.skipped.filter((s) => s.event === '2025-01-09').map((s) => (r.subIds.get(s.ref) as Sub).channel.id).sort();
    expect(jan9, 'every slot that targeted Jan 9 skipped it').toEqual(['london', 'ny', 'tokyo', 'afternoon'].sort());
  }, 240_000);
});
