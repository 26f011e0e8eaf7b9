/**
 * Slack installations, for an app installed in many workspaces through OAuth: Bolt's
 * `InstallationStore` (what the installer writes after `oauth.v2.access`, and what Bolt's authorize
 * reads for every request: that workspace's bot token) kept in tapebot's own store, SQLite or
 * PostgreSQL, like the subscriptions.
 *
 * One row per workspace (or Enterprise Grid organisation, for an org-wide install): the whole
 * installation as Bolt gives it (tokens included: the table is as secret as the tokens), who
 * installed it, and when. Tokens read back are registered with the log's masking.
 */
import type { HTTPReceiverOptions, Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { SecretRegistry } from '../../log.ts';
import { BOT_SCOPES, INSTALL_PATH, OAUTH_REDIRECT_PATH } from './manifest.ts';
import { runMigrations, type Database } from '../../store/db.ts';
import { runPgMigrations, type PgPool } from '../../store/pg.ts';

export const INSTALLATION_MIGRATIONS: readonly string[] = [
  `CREATE TABLE slack_installations (
     install_key TEXT PRIMARY KEY,
     team_id TEXT,
     enterprise_id TEXT,
     installer_user_id TEXT,
     body TEXT NOT NULL,
     installed_at TEXT NOT NULL
   )`,
];

export interface StoredInstallation {
  key: string;
  teamId: string | null;
  enterpriseId: string | null;
  installerUserId: string | null;
  installation: Installation;
  installedAt: string;
}

/** Where installations are kept: one implementation per engine, one contract (test/adapters/slack/installations.test.ts). */
export interface InstallationRepo {
  put(r: StoredInstallation): Promise<void>;
  get(key: string): Promise<StoredInstallation | undefined>;
  /** Returns whether there was one. */
  delete(key: string): Promise<boolean>;
  list(): Promise<StoredInstallation[]>;
}

interface Row {
  install_key: string;
  team_id: string | null;
  enterprise_id: string | null;
  installer_user_id: string | null;
  body: string;
  installed_at: string;
}
const fromRow = (r: Row): StoredInstallation => ({
  key: r.install_key,
  teamId: r.team_id,
  enterpriseId: r.enterprise_id,
  installerUserId: r.installer_user_id,
  installation: JSON.parse(r.body) as Installation,
  installedAt: r.installed_at,
});
const UPSERT_SET = 'team_id = excluded.team_id, enterprise_id = excluded.enterprise_id, installer_user_id = excluded.installer_user_id, body = excluded.body, installed_at = excluded.installed_at';

export function sqliteInstallationRepo(db: Database): InstallationRepo {
  runMigrations(db, 'slack_installations', INSTALLATION_MIGRATIONS);
  const put = db.prepare(`INSERT INTO slack_installations (install_key, team_id, enterprise_id, installer_user_id, body, installed_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (install_key) DO UPDATE SET ${UPSERT_SET}`);
  const get = db.prepare('SELECT * FROM slack_installations WHERE install_key = ?');
  const del = db.prepare('DELETE FROM slack_installations WHERE install_key = ?');
  const all = db.prepare('SELECT * FROM slack_installations ORDER BY install_key');
  return {
    async put(r) {
      put.run(r.key, r.teamId, r.enterpriseId, r.installerUserId, JSON.stringify(r.installation), r.installedAt);
    },
    async get(key) {
      const row = get.get(key) as Row | undefined;
      return row && fromRow(row);
    },
    async delete(key) {
      return del.run(key).changes > 0;
    },
    async list() {
      return (all.all() as Row[]).map(fromRow);
    },
  };
}

export async function pgInstallationRepo(pool: PgPool): Promise<InstallationRepo> {
  await runPgMigrations(pool, 'slack_installations', INSTALLATION_MIGRATIONS);
  return {
    async put(r) {
      await pool.query(
        `INSERT INTO slack_installations (install_key, team_id, enterprise_id, installer_user_id, body, installed_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (install_key) DO UPDATE SET ${UPSERT_SET}`,
        [r.key, r.teamId, r.enterpriseId, r.installerUserId, JSON.stringify(r.installation), r.installedAt],
      );
    },
    async get(key) {
      const row = (await pool.query<Row>('SELECT * FROM slack_installations WHERE install_key = $1', [key])).rows[0];
      return row && fromRow(row);
    },
    async delete(key) {
      return ((await pool.query('DELETE FROM slack_installations WHERE install_key = $1', [key])).rowCount ?? 0) > 0;
    },
    async list() {
      return (await pool.query<Row>('SELECT * FROM slack_installations ORDER BY install_key')).rows.map(fromRow);
    },
  };
}

/** The key of an installation: the organisation for an org-wide install, else the workspace. */
function keyOf(q: { isEnterpriseInstall?: boolean; enterpriseId?: string | undefined; teamId?: string | undefined }): string {
  if (q.isEnterpriseInstall && q.enterpriseId) return `E:${q.enterpriseId}`;
  if (q.teamId) return `T:${q.teamId}`;
  throw new Error('a Slack installation names neither a workspace nor an organisation');
}

/** Thrown by `fetchInstallation` when the workspace (or organisation) has no installation: never installed, or uninstalled. */
export class NoInstallationError extends Error {
  override readonly name = 'NoInstallationError';
}

export interface SlackInstallations extends InstallationStore {
  /** Who installed the app in a workspace (a digest manager there by default), or null. */
  installerOf(teamId: string): Promise<string | null>;
  /** Forgets a workspace's installation (app_uninstalled, tokens_revoked); returns whether there was one. */
  remove(teamId: string): Promise<boolean>;
  teams(): Promise<string[]>;
}

/** `secrets`: the logs' registry, told each workspace's bot token as it is stored or read. */
export function createSlackInstallations(repo: InstallationRepo, now: () => Date = () => new Date(), secrets?: SecretRegistry): SlackInstallations {
  return {
    async storeInstallation(installation) {
      const key = keyOf({ isEnterpriseInstall: installation.isEnterpriseInstall ?? false, enterpriseId: installation.enterprise?.id, teamId: installation.team?.id });
      secrets?.add(installation.bot?.token);
      await repo.put({
        key,
        teamId: installation.team?.id ?? null,
        enterpriseId: installation.enterprise?.id ?? null,
        installerUserId: installation.user.id,
        installation: installation as Installation,
        installedAt: now().toISOString(),
      });
    },
    async fetchInstallation(query: InstallationQuery<boolean>) {
      const r = await repo.get(keyOf(query));
      if (!r) throw new NoInstallationError(`no installation for ${query.isEnterpriseInstall ? `organisation ${query.enterpriseId}` : `workspace ${query.teamId}`}`);
      secrets?.add(r.installation.bot?.token);
      return r.installation;
    },
    async deleteInstallation(query: InstallationQuery<boolean>) {
      await repo.delete(keyOf(query));
    },
    async installerOf(teamId) {
      return (await repo.get(keyOf({ teamId })))?.installerUserId ?? null;
    },
    remove: (teamId) => repo.delete(keyOf({ teamId })),
    async teams() {
      return (await repo.list()).map((r) => r.teamId).filter((t): t is string => t !== null);
    },
  };
}

/**
 * The installations with one more workspace answered from a bot token of the configuration
 * (SLACK_BOT_TOKEN beside OAuth): a workspace served before the app could be installed elsewhere
 * keeps working without an install. An installation stored for that workspace comes first.
 */
export function withBotToken(store: SlackInstallations, bot: { teamId: string; token: string; botId: string | undefined; botUserId: string | undefined }): SlackInstallations {
  const configured = { team: { id: bot.teamId }, enterprise: undefined, user: { id: '', token: undefined, scopes: undefined }, bot: { id: bot.botId ?? '', userId: bot.botUserId ?? '', token: bot.token, scopes: [...SLACK_BOT_SCOPES] }, isEnterpriseInstall: false, authVersion: 'v2' } as Installation;
  // Once that workspace uninstalls (its token dies with the install), the configured token is not used again in this run.
  let uninstalled = false;
  return {
    ...store,
    async fetchInstallation(query, logger) {
      try {
        return await store.fetchInstallation(query, logger);
      } catch (err) {
        if (err instanceof NoInstallationError && !uninstalled && !query.isEnterpriseInstall && query.teamId === bot.teamId) return configured;
        throw err;
      }
    },
    async remove(teamId) {
      if (teamId === bot.teamId) uninstalled = true;
      return store.remove(teamId);
    },
  };
}

/** The bot scopes tapebot asks a workspace for: the manifest's (manifest.ts). */
export const SLACK_BOT_SCOPES: readonly string[] = BOT_SCOPES;

/**
 * Bolt's HTTP receiver options for installing in many workspaces: `/slack/install` redirects to
 * Slack's consent page with a signed `state` (also set as a cookie), `/slack/oauth_redirect`
 * checks that state before it trades the code for the workspace's tokens (`oauth.v2.access`) and
 * stores them in `installations`.
 */
export function oauthReceiverOptions(o: {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  installations: InstallationStore;
  /** Slack's Web API base (tests: the fake's). */
  apiUrl?: string | undefined;
  /** Slack's consent page (tests: anything; the browser is simulated). */
  authorizationUrl?: string;
}): Pick<HTTPReceiverOptions, 'clientId' | 'clientSecret' | 'stateSecret' | 'scopes' | 'installationStore' | 'installerOptions'> {
  return {
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    stateSecret: o.stateSecret,
    scopes: [...SLACK_BOT_SCOPES],
    installationStore: o.installations,
    installerOptions: {
      installPath: INSTALL_PATH,
      redirectUriPath: OAUTH_REDIRECT_PATH,
      directInstall: true,
      stateVerification: true,
      // Not maskingFetch: oauth.v2.access must carry the client secret, which the log's masking would redact.
      ...(o.apiUrl ? { clientOptions: { slackApiUrl: o.apiUrl } } : {}),
      ...(o.authorizationUrl ? { authorizationUrl: o.authorizationUrl } : {}),
    },
  };
}
