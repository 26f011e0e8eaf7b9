/**
 * What a hostile person can make tapebot post, end to end against the fakes (issue 20, item 4):
 * an echo of what was typed is inline code, short, with links and mentions broken — on a Discord
 * mention, a Slack slash command and a Slack mention; a 100 KB value is never echoed whole; and
 * every question, readable or not, is charged to the rate limit, with refusals never public.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLOW_DOWN_REACTION } from '../../src/adapters/discord/mentions.ts';
import { createRequestLimiter } from '../../src/ops/limits.ts';
import { slackCommandName } from '../../src/adapters/slack/manifest.ts';
import { eventCallbackBody, FORM, JSON_TYPE, sendSigned, slashCommandBody } from '../fakes/slack/requests.ts';
import type { RecordedRequest } from '../fakes/discord/server.ts';
import { memoryLog } from '../ops/_memory-log.ts';
import { SECRETS, startChatRig, until, type ChatRig } from './_chat.ts';

const LINK = '[Claim-airdrop](https://evil.example/x)';
const SLACK_LINK = '<https://evil.example/x|Claim-airdrop>';
/** What must never reach a chat as the bot's own words. */
const HOSTILE = [/\]\(https?:/, /https?:\/\/evil/, /<https?:/, /<!channel>/, /<!here>/, /@everyone/, /@here/];

const log = memoryLog('info');
let rig: ChatRig;
let ids = 100_000_000_000_000_100n;
const newDiscordUser = () => String(ids++);

beforeAll(async () => {
  // Three questions at once per person, then one a minute: the 4th in a burst is refused.
  rig = await startChatRig({ logger: log.logger, secrets: log.secrets, renderThreads: 1, limiter: createRequestLimiter({ userPerMinute: 1, userBurst: 3, channelPerMinute: 0 }) });
}, 60_000);
afterAll(() => rig?.close());

function expectInert(text: string, what: string): void {
  for (const re of HOSTILE) expect(text, `${what}: ${re}`).not.toMatch(re);
}

/** A Discord mention from `user`; resolves with the message id. */
function mentionOnDiscord(text: string, user: string): string {
  const m = rig.fakeDiscord.userMessage(`<@${rig.fakeDiscord.botUser.id}> ${text}`, { author: { ...rig.fakeDiscord.person, id: user } });
  rig.fakeDiscord.dispatchMessage(m);
  return m.id;
}
const replyTo = (messageId: string) => (r: RecordedRequest) =>
  r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path) && (r.json as { message_reference?: { message_id?: string } } | undefined)?.message_reference?.message_id === messageId;
const publicPosts = (channelId: string) => rig.fakeDiscord.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${channelId}/messages`);
const reactions = (messageIds: readonly string[]) => rig.fakeDiscord.requests.filter((r) => r.method === 'PUT' && messageIds.some((id) => r.path.includes(`/messages/${id}/reactions/`)));

function slackMention(text: string, user: string, channel: string): Promise<unknown> {
  const ts = `${Date.now() / 1000}${Math.floor(Math.random() * 1000)}`;
  const body = eventCallbackBody({ type: 'app_mention', user, text: `<@${rig.fakeSlack.botUserId}> ${text}`, ts, channel });
  return sendSigned(rig.slack.url ?? '', SECRETS.slackSigningSecret, { contentType: JSON_TYPE, body });
}

/** Runner log lines saying this person's question was refused for the rate limit. */
const limitedLines = (userId: string) => log.records().filter((r) => r.msg === 'command refused' && r.outcome === 'limited' && r.userId === userId).length;

describe('an echo of what was typed', () => {
  it('on a Discord mention: inline code, the link and mentions broken', async () => {
    const id = mentionOnDiscord(`/compare IWM SPY period:${LINK} @everyone`, newDiscordUser());
    const reply = await rig.fakeDiscord.waitForRequest(replyTo(id), 30_000);
    const content = String((reply.json as { content?: string }).content);
    expect(content).toMatch(/^I read that as `\/compare IWM SPY period:\[Claim-airdrop\]/);
    expectInert(content, 'the Discord reply');
    expect(content).toMatch(/`[^`]*Claim-airdrop[^`]*` is not a period I know/);
  });

  it('on a Slack slash command: the link, <url|text> and <!channel> broken', async () => {
    for (const value of [LINK, SLACK_LINK, '<!channel>']) {
      const s = await rig.sendSlack(`/compare IWM SPY period:${value}`, { user: `U0ECHO${value.length}`, channel: 'C0ECHO0001' });
      await until('the Slack refusal', () => rig.fakeSlack.responsesTo(s.responseUrl).length > 0, 30_000);
      const text = String(rig.fakeSlack.responsesTo(s.responseUrl)[0]?.params.text);
      expect(text).toMatch(/`.*` is not a period I know/);
      expectInert(text, `the Slack refusal of ${value}`);
    }
  });

  it('on a Slack mention: the same', async () => {
    await slackMention(`/compare IWM SPY period:${LINK}`, 'U0ECHOM001', 'C0ECHOM001');
    const call = await rig.fakeSlack.waitFor((c) => c.method === 'chat.postEphemeral' && c.params.user === 'U0ECHOM001', 30_000);
    const text = String(call.params.text);
    expect(text).toMatch(/I read that as `/);
    expectInert(text, 'the Slack question back');
  });

  it('a 100 KB Slack period value is not echoed whole', async () => {
    const responseUrl = rig.fakeSlack.responseUrl();
    const body = slashCommandBody({ command: slackCommandName('compare'), text: `IWM SPY period:${'x'.repeat(100_000)}`, channel_id: 'C0HUGE0001', user_id: 'U0HUGE0001', response_url: responseUrl });
    expect((await sendSigned(rig.slack.url ?? '', SECRETS.slackSigningSecret, { contentType: FORM, body })).status).toBe(200);
    await until('the Slack refusal', () => rig.fakeSlack.responsesTo(responseUrl).length > 0, 30_000);
    const text = String(rig.fakeSlack.responsesTo(responseUrl)[0]?.params.text);
    expect(text).toMatch(/is not a period I know/);
    expect(text.length, 'a short refusal').toBeLessThan(600);
    expect(text).not.toContain('x'.repeat(100));
  });
});

describe('thirty unreadable questions from one person', () => {
  it('on Discord: three answers, then one reaction and silence — no public "slow down"', async () => {
    const user = newDiscordUser();
    const sent = Array.from({ length: 30 }, (_, i) => mentionOnDiscord(`blorp zindle quax ${i}`, user));
    // Every refusal is logged by the runner: the explicit signal that all 30 were handled.
    await until('27 refusals', () => limitedLines(user) === 27, 60_000);
    await until('3 answers and a reaction', () => sent.filter((id) => rig.fakeDiscord.requests.some(replyTo(id))).length === 3 && reactions(sent).length === 1, 30_000);
    const channel = rig.fakeDiscord.channelId;
    const answered = publicPosts(channel).filter((r) => sent.some((id) => replyTo(id)(r)));
    expect(answered, 'only the admitted three are answered in public').toHaveLength(3);
    for (const r of answered) expect(String((r.json as { content?: string }).content)).not.toMatch(/Slow down/);
    const [reaction] = reactions(sent);
    expect(reaction?.path, 'a reaction says "slow down"').toContain(`/reactions/${SLOW_DOWN_REACTION}/@me`);
  }, 90_000);

  it('on Slack: every refusal is ephemeral, nothing public', async () => {
    const user = 'U0FLOOD001';
    const channel = 'C0FLOOD001';
    for (let i = 0; i < 30; i++) await slackMention(`blorp zindle quax ${i}`, user, channel);
    const ephemeral = () => rig.fakeSlack.callsTo('chat.postEphemeral').filter((c) => c.params.user === user);
    await until('30 private replies', () => ephemeral().length === 30, 60_000);
    const slowDowns = ephemeral().filter((c) => /Slow down a little/.test(String(c.params.text)));
    expect(slowDowns, 'all but the first three are told to slow down').toHaveLength(27);
    expect(rig.fakeSlack.callsTo('chat.postMessage').filter((c) => c.params.channel === channel), 'nothing public').toHaveLength(0);
  }, 90_000);
});
