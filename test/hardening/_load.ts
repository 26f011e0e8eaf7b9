/**
 * Steady load through both chat adapters: `npm start` (src/main.ts) runs as its own process against
 * the local fake Discord and fake Slack, which run here, with the load generator. `total` commands
 * are spread evenly over `durationMs`, alternating Discord and Slack, from 50 people in many channels
 * (so the production rate limits stay on and are not hit). The mix covers every market command with
 * varied symbols, periods and as-of dates: early commands are cold (prices read from the CSVs,
 * charts drawn), later ones often warm (cached series, cached charts).
 *
 * Measured: acknowledgement (Discord: dispatch → the defer callback reaching the fake; Slack: the
 * signed request → Bolt's HTTP 200), the final reply, errors (anything but a full answer), the bot
 * process's resident memory (from /proc, every 250 ms), and its exit code on SIGTERM at the end.
 * The bot being its own process keeps the fakes' work (and the PNGs they keep) out of its figures.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { commands } from '../../commands/index.ts';
import { createDiscordRest } from '../../src/adapters/discord/client.ts';
import { registerCommands } from '../../src/adapters/discord/registration.ts';
import { slackCommandName } from '../../src/adapters/slack/manifest.ts';
import { bindOptions } from '../../src/command/bind.ts';
import { parseCommandText } from '../../src/command/parse.ts';
import { createSymbolDirectory, loadManifest } from '../../src/data/symbols.ts';
import { FakeDiscord, type DispatchedInteraction, type RecordedRequest } from '../fakes/discord/server.ts';
import { FORM, sendSigned, slashCommandBody } from '../fakes/slack/requests.ts';
import { startFakeSlack, type FakeCall } from '../fakes/slack/server.ts';
import { compiledSource } from '../_children.ts';
import { imageMallocEnv, imageNodeFlags } from '../../bench/image.ts';
import { SECRETS } from './_chat.ts';

/**
 * The allocator the image runs with (Dockerfile: jemalloc through LD_PRELOAD). glibc's malloc keeps
 * the memory that the chart threads and the HTTP clients free in per-thread arenas, so RSS ratchets
 * up under sustained load (measured: 667 → 822 MiB over 1,000 commands at 6/s, still rising) where
 * jemalloc gives it back (572 → 635 MiB, level). Debian's libjemalloc2 is on this kind of machine
 * (Redis depends on it); where it is not, the bot runs on glibc's and `allocatorMissing` says so.
 */
export const allocatorMissing = imageMallocEnv().LD_PRELOAD === undefined;

export interface LoadOptions {
  total: number;
  durationMs: number;
  /** RENDER_THREADS for the bot; default one per core, as in production. */
  renderThreads?: number;
  /** More environment for the bot process (e.g. the allocator settings the image uses). */
  env?: NodeJS.ProcessEnv;
}

export interface LoadResult {
  sent: { discord: number; slack: number };
  answered: number;
  /** One line per command that did not end in a full answer. */
  errors: string[];
  ackMs: { discord: number[]; slack: number[] };
  replyMs: number[];
  /** The bot's resident memory in MiB: ready, after the first fifth (cold phase), peak, and at the end. */
  rssMb: { start: number; warm: number; peak: number; end: number };
  /** The bot's resident memory (MiB) as each tenth of the commands had been sent, then at the end. */
  rssTimelineMb: number[];
  wallS: number;
  /** The bot's own /metrics at the end (ack histograms, cache hit ratio, …). */
  metrics: string;
  /** The bot's exit code after SIGTERM. */
  exitCode: number | null;
}

/** A small deterministic generator (LCG), so every run sends the same mix. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

// Symbols whose history covers every period and as-of date below (MAGS starts in 2023).
const SYMBOLS = ['SPY', 'IWM', 'QQQ', 'DIA', 'KRE', 'XBI', 'IBB', 'XLK', 'XLF', 'XLE', 'XLV', 'XLI', 'XLY', 'XLP', 'XLU', 'XLB', 'XLRE', 'XLC', 'SPX', 'RUT', 'COMP'];
const PERIODS = ['1m', '3m', '6m', 'ytd', '1y', '3y'];
const ASOF = ['', ' asof:2026-06-30', ' asof:2025-12-31', ' asof:2024-12-31', ' asof:2023-06-30'];

/** The k-th command of the mix, in the text syntax. */
export function loadCommand(k: number): string {
  const r = rng(k * 7919 + 17);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const distinct = (n: number): string[] => {
    const out: string[] = [];
    while (out.length < n) {
      const s = pick(SYMBOLS);
      if (!out.includes(s)) out.push(s);
    }
    return out;
  };
  const [a, b, c] = distinct(3);
  const p = pick(PERIODS);
  const asof = ASOF[Math.floor(k / 10) % ASOF.length] ?? '';
  switch (k % 10) {
    case 0: return `/rotation ${p}${asof}`;
    case 1: return `/compare ${a} ${b} period:${p}${asof}`;
    case 2: return `/streak ${a} ${b}${asof}`;
    case 3: return `/perf ${a} ${b} ${c}${asof}`;
    case 4: return `/leaders sectors period:${p}${asof}`;
    case 5: return `/breakout ${a}${asof}`;
    case 6: return `/drawdown ${a}${asof}`;
    case 7: return `/chart ${a} period:${p}${asof}`;
    case 8: return `/rotationmap${asof}`;
    default: return '/help compare';
  }
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

function rssOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const fakeDiscord = await FakeDiscord.start({ token: SECRETS.discordToken });
  const fakeSlack = await startFakeSlack({ token: SECRETS.slackBotToken });
  const symbols = createSymbolDirectory(loadManifest());
  await registerCommands({ rest: createDiscordRest({ token: SECRETS.discordToken, apiUrl: fakeDiscord.apiUrl }), applicationId: fakeDiscord.applicationId, guildId: fakeDiscord.guildId, commands });
  const [slackPort, healthPort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'tapebot-load-')),
    LOG_LEVEL: 'warn',
    DISCORD_TOKEN: SECRETS.discordToken,
    DISCORD_APPLICATION_ID: fakeDiscord.applicationId,
    DISCORD_API_URL: fakeDiscord.apiUrl,
    SLACK_BOT_TOKEN: SECRETS.slackBotToken,
    SLACK_SIGNING_SECRET: SECRETS.slackSigningSecret,
    SLACK_API_URL: fakeSlack.apiUrl,
    PORT: String(slackPort),
    HEALTH_PORT: String(healthPort),
    HEALTH_HOST: '127.0.0.1',
    ...(o.renderThreads !== undefined ? { RENDER_THREADS: String(o.renderThreads) } : {}),
    // The allocator and its settings as the image has them (jemalloc where this machine has it).
    ...imageMallocEnv(),
    ...o.env,
  };
  // TAPEBOT_LOAD_NODE_ARGS adds node flags to the bot, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to see where its time goes.
  const nodeArgs = (process.env.TAPEBOT_LOAD_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // The compiled build, as production runs it (the slow project's global setup builds it when stale).
  // With the node options of the image's CMD, as the image starts it.
  const bot = spawn(process.execPath, [...imageNodeFlags(), ...nodeArgs, compiledSource('src/main.ts')], { cwd: env.DATA_DIR, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  bot.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => bot.on('exit', (code) => resolve(code)));
  const health = `http://127.0.0.1:${healthPort}`;
  const slackUrl = `http://127.0.0.1:${slackPort}/slack/events`;
  const rss: number[] = [];
  let sampler: NodeJS.Timeout | undefined;
  try {
    for (let waited = 0; ; waited += 100) {
      const ok = await fetch(`${health}/healthz`).then((r) => r.ok, () => false);
      if (ok) break;
      if (waited > 60_000 || bot.exitCode !== null) throw new Error(`the bot did not become ready:\n${stderr}`);
      await sleep(100);
    }
    sampler = setInterval(() => rss.push(rssOf(bot.pid)), 250);

    // Indexes of what the fakes recorded, kept up to date incrementally: the generator must stay light.
    const appId = fakeDiscord.applicationId;
    const callbacks = new Map<string, RecordedRequest>();
    const edits = new Map<string, RecordedRequest>();
    const followUps = new Map<string, RecordedRequest>();
    const posts = new Map<string, FakeCall>();
    const privateReplies = new Map<string, FakeCall>();
    let seenD = 0;
    let seenS = 0;
    const index = () => {
      for (; seenD < fakeDiscord.requests.length; seenD++) {
        const r = fakeDiscord.requests[seenD] as RecordedRequest;
        const cb = /^\/interactions\/(\d+)\/[^/]+\/callback$/.exec(r.path);
        if (cb && r.method === 'POST') callbacks.set(cb[1] as string, r);
        const hook = new RegExp(`^/webhooks/${appId}/([^/]+)(/messages/@original)?$`).exec(r.path);
        if (hook && r.method === 'PATCH' && hook[2] && !edits.has(hook[1] as string)) edits.set(hook[1] as string, r);
        if (hook && r.method === 'POST' && !hook[2] && !followUps.has(hook[1] as string)) followUps.set(hook[1] as string, r);
      }
      for (; seenS < fakeSlack.calls.length; seenS++) {
        const c = fakeSlack.calls[seenS] as FakeCall;
        if (c.method === 'chat.postMessage' && (c.result as { ok?: boolean }).ok === true && typeof c.params.channel === 'string' && !posts.has(c.params.channel)) posts.set(c.params.channel, c);
        if (c.method === 'response_url' && !privateReplies.has(c.path)) privateReplies.set(c.path, c);
      }
    };

    const gap = o.durationMs / o.total;
    const discord: { k: number; text: string; d: DispatchedInteraction }[] = [];
    const slack: { k: number; text: string; channel: string; responsePath: string; sentAt: number; sent: Promise<{ status: number; ms: number }> }[] = [];
    const start = rssOf(bot.pid);
    let warm = start;
    const timeline: number[] = [];
    const t0 = performance.now();
    for (let k = 0; k < o.total; k++) {
      const wait = t0 + k * gap - performance.now();
      if (wait > 0) await sleep(wait);
      if (k === Math.floor(o.total / 5)) warm = rssOf(bot.pid);
      if (k > 0 && k % Math.max(1, Math.floor(o.total / 10)) === 0) timeline.push(mb(rssOf(bot.pid)));
      const text = loadCommand(k);
      const person = k % 50;
      if (k % 2 === 0) {
        const { name, args } = parseCommandText(text);
        const cmd = commands.find((c) => c.name === name);
        const payload = fakeDiscord.chatInput(name, cmd ? bindOptions(cmd, args, symbols).canonical : {});
        // 50 people in 25 channels, each well inside the default limits.
        const user = { ...fakeDiscord.person, id: `1${String(person).padStart(17, '0')}` };
        const channelId = `2${String(person % 25).padStart(17, '0')}`;
        const where = payload as unknown as { member?: { user: unknown }; channel_id: string; channel: { id: string } };
        if (where.member) where.member = { ...where.member, user };
        where.channel_id = channelId;
        where.channel = { ...where.channel, id: channelId };
        discord.push({ k, text, d: fakeDiscord.dispatchInteraction(payload) });
      } else {
        const channel = `C0LOAD${String(k).padStart(4, '0')}`;
        const responseUrl = fakeSlack.responseUrl();
        const body = slashCommandBody({ command: slackCommandName(parseCommandText(text).name), text: text.replace(/^\/\S+\s*/, ''), channel_id: channel, user_id: `U0LOAD${String(person).padStart(3, '0')}`, response_url: responseUrl });
        slack.push({ k, text, channel, responsePath: new URL(responseUrl).pathname, sentAt: performance.now(), sent: sendSigned(slackUrl, SECRETS.slackSigningSecret, { contentType: FORM, body }) });
      }
    }
    const slackSent = await Promise.all(slack.map((s) => s.sent));
    const done = () => {
      index();
      return discord.every((x) => edits.has(x.d.token) || followUps.has(x.d.token)) && slack.every((x) => posts.has(x.channel) || privateReplies.has(x.responsePath));
    };
    const deadline = performance.now() + o.durationMs + 180_000;
    while (!done()) {
      if (performance.now() > deadline || bot.exitCode !== null) throw new Error(`replies missing after the run:\n${stderr}`);
      await sleep(250);
    }
    const wallS = (performance.now() - t0) / 1000;

    const errors: string[] = [];
    const replyMs: number[] = [];
    const ackDiscord: number[] = [];
    let answered = 0;
    for (const x of discord) {
      const ack = callbacks.get(x.d.id);
      if (ack) ackDiscord.push(ack.at - x.d.dispatchedAt);
      const edit = edits.get(x.d.token);
      const final = edit ?? followUps.get(x.d.token);
      const body = JSON.stringify(final?.json ?? '');
      if (!edit) errors.push(`discord #${x.k} ${x.text}: ${body.slice(0, 200)}`);
      else if (/could not be drawn/i.test(body) || edit.files.length === 0) errors.push(`discord #${x.k} ${x.text}: answered without its chart`);
      else answered++;
      if (final) replyMs.push(final.at - x.d.dispatchedAt);
    }
    slack.forEach((x, i) => {
      const post = posts.get(x.channel);
      const final = post ?? privateReplies.get(x.responsePath);
      const body = JSON.stringify(final?.params ?? '');
      if (slackSent[i]?.status !== 200) errors.push(`slack #${x.k} ${x.text}: HTTP ${slackSent[i]?.status}`);
      else if (!post) errors.push(`slack #${x.k} ${x.text}: ${body.slice(0, 200)}`);
      else if (/could not be drawn/i.test(body)) errors.push(`slack #${x.k} ${x.text}: answered without its chart`);
      else answered++;
      if (final) replyMs.push(final.at - x.sentAt);
    });

    // "At the end" means once the load has stopped and the bot has settled: allocators hand freed
    // pages back after a short delay (1 s with the image's jemalloc settings, 10 s with its defaults),
    // so RSS is read after 15 s of quiet — as the lowest of 20 samples over 5 more seconds. One sample
    // can land on garbage the collector has not reached yet (two soak runs on one loaded machine ended
    // at 591 and 724 MiB against warm medians of 650 and 591); what the bot keeps cannot dip below its
    // floor, so a leak still shows in the lowest.
    await sleep(15_000);
    const settled: number[] = [];
    for (let i = 0; i < 20; i++) {
      settled.push(rssOf(bot.pid));
      await sleep(250);
    }
    const alive = settled.filter((x) => x > 0);
    const end = alive.length > 0 ? Math.min(...alive) : 0;
    const metrics = await fetch(`${health}/metrics`).then((r) => r.text(), () => '');
    clearInterval(sampler);
    bot.kill('SIGTERM');
    const exitCode = await Promise.race([exited, sleep(30_000).then(() => null)]);
    return {
      sent: { discord: discord.length, slack: slack.length },
      answered,
      errors,
      ackMs: { discord: ackDiscord, slack: slackSent.map((s) => s.ms) },
      replyMs,
      rssMb: { start: mb(start), warm: mb(warm), peak: mb(Math.max(start, end, ...rss)), end: mb(end) },
      rssTimelineMb: [...timeline, mb(end)],
      wallS,
      metrics,
      exitCode,
    };
  } finally {
    clearInterval(sampler);
    if (bot.exitCode === null) bot.kill('SIGKILL');
    await fakeDiscord.close();
    await fakeSlack.close();
  }
}
