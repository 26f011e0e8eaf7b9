/**
 * Questions in plain words on Slack, end to end: the real Bolt app in HTTP mode, driven by signed
 * Events API callbacks, its Web API client pointed at the local fake Slack; the real app answers
 * (bundled prices, charts drawn for real). Assertions are on what reached the fake Slack.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSlack, type SlackAdapter } from '../../../src/adapters/slack/start.ts';
import type { App } from '../../../src/app.ts';
import { silentLogger } from '../../../src/log.ts';
import { openDatabase, type Database } from '../../../src/store/db.ts';
import { createStoredRecentKeys } from '../../../src/store/recent-keys.ts';
import { createTestApp } from '../../_app.ts';
import { startFakeSlack, type FakeCall, type FakeSlack } from '../../fakes/slack/server.ts';
import { eventCallbackBody, JSON_TYPE, sendSigned } from '../../fakes/slack/requests.ts';

const SECRET = 'test-signing-secret-5d1e0a';
const CHANNEL = 'C0MARKETS1';
const DM = 'D0DIRECT01';
const PERSON = 'U0PERSON01';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

type Block = { type: string; [k: string]: unknown };
const as = <T>(x: unknown): T => x as T;
const okCall = (method: string) => (c: FakeCall) => c.method === method && (c.result as { ok?: boolean }).ok === true;
const contextText = (b: Block | undefined) => as<{ elements?: { text: string }[] }>(b).elements?.map((e) => e.text).join(' ');

let fake: FakeSlack;
let app: App;
let slack: SlackAdapter;
let url: string;
let asOfCalls = 0;
let tsCounter = 0;
/** A fresh message timestamp, as Slack writes them. */
const nextTs = () => `1751300000.${String(++tsCounter).padStart(6, '0')}`;

function send(body: string, headers: Record<string, string> = {}) {
  return sendSigned(url, SECRET, { contentType: JSON_TYPE, body, headers });
}
const mention = (text: string, extra: Record<string, unknown> = {}) =>
  eventCallbackBody({ type: 'app_mention', user: PERSON, text: `<@${fake.botUserId}> ${text}`, ts: nextTs(), channel: CHANNEL, ...extra });
const direct = (text: string, extra: Record<string, unknown> = {}) => eventCallbackBody({ type: 'message', channel_type: 'im', channel: DM, user: PERSON, text, ts: nextTs(), ...extra });
const tsOf = (body: string) => as<{ event: { ts: string } }>(JSON.parse(body)).event.ts;

async function expectedTitle(command: string): Promise<string> {
  const r = await app.runner.runText(command);
  if (!r.ok) throw new Error(`${command}: ${r.error.message}`);
  return r.answer.title;
}

beforeAll(async () => {
  fake = await startFakeSlack();
  app = createTestApp();
  slack = await startSlack({
    config: { SLACK_BOT_TOKEN: fake.token, SLACK_SIGNING_SECRET: SECRET, SLACK_APP_TOKEN: undefined, SLACK_API_URL: fake.apiUrl, PORT: undefined },
    runner: app.runner,
    renderer: app.renderer,
    logger: silentLogger,
    listen: { port: 0, host: '127.0.0.1' },
    delivery: { imageRetryDelaysMs: [40, 80] },
    retryConfig: { retries: 0 },
    symbols: app.symbols,
    asOf: () => {
      asOfCalls++;
      return app.market.latestClose();
    },
  });
  url = slack.url ?? '';
}, 20_000);

afterAll(async () => {
  await slack?.stop();
  await fake?.close();
  await app?.close();
});

beforeEach(async () => {
  await slack.idle();
  fake.reset();
  asOfCalls = 0;
});

describe('a mention in a channel', () => {
  it('is answered in the question’s thread: Read-as line, the command’s blocks, and the uploaded PNG', async () => {
    const body = mention('compare IWM and QQQ since June');
    const res = await send(body);
    expect(res.status).toBe(200);
    const post = await fake.waitFor(okCall('chat.postMessage'), 15_000);
    await slack.idle();

    expect(post.params.channel).toBe(CHANNEL);
    expect(post.params.thread_ts, 'a thread on the question itself').toBe(tsOf(body));
    const blocks = as<Block[]>(post.params.blocks);
    // The bundled data ends on Aug 21, 2026, so "since June" is June 1, 2026 (data/prices/SPY.csv, last row).
    expect(blocks[0]?.type).toBe('context');
    expect(contextText(blocks[0])).toBe('Read as: /compare IWM QQQ since:2026-06-01');
    expect(asOfCalls, 'read against the data’s latest close').toBe(1);
    expect(blocks[1], 'then the answer, as the slash command shows it').toMatchObject({ type: 'header', text: { text: await expectedTitle('/compare IWM QQQ since:2026-06-01') } });

    const fileId = as<{ file_id: string }>(fake.callsTo('files.getUploadURLExternal')[0]?.result).file_id;
    const png = fake.files.get(fileId)?.bytes;
    expect(png?.subarray(0, 8).equals(PNG_SIGNATURE), 'the uploaded bytes are a PNG').toBe(true);
    // IHDR: the width is the big-endian integer at byte 16 of any PNG.
    expect(png?.readUInt32BE(16), 'a drawn chart').toBeGreaterThan(100);
    expect(blocks.find((b) => b.type === 'image'), 'shown by file id').toMatchObject({ slack_file: { id: fileId } });
    expect(as<{ elements: unknown[] }>(blocks.find((b) => b.type === 'actions')).elements, 'with the period buttons').toHaveLength(4);
    expect(fake.callsTo('chat.postMessage'), 'one answer').toHaveLength(1);
  }, 30_000);

  it('asked inside a thread, is answered in that thread', async () => {
    const parent = '1751290000.000050';
    await send(mention('is KRE breaking out?', { thread_ts: parent }));
    const post = await fake.waitFor(okCall('chat.postMessage'), 15_000);
    expect(post.params.thread_ts).toBe(parent);
    expect(contextText(as<Block[]>(post.params.blocks)[0])).toBe('Read as: /breakout KRE');
  }, 30_000);

  it('an ambiguous question gets a question back, only for the asker, and no chart', async () => {
    await send(mention('what did small caps do last year'));
    const eph = await fake.waitFor(okCall('chat.postEphemeral'), 15_000);
    await slack.idle();
    expect(eph.params).toMatchObject({ channel: CHANNEL, user: PERSON });
    expect(String(eph.params.text), 'names what was unclear').toContain('last year');
    expect(String(eph.params.text)).toContain('Questions that work');
    expect(fake.callsTo('chat.postMessage'), 'nothing public').toEqual([]);
    expect(fake.callsTo('files.getUploadURLExternal'), 'no chart').toEqual([]);
  }, 30_000);

  it('names commands as Slack registers them: /help is /tapebot-help there', async () => {
    await send(mention('help'));
    const post = await fake.waitFor(okCall('chat.postMessage'), 15_000);
    await slack.idle();
    expect(contextText(as<Block[]>(post.params.blocks)[0])).toBe('Read as: /tapebot-help');
    fake.reset();
    await send(mention('what is the weather like'));
    const eph = await fake.waitFor(okCall('chat.postEphemeral'), 15_000);
    expect(String(eph.params.text)).toContain('/tapebot-help');
    expect(String(eph.params.text), 'never Slack’s own /help').not.toMatch(/(^|\s)\/help\b/);
  }, 30_000);
});

describe('a direct message', () => {
  it('is a question without any mention, answered in the conversation', async () => {
    await send(direct('how are small caps doing this year?'));
    const post = await fake.waitFor(okCall('chat.postMessage'), 15_000);
    await slack.idle();
    expect(post.params.channel).toBe(DM);
    expect(post.params.thread_ts, 'a DM is answered in place, not under "1 reply"').toBeUndefined();
    const blocks = as<Block[]>(post.params.blocks);
    expect(contextText(blocks[0])).toMatch(/^Read as: \/rotation (ytd|period:ytd)$/);
    expect(blocks[1]).toMatchObject({ type: 'header', text: { text: await expectedTitle('/rotation ytd') } });
    expect(blocks.some((b) => b.type === 'image'), 'with its chart').toBe(true);
  }, 30_000);

  it('an ambiguous one is asked back in the DM (already private), as plain text', async () => {
    await send(direct('what did small caps do last year'));
    const post = await fake.waitFor(okCall('chat.postMessage'), 15_000);
    await slack.idle();
    expect(post.params.channel).toBe(DM);
    expect(post.params.blocks, 'no answer blocks').toBeUndefined();
    expect(String(post.params.text)).toContain('last year');
    expect(fake.callsTo('chat.postEphemeral')).toEqual([]);
  }, 30_000);
});

describe('Slack’s retries', () => {
  it('a retried event (same event_id, X-Slack-Retry-Num: 1) is answered exactly once', async () => {
    const body = mention('is KRE breaking out?');
    const first = await send(body);
    // Slack's retry: the same payload, with the retry headers (docs.slack.dev, Events API, "Retries").
    const retry = await send(body, { 'X-Slack-Retry-Num': '1', 'X-Slack-Retry-Reason': 'http_timeout' });
    expect([first.status, retry.status], 'both acknowledged, so Slack stops retrying').toEqual([200, 200]);
    await fake.waitFor(okCall('chat.postMessage'), 15_000);
    const late = await send(body, { 'X-Slack-Retry-Num': '2', 'X-Slack-Retry-Reason': 'http_timeout' });
    expect(late.status).toBe(200);
    await slack.idle();
    expect(fake.callsTo('chat.postMessage'), 'one answer for one question').toHaveLength(1);
    expect(fake.callsTo('files.getUploadURLExternal'), 'one chart uploaded').toHaveLength(1);
  }, 30_000);

  it('one message delivered as two events (message.im and app_mention) is answered once, in the DM', async () => {
    const ts = nextTs();
    const text = `<@${fake.botUserId}> is KRE breaking out?`;
    await send(direct(text, { ts }));
    await send(eventCallbackBody({ type: 'app_mention', user: PERSON, text, ts, channel: DM }));
    await fake.waitFor(okCall('chat.postMessage'), 15_000);
    await slack.idle();
    const posts = fake.callsTo('chat.postMessage');
    expect(posts, 'two event ids, one message: one answer').toHaveLength(1);
    expect(posts[0]?.params).toMatchObject({ channel: DM });
    expect(posts[0]?.params.thread_ts, 'answered in place, as a DM').toBeUndefined();
  }, 30_000);

  it('a retry that arrives after a restart is still answered only once (ids kept in the database)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tapebot-seen-'));
    const file = path.join(dir, 'seen.db');
    const startWith = (db: Database) =>
      startSlack({
        config: { SLACK_BOT_TOKEN: fake.token, SLACK_SIGNING_SECRET: SECRET, SLACK_APP_TOKEN: undefined, SLACK_API_URL: fake.apiUrl, PORT: undefined },
        runner: app.runner,
        renderer: app.renderer,
        logger: silentLogger,
        listen: { port: 0, host: '127.0.0.1' },
        retryConfig: { retries: 0 },
        symbols: app.symbols,
        seen: createStoredRecentKeys(db, { scope: 'slack' }),
      });
    const body = mention('is KRE breaking out?');
    let db = openDatabase(file);
    let before: SlackAdapter | undefined = await startWith(db);
    let after: SlackAdapter | undefined;
    try {
      expect((await sendSigned(before.url ?? '', SECRET, { contentType: JSON_TYPE, body })).status).toBe(200);
      await fake.waitFor(okCall('chat.postMessage'), 15_000);
      await before.stop();
      before = undefined;
      db.close();

      db = openDatabase(file);
      after = await startWith(db);
      const retry = await sendSigned(after.url ?? '', SECRET, { contentType: JSON_TYPE, body, headers: { 'X-Slack-Retry-Num': '2', 'X-Slack-Retry-Reason': 'http_timeout' } });
      expect(retry.status).toBe(200);
      await after.idle();
      expect(fake.callsTo('chat.postMessage'), 'answered before the restart, not again after it').toHaveLength(1);

      // The control: a new question to the restarted bot is answered, so silence above was the memory, not a dead bot.
      await sendSigned(after.url ?? '', SECRET, { contentType: JSON_TYPE, body: mention('biotech drawdown') });
      await fake.waitFor((c) => okCall('chat.postMessage')(c) && fake.callsTo('chat.postMessage').length === 2, 15_000);
    } finally {
      await before?.stop();
      await after?.stop();
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);
});

describe('messages that are not questions', () => {
  it('ignores other bots (mentioning it or writing in a DM), and edits', async () => {
    await send(mention('compare IWM and QQQ', { bot_id: 'B0OTHERBOT', user: 'U0OTHERBOT' }));
    await send(direct('rotation', { bot_id: 'B0OTHERBOT', user: 'U0OTHERBOT' }));
    await send(eventCallbackBody({ type: 'message', subtype: 'message_changed', channel_type: 'im', channel: DM, ts: nextTs() }));
    await slack.idle();
    expect(fake.calls).toEqual([]);
  });
});
