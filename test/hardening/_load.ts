/**
 * Steady load through both chat adapters against their fakes: `total` commands spread evenly over
 * `durationMs`, alternating Discord and Slack, from many people in many channels. The mix covers
 * every market command with varied symbols, periods and as-of dates, so early commands are cold
 * (prices read from the CSVs, charts drawn) and later ones often warm (cached series, cached charts).
 *
 * Measured: acknowledgement (Discord: dispatch → the defer callback reaching the fake; Slack: the
 * signed request → Bolt's 200), the final reply, errors (anything but a full answer), and resident
 * memory sampled every 250 ms.
 */
import type { RenderCacheStats } from '../../src/charts/render-cache.ts';
import type { DispatchedInteraction } from '../fakes/discord/server.ts';
import { startChatRig, until } from './_chat.ts';

export interface LoadOptions {
  total: number;
  durationMs: number;
  /** Chart threads; default one per core. */
  renderThreads?: number;
}

export interface LoadResult {
  sent: { discord: number; slack: number };
  answered: number;
  /** One line per command that did not end in a full answer. */
  errors: string[];
  ackMs: { discord: number[]; slack: number[] };
  replyMs: number[];
  /** Resident memory in MiB: before the first command, after the first fifth (cold phase), the peak, and at the end. */
  rssMb: { start: number; warm: number; peak: number; end: number };
  /** Resident memory (MiB) as each tenth of the commands had been sent, then at the end. */
  rssTimelineMb: number[];
  wallS: number;
  renderCache: RenderCacheStats | null;
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

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const rig = await startChatRig(o.renderThreads !== undefined ? { renderThreads: o.renderThreads } : {});
  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(process.memoryUsage().rss), 250);
  try {
    const gap = o.durationMs / o.total;
    const discord: { k: number; text: string; d: DispatchedInteraction }[] = [];
    const slack: { k: number; text: string; channel: string; sentAt: number; sent: Promise<{ status: number; ms: number; responseUrl: string }> }[] = [];
    const start = process.memoryUsage().rss;
    let warm = start;
    const timeline: number[] = [];
    const t0 = performance.now();
    for (let k = 0; k < o.total; k++) {
      const due = t0 + k * gap;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (k === Math.floor(o.total / 5)) warm = process.memoryUsage().rss;
      if (k > 0 && k % Math.max(1, Math.floor(o.total / 10)) === 0) timeline.push(mb(process.memoryUsage().rss));
      const text = loadCommand(k);
      const user = `U0LOAD${String(k % 50).padStart(3, '0')}`;
      if (k % 2 === 0) {
        discord.push({ k, text, d: rig.sendDiscord(text, `1${String(k % 50).padStart(17, '0')}`) });
      } else {
        const channel = `C0LOAD${String(k).padStart(4, '0')}`;
        slack.push({ k, text, channel, sentAt: performance.now(), sent: rig.sendSlack(text, { user, channel }) });
      }
    }
    const slackSent = await Promise.all(slack.map((s) => s.sent));
    const finished = () =>
      discord.every((x) => rig.discordOutcome(x.d) !== null) && slack.every((x, i) => rig.slackOutcome({ channel: x.channel, responseUrl: slackSent[i]?.responseUrl ?? '' }) !== null);
    await until('every reply', finished, o.durationMs + 180_000);
    const wallS = (performance.now() - t0) / 1000;
    await rig.slack.idle();

    const errors: string[] = [];
    const replyMs: number[] = [];
    let answered = 0;
    const ackDiscord: number[] = [];
    for (const x of discord) {
      const out = rig.discordOutcome(x.d);
      const ackAt = rig.discordAckAt(x.d);
      if (ackAt !== undefined) ackDiscord.push(ackAt - x.d.dispatchedAt);
      const body = JSON.stringify(out?.request.json ?? '');
      if (out?.kind !== 'answer') errors.push(`discord #${x.k} ${x.text}: ${body.slice(0, 160)}`);
      else if (/could not be drawn/i.test(body)) errors.push(`discord #${x.k} ${x.text}: answered without its chart`);
      else answered++;
      if (out) replyMs.push(out.request.at - x.d.dispatchedAt);
    }
    slack.forEach((x, i) => {
      const sent = slackSent[i];
      const out = rig.slackOutcome({ channel: x.channel, responseUrl: sent?.responseUrl ?? '' });
      const body = JSON.stringify(out?.call.params ?? '');
      if (sent?.status !== 200) errors.push(`slack #${x.k} ${x.text}: HTTP ${sent?.status}`);
      else if (out?.kind !== 'answer') errors.push(`slack #${x.k} ${x.text}: ${body.slice(0, 160)}`);
      else if (/could not be drawn/i.test(body)) errors.push(`slack #${x.k} ${x.text}: answered without its chart`);
      else answered++;
      if (out) replyMs.push(out.call.at - x.sentAt);
    });

    // Let the last replies' garbage go before the final reading.
    await new Promise((r) => setTimeout(r, 1_000));
    (globalThis as { gc?: () => void }).gc?.();
    const end = process.memoryUsage().rss;
    const stats = (rig.app.renderer as { stats?: () => RenderCacheStats }).stats?.() ?? null;
    return {
      sent: { discord: discord.length, slack: slack.length },
      answered,
      errors,
      ackMs: { discord: ackDiscord, slack: slackSent.map((s) => s.ms) },
      replyMs,
      rssMb: { start: mb(start), warm: mb(warm), peak: mb(Math.max(start, end, ...rss)), end: mb(end) },
      rssTimelineMb: [...timeline, mb(end)],
      wallS,
      renderCache: stats,
    };
  } finally {
    clearInterval(sampler);
    await rig.close();
  }
}
