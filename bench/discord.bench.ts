/**
 * Discord adapter figures, end to end against the local fake Discord (no network): the real
 * discord.js client over the fake's gateway and REST, the real app, charts drawn in the default
 * worker pool (one thread per core), as in production.
 *   - acknowledgement while 200 chart commands are in flight: 200 slash commands dispatched at once
 *     (time from INTERACTION_CREATE to the defer callback for each), then probe commands dispatched
 *     while those 200 are still being answered. Discord invalidates an interaction not acknowledged
 *     within 3 s;
 *   - warm /rotation: from dispatch to the final edit carrying the chart, 20 runs one after another.
 *   npx tsx bench/discord.bench.ts
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { registerCommands } from '../src/adapters/discord/registration.ts';
import { createDiscordRest } from '../src/adapters/discord/client.ts';
import { startDiscord } from '../src/adapters/discord/index.ts';
import { createApp, type AppOptions } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/log.ts';
import { FakeDiscord, type DispatchedInteraction, type RecordedRequest } from '../test/fakes/discord/server.ts';
import { stats } from './harness.ts';

const BURST = 200;
const PROBES = 40;
const PROBE_GAP_MS = 25;
const ROTATION_RUNS = 20;

/** A spread of chart commands, so the burst is not one answer computed 200 times. */
const BURST_COMMANDS: [string, Record<string, string>][] = [
  ['rotation', { period: '3m' }],
  ['compare', { symbols: 'IWM SPY QQQ', period: 'ytd' }],
  ['streak', { a: 'XLE', b: 'SPY' }],
  ['rotation', { period: '1y' }],
  ['compare', { symbols: 'XLK XLF', period: '6m' }],
];

/**
 * `stores`: the app's stores and limiter instead of the defaults (SQLite, no limiter); bench/replicas
 * runs it on PostgreSQL and Redis. `env` adds settings (the limits' sizes).
 */
export async function benchDiscord(opts: { stores?: (config: ReturnType<typeof loadConfig>) => AppOptions; env?: Record<string, string> } = {}): Promise<Record<string, number>> {
  const fake = await FakeDiscord.start();
  const env = { DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_URL: fake.apiUrl, RENDER_CACHE_MB: '0', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'tapebot-discord-bench-')), ...opts.env };
  const config = loadConfig(env);
  const app = createApp(config, { dbFile: ':memory:', ...opts.stores?.(config) });
  await registerCommands({ rest: createDiscordRest({ token: fake.token, apiUrl: fake.apiUrl }), applicationId: fake.applicationId, guildId: fake.guildId, commands: app.runner.commands });
  const discord = await startDiscord({ config: app.config, runner: app.runner, renderer: app.renderer, logger: silentLogger, symbols: app.symbols });

  const callbackOf = (d: DispatchedInteraction) => (r: RecordedRequest) => r.method === 'POST' && r.path === `/interactions/${d.id}/${d.token}/callback`;
  const editOf = (d: DispatchedInteraction) => (r: RecordedRequest) => r.method === 'PATCH' && r.path === `/webhooks/${fake.applicationId}/${d.token}/messages/@original`;
  const ackMs = (d: DispatchedInteraction) => (fake.requests.find(callbackOf(d))?.at ?? Infinity) - d.dispatchedAt;
  const chat = (k: number) => {
    const [name, values] = BURST_COMMANDS[k % BURST_COMMANDS.length] as [string, Record<string, string>];
    return fake.dispatchInteraction(fake.chatInput(name, values));
  };

  /** Until each interaction has its final edit, or its acknowledgement was refused (too late). */
  async function settled(ds: DispatchedInteraction[], timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    const done = (d: DispatchedInteraction) => fake.requests.some(editOf(d)) || fake.requests.some((r) => callbackOf(d)(r) && r.status !== 204);
    while (!ds.every(done)) {
      if (performance.now() > deadline) throw new Error(`${ds.filter((d) => !done(d)).length} interactions unanswered after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  try {
    // Warm the caches (series, workers) so the figures are about the adapter, not the first read.
    await Promise.all(BURST_COMMANDS.map((_, k) => fake.waitForRequest(editOf(chat(k)), 30_000)));

    // 1. Acknowledgement under load.
    const t0 = performance.now();
    const burst = Array.from({ length: BURST }, (_, k) => chat(k));
    // Probes go out once the burst's own 200 acknowledgements have left (those queue behind one
    // another whatever the bot does), while its 200 chart commands are still being computed and drawn.
    const acked = (d: DispatchedInteraction) => fake.requests.some(callbackOf(d));
    while (!burst.every(acked)) await new Promise((r) => setTimeout(r, 5));
    const inFlightAtFirstProbe = burst.filter((d) => !fake.requests.some(editOf(d))).length;
    const probes: DispatchedInteraction[] = [];
    for (let k = 0; k < PROBES; k++) {
      await new Promise((r) => setTimeout(r, PROBE_GAP_MS));
      probes.push(fake.dispatchInteraction(fake.chatInput('rotation', { period: 'ytd' })));
    }
    await settled([...burst, ...probes], 180_000);
    const burstEdits = burst.map((d) => fake.requests.find(editOf(d))).filter((e): e is RecordedRequest => e !== undefined);
    const burstDoneS = (Math.max(...burstEdits.map((e) => e.at)) - t0) / 1000;
    const burstAck = stats(burst.map(ackMs));
    const probeAck = stats(probes.map(ackMs));
    const missed = [...burst, ...probes].filter((d) => ackMs(d) > 3000).length;
    const noChart = burstEdits.filter((e) => e.files.length === 0).length;

    // 2. Warm /rotation, one at a time.
    const rotation: number[] = [];
    for (let k = 0; k < ROTATION_RUNS; k++) {
      const d = fake.dispatchInteraction(fake.chatInput('rotation', {}));
      const e = await fake.waitForRequest(editOf(d), 30_000);
      rotation.push(e.at - d.dispatchedAt);
    }
    const rot = stats(rotation);

    return {
      burst_ack_p50_ms: burstAck.median,
      burst_ack_p99_ms: burstAck.p99,
      burst_ack_max_ms: burstAck.max,
      probe_ack_p50_ms: probeAck.median,
      probe_ack_p99_ms: probeAck.p99,
      burst_in_flight_at_first_probe: inFlightAtFirstProbe,
      acks_after_3s: missed,
      burst_all_answered_s: burstDoneS,
      burst_answers_without_chart: noChart,
      burst_unanswered: BURST - burstEdits.length,
      rotation_warm_median_ms: rot.median,
      rotation_warm_p90_ms: rot.p90,
      render_threads: Number(/\d+/.exec(app.renderer.name)?.[0] ?? 0),
    };
  } finally {
    await discord.stop(1000);
    await app.close();
    await fake.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await benchDiscord();
  for (const [k, v] of Object.entries(figures)) process.stdout.write(`${k.padEnd(30)} ${Number.isInteger(v) ? v : v.toFixed(1)}\n`);
}
