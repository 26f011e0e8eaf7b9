/**
 * Slack acknowledgements are not held up by other commands' work. The listeners are driven directly
 * (a stand-in for Bolt that records the registered command listeners), with the real runner and a
 * recording renderer, so the assertions are on the order of events, never on time:
 *   - every request is acknowledged before its own analysis or chart starts;
 *   - while any acknowledgement is on its way, no command's analysis or chart starts (the ack-first
 *     scheduler). Before it, Slack's work queue started the analysis of earlier commands while later
 *     acks were still waiting, which is what held a probe's ack behind a burst of chart commands.
 */
import type { App as BoltApp, webApi } from '@slack/bolt';
import { afterAll, describe, expect, it } from 'vitest';
import { createAckFirstScheduler } from '../../../src/adapters/ack-first.ts';
import { DEFAULT_DELIVERY } from '../../../src/adapters/slack/deliver.ts';
import { registerCommands, type SlackHandlerDeps } from '../../../src/adapters/slack/handlers.ts';
import { slackCommandName } from '../../../src/adapters/slack/manifest.ts';
import { createWorkQueue } from '../../../src/adapters/slack/work-queue.ts';
import type { ChartRenderer } from '../../../src/charts/renderer.ts';
import type { CommandRunner } from '../../../src/command/run.ts';
import { silentLogger } from '../../../src/log.ts';
import { NO_LATENCY } from '../../../src/ops/metrics.ts';
import { createTestApp } from '../../_app.ts';

const SYMBOLS = ['SPY', 'QQQ', 'IWM', 'DIA', 'XLE', 'XLK', 'XLF', 'XLU', 'KRE', 'XBI'];
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('Slack acknowledgements come before work', () => {
  const app = createTestApp();
  afterAll(() => app.close());

  it('acknowledges every request before its own work starts, and starts no work while any ack is on its way', async () => {
    const events: string[] = [];
    const symbolOf = (text: string) => SYMBOLS.find((s) => text.includes(s)) ?? '?';
    const runner: Pick<CommandRunner, 'commands' | 'run'> = {
      commands: app.runner.commands,
      run(inv, meta) {
        events.push(`run ${symbolOf(inv.args.words.join(' '))}`);
        return app.runner.run(inv, meta);
      },
    };
    const renderer: ChartRenderer = {
      name: 'recording',
      async render(spec) {
        events.push(`render ${symbolOf(JSON.stringify(spec))}`);
        return PNG;
      },
      async close() {},
    };
    let posts = 0;
    const client = {
      files: { uploadV2: async () => ({ files: [{ files: [{ id: `F${posts}` }] }] }) },
      chat: {
        postMessage: async () => {
          posts++;
          return { ok: true, ts: String(posts) };
        },
      },
      conversations: { info: async () => ({ channel: { is_member: true } }) },
    } as unknown as webApi.WebClient;
    const queue = createWorkQueue({ concurrency: 8, maxQueued: 100 });
    const deps: SlackHandlerDeps = {
      runner: runner as CommandRunner,
      renderer,
      logger: silentLogger,
      metrics: NO_LATENCY,
      delivery: DEFAULT_DELIVERY,
      queue,
      // No forced turn on a slow machine: the order below must hold however long anything takes.
      scheduler: createAckFirstScheduler({ maxWorkDelayMs: 3_600_000 }),
      canManage: () => false,
    };
    const listeners = new Map<string, (args: Record<string, unknown>) => Promise<void>>();
    registerCommands({ command: (name: string, fn: (args: Record<string, unknown>) => Promise<void>) => listeners.set(name, fn) } as unknown as BoltApp, deps);
    const chart = listeners.get(slackCommandName('chart'));
    if (!chart) throw new Error('no /chart listener');

    const done: Promise<void>[] = [];
    for (const sym of SYMBOLS) {
      // An acknowledgement is an HTTP response on its way: it settles a little later, on its own.
      const ack = () => {
        events.push(`ack-start ${sym}`);
        return new Promise<void>((resolve) =>
          setImmediate(() =>
            setImmediate(() => {
              events.push(`ack-done ${sym}`);
              resolve();
            }),
          ),
        );
      };
      const command = { text: `${sym} 6m asof:2025-06-30`, channel_id: 'C0ORDER01', user_id: 'U1', team_id: 'T1' };
      done.push(chart({ ack, command, client, respond: async () => {}, context: { botUserId: 'UBOT' } }));
      // Requests arrive one event-loop turn apart, as they do off a socket.
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(done);
    await queue.idle();

    expect(posts, 'every command was answered').toBe(SYMBOLS.length);
    for (const sym of SYMBOLS) {
      const acked = events.indexOf(`ack-done ${sym}`);
      expect(acked, `${sym} acknowledged`).toBeGreaterThanOrEqual(0);
      expect(events.indexOf(`run ${sym}`), `${sym}: analysis after its ack`).toBeGreaterThan(acked);
      expect(events.indexOf(`render ${sym}`), `${sym}: chart after its ack`).toBeGreaterThan(acked);
    }
    const pending = new Set<string>();
    for (const e of events) {
      const [kind, sym] = e.split(' ') as [string, string];
      if (kind === 'ack-start') pending.add(sym);
      else if (kind === 'ack-done') pending.delete(sym);
      else expect(pending.size, `${e} started while acks for ${[...pending].join(', ')} were on their way`).toBe(0);
    }
  }, 60_000);
});
