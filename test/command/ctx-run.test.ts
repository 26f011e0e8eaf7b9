/** `ctx.run`: the one way a command uses another, through the runner, as of the caller's close and in its channel. */
import { afterAll, describe, expect, it } from 'vitest';
import rotation from '../../commands/rotation.ts';
import type { Answer } from '../../src/answer/answer.ts';
import { emptyAnswer } from '../../src/answer/build.ts';
import { defineCommand, type ChannelContext } from '../../src/command/define.ts';
import { opt } from '../../src/command/options.ts';
import { createTestApp } from '../_app.ts';

/** Runs the command it is given (no arguments) and returns that Answer, as /digest preview runs /rotation. */
const outer = defineCommand({
  name: 'outer',
  description: 'Runs another command',
  options: { command: opt.text({ description: 'The command to run', maxLength: 20, positional: true }) },
  examples: ['/outer rotation'],
  async run(ctx, o): Promise<Answer> {
    return ctx.run({ name: o.command ?? 'rotation', args: { words: [], named: {} } });
  },
});

/** Says which channel it runs in. */
const where = defineCommand({
  name: 'where',
  description: 'Says the channel',
  usesMarketData: false,
  options: {},
  examples: ['/where'],
  async run(ctx): Promise<Answer> {
    const a = emptyAnswer('where', 'Where', null, null);
    a.lines.push(ctx.channel?.id ?? 'nowhere');
    return a;
  },
});

let checks = 0;
const app = createTestApp({
  commands: [outer, where, rotation],
  limiter: {
    async check() {
      checks++;
    },
  },
});
afterAll(() => app.close());

async function ok(text: string, channel?: ChannelContext): Promise<Answer> {
  const r = await app.runner.runText(text, {}, channel);
  if (!r.ok) throw new Error(`${text} failed: ${r.error.message}`);
  return r.answer;
}

describe('ctx.run', () => {
  it('answers as of the caller’s close, exactly as the command typed with that asof', async () => {
    checks = 0;
    const nested = await ok('/outer rotation asof:2025-04-09');
    expect(checks, 'one rate-limit check: the nested run is part of the admitted one').toBe(1);
    expect(nested.asOf).toBe('2025-04-09');
    const typed = await ok('/rotation asof:2025-04-09');
    expect(nested.lines).toEqual(typed.lines);
    expect(nested.detail).toEqual(typed.detail);
    expect(nested.facts).toEqual(typed.facts);
  });

  it('a date that is not a trading day is the close before it, once', async () => {
    // Sat Apr 12, 2025: the outer command answers as of Fri Apr 11, and so does the one it runs.
    const nested = await ok('/outer rotation asof:2025-04-12');
    expect(nested.asOf).toBe('2025-04-11');
    expect(nested.warnings.filter((w) => w.includes('was not a trading day'))).toHaveLength(1);
  });

  it('runs in the caller’s channel', async () => {
    const channel: ChannelContext = { platform: 'discord', id: 'C42', canManage: false };
    expect((await ok('/outer where', channel)).lines).toEqual(['C42']);
    expect((await ok('/outer where')).lines).toEqual(['nowhere']);
  });

  it('refuses a command it does not know as the person’s mistake, and a command running itself', async () => {
    const unknown = await app.runner.runText('/outer nosuch');
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.message).toMatch(/There is no \/nosuch command/);
    const self = await app.runner.runText('/outer outer');
    expect(self.ok).toBe(false);
    if (!self.ok) expect(self.error.audience).toBe('internal');
  });
});
