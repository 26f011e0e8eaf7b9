/**
 * Memory under sustained load: 5,000 commands at 12 a second (about 7 minutes) through the real
 * Discord and Slack adapters, the bot as its own process (test/hardening/_load.ts). The short load
 * test (500 in 60 s) cannot show growth; this one can. What must hold on any machine: every command
 * gets a reply (an answer, or — when the machine cannot keep up — the short "busy" refusal, never
 * silence), and resident memory at the end is within 20% of what it was once warm.
 */
import { describe, expect, it } from 'vitest';
import { stats } from '../../bench/harness.ts';
import { allocatorMissing, runLoad } from './_load.ts';

const TOTAL = 5_000;
const PER_SECOND = 12;

// The image runs on jemalloc; without it here the memory figure would measure glibc's arenas, not tapebot.
if (allocatorMissing) console.warn('\n*** soak: libjemalloc2 is not installed; the memory assertion is SKIPPED (apt-get install libjemalloc2) ***\n');

describe('soak', () => {
  it(`${TOTAL} commands at ${PER_SECOND} a second: every command answered or told to retry, and memory stays flat`, async () => {
    const r = await runLoad({ total: TOTAL, durationMs: Math.round((TOTAL / PER_SECOND) * 1000) });
    expect(r.sent.discord + r.sent.slack).toBe(TOTAL);
    // RSS once warm: the median of the samples taken at 20, 30, 40 and 50 % of the run (one sample swings
    // by ±50 MiB with the garbage collector; the median of four does not).
    const sorted = r.rssTimelineMb.slice(1, 5).sort((x, y) => x - y);
    const warm = ((sorted[1] ?? r.rssMb.warm) + (sorted[2] ?? r.rssMb.warm)) / 2;
    console.info(
      `soak (${TOTAL} at ${PER_SECOND}/s): answered ${r.answered}, told to retry ${r.errors.length}; ack p99 ${stats([...r.ackMs.discord, ...r.ackMs.slack]).p99.toFixed(0)} ms; RSS MiB ${JSON.stringify(r.rssMb)} timeline ${r.rssTimelineMb.join(' ')}`,
    );
    // How many are answered in full depends on the machine (a loaded one sheds more); what may not
    // happen anywhere is a command that ends in anything but an answer or the "busy, try again" reply.
    const notBusy = r.errors.filter((e) => !/answering a lot of requests|busy|Slow down a little|try again in a/i.test(e));
    expect(notBusy, 'no command failed for any reason but load').toEqual([]);
    expect(r.answered, 'commands were answered').toBeGreaterThan(0);
    if (allocatorMissing && !process.env.CI) return;
    expect(r.rssMb.end, `RSS at the end (${r.rssMb.end.toFixed(0)} MiB) within 20% of the RSS once warm (${warm.toFixed(0)} MiB)`).toBeLessThanOrEqual(warm * 1.2);
    expect(r.exitCode, 'the bot shut down cleanly afterwards').toBe(0);
  }, 1_200_000);
});
