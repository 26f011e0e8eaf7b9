/**
 * Prometheus metrics (prom-client), served at GET /metrics by health.ts.
 *
 *   tapebot_commands_total{command,platform,outcome}   commands run, by how they ended
 *   tapebot_command_seconds{command,outcome}            runner time: binding, data, analysis (no charts, no delivery)
 *   tapebot_commands_in_flight                          commands the runner is working on
 *   tapebot_ack_seconds{platform}                       request arrival → acknowledgement sent (adapters)
 *   tapebot_reply_seconds{platform,outcome}             request arrival → final reply posted (adapters)
 *   tapebot_render_queue_depth                          charts waiting for a free render thread
 *   tapebot_cache_lookups_total{cache,result}           hits and misses of the render cache and the price cache
 *   tapebot_cache_hit_ratio{cache}                      hits / lookups since start
 *   tapebot_price_lookups_total{source}                 price series lookups by where they were served from
 *   tapebot_cache_bytes{cache}                          bytes the render cache holds
 *   tapebot_provider_healthy{provider}                  1 while a market-data provider's circuit is closed
 *   tapebot_provider_requests{provider,result}          requests made by each provider since start
 *   tapebot_digest_posts_total{kind,platform,outcome,reason}  digest and alert posts, by how each ended
 *   tapebot_digest_outbox_pending{platform,kind}        digest and alert posts decided but not yet sent
 *   tapebot_process_* / tapebot_nodejs_*                prom-client's default process metrics (memory, event loop lag)
 *
 * Label values are bounded: unknown command names are reported as "(unknown)" by the runner, and
 * platforms outside the known set as "other", so random input cannot grow the series without end.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SeriesSource } from '../data/cache.ts';
import type { StatusReport } from '../data/providers/status.ts';
import type { DigestPostEvent } from '../digest/service.ts';

export type CommandOutcome = 'ok' | 'user' | 'retry' | 'internal' | 'limited' | 'restarting';
export type ReplyOutcome = 'ok' | 'error';

const PLATFORMS = new Set(['discord', 'slack', 'console', 'cli', 'digest']);
const platformLabel = (p: string | undefined): string => (p && PLATFORMS.has(p) ? p : p === undefined ? 'none' : 'other');

export interface CommandEvent {
  command: string;
  platform?: string | undefined;
  outcome: CommandOutcome;
  ms: number;
}

export interface Metrics {
  readonly registry: Registry;
  readonly contentType: string;
  /** The runner reports every command here. */
  commandDone(e: CommandEvent): void;
  /** Time from a request's arrival to its acknowledgement (Discord deferReply, Slack ack()). */
  observeAck(platform: string, ms: number): void;
  /** Time from a request's arrival to its final reply (answer or error) being posted. */
  observeReply(platform: string, ms: number, outcome?: ReplyOutcome): void;
  cacheLookup(cache: string, hit: boolean): void;
  /** One price series lookup (cache.ts `onLookup`): counted as cache `prices`, memory and database being hits. */
  priceLookup(source: SeriesSource): void;
  /** How one digest or alert post ended (the digest service's `onPost`). */
  digestPost(e: DigestPostEvent): void;
  /** The outbox's pending rows by platform and kind (the digest store's `pendingCounts`), read at scrape time. */
  addDigestOutbox(pending: () => readonly { platform: string; kind: string; count: number }[]): () => void;
  /** Adds a gauge source; every source is read at scrape time. Each returns its remover. */
  addRenderQueue(depth: () => number): () => void;
  addInFlight(count: () => number): () => void;
  addCacheBytes(cache: string, bytes: () => number): () => void;
  addProviderStatus(report: () => StatusReport): () => void;
  /** The exposition text (what GET /metrics returns). */
  text(): Promise<string>;
}

function sourceSet<T>(): { add(s: T): () => void; all(): T[] } {
  const set = new Set<T>();
  return {
    add(s) {
      set.add(s);
      return () => void set.delete(s);
    },
    all: () => [...set],
  };
}

function sum(sources: (() => number)[]): number {
  let total = 0;
  for (const s of sources) {
    try {
      total += s();
    } catch {
      // A source that fails (e.g. a closed renderer) reports nothing rather than breaking the scrape.
    }
  }
  return total;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'tapebot_' });
  const registers = [registry];

  const commands = new Counter({ name: 'tapebot_commands_total', help: 'Commands run, by command, platform and outcome', labelNames: ['command', 'platform', 'outcome'] as const, registers });
  const commandSeconds = new Histogram({
    name: 'tapebot_command_seconds',
    help: 'Time the runner spent on a command (binding, data, analysis; not charts or delivery)',
    labelNames: ['command', 'outcome'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const ack = new Histogram({
    name: 'tapebot_ack_seconds',
    help: 'Request arrival to acknowledgement (Discord deferReply, Slack ack)',
    labelNames: ['platform'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
    registers,
  });
  const reply = new Histogram({
    name: 'tapebot_reply_seconds',
    help: 'Request arrival to the final reply posted',
    labelNames: ['platform', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 15, 30, 60],
    registers,
  });
  const lookups = new Counter({
    name: 'tapebot_cache_lookups_total',
    help:
      'Cache lookups by result. render: a hit is a chart already drawn with the same content. ' +
      'prices: a lookup of a symbol\'s series; a hit is served from memory or SQLite without asking the data provider, ' +
      'a miss asked it (first download, top-up, or a failed attempt; with the bundled provider, a read of the symbol\'s CSV file)',
    labelNames: ['cache', 'result'] as const,
    registers,
  });
  const priceSources = new Counter({
    name: 'tapebot_price_lookups_total',
    help: 'Price series lookups by where they were served from: memory (the in-process copy), database (SQLite, first use in this process), upstream (the data provider was asked)',
    labelNames: ['source'] as const,
    registers,
  });
  const digestPosts = new Counter({
    name: 'tapebot_digest_posts_total',
    help:
      'Digest and alert posts by how they ended: sent, failed (reason permanent, rejected, gave-up, payload-missing), ' +
      'skipped (reason missed, no-data, too-late), cancelled (unsubscribed first). Transient failures still being retried are not counted',
    labelNames: ['kind', 'platform', 'outcome', 'reason'] as const,
    registers,
  });
  const hitCounts = new Map<string, { hits: number; lookups: number }>();

  const renderQueues = sourceSet<() => number>();
  const inFlight = sourceSet<() => number>();
  const cacheBytes = sourceSet<{ cache: string; bytes: () => number }>();
  const providerSources = sourceSet<() => StatusReport>();
  const outboxSources = sourceSet<() => readonly { platform: string; kind: string; count: number }[]>();

  new Gauge({
    name: 'tapebot_render_queue_depth',
    help: 'Charts waiting for a free render thread',
    registers,
    collect() {
      this.set(sum(renderQueues.all()));
    },
  });
  new Gauge({
    name: 'tapebot_commands_in_flight',
    help: 'Commands the runner is working on',
    registers,
    collect() {
      this.set(sum(inFlight.all()));
    },
  });
  new Gauge({
    name: 'tapebot_cache_hit_ratio',
    help: 'Cache hits divided by lookups since start',
    labelNames: ['cache'] as const,
    registers,
    collect() {
      for (const [cache, c] of hitCounts) this.set({ cache }, c.lookups > 0 ? c.hits / c.lookups : 0);
    },
  });
  new Gauge({
    name: 'tapebot_cache_bytes',
    help: 'Bytes held by a cache',
    labelNames: ['cache'] as const,
    registers,
    collect() {
      const totals = new Map<string, number>();
      for (const s of cacheBytes.all()) totals.set(s.cache, (totals.get(s.cache) ?? 0) + sum([s.bytes]));
      for (const [cache, bytes] of totals) this.set({ cache }, bytes);
    },
  });
  const providerReports = (): StatusReport['providers'] => {
    const out: StatusReport['providers'][number][] = [];
    for (const s of providerSources.all()) {
      try {
        out.push(...s().providers);
      } catch {
        // as in sum(): a failing source is left out of this scrape
      }
    }
    return out;
  };
  new Gauge({
    name: 'tapebot_provider_healthy',
    help: '1 while a market-data provider can be used (circuit closed or half-open, or an offline source), else 0',
    labelNames: ['provider'] as const,
    registers,
    collect() {
      for (const p of providerReports()) this.set({ provider: p.name }, p.circuit === 'open' || p.circuit === 'isolated' ? 0 : 1);
    },
  });
  new Gauge({
    name: 'tapebot_provider_requests',
    help: 'Requests made by a market-data provider since start, by result',
    labelNames: ['provider', 'result'] as const,
    registers,
    collect() {
      for (const p of providerReports()) {
        this.set({ provider: p.name, result: 'ok' }, p.requests - p.failedRequests);
        this.set({ provider: p.name, result: 'failed' }, p.failedRequests);
      }
    },
  });

  new Gauge({
    name: 'tapebot_digest_outbox_pending',
    help: 'Digest and alert posts decided but not yet sent (outbox rows pending), by platform and kind',
    labelNames: ['platform', 'kind'] as const,
    registers,
    collect() {
      this.reset();
      const sources = outboxSources.all();
      if (sources.length === 0) return;
      // Zeros for the usual series, so a queue that empties reads 0 rather than vanishing.
      const totals = new Map<string, { platform: string; kind: string; count: number }>();
      for (const platform of ['discord', 'slack']) for (const kind of ['digest', 'alert']) totals.set(`${platform}|${kind}`, { platform, kind, count: 0 });
      for (const s of sources) {
        try {
          for (const r of s()) {
            const platform = platformLabel(r.platform);
            const t = totals.get(`${platform}|${r.kind}`) ?? { platform, kind: r.kind, count: 0 };
            t.count += r.count;
            totals.set(`${platform}|${r.kind}`, t);
          }
        } catch {
          // as in sum(): a store that cannot be read (closed at shutdown) is left out of this scrape
        }
      }
      for (const t of totals.values()) this.set({ platform: t.platform, kind: t.kind }, t.count);
    },
  });

  const cacheLookup = (cache: string, hit: boolean): void => {
    lookups.inc({ cache, result: hit ? 'hit' : 'miss' });
    const c = hitCounts.get(cache) ?? { hits: 0, lookups: 0 };
    c.lookups++;
    if (hit) c.hits++;
    hitCounts.set(cache, c);
  };

  return {
    registry,
    contentType: registry.contentType,
    commandDone(e) {
      const platform = platformLabel(e.platform);
      commands.inc({ command: e.command, platform, outcome: e.outcome });
      commandSeconds.observe({ command: e.command, outcome: e.outcome }, e.ms / 1000);
    },
    observeAck(platform, ms) {
      ack.observe({ platform: platformLabel(platform) }, ms / 1000);
    },
    observeReply(platform, ms, outcome = 'ok') {
      reply.observe({ platform: platformLabel(platform), outcome }, ms / 1000);
    },
    cacheLookup,
    priceLookup(source) {
      priceSources.inc({ source });
      cacheLookup('prices', source !== 'upstream');
    },
    digestPost(e) {
      digestPosts.inc({ kind: e.kind, platform: platformLabel(e.platform), outcome: e.outcome, ...(e.reason !== undefined ? { reason: e.reason } : {}) });
    },
    addDigestOutbox: (pending) => outboxSources.add(pending),
    addRenderQueue: (depth) => renderQueues.add(depth),
    addInFlight: (count) => inFlight.add(count),
    addCacheBytes: (cache, bytes) => cacheBytes.add({ cache, bytes }),
    addProviderStatus: (report) => providerSources.add(report),
    text: () => registry.metrics(),
  };
}

/**
 * What the chat adapters record: `ms` from when the request reached tapebot (the gateway event or the
 * HTTP request) to its acknowledgement or final reply. main.ts hands them the process's metrics.
 */
export type LatencyObserver = Pick<Metrics, 'observeAck' | 'observeReply'>;

/** Records nothing: for adapters started without metrics (tests, tools). */
export const NO_LATENCY: LatencyObserver = Object.freeze({ observeAck() {}, observeReply() {} });
