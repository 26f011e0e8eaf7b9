/**
 * Who may change what a Slack channel receives (digests, watchlists, alerts), decided per workspace:
 * the person who installed tapebot there (the installation store knows), and the workspace's admins
 * and owners (`users.info` → `user.is_admin` / `user.is_owner`; scope `users:read`). A non-empty
 * SLACK_ADMIN_USERS decides instead, in every workspace: single-workspace setups keep their list.
 *
 * Answers are kept for a minute per (workspace, person), so a burst of /watch and /alert commands
 * costs one users.info call, and someone made admin (or no longer one) counts as such a minute later.
 * A users.info failure (a missing scope, an outage) is a "no", logged and not kept.
 */
import type { webApi } from '@slack/bolt';
import type { Logger } from '../../log.ts';
import { slackErrorCode } from './deliver.ts';

type WebClient = webApi.WebClient;

export const MANAGER_TTL_MS = 60_000;
/** Answers kept at most (the oldest dropped first). */
const MAX_KEPT = 5_000;

export interface ManagerCheckOptions {
  /** SLACK_ADMIN_USERS: when non-empty, exactly these people may manage, in every workspace. */
  override?: readonly string[];
  /** Who installed the app in a workspace (OAuth installs), or null. */
  installerOf?: (workspace: string) => Promise<string | null>;
  logger: Logger;
  ttlMs?: number;
  now?: () => number;
}

export interface ManagerCheck {
  /** Whether `user` may manage channels in `workspace`; `client` carries that workspace's token. */
  (who: { user: string; workspace: string | undefined; client: WebClient | undefined }): Promise<boolean>;
  /** Who may, in words, for the refusal ("Ask …"). */
  readonly who: string;
}

export function createManagerCheck(opts: ManagerCheckOptions): ManagerCheck {
  const override = new Set(opts.override ?? []);
  const ttl = opts.ttlMs ?? MANAGER_TTL_MS;
  const now = opts.now ?? Date.now;
  const kept = new Map<string, { ok: boolean; until: number }>();

  async function decide(user: string, workspace: string | undefined, client: WebClient | undefined): Promise<boolean | null> {
    if (workspace && opts.installerOf && (await opts.installerOf(workspace)) === user) return true;
    if (!client) return false;
    try {
      const r = await client.users.info({ user });
      return r.user?.is_admin === true || r.user?.is_owner === true || r.user?.is_primary_owner === true;
    } catch (err) {
      opts.logger.warn({ adapter: 'slack', team: workspace, user, slackError: slackErrorCode(err) ?? String(err) }, 'could not tell whether this person is a workspace admin (users.info); treated as not');
      return null;
    }
  }

  const check = async ({ user, workspace, client }: { user: string; workspace: string | undefined; client: WebClient | undefined }): Promise<boolean> => {
    if (override.size > 0) return override.has(user);
    const key = `${workspace ?? ''}:${user}`;
    const t = now();
    const hit = kept.get(key);
    if (hit && hit.until > t) return hit.ok;
    const ok = await decide(user, workspace, client);
    if (ok === null) return false;
    kept.delete(key);
    kept.set(key, { ok, until: t + ttl });
    for (const k of kept.keys()) {
      if (kept.size <= MAX_KEPT) break;
      kept.delete(k);
    }
    return ok;
  };
  return Object.assign(check, {
    who: override.size > 0 ? 'someone on the bot’s Slack admin list (SLACK_ADMIN_USERS)' : 'a workspace admin or owner, or whoever installed tapebot in this workspace',
  });
}
