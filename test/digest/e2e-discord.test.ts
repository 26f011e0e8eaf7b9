/**
 * Digests and alerts on Discord, end to end: the real discord.js client and adapter, the real app
 * (bundled prices, charts drawn for real) and the real digest service, against the fake Discord
 * (test/fakes/discord/server.ts). People subscribe with slash commands; a manual clock then runs the
 * evening of Jun 30, 2025 through the service's own scheduler, and the assertions are about what
 * reached the fake: one digest message with a PNG, keyed by its nonce, and one alert.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscord, type DiscordAdapter } from '../../src/adapters/discord/index.ts';
import { runRegister } from '../../src/adapters/discord/register-cli.ts';
import { emptyAnswer } from '../../src/answer/build.ts';
import type { App } from '../../src/app.ts';
import { installDigestBackend } from '../../src/digest/backend.ts';
import { createManualClock, type ManualClock } from '../../src/digest/clock.ts';
import { PostError } from '../../src/digest/poster.ts';
import { createDigestService, type DigestService } from '../../src/digest/service.ts';
import { createDigestStore, type SqliteDigestStore } from '../../src/digest/store.ts';
import { createLogger } from '../../src/log.ts';
import { naiveRows } from '../commands/_naive.ts';
import { EVERYONE_PERMISSIONS, FakeDiscord, MANAGE_CHANNELS, MESSAGE_FLAGS, pngSize, snowflake, type DispatchedInteraction, type RecordedRequest } from '../fakes/discord/server.ts';
import { createTestApp } from '../_app.ts';
import { ny, runUntil, settle } from './_fakes.ts';

const DAY = '2025-06-30';
const SLOT = { time: '16:30', tz: 'America/New_York' };

type Embed = { title?: string; description?: string; image?: { url: string } };
type Body = { content?: string; flags?: number; embeds?: Embed[]; nonce?: string; enforce_nonce?: boolean; attachments?: { id: number | string; filename?: string }[] };

let fake: FakeDiscord;
let app: App;
let adapter: DiscordAdapter;
let store: SqliteDigestStore;
let clock: ManualClock;
let service: DigestService;
let uninstall: () => void = () => {};
const logLines: { level: number; msg: string }[] = [];

const isEdit = (d: DispatchedInteraction) => (r: RecordedRequest) => r.method === 'PATCH' && r.path === `/webhooks/${fake.applicationId}/${d.token}/messages/@original`;
const isFollowUp = (d: DispatchedInteraction) => (r: RecordedRequest) => r.method === 'POST' && r.path === `/webhooks/${fake.applicationId}/${d.token}`;
const channelPosts = (channelId: string) => fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${channelId}/messages`);

/** Runs a slash command and resolves with its final public answer (the edited reply) or its private refusal. */
async function slash(name: string, values: Record<string, string | number>, o: Parameters<FakeDiscord['chatInput']>[2] = {}): Promise<{ public: Body | null; private: Body | null }> {
  const d = fake.dispatchInteraction(fake.chatInput(name, values, o));
  const r = await fake.waitForRequest((x) => isEdit(d)(x) || isFollowUp(d)(x), 20_000);
  const body = r.json as Body;
  return isEdit(d)(r) ? { public: body, private: null } : { public: null, private: body };
}

const manager = { member: { permissions: EVERYONE_PERMISSIONS | MANAGE_CHANNELS } };
const work = () => service.busy() + service.queued();

beforeAll(async () => {
  fake = await FakeDiscord.start();
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  const env = { DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_URL: fake.apiUrl, DISCORD_DIGEST_ROLE_ID: fake.extraRoleId };
  app = createTestApp({ logger: createLogger({ level: 'info', destination: sink }) }, env);
  const out: string[] = [];
  const code = await runRegister({ env: { ...env, DISCORD_GUILD_ID: fake.guildId }, args: [], out: (l) => out.push(l), err: (l) => out.push(l) });
  if (code !== 0) throw new Error(`registration failed: ${out.join('\n')}`);

  // As main.ts wires it, with a manual clock at noon on the day.
  clock = createManualClock(ny(`${DAY}T12:00`));
  store = createDigestStore(app.db);
  uninstall = installDigestBackend({ store, clock });
  adapter = await startDiscord({ config: app.config, runner: app.runner, renderer: app.renderer, logger: app.logger, symbols: app.symbols });
  service = createDigestService({ store, market: app.market, runner: app.runner, renderer: app.renderer, posters: [adapter.poster], clock, logger: app.logger });
  await service.start();
}, 30_000);

afterAll(async () => {
  await service?.stop();
  uninstall();
  await adapter?.stop(1000);
  await app?.close();
  await fake?.close();
});

describe('who may subscribe a Discord channel', () => {
  it('refuses a member without Manage Channels, privately, and stores nothing', async () => {
    const r = await slash('digest', { action: 'subscribe', time: '16:30' });
    expect(r.private?.flags, 'only the person sees the refusal').toBe(MESSAGE_FLAGS.Ephemeral);
    expect(r.private?.content).toMatch(/Only people who manage this channel can change its digests/);
    expect(store.subscriptions(), 'nothing subscribed').toEqual([]);
  });

  it('refuses when the bot itself may not post in the channel, naming what it lacks, and stores nothing', async () => {
    // The default app permissions without Send Messages (1 << 11) and Attach Files (1 << 15).
    const appPermissions = 2248473465835073n & ~(1n << 11n) & ~(1n << 15n);
    const r = await slash('digest', { action: 'subscribe', time: '16:30' }, { member: { ...manager.member, appPermissions } });
    expect(r.private?.flags, 'only the person sees it').toBe(MESSAGE_FLAGS.Ephemeral);
    expect(r.private?.content).toMatch(/I can’t post in this channel on my own: I lack Send Messages, Attach Files here/);
    expect(store.subscriptions(), 'nothing subscribed').toEqual([]);
  });

  it('subscribes the channel for a member with Manage Channels', async () => {
    const r = await slash('digest', { action: 'subscribe', time: '16:30' }, manager);
    expect(r.public?.embeds?.[0]?.title).toBe('Digest subscribed');
    expect(r.public?.embeds?.[0]?.description, 'says when the first one comes').toMatch(/at 16:30 America\/New_York/);
    const subs = store.subscriptions();
    expect(subs.map((s) => [s.channel, s.preset, s.slot, s.createdBy])).toEqual([[{ platform: 'discord', id: fake.channelId }, 'close', SLOT, fake.person.id]]);
  });

  it('lets a member with the digest role (DISCORD_DIGEST_ROLE_ID) manage it without the permission', async () => {
    const withRole = await slash('watch', { action: 'add', symbols: 'XLE' }, { member: { roles: [fake.extraRoleId] } });
    expect(withRole.public?.embeds?.[0]?.description).toMatch(/Added XLE/);
    const without = await slash('watch', { action: 'add', symbols: 'XLK' }, { member: { roles: [fake.guildId] } });
    expect(without.private?.content, 'only @everyone is not enough').toMatch(/Only people who manage this channel/);
    expect(store.watchlist({ platform: 'discord', id: fake.channelId })).toEqual(['XLE']);
  });

  it('lets anyone manage their own DM with the bot', async () => {
    const sub = await slash('digest', { action: 'subscribe' }, { dm: true });
    expect(sub.public?.embeds?.[0]?.title).toBe('Digest subscribed');
    expect(store.subscriptions({ platform: 'discord', id: fake.dmChannelId })).toHaveLength(1);
    const unsub = await slash('digest', { action: 'unsubscribe' }, { dm: true });
    expect(unsub.public?.embeds?.[0]?.description).toMatch(/one digest/);
    expect(store.subscriptions().map((s) => s.channel.id), 'only the server channel remains').toEqual([fake.channelId]);
  });

  it('sets an alert for the close of Jun 30 (made as of Jun 27, below the level)', async () => {
    // SPY closes from the CSV: the level halfway between Jun 27 and Jun 30 is crossed upward on Jun 30.
    const rows = naiveRows('SPY');
    const p = rows.find((r) => r.date === '2025-06-27')?.close ?? NaN;
    const d = rows.find((r) => r.date === DAY)?.close ?? NaN;
    expect(d, 'the data has SPY rising into Jun 30').toBeGreaterThan(p);
    const level = Math.round(((p + d) / 2) * 100) / 100;
    const r = await slash('alert', { action: 'add', type: 'above', symbol: 'SPY', level, asof: '2025-06-27' }, manager);
    expect(r.public?.embeds?.[0]?.title).toBe('Alert set');
    expect(store.alerts().map((a) => a.spec)).toEqual([{ kind: 'above', symbol: 'SPY', level }]);
  });
});

describe('the evening of Jun 30, 2025', () => {
  let digestPost: RecordedRequest;

  beforeAll(async () => {
    // The scheduler runs the alert evaluation (16:20) and the 16:30 slot; posts go out as they come.
    await runUntil(clock, ny(`${DAY}T16:45`), work);
    await settle(work);
    const row = store.outbox({ kind: 'digest' })[0];
    digestPost = channelPosts(fake.channelId).find((r) => (r.json as Body).nonce === row?.idemKey) as RecordedRequest;
  }, 60_000);

  it('posts exactly one digest to the channel, with its chart as a real PNG', () => {
    const rows = store.outbox({ kind: 'digest' });
    expect(rows.map((r) => [r.status, r.event, r.channel.id])).toEqual([['sent', DAY, fake.channelId]]);
    expect(digestPost, 'a POST /channels/{id}/messages carried the digest').toBeDefined();
    expect(digestPost.status).toBe(200);
    const body = digestPost.json as Body;
    expect(body.embeds?.[0]?.title).toMatch(/Jun 30, 2025/);
    expect(digestPost.files).toHaveLength(1);
    const png = digestPost.files[0]?.data ?? Buffer.alloc(0);
    expect(pngSize(png), 'a PNG with real dimensions').toMatchObject({ width: expect.any(Number), height: expect.any(Number) });
    expect(png.length, 'a drawn chart, not a placeholder').toBeGreaterThan(5000);
    expect(body.embeds?.[0]?.image?.url, 'the embed shows the attachment').toBe(`attachment://${digestPost.files[0]?.filename}`);
    const shown = fake.messages.get(rows[0]?.messageId ?? '');
    expect(shown?.channel_id, 'the outbox records the message Discord created').toBe(fake.channelId);
    expect(shown?.attachments.map((a) => a.content_type)).toEqual(['image/png']);
    expect(fake.problems, 'nothing Discord would refuse').toEqual([]);
  });

  it('keys the post with its nonce, enforced', () => {
    const body = digestPost.json as Body;
    expect(body.enforce_nonce).toBe(true);
    expect(body.nonce, 'the outbox key, within Discord’s 25 characters').toBe(store.outbox({ kind: 'digest' })[0]?.idemKey);
    expect(body.nonce?.length).toBeLessThanOrEqual(25);
  });

  it('posts the alert too, once, with a chart', () => {
    const rows = store.outbox({ kind: 'alert' });
    expect(rows.map((r) => [r.status, r.channel.id])).toEqual([['sent', fake.channelId]]);
    const msg = fake.messages.get(rows[0]?.messageId ?? '');
    expect(msg?.embeds[0]?.description).toMatch(/SPY/);
    expect(msg?.attachments.map((a) => a.content_type)).toEqual(['image/png']);
    expect(fake.channelMessages(fake.channelId).filter((m) => m.author.id === fake.botUser.id && m.interaction_metadata === undefined), 'the digest and the alert, nothing else').toHaveLength(2);
    expect(channelPosts(fake.dmChannelId), 'the DM unsubscribed before the close').toHaveLength(0);
  });

  it('firing the slot and the alerts again for the day posts nothing new', async () => {
    const before = channelPosts(fake.channelId).length;
    await service.fireSlot(SLOT, ny(`${DAY}T16:30`));
    await service.runAlerts(DAY);
    await settle(work);
    // A restart later that evening looks back at the slot and the alerts, and finds them sent.
    await service.stop();
    service = createDigestService({ store, market: app.market, runner: app.runner, renderer: app.renderer, posters: [adapter.poster], clock, logger: app.logger });
    await service.start();
    await settle(work);
    expect(channelPosts(fake.channelId).length, 'no request to post').toBe(before);
    expect(store.outbox().map((r) => r.status)).toEqual(['sent', 'sent']);
  });

  it('a resumed post with the same nonce gets the original message back from Discord, not a second one', async () => {
    const row = store.outbox({ kind: 'digest' })[0];
    const answer = store.payload(row?.payloadId ?? -1);
    if (!row || !answer) throw new Error('no stored digest');
    const count = fake.channelMessages(fake.channelId).length;
    const again = await adapter.poster.post(row.channel, answer, [], { idempotencyKey: row.idemKey });
    expect(again.messageId, 'Discord answered with the first message').toBe(row.messageId);
    expect(fake.channelMessages(fake.channelId).length, 'no new message').toBe(count);
  });

  it('finds the posted digest in the channel’s history by its key, long after the nonce has expired', async () => {
    const row = store.outbox({ kind: 'digest' })[0];
    if (!row) throw new Error('no digest row');
    const since = new Date(Date.now() - 10 * 60_000);
    expect(await adapter.poster.findPosted?.(row.channel, row.idemKey, since), 'GET /channels/{id}/messages, matched by the chart’s file name').toEqual({ messageId: row.messageId });
    expect(await adapter.poster.findPosted?.(row.channel, 'not-a-key-of-any-post', since), 'another key: nothing').toBeNull();
    const read = fake.requests.filter((r) => r.method === 'GET' && r.path === `/channels/${fake.channelId}/messages`);
    expect(read.length).toBeGreaterThanOrEqual(2);
    expect(read[0]?.query.limit).toBe('100');
    expect(fake.problems, 'nothing Discord would refuse').toEqual([]);
  });

  it('logged each post, and no error', () => {
    expect(logLines.filter((l) => l.msg === 'digest: posted')).toHaveLength(2);
    expect(logLines.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual([]);
  });
});

describe('the Discord poster’s failures', () => {
  it('a deleted channel is a permanent failure (Unknown Channel, 10003)', async () => {
    const answer = emptyAnswer('digest', 'Nowhere to go', null, null);
    answer.lines.push('This channel does not exist.');
    const err = await adapter.poster.post({ platform: 'discord', id: snowflake() }, answer, [], { idempotencyKey: 'gone1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PostError);
    expect((err as PostError).failure).toBe('permanent');
    expect((err as PostError).message).toMatch(/10003/);
  });
});
