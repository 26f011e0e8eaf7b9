/** /digest, /watch and /alert through the runner, with and without a channel and the right to manage it. */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import alert from '../../commands/alert.ts';
import digest from '../../commands/digest.ts';
import { commands } from '../../commands/index.ts';
import watch from '../../commands/watch.ts';
import type { ChannelContext } from '../../src/command/define.ts';
import type { RunResult } from '../../src/command/run.ts';
import { createManualClock } from '../../src/digest/clock.ts';
import { createDigestStore, type SqliteDigestStore } from '../../src/digest/store.ts';
import { openDatabase } from '../../src/store/db.ts';
import { createDigestService } from '../../src/digest/service.ts';
import type { Preset } from '../../src/digest/types.ts';
import { fakeRenderer, ny, recordingPoster, settle } from '../digest/_fakes.ts';
import { createTestApp } from '../_app.ts';
import { naiveRows } from './_naive.ts';

const COMMANDS = [...commands.filter((c) => !['digest', 'watch', 'alert'].includes(c.name)), digest, watch, alert];
let store: SqliteDigestStore;
const clock = createManualClock(ny('2025-07-03T14:00'));
// A fresh store for every test, behind the one app.
const app = createTestApp({ commands: COMMANDS, digests: { get store() { return store; }, clock } });
afterAll(() => app.close());

const ADMIN: ChannelContext = { platform: 'discord', id: '111', canManage: true, userId: 'u1' };
const MEMBER: ChannelContext = { platform: 'discord', id: '111', canManage: false, userId: 'u2' };
const SLACK: ChannelContext = { platform: 'slack', id: 'C1', canManage: false, userId: 'U1' };

beforeEach(() => {
  store = createDigestStore(openDatabase(':memory:'));
  clock.set(ny('2025-07-03T14:00'));
});

async function ok(text: string, channel?: ChannelContext) {
  const r: RunResult = await app.runner.runText(text, {}, channel);
  if (!r.ok) throw new Error(`${text} failed: ${r.error.message}`);
  return r.answer;
}
async function refused(text: string, channel?: ChannelContext): Promise<string> {
  const r = await app.runner.runText(text, {}, channel);
  if (r.ok) throw new Error(`${text} should have been refused`);
  expect(r.error.audience, 'a refusal is for the person, not an internal error').toBe('user');
  return r.error.message;
}

describe('/digest', () => {
  it('subscribes a channel for someone who manages it, with the next digest in the channel’s zone', async () => {
    const a = await ok('/digest subscribe close time:07:00 tz:europe/london', ADMIN);
    // Jul 3, 2025 is an early close (13:00 New York = 18:00 London). Fri Jul 4 is Independence Day and then
    // comes a weekend: no digest on a day that is not a trading day, so it goes out Mon Jul 7, 07:00 BST.
    expect(a.lines[0]).toContain('at 07:00 Europe/London (next: the close of Jul 3, 2025, at Mon Jul 7, 07:00 GMT+1)');
    const subs = store.subscriptions({ platform: 'discord', id: '111' });
    expect(subs.map((s) => [s.preset, s.slot.time, s.slot.tz, s.createdBy])).toEqual([['close', '07:00', 'Europe/London', 'u1']]);
    expect((await ok('/digest subscribe close', ADMIN)).title, 'subscribing again updates').toBe('Digest updated');
    expect(store.subscriptions()[0]?.slot).toEqual({ time: '16:30', tz: 'America/New_York' });
  });

  it('refuses people who do not manage the channel, and the console', async () => {
    expect(await refused('/digest subscribe', MEMBER)).toMatch(/Only people who manage this channel/);
    expect(await refused('/digest subscribe', SLACK)).toMatch(/Slack admin list/);
    expect(await refused('/digest subscribe')).toMatch(/belong to a chat channel/);
    expect(await refused('/digest subscribe time:25:00', ADMIN)).toMatch(/not a time/);
    expect(await refused('/digest subscribe tz:Mars/Base', ADMIN)).toMatch(/not a time zone/);
    expect(store.subscriptions()).toEqual([]);
  });

  it('lists and unsubscribes', async () => {
    await ok('/digest subscribe', ADMIN);
    await ok('/digest subscribe sectors time:17:00', ADMIN);
    const list = await ok('/digest list', MEMBER);
    expect(list.lines).toHaveLength(2);
    expect(list.lines[1]).toMatch(/^\*\*sectors\*\* at 17:00 America\/New_York — next: the close of Jul 3, 2025/);
    expect((await ok('/digest unsubscribe sectors', ADMIN)).lines[0]).toMatch(/one digest/);
    expect((await ok('/digest unsubscribe', ADMIN)).lines[0]).toMatch(/one digest/);
    expect((await ok('/digest unsubscribe', ADMIN)).lines[0]).toMatch(/had no/);
  });

  it('previews anywhere, as of any close', async () => {
    const a = await ok('/digest preview asof:2025-04-09');
    expect(a.title).toBe('Preview · Market close · Apr 9, 2025');
    expect(a.asOf).toBe('2025-04-09');
    const spy = naiveRows('SPY');
    const i = spy.findIndex((r) => r.date === '2025-04-09');
    const ret = (spy[i]?.adj as number) / (spy[i - 1]?.adj as number) - 1;
    expect(a.facts.returns).toMatchObject({ SPY: expect.closeTo(ret, 12) });
    const sectors = await ok('/digest preview sectors asof:2025-06-30');
    expect(sectors.command).toBe('leaders');
  });
});

describe('/digest preview and the posted digest', () => {
  // Both run the presets' commands through the runner (ctx.run, runner.invoke): same "as of", same glance.
  it.each<Preset>(['close', 'rotation', 'sectors'])('say the same for the same day and channel: %s', async (preset) => {
    // After the sector funds' Dec 2025 splits: a preview of an earlier day shows prices as traded then
    // (the runner undoes later splits), which a digest replayed today for that day does not.
    const day = '2026-06-30';
    const channel = { platform: ADMIN.platform as 'discord', id: ADMIN.id };
    const slot = { time: '16:30', tz: 'America/New_York' };
    store.subscribe(channel, preset, slot, null, ny('2026-06-01T09:00'));
    store.watch(channel, ['XLE', 'KRE'], ny('2026-06-01T09:00'));
    const postClock = createManualClock(ny(`${day}T16:30`));
    const poster = recordingPoster('discord', postClock);
    const service = createDigestService({ store, market: app.market, runner: app.runner, renderer: fakeRenderer(), posters: [poster], clock: postClock });
    try {
      await service.fireSlot(slot, ny(`${day}T16:30`));
      await settle(() => service.busy());
      while (service.queued() > 0 && postClock.fireNext()) await settle(() => service.busy());
    } finally {
      await service.stop();
    }
    expect(poster.posts).toHaveLength(1);
    const posted = poster.posts[0]?.answer;
    const preview = await ok(`/digest preview ${preset} asof:${day}`, ADMIN);
    expect(preview.title).toBe(`Preview · ${posted?.title}`);
    expect(preview.asOf).toBe(day);
    const text = (a: typeof preview | undefined) => [...(a?.lines ?? []), ...(a?.detail ?? [])];
    expect(text(preview), 'the same words, at a glance and behind More').toEqual(text(posted));
    expect(preview.warnings).toEqual(posted?.warnings);
    expect(preview.facts).toEqual(posted?.facts);
  }, 60_000);
});

describe('/watch', () => {
  it('adds, lists and removes symbols for people who manage the channel', async () => {
    expect((await ok('/watch add xle spx', ADMIN)).lines[0]).toBe('Added XLE, ^GSPC.');
    expect((await ok('/watch add XLE', ADMIN)).lines[0]).toBe('Already watched: XLE.');
    expect((await ok('/watch list', MEMBER)).lines[0]).toBe('This channel watches XLE, ^GSPC.');
    expect(await refused('/watch add KRE', MEMBER)).toMatch(/manage this channel/);
    expect(await refused('/watch add NOPEX', ADMIN)).toMatch(/don't know the symbol/);
    expect((await ok('/watch remove XLE KRE', ADMIN)).lines).toEqual(['Removed XLE.', 'Not on the watchlist: KRE.', 'Watchlist: ^GSPC.']);
  });
});

describe('a channel tapebot cannot post in', () => {
  const closed: ChannelContext = { ...ADMIN, id: '333', postingProblem: async () => ({ reason: 'I’m not in this channel.', fix: 'Invite me.' }) };
  it('gets no subscription and no alert, and is told why', async () => {
    expect(await refused('/digest subscribe', closed)).toBe('I’m not in this channel. Invite me.');
    expect(await refused('/alert add ath QQQ', closed)).toBe('I’m not in this channel. Invite me.');
    expect(store.subscriptions({ platform: 'discord', id: '333' })).toEqual([]);
    expect(store.alerts({ platform: 'discord', id: '333' })).toEqual([]);
    expect((await ok('/digest list', closed)).title, 'reading is still fine').toBeTruthy();
  });
});

describe('/alert', () => {
  it('adds each kind with its defaults, lists and removes', async () => {
    await ok('/alert add above SPY level:600', ADMIN);
    await ok('/alert add ath QQQ', ADMIN);
    await ok('/alert add streak IWM', ADMIN);
    await ok('/alert add ratio-cross IWM vs:QQQ', ADMIN);
    await ok('/alert add quadrant XLE', ADMIN);
    const specs = store.alerts().map((a) => a.spec);
    expect(specs).toEqual([
      { kind: 'above', symbol: 'SPY', level: 600 },
      { kind: 'ath', symbol: 'QQQ' },
      { kind: 'streak', symbol: 'IWM', other: 'SPY', n: 5 },
      { kind: 'ratio-cross', symbol: 'IWM', other: 'QQQ', n: 50 },
      { kind: 'quadrant', symbol: 'XLE', other: 'SPY' },
    ]);
    expect(store.alerts()[0]?.createdAsOf, 'events after the latest close fire').toBe(naiveRows('SPY').at(-1)?.date);
    const list = await ok('/alert list', MEMBER);
    expect(list.lines[0]).toMatch(/^#\d+ — SPY closes above \$600\.00$/);
    const id = store.alerts()[0]?.id as number;
    expect((await ok(`/alert remove id:${id}`, ADMIN)).lines[0]).toBe(`Alert #${id} removed.`);
    expect(store.alerts()).toHaveLength(4);
  });

  it('explains what is missing', async () => {
    expect(await refused('/alert add above SPY', ADMIN)).toMatch(/needs a price level/);
    expect(await refused('/alert add', ADMIN)).toMatch(/What kind of alert/);
    expect(await refused('/alert add streak SPY vs:SPY', ADMIN)).toMatch(/pick two different symbols/);
    expect(await refused('/alert remove', ADMIN)).toMatch(/Which alert/);
    expect(await refused('/alert remove id:99', ADMIN)).toMatch(/no alert #99/);
    expect(await refused('/alert add ath QQQ', MEMBER)).toMatch(/manage this channel/);
  });

  it('says when digests are not enabled', async () => {
    const without = createTestApp({ commands: COMMANDS, digests: null });
    try {
      const r = await without.runner.runText('/alert list', {}, ADMIN);
      expect(r.ok || r.error.message).toMatch(/not enabled/);
      expect(r.ok || r.error.audience, 'a refusal, not an internal error').toBe('user');
      const preview = await without.runner.runText('/digest preview asof:2025-04-09', {}, ADMIN);
      expect(preview.ok, 'the preview works without a store, with no watchlist').toBe(true);
    } finally {
      await without.close();
    }
  });
});
