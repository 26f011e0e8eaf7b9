/**
 * No secret leaves through a log line or a chat message. Both adapters run against their fakes with
 * known tokens and secrets; every command of commands/index.ts and the error paths are driven
 * through each; then every log line (debug level, Bolt's and discord.js's own included) and every
 * request the bot sent to either fake are searched for those values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { defineCommand } from '../../src/command/define.ts';
import { memoryLog } from '../ops/_memory-log.ts';
import { SECRETS, startChatRig, until, type ChatRig } from './_chat.ts';

/** Fails with an error that quotes a token, as a careless upstream library might. */
const boom = defineCommand({
  name: 'boom',
  description: 'Fails quoting a secret (test only)',
  usesMarketData: false,
  options: {},
  examples: ['/boom'],
  async run() {
    throw new Error(`upstream refused token ${SECRETS.slackBotToken} and ${SECRETS.discordToken}`);
  },
});

const log = memoryLog('debug');
let rig: ChatRig;

beforeAll(async () => {
  // This test is about what is said, not when: Discord's commands go out at once, and the bot, the fakes
  // and the test share one process, so with both cores busy some of the 20-odd acknowledgements arrived
  // past Discord's 3 s (the fake then refuses them, as Discord does, and those commands never replied).
  // The deadline itself is held by test/hardening/load.test.ts and the Discord adapter's tests.
  rig = await startChatRig({ logger: log.logger, secrets: log.secrets, commands: [...commands, boom], renderThreads: 1, discordAckDeadlineMs: 60_000 });
}, 60_000);
afterAll(() => rig?.close());

/** Every form a secret could take in text: as is, JSON-escaped, percent-encoded. */
const forms = (s: string) => [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)];
const SECRET_FORMS = Object.values(SECRETS).flatMap(forms);

function leaks(text: string): string[] {
  return SECRET_FORMS.filter((s) => text.includes(s));
}

describe('secrets stay secret', () => {
  it('drives every command and the error paths through Discord and Slack, and no secret appears anywhere', async () => {
    const texts = [...commands.map((c) => c.examples[0] ?? `/${c.name}`), '/compare IWM NOPE', '/compare IWM SPY asof:2099-01-01', '/boom'];
    // Discord's commands go out at once; Slack's follow, one at a time, once Discord's have replied. All
    // forty at once starved this one process (bot, fakes and test) with both cores busy: Slack requests
    // waited past the HTTP server's 5 s for their headers (408), and past Bolt's 3 s for their ack.
    // Each wait fails saying which replies never came (seconds here; ~10 s with both cores busy).
    const discord = texts.map((t) => ({ text: t, d: rig.sendDiscord(t) }));
    const noDiscordReply = () => discord.filter((x) => rig.discordOutcome(x.d) === null).map((x) => x.text);
    await until('a reply to every Discord command', () => noDiscordReply().length === 0, 90_000).catch((err: unknown) => {
      throw new Error(`${err instanceof Error ? err.message : String(err)}; none yet to: ${noDiscordReply().join(', ')}`);
    });
    const slack: { text: string; channel: string; responseUrl: string }[] = [];
    for (const [k, t] of texts.entries()) {
      const channel = `C0SECRET${String(k).padStart(2, '0')}`;
      const sent = await rig.sendSlack(t, { channel });
      expect(sent.status, `Slack acknowledged ${t}`).toBe(200);
      slack.push({ text: t, channel, responseUrl: sent.responseUrl });
    }
    const noSlackReply = () => slack.filter((x) => rig.slackOutcome(x) === null).map((x) => x.text);
    await until('a reply to every Slack command', () => noSlackReply().length === 0, 90_000).catch((err: unknown) => {
      throw new Error(`${err instanceof Error ? err.message : String(err)}; none yet to: ${noSlackReply().join(', ')}`);
    });

    // Commands that change a channel's subscriptions may be refused here (the fake person cannot
    // manage the channel); that is still a reply to search. The error paths must be errors.
    const failing = new Set(['/compare IWM NOPE', '/compare IWM SPY asof:2099-01-01', '/boom']);
    for (const x of discord) if (failing.has(x.text)) expect(rig.discordOutcome(x.d)?.kind, `Discord: ${x.text}`).toBe('error');
    for (const x of slack) if (failing.has(x.text)) expect(rig.slackOutcome(x)?.kind, `Slack: ${x.text}`).toBe('error');
    const answered = [...discord.map((x) => rig.discordOutcome(x.d)?.kind), ...slack.map((x) => rig.slackOutcome(x)?.kind)].filter((k) => k === 'answer').length;
    const refused = [
      ...discord.filter((x) => !failing.has(x.text) && rig.discordOutcome(x.d)?.kind === 'error').map((x) => `Discord ${x.text}: ${JSON.stringify(rig.discordOutcome(x.d)?.request.json).slice(0, 300)}`),
      ...slack.filter((x) => !failing.has(x.text) && rig.slackOutcome(x)?.kind === 'error').map((x) => `Slack ${x.text}: ${JSON.stringify(rig.slackOutcome(x)?.call.params).slice(0, 300)}`),
    ];
    expect(answered, `most commands answered, with their charts; refused:\n${refused.join('\n')}`).toBeGreaterThanOrEqual(2 * (texts.length - failing.size) - 6);

    // The secret-quoting failure: people see a reference, the log has the detail — masked.
    const boomSent = discord.find((x) => x.text === '/boom');
    const boomReply = boomSent ? JSON.stringify(rig.discordOutcome(boomSent.d)?.request.json) : '';
    const ref = /reference ([0-9a-f]{6})/.exec(boomReply)?.[1];
    expect(ref, boomReply).toBeDefined();
    const failure = log.records().find((l) => l.requestId === ref && l.msg === 'command failed');
    expect(JSON.stringify(failure?.err), 'the log keeps the error, with the tokens masked').toContain('upstream refused token [redacted] and [redacted]');

    // The secrets really were in use, so finding none below means something.
    expect(rig.fakeDiscord.requests.some((r) => r.headers.authorization === `Bot ${SECRETS.discordToken}`), 'Discord calls carried the token').toBe(true);
    expect(rig.fakeSlack.calls.some((c) => c.authorization === `Bearer ${SECRETS.slackBotToken}`), 'Slack calls carried the token').toBe(true);
    expect(log.raw.length, 'there was plenty to search').toBeGreaterThan(50);

    const logLeaks = log.raw.flatMap((line) => leaks(line).map((s) => `${s.slice(0, 12)}… in ${line.slice(0, 200)}`));
    expect(logLeaks, 'no log line holds a secret').toEqual([]);

    // What the bot sent: message bodies, query strings, file names — everything but the credentials
    // themselves (the Authorization header, and the `token` field Bolt's auth.test posts to Slack).
    const discordSent = rig.fakeDiscord.requests.map((r) => JSON.stringify({ path: r.path, query: r.query, json: r.json, files: r.files.map((f) => ({ ...f, data: undefined })) }));
    const slackSent = rig.fakeSlack.calls.map((c) => {
      const { token, ...params } = c.params;
      if (token !== undefined) expect(c.method, 'a token travels as a parameter only to authenticate').toBe('auth.test');
      return JSON.stringify({ method: c.method, path: c.path, params });
    });
    const sentLeaks = [...discordSent, ...slackSent].flatMap((m) => leaks(m).map((s) => `${s.slice(0, 12)}… in ${m.slice(0, 200)}`));
    expect(sentLeaks, 'no message sent to Discord or Slack holds a secret').toEqual([]);
    expect(discordSent.length + slackSent.length, 'every reply was searched').toBeGreaterThan(texts.length * 2);
  }, 240_000);
});
