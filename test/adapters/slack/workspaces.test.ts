/**
 * tapebot installed in two Slack workspaces through OAuth, end to end: the real Bolt app in HTTP mode
 * (startSlack with SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET), the installation store
 * on SQLite, the fake Slack's consent and oauth.v2.access. Each workspace's requests must be answered
 * with that workspace's own bot token — the fake Slack files every message under the workspace whose
 * token posted it — and never with the other's: commands, mentions, and the digests subscribed in
 * each, posted by the real digest service on a manual clock (the evenings of Jun 30 and Jul 1, 2025).
 * Alpha then uninstalls the app: its installation, subscription, watchlist and alert go, and Beta
 * keeps receiving its digest. Who may manage digests is Beta's own business: its installer may, a
 * plain member may not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackInstallations, sqliteInstallationRepo, type SlackInstallations } from '../../../src/adapters/slack/installations.ts';
import { startSlack, type SlackAdapter } from '../../../src/adapters/slack/start.ts';
import type { App } from '../../../src/app.ts';
import { createManualClock, type ManualClock } from '../../../src/digest/clock.ts';
import { createDigestService, type DigestService } from '../../../src/digest/service.ts';
import { createDigestStore, type SqliteDigestStore } from '../../../src/digest/store.ts';
import { silentLogger } from '../../../src/log.ts';
import { openDatabase } from '../../../src/store/db.ts';
import { createTestApp } from '../../_app.ts';
import { eventCallbackBody, FORM, JSON_TYPE, sendSigned, slashCommandBody } from '../../fakes/slack/requests.ts';
import { startFakeSlack, type FakeCall, type FakeSlack, type FakeWorkspace } from '../../fakes/slack/server.ts';
import { ny, runUntil, settle } from '../../digest/_fakes.ts';

const SECRET = 'test-signing-secret-workspaces';
const ALPHA: FakeWorkspace = { teamId: 'T0AAAAAAA1', teamName: 'Alpha Desk', botToken: 'xoxb-alpha-0000000001', installerUserId: 'U0ALPHA001' };
const BETA: FakeWorkspace = { teamId: 'T0BBBBBBB2', teamName: 'Beta Fund', botToken: 'xoxb-beta-0000000002', installerUserId: 'U0BETA0002' };
const CHANNEL_OF = { [ALPHA.teamId]: 'C0ALPHA001', [BETA.teamId]: 'C0BETA0002' } as Record<string, string>;
/** An admin of Alpha (users.info says so); not the installer. */
const ALPHA_ADMIN = 'U0ALPHAADM';
/** A plain member of Beta. */
const BETA_MEMBER = 'U0BETAMEM1';

let fake: FakeSlack;
let app: App;
let installations: SlackInstallations;
let slack: SlackAdapter;
let base: string;
let store: SqliteDigestStore;
let clock: ManualClock;
let service: DigestService;
const work = () => service.busy() + service.queued();

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

/** Slack events are acknowledged before their listener ends: waits until `done` holds (or fails after 5 s). */
async function eventually(what: string, done: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = performance.now() + 5000;
  while (!(await done())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
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
  fake.setUserRole(ALPHA_ADMIN, 'admin');
  clock = createManualClock(ny('2025-06-30T12:00'));
  store = createDigestStore(openDatabase(':memory:'));
  app = createTestApp({ digests: { store, clock } });
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
    // As main.ts wires it: a workspace that uninstalls takes what was set up there with it.
    onWorkspaceGone: async (team) => store.dropWorkspace('slack', team),
    authorizationUrl: `${fake.baseUrl}/oauth/v2/authorize`,
  });
  service = createDigestService({ store, market: app.market, runner: app.runner, renderer: app.renderer, posters: [slack.poster], clock });
  await service.start();
  base = (slack.url ?? '').replace(/\/slack\/events$/, '');
  for (const ws of [ALPHA, BETA]) await install(ws);
}, 30_000);

afterAll(async () => {
  await service?.stop();
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

describe('who may manage digests, per workspace', () => {
  it('refuses a plain member of Beta, privately, after asking Beta’s Slack with Beta’s token', async () => {
    fake.reset();
    const url = await command(BETA, '/digest', 'subscribe time:16:30', BETA_MEMBER);
    const [reply] = fake.responsesTo(url);
    expect(reply?.params).toMatchObject({ response_type: 'ephemeral' });
    expect(String(reply?.params.text)).toMatch(/Only people who manage this channel.*workspace admin or owner, or whoever installed tapebot/);
    const asked = fake.callsTo('users.info');
    expect(asked.map((c) => [c.params.user, bearer(c)])).toEqual([[BETA_MEMBER, BETA.botToken]]);
    expect(store.subscriptions(), 'nothing saved').toEqual([]);
    expect(fake.callsTo('chat.postMessage'), 'nothing public').toEqual([]);
  });

  it('lets Beta’s installer subscribe Beta’s channel, and Alpha’s admin Alpha’s, each recorded with its workspace', async () => {
    fake.reset();
    await command(BETA, '/digest', 'subscribe time:16:30', BETA.installerUserId);
    expect(fake.callsTo('users.info'), 'the installer is known without asking Slack').toEqual([]);
    await command(ALPHA, '/digest', 'subscribe time:16:30', ALPHA_ADMIN);
    await command(ALPHA, '/watch', 'add KRE', ALPHA_ADMIN);
    await command(ALPHA, '/alert', 'add ath QQQ', ALPHA_ADMIN);
    expect(fake.callsTo('users.info').map((c) => [c.params.user, bearer(c)]), 'asked once, then remembered for a minute').toEqual([[ALPHA_ADMIN, ALPHA.botToken]]);
    expect(store.subscriptions().map((x) => [x.channel, x.createdBy])).toEqual([
      [{ platform: 'slack', id: CHANNEL_OF[BETA.teamId], workspace: BETA.teamId }, BETA.installerUserId],
      [{ platform: 'slack', id: CHANNEL_OF[ALPHA.teamId], workspace: ALPHA.teamId }, ALPHA_ADMIN],
    ]);
    expect(store.watchlist({ platform: 'slack', id: CHANNEL_OF[ALPHA.teamId] ?? '' })).toEqual(['KRE']);
    expect(store.alerts().map((a) => a.channel.workspace)).toEqual([ALPHA.teamId]);
    // Each confirmation went to its own workspace.
    expect(fake.callsTo('chat.postMessage').filter(ok).map((c) => bearer(c))).toEqual([BETA.botToken, ALPHA.botToken, ALPHA.botToken, ALPHA.botToken]);
  });
});

describe('digests in two workspaces, then one uninstalls', () => {
  const digests = () => fake.callsTo('chat.postMessage').filter((c) => ok(c) && c.params.metadata !== undefined);

  it('posts each workspace’s digest with its own token on the evening of Jun 30', async () => {
    fake.reset();
    await runUntil(clock, ny('2025-06-30T16:45'), work);
    await settle(work);
    const posted = digests().filter((c) => /Jun 30, 2025/.test(String(c.params.text)));
    expect(posted.map((c) => [c.params.channel, bearer(c)]).sort()).toEqual([
      [CHANNEL_OF[ALPHA.teamId], ALPHA.botToken],
      [CHANNEL_OF[BETA.teamId], BETA.botToken],
    ]);
    // The charts were uploaded with the same workspace's token as the post that shows them.
    const uploads = fake.callsTo('files.getUploadURLExternal').filter(ok);
    expect(uploads.length).toBeGreaterThanOrEqual(2);
    expect(new Set(uploads.map((c) => bearer(c)))).toEqual(new Set([ALPHA.botToken, BETA.botToken]));
    expect(store.outbox({ kind: 'digest' }).map((r) => [r.channel.workspace, r.status]).sort()).toEqual([
      [ALPHA.teamId, 'sent'],
      [BETA.teamId, 'sent'],
    ]);
  });

  it('app_uninstalled from Alpha removes its installation, subscription, watchlist and alert; Beta keeps posting', async () => {
    fake.revoke(ALPHA.teamId);
    const res = await sendSigned(slack.url ?? '', SECRET, { contentType: JSON_TYPE, body: eventCallbackBody({ type: 'app_uninstalled' }, ALPHA.teamId) });
    expect(res.status).toBe(200);
    await eventually('Alpha forgotten', async () => (await installations.teams()).length === 1);
    await settle(work);
    expect(await installations.teams()).toEqual([BETA.teamId]);
    expect(store.subscriptions().map((x) => x.channel.workspace)).toEqual([BETA.teamId]);
    expect(store.watchlist({ platform: 'slack', id: CHANNEL_OF[ALPHA.teamId] ?? '' })).toEqual([]);
    expect(store.alerts()).toEqual([]);

    fake.reset();
    await runUntil(clock, ny('2025-07-01T16:45'), work);
    await settle(work);
    const posted = digests();
    expect(posted.map((c) => [c.params.channel, bearer(c), /Jul 1, 2025/.test(String(c.params.text))])).toEqual([[CHANNEL_OF[BETA.teamId], BETA.botToken, true]]);
    expect(fake.calls.filter((c) => bearer(c) === ALPHA.botToken), 'nothing more asked of Alpha with its dead token').toEqual([]);
    // A command from Alpha now finds no installation and is not answered.
    await command(ALPHA, '/tapebot-help', '');
    expect(fake.callsTo('chat.postMessage').filter((c) => c.params.channel === CHANNEL_OF[ALPHA.teamId])).toEqual([]);
  });

  it('tokens_revoked removes Beta only when its bot token is revoked, not a person’s', async () => {
    const revoked = async (tokens: Record<string, string[]>) => {
      const res = await sendSigned(slack.url ?? '', SECRET, { contentType: JSON_TYPE, body: eventCallbackBody({ type: 'tokens_revoked', tokens }, BETA.teamId) });
      expect(res.status).toBe(200);
      await slack.idle();
    };
    await revoked({ oauth: [BETA.installerUserId] });
    expect(await installations.teams(), 'a user token: the bot still works').toEqual([BETA.teamId]);
    expect(store.subscriptions()).toHaveLength(1);
    await revoked({ bot: [`U${BETA.teamId.slice(1)}BOT`] });
    await eventually('Beta forgotten', async () => (await installations.teams()).length === 0);
    expect(await installations.teams()).toEqual([]);
    expect(store.subscriptions()).toEqual([]);
  });
});

describe('a SLACK_BOT_TOKEN beside the OAuth settings', () => {
  it('keeps its own workspace answering without an install; scheduled posts pick the workspace’s token, or refuse', async () => {
    const own = createSlackInstallations(sqliteInstallationRepo(openDatabase(':memory:')));
    const goneTeams: string[] = [];
    const both = await startSlack({
      config: { SLACK_BOT_TOKEN: fake.token, SLACK_SIGNING_SECRET: SECRET, SLACK_APP_TOKEN: undefined, SLACK_API_URL: fake.apiUrl, PORT: undefined, SLACK_CLIENT_ID: fake.clientId, SLACK_CLIENT_SECRET: fake.clientSecret, SLACK_STATE_SECRET: 'state-secret-for-the-workspaces-test' },
      runner: app.runner,
      renderer: app.renderer,
      logger: silentLogger,
      listen: { port: 0, host: '127.0.0.1' },
      retryConfig: { retries: 0 },
      installations: own,
      onWorkspaceGone: async (team) => goneTeams.push(team),
    });
    try {
      fake.reset();
      const res = await sendSigned(both.url ?? '', SECRET, { contentType: FORM, body: slashCommandBody({ command: '/tapebot-help', text: '', channel_id: 'C0OWN00001', team_id: fake.teamId, response_url: fake.responseUrl() }) });
      expect(res.status).toBe(200);
      await both.idle();
      expect(fake.callsTo('chat.postMessage').filter(ok).map((c) => bearer(c)), 'answered with the configured token').toEqual([fake.token]);
      expect(await own.teams(), 'nothing stored for it').toEqual([]);

      const help = await app.runner.runText('/help');
      if (!help.ok) throw new Error(help.error.message);
      fake.reset();
      await both.poster.post({ platform: 'slack', id: 'C0OWN00001', workspace: fake.teamId }, help.answer, [], { idempotencyKey: 'own1' });
      await both.poster.post({ platform: 'slack', id: 'C0OWN00001' }, help.answer, [], { idempotencyKey: 'own2' });
      expect(fake.callsTo('chat.postMessage').filter(ok).map((c) => bearer(c)), 'its workspace, and a channel with none recorded').toEqual([fake.token, fake.token]);
      await expect(both.poster.post({ platform: 'slack', id: 'C0ELSE0001', workspace: 'T0NOWHERE1' }, help.answer, [], { idempotencyKey: 'own3' }), 'a workspace neither installed nor configured').rejects.toMatchObject({ failure: 'permanent' });
      // Its workspace uninstalls: the configured token is not used again.
      const gone = await sendSigned(both.url ?? '', SECRET, { contentType: JSON_TYPE, body: eventCallbackBody({ type: 'app_uninstalled' }, fake.teamId) });
      expect(gone.status).toBe(200);
      await eventually('the uninstall handled', () => goneTeams.length === 1);
      expect(goneTeams).toEqual([fake.teamId]);
      await expect(both.poster.post({ platform: 'slack', id: 'C0OWN00001', workspace: fake.teamId }, help.answer, [], { idempotencyKey: 'own4' })).rejects.toMatchObject({ failure: 'permanent' });
    } finally {
      await both.stop();
    }
  });
});
