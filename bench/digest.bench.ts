/**
 * The digest fan-out: 1,000 subscribed channels (half Discord, half Slack) sharing 20 distinct digest
 * configurations (18 close digests with different watchlists, rotation, sectors). Target: the 20
 * computations and renders, and all 1,000 posts queued, within 5 s of CPU (process.cpuUsage, all
 * threads). Posting goes to posters that answer at once; the time the queues then need under the
 * platforms' rate limits is simulated on a manual clock and reported as such.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createManualClock } from '../src/digest/clock.ts';
import type { DigestPoster, Platform } from '../src/digest/poster.ts';
import { dueInstant, type Slot } from '../src/digest/schedule.ts';
import { createDigestService, type DigestService } from '../src/digest/service.ts';
import { createDigestStore } from '../src/digest/store.ts';
import { openDatabase } from '../src/store/db.ts';

const CHANNELS = 1000;
export const WATCHLISTS: string[][] = [
  [],
  ['XLE'],
  ['XLK'],
  ['KRE'],
  ['XBI'],
  ['IBB'],
  ['XLF', 'KRE'],
  ['XLU', 'XLP'],
  ['XLV', 'XBI', 'IBB'],
  ['MAGS'],
  ['^RUT'],
  ['^GSPC', '^IXIC'],
  ['XLB', 'XLI'],
  ['XLY', 'XLC'],
  ['XLRE'],
  ['XLE', 'XLK', 'XLF'],
  ['KRE', 'IWM'],
  ['QQQ', 'MAGS', 'XLK'],
];
export const SLOT: Slot = { time: '16:30', tz: 'America/New_York' };

export function instantPoster(platform: Platform): DigestPoster & { count: number } {
  let count = 0;
  return {
    platform,
    dedupWindowMs: 0,
    get count() {
      return count;
    },
    async post() {
      count++;
      return { messageId: String(count) };
    },
  };
}

export async function settle(busy: () => number): Promise<void> {
  for (let idle = 0; idle < 3; ) {
    await new Promise((r) => setImmediate(r));
    idle = busy() === 0 ? idle + 1 : 0;
  }
}

export const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

/** 500 distinct watchlists: every pair of 18 bundled symbols (153), then triples, in a fixed order. */
function manyWatchlists(count: number): string[][] {
  const pool = ['XLE', 'XLK', 'XLF', 'XLU', 'XLP', 'XLV', 'XLB', 'XLI', 'XLY', 'XLC', 'XLRE', 'KRE', 'XBI', 'IBB', 'MAGS', '^RUT', '^GSPC', '^IXIC'];
  const out: string[][] = [];
  for (let i = 0; i < pool.length; i++) for (let j = i + 1; j < pool.length; j++) out.push([pool[i] as string, pool[j] as string]);
  for (let i = 0; i < pool.length && out.length < count; i++)
    for (let j = i + 1; j < pool.length && out.length < count; j++)
      for (let k = j + 1; k < pool.length && out.length < count; k++) out.push([pool[i] as string, pool[j] as string, pool[k] as string]);
  return out.slice(0, count);
}

interface Scenario {
  name: string;
  threads: readonly number[];
  /** Preset and watchlist of channel i. */
  channel(i: number): { preset: 'close' | 'rotation' | 'sectors'; watchlist: readonly string[] };
}

const SCENARIOS: Scenario[] = [
  {
    name: '20 configurations (18 watchlists, rotation, sectors)',
    threads: [0, 2],
    channel(i) {
      const config = i % 20;
      return { preset: config === 18 ? 'rotation' : config === 19 ? 'sectors' : 'close', watchlist: WATCHLISTS[config] ?? [] };
    },
  },
  (() => {
    const lists = manyWatchlists(500);
    return {
      name: '500 distinct watchlists',
      threads: [2],
      channel: (i: number) => ({ preset: 'close' as const, watchlist: lists[i % lists.length] ?? [] }),
    };
  })(),
];

export async function benchDigest(): Promise<string[]> {
  const out: string[] = [];
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tapebot-digest-bench-'));
  for (const scenario of SCENARIOS) {
    out.push(`${CHANNELS} channels, ${scenario.name}:`);
    for (const threads of scenario.threads) {
      out.push(...(await runScenario(scenario, threads, dataDir)));
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
  return out;
}

async function runScenario(scenario: Scenario, threads: number, dataDir: string): Promise<string[]> {
  const out: string[] = [];
  const app = createApp(loadConfig({ DATA_DIR: dataDir, RENDER_THREADS: String(threads) }));
  const store = createDigestStore(openDatabase(':memory:'));
  const clock = createManualClock(new Date('2025-06-02T00:00:00Z'));
  const discord = instantPoster('discord');
  const slack = instantPoster('slack');
  const service: DigestService = createDigestService({ store, market: app.market, runner: app.runner, renderer: app.renderer, posters: [discord, slack], clock });
  for (let i = 0; i < CHANNELS; i++) {
    const channel = { platform: (i % 2 === 0 ? 'discord' : 'slack') as Platform, id: `ch${i}` };
    const { preset, watchlist } = scenario.channel(i);
    store.subscribe(channel, preset, SLOT, null, new Date('2025-01-01T00:00:00Z'));
    if (preset === 'close' && watchlist.length > 0) store.watch(channel, watchlist, new Date('2025-01-01T00:00:00Z'));
  }

  for (const [label, day] of [
    [threads === 0 ? 'first day, empty price cache' : 'first day after start-up', '2025-06-02'],
    ['second day', '2025-06-03'],
  ] as const) {
    const due = dueInstant(SLOT, day);
    clock.set(due);
    const renders0 = (store.db.prepare('SELECT COUNT(*) AS n FROM digest_payloads').get() as { n: number }).n;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await service.fireSlot(SLOT, due);
    const queuedCpu = cpuMs(process.cpuUsage(cpu0));
    const queuedWall = performance.now() - t0;
    const decided = store.outbox({ kind: 'digest' }).filter((r) => r.event === day).length;
    // Drain: charts finish rendering, the queues release posts as the (simulated) rate limits allow.
    await settle(() => service.busy());
    while (service.queued() > 0 && clock.fireNext()) await settle(() => service.busy());
    const allCpu = cpuMs(process.cpuUsage(cpu0));
    const simulated = (clock.now().getTime() - due.getTime()) / 1000;
    const computed = (store.db.prepare('SELECT COUNT(*) AS n FROM digest_payloads').get() as { n: number }).n - renders0;
    const sent = store.outbox({ status: 'sent' }).filter((r) => r.event === day).length;
    out.push(
      `  digest fan-out, ${label}, render threads=${threads}: ${computed} configurations for ${CHANNELS} channels; ` +
        `${decided} posts decided and queued after ${queuedCpu.toFixed(0)} ms CPU (${queuedWall.toFixed(0)} ms wall)   target ≤ 5000 ms CPU`,
    );
    out.push(`    every chart rendered and all ${sent} posts sent: ${allCpu.toFixed(0)} ms CPU in all; the rate limits spread the posts over ${simulated.toFixed(1)} s (simulated clock)`);
  }
  await service.stop();
  store.db.close();
  await app.close();
  return out;
}

// Run directly: `npx tsx bench/digest.bench.ts`.
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await benchDigest()) process.stdout.write(`${line}\n`);
}
