/**
 * The edges of Slack's HTTP mode (issue 20, item 7), on the real Bolt app against the fake Slack:
 * validly signed requests stamped in the future are refused, an identical signed request sent again
 * runs once, and connections that go idle or never finish their body are closed.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlack, type SlackAdapter } from '../../../src/adapters/slack/start.ts';
import type { App } from '../../../src/app.ts';
import type { CommandRunner } from '../../../src/command/run.ts';
import { createTestApp } from '../../_app.ts';
import { memoryLog } from '../../ops/_memory-log.ts';
import { FORM, sendSigned, slackSignature, slashCommandBody } from '../../fakes/slack/requests.ts';
import { startFakeSlack, type FakeSlack } from '../../fakes/slack/server.ts';

const SECRET = 'edges-signing-secret-3d9a';
const log = memoryLog('info');
let fake: FakeSlack;
let app: App;
let slack: SlackAdapter;
let runs = 0;
let url: URL;

beforeAll(async () => {
  fake = await startFakeSlack();
  app = createTestApp();
  const runner: CommandRunner = {
    ...app.runner,
    run: (inv, meta) => {
      runs++;
      return app.runner.run(inv, meta);
    },
  };
  slack = await startSlack({
    config: { SLACK_BOT_TOKEN: fake.token, SLACK_SIGNING_SECRET: SECRET, SLACK_APP_TOKEN: undefined, SLACK_API_URL: fake.apiUrl, PORT: undefined },
    runner,
    renderer: app.renderer,
    logger: log.logger,
    listen: { port: 0, host: '127.0.0.1' },
    retryConfig: { retries: 0 },
    httpTimeouts: { idleMs: 400, headersMs: 400, requestMs: 800 },
  });
  url = new URL(slack.url ?? '');
}, 30_000);

afterAll(async () => {
  await slack?.stop(1_000);
  await app?.close();
  await fake?.close();
});

const now = () => Math.floor(Date.now() / 1000);
const helpBody = (channel: string) => slashCommandBody({ command: '/tapebot-help', text: '', channel_id: channel, response_url: fake.responseUrl() });

describe('the request window, both ways', () => {
  it.each([
    ['+10 minutes', 10 * 60],
    ['+1 year', 365 * 24 * 3600],
  ])('a validly signed request stamped %s is refused and runs nothing', async (_name, aheadS) => {
    const before = runs;
    const res = await sendSigned(url.href, SECRET, { contentType: FORM, body: helpBody('C0FUTURE01'), timestamp: now() + aheadS });
    expect(res.status).toBe(401);
    await slack.idle();
    expect(runs - before, 'nothing ran').toBe(0);
    expect(fake.callsTo('chat.postMessage').filter((c) => c.params.channel === 'C0FUTURE01')).toEqual([]);
  });

  it('a request stamped a minute ahead (clock skew within the window) still runs', async () => {
    const res = await sendSigned(url.href, SECRET, { contentType: FORM, body: helpBody('C0SKEW0001'), timestamp: now() + 60 });
    expect(res.status).toBe(200);
    await fake.waitFor((c) => c.method === 'chat.postMessage' && c.params.channel === 'C0SKEW0001', 20_000);
  });
});

describe('a replayed slash command', () => {
  it('runs once: the identical signed request sent again is acknowledged and ignored', async () => {
    const body = helpBody('C0REPLAY01');
    const timestamp = now();
    const signature = slackSignature(SECRET, timestamp, body);
    const before = runs;
    expect((await sendSigned(url.href, SECRET, { contentType: FORM, body, timestamp, signature })).status).toBe(200);
    await fake.waitFor((c) => c.method === 'chat.postMessage' && c.params.channel === 'C0REPLAY01', 20_000);
    await slack.idle();
    const replay = await sendSigned(url.href, SECRET, { contentType: FORM, body, timestamp, signature });
    expect(replay.status, 'acknowledged, so Slack does not retry').toBe(200);
    expect(log.records().some((r) => r.msg === 'slack request with a signature already seen; ignored'), 'the replay was recognised').toBe(true);
    await slack.idle();
    expect(runs - before, 'the command ran once').toBe(1);
    expect(fake.callsTo('chat.postMessage').filter((c) => c.params.channel === 'C0REPLAY01')).toHaveLength(1);
  }, 30_000);
});

describe('connections that never finish', () => {
  function open(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: url.hostname, port: Number(url.port) }, () => resolve(s));
      s.on('error', reject);
    });
  }
  const closed = (s: Socket) => new Promise<void>((resolve) => s.once('close', () => resolve()));

  it('an idle connection is closed', async () => {
    const s = await open();
    s.on('error', () => {});
    await closed(s);
    expect(s.destroyed).toBe(true);
  }, 10_000);

  it('a body that trickles in and never ends is closed', async () => {
    const s = await open();
    s.on('error', () => {});
    const ts = now();
    s.write(`POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\ncontent-type: ${FORM}\r\ncontent-length: 100000\r\nx-slack-request-timestamp: ${ts}\r\nx-slack-signature: v0=00\r\n\r\n`);
    // A byte every 100 ms: never idle, never done.
    const drip = setInterval(() => s.write('a'), 100);
    try {
      await closed(s);
    } finally {
      clearInterval(drip);
    }
    expect(s.destroyed).toBe(true);
  }, 10_000);
});
