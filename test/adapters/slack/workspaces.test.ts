/**
 * tapebot installed in two Slack workspaces through OAuth, end to end: the real Bolt app in HTTP mode
 * (startSlack with SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET), the installation store
 * on SQLite, the fake Slack's consent and oauth.v2.access. Each workspace's requests must be answered
 * with that workspace's own bot token — the fake Slack files every message under the workspace whose
 * token posted it — and never with the other's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackInstallations, sqliteInstallationRepo, type SlackInstallations } from '../../../src/adapters/slack/installations.ts';
import { startSlack, type SlackAdapter } from '../../../src/adapters/slack/start.ts';
import type { App } from '../../../src/app.ts';
import { silentLogger } from '../../../src/log.ts';
import { openDatabase } from '../../../src/store/db.ts';
import { createTestApp } from '../../_app.ts';
import { eventCallbackBody, FORM, JSON_TYPE, sendSigned, slashCommandBody } from '../../fakes/slack/requests.ts';
import { startFakeSlack, type FakeCall, type FakeSlack, type FakeWorkspace } from '../../fakes/slack/server.ts';

const SECRET = 'test-signing-secret-workspaces';
const ALPHA: FakeWorkspace = { teamId: 'T0AAAAAAA1', teamName: 'Alpha Desk', botToken: 'xoxb-alpha-0000000001', installerUserId: 'U0ALPHA001' };
const BETA: FakeWorkspace = { teamId: 'T0BBBBBBB2', teamName: 'Beta Fund', botToken: 'xoxb-beta-0000000002', installerUserId: 'U0BETA0002' };
const CHANNEL_OF = { [ALPHA.teamId]: 'C0ALPHA001', [BETA.teamId]: 'C0BETA0002' } as Record<string, string>;

let fake: FakeSlack;
let app: App;
let installations: SlackInstallations;
let slack: SlackAdapter;
let base: string;

const ok = (c: FakeCall) => (c.result as { ok?: boolean }).ok === true;
const bearer = (c: FakeCall | undefined) => c?.authorization?.replace(/^Bearer\s+/i, '');

/** A browser's visit: GET with the cookies it holds; returns status, Location and Set-Cookie. */
async function visit(url: string, cookie?: string): Promise<{ status: number; location: string | null; setCookie: string | null; body: string }> {
  const res = await fetch(url, { redirect: 'manual', ...(cookie ? { headers: { cookie } } : {}) });
  return { status: res.status, location: res.headers.get('location'), setCookie: res.headers.get('set-cookie'), body: await res.text() };
}

/** Someone in `ws` opens /slack/install, allows the app on Slack's page, and comes back with the code and state. */
async function install(ws: FakeWorkspace): Promise<void> {
  const start = await visit(`${base}/slack/install`);
  expect(start.status, 'the install path redirects to Slack’s consent page').toBe(302);
  const state = new URL(start.location ?? '').searchParams.get('state') ?? '';
  const cookie = (start.setCookie ?? '').split(';')[0] ?? '';
  const done = await visit(`${base}/slack/oauth_redirect?code=${fake.grantCode(ws)}&state=${encodeURIComponent(state)}`, cookie);
  expect(done.status, done.body.slice(0, 200)).toBe(200);
}

async function command(ws: FakeWorkspace, name: string, text: string, user = 'U0PERSON01'): Promise<string> {
  const responseUrl = fake.responseUrl();
  const res = await sendSigned(slack.url ?? '', SECRET, { contentType: FORM, body: slashCommandBody({ command: name, text, channel_id: CHANNEL_OF[ws.teamId] ?? '', user_id: user, team_id: ws.teamId, response_url: responseUrl }) });
  expect(res.status, `${ws.teamName}: acknowledged`).toBe(200);
  await slack.idle();
  return responseUrl;
}

let tsCounter = 0;
async function mention(ws: FakeWorkspace, text: string): Promise<string> {
  const ts = `${Math.floor(Date.now() / 1000)}.${String(++tsCounter).padStart(6, '0')}`;
  const body = eventCallbackBody({ type: 'app_mention', user: 'U0PERSON01', text: `<@U${ws.teamId.slice(1)}BOT> ${text}`, ts, channel: CHANNEL_OF[ws.teamId] }, ws.teamId);
  const res = await sendSigned(slack.url ?? '', SECRET, { contentType: JSON_TYPE, body });
  expect(res.status).toBe(200);
  await slack.idle();
  return ts;
}

beforeAll(async () => {
  fake = await startFakeSlack();
  app = createTestApp();
  installations = createSlackInstallations(sqliteInstallationRepo(openDatabase(':memory:')));
  slack = await startSlack({
    config: {
      SLACK_BOT_TOKEN: undefined,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_APP_TOKEN: undefined,
      SLACK_API_URL: fake.apiUrl,
      PORT: undefined,
      SLACK_CLIENT_ID: fake.clientId,
      SLACK_CLIENT_SECRET: fake.clientSecret,
      SLACK_STATE_SECRET: 'state-secret-for-the-workspaces-test',
    },
    runner: app.runner,
    renderer: app.renderer,
    logger: silentLogger,
    listen: { port: 0, host: '127.0.0.1' },
    retryConfig: { retries: 0 },
    installations,
    authorizationUrl: `${fake.baseUrl}/oauth/v2/authorize`,
  });
  base = (slack.url ?? '').replace(/\/slack\/events$/, '');
  for (const ws of [ALPHA, BETA]) await install(ws);
}, 30_000);

afterAll(async () => {
  await slack?.stop();
  await fake?.close();
  await app?.close();
});

describe('two workspaces installed through OAuth', () => {
  it('stored each workspace’s own token', async () => {
    expect(fake.callsTo('oauth.v2.access').filter(ok)).toHaveLength(2);
    expect((await installations.teams()).sort()).toEqual([ALPHA.teamId, BETA.teamId]);
  });

  it('answers a slash command in each workspace with that workspace’s token', async () => {
    fake.reset();
    for (const ws of [ALPHA, BETA]) await command(ws, '/tapebot-help', '');
    const posts = fake.callsTo('chat.postMessage').filter(ok);
    expect(posts.map((c) => [c.params.channel, bearer(c)]), 'one answer each, each with its own token').toEqual([
      [CHANNEL_OF[ALPHA.teamId], ALPHA.botToken],
      [CHANNEL_OF[BETA.teamId], BETA.botToken],
    ]);
    expect(fake.messages.map((m) => m.team)).toEqual([ALPHA.teamId, BETA.teamId]);
  });

  it('answers a mention in each workspace with that workspace’s token, in the mention’s thread', async () => {
    fake.reset();
    const threads: string[] = [];
    for (const ws of [BETA, ALPHA]) threads.push(await mention(ws, 'help'));
    const posts = fake.callsTo('chat.postMessage').filter(ok);
    expect(posts.map((c) => [c.params.channel, c.params.thread_ts, bearer(c)])).toEqual([
      [CHANNEL_OF[BETA.teamId], threads[0], BETA.botToken],
      [CHANNEL_OF[ALPHA.teamId], threads[1], ALPHA.botToken],
    ]);
  });

  it('refuses a workspace that never installed the app, and posts nothing there', async () => {
    fake.reset();
    const url = await command({ ...ALPHA, teamId: 'T0NOTINST9' }, '/tapebot-help', '');
    expect(fake.callsTo('chat.postMessage'), 'no token to answer with').toEqual([]);
    expect(fake.responsesTo(url)).toEqual([]);
  });
});
