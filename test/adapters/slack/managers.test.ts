/**
 * Who may manage digests in a Slack workspace (src/adapters/slack/managers.ts): the installer, the
 * workspace's admins and owners (users.info), or only SLACK_ADMIN_USERS when it is set; answers kept
 * for a minute, failures never kept. users.info is a stub recording its calls.
 */
import type { webApi } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { createManagerCheck } from '../../../src/adapters/slack/managers.ts';
import { silentLogger } from '../../../src/log.ts';

function slack(roles: Record<string, { is_admin?: boolean; is_owner?: boolean } | 'error'>) {
  const asked: string[] = [];
  const client = {
    users: {
      async info({ user }: { user: string }) {
        asked.push(user);
        const r = roles[user];
        if (r === 'error') throw Object.assign(new Error('An API error occurred: missing_scope'), { data: { ok: false, error: 'missing_scope' } });
        return { ok: true, user: { id: user, ...r } };
      },
    },
  } as unknown as webApi.WebClient;
  return { client, asked };
}

describe('Slack digest managers', () => {
  it('admins, owners and the installer may; members may not; each answer kept for a minute', async () => {
    const { client, asked } = slack({ UADMIN: { is_admin: true }, UOWNER: { is_owner: true }, UMEMBER: {} });
    let t = 0;
    const check = createManagerCheck({ logger: silentLogger, installerOf: async (ws) => (ws === 'T1' ? 'UINSTALL' : null), now: () => t });
    const may = (user: string, workspace = 'T1') => check({ user, workspace, client });
    expect([await may('UADMIN'), await may('UOWNER'), await may('UMEMBER'), await may('UINSTALL')]).toEqual([true, true, false, true]);
    expect(await may('UINSTALL', 'T2'), 'the installer of T1 is nobody special in T2').toBe(false);
    expect(asked).toEqual(['UADMIN', 'UOWNER', 'UMEMBER', 'UINSTALL']);
    await may('UADMIN');
    expect(asked, 'kept').toHaveLength(4);
    t += 60_001;
    await may('UADMIN');
    expect(asked, 'asked again after a minute').toHaveLength(5);
    expect(check.who).toMatch(/workspace admin or owner, or whoever installed/);
  });

  it('a failed users.info is a no, and is asked again next time', async () => {
    const { client, asked } = slack({ UX: 'error' });
    const check = createManagerCheck({ logger: silentLogger });
    expect(await check({ user: 'UX', workspace: 'T1', client })).toBe(false);
    expect(await check({ user: 'UX', workspace: 'T1', client })).toBe(false);
    expect(asked).toEqual(['UX', 'UX']);
  });

  it('SLACK_ADMIN_USERS, when set, decides alone, without asking Slack', async () => {
    const { client, asked } = slack({ UADMIN: { is_admin: true } });
    const check = createManagerCheck({ logger: silentLogger, override: ['ULISTED'], installerOf: async () => 'UADMIN' });
    expect(await check({ user: 'ULISTED', workspace: 'T1', client })).toBe(true);
    expect(await check({ user: 'UADMIN', workspace: 'T1', client }), 'a workspace admin not on the list').toBe(false);
    expect(asked).toEqual([]);
    expect(check.who).toMatch(/SLACK_ADMIN_USERS/);
  });
});
