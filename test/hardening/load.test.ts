/**
 * A small version of the load benchmark (bench/hardening.bench.ts runs 500 commands in 60 s with
 * timing targets): 100 commands through Discord and Slack against their fakes, cold and warm mixed.
 * No timing or memory assertions here — those are measured in the benchmark — only that every
 * command gets its full answer and the bot shuts down cleanly afterwards.
 */
import { describe, expect, it } from 'vitest';
import { stats } from '../../bench/harness.ts';
import { commands } from '../../commands/index.ts';
import { bindOptions } from '../../src/command/bind.ts';
import { parseCommandText } from '../../src/command/parse.ts';
import { createSymbolDirectory, loadManifest } from '../../src/data/symbols.ts';
import { loadCommand, runLoad } from './_load.ts';

describe('load through both adapters', () => {
  it('the mix is made of valid commands, mostly different', () => {
    const texts = Array.from({ length: 100 }, (_, k) => loadCommand(k));
    expect(new Set(texts).size, 'mostly different commands: cold and warm mixed').toBeGreaterThan(70);
    expect(texts.filter((t) => t.startsWith('/help')).length).toBe(10);
    const symbols = createSymbolDirectory(loadManifest());
    for (const t of texts) {
      const { name, args } = parseCommandText(t);
      const cmd = commands.find((c) => c.name === name);
      expect(cmd, t).toBeDefined();
      if (cmd) expect(() => bindOptions(cmd, args, symbols), t).not.toThrow();
    }
  });

  it('answers 100 commands with zero errors', async () => {
    const r = await runLoad({ total: 100, durationMs: 10_000 });
    expect(r.sent).toEqual({ discord: 50, slack: 50 });
    expect(r.errors, 'every command ended in a full answer').toEqual([]);
    expect(r.answered).toBe(100);
    expect(r.ackMs.discord.length + r.ackMs.slack.length, 'every command was acknowledged').toBe(100);
    expect(r.exitCode, 'the bot shut down cleanly on SIGTERM afterwards').toBe(0);
    expect(r.metrics, 'the bot counted the commands itself').toMatch(/tapebot_commands_total\{command="rotation",platform="discord",outcome="ok"\} \d+/);
    const ack = stats([...r.ackMs.discord, ...r.ackMs.slack]);
    console.info(
      `load (100 commands): ack p50 ${ack.median.toFixed(1)} ms p99 ${ack.p99.toFixed(1)} ms; reply p50 ${stats(r.replyMs).median.toFixed(0)} ms; bot RSS MiB ${JSON.stringify(r.rssMb)} timeline ${r.rssTimelineMb.join(' ')}`,
    );
  }, 240_000);
});
