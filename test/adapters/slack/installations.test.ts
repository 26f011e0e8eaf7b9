/**
 * Slack in many workspaces: the installation store's contract on SQLite and PostgreSQL, and Bolt's
 * OAuth installer (/slack/install, /slack/oauth_redirect) against the fake Slack's oauth.v2.access,
 * two workspaces installed, each posting with its own token, the state checked.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { HTTPReceiver, webApi, type Installation } from '@slack/bolt';
import { afterAll, describe, expect, it } from 'vitest';
import { createSlackInstallations, oauthReceiverOptions, pgInstallationRepo, sqliteInstallationRepo, type InstallationRepo } from '../../../src/adapters/slack/installations.ts';
import { openDatabase } from '../../../src/store/db.ts';
import { openPg, type PgPool } from '../../../src/store/pg.ts';
import { startFakeSlack, type FakeSlack, type FakeWorkspace } from '../../fakes/slack/server.ts';
import { hasPg, TEST_DATABASE_URL, testSchema } from '../../_services/services.ts';

const pgUp = await hasPg();
const pools: { pool: PgPool; schema: string }[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
  for (const { pool, schema } of pools) {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await pool.end();
  }
});

const engines: { name: string; skip: boolean; repo: () => Promise<InstallationRepo> }[] = [
  { name: 'sqlite', skip: false, repo: async () => sqliteInstallationRepo(openDatabase(':memory:')) },
  {
    name: 'postgres',
    skip: !pgUp,
    repo: async () => {
      const schema = testSchema('slack_installs');
      const pool = await openPg({ url: TEST_DATABASE_URL, schema, max: 2 });
      pools.push({ pool, schema });
      return pgInstallationRepo(pool);
    },
  },
];

const install = (team: string, token: string, installer: string): Installation =>
  ({ team: { id: team, name: team }, enterprise: undefined, user: { id: installer, token: undefined, scopes: undefined }, bot: { id: 'B1', userId: 'U1', token, scopes: ['commands'] }, isEnterpriseInstall: false, authVersion: 'v2' }) as Installation;

for (const engine of engines) {
  describe.skipIf(engine.skip)(`installation store contract: ${engine.name}`, () => {
    it('stores one installation per workspace, replaces on reinstall, and forgets on removal', async () => {
      const store = createSlackInstallations(await engine.repo(), () => new Date('2026-03-02T12:00:00Z'));
      await store.storeInstallation(install('T1', 'xoxb-1-first', 'U_ALICE'));
      await store.storeInstallation(install('T2', 'xoxb-2-second', 'U_BOB'));
      expect((await store.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false })).bot?.token).toBe('xoxb-1-first');
      await store.storeInstallation(install('T1', 'xoxb-1-again', 'U_CAROL'));
      expect((await store.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false })).bot?.token, 'a reinstall replaces the token').toBe('xoxb-1-again');
      expect(await store.installerOf('T1')).toBe('U_CAROL');
      expect((await store.teams()).sort()).toEqual(['T1', 'T2']);
      expect(await store.remove('T1')).toBe(true);
      expect(await store.remove('T1'), 'already gone').toBe(false);
      await expect(store.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false })).rejects.toThrow(/no installation for workspace T1/);
      expect(await store.teams()).toEqual(['T2']);
    });
  });
}

/** A browser's visit: GET with the cookies it holds; returns status, Location and Set-Cookie. */
async function visit(url: string, cookie?: string): Promise<{ status: number; location: string | null; setCookie: string | null; body: string }> {
  const res = await fetch(url, { redirect: 'manual', ...(cookie ? { headers: { cookie } } : {}) });
  return { status: res.status, location: res.headers.get('location'), setCookie: res.headers.get('set-cookie'), body: await res.text() };
}

describe('OAuth install in two workspaces', () => {
  it('each workspace that allows the app gets its own token, checked against the state', async () => {
    const slack: FakeSlack = await startFakeSlack();
    const installations = createSlackInstallations(sqliteInstallationRepo(openDatabase(':memory:')));
    const receiver = new HTTPReceiver({
      signingSecret: 'fake-signing-secret',
      ...oauthReceiverOptions({ clientId: slack.clientId, clientSecret: slack.clientSecret, stateSecret: 'state-secret-for-tests', installations, apiUrl: slack.apiUrl, authorizationUrl: `${slack.baseUrl}/oauth/v2/authorize` }),
    });
    const server = (await receiver.start(0)) as Server;
    cleanups.push(async () => {
      await receiver.stop();
      await slack.close();
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const workspaces: FakeWorkspace[] = [
      { teamId: 'T0AAAAAAA1', teamName: 'Alpha Desk', botToken: 'xoxb-alpha-0000000001', installerUserId: 'U0ALPHA001' },
      { teamId: 'T0BBBBBBB2', teamName: 'Beta Fund', botToken: 'xoxb-beta-0000000002', installerUserId: 'U0BETA0002' },
    ];
    for (const ws of workspaces) {
      const start = await visit(`${base}/slack/install`);
      expect(start.status, 'the install path redirects to Slack’s consent page').toBe(302);
      const consent = new URL(start.location ?? '');
      expect(consent.searchParams.get('client_id')).toBe(slack.clientId);
      expect(consent.searchParams.get('scope')?.split(',')).toContain('commands');
      const state = consent.searchParams.get('state') ?? '';
      expect(state.length).toBeGreaterThan(10);
      const cookie = (start.setCookie ?? '').split(';')[0] ?? '';
      // Slack sends the browser back with a one-time code and the same state.
      const done = await visit(`${base}/slack/oauth_redirect?code=${slack.grantCode(ws)}&state=${encodeURIComponent(state)}`, cookie);
      expect(done.status, done.body.slice(0, 200)).toBe(200);
    }
    expect(slack.callsTo('oauth.v2.access').map((c) => (c.result as { ok: boolean }).ok)).toEqual([true, true]);
    for (const ws of workspaces) {
      const inst = await installations.fetchInstallation({ teamId: ws.teamId, enterpriseId: undefined, isEnterpriseInstall: false });
      expect(inst.bot?.token, `${ws.teamName}: its own token`).toBe(ws.botToken);
      expect(await installations.installerOf(ws.teamId), 'the installer, a digest manager there').toBe(ws.installerUserId);
      // Posting with the workspace's token lands in that workspace.
      await new webApi.WebClient(inst.bot?.token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }).chat.postMessage({ channel: 'C0MARKETS1', text: `hello ${ws.teamName}` });
    }
    expect(slack.messages.map((m) => `${m.team} ${m.text}`)).toEqual(['T0AAAAAAA1 hello Alpha Desk', 'T0BBBBBBB2 hello Beta Fund']);

    // A callback whose state this installer did not issue is refused before any token is asked for.
    const forged = await visit(`${base}/slack/oauth_redirect?code=${slack.grantCode(workspaces[0] as FakeWorkspace)}&state=forged-state`);
    expect(forged.status).not.toBe(200);
    expect(slack.callsTo('oauth.v2.access'), 'no code traded for a forged state').toHaveLength(2);

    // Uninstalled: the workspace's installation is forgotten, the other's kept.
    expect(await installations.remove('T0AAAAAAA1')).toBe(true);
    expect(await installations.teams()).toEqual(['T0BBBBBBB2']);
  });
});
