/**
 * Shutdown answers everyone (issue 20, item 5), with both chat adapters against the fakes and the
 * shutdown sequence wired as main.ts wires it: work arriving while draining hears "restarting" on
 * both platforms (Discord: an ephemeral reply, or a reaction on a question; Slack: the HTTP server
 * still answers, and the reply is ephemeral), replies still waiting when the grace period ends are
 * told the same, the log and exit code say what was abandoned, and a second signal ends the grace
 * period at once but still tells everyone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { commands as allCommands } from '../../commands/index.ts';
import { emptyAnswer } from '../../src/answer/build.ts';
import { RESTARTING_REACTION } from '../../src/adapters/discord/mentions.ts';
import { defineCommand } from '../../src/command/define.ts';
import { createShutdown, EXIT_ABANDONED, type Shutdown } from '../../src/ops/shutdown.ts';
import { eventCallbackBody, JSON_TYPE, sendSigned } from '../fakes/slack/requests.ts';
import type { DispatchedInteraction, RecordedRequest } from '../fakes/discord/server.ts';
import { memoryLog, type MemoryLog } from '../ops/_memory-log.ts';
import { SECRETS, startChatRig, until, type ChatRig } from './_chat.ts';

const RESTARTING = /I’m restarting — try again in a moment/;

/** A command stalled on its provider: it never finishes while the test runs. */
let started = 0;
const stall = defineCommand({
  name: 'stall',
  description: 'waits for a provider that never answers',
  usesMarketData: false,
  options: {},
  examples: ['/stall'],
  async run() {
    started++;
    await new Promise<void>(() => {});
    return emptyAnswer('stall', 'never', null, null);
  },
});

let rig: ChatRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

interface Wired {
  rig: ChatRig;
  log: MemoryLog;
  shutdown: Shutdown;
  exitCode: () => number | undefined;
}

async function wired(graceMs: number): Promise<Wired> {
  const log = memoryLog('info');
  const r = await startChatRig({ logger: log.logger, secrets: log.secrets, renderThreads: 1, commands: [...allCommands, stall] });
  rig = r;
  let code: number | undefined;
  const shutdown = createShutdown({ gate: r.app.gate, logger: log.logger, graceMs, exit: (c) => (code = c) });
  shutdown.onDrain({ name: 'discord', run: (deadline) => r.discord.stop(graceMs, deadline) });
  shutdown.onDrain({ name: 'slack', run: (deadline) => r.slack.stop(graceMs, deadline) });
  return { rig: r, log, shutdown, exitCode: () => code };
}

const discordText = (r: RecordedRequest | undefined) => String((r?.json as { data?: { content?: string }; content?: string } | undefined)?.data?.content ?? (r?.json as { content?: string } | undefined)?.content ?? '');
const ephemeralFlag = (r: RecordedRequest | undefined) => ((r?.json as { data?: { flags?: number }; flags?: number } | undefined)?.data?.flags ?? (r?.json as { flags?: number } | undefined)?.flags ?? 0) & 64;

/** Sends `n` stalled commands on each platform and waits until all are running. */
async function stalled(r: ChatRig, n: number): Promise<{ discord: DispatchedInteraction[]; slack: string[] }> {
  const before = started;
  const discord = Array.from({ length: n }, (_, i) => r.sendDiscord('/stall', String(200_000_000_000_000_000n + BigInt(i))));
  const slack: string[] = [];
  for (let i = 0; i < n; i++) slack.push((await r.sendSlack('/stall', { user: `U0STALL${i}`, channel: `C0STALL${i}` })).responseUrl);
  await until('the stalled commands to be running', () => started - before === 2 * n, 30_000);
  return { discord, slack };
}

function expectToldRestarting(r: ChatRig, s: { discord: DispatchedInteraction[]; slack: string[] }): void {
  for (const d of s.discord) {
    const outcome = r.discordOutcome(d);
    expect(outcome?.kind, 'the stalled Discord command got a last word').toBe('error');
    expect(discordText(outcome?.request)).toMatch(RESTARTING);
    expect(ephemeralFlag(outcome?.request), 'only that person sees it').toBe(64);
  }
  for (const url of s.slack) {
    const said = r.fakeSlack.responsesTo(url);
    expect(said.map((c) => String(c.params.text)).join('\n'), 'the stalled Slack command got a last word').toMatch(RESTARTING);
    expect(said[0]?.params).toMatchObject({ response_type: 'ephemeral' });
  }
}

function shutDownLine(log: MemoryLog): Record<string, unknown> | undefined {
  return log.records().find((l) => typeof l.msg === 'string' && l.msg.startsWith('shut down'));
}

describe('SIGTERM with work in flight and work arriving', () => {
  it('new arrivals hear "restarting" on both platforms; the stalled replies are told at the end of the grace period; log and exit code say so', async () => {
    const w = await wired(2_000);
    const r = w.rig;
    const s = await stalled(r, 1);
    const done = w.shutdown.run('SIGTERM');

    // Arriving while draining: a Discord slash command, a Discord question, a Slack slash command, a Slack question.
    const d = r.sendDiscord('/help', '300000000000000001');
    const question = r.fakeDiscord.userMessage(`<@${r.fakeDiscord.botUser.id}> how is IWM doing`, { author: { ...r.fakeDiscord.person, id: '300000000000000002' } });
    r.fakeDiscord.dispatchMessage(question);
    const slash = await r.sendSlack('/help', { user: 'U0LATE0001', channel: 'C0LATE0001' });
    expect(slash.status, 'the Slack server still answers while draining').toBe(200);
    const mention = eventCallbackBody({ type: 'app_mention', user: 'U0LATE0002', text: `<@${r.fakeSlack.botUserId}> how is IWM doing`, ts: `${Date.now() / 1000}`, channel: 'C0LATE0002' });
    expect((await sendSigned(r.slack.url ?? '', SECRETS.slackSigningSecret, { contentType: JSON_TYPE, body: mention })).status).toBe(200);

    await done;
    // Discord slash command: the acknowledgement itself, private.
    const late = r.discordOutcome(d);
    expect(late?.kind).toBe('error');
    expect(discordText(late?.request)).toMatch(RESTARTING);
    expect(ephemeralFlag(late?.request)).toBe(64);
    // Discord question: a reaction, nothing public.
    expect(r.fakeDiscord.requests.some((q) => q.method === 'PUT' && q.path.includes(`/messages/${question.id}/reactions/${RESTARTING_REACTION}/@me`)), 'a 🔄 reaction on the question').toBe(true);
    expect(r.fakeDiscord.requests.some((q) => q.method === 'POST' && (q.json as { message_reference?: { message_id?: string } } | undefined)?.message_reference?.message_id === question.id), 'no public reply').toBe(false);
    // Slack: both private.
    expect(String(r.fakeSlack.responsesTo(slash.responseUrl)[0]?.params.text)).toMatch(RESTARTING);
    const eph = r.fakeSlack.callsTo('chat.postEphemeral').find((c) => c.params.user === 'U0LATE0002');
    expect(String(eph?.params.text)).toMatch(RESTARTING);
    expect(r.fakeSlack.callsTo('chat.postMessage'), 'nothing public on Slack').toEqual([]);

    expectToldRestarting(r, s);
    expect(shutDownLine(w.log), 'the log says what was abandoned').toMatchObject({ reason: 'SIGTERM', clean: false, abandoned: 2 });
    expect(w.exitCode(), 'not 0 when replies were dropped').toBe(EXIT_ABANDONED);
  }, 60_000);

  it('with nothing in flight, exits 0 and says clean', async () => {
    const w = await wired(2_000);
    await w.shutdown.run('SIGTERM');
    expect(shutDownLine(w.log)).toMatchObject({ clean: true, abandoned: 0 });
    expect(w.exitCode()).toBe(0);
  }, 60_000);
});

describe('a second signal', () => {
  it('ends a long grace period at once, and every reply in flight still hears "restarting"', async () => {
    // A grace period far longer than the test's own timeout: only the second signal can end it in time.
    const w = await wired(120_000);
    const s = await stalled(w.rig, 5);
    const done = w.shutdown.run('SIGTERM');
    w.shutdown.hurry();
    await done;
    expectToldRestarting(w.rig, s);
    expect(shutDownLine(w.log)).toMatchObject({ clean: false, abandoned: 10 });
    expect(w.exitCode()).toBe(EXIT_ABANDONED);
  }, 30_000);
});
