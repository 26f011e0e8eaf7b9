/**
 * Start-up warm-up: read every known symbol's series once before the chat adapters take traffic.
 *
 * A cold read (CSV parse, or a provider fetch, plus the SQLite write) costs tens to hundreds of
 * milliseconds of the main thread per symbol. Left to the first commands, a burst of them after a
 * deploy each pays for its own reads while acknowledgements for everyone else wait behind it. Paid
 * here, it delays readiness by a few seconds instead, while /healthz says so.
 */
import type { MarketData } from '../data/market-data.ts';
import type { Logger } from '../log.ts';

export interface WarmUpResult {
  loaded: number;
  /** Symbols that could not be read (a provider down): they stay cold, and commands say so as usual. */
  failed: string[];
  ms: number;
  /** True when `deadlineMs` passed before every symbol was read. */
  timedOut: boolean;
}

export async function warmUp(o: {
  market: Pick<MarketData, 'series'>;
  symbols: readonly string[];
  logger?: Logger;
  /** Reads in parallel (live providers wait on the network). Default 4. */
  concurrency?: number;
  /** Stop warming after this long and start anyway. Default 60 s. */
  deadlineMs?: number;
}): Promise<WarmUpResult> {
  const started = performance.now();
  const deadline = started + (o.deadlineMs ?? 60_000);
  const queue = [...o.symbols];
  const failed: string[] = [];
  let loaded = 0;
  let timedOut = false;
  const lane = async () => {
    for (let symbol = queue.shift(); symbol !== undefined; symbol = queue.shift()) {
      if (performance.now() > deadline) {
        timedOut = true;
        return;
      }
      try {
        await o.market.series(symbol);
        loaded++;
      } catch (err) {
        failed.push(symbol);
        o.logger?.warn({ symbol, err }, 'warm-up: could not read a series; it stays cold');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 4) }, lane));
  const ms = Math.round(performance.now() - started);
  o.logger?.info({ loaded, failed: failed.length, ms, timedOut }, 'warm-up done');
  return { loaded, failed, ms, timedOut };
}
