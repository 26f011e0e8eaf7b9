/**
 * The Slack DigestPoster against the local fake Slack, through the real Web API client.
 */
import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Answer } from '../../../src/answer/answer.ts';
import type { App } from '../../../src/app.ts';
import { renderAnswerCharts, type RenderedChart } from '../../../src/charts/renderer.ts';
import { createSlackPoster, POST_EVENT_TYPE } from '../../../src/adapters/slack/poster.ts';
import { PostError } from '../../../src/digest/poster.ts';
import { silentLogger } from '../../../src/log.ts';
import { createTestApp } from '../../_app.ts';
import { startFakeSlack, type FakeSlack } from '../../fakes/slack/server.ts';

const CHANNEL = { platform: 'slack' as const, id: 'C0DIGEST01' };
type Block = { type: string; [k: string]: unknown };

describe('Slack digest poster', () => {
  let fake: FakeSlack;
  let app: App;
  let client: webApi.WebClient;
  let answer: Answer;
  let charts: RenderedChart[];

  beforeAll(async () => {
    fake = await startFakeSlack();
    app = createTestApp();
    client = new webApi.WebClient(fake.token, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    const r = await app.runner.runText('/compare IWM SPY asof:2025-06-30');
    if (!r.ok) throw new Error(r.error.message);
    answer = r.answer;
    charts = await renderAnswerCharts(app.renderer, answer);
  }, 20_000);
  afterAll(async () => {
    await fake?.close();
    await app?.close();
  });
  beforeEach(() => fake.reset());

  const poster = () => createSlackPoster(client, { logger: silentLogger, delivery: { imageRetryDelaysMs: [20] } });

  it('posts the answer with its chart, tagged with the idempotency key as message metadata', async () => {
    const { messageId } = await poster().post(CHANNEL, answer, charts, { idempotencyKey: 'd1x2026013109' });
    const [post] = fake.callsTo('chat.postMessage');
    expect(post?.params.channel).toBe(CHANNEL.id);
    expect(post?.params.metadata).toEqual({ event_type: POST_EVENT_TYPE, event_payload: { key: 'd1x2026013109' } });
    expect(messageId, 'the message id is Slack’s ts').toBe((post?.result as { ts: string }).ts);
    const image = (post?.params.blocks as Block[]).find((b) => b.type === 'image') as { slack_file: { id: string } } | undefined;
    expect(image?.slack_file.id, 'the chart uploaded before the post').toBe((fake.callsTo('files.getUploadURLExternal')[0]?.result as { file_id: string }).file_id);
  });

  it('finds an earlier post by its key, and only that one', async () => {
    const before = new Date(Date.now() - 60_000);
    const p = poster();
    const { messageId } = await p.post(CHANNEL, answer, [], { idempotencyKey: 'k1' });
    await p.post(CHANNEL, answer, [], { idempotencyKey: 'k2' });
    expect(await p.findPosted?.(CHANNEL, 'k1', before)).toEqual({ messageId });
    expect(await p.findPosted?.(CHANNEL, 'never-posted', before)).toBeNull();
    expect(await p.findPosted?.(CHANNEL, 'k1', new Date(Date.now() + 60_000)), 'posted before `since`: not considered').toBeNull();
    const history = fake.callsTo('conversations.history')[0];
    expect(history?.params.include_all_metadata, 'metadata is only returned when asked for').toBe('true');
  });

  it('reads further pages of history to find the key', async () => {
    const p = createSlackPoster(client, { logger: silentLogger, maxHistoryPages: 5 });
    const { messageId } = await p.post(CHANNEL, answer, [], { idempotencyKey: 'old-one' });
    // 250 newer messages push it onto the second page of 200.
    for (let i = 0; i < 250; i++) await client.chat.postMessage({ channel: CHANNEL.id, text: `chatter ${i}` });
    expect(await p.findPosted?.(CHANNEL, 'old-one', new Date(0))).toEqual({ messageId });
    expect(fake.callsTo('conversations.history').length).toBe(2);
  });

  it('reports a channel the bot cannot post in as permanent, and removes the unused upload', async () => {
    fake.setChannel('C0GONE0001', 'channel_not_found');
    const err = await poster()
      .post({ platform: 'slack', id: 'C0GONE0001' }, answer, charts, { idempotencyKey: 'k3' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PostError);
    expect((err as PostError).failure).toBe('permanent');
    const fileId = (fake.callsTo('files.getUploadURLExternal')[0]?.result as { file_id: string }).file_id;
    expect(fake.files.get(fileId)?.deleted).toBe(true);
  });

  it('a dead token is not the channel’s fault: transient, so it never unsubscribes channels one by one', async () => {
    for (const code of ['invalid_auth', 'token_revoked', 'missing_scope']) {
      fake.failNext('chat.postMessage', code);
      const err = await poster()
        .post(CHANNEL, answer, [], { idempotencyKey: `tok-${code}` })
        .catch((e: unknown) => e);
      expect((err as PostError).failure, code).toBe('transient');
    }
  });

  it('a refused message is rejected: not retried, and not counted against the channel', async () => {
    fake.failNext('chat.postMessage', 'msg_too_long');
    const err = await poster()
      .post(CHANNEL, answer, [], { idempotencyKey: 'too-long' })
      .catch((e: unknown) => e);
    expect((err as PostError).failure).toBe('rejected');
  });

  it('reports a Slack outage as transient (worth retrying)', async () => {
    fake.failNext('chat.postMessage', 'internal_error');
    const err = await poster()
      .post(CHANNEL, answer, [], { idempotencyKey: 'k4' })
      .catch((e: unknown) => e);
    expect((err as PostError).failure).toBe('transient');
    expect((err as PostError).message).toContain('internal_error');
  });
});
