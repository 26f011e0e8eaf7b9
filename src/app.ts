/**
 * The composition root's core: opens the store, builds the market data, the symbol directory,
 * the command runner and the chart renderer from a validated Config. main.ts, the CLI, tests and
 * the benchmarks all build the app the same way.
 */
import path from 'node:path';
import { commands as allCommands } from '../commands/index.ts';
import { formatDate } from './core/format.ts';
import type { ChartRenderer } from './charts/renderer.ts';
import { createLocalRenderer } from './charts/local-renderer.ts';
import { createQuickChartRenderer } from './charts/quickchart-renderer.ts';
import type { AnyCommand } from './command/define.ts';
import { buildLexicon, type Lexicon } from './ask/lexicon.ts';
import { createCommandRunner, type CommandRunner } from './command/run.ts';
import { configSecrets, type Config } from './config.ts';
import { bundledRefreshPolicy } from './data/bundled.ts';
import { createCachedMarketData } from './data/cache.ts';
import type { PriceProvider } from './data/provider.ts';
import type { YahooProvider } from './data/providers/yahoo.ts';
import { createSymbolLookup, type SymbolLookup } from './data/symbol-lookup.ts';
import { createDataSources, type DataSourcesOptions } from './data/providers/from-config.ts';
import { buildStatusReport } from './data/providers/status.ts';
import type { MarketData } from './data/market-data.ts';
import { createSymbolDirectory, loadManifest, type SymbolDirectory } from './data/symbols.ts';
import type { Database } from './store/db.ts';
import { openStore, type StoreGuard } from './store/guard.ts';
import { createSecretRegistry, silentLogger, type Logger, type SecretRegistry } from './log.ts';
import { createRenderCache } from './charts/render-cache.ts';
import type { CommandLimiter } from './command/run.ts';
import { createHealthRegistry, type HealthRegistry } from './ops/health.ts';
import { createRequestLimiter, type LimitStore } from './ops/limits.ts';
import { createMetrics, type Metrics } from './ops/metrics.ts';
import type { DigestBackend } from './digest/backend.ts';
import { systemClock, type Clock } from './digest/clock.ts';
import { createDigestStore, type SqliteDigestStore } from './digest/store.ts';
import type { DigestStore } from './digest/types.ts';
import { createWorkGate, type WorkGate } from './ops/shutdown.ts';

export interface App {
  config: Config;
  logger: Logger;
  /** The configuration's secrets (and any the composer added): what logs, chat bodies and printed answers mask. */
  secrets: SecretRegistry;
  db: Database;
  /** Watches the database file: settings are written through it (see src/store/guard.ts). */
  store: StoreGuard;
  market: MarketData;
  symbols: SymbolDirectory;
  /** Any ticker when live: the live provider's symbol search, cached; undefined offline. */
  lookup: SymbolLookup | undefined;
  runner: CommandRunner;
  /** The phrases questions in plain words are read with, compiled once from the runner's commands' ask declarations. */
  lexicon: Lexicon;
  renderer: ChartRenderer;
  /** Admission for commands: closing it makes the runner refuse new work while the rest finishes (shutdown). */
  gate: WorkGate;
  /** Subscriptions, watchlists, alerts and the outbox, in the app's database (what /digest, /watch and /alert use). */
  digests: DigestStore;
  /** Where the app and its adapters record metrics and readiness (what /metrics and /healthz serve). */
  metrics: Metrics;
  health: HealthRegistry;
  /** Checkpoints the WAL and closes the database, after the chart renderer. */
  close(): Promise<void>;
}

export interface AppOptions {
  logger?: Logger;
  /**
   * The registry `logger` masks with: createApp adds the configuration's secrets to it. Default: a
   * new registry (a logger made without it masks only the fields named token, signingSecret, authorization).
   */
  secrets?: SecretRegistry;
  /** ':memory:' for tests; default `${DATA_DIR}/tapebot.db`. */
  dbFile?: string;
  /** How often the store checks that its file is still the one open (ms). Default 30 s. */
  storeCheckMs?: number;
  renderer?: ChartRenderer;
  commands?: readonly AnyCommand[];
  /** Clock, HTTP policy and refresh settings of the live providers (tests). */
  data?: DataSourcesOptions;
  /**
   * Per-person and per-channel limits. Off unless given: main.ts passes `limitsFromConfig(config)`;
   * the CLI, tests and benchmarks run without.
   */
  limiter?: CommandLimiter;
  /** Where metrics and readiness go; main.ts passes the ones /metrics and /healthz serve. Default: the app's own. */
  metrics?: Metrics;
  health?: HealthRegistry;
  /**
   * A layer put in front of the live providers (not the bundled files): main.ts shares them across
   * replicas with DATABASE_URL (src/data/shared-upstream.ts).
   */
  upstreamLayer?: (upstream: PriceProvider) => PriceProvider;
  /**
   * What /digest, /watch and /alert use: by default a digest store in the app's SQLite file, dated by
   * the system clock. A clock (tests), a store and clock (main.ts with PostgreSQL; tests that swap
   * stores), or null: digests not enabled.
   */
  digests?: { clock: Clock } | DigestBackend | null;
}

/**
 * The limiter the environment asks for (RATE_USER_PER_MIN, RATE_USER_BURST, RATE_CHANNEL_PER_MIN,
 * RATE_CHANNEL_BURST); `store` shares its buckets (Redis, src/ops/limits-redis.ts), default in memory.
 */
export function limitsFromConfig(config: Config, store?: LimitStore): CommandLimiter {
  return createRequestLimiter({
    ...(store ? { store } : {}),
    userPerMinute: config.RATE_USER_PER_MIN,
    userBurst: config.RATE_USER_BURST,
    channelPerMinute: config.RATE_CHANNEL_PER_MIN,
    channelBurst: config.RATE_CHANNEL_BURST,
  });
}

/** Where backups go: BACKUP_DIR, default `${DATA_DIR}/backups`. */
export function backupDirOf(config: Config): string {
  return config.BACKUP_DIR ?? path.join(config.DATA_DIR, 'backups');
}

export const BUNDLED_SOURCE_LABEL = 'bundled daily prices (Yahoo Finance and others)';

/**
 * The footer's source for answers on bundled data: the label and, once, how far the offline data
 * reaches ("…, offline data to Oct 8, 2026"), since the newest bundled close grows old while tapebot runs.
 */
export function bundledSourceLabel(manifest: readonly { last: string }[]): string {
  const newest = manifest.reduce((m, e) => (e.last > m ? e.last : m), '');
  return newest === '' ? BUNDLED_SOURCE_LABEL : `${BUNDLED_SOURCE_LABEL}, offline data to ${formatDate(newest)}`;
}

export function createApp(config: Config, opts: AppOptions = {}): App {
  const logger = opts.logger ?? silentLogger;
  const secrets = configSecrets(config, opts.secrets ?? createSecretRegistry());
  // Throws a StoreOpenError (one line naming DATA_DIR or the file) when the store cannot be used.
  const dbFile = opts.dbFile ?? path.join(config.DATA_DIR, 'tapebot.db');
  const { db, guard: store } = openStore({ file: dbFile, backupDir: backupDirOf(config), logger });
  // With a live provider, tickers beyond the bundled list may exist: the provider decides.
  const manifest = loadManifest();
  const symbols = createSymbolDirectory(manifest, { allowUnknown: config.DATA_PROVIDERS.some((p) => p !== 'bundled') });
  const data = createDataSources(config, { logger, kindOf: (s) => symbols.info(s)?.kind, ...opts.data });
  const metrics = opts.metrics ?? createMetrics();
  const searcher = data.providers.find((p): p is PriceProvider & Pick<YahooProvider, 'search'> => typeof (p as Partial<YahooProvider>).search === 'function');
  const lookup = searcher ? createSymbolLookup({ search: (q, o) => searcher.search(q, o) }) : undefined;
  const live = config.DATA_PROVIDERS.some((p) => p !== 'bundled');
  const market = createCachedMarketData({
    db,
    upstream: live && opts.upstreamLayer ? opts.upstreamLayer(data.upstream) : data.upstream,
    symbols,
    sourceLabel: data.sourceLabel ?? bundledSourceLabel(manifest),
    logger,
    writes: store,
    // Live data tops up by its own policy; bundled data only when the cache holds an older bundle.
    refreshPolicy: data.refreshPolicy ?? bundledRefreshPolicy(manifest),
    ...(data.refreshPolicy ? { live: true } : {}),
    ...(opts.data?.clock ? { clock: opts.data.clock } : {}),
    onLookup: (source) => metrics.priceLookup(source),
    maxMemoryBytes: config.PRICE_CACHE_MB * 1024 * 1024,
    pinned: (symbol) => symbols.isKnown(symbol),
  });
  const local = (): ChartRenderer =>
    createLocalRenderer({ ...(config.RENDER_THREADS !== undefined ? { threads: config.RENDER_THREADS } : {}), idleMs: config.RENDER_IDLE_S * 1000 });
  const health = opts.health ?? createHealthRegistry();
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
  const given = opts.digests && 'store' in opts.digests ? opts.digests : null;
  // The SQLite digest store, unless another was given; its outbox gauge is read at scrape time.
  let sqliteDigests: SqliteDigestStore | null = null;
  let digestStore: DigestStore;
  if (given) {
    digestStore = given.store;
  } else {
    sqliteDigests = createDigestStore(db, store);
    digestStore = sqliteDigests;
  }
  const outbox = sqliteDigests;
  const digestBackend: DigestBackend | null = opts.digests === null ? null : (given ?? { store: digestStore, clock: opts.digests?.clock ?? systemClock });
  const gate = createWorkGate();
  const runner = createCommandRunner({
    commands: opts.commands ?? allCommands,
    market,
    symbols,
    lookup,
    logger,
    status,
    gate,
    ...(digestBackend ? { digests: digestBackend } : {}),
    onDone: (e) => metrics.commandDone(e),
    answerBudgetMs: Math.round(config.ANSWER_BUDGET_S * 1000),
    ...(opts.limiter ? { limiter: opts.limiter } : {}),
  });
  const lexicon = buildLexicon(runner.commands);
  removers.push(
    // Read at scrape time; removed before the database closes.
    ...(outbox ? [metrics.addDigestOutbox(() => outbox.pendingCounts())] : []),
    metrics.addCacheBytes('price', () => market.memoryStats().bytes),
    metrics.addInFlight(() => gate.inFlight),
    metrics.addProviderStatus(status),
    health.setCheck('database', () => {
      const state = store.check();
      return state.ok ? true : { ready: false, detail: state.problem };
    }),
    store.watch(opts.storeCheckMs ?? 30_000),
  );
  let closing: Promise<void> | null = null;
  return {
    config,
    logger,
    secrets,
    db,
    store,
    market,
    symbols,
    lookup,
    runner,
    lexicon,
    renderer,
    gate,
    digests: digestStore,
    metrics,
    health,
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
