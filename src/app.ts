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

export interface App {
  config: Config;
  logger: Logger;
  db: ReturnType<typeof openDatabase>;
  market: MarketData;
  symbols: SymbolDirectory;
  runner: CommandRunner;
  renderer: ChartRenderer;
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
}

export const BUNDLED_SOURCE_LABEL = 'bundled daily prices (Yahoo Finance and others)';

export function createApp(config: Config, opts: AppOptions = {}): App {
  const logger = opts.logger ?? silentLogger;
  const db = openDatabase(opts.dbFile ?? path.join(config.DATA_DIR, 'tapebot.db'));
  const symbols = createSymbolDirectory(loadManifest());
  const data = createDataSources(config, { logger, ...opts.data });
  const market = createCachedMarketData({
    db,
    upstream: data.upstream,
    symbols,
    sourceLabel: data.sourceLabel ?? BUNDLED_SOURCE_LABEL,
    logger,
    ...(data.refreshPolicy ? { refreshPolicy: data.refreshPolicy } : {}),
    ...(opts.data?.clock ? { clock: opts.data.clock } : {}),
  });
  const local = (): ChartRenderer => createLocalRenderer(config.RENDER_THREADS !== undefined ? { threads: config.RENDER_THREADS } : {});
  const renderer =
    opts.renderer ??
    (config.CHART_RENDERER === 'quickchart'
      ? createQuickChartRenderer({ fallback: local(), logger, ...(config.QUICKCHART_URL ? { url: config.QUICKCHART_URL } : {}) })
      : local());
  const status = () => buildStatusReport(data.providers, market, opts.data?.clock?.() ?? new Date());
  const runner = createCommandRunner({ commands: opts.commands ?? allCommands, market, symbols, logger, status });
  return {
    config,
    logger,
    db,
    market,
    symbols,
    runner,
    renderer,
    async close() {
      await renderer.close();
      db.close();
    },
  };
}
