/**
 * The composition root's core: opens the store, builds the market data, the symbol directory,
 * the command runner and the chart renderer from a validated Config. main.ts, the CLI, tests and
 * the benchmarks all build the app the same way.
 */
import path from 'node:path';
import { commands as allCommands } from '../commands/index.ts';
import type { ChartRenderer } from './charts/renderer.ts';
import { createLocalRenderer } from './charts/local-renderer.ts';
import { createQuickChartRenderer } from './charts/quickchart-renderer.ts';
import type { AnyCommand } from './command/define.ts';
import { createCommandRunner, type CommandRunner } from './command/run.ts';
import type { Config } from './config.ts';
import { createCachedMarketData } from './data/cache.ts';
import { createDataSources, type DataSourcesOptions } from './data/providers/from-config.ts';
import { buildStatusReport } from './data/providers/status.ts';
import type { MarketData } from './data/market-data.ts';
import { createSymbolDirectory, loadManifest, type SymbolDirectory } from './data/symbols.ts';
import { openDatabase } from './store/db.ts';
import { silentLogger, type Logger } from './log.ts';
import { createRenderCache } from './charts/render-cache.ts';
import type { CommandLimiter } from './command/run.ts';
import { health as processHealth, type HealthRegistry } from './ops/health.ts';
import { createRequestLimiter } from './ops/limits.ts';
import { metrics as processMetrics, type Metrics } from './ops/metrics.ts';
import { createWorkGate, type WorkGate } from './ops/shutdown.ts';

export interface App {
  config: Config;
  logger: Logger;
  db: ReturnType<typeof openDatabase>;
  market: MarketData;
  symbols: SymbolDirectory;
  runner: CommandRunner;
  renderer: ChartRenderer;
  /** Admission for commands: closing it makes the runner refuse new work while the rest finishes (shutdown). */
  gate: WorkGate;
  /** Checkpoints the WAL and closes the database, after the chart renderer. */
  close(): Promise<void>;
}

export interface AppOptions {
  logger?: Logger;
  /** ':memory:' for tests; default `${DATA_DIR}/tapebot.db`. */
  dbFile?: string;
  renderer?: ChartRenderer;
  commands?: readonly AnyCommand[];
  /** Clock, HTTP policy and refresh settings of the live providers (tests). */
  data?: DataSourcesOptions;
  /**
   * Per-person and per-channel limits. Off unless given: main.ts passes `limitsFromConfig(config)`;
   * the CLI, tests and benchmarks run without.
   */
  limiter?: CommandLimiter;
  /** Where metrics and readiness go; default the process's own (what /metrics and /healthz serve). */
  metrics?: Metrics;
  health?: HealthRegistry;
}

/** The limiter the environment asks for (RATE_USER_PER_MIN, RATE_USER_BURST, RATE_CHANNEL_PER_MIN, RATE_CHANNEL_BURST). */
export function limitsFromConfig(config: Config): CommandLimiter {
  return createRequestLimiter({
    userPerMinute: config.RATE_USER_PER_MIN,
    userBurst: config.RATE_USER_BURST,
    channelPerMinute: config.RATE_CHANNEL_PER_MIN,
    channelBurst: config.RATE_CHANNEL_BURST,
  });
}

export const BUNDLED_SOURCE_LABEL = 'bundled daily prices (Yahoo Finance and others)';

export function createApp(config: Config, opts: AppOptions = {}): App {
  const logger = opts.logger ?? silentLogger;
  const db = openDatabase(opts.dbFile ?? path.join(config.DATA_DIR, 'tapebot.db'));
  // With a live provider, tickers beyond the bundled list may exist: the provider decides.
  const symbols = createSymbolDirectory(loadManifest(), { allowUnknown: config.DATA_PROVIDERS.some((p) => p !== 'bundled') });
  const data = createDataSources(config, { logger, ...opts.data });
  const metrics = opts.metrics ?? processMetrics;
  const market = createCachedMarketData({
    db,
    upstream: data.upstream,
    symbols,
    sourceLabel: data.sourceLabel ?? BUNDLED_SOURCE_LABEL,
    logger,
    ...(data.refreshPolicy ? { refreshPolicy: data.refreshPolicy } : {}),
    ...(opts.data?.clock ? { clock: opts.data.clock } : {}),
    onLookup: (source) => metrics.priceLookup(source),
    maxMemoryBytes: config.PRICE_CACHE_MB * 1024 * 1024,
    pinned: (symbol) => symbols.isKnown(symbol),
  });
  const local = (): ChartRenderer =>
    createLocalRenderer({ ...(config.RENDER_THREADS !== undefined ? { threads: config.RENDER_THREADS } : {}), idleMs: config.RENDER_IDLE_S * 1000 });
  const health = opts.health ?? processHealth;
  const removers: (() => void)[] = [];
  let renderer: ChartRenderer;
  if (opts.renderer) {
    renderer = opts.renderer;
  } else {
    const drawing =
      config.CHART_RENDERER === 'quickchart'
        ? createQuickChartRenderer({
            fallback: local(),
            logger,
            ...(config.QUICKCHART_URL ? { url: config.QUICKCHART_URL } : {}),
            ...(config.QUICKCHART_API_KEY ? { apiKey: config.QUICKCHART_API_KEY } : {}),
          })
        : local();
    if (config.RENDER_CACHE_MB > 0) {
      const cached = createRenderCache(drawing, { maxBytes: config.RENDER_CACHE_MB * 1024 * 1024, onLookup: (hit) => metrics.cacheLookup('render', hit) });
      removers.push(metrics.addRenderQueue(() => cached.queueDepth()), metrics.addCacheBytes('render', () => cached.stats().bytes));
      renderer = cached;
    } else {
      renderer = drawing;
    }
  }
  const status = () => buildStatusReport(data.providers, market, opts.data?.clock?.() ?? new Date());
  const gate = createWorkGate();
  const runner = createCommandRunner({
    commands: opts.commands ?? allCommands,
    market,
    symbols,
    logger,
    status,
    gate,
    onDone: (e) => metrics.commandDone(e),
    ...(opts.limiter ? { limiter: opts.limiter } : {}),
  });
  removers.push(
    metrics.addCacheBytes('price', () => market.memoryStats().bytes),
    metrics.addInFlight(() => gate.inFlight),
    metrics.addProviderStatus(status),
    health.setCheck('database', () => (db.open ? true : { ready: false, detail: 'closed' })),
  );
  let closing: Promise<void> | null = null;
  return {
    config,
    logger,
    db,
    market,
    symbols,
    runner,
    renderer,
    gate,
    close() {
      closing ??= (async () => {
        for (const remove of removers) remove();
        await renderer.close();
        if (db.open) {
          // Fold the WAL back into the database file, so a backup or the next start finds one file.
          if (!db.memory) db.pragma('wal_checkpoint(TRUNCATE)');
          db.close();
        }
      })();
      return closing;
    },
  };
}
