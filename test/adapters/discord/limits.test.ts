/**
 * Rate limits on Discord, on the wire: a person over the limit is told "slow down" privately as the
 * interaction's first and only response — no public "thinking…", no follow-up — whether they spam
 * good commands, bad input or period buttons; others in the channel carry on.
 *
 * The limiter is the real one on a frozen clock, so nothing refills during the test: per person a
 * burst of 2, per channel 20 (both at the rates below).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { APIInteraction } from 'discord.js';
import { commands } from '../../../commands/index.ts';
import { startDiscord, type DiscordAdapter } from '../../../src/adapters/discord/index.ts';
import { runRegister } from '../../../src/adapters/discord/register-cli.ts';
import type { App } from '../../../src/app.ts';
import { createRequestLimiter } from '../../../src/ops/limits.ts';
import { CALLBACK_TYPE, FakeDiscord, MESSAGE_FLAGS, type DispatchedInteraction, type RecordedRequest } from '../../fakes/discord/server.ts';
import { createTestApp } from '../../_app.ts';

type Button = { label: string; custom_id: string };
type MessageBody = { content?: string; flags?: number; embeds?: { title?: string }[]; components?: { components: Button[] }[] };
type Callback = { type: number; data?: MessageBody };

let fake: FakeDiscord;
let app: App;
let adapter: DiscordAdapter;

const isCallback = (d: DispatchedInteraction) => (r: RecordedRequest) => r.method === 'POST' && r.path === `/interactions/${d.id}/${d.token}/callback`;
const isEdit = (d: DispatchedInteraction) => (r: RecordedRequest) => r.method === 'PATCH' && r.path === `/webhooks/${fake.applicationId}/${d.token}/messages/@original`;

/** The same interaction sent by another member of the test server (the fake has one `person`). */
function by<T extends APIInteraction>(userId: string, p: T): T {
  if (!p.member) throw new Error('a server interaction has a member');
  return { ...p, member: { ...p.member, user: { ...p.member.user, id: userId, username: `user${userId}` } } };
}

/** Waits until the bot has handled every interaction dispatched so far, so any request it was going to make for `d` has arrived. */
async function settle(): Promise<void> {
  await vi.waitUntil(() => adapter.received >= fake.dispatchedEvents, { timeout: 15_000, interval: 5 });
  await adapter.idle();
}

/** Sends a command and waits for its first response. */
async function send(p: APIInteraction): Promise<{ d: DispatchedInteraction; ack: RecordedRequest; body: Callback }> {
  const d = fake.dispatchInteraction(p);
  const ack = await fake.waitForRequest(isCallback(d));
  return { d, ack, body: ack.json as Callback };
}

/** The whole exchange is one ephemeral "slow down": nothing deferred, nothing public, nothing after. */
async function expectSlowDown(x: { d: DispatchedInteraction; ack: RecordedRequest; body: Callback }, why: string): Promise<void> {
  expect(x.body.type, `${why}: CHANNEL_MESSAGE_WITH_SOURCE, not a defer`).toBe(CALLBACK_TYPE.ChannelMessage);
  expect(x.body.data?.flags, `${why}: EPHEMERAL`).toBe(MESSAGE_FLAGS.Ephemeral);
  // 20 a minute is one token every 3 s; the bucket is exactly empty on a frozen clock.
  expect(x.body.data?.content, why).toContain('Slow down a little — try again in 3 s.');
  await settle();
  expect(fake.requestsFor(x.d).filter((r) => r !== x.ack), `${why}: no defer, edit, delete or follow-up`).toEqual([]);
  expect(fake.original(x.d)?.flags, `${why}: the only message is ephemeral`).toBe(MESSAGE_FLAGS.Ephemeral);
  expect(fake.followUps(x.d), why).toEqual([]);
}

beforeAll(async () => {
  fake = await FakeDiscord.start();
  const env = { DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_URL: fake.apiUrl };
  const limiter = createRequestLimiter({ userPerMinute: 20, userBurst: 2, channelPerMinute: 60, channelBurst: 20, now: () => 1_000_000 });
  app = createTestApp({ commands, limiter }, env);
  const code = await runRegister({ env: { ...env, DISCORD_GUILD_ID: fake.guildId }, args: [], commands, out: () => undefined, err: () => undefined });
  if (code !== 0) throw new Error('registration into the fake failed');
  adapter = await startDiscord({ config: app.config, runner: app.runner, renderer: app.renderer, logger: app.logger, symbols: app.symbols });
}, 30_000);

afterAll(async () => {
  await adapter?.stop(1000);
  await app?.close();
  await fake?.close();
});

describe('a person over the limit', () => {
  it('gets the answers within the burst, then a private "slow down" instead of a public defer', async () => {
    for (let k = 0; k < 2; k++) {
      const ok = await send(by('1001', fake.chatInput('help')));
      expect(ok.body.type, `command ${k + 1} of the burst is deferred as usual`).toBe(CALLBACK_TYPE.DeferredChannelMessage);
      await fake.waitForRequest(isEdit(ok.d));
    }
    await expectSlowDown(await send(by('1001', fake.chatInput('help'))), 'third /help');
    await expectSlowDown(await send(by('1001', fake.chatInput('help'))), 'and the next: a refusal takes no token, but there is none to take');
  });

  it('spamming invalid input is limited too: bad input takes a token', async () => {
    for (let k = 0; k < 2; k++) {
      const bad = await send(by('1002', fake.chatInput('compare', { symbols: 'IWM ZZZZQ' })));
      expect(bad.body.type).toBe(CALLBACK_TYPE.ChannelMessage);
      expect(bad.body.data?.flags).toBe(MESSAGE_FLAGS.Ephemeral);
      expect(bad.body.data?.content, `bad input ${k + 1}: told what is wrong`).toContain('ZZZZQ');
    }
    await expectSlowDown(await send(by('1002', fake.chatInput('compare', { symbols: 'IWM ZZZZQ' }))), 'third bad /compare');
    await expectSlowDown(await send(by('1002', fake.chatInput('help'))), 'a valid command after the spam');
  });

  it('another person in the same channel is unaffected', async () => {
    const other = await send(by('1003', fake.chatInput('help')));
    expect(other.body.type, 'deferred publicly as usual').toBe(CALLBACK_TYPE.DeferredChannelMessage);
    const edit = await fake.waitForRequest(isEdit(other.d));
    expect((edit.json as MessageBody).embeds?.[0]?.title, 'and answered').toBeTruthy();
    expect(fake.original(other.d)?.flags, 'public').toBe(0);
  });

  it('still gets symbol autocomplete: it cannot be answered with words, so it is not limited', async () => {
    const d = fake.dispatchInteraction(by('1001', fake.autocomplete('compare', { symbols: 'IWM q' }, 'symbols')));
    const ack = await fake.waitForRequest(isCallback(d));
    const body = ack.json as { type: number; data: { choices: { value: string }[] } };
    expect(body.type).toBe(CALLBACK_TYPE.AutocompleteResult);
    expect(body.data.choices[0]?.value).toBe('IWM QQQ');
  });
});

describe('period buttons', () => {
  it('a click over the limit is refused privately and leaves the message as it was', async () => {
    // Token 1: the command; token 2: a click; the next click has none.
    const first = await send(by('1004', fake.chatInput('rotation', { period: '3m' })));
    await fake.waitForRequest(isEdit(first.d), 20_000);
    const click = async (label: string) => {
      const msg = fake.original(first.d);
      const buttons = (msg?.components?.[0] as { components: Button[] } | undefined)?.components ?? [];
      const b = buttons.find((x) => x.label === label);
      return send(by('1004', fake.buttonClick(msg?.id ?? '', b?.custom_id ?? '')));
    };
    const allowed = await click('1Y');
    expect(allowed.body.type, 'within the burst: deferred update').toBe(CALLBACK_TYPE.DeferredUpdateMessage);
    await fake.waitForRequest(isEdit(allowed.d), 20_000);
    const before = structuredClone(fake.original(first.d));
    expect(before?.embeds[0]?.title).toMatch(/1Y$/);

    const refused = await click('1M');
    await expectSlowDown(refused, 'third interaction (a click)');
    expect(fake.original(first.d), 'the clicked message is untouched').toEqual(before);
  }, 40_000);
});

describe('the whole conversation', () => {
  it('held to Discord’s rules: nothing the bot sent would have been refused', () => {
    expect(fake.problems).toEqual([]);
  });
});
