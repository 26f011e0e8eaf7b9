/**
 * A Discord digest with no chart, killed right after Discord accepted it and resumed after a
 * 10-minute outage (issue 20, item 10): Discord has forgotten the nonce by then, and there is no
 * chart file name to find, so the key must be somewhere Discord returns when the channel's history
 * is read. tapebot's own poster against the fake Discord, the digest service resuming the outbox.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Answer } from '../../src/answer/answer.ts';
import { createDiscordRest } from '../../src/adapters/discord/client.ts';
import { createDiscordPoster } from '../../src/adapters/discord/poster.ts';
import { createManualClock } from '../../src/digest/clock.ts';
import { createDigestService } from '../../src/digest/service.ts';
import { createDigestStore } from '../../src/digest/store.ts';
import { openDatabase } from '../../src/store/db.ts';
import { createTestApp } from '../_app.ts';
import { FakeDiscord } from '../fakes/discord/server.ts';
import { fakeRenderer, ny, runUntil } from './_fakes.ts';

const app = createTestApp();
let fake: FakeDiscord;
beforeAll(async () => {
  fake = await FakeDiscord.start();
});
afterAll(async () => {
  await fake?.close();
  await app.close();
});

const SLOT = { time: '16:30', tz: 'America/New_York' };
const chartless: Answer = { command: 'digest', args: {}, title: 'Market close · Jun 30, 2025', lines: ['SPY +0.5%'], facts: {}, charts: [], asOf: '2025-06-30', source: 'test', warnings: [] };

it('a chartless digest accepted by Discord just before a kill is found after a 10-minute outage, not posted again', async () => {
  const poster = createDiscordPoster(createDiscordRest({ token: fake.token, apiUrl: fake.apiUrl }));
  const store = createDigestStore(openDatabase(':memory:'));
  const sub = store.subscribe({ platform: 'discord', id: fake.channelId }, 'close', SLOT, null, new Date('2025-06-01T00:00:00Z')).subscription;
  const [row] = store.decide([{ kind: 'digest', refId: sub.id, event: '2025-06-30', channel: sub.channel }], { configKey: 'k', answer: chartless }, ny('2025-06-30T16:30'));
  if (!row) throw new Error('no outbox row');

  // The first run: the attempt is recorded, Discord takes the post, and the process dies before the outbox hears of it.
  store.markAttempt(row.id, ny('2025-06-30T16:30'));
  const first = await poster.post(sub.channel, chartless, [], { idempotencyKey: row.idemKey });
  expect(fake.channelMessages(fake.channelId)).toHaveLength(1);

  // Ten minutes later: Discord no longer knows the nonce.
  fake.expireNonces();
  const clock = createManualClock(ny('2025-06-30T16:40'));
  const service = createDigestService({ store, market: app.market, runner: app.runner, renderer: fakeRenderer(), posters: [poster], clock });
  await service.start();
  await runUntil(clock, ny('2025-06-30T16:50'), () => service.busy());
  await service.stop();

  expect(fake.channelMessages(fake.channelId), 'posted once').toHaveLength(1);
  const after = store.outboxRow(row.id);
  expect(after?.status).toBe('sent');
  expect(after?.messageId, 'the earlier post, found in the channel’s history').toBe(first.messageId);
  expect(fake.requests.some((r) => r.method === 'GET' && r.path === `/channels/${fake.channelId}/messages`), 'the history was read').toBe(true);
  expect(fake.problems).toEqual([]);
}, 60_000);
