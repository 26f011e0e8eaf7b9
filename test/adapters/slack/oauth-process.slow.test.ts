/**
 * Slack installed in a workspace through the real entry point (`npm start`, src/main.ts) with only the
 * OAuth settings — no SLACK_BOT_TOKEN — against the fake Slack: the installation lands in DATA_DIR's
 * database, the installer subscribes a channel (recorded with the workspace, answered with the
 * workspace's token), and app_uninstalled removes both. What main.ts wires is what is checked: the
 * installation store on the app's SQLite file, and the uninstall reaching the digest store.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { until } from '../../hardening/_chat.ts';
import { freePort } from '../../hardening/_load.ts';
import { eventCallbackBody, FORM, JSON_TYPE, sendSigned, slashCommandBody } from '../../fakes/slack/requests.ts';
import { startFakeSlack, type FakeWorkspace } from '../../fakes/slack/server.ts';
import { compiledSource } from '../../_children.ts';

const SECRET = 'signing-secret-oauth-process';
const WS: FakeWorkspace = { teamId: 'T0GAMMA001', teamName: 'Gamma Partners', botToken: 'xoxb-gamma-0000000003', installerUserId: 'U0GAMMA001' };
const CHANNEL = 'C0GAMMA001';

describe('npm start with the Slack OAuth settings', () => {
  it('installs a workspace, answers it with its token, records its subscription, and forgets both on uninstall', async () => {
    const fake = await startFakeSlack();
    const dir = mkdtempSync(path.join(tmpdir(), 'tapebot-oauth-'));
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: path.join(dir, 'var'),
      LOG_LEVEL: 'info',
      RENDER_THREADS: '0',
      BACKUP_KEEP: '0',
      PORT: String(port),
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      SLACK_CLIENT_ID: fake.clientId,
      SLACK_CLIENT_SECRET: fake.clientSecret,
      SLACK_STATE_SECRET: 'state-secret-oauth-process-0123',
    };
    const child = spawn(process.execPath, [compiledSource('src/main.ts')], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const base = `http://127.0.0.1:${port}`;
    const db = () => new BetterSqlite3(path.join(dir, 'var', 'tapebot.db'), { readonly: true, fileMustExist: true });
    const rows = <T>(sql: string): T[] => {
      const d = db();
      try {
        return d.prepare(sql).all() as T[];
      } finally {
        d.close();
      }
    };
    try {
      await until('slack app started', () => err.includes('slack app started'), 90_000);

      // Install: /slack/install → Slack's consent page (not followed) → back with a code and the state.
      const start = await fetch(`${base}/slack/install`, { redirect: 'manual' });
      expect(start.status, err.slice(-500)).toBe(302);
      const state = new URL(start.headers.get('location') ?? '').searchParams.get('state') ?? '';
      const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const done = await fetch(`${base}/slack/oauth_redirect?code=${fake.grantCode(WS)}&state=${encodeURIComponent(state)}`, { redirect: 'manual', headers: { cookie } });
      expect(done.status).toBe(200);
      expect(rows<{ team_id: string; installer_user_id: string }>('SELECT team_id, installer_user_id FROM slack_installations')).toEqual([{ team_id: WS.teamId, installer_user_id: WS.installerUserId }]);

      // The installer subscribes the channel; the confirmation goes out with the workspace's token.
      const res = await sendSigned(`${base}/slack/events`, SECRET, { contentType: FORM, body: slashCommandBody({ command: '/digest', text: 'subscribe time:16:30', channel_id: CHANNEL, user_id: WS.installerUserId, team_id: WS.teamId, response_url: fake.responseUrl() }) });
      expect(res.status).toBe(200);
      const post = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.params.channel === CHANNEL, 30_000);
      expect(post.authorization).toBe(`Bearer ${WS.botToken}`);
      expect(String(post.params.text)).toMatch(/Digest subscribed/);
      expect(rows('SELECT channel, workspace, created_by FROM digest_subscriptions')).toEqual([{ channel: CHANNEL, workspace: WS.teamId, created_by: WS.installerUserId }]);

      // Uninstalled: the installation and the subscription go.
      const gone = await sendSigned(`${base}/slack/events`, SECRET, { contentType: JSON_TYPE, body: eventCallbackBody({ type: 'app_uninstalled' }, WS.teamId) });
      expect(gone.status).toBe(200);
      await until('the workspace forgotten', () => rows('SELECT 1 FROM slack_installations').length === 0 && rows('SELECT 1 FROM digest_subscriptions').length === 0, 30_000);
      await until('the log line', () => err.includes('workspace gone'), 10_000);
      expect(err, 'logged, with what was removed').toMatch(/"removed":\{"subscriptions":1,"watchlist":0,"alerts":0,"cancelled":0\}/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await fake.close();
    }
  }, 120_000);
});
