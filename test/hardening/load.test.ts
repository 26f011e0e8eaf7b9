/**
 * The load of issue 9 as a test: 500 commands in 60 s through the real Discord and Slack adapters
 * (the bot as its own process) against their fakes, cold and warm mixed. It asserts what must hold
 * on any machine: zero errors, every command answered, every acknowledgement inside the platforms'
 * 3-second deadline, resident memory flat after warm-up (start, peak and end are printed). The
 * speed figures (ack p99 ≤ 50 ms) are measured, on a quiet machine, by bench/hardening.bench.ts.
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

  it('answers 500 commands in 60 s with zero errors, inside the deadlines, with flat memory', async () => {
    const r = await runLoad({ total: 500, durationMs: 60_000 });
    expect(r.sent).toEqual({ discord: 250, slack: 250 });
    expect(r.errors, 'every command ended in a full answer').toEqual([]);
    expect(r.answered).toBe(500);
    expect(r.ackMs.discord.length + r.ackMs.slack.length, 'every command was acknowledged').toBe(500);
    const all = [...r.ackMs.discord, ...r.ackMs.slack];
    expect(Math.max(...all), 'every acknowledgement inside Discord’s and Slack’s 3 s').toBeLessThan(3000);
    // Flat: after the first tenth (charts and prices loaded, caches filling), growth stays small.
    // The render cache alone may add its 64 MiB cap; 200 MiB leaves room for a busy machine's GC.
    const warm = r.rssTimelineMb[1] ?? r.rssMb.warm;
    expect(r.rssMb.end - warm, `RSS after warm-up ${warm.toFixed(0)} → end ${r.rssMb.end.toFixed(0)} MiB`).toBeLessThan(200);
    expect(r.exitCode, 'the bot shut down cleanly on SIGTERM afterwards').toBe(0);
    expect(r.metrics, 'the bot counted the commands itself').toMatch(/tapebot_commands_total\{command="rotation",platform="discord",outcome="ok"\} \d+/);
    const ack = stats([...r.ackMs.discord, ...r.ackMs.slack]);
    console.info(
      `load (500 commands in 60 s): ack p50 ${ack.median.toFixed(1)} ms p99 ${ack.p99.toFixed(1)} ms; reply p50 ${stats(r.replyMs).median.toFixed(0)} ms; bot RSS MiB ${JSON.stringify(r.rssMb)} timeline ${r.rssTimelineMb.join(' ')}`,
    );
    // The timeout covers runLoad's own deadlines (bot ready 60 s, the 60 s run and 180 s more for the
    // replies, 15 s of quiet, 30 s for the exit), so on a slow machine those fail first, saying which.
  }, 420_000);
});
