/**
 * Slack adapter figures, end to end over HTTP against the local fake Slack (no network):
 *   - warm /rotation: from sending the signed slash command to the fake receiving chat.postMessage
 *     (render + upload + post), 20 runs one after another;
 *   - ack latency while 200 chart commands are in flight: a burst of 200 /rotation commands, then
 *     probe commands sent while those are still being answered. Slack gives up after 3 s.
 * Charts draw in the default worker pool (one thread per core), as in production. The burst and the
 * probes are sent from a worker thread, so the sender's own event loop is not the app's.
 *   npx tsx bench/slack.bench.ts
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { startSlack } from '../src/adapters/slack/start.ts';
import { slackCommandName } from '../src/adapters/slack/manifest.ts';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/log.ts';
import { startFakeSlack, type FakeCall } from '../test/fakes/slack/server.ts';
import { FORM, sendSigned, slackSignature, slashCommandBody } from '../test/fakes/slack/requests.ts';
import { stats } from './harness.ts';

const SECRET = 'bench-signing-secret';
const CHANNEL = 'C0BENCH001';
const BURST = 200;
const PROBES = 40;
const PROBE_GAP_MS = 25;
const ROTATION_RUNS = 20;

interface Signed {
  body: string;
  headers: Record<string, string>;
}
interface Sent {
  status: number;
  ms: number;
}

/** Sends the burst (all at once), then the probes (one by one, `probeGapMs` apart), from a worker thread. */
async function sendFromWorker(url: string, load: { burst: Signed[]; probes: Signed[]; probeGapMs: number }): Promise<{ burst: Sent[]; probes: Sent[] }> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { url, burst, probes, probeGapMs } = workerData;
    const send = async (r) => {
      const t0 = performance.now();
      const res = await fetch(url, { method: 'POST', headers: r.headers, body: r.body });
      await res.text();
      return { status: res.status, ms: performance.now() - t0 };
    };
    (async () => {
      const b = await Promise.all(burst.map(send));
      const p = [];
      for (const r of probes) {
        p.push(await send(r));
        await new Promise((res) => setTimeout(res, probeGapMs));
      }
      parentPort.postMessage({ burst: b, probes: p });
    })();
  `;
  const worker = new Worker(code, { eval: true, workerData: { url, ...load } });
  try {
    return await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}

export async function benchSlack(): Promise<Record<string, number>> {
  const fake = await startFakeSlack();
  const app = createApp(loadConfig({ RENDER_CACHE_MB: '0', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'tapebot-slack-bench-')) }), { dbFile: ':memory:' });
  const slack = await startSlack({
    config: { SLACK_BOT_TOKEN: fake.token, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl, SLACK_APP_TOKEN: undefined, PORT: undefined },
    runner: app.runner,
    renderer: app.renderer,
    logger: silentLogger,
    listen: { port: 0, host: '127.0.0.1' },
  });
  const url = slack.url ?? '';
  const isPost = (c: FakeCall) => c.method === 'chat.postMessage' && (c.result as { ok?: boolean }).ok === true;
  const posted = () => fake.calls.filter(isPost).length;
  const send = (command: string, text: string) =>
    sendSigned(url, SECRET, { contentType: FORM, body: slashCommandBody({ command, text, channel_id: CHANNEL, response_url: fake.responseUrl() }) });

  async function waitForPosts(n: number, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (posted() < n) {
      if (performance.now() > deadline) throw new Error(`only ${posted()} of ${n} answers posted within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  try {
    // Warm up: the price cache, the worker pool, Bolt.
    for (let i = 0; i < 3; i++) {
      const before = posted();
      await send('/rotation', '');
      await waitForPosts(before + 1, 30_000);
    }

    // 1. Warm /rotation, command to posted message.
    const endToEnd: number[] = [];
    const toUpload: number[] = [];
    const ackMs: number[] = [];
    for (let i = 0; i < ROTATION_RUNS; i++) {
      await slack.idle();
      fake.reset();
      const t0 = performance.now();
      ackMs.push((await send('/rotation', '')).ms);
      const post = await fake.waitFor(isPost, 30_000);
      endToEnd.push(post.at - t0);
      // Analysis + drawing end where the upload begins; the rest is Slack round trips.
      const firstUpload = fake.callsTo('files.getUploadURLExternal')[0];
      if (firstUpload) toUpload.push(firstUpload.at - t0);
    }
    await slack.idle();
    fake.reset();

    // 2. A burst of chart commands, then probes while the burst is still being answered.
    const periods = ['1m', '3m', 'ytd', '1y'];
    const signed = (command: string, text: string) => {
      const body = slashCommandBody({ command, text, channel_id: CHANNEL, response_url: fake.responseUrl() });
      const ts = Math.floor(Date.now() / 1000);
      return { body, headers: { 'content-type': FORM, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(SECRET, ts, body) } };
    };
    const burstStart = performance.now();
    const load = await sendFromWorker(url, {
      burst: Array.from({ length: BURST }, (_, i) => signed('/rotation', periods[i % periods.length] ?? 'ytd')),
      probes: Array.from({ length: PROBES }, () => signed(slackCommandName('help'), '')),
      probeGapMs: PROBE_GAP_MS,
    });
    const postedWhenProbesDone = posted();
    await waitForPosts(BURST + PROBES, 300_000);
    const burstDone = performance.now() - burstStart;
    await slack.idle();
    const dropped = fake.calls.filter((c) => isPost(c) && JSON.stringify(c.params.blocks).includes('could not be')).length;
    if ([...load.burst, ...load.probes].some((r) => r.status !== 200)) throw new Error('a command was not acknowledged with 200');
    if (postedWhenProbesDone >= BURST) throw new Error('the burst was answered before the probes finished: probes were not under load');

    const e2e = stats(endToEnd);
    const analysisAndChart = stats(toUpload);
    const burst = stats(load.burst.map((r) => r.ms));
    const probe = stats(load.probes.map((r) => r.ms));
    return {
      rotation_to_post_median_ms: e2e.median,
      rotation_to_post_p90_ms: e2e.p90,
      rotation_to_post_max_ms: e2e.max,
      rotation_ack_median_ms: stats(ackMs).median,
      rotation_until_upload_median_ms: analysisAndChart.median,
      rotation_upload_and_post_median_ms: stats(endToEnd.map((e, i) => e - (toUpload[i] ?? e))).median,
      burst_ack_p50_ms: burst.median,
      burst_ack_p99_ms: burst.p99,
      burst_ack_max_ms: burst.max,
      in_flight_probe_ack_p50_ms: probe.median,
      in_flight_probe_ack_p99_ms: probe.p99,
      in_flight_probes: load.probes.length,
      burst_all_posted_ms: burstDone,
      burst_answers_without_chart: dropped,
    };
  } finally {
    await slack.stop();
    await fake.close();
    await app.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await benchSlack();
  for (const [k, v] of Object.entries(r)) process.stdout.write(`${k.padEnd(34)} ${Number.isInteger(v) ? v : v.toFixed(1)}\n`);
}
