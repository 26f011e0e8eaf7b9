/**
 * Questions in plain words on Discord, end to end: the real discord.js client and app (bundled
 * prices, charts drawn for real) against the fake Discord, which sends MESSAGE_CREATE as Discord
 * would for the intents the client identified with, and records the thread, typing and message
 * requests the bot answers with.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDiscord, type DiscordAdapter } from '../../../src/adapters/discord/index.ts';
import type { App } from '../../../src/app.ts';
import { FakeDiscord, INTENTS, pngSize, type RecordedRequest } from '../../fakes/discord/server.ts';
import { createTestApp } from '../../_app.ts';

type Embed = { title?: string; description?: string; image?: { url: string } };
type Button = { label: string; custom_id: string };
type MessageBody = { content?: string; embeds?: Embed[]; components?: { components: Button[] }[]; message_reference?: { message_id: string } };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let fake: FakeDiscord;
let app: App;
let adapter: DiscordAdapter;
let asOfCalls = 0;

const postTo = (channelId: string) => (r: RecordedRequest) => r.method === 'POST' && r.path === `/channels/${channelId}/messages` && r.status === 200;
const threadFrom = (channelId: string, messageId: string) => (r: RecordedRequest) => r.method === 'POST' && r.path === `/channels/${channelId}/messages/${messageId}/threads`;
const mention = (text: string) => `<@${fake.botUser.id}> ${text}`;

/**
 * Nothing else will happen: every event the fake has dispatched reached the bot (its `received` catches up,
 * the bot's own echoed posts included) and the bot has handled them all (`idle()`); repeated while handling
 * them dispatched more.
 */
async function settled(): Promise<void> {
  do {
    await vi.waitUntil(() => adapter.received >= fake.dispatchedEvents, { timeout: 15_000, interval: 5 });
    await adapter.idle();
  } while (adapter.received < fake.dispatchedEvents);
}

async function expectedTitle(command: string): Promise<string> {
  const r = await app.runner.runText(command);
  if (!r.ok) throw new Error(`${command}: ${r.error.message}`);
  return r.answer.title;
}

beforeAll(async () => {
  fake = await FakeDiscord.start();
  app = createTestApp({}, { DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_URL: fake.apiUrl });
  adapter = await startDiscord({
    config: app.config,
    runner: app.runner,
    renderer: app.renderer,
    logger: app.logger,
    symbols: app.symbols,
    asOf: () => {
      asOfCalls++;
      return app.market.latestClose();
    },
  });
}, 30_000);

afterAll(async () => {
  await adapter?.stop(1000);
  await app?.close();
  await fake?.close();
});

describe('the gateway session for questions', () => {
  it('identifies with GUILD_MESSAGES and DIRECT_MESSAGES, and not the privileged MESSAGE_CONTENT', () => {
    // Gateway intents (Discord docs): GUILDS 1 << 0, GUILD_MESSAGES 1 << 9, DIRECT_MESSAGES 1 << 12, MESSAGE_CONTENT 1 << 15.
    expect(fake.intents).toBe((1 << 0) | (1 << 9) | (1 << 12));
    expect(fake.intents & INTENTS.MessageContent, 'content of mentions and DMs arrives without it').toBe(0);
  });
});

describe('a mention in a server channel', () => {
  let question: ReturnType<FakeDiscord['userMessage']>;
  let thread: RecordedRequest;
  let answer: RecordedRequest;

  beforeAll(async () => {
    asOfCalls = 0;
    question = fake.userMessage(mention('compare IWM and QQQ since June'));
    fake.dispatchMessage(question);
    thread = await fake.waitForRequest(threadFrom(fake.channelId, question.id), 15_000);
    // A thread started from a message has the message's id.
    answer = await fake.waitForRequest(postTo(question.id), 15_000);
    await settled();
  }, 30_000);

  it('starts a thread on the question, named after it', () => {
    expect(thread.status).toBe(200);
    expect((thread.json as { name: string }).name, 'the question, without the mention').toBe('compare IWM and QQQ since June');
    expect(fake.threads.get(question.id)?.parent_id).toBe(fake.channelId);
    expect(thread.at, 'the thread before the answer in it').toBeLessThan(answer.at);
  });

  it('answers in the thread: the Read-as line, then the slash command’s embed, PNG and period buttons', async () => {
    const body = answer.json as MessageBody;
    // The bundled data ends on Aug 21, 2026, so "since June" is June 1, 2026 (data/prices/SPY.csv, last row).
    expect(body.content).toBe('Read as: /compare IWM QQQ since:2026-06-01');
    expect(asOfCalls, 'the relative date was read against the data’s latest close').toBe(1);
    expect(body.embeds?.[0]?.title).toBe(await expectedTitle('/compare IWM QQQ since:2026-06-01'));
    const [file] = answer.files;
    expect(file?.data.subarray(0, 8).equals(PNG_SIGNATURE), 'a PNG').toBe(true);
    expect(pngSize(file?.data ?? Buffer.alloc(0))?.width, 'a drawn chart, not a placeholder').toBeGreaterThan(300);
    expect(body.embeds?.[0]?.image?.url).toBe(`attachment://${file?.filename}`);
    expect(body.components?.[0]?.components.map((b) => b.label), 'the period buttons').toEqual(['1M', '3M', 'YTD', '1Y']);
  });

  it('shows "typing…" in the thread while the chart is drawn', () => {
    const typing = fake.requests.find((r) => r.method === 'POST' && r.path === `/channels/${question.id}/typing`);
    expect(typing?.status).toBe(204);
    expect(typing?.at ?? Infinity).toBeLessThan(answer.at);
  });

  it('answers once: its own answer, echoed back by Discord, is not a question', () => {
    expect(fake.requests.filter((r) => r.method === 'POST' && /\/messages$/.test(r.path))).toHaveLength(1);
    expect(fake.problems).toEqual([]);
  });

  it('a period button on the answer re-runs it in place, without the Read-as line it no longer matches', async () => {
    const [posted] = fake.channelMessages(question.id);
    const buttons = (posted?.components?.[0] as { components: Button[] } | undefined)?.components ?? [];
    const oneYear = buttons.find((b) => b.label === '1Y');
    const click = fake.dispatchInteraction(fake.buttonClick(posted?.id ?? '', oneYear?.custom_id ?? ''));
    const edit = await fake.waitForRequest((r) => r.method === 'PATCH' && r.path === `/webhooks/${fake.applicationId}/${click.token}/messages/@original`, 15_000);
    const body = edit.json as MessageBody;
    expect(body.embeds?.[0]?.title, 'the 1-year answer').toMatch(/1Y$/);
    expect(body.content, 'the Read-as line is cleared').toBe('');
    expect(fake.messages.get(posted?.id ?? '')?.content).toBe('');
    expect(edit.files[0]?.data.subarray(0, 8).equals(PNG_SIGNATURE), 'a new chart').toBe(true);
  }, 30_000);
});

describe('where the bot may not start threads', () => {
  it('replies to the question instead, with the same answer', async () => {
    const q = fake.userMessage(mention('is KRE breaking out?'), { channelId: fake.noThreadsChannelId });
    fake.dispatchMessage(q);
    const reply = await fake.waitForRequest(postTo(fake.noThreadsChannelId), 15_000);
    const refused = fake.requests.find(threadFrom(fake.noThreadsChannelId, q.id));
    expect(refused?.status, 'Discord refused the thread: Missing Permissions').toBe(403);
    const body = reply.json as MessageBody;
    expect(body.message_reference?.message_id, 'a reply to the question').toBe(q.id);
    expect(body.content).toBe('Read as: /breakout KRE');
    expect(body.embeds?.[0]?.title).toBe(await expectedTitle('/breakout KRE'));
    expect(reply.files[0]?.data.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  }, 30_000);
});

describe('where the bot may start a thread but not post in it', () => {
  it('replies to the question instead, so the answer is not lost', async () => {
    const q = fake.userMessage(mention('is KRE breaking out?'), { channelId: fake.noThreadSendChannelId });
    fake.dispatchMessage(q);
    const reply = await fake.waitForRequest(postTo(fake.noThreadSendChannelId), 15_000);
    const intoThread = fake.requests.find((r) => r.method === 'POST' && r.path === `/channels/${q.id}/messages`);
    expect(intoThread?.status, 'Discord refused the post in the thread: Missing Permissions').toBe(403);
    const body = reply.json as MessageBody;
    expect(body.message_reference?.message_id, 'a reply to the question').toBe(q.id);
    expect(body.content).toBe('Read as: /breakout KRE');
    expect(reply.files[0]?.data.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  }, 30_000);
});

describe('a direct message', () => {
  it('is a question without any mention, answered in the DM', async () => {
    const before = fake.requests.length;
    const q = fake.userMessage('how are small caps doing this year?', { dm: true });
    fake.dispatchMessage(q);
    const reply = await fake.waitForRequest(postTo(fake.dmChannelId), 15_000);
    await settled();
    const body = reply.json as MessageBody;
    expect(body.content, 'read as the size-rotation command for this year').toMatch(/^Read as: \/rotation (ytd|period:ytd)$/);
    expect(body.embeds?.[0]?.title).toBe(await expectedTitle('/rotation ytd'));
    expect(reply.files).toHaveLength(1);
    const threads = fake.requests.slice(before).filter((r) => r.path.endsWith('/threads'));
    expect(threads, 'no threads in a DM').toEqual([]);
    // A DM's content always reaches the bot, its own answer included: answering that would loop.
    expect(fake.channelMessages(fake.dmChannelId).filter((m) => m.author.id === fake.botUser.id), 'exactly one answer').toHaveLength(1);
  }, 30_000);
});

describe('questions that are not answered with a chart', () => {
  it('an ambiguous question: a question back, as a plain reply, with no thread and no chart', async () => {
    const q = fake.userMessage(mention('what did small caps do last year'));
    fake.dispatchMessage(q);
    const reply = await fake.waitForRequest((r) => postTo(fake.channelId)(r) && (r.json as MessageBody).message_reference?.message_id === q.id, 15_000);
    const body = reply.json as MessageBody;
    expect(body.content, 'names what was unclear').toContain('last year');
    expect(body.content, 'offers questions that work').toContain('Questions that work');
    expect(reply.files, 'no chart').toEqual([]);
    expect(body.embeds ?? [], 'no answer embed').toEqual([]);
    expect(fake.requests.some(threadFrom(fake.channelId, q.id)), 'no thread for a question back').toBe(false);
  }, 30_000);

  it('a command that fails after reading: the reason in words, never a stack trace', async () => {
    const q = fake.userMessage(mention('/rotation asof:2099-01-02'));
    fake.dispatchMessage(q);
    const reply = await fake.waitForRequest((r) => postTo(fake.channelId)(r) && (r.json as MessageBody).message_reference?.message_id === q.id, 15_000);
    const content = (reply.json as MessageBody).content ?? '';
    expect(content).toMatch(/after the latest close/);
    expect(content, 'no internals').not.toMatch(/\n\s+at |Error:|\.ts:\d+/);
  }, 30_000);
});

describe('messages that are not questions for the bot', () => {
  it('ignores another bot mentioning it, and people not mentioning it', async () => {
    await settled();
    const before = fake.requests.length;
    const otherBot = { id: '1200000000000000001', username: 'otherbot', discriminator: '0', global_name: null, avatar: null, bot: true };
    // Symbols answered above: their prices are loaded, so an answer would start within milliseconds.
    expect(fake.dispatchMessage(fake.userMessage(mention('compare IWM and QQQ'), { author: otherBot })), 'delivered: it mentions the bot').toBe(true);
    fake.dispatchMessage(fake.userMessage('compare IWM and QQQ'));
    await settled();
    expect(fake.requests.slice(before), 'no thread, no reply, not even typing').toEqual([]);
  }, 30_000);
});
