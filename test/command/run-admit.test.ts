/**
 * `runner.admit`: rate-limit tokens taken before an adapter shows anything, and `run` not charging
 * again for a command that was admitted. The limiter is the real one on a frozen clock, so a bucket
 * never refills during a test and every count below follows from the burst alone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyAnswer } from '../../src/answer/build.ts';
import { defineCommand } from '../../src/command/define.ts';
import { createCommandRunner, type CommandRunner, type RunMeta, type RunOutcome } from '../../src/command/run.ts';
import type { MarketData } from '../../src/data/market-data.ts';
import { createSymbolDirectory, loadManifest } from '../../src/data/symbols.ts';
import { createRequestLimiter } from '../../src/ops/limits.ts';
import { createWorkGate } from '../../src/ops/shutdown.ts';

const ping = defineCommand({
  name: 'ping',
  description: 'answers at once (test only)',
  usesMarketData: false,
  options: {},
  examples: ['/ping'],
  async run() {
    const a = emptyAnswer('ping', 'pong', null, null);
    a.lines.push('pong');
    return a;
  },
});

/** `ping` never asks for prices; any call here is a bug in the test's premise. */
const noMarket: MarketData = {
  series: () => Promise.reject(new Error('no market data in this test')),
  latestClose: () => Promise.reject(new Error('no market data in this test')),
  sourceLabel: 'none',
};
const symbols = createSymbolDirectory(loadManifest());
const PING = { name: 'ping', args: { words: [], named: {} } };

function setup(o: { userBurst?: number; channelBurst?: number; gate?: ReturnType<typeof createWorkGate> } = {}) {
  const ended: { command: string; outcome: RunOutcome }[] = [];
  const runner: CommandRunner = createCommandRunner({
    commands: [ping],
    market: noMarket,
    symbols,
    // 20 a minute = one token every 3 s; the clock never moves, so nothing refills.
    limiter: createRequestLimiter({ userPerMinute: 20, userBurst: o.userBurst ?? 2, channelPerMinute: 60, channelBurst: o.channelBurst ?? 100, now: () => 1_000_000 }),
    ...(o.gate ? { gate: o.gate } : {}),
    onDone: (e) => ended.push({ command: e.command, outcome: e.outcome }),
  });
  return { runner, ended };
}

const alice: RunMeta = { platform: 'discord', userId: 'alice', channelId: 'c1' };

describe('runner.admit', () => {
  it('takes a token per admission and refuses, in words, once the burst is used', async () => {
    const { runner, ended } = setup({ userBurst: 2 });
    expect((await runner.admit(alice, 'ping')).ok).toBe(true);
    expect((await runner.admit(alice, 'ping')).ok).toBe(true);
    const third = await runner.admit(alice, 'ping');
    expect(third.ok, 'burst of 2 used up by two admissions alone').toBe(false);
    if (third.ok) return;
    // One token every 60/20 = 3 s, and the bucket is exactly empty.
    expect(third.error.message).toBe('Slow down a little — try again in 3 s.');
    expect(third.ref, 'a reference like any other refusal').toMatch(/^[0-9a-f]{6}$/);
    expect(ended, 'counted as a limited /ping, the only command that ended').toEqual([{ command: 'ping', outcome: 'limited' }]);
    expect((await runner.admit({ ...alice, userId: 'bob' }, 'ping')).ok, 'bob has his own allowance in the same channel').toBe(true);
  });

  it('an admitted command runs without taking a second token', async () => {
    const { runner } = setup({ userBurst: 2 });
    const a = await runner.admit(alice, 'ping');
    if (!a.ok) throw new Error('first admission refused');
    expect((await runner.run(PING, a.meta)).ok, 'already paid for').toBe(true);
    // Had the run charged, the bucket would be empty now.
    expect((await runner.admit(alice, 'ping')).ok, 'one token left after admit + run').toBe(true);
    expect((await runner.admit(alice, 'ping')).ok, 'and now none').toBe(false);
  });

  it('a ticket pays for one run only, and a hand-made one for none', async () => {
    const { runner } = setup({ userBurst: 3 });
    const a = await runner.admit(alice, 'ping');
    if (!a.ok) throw new Error('first admission refused');
    expect((await runner.run(PING, a.meta)).ok).toBe(true); // free
    expect((await runner.run(PING, { ...a.meta, via: 'copied' })).ok, 'the reused ticket is charged: token 2').toBe(true);
    const forged = { ...alice, admitted: {} } as unknown as RunMeta;
    expect((await runner.run(PING, forged)).ok, 'forged ticket charged: token 3').toBe(true);
    const last = await runner.run(PING, forged);
    expect(last.ok, 'all 3 tokens gone: a forged ticket does not skip the limiter').toBe(false);
    if (!last.ok) expect(last.error.message).toMatch(/^Slow down a little/);
  });

  it('keeps the request id through to the run, so both log under one reference', async () => {
    const { runner } = setup();
    const a = await runner.admit({ ...alice, requestId: 'req42' }, 'ping');
    expect(a.ok && a.meta.requestId).toBe('req42');
    const fresh = await runner.admit(alice, 'ping');
    if (!fresh.ok) throw new Error('refused');
    const r = await runner.run(PING, fresh.meta);
    expect(r.ok && r.requestId, 'the id made at admission is the run’s').toBe(fresh.meta.requestId);
  });

  it('lets anonymous callers through (the console, digests: no ids, no limit)', async () => {
    const { runner } = setup({ userBurst: 1 });
    for (let k = 0; k < 5; k++) expect((await runner.admit({ platform: 'console' }, 'ping')).ok).toBe(true);
  });

  it('refuses while shutting down, and an open gate is left with nothing in flight', async () => {
    const gate = createWorkGate();
    const { runner, ended } = setup({ gate });
    expect((await runner.admit(alice, 'ping')).ok).toBe(true);
    expect(gate.inFlight, 'admission only peeks at the gate; the run is what counts in flight').toBe(0);
    gate.close();
    const r = await runner.admit(alice, 'ping');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/restarting/);
    expect(ended.at(-1)).toEqual({ command: 'ping', outcome: 'restarting' });
  });

  it('property: with no refill, exactly the first `burst` token-taking calls pass, and admitted runs always pass', async () => {
    type Op = 'admit' | 'runAdmitted' | 'runPlain';
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.array(fc.constantFrom<Op>('admit', 'runAdmitted', 'runPlain'), { maxLength: 30 }), async (burst, ops) => {
        const { runner } = setup({ userBurst: burst });
        const tickets: RunMeta[] = [];
        let taken = 0;
        for (const op of ops) {
          if (op === 'runAdmitted') {
            const meta = tickets.pop();
            if (!meta) continue;
            expect((await runner.run(PING, meta)).ok, 'an admitted run is never refused').toBe(true);
            continue;
          }
          // Independent count: this call takes a token iff fewer than `burst` were taken before it.
          const shouldPass = taken < burst;
          if (op === 'admit') {
            const a = await runner.admit(alice, 'ping');
            expect(a.ok).toBe(shouldPass);
            if (a.ok) tickets.push(a.meta);
          } else {
            expect((await runner.run(PING, alice)).ok).toBe(shouldPass);
          }
          if (shouldPass) taken++;
        }
      }),
      { numRuns: 200 },
    );
  });
});
