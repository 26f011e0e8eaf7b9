/**
 * Sends that happen away from a slot's own occurrence follow the posting rule of
 * src/digest/schedule.ts too: a restart on a day that is not a trading day in the slot's zone posts
 * nothing, even within the late window (the next posting occurrence sends what is then the target),
 * and a wait for late prices does not run on into a weekend.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/digest/clock.ts';
import { createDigestService } from '../../src/digest/service.ts';
import { createDigestStore } from '../../src/digest/store.ts';
import type { Slot } from '../../src/digest/schedule.ts';
import { openDatabase } from '../../src/store/db.ts';
import { createTestApp } from '../_app.ts';
import { fakeRenderer, handClose, ny, recordingPoster, runUntil, timedMarket } from './_fakes.ts';

const app = createTestApp();
afterAll(() => app.close());

const LONDON: Slot = { time: '07:00', tz: 'Europe/London' };
const NY15: Slot = { time: '15:00', tz: 'America/New_York' };

describe('a restart on a Saturday', () => {
  it('posts nothing until Monday’s occurrences, which send Friday’s close; the digest missed on Friday is recorded as skipped', async () => {
    // June 2025: London is BST (07:00 = 06:00Z), New York EDT (15:00 = 19:00Z).
    const first = new Date('2025-06-12T05:00:00Z'); // Thu 06:00 London
    const clock = createManualClock(first);
    const store = createDigestStore(openDatabase(':memory:'));
    const london = { platform: 'discord' as const, id: 'london' };
    const afternoon = { platform: 'slack' as const, id: 'afternoon' };
    store.subscribe(london, 'close', LONDON, null, first);
    store.subscribe(afternoon, 'close', NY15, null, first);
    const discord = recordingPoster('discord', clock);
    const slack = recordingPoster('slack', clock);
    // A late window of three days: only the posting rule can keep the restart from sending.
    const make = () => createDigestService({ store, market: app.market, runner: app.runner, renderer: fakeRenderer(), posters: [discord, slack], clock, settings: { lateWindowMin: 3 * 24 * 60 } });

    let service = make();
    await service.start();
    // Down from Fri 06:00 London (before its 07:00 occurrence) to Sat 08:00 London.
    await runUntil(clock, new Date('2025-06-13T05:00:00Z'), () => service.busy());
    await service.stop();
    const before = [...discord.posts, ...slack.posts].map((p) => `${p.channel.id} ${p.answer.asOf ?? ''} ${p.at.toISOString()}`);
    expect(before, 'Thursday: Wednesday’s close at 07:00 London, nothing yet at 15:00 New York').toEqual(['london 2025-06-11 2025-06-12T06:00:00.000Z', 'afternoon 2025-06-11 2025-06-12T19:00:00.000Z']);

    const restart = new Date('2025-06-14T07:00:00Z'); // Sat 08:00 London, 03:00 New York
    clock.set(restart);
    service = make();
    await service.start();
    await runUntil(clock, new Date('2025-06-16T05:59:00Z'), () => service.busy());
    expect([...discord.posts, ...slack.posts].filter((p) => p.at >= restart), 'nothing over the weekend').toEqual([]);
    const skipped = store.outbox({ status: 'skipped' }).map((r) => `${r.channel.id} ${r.event}`);
    // Thursday's close was due Fri 07:00 London and Fri 15:00 New York, while the bot was down; on
    // Saturday it is too late to send it and on Monday Friday's close supersedes it.
    expect(skipped.sort()).toEqual(['afternoon 2025-06-12', 'london 2025-06-12']);

    await runUntil(clock, new Date('2025-06-16T20:00:00Z'), () => service.busy());
    await service.stop();
    const after = [...discord.posts, ...slack.posts].filter((p) => p.at >= restart).map((p) => `${p.channel.id} ${p.answer.asOf ?? ''} ${p.at.toISOString()}`);
    expect(after, 'Monday 07:00 London and 15:00 New York send Friday’s close').toEqual(['london 2025-06-13 2025-06-16T06:00:00.000Z', 'afternoon 2025-06-13 2025-06-16T19:00:00.000Z']);
    store.db.close();
  }, 60_000);
});

describe('a wait for late prices', () => {
  it('runs past midnight into a trading day, but not into a Saturday', async () => {
    const SLOT: Slot = { time: '23:30', tz: 'America/New_York' };
    // Thursday's and Friday's prices (Jun 12 and 13, 2025) arrive at 00:20 the next night, within
    // the 120-minute wait after 23:30; every other day's ten minutes after its close.
    const late = new Map([
      ['2025-06-12', ny('2025-06-13T00:20')],
      ['2025-06-13', ny('2025-06-14T00:20')],
    ]);
    const start = ny('2025-06-12T12:00');
    const clock = createManualClock(start);
    const market = timedMarket(app.market, clock, (d) => late.get(d) ?? new Date(handClose(d).getTime() + 10 * 60_000));
    const store = createDigestStore(openDatabase(':memory:'));
    store.subscribe({ platform: 'discord', id: 'night' }, 'close', SLOT, null, start);
    const discord = recordingPoster('discord', clock);
    const service = createDigestService({ store, market, runner: app.runner, renderer: fakeRenderer(), posters: [discord], clock, settings: { dataWaitMin: 120, dataRetryMin: 5 } });
    await service.start();
    await runUntil(clock, ny('2025-06-17T12:00'), () => service.busy());
    await service.stop();
    const sent = discord.posts.map((p) => `${p.answer.asOf ?? ''} ${p.at.toISOString()}`);
    expect(sent, 'Thursday’s at Fri 00:20 (a trading day); Friday’s not on Saturday; Monday’s on Monday').toEqual([
      `2025-06-12 ${ny('2025-06-13T00:20').toISOString()}`,
      `2025-06-16 ${ny('2025-06-16T23:30').toISOString()}`,
    ]);
    const skipped = store.outbox({ status: 'skipped' });
    expect(skipped.map((r) => r.event), 'Friday’s digest skipped at the end of Friday').toEqual(['2025-06-13']);
    expect(skipped[0]?.note ?? '', 'the deadline was Friday midnight, not 01:30 Saturday').toContain(`by ${new Date(ny('2025-06-14T00:00').getTime() - 1).toISOString()}`);
    store.db.close();
  });
});
