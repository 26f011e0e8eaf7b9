/**
 * Digests on Slack, end to end: the real Bolt app in HTTP mode driven by signed slash commands, the
 * real app and the real digest service, posting to the fake Slack (test/fakes/slack/server.ts). A
 * manual clock runs the evening of Jun 30, 2025 through the service's scheduler.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST_EVENT_TYPE } from '../../src/adapters/slack/poster.ts';
import { startSlack, type SlackAdapter } from '../../src/adapters/slack/start.ts';
import type { App } from '../../src/app.ts';
import { createManualClock, type ManualClock } from '../../src/digest/clock.ts';
import { createDigestService, type DigestService } from '../../src/digest/service.ts';
import { createDigestStore, type SqliteDigestStore } from '../../src/digest/store.ts';
import { openDatabase } from '../../src/store/db.ts';
import { silentLogger } from '../../src/log.ts';
import { FORM, sendSigned, slashCommandBody } from '../fakes/slack/requests.ts';
import { pngSize } from '../fakes/discord/server.ts';
import { startFakeSlack, type FakeCall, type FakeSlack } from '../fakes/slack/server.ts';
import { createTestApp } from '../_app.ts';
import { ny, runUntil, settle } from './_fakes.ts';

const SECRET = 'test-signing-secret-digests';
const CHANNEL = 'C0MARKETS1';
const ADMIN = 'U0ADMIN001';
const PERSON = 'U0PERSON01';
const DAY = '2025-06-30';
const SLOT = { time: '16:30', tz: 'America/New_York' };

type Block = { type: string; slack_file?: { id: string }; text?: { text: string } };

let fake: FakeSlack;
let app: App;
let slack: SlackAdapter;
let store: SqliteDigestStore;
let clock: ManualClock;
let service: DigestService;

const work = () => service.busy() + service.queued();
const posts = () => fake.callsTo('chat.postMessage').filter((c) => (c.result as { ok?: boolean }).ok === true);

async function command(text: string, userId: string, channel = CHANNEL): Promise<string> {
  const responseUrl = fake.responseUrl();
  const res = await sendSigned(slack.url ?? '', SECRET, { contentType: FORM, body: slashCommandBody({ command: '/digest', text, channel_id: channel, user_id: userId, response_url: responseUrl }) });
  expect(res.status, 'Bolt verified the signature and acknowledged').toBe(200);
  await slack.idle();
  return responseUrl;
}

beforeAll(async () => {
  fake = await startFakeSlack();
  clock = createManualClock(ny(`${DAY}T12:00`));
  // The digest store in its own database, handed to the app as main.ts hands it one.
  store = createDigestStore(openDatabase(':memory:'));
  app = createTestApp({ digests: { store, clock } }, { SLACK_BOT_TOKEN: fake.token, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl, SLACK_ADMIN_USERS: `${ADMIN},U0OTHER002` });
  // As main.ts wires it: the configuration's admin list (SLACK_ADMIN_USERS) decides who may manage.
  slack = await startSlack({
    config: app.config,
    runner: app.runner,
    renderer: app.renderer,
    logger: silentLogger,
    listen: { port: 0, host: '127.0.0.1' },
    retryConfig: { retries: 0 },
  });
  service = createDigestService({ store, market: app.market, runner: app.runner, renderer: app.renderer, posters: [slack.poster], clock });
  await service.start();
}, 30_000);

afterAll(async () => {
  await service?.stop();
  await slack?.stop();
  await fake?.close();
  await app?.close();
});

describe('who may subscribe a Slack channel', () => {
  it('refuses someone not on SLACK_ADMIN_USERS, privately, and stores nothing', async () => {
    const url = await command('subscribe time:16:30', PERSON);
    const [reply] = fake.responsesTo(url);
    expect(reply?.params).toMatchObject({ response_type: 'ephemeral' });
    expect(String(reply?.params.text)).toMatch(/Only people who manage this channel.*Slack admin list/);
    expect(posts(), 'nothing public').toEqual([]);
    expect(store.subscriptions()).toEqual([]);
  });

  it('refuses to subscribe a channel the bot is not in, says how to invite it, and stores nothing', async () => {
    for (const [channel, state] of [
      ['C0PUBLIC99', 'not_in_channel'],
      ['C0PRIVATE9', 'channel_not_found'],
    ] as const) {
      fake.setChannel(channel, state);
      const url = await command('subscribe time:16:30', ADMIN, channel);
      const [reply] = fake.responsesTo(url);
      expect(reply?.params, channel).toMatchObject({ response_type: 'ephemeral' });
      expect(String(reply?.params.text), channel).toMatch(/I’m not in this channel.*\/invite @tapebot/);
      expect(fake.callsTo('conversations.info').some((c) => c.params.channel === channel), 'Slack was asked').toBe(true);
    }
    expect(store.subscriptions(), 'nothing saved').toEqual([]);
  });

  it('subscribes the channel for an admin, and says so in the channel', async () => {
    const url = await command('subscribe time:16:30', ADMIN);
    expect(fake.responsesTo(url), 'nothing private on success').toEqual([]);
    expect(String(posts()[0]?.params.text)).toMatch(/Digest subscribed/);
    expect(store.subscriptions().map((s) => [s.channel, s.preset, s.slot, s.createdBy]), 'with the workspace it was set up in').toEqual([[{ platform: 'slack', id: CHANNEL, workspace: fake.teamId }, 'close', SLOT, ADMIN]]);
  });
});

describe('the evening of Jun 30, 2025', () => {
  let digest: FakeCall | undefined;

  beforeAll(async () => {
    fake.reset();
    await runUntil(clock, ny(`${DAY}T16:45`), work);
    await settle(work);
    digest = posts()[0];
  }, 60_000);

  it('posts exactly one digest to the channel, its chart uploaded as a real PNG and shown by file id', () => {
    const rows = store.outbox({ kind: 'digest' });
    expect(rows.map((r) => [r.status, r.event, r.channel.id])).toEqual([['sent', DAY, CHANNEL]]);
    expect(posts(), 'one message').toHaveLength(1);
    expect(digest?.params.channel).toBe(CHANNEL);
    expect(String(digest?.params.text)).toMatch(/Jun 30, 2025/);
    const image = (digest?.params.blocks as Block[]).find((b) => b.type === 'image');
    const file = fake.files.get(image?.slack_file?.id ?? '');
    expect(file?.bytes && pngSize(file.bytes), 'the uploaded bytes are a PNG').toMatchObject({ width: expect.any(Number), height: expect.any(Number) });
    expect(file?.bytes?.length ?? 0, 'a drawn chart').toBeGreaterThan(5000);
    expect((digest?.result as { ts?: string }).ts, 'the outbox records the message Slack created').toBe(rows[0]?.messageId);
  });

  it('carries the outbox key as message metadata, which findPosted reads back', async () => {
    const row = store.outbox({ kind: 'digest' })[0];
    expect(digest?.params.metadata).toEqual({ event_type: POST_EVENT_TYPE, event_payload: { key: row?.idemKey } });
    const found = await slack.poster.findPosted?.({ platform: 'slack', id: CHANNEL }, row?.idemKey ?? '', new Date(Date.now() - 60_000));
    expect(found?.messageId, 'a resumed post would find this message instead of posting again').toBe(row?.messageId);
  });

  it('firing the slot again for the day, or restarting, posts nothing new', async () => {
    await service.fireSlot(SLOT, ny(`${DAY}T16:30`));
    await settle(work);
    await service.stop();
    service = createDigestService({ store, market: app.market, runner: app.runner, renderer: app.renderer, posters: [slack.poster], clock });
    await service.start();
    await settle(work);
    expect(posts()).toHaveLength(1);
    expect(fake.callsTo('files.getUploadURLExternal'), 'no chart uploaded again').toHaveLength(1);
    expect(store.outbox().map((r) => r.status)).toEqual(['sent']);
  });
});
