import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.ts';
import { BOT_EVENTS, BOT_SCOPES, buildManifest, requestUrl, slackCommandName, usageHint } from '../../../src/adapters/slack/manifest.ts';
import { usage } from '../../../src/command/usage.ts';
import { compiledChild } from '../../_children.ts';

type SlashCommand = { command: string; description: string; usage_hint?: string; url?: string; should_escape?: boolean };

describe('Slack app manifest', () => {
  const socket = buildManifest(commands, { mode: { kind: 'socket' } });
  const http = buildManifest(commands, { mode: { kind: 'http', url: 'https://bot.example.com' } });
  const slash = (m: typeof socket) => (m.features?.slash_commands ?? []) as SlashCommand[];

  it('declares one slash command per command declaration, in the declared order', () => {
    expect(slash(socket).map((c) => c.command), 'Slack built-ins (/help, /status) are namespaced').toEqual(commands.map((c) => (['help', 'status'].includes(c.name) ? `/tapebot-${c.name}` : `/${c.name}`)));
    for (const [i, cmd] of commands.entries()) {
      const entry = slash(socket)[i];
      // Issue 12: a description naming a command ("/help compare") names it as Slack registers it.
      expect(entry?.description).toBe(cmd.description.replace('/help ', '/tapebot-help '));
      // The hint is what follows the name in the usage line, e.g. "/compare SYMBOLS... [period:ytd]" → "SYMBOLS... [period:ytd]".
      expect(`/${cmd.name} ${entry?.usage_hint ?? ''}`.trim(), `${cmd.name}: hint + name rebuild the usage line`).toBe(usage(cmd));
      expect(entry?.command.length, 'Slack allows 32 characters').toBeLessThanOrEqual(32);
    }
  });

  it('derives the hint from usage() without the command name', () => {
    const compare = commands.find((c) => c.name === 'compare');
    expect(compare).toBeDefined();
    if (compare) expect(usageHint(compare)).toBe('SYMBOLS... [period:ytd] [asof:YYYY-MM-DD]');
  });

  it('requests only the scopes the adapter uses, and the events it handles', () => {
    expect(socket.oauth_config?.scopes?.bot).toEqual([...BOT_SCOPES]);
    expect([...BOT_SCOPES].sort()).toEqual(['app_mentions:read', 'channels:history', 'channels:read', 'chat:write', 'commands', 'files:write', 'groups:history', 'groups:read', 'im:history', 'mpim:read', 'users:read']);
    expect(socket.settings?.event_subscriptions?.bot_events).toEqual([...BOT_EVENTS]);
    expect([...BOT_EVENTS], 'no message.channels: channel messages are never pushed to us').toEqual(['app_mention', 'message.im', 'app_uninstalled', 'tokens_revoked']);
    expect(socket.oauth_config?.scopes?.bot, 'posts only where invited').not.toContain('chat:write.public');
  });

  it('enables Socket Mode without URLs, or HTTP mode with the request URL everywhere', () => {
    expect(socket.settings?.socket_mode_enabled).toBe(true);
    expect(JSON.stringify(socket), 'no request URL in Socket Mode').not.toContain('request_url');
    expect(slash(socket).every((c) => c.url === undefined)).toBe(true);

    const url = 'https://bot.example.com/slack/events';
    expect(http.settings?.socket_mode_enabled).toBe(false);
    expect(http.settings?.event_subscriptions?.request_url).toBe(url);
    expect(http.settings?.interactivity).toEqual({ is_enabled: true, request_url: url });
    expect(http.oauth_config?.redirect_urls, 'where Slack sends people back after installing (OAuth)').toEqual(['https://bot.example.com/slack/oauth_redirect']);
    expect(socket.oauth_config?.redirect_urls).toBeUndefined();
    expect(slash(http).every((c) => c.url === url), 'every command posts to Bolt’s one endpoint').toBe(true);
  });

  it('accepts a full request URL as given and refuses non-https ones', () => {
    expect(requestUrl('https://x.example/custom/path')).toBe('https://x.example/custom/path');
    expect(() => requestUrl('http://x.example')).toThrow(/https/);
    expect(() => requestUrl('not a url')).toThrow(/not a URL/);
  });

  it('respects Slack’s display limits (name ≤ 35, description ≤ 140, long description 174–4000, bot name charset)', () => {
    const d = socket.display_information;
    expect(d.name.length).toBeLessThanOrEqual(35);
    expect((d.description ?? '').length).toBeLessThanOrEqual(140);
    expect((d.long_description ?? '').length).toBeGreaterThanOrEqual(174);
    expect((d.long_description ?? '').length).toBeLessThanOrEqual(4000);
    expect(socket.features?.bot_user?.display_name).toMatch(/^[a-z0-9._-]{1,80}$/);
    expect(socket.features?.app_home?.messages_tab_enabled, 'people can DM the bot').toBe(true);
  });

  it('is printed by `npm run manifest` (scripts/manifest.ts) as JSON', async () => {
    const run = promisify(execFile);
    // scripts/manifest.ts bundled against dist/ by the slow project's global setup (test/_children.ts): no tsx to load.
    const manifest = compiledChild('scripts/manifest.ts');
    const { stdout } = await run(process.execPath, [manifest, '--http', 'https://bot.example.com'], { cwd: process.cwd() });
    expect(JSON.parse(stdout)).toEqual(http);
    await expect(run(process.execPath, [manifest, '--http', 'http://insecure.example']), 'non-https refused with exit code 1').rejects.toMatchObject({ code: 1 });
  }, 20_000);
});

describe('command names Slack already uses', () => {
  it('are registered as /tapebot-<name>, everything else as declared', () => {
    expect(slackCommandName('help'), 'Slack has a built-in /help').toBe('/tapebot-help');
    expect(slackCommandName('status'), 'Slack has a built-in /status').toBe('/tapebot-status');
    expect(slackCommandName('rotation')).toBe('/rotation');
  });
});
