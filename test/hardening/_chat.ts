/**
 * Both chat adapters, started as `npm start` starts them, against the local fakes (test/fakes):
 * the real discord.js client over the fake Discord's gateway and REST, the real Bolt app over HTTP
 * with the fake Slack's Web API. Commands are written once in the text syntax and sent through
 * either platform. Used by the secrets test, the load test and bench/hardening.bench.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDiscordRest } from '../../src/adapters/discord/client.ts';
import { startDiscord, type DiscordAdapter } from '../../src/adapters/discord/index.ts';
import { registerCommands } from '../../src/adapters/discord/registration.ts';
import { slackCommandName } from '../../src/adapters/slack/manifest.ts';
import { startSlack, type SlackAdapter } from '../../src/adapters/slack/start.ts';
import { createApp, type App, type AppOptions } from '../../src/app.ts';
import { bindOptions } from '../../src/command/bind.ts';
import type { AnyCommand } from '../../src/command/define.ts';
import { parseCommandText, type RawArgs } from '../../src/command/parse.ts';
import type { CommandLimiter } from '../../src/command/run.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger, type Logger, type SecretRegistry } from '../../src/log.ts';
import { FakeDiscord, type DispatchedInteraction, type RecordedRequest } from '../fakes/discord/server.ts';
import { FORM, sendSigned, slashCommandBody, type SlackResponse } from '../fakes/slack/requests.ts';
import { startFakeSlack, type FakeCall, type FakeSlack } from '../fakes/slack/server.ts';

/** Credentials the fakes accept. Known values, so a test can look for them where they must not be. */
export const SECRETS = {
  discordToken: 'MTAxNTk3NTM1.tapebot-discord-token.NOT-A-REAL-TOKEN-0123456789',
  slackBotToken: 'xoxb-1015975-2026-tapebotSecretBotToken',
  slackSigningSecret: 'tapebot-signing-secret-5f3c2e9a7b',
} as const;

export interface ChatRig {
  app: App;
  fakeDiscord: FakeDiscord;
  fakeSlack: FakeSlack;
  discord: DiscordAdapter;
  slack: SlackAdapter;
  /** Sends a command as a Discord slash command; `user` replaces the fake's one person. */
  sendDiscord(text: string, user?: string): DispatchedInteraction;
  /** Sends a command as a Slack slash command, signed; resolves with Slack's view of the ack. */
  sendSlack(text: string, where?: { user?: string; channel?: string }): Promise<SlackResponse & { responseUrl: string }>;
  /** The final word on a Discord interaction: the edited answer, an error only the person sees, or nothing yet. */
  discordOutcome(d: DispatchedInteraction): { kind: 'answer' | 'error'; request: RecordedRequest } | null;
  /** When Discord got the acknowledgement (defer or immediate reply). */
  discordAckAt(d: DispatchedInteraction): number | undefined;
  /** Slack: the answer posted in `channel`, or the private error sent to `responseUrl`. */
  slackOutcome(where: { channel: string; responseUrl: string }): { kind: 'answer' | 'error'; call: FakeCall } | null;
  close(): Promise<void>;
}

export interface ChatRigOptions {
  logger?: Logger;
  /** The registry `logger` masks with (memoryLog's): the app adds the configuration's secrets to it. */
  secrets?: SecretRegistry;
  commands?: readonly AnyCommand[];
  /** Chart threads; default one per core, as in production. */
  renderThreads?: number;
  limiter?: CommandLimiter;
  /** More settings, e.g. live providers pointed at local stand-ins. */
  env?: Record<string, string>;
  /** The app's data options (a clock, a fast HTTP policy for stand-ins). */
  data?: AppOptions['data'];
  /** How long the fake Discord lets an interaction wait for its acknowledgement (default Discord's 3 s). */
  discordAckDeadlineMs?: number;
}

export async function startChatRig(o: ChatRigOptions = {}): Promise<ChatRig> {
  const logger = o.logger ?? silentLogger;
  const fakeDiscord = await FakeDiscord.start({ token: SECRETS.discordToken, ...(o.discordAckDeadlineMs !== undefined ? { ackDeadlineMs: o.discordAckDeadlineMs } : {}) });
  const fakeSlack = await startFakeSlack({ token: SECRETS.slackBotToken });
  const config = loadConfig({
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'tapebot-chat-rig-')),
    DISCORD_TOKEN: SECRETS.discordToken,
    DISCORD_APPLICATION_ID: fakeDiscord.applicationId,
    DISCORD_API_URL: fakeDiscord.apiUrl,
    SLACK_BOT_TOKEN: SECRETS.slackBotToken,
    SLACK_SIGNING_SECRET: SECRETS.slackSigningSecret,
    SLACK_API_URL: fakeSlack.apiUrl,
    ...(o.renderThreads !== undefined ? { RENDER_THREADS: String(o.renderThreads) } : {}),
    ...o.env,
  });
  const app = createApp(config, { dbFile: ':memory:', logger, ...(o.secrets ? { secrets: o.secrets } : {}), ...(o.commands ? { commands: o.commands } : {}), ...(o.limiter ? { limiter: o.limiter } : {}), ...(o.data ? { data: o.data } : {}) });
  await registerCommands({ rest: createDiscordRest({ token: SECRETS.discordToken, apiUrl: fakeDiscord.apiUrl, secrets: app.secrets }), applicationId: fakeDiscord.applicationId, guildId: fakeDiscord.guildId, commands: app.runner.commands });
  const discord = await startDiscord({ config, secrets: app.secrets, runner: app.runner, renderer: app.renderer, logger, symbols: app.symbols, health: app.health, metrics: app.metrics });
  const slack = await startSlack({ config, secrets: app.secrets, runner: app.runner, renderer: app.renderer, logger, listen: { port: 0, host: '127.0.0.1' }, retryConfig: { retries: 0 }, health: app.health, metrics: app.metrics });
  const slackUrl = slack.url ?? '';

  const appId = fakeDiscord.applicationId;
  const callbackOf = (d: DispatchedInteraction) => (r: RecordedRequest) => r.method === 'POST' && r.path === `/interactions/${d.id}/${d.token}/callback`;
  const editOf = (d: DispatchedInteraction) => (r: RecordedRequest) => r.method === 'PATCH' && r.path === `/webhooks/${appId}/${d.token}/messages/@original`;
  const followUpOf = (d: DispatchedInteraction) => (r: RecordedRequest) => r.method === 'POST' && r.path === `/webhooks/${appId}/${d.token}`;

  return {
    app,
    fakeDiscord,
    fakeSlack,
    discord,
    slack,
    sendDiscord(text, user) {
      const { name, args } = parseCommandText(text);
      const cmd = app.runner.find(name);
      const named = cmd ? discordOptions(cmd, args, app) : args.named;
      const payload = fakeDiscord.chatInput(name, named);
      if (user !== undefined) {
        const person = { ...fakeDiscord.person, id: user };
        if ('member' in payload && payload.member) payload.member = { ...payload.member, user: person };
        else payload.user = person;
      }
      return fakeDiscord.dispatchInteraction(payload);
    },
    async sendSlack(text, where = {}) {
      const { name } = parseCommandText(text);
      const rest = text.trim().replace(/^\/\S+\s*/, '');
      const responseUrl = fakeSlack.responseUrl();
      const body = slashCommandBody({ command: slackCommandName(name), text: rest, channel_id: where.channel ?? 'C0RIG00001', user_id: where.user ?? 'U0RIG00001', response_url: responseUrl });
      const res = await sendSigned(slackUrl, SECRETS.slackSigningSecret, { contentType: FORM, body });
      return { ...res, responseUrl };
    },
    discordOutcome(d) {
      const edit = fakeDiscord.requests.find(editOf(d));
      if (edit) return { kind: 'answer', request: edit };
      const follow = fakeDiscord.requests.find(followUpOf(d));
      if (follow) return { kind: 'error', request: follow };
      // A refusal before any work is the acknowledgement itself: an immediate ephemeral reply (type 4).
      const callback = fakeDiscord.requests.find(callbackOf(d));
      if (callback && (callback.json as { type?: number } | undefined)?.type === 4) return { kind: 'error', request: callback };
      return null;
    },
    discordAckAt(d) {
      return fakeDiscord.requests.find(callbackOf(d))?.at;
    },
    slackOutcome(where) {
      const err = fakeSlack.responsesTo(where.responseUrl)[0];
      if (err) return { kind: 'error', call: err };
      const post = fakeSlack.calls.find((c) => c.method === 'chat.postMessage' && c.params.channel === where.channel && (c.result as { ok?: boolean }).ok === true);
      return post ? { kind: 'answer', call: post } : null;
    },
    async close() {
      await discord.stop(2_000);
      await slack.stop(2_000);
      await app.close();
      await fakeDiscord.close();
      await fakeSlack.close();
    },
  };
}

/**
 * A command's options as Discord sends them: by name. Valid input is bound as the runner would (so
 * "3m" lands in `period`); invalid input is placed positionally as typed, for the bot to refuse.
 */
function discordOptions(cmd: AnyCommand, args: RawArgs, app: App): Record<string, string> {
  try {
    return bindOptions(cmd, args, app.symbols).canonical;
  } catch {
    const named: Record<string, string> = { ...args.named };
    const words = [...args.words];
    for (const [name, decl] of Object.entries(cmd.options)) {
      if (!decl.positional || words.length === 0 || name in named) continue;
      named[name] = decl.kind === 'symbols' ? words.splice(0).join(' ') : (words.shift() as string);
    }
    return named;
  }
}

/** Polls until `done` holds, or throws after `timeoutMs` saying what was awaited. */
export async function until(what: string, done: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await done())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
