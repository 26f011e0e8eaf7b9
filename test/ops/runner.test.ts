/**
 * The runner's operational duties, which every adapter inherits: limits, refusing work while
 * shutting down, a request id on every log line of a command, and a metric per command.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { commands as allCommands } from '../../commands/index.ts';
import { emptyAnswer } from '../../src/answer/build.ts';
import { defineCommand } from '../../src/command/define.ts';
import { createRequestLimiter } from '../../src/ops/limits.ts';
import { createMetrics } from '../../src/ops/metrics.ts';
import { createHealthRegistry } from '../../src/ops/health.ts';
import { createTestApp } from '../_app.ts';
import { memoryLog } from './_memory-log.ts';

/** A command that fails in a way nobody planned for (an internal error). */
const boom = defineCommand({
  name: 'boom',
  description: 'fails on purpose',
  usesMarketData: false,
  options: {},
  examples: ['/boom'],
  async run() {
    throw new TypeError("Cannot read properties of undefined (reading 'close')");
  },
});

/** A command that waits until released, to hold work in flight. */
let releaseSlow: () => void = () => {};
const slow = defineCommand({
  name: 'slow',
  description: 'waits until the test lets it finish',
  usesMarketData: false,
  options: {},
  examples: ['/slow'],
  async run() {
    await new Promise<void>((resolve) => (releaseSlow = resolve));
    const a = emptyAnswer('slow', 'done', null, null);
    a.lines.push('finished');
    return a;
  },
});

const log = memoryLog();
const metrics = createMetrics();
const app = createTestApp({
  commands: [...allCommands, boom, slow],
  logger: log.logger,
  metrics,
  health: createHealthRegistry(),
  limiter: createRequestLimiter({ userPerMinute: 20, userBurst: 2, channelPerMinute: 60, channelBurst: 5 }),
});
afterAll(() => app.close());

describe('limits in the runner', () => {
  it('slows down the one person over the limit, in words, and lets others through', async () => {
    const alice = { platform: 'discord', userId: 'alice', channelId: 'c-limits' };
    expect((await app.runner.runText('/help', alice)).ok).toBe(true);
    expect((await app.runner.runText('/help', alice)).ok).toBe(true);
    const third = await app.runner.runText('/help', alice);
    expect(third.ok, 'burst of 2 used up').toBe(false);
    if (third.ok) return;
    // 20 a minute: one token every 3 s.
    expect(third.error.message).toBe('Slow down a little — try again in 3 s.');
    expect(third.error.audience, 'shown to the person as something to retry').toBe('retry');
    expect((await app.runner.runText('/help', { ...alice, userId: 'bob' })).ok, 'bob has his own allowance').toBe(true);
  });

  it('keys on the fields adapters send today (adapter/user/channel) and on the invocation’s channel', async () => {
    const legacy = { adapter: 'slack', user: 'carol', channel: 'c-legacy' };
    await app.runner.run({ name: 'help', args: { words: [], named: {} } }, legacy);
    await app.runner.run({ name: 'help', args: { words: [], named: {} } }, legacy);
    const r = await app.runner.run({ name: 'help', args: { words: [], named: {} } }, legacy);
    expect(r.ok, 'carol is limited through the older meta names').toBe(false);
    const viaChannel = { name: 'help', args: { words: [], named: {} }, channel: { platform: 'slack' as const, id: 'c-ctx', canManage: false, userId: 'dave' } };
    await app.runner.run(viaChannel);
    await app.runner.run(viaChannel);
    expect((await app.runner.run(viaChannel)).ok, 'dave is limited through the ChannelContext alone').toBe(false);
  });
});

describe('request ids', () => {
  it('puts one request id on every log line of a command and shows it as the reference', async () => {
    const before = log.raw.length;
    const r = await app.runner.runText('/boom', { platform: 'slack', userId: 'erin', channelId: 'c-ref' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toBe(`Something went wrong on my side — reference ${r.ref}.`);
    expect(r.error.message, 'no stack trace, no internal message in chat').not.toMatch(/TypeError|reading 'close'|\n\s+at /);
    const lines = log.records().slice(before);
    expect(lines.length, 'the failure was logged').toBeGreaterThan(0);
    for (const l of lines) expect(l.requestId, 'every line of this command carries its id').toBe(r.ref);
    const failure = lines.find((l) => l.msg === 'command failed');
    expect((failure?.err as { stack?: string } | undefined)?.stack, 'the log keeps the detail').toMatch(/TypeError/);
    expect(failure).toMatchObject({ platform: 'slack', userId: 'erin', channelId: 'c-ref', command: 'boom', level: 50 });
  });

  it('uses the id an adapter passes in, and gives successful results one too', async () => {
    const r = await app.runner.runText('/help', { platform: 'console', requestId: 'abc123' });
    expect(r.ok && r.requestId).toBe('abc123');
    const fresh = await app.runner.runText('/help', { platform: 'console' });
    expect(fresh.ok && fresh.requestId, 'a fresh id is made when none is given').toMatch(/^[0-9a-f]{6}$/);
    const odd = await app.runner.runText('/help', { platform: 'console', requestId: 'not ok\n' });
    expect(odd.ok && odd.requestId, 'an id that could not be shown as a reference is replaced').toMatch(/^[0-9a-f]{6}$/);
  });
});

describe('command metrics', () => {
  it('counts commands by name and outcome, with unknown names folded into one label', async () => {
    await app.runner.runText('/help', { platform: 'slack' });
    await app.runner.runText('/definitely-not-a-command-1', { platform: 'slack' });
    await app.runner.runText('/definitely-not-a-command-2', { platform: 'slack' });
    const text = await metrics.text();
    expect(text).toMatch(/tapebot_commands_total\{command="help",platform="slack",outcome="ok"\} \d+/);
    expect(text).toMatch(/tapebot_commands_total\{command="help",platform="discord",outcome="limited"\} 1/);
    expect(text).toMatch(/tapebot_commands_total\{command="boom",platform="slack",outcome="internal"\} 1/);
    expect(text, 'typed names never become labels').not.toMatch(/definitely-not/);
    expect(text).toMatch(/tapebot_commands_total\{command="\(unknown\)",platform="slack",outcome="user"\} 2/);
  });
});

describe('shutting down', () => {
  it('finishes the command in flight and refuses new ones with “restarting”', async () => {
    const inFlight = app.runner.runText('/slow');
    await new Promise((r) => setTimeout(r, 10));
    expect(app.gate.inFlight, 'the slow command is in flight').toBe(1);
    app.gate.close();
    const refused = await app.runner.runText('/help');
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toBe('I’m restarting — try again in a moment.');
    let drained = false;
    const waiting = app.gate.drained(5_000).then((d) => (drained = d));
    await new Promise((r) => setTimeout(r, 10));
    expect(drained, 'not drained while the slow command runs').toBe(false);
    releaseSlow();
    const done = await inFlight;
    expect(done.ok && done.answer.lines, 'the command in flight still answers').toEqual(['finished']);
    await waiting;
    expect(drained).toBe(true);
    expect(await metrics.text()).toMatch(/tapebot_commands_total\{command="help",platform="none",outcome="restarting"\} 1/);
  });
});
