/**
 * The Slack app manifest, derived from the command declarations: paste it into "Create New App →
 * From a manifest" and Slack sets up the bot user, slash commands, scopes, events and interactivity.
 * https://docs.slack.dev/reference/app-manifest
 *
 * Bot scopes, each for something the adapter does and nothing more:
 *   commands          receive the slash commands
 *   chat:write        chat.postMessage (answers, digests), chat.update (period buttons), chat.postEphemeral (errors after a mention)
 *   files:write       files.getUploadURLExternal / completeUploadExternal (chart PNGs) and files.delete (charts of replaced answers)
 *   app_mentions:read the app_mention event ("@tapebot rotation 1m")
 *   im:history        the message.im event (questions and commands typed in a direct message to the bot)
 *   channels:history, groups:history
 *                     conversations.history in public / private channels the bot is in, read only after
 *                     a crash mid-post, to find a digest it already posted (by its message metadata)
 *                     instead of posting it twice (poster.ts). No event delivers channel messages to us.
 *   channels:read, groups:read, mpim:read
 *                     conversations.info before a digest or alert is set up in a channel: is the bot a
 *                     member, so that its scheduled posts can arrive? (handlers.ts, channelContext)
 *   users:read        users.info: is the person a workspace admin or owner, who may manage digests there (managers.ts)
 * Events besides the questions: app_uninstalled and tokens_revoked (no scope), which remove a
 * workspace's installation and everything set up there.
 * Not requested: chat:write.public (the bot posts only where it was invited, and says how to invite it
 * otherwise), files:read (uploads are used by id), message.channels events.
 */
import type { webApi } from '@slack/bolt';
import type { AnyCommand } from '../../command/define.ts';
import { usage } from '../../command/usage.ts';

/** Bolt's default request path in HTTP mode: commands, events and interactivity all arrive here. */
export const EVENTS_PATH = '/slack/events';

/** Where people start installing the app in their workspace, and where Slack sends them back (HTTP mode with OAuth). */
export const INSTALL_PATH = '/slack/install';
export const OAUTH_REDIRECT_PATH = '/slack/oauth_redirect';

export type SlackManifest = webApi.AppsManifestCreateArguments['manifest'];

export const BOT_SCOPES = ['commands', 'chat:write', 'files:write', 'app_mentions:read', 'im:history', 'channels:history', 'groups:history', 'channels:read', 'groups:read', 'mpim:read', 'users:read'] as const;
export const BOT_EVENTS = ['app_mention', 'message.im', 'app_uninstalled', 'tokens_revoked'] as const;

export type ManifestMode = { kind: 'socket' } | { kind: 'http'; url: string };

export interface ManifestOptions {
  mode: ManifestMode;
  /** App and bot name (default "tapebot"). */
  name?: string;
  /** `SLACK_COMMAND_PREFIX`: every command registered as `/<prefix><name>`. */
  prefix?: string;
}

const DESCRIPTION = 'Market commentary from real prices: streaks, breakouts, drawdowns, rotation — with charts.';
const LONG_DESCRIPTION = [
  'tapebot answers market questions in the channel with computed commentary and a chart:',
  'who leads between small and large caps and for how long, how a set of symbols compares over a period,',
  'the current out-performance streak and its history. Every number comes from daily closes, says its',
  'source and the close it is as of, and the period buttons under an answer recompute it in place.',
].join(' ');

/** Slack's limits for the fields derived from declarations; a manifest over them is refused on paste. */
const MAX_COMMAND_LENGTH = 32;
const MAX_DESCRIPTION = 2000;
const MAX_USAGE_HINT = 1000;

/**
 * The request URL for commands, events and interactivity: the public base URL plus Bolt's default path
 * when only a base is given ("https://bot.example.com" → "https://bot.example.com/slack/events").
 */
export function requestUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`"${url}" is not a URL; give the public https address Slack should send requests to.`);
  }
  if (parsed.protocol !== 'https:') throw new Error(`Slack sends requests only to https URLs, not "${url}".`);
  if (parsed.pathname === '/' || parsed.pathname === '') parsed.pathname = EVENTS_PATH;
  return parsed.toString();
}

/**
 * Slack's built-in commands win over an app's command of the same name, so a declared command
 * whose name Slack already uses (/help, /status, …) is registered as `/tapebot-<name>`.
 * Both the manifest and the handlers use this one mapping.
 */
const SLACK_BUILT_INS = new Set(['help', 'status', 'away', 'active', 'dnd', 'feed', 'invite', 'leave', 'join', 'me', 'msg', 'dm', 'mute', 'remind', 'search', 'shrug', 'topic', 'who', 'collapse', 'expand', 'archive', 'rename', 'apps', 'open', 'star', 'shortcuts', 'prefs', 'call']);

export function slackCommandName(name: string, prefix?: string): string {
  if (prefix) return `/${prefix}${name}`;
  return SLACK_BUILT_INS.has(name) ? `/tapebot-${name}` : `/${name}`;
}

/** The one naming rule for a deployment: `SLACK_COMMAND_PREFIX` ("tb-") when set, else built-ins moved aside. */
export function slackCommandNamer(prefix?: string): (name: string) => string {
  return (name) => slackCommandName(name, prefix);
}

/**
 * Text for Slack with every declared command named as Slack knows it: "Type /help COMMAND" →
 * "Type /tapebot-help COMMAND", "/chart SPY" → "/tb-chart SPY" with a prefix. Only whole words that
 * start with "/" and name a declared command change; URLs and paths ("a/b", "https://x/help") do not.
 */
export function renameCommands(text: string, names: readonly string[], commandName: (name: string) => string): string {
  if (names.length === 0) return text;
  const known = new Set(names);
  return text.replace(/(^|[\s(\[“"'`*_~>])\/([a-z][a-z0-9_-]*)(?![a-z0-9_/-])/g, (whole, before: string, name: string) => (known.has(name) ? `${before}${commandName(name)}` : whole));
}

/** What Slack shows after the command name while typing it: the usage without "/name". */
export function usageHint(cmd: AnyCommand): string {
  return usage(cmd).replace(new RegExp(`^/${cmd.name}\\s*`), '');
}

export function buildManifest(commands: readonly AnyCommand[], opts: ManifestOptions): SlackManifest {
  const name = opts.name ?? 'tapebot';
  const url = opts.mode.kind === 'http' ? requestUrl(opts.mode.url) : undefined;
  const slashCommands = commands.map((cmd) => {
    const command = slackCommandName(cmd.name, opts.prefix);
    if (command.length > MAX_COMMAND_LENGTH) throw new Error(`${command} is longer than Slack's ${MAX_COMMAND_LENGTH} characters for a command.`);
    const hint = usageHint(cmd);
    return {
      command,
      description: renameCommands(cmd.description, commands.map((c) => c.name), slackCommandNamer(opts.prefix)).slice(0, MAX_DESCRIPTION),
      ...(hint ? { usage_hint: hint.slice(0, MAX_USAGE_HINT) } : {}),
      // Commands take symbols and options, never @people or #channels, so nothing needs escaping.
      should_escape: false,
      ...(url ? { url } : {}),
    };
  });
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: { name, description: DESCRIPTION, long_description: LONG_DESCRIPTION, background_color: '#1f2a37' },
    features: {
      // The Messages tab lets people DM the bot ("rotation 1m").
      app_home: { home_tab_enabled: false, messages_tab_enabled: true, messages_tab_read_only_enabled: false },
      bot_user: { display_name: name.toLowerCase().replace(/[^a-z0-9._-]/g, '-'), always_online: true },
      slash_commands: slashCommands,
    },
    // HTTP mode can be installed in many workspaces (SLACK_CLIENT_ID…): Slack sends installers back here.
    oauth_config: { ...(url ? { redirect_urls: [new URL(OAUTH_REDIRECT_PATH, url).toString()] } : {}), scopes: { bot: [...BOT_SCOPES] } },
    settings: {
      event_subscriptions: { ...(url ? { request_url: url } : {}), bot_events: [...BOT_EVENTS] },
      interactivity: { is_enabled: true, ...(url ? { request_url: url } : {}) },
      org_deploy_enabled: false,
      socket_mode_enabled: opts.mode.kind === 'socket',
      token_rotation_enabled: false,
    },
  };
}
