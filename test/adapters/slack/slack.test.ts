/**
 * The real Bolt app in HTTP mode on a loopback port, its Web API client pointed (SLACK_API_URL) at a
 * local fake Slack, driven by real signed requests. Assertions are on the wire: what Bolt answered,
 * and what reached the fake Slack.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Answer } from '../../../src/answer/answer.ts';
import type { App } from '../../../src/app.ts';
import type { ChartRenderer } from '../../../src/charts/renderer.ts';
import type { CommandRunner, Invocation } from '../../../src/command/run.ts';
import { decodeRerun } from '../../../src/adapters/rerun.ts';
import { startSlack, type SlackAdapter, type SlackConfig } from '../../../src/adapters/slack/start.ts';
import { BusyError } from '../../../src/errors.ts';
import { silentLogger } from '../../../src/log.ts';
import { createTestApp } from '../../_app.ts';
import { startFakeSlack, type FakeCall, type FakeSlack } from '../../fakes/slack/server.ts';
import { blockActionsBody, FORM, sendSigned, slackSignature, slashCommandBody } from '../../fakes/slack/requests.ts';

const SECRET = 'test-signing-secret-8f2c1d';
const CHANNEL = 'C0MARKETS1';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Slack's deadline for acknowledging a command. */
const ACK_DEADLINE_MS = 3000;

type Block = { type: string; [k: string]: unknown };
const as = <T>(x: unknown): T => x as T;

/** The real renderer, optionally slowed down to show that the ack does not wait for the work. */
function slowable(inner: ChartRenderer): ChartRenderer & { delayMs: number; failWith: Error | null } {
  return {
    delayMs: 0,
    failWith: null,
    name: `slowable(${inner.name})`,
    async render(spec) {
      if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
      if (this.failWith) throw this.failWith;
      return inner.render(spec);
    },
    close: () => inner.close(),
  };
}

function config(fake: FakeSlack, extra: Partial<SlackConfig> = {}): SlackConfig {
  return { SLACK_BOT_TOKEN: fake.token, SLACK_SIGNING_SECRET: SECRET, SLACK_APP_TOKEN: undefined, SLACK_API_URL: fake.apiUrl, PORT: undefined, ...extra };
}

async function expectedAnswer(app: App, text: string): Promise<Answer> {
  const r = await app.runner.runText(text);
  if (!r.ok) throw new Error(`reference run failed: ${r.error.message}`);
  return r.answer;
}

const okCall = (method: string) => (c: FakeCall) => c.method === method && (c.result as { ok?: boolean }).ok === true;

describe('Slack adapter, HTTP mode, against a local Slack', () => {
  let fake: FakeSlack;
  let app: App;
  let renderer: ReturnType<typeof slowable>;
  let slack: SlackAdapter;
  let url: string;

  beforeAll(async () => {
    fake = await startFakeSlack();
    app = createTestApp();
    renderer = slowable(app.renderer);
    slack = await startSlack({
      config: config(fake),
      runner: app.runner,
      renderer,
      logger: silentLogger,
      listen: { port: 0, host: '127.0.0.1' },
      delivery: { imageRetryDelaysMs: [40, 80, 160] },
      retryConfig: { retries: 0 },
    });
    url = slack.url ?? '';
    // Warm the price cache so timings measure the adapter, not the first CSV read.
    await app.runner.runText('/rotation asof:2025-06-30');
  }, 20_000);

  afterAll(async () => {
    await slack?.stop();
    await fake?.close();
    await app?.close();
  });

  beforeEach(async () => {
    await slack.idle();
    fake.reset();
    fake.setFileReadyDelay(0);
    fake.setFileRefusals(0);
    renderer.delayMs = 0;
    renderer.failWith = null;
  });

  async function command(name: string, text: string, channel = CHANNEL) {
    const responseUrl = fake.responseUrl();
    const res = await sendSigned(url, SECRET, { contentType: FORM, body: slashCommandBody({ command: name, text, channel_id: channel, response_url: responseUrl }) });
    return { res, responseUrl };
  }

  it('listens on loopback at Bolt’s default path and verified the token at start-up', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/slack\/events$/);
    expect(slack.mode).toBe('http');
  });

  it('answers /rotation in the channel: PNG uploaded privately, then blocks that show it by file id', async () => {
    const { res, responseUrl } = await command('/rotation', 'asof:2025-06-30');
    expect(res.status, 'acknowledged').toBe(200);
    expect(res.ms, 'within Slack’s 3-second window').toBeLessThan(ACK_DEADLINE_MS);

    const post = await fake.waitFor(okCall('chat.postMessage'), 10_000);
    const expected = await expectedAnswer(app, '/rotation asof:2025-06-30');
    const chart = expected.charts[0];
    expect(chart, 'the reference answer has a chart').toBeDefined();

    // 1. The upload: getUploadURLExternal → bytes → completeUploadExternal, with no channel (private file).
    const [getUrl] = fake.callsTo('files.getUploadURLExternal');
    const [upload] = fake.callsTo('upload');
    const [complete] = fake.callsTo('files.completeUploadExternal');
    const fileId = as<{ file_id: string }>(getUrl?.result).file_id;
    const file = fake.files.get(fileId);
    expect(getUrl?.params.filename).toBe('rotation.png');
    expect(getUrl?.params.alt_text, 'alt text sent with the upload too').toBe(chart?.altText);
    expect(file?.bytes?.subarray(0, 8).equals(PNG_SIGNATURE), 'the uploaded bytes are a PNG').toBe(true);
    // IHDR: width and height are the big-endian integers at bytes 16 and 20 of any PNG.
    expect(file?.bytes?.readUInt32BE(16), 'a real image, not an empty one').toBeGreaterThan(100);
    expect(Number(getUrl?.params.length), 'declared length = bytes sent').toBe(file?.bytes?.length);
    expect(upload?.params.fileId).toBe(fileId);
    expect(complete?.params.channel_id, 'uploaded without a channel: shown only inside our message').toBeUndefined();
    expect(as<{ id: string }[]>(complete?.params.files)[0]?.id).toBe(fileId);
    expect((complete?.at ?? Infinity) < post.at, 'upload completed before the message was posted').toBe(true);

    // 2. The message: in the channel the command came from, visible to everyone.
    expect(post.params.channel).toBe(CHANNEL);
    const blocks = as<Block[]>(post.params.blocks);
    expect(blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: expected.title } });
    expect(blocks.filter((b) => b.type === 'section').length, 'one section per line').toBe(expected.lines.length);
    const image = blocks.find((b) => b.type === 'image');
    expect(image, 'image block references the uploaded file, with alt text').toMatchObject({ slack_file: { id: fileId }, alt_text: chart?.altText });
    const footer = as<{ elements: { text: string }[] }>(blocks.find((b) => b.type === 'context')).elements.map((e) => e.text).join(' | ');
    expect(footer).toContain('Source: bundled daily prices (Yahoo Finance and others)');
    expect(footer, '2025-06-30 is a Monday and a trading day').toContain('as of the close of Jun 30, 2025');
    const buttons = as<{ elements: { text: { text: string }; style?: string }[] }>(blocks.find((b) => b.type === 'actions')).elements;
    expect(buttons.map((b) => b.text.text)).toEqual(['1M', '3M', 'YTD', '1Y']);
    expect(buttons.find((b) => b.style === 'primary')?.text.text, '/rotation defaults to YTD').toBe('YTD');
    expect(fake.responsesTo(responseUrl), 'nothing private for a successful answer').toEqual([]);
  });

  it('acknowledges before doing any work', async () => {
    renderer.delayMs = 1500;
    const { res } = await command('/compare', 'IWM SPY asof:2025-06-30');
    const postsAtAck = fake.callsTo('chat.postMessage').length;
    expect(res.status).toBe(200);
    expect(postsAtAck, 'no answer yet when the ack arrived: it did not wait for the 1.5 s chart').toBe(0);
    await fake.waitFor(okCall('chat.postMessage'), 10_000);
  });

  it('tells only the person who asked about an unknown symbol, and posts nothing', async () => {
    const { res, responseUrl } = await command('/compare', 'IWM ZZQXZ');
    expect(res.status).toBe(200);
    const reply = await fake.waitFor((c) => c.method === 'response_url');
    await slack.idle();
    expect(`${fake.baseUrl}${reply.path}`).toBe(responseUrl);
    expect(reply.params).toMatchObject({ response_type: 'ephemeral' });
    const text = String(reply.params.text);
    expect(text, 'quotes what was typed').toContain('ZZQXZ');
    expect(text, 'no stack trace').not.toMatch(/\n\s+at |Error:/);
    expect(fake.callsTo('chat.postMessage'), 'no public message').toEqual([]);
    expect(fake.callsTo('files.getUploadURLExternal'), 'nothing uploaded').toEqual([]);
  });

  it('unescapes what Slack escaped in the command text', async () => {
    // A person types "<" in a named option; Slack sends "&lt;", and the error must quote "<", not "&lt;".
    await command('/compare', 'IWM SPY period:<1y');
    const reply = await fake.waitFor((c) => c.method === 'response_url');
    expect(String(reply.params.text)).toContain('&lt;1y');
    expect(String(reply.params.text), 'escaped once for Slack, not twice').not.toContain('&amp;lt;');
  });

  it('a period button recomputes the answer and replaces the message in place', async () => {
    await command('/rotation', 'asof:2025-06-30');
    const post = await fake.waitFor(okCall('chat.postMessage'), 10_000);
    await slack.idle();
    const ts = as<{ ts: string }>(post.result).ts;
    const oldFileId = as<{ slack_file: { id: string } }>(as<Block[]>(post.params.blocks).find((b) => b.type === 'image')).slack_file.id;
    const actions = as<{ block_id: string; elements: { text: { text: string }; action_id: string; value: string }[] }>(as<Block[]>(post.params.blocks).find((b) => b.type === 'actions'));
    const oneMonth = actions.elements.find((e) => e.text.text === '1M');
    expect(oneMonth).toBeDefined();
    if (!oneMonth) return;

    const responseUrl = fake.responseUrl();
    const res = await sendSigned(url, SECRET, {
      contentType: FORM,
      body: blockActionsBody({ channel: CHANNEL, messageTs: ts, blocks: as<unknown[]>(post.params.blocks), actionId: oneMonth.action_id, blockId: actions.block_id, value: oneMonth.value, label: '1M', responseUrl }),
    });
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(ACK_DEADLINE_MS);

    const update = await fake.waitFor(okCall('chat.update'), 10_000);
    await slack.idle();
    const invocation = decodeRerun(oneMonth.value);
    expect(invocation?.args.named, 'the button carries the new period and the original asof').toMatchObject({ period: '1m', asof: '2025-06-30' });
    const expected = await expectedAnswer(app, '/rotation 1m asof:2025-06-30');
    expect(update.params).toMatchObject({ channel: CHANNEL, ts });
    const blocks = as<Block[]>(update.params.blocks);
    expect(blocks[0]).toMatchObject({ text: { text: expected.title } });
    expect(expected.title, 'the new answer is the 1-month one').toContain('1M');
    const primary = as<{ elements: { text: { text: string }; style?: string }[] }>(blocks.find((b) => b.type === 'actions')).elements.find((e) => e.style === 'primary');
    expect(primary?.text.text, '1M is now the highlighted period').toBe('1M');
    const newFileId = as<{ slack_file: { id: string } }>(blocks.find((b) => b.type === 'image')).slack_file.id;
    expect(newFileId, 'a new chart').not.toBe(oldFileId);

    const stored = fake.messages.find((m) => m.ts === ts);
    expect(stored?.history.length, 'the same message, updated once').toBe(1);
    expect(fake.callsTo('chat.postMessage'), 'no new message').toHaveLength(1);
    expect(fake.files.get(oldFileId)?.deleted, 'the replaced chart is deleted').toBe(true);
    expect(fake.files.get(newFileId)?.deleted).toBe(false);
    expect(fake.responsesTo(responseUrl), 'nothing private on success').toEqual([]);
  });

  it('More (tapebot_more) updates the same message (chat.update, same ts) with the detail lines', async () => {
    await command('/drawdown', 'QQQ asof:2025-06-30');
    const post = await fake.waitFor(okCall('chat.postMessage'), 10_000);
    await slack.idle();
    const ts = as<{ ts: string }>(post.result).ts;
    const actions = as<{ block_id: string; elements: { text: { text: string }; action_id: string; value: string }[] }>(as<Block[]>(post.params.blocks).find((b) => b.type === 'actions'));
    const more = actions.elements.find((e) => e.action_id === 'tapebot_more');
    expect(more?.text.text).toBe('More');
    if (!more) return;
    const expected = await expectedAnswer(app, '/drawdown QQQ asof:2025-06-30');
    const detail = expected.detail ?? [];
    expect(detail.length, 'five deepest drawdowns do not all fit at a glance').toBeGreaterThan(0);
    // Bold is **…** in the Answer and *…* in Slack mrkdwn: compare without either.
    const plain = (l: string) => l.replace(/\*/g, '');
    const lastDetail = plain(detail[detail.length - 1] ?? '');
    expect(plain(JSON.stringify(post.params.blocks)), 'the short answer leaves the detail out').not.toContain(lastDetail);

    const responseUrl = fake.responseUrl();
    const res = await sendSigned(url, SECRET, {
      contentType: FORM,
      body: blockActionsBody({ channel: CHANNEL, messageTs: ts, blocks: as<unknown[]>(post.params.blocks), actionId: more.action_id, blockId: actions.block_id, value: more.value, label: 'More', responseUrl }),
    });
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(ACK_DEADLINE_MS);
    const update = await fake.waitFor(okCall('chat.update'), 10_000);
    await slack.idle();
    expect(update.params).toMatchObject({ channel: CHANNEL, ts });
    const text = plain(JSON.stringify(update.params.blocks));
    for (const l of detail) expect(text, 'every detail line').toContain(plain(l));
    const buttons = as<{ elements: { action_id: string }[] } | undefined>(as<Block[]>(update.params.blocks).find((b) => b.type === 'actions'))?.elements ?? [];
    expect(buttons.some((e) => e.action_id === 'tapebot_more'), 'nothing more to show').toBe(false);
    expect(fake.messages.find((m) => m.ts === ts)?.history.length, 'the same message, updated once').toBe(1);
    expect(fake.callsTo('chat.postMessage'), 'no new message').toHaveLength(1);
    expect(fake.responsesTo(responseUrl), 'nothing private on success').toEqual([]);
  });

  it('answers a stale or foreign button privately', async () => {
    const responseUrl = fake.responseUrl();
    await sendSigned(url, SECRET, {
      contentType: FORM,
      body: blockActionsBody({ channel: CHANNEL, messageTs: '1.000001', blocks: [], actionId: 'tapebot_period_1m', blockId: 'tapebot_periods', value: 'not-a-rerun', label: '1M', responseUrl }),
    });
    const reply = await fake.waitFor((c) => c.method === 'response_url');
    expect(reply.params).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(reply.params.text)).toContain('out of date');
    await slack.idle();
    expect(fake.callsTo('chat.update')).toEqual([]);
  });

  it.each(['not_in_channel', 'channel_not_found'] as const)('when Slack says %s, tells the person how to invite the bot', async (state) => {
    const channel = 'C0ELSEWHR1';
    fake.setChannel(channel, state);
    const { res, responseUrl } = await command('/compare', 'IWM SPY asof:2025-06-30', channel);
    expect(res.status).toBe(200);
    const reply = await fake.waitFor((c) => c.method === 'response_url', 10_000);
    await slack.idle();
    expect(`${fake.baseUrl}${reply.path}`).toBe(responseUrl);
    expect(reply.params.response_type).toBe('ephemeral');
    expect(String(reply.params.text)).toContain(`Invite me with /invite <@${fake.botUserId}>, then try again`);
    expect(fake.messages, 'nothing was posted').toEqual([]);
    const uploaded = fake.callsTo('files.getUploadURLExternal').map((c) => as<{ file_id: string }>(c.result).file_id);
    expect(uploaded.length).toBe(1);
    expect(uploaded.every((id) => fake.files.get(id)?.deleted), 'the unused chart was deleted').toBe(true);
  });

  it('retries while Slack is still processing the uploaded chart', async () => {
    fake.setFileRefusals(2);
    await command('/compare', 'IWM SPY asof:2025-06-30');
    const post = await fake.waitFor(okCall('chat.postMessage'), 10_000);
    const attempts = fake.callsTo('chat.postMessage');
    expect(attempts.map((a) => as<{ ok: boolean; error?: string }>(a.result).error ?? 'ok'), 'refused twice (not ready), then accepted').toEqual(['invalid_blocks', 'invalid_blocks', 'ok']);
    expect(as<Block[]>(post.params.blocks).some((b) => b.type === 'image'), 'the chart made it in the end').toBe(true);
    expect(attempts[1] && attempts[0] && attempts[1].at - attempts[0].at, 'waited (40 ms) before retrying').toBeGreaterThanOrEqual(35);
  });

  it('posts the answer without its chart when the chart never becomes usable', async () => {
    fake.setFileReadyDelay(60_000);
    await command('/compare', 'IWM SPY asof:2025-06-30');
    const post = await fake.waitFor(okCall('chat.postMessage'), 10_000);
    await slack.idle();
    // Retry delays are 40, 80, 160 ms: 1 first attempt + 3 retries refused, then the image-less post.
    expect(fake.callsTo('chat.postMessage')).toHaveLength(5);
    const blocks = as<Block[]>(post.params.blocks);
    expect(blocks.some((b) => b.type === 'image')).toBe(false);
    expect(JSON.stringify(blocks)).toContain('The chart could not be attached this time.');
    const fileId = as<{ file_id: string }>(fake.callsTo('files.getUploadURLExternal')[0]?.result).file_id;
    expect(fake.files.get(fileId)?.deleted, 'the unusable upload is cleaned up').toBe(true);
  });

  it.each([
    ['a renderer failure', new Error('canvas exploded'), 'The chart could not be drawn this time.'],
    ['a full render queue', new BusyError('render queue full'), 'too busy drawing other charts'],
  ])('still posts the answer, without its chart, after %s', async (_name, failure, note) => {
    renderer.failWith = failure;
    await command('/compare', 'IWM SPY asof:2025-06-30');
    const post = await fake.waitFor(okCall('chat.postMessage'), 10_000);
    await slack.idle();
    const blocks = as<Block[]>(post.params.blocks);
    expect(blocks.some((b) => b.type === 'image')).toBe(false);
    expect(blocks.filter((b) => b.type === 'section').length, 'the commentary is all there').toBeGreaterThan(0);
    expect(JSON.stringify(blocks)).toContain(note);
    expect(JSON.stringify(blocks), 'no internal detail').not.toContain('canvas exploded');
    expect(fake.callsTo('files.getUploadURLExternal'), 'nothing uploaded').toEqual([]);
  });

  // Mentions and DMs (questions in plain words) are in mentions.test.ts.

  describe('refuses requests that Slack did not sign, and runs nothing', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const body = () => slashCommandBody({ command: '/rotation', text: '', channel_id: CHANNEL, response_url: fake.responseUrl() });
    const cases: [string, () => Parameters<typeof sendSigned>[2]][] = [
      ['a forged signature (wrong secret)', () => ({ contentType: FORM, body: body(), signature: slackSignature('not-the-secret', now(), body()) })],
      [
        'a body altered after signing',
        () => {
          const signed = body();
          return { contentType: FORM, body: signed.replace('command=%2Frotation', 'command=%2Fcompare'), signature: slackSignature(SECRET, now(), signed) };
        },
      ],
      ['a request older than 5 minutes (correctly signed)', () => ({ contentType: FORM, body: body(), timestamp: now() - 6 * 60 })],
      ['a request without the Slack headers', () => ({ contentType: FORM, body: body(), unsigned: true })],
    ];
    it.each(cases)('%s → 401', async (_name, make) => {
      const res = await sendSigned(url, SECRET, make());
      expect(res.status).toBe(401);
      await new Promise((r) => setTimeout(r, 150));
      await slack.idle();
      expect(fake.calls, 'the fake Slack saw no call').toEqual([]);
    });
  });
});

describe('Slack adapter start-up, load shedding and Socket Mode', () => {
  let fake: FakeSlack;
  let app: App;

  beforeAll(async () => {
    fake = await startFakeSlack();
    app = createTestApp();
  });
  afterAll(async () => {
    await fake?.close();
    await app?.close();
  });

  it('refuses to start with a token Slack rejects, naming auth.test', async () => {
    await expect(
      startSlack({ config: config(fake, { SLACK_BOT_TOKEN: 'xoxb-wrong' }), runner: app.runner, renderer: app.renderer, logger: silentLogger, listen: { port: 0, host: '127.0.0.1' }, retryConfig: { retries: 0 } }),
    ).rejects.toThrow(/auth\.test.*invalid_auth/);
  });

  it('when too much work is waiting, says so privately instead of queueing without end', async () => {
    const renderer = slowable(app.renderer);
    renderer.delayMs = 600;
    const slack = await startSlack({ config: config(fake), runner: app.runner, renderer, logger: silentLogger, listen: { port: 0, host: '127.0.0.1' }, retryConfig: { retries: 0 }, concurrency: 1, maxQueued: 0 });
    try {
      fake.reset();
      const send = (responseUrl: string) =>
        sendSigned(slack.url ?? '', SECRET, { contentType: FORM, body: slashCommandBody({ command: '/compare', text: 'IWM SPY asof:2025-06-30', channel_id: CHANNEL, response_url: responseUrl }) });
      const first = fake.responseUrl();
      const second = fake.responseUrl();
      expect((await send(first)).status).toBe(200);
      expect((await send(second)).status, 'still acknowledged').toBe(200);
      const busy = await fake.waitFor((c) => c.method === 'response_url');
      expect(`${fake.baseUrl}${busy.path}`, 'the second asker is told').toBe(second);
      expect(busy.params).toMatchObject({ response_type: 'ephemeral' });
      expect(String(busy.params.text)).toContain('try again in a minute');
      await fake.waitFor(okCall('chat.postMessage'), 10_000);
      await slack.idle();
      expect(fake.callsTo('chat.postMessage'), 'only the first was answered').toHaveLength(1);
    } finally {
      await slack.stop();
    }
  });

  it('tells commands which channel they run in, who asked, and whether that person may manage it', async () => {
    const seen: (Invocation | undefined)[] = [];
    const runner: CommandRunner = { ...app.runner, run: (inv, meta) => (seen.push(inv), app.runner.run(inv, meta)) };
    const slack = await startSlack({ config: config(fake), runner, renderer: app.renderer, logger: silentLogger, listen: { port: 0, host: '127.0.0.1' }, retryConfig: { retries: 0 }, canManage: (user, channel) => user === 'U0ADMIN001' && channel === CHANNEL });
    try {
      for (const user of ['U0ADMIN001', 'U0PERSON01']) {
        await sendSigned(slack.url ?? '', SECRET, { contentType: FORM, body: slashCommandBody({ command: '/tapebot-help', text: '', channel_id: CHANNEL, user_id: user, response_url: fake.responseUrl() }) });
      }
      await slack.idle();
      expect(seen.map((i) => i?.channel)).toEqual([
        { platform: 'slack', id: CHANNEL, workspace: fake.teamId, canManage: expect.any(Function), userId: 'U0ADMIN001', postingProblem: expect.any(Function) },
        { platform: 'slack', id: CHANNEL, workspace: fake.teamId, canManage: expect.any(Function), userId: 'U0PERSON01', postingProblem: expect.any(Function) },
      ]);
      // Asked only by the commands that change something (it may cost a users.info call).
      const may = async (i: Invocation | undefined) => {
        const c = i?.channel?.canManage;
        return typeof c === 'function' ? c() : c;
      };
      expect([await may(seen[0]), await may(seen[1])]).toEqual([true, false]);
      expect(await seen[0]?.channel?.postingProblem?.(), 'the bot is a member of this channel').toBeNull();
    } finally {
      await slack.stop();
    }
  });

  it('stop() takes no new requests but lets an answer in progress reach the channel', async () => {
    const renderer = slowable(app.renderer);
    renderer.delayMs = 400;
    const slack = await startSlack({ config: config(fake), runner: app.runner, renderer, logger: silentLogger, listen: { port: 0, host: '127.0.0.1' }, retryConfig: { retries: 0 } });
    fake.reset();
    const res = await sendSigned(slack.url ?? '', SECRET, { contentType: FORM, body: slashCommandBody({ command: '/compare', text: 'IWM SPY asof:2025-06-30', channel_id: CHANNEL, response_url: fake.responseUrl() }) });
    expect(res.status).toBe(200);
    await slack.stop();
    expect(fake.callsTo('chat.postMessage').length, 'the answer was posted before stop() returned').toBe(1);
    await expect(
      sendSigned(slack.url ?? '', SECRET, { contentType: FORM, body: slashCommandBody({ command: '/compare', text: 'IWM SPY', channel_id: CHANNEL, response_url: fake.responseUrl() }) }),
      'the port is closed',
    ).rejects.toThrow();
  });

  it('connects over Socket Mode through SLACK_API_URL and answers a command', async () => {
    const slack = await startSlack({ config: config(fake, { SLACK_APP_TOKEN: fake.appToken }), runner: app.runner, renderer: app.renderer, logger: silentLogger, retryConfig: { retries: 0 } });
    try {
      expect(slack.mode).toBe('socket');
      expect(slack.url, 'no HTTP listener').toBeNull();
      await fake.socketConnected();
      const open = fake.callsTo('apps.connections.open');
      expect(open.length, 'the socket URL came from the configured API URL (GovSlack needs this)').toBeGreaterThanOrEqual(1);
      expect(open[0]?.authorization).toBe(`Bearer ${fake.appToken}`);

      const responseUrl = fake.responseUrl();
      const payload = Object.fromEntries(new URLSearchParams(slashCommandBody({ command: '/compare', text: 'IWM SPY asof:2025-06-30', channel_id: CHANNEL, response_url: responseUrl })));
      const sent = performance.now();
      const ack = await fake.socketSend('slash_commands', payload);
      expect(ack.at - sent, 'acknowledged over the socket within 3 s').toBeLessThan(ACK_DEADLINE_MS);
      const post = await fake.waitFor(okCall('chat.postMessage'), 10_000);
      expect(post.params.channel).toBe(CHANNEL);
      expect(as<Block[]>(post.params.blocks).some((b) => b.type === 'image')).toBe(true);
    } finally {
      await slack.stop();
    }
  });
});
