/**
 * What the adapters report to operations, end to end against the fakes: readiness for /healthz,
 * ack and reply latencies for /metrics, and the runner's rate limit reaching only the person over it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestLimiter } from '../../src/ops/limits.ts';
import { startChatRig, until, type ChatRig } from './_chat.ts';

let rig: ChatRig;
beforeAll(async () => {
  // One command per person at once, then one a minute: the second command in a row is refused.
  rig = await startChatRig({ renderThreads: 1, limiter: createRequestLimiter({ userPerMinute: 1, userBurst: 1, channelPerMinute: 0 }) });
}, 60_000);
afterAll(() => rig?.close());

/** The value of one sample in the app's /metrics text (the adapters record into the app's metrics). */
async function sample(series: string): Promise<number> {
  const line = (await rig.app.metrics.text()).split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('adapters and operations', () => {
  it('report their connections as ready', () => {
    const report = rig.app.health.report();
    expect(report.components.discord?.ready, 'Discord READY').toBe(true);
    expect(report.components.slack?.ready, 'Slack listening').toBe(true);
  });

  it('time every acknowledgement and reply, per platform', async () => {
    const before = { dAck: await sample('tapebot_ack_seconds_count{platform="discord"}'), sAck: await sample('tapebot_ack_seconds_count{platform="slack"}') };
    const d = rig.sendDiscord('/help', '100000000000000001');
    const s = await rig.sendSlack('/help', { user: 'U0OPS00001', channel: 'C0OPS00001' });
    await until('both replies', () => rig.discordOutcome(d) !== null && rig.slackOutcome({ channel: 'C0OPS00001', responseUrl: s.responseUrl }) !== null, 30_000);
    expect(await sample('tapebot_ack_seconds_count{platform="discord"}'), 'one more Discord ack').toBe(before.dAck + 1);
    expect(await sample('tapebot_ack_seconds_count{platform="slack"}'), 'one more Slack ack').toBe(before.sAck + 1);
    // The fake has the final reply a moment before the bot, which times the reply once its request returns.
    await until('the Discord reply timed', async () => (await sample('tapebot_reply_seconds_count{platform="discord",outcome="ok"}')) >= 1, 10_000);
    expect(await sample('tapebot_commands_total{command="help",platform="discord",outcome="ok"}')).toBeGreaterThanOrEqual(1);
    expect(await sample('tapebot_commands_total{command="help",platform="slack",outcome="ok"}')).toBeGreaterThanOrEqual(1);
  });

  it('tells only the person over the limit to slow down, on both platforms', async () => {
    const first = rig.sendDiscord('/help', '100000000000000002');
    await until('the first answer', () => rig.discordOutcome(first) !== null, 30_000);
    const second = rig.sendDiscord('/help compare', '100000000000000002');
    const other = rig.sendDiscord('/help compare', '100000000000000003');
    await until('both replies', () => rig.discordOutcome(second) !== null && rig.discordOutcome(other) !== null, 30_000);
    const limited = rig.discordOutcome(second);
    expect(limited?.kind, 'the second command in a row is refused').toBe('error');
    // Refused before any work: the acknowledgement itself is the answer (callback type 4), with no public defer.
    const body = limited?.request.json as { type?: number; data?: { content?: string; flags?: number } };
    expect(body.type, 'an immediate reply, not a deferral').toBe(4);
    expect(body.data?.content).toMatch(/Slow down a little — try again in \d+ s/);
    expect(body.data?.flags, 'ephemeral: only that person sees it').toBe(64);
    expect(rig.discordOutcome(other)?.kind, 'someone else is not affected').toBe('answer');

    const a = await rig.sendSlack('/help', { user: 'U0OPS00002', channel: 'C0OPS00002' });
    await until('the first Slack answer', () => rig.slackOutcome({ channel: 'C0OPS00002', responseUrl: a.responseUrl }) !== null, 30_000);
    const b = await rig.sendSlack('/help', { user: 'U0OPS00002', channel: 'C0OPS00003' });
    await until('the Slack refusal', () => rig.slackOutcome({ channel: 'C0OPS00003', responseUrl: b.responseUrl }) !== null, 30_000);
    const refusal = rig.slackOutcome({ channel: 'C0OPS00003', responseUrl: b.responseUrl });
    expect(refusal?.kind).toBe('error');
    expect(refusal?.call.params).toMatchObject({ response_type: 'ephemeral' });
    expect(String(refusal?.call.params.text)).toMatch(/Slow down a little — try again in \d+ s/);
  });

  it('report not ready once stopped', async () => {
    await rig.discord.stop(1_000);
    await rig.slack.stop(1_000);
    const report = rig.app.health.report();
    expect(report.status).toBe('unavailable');
    expect(report.components.discord).toMatchObject({ ready: false, detail: 'stopped' });
    expect(report.components.slack).toMatchObject({ ready: false, detail: 'stopped' });
  });
});
