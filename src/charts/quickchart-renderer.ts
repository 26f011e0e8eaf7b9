/**
 * The QuickChart ChartRenderer (CHART_RENDERER=quickchart): POSTs the same pure-JSON Chart.js v4
 * configuration the local renderer draws (config.ts `chartConfig`) to a QuickChart server
 * (quickchart.io, or a self-hosted one at QUICKCHART_URL) and returns its PNG.
 *
 * - Always POST /chart with `{chart, version: '4', width, height, devicePixelRatio, format: 'png',
 *   backgroundColor}` via quickchart-js `toBinary()`: our configs (hundreds of points) are far too
 *   long for a GET URL.
 * - Chart.js v4 is asked for explicitly (`setVersion('4')`); QuickChart defaults to v2.9.4.
 * - What a stock Chart.js cannot draw is lost (the `tapebot` plugin: head labels, quadrant names,
 *   the background is passed as `backgroundColor`); see docs/data-and-charts.md.
 * - Any failure (HTTP error, timeout, a body that is not a PNG) draws the chart locally instead, and
 *   after `breakerThreshold` failures in a row QuickChart is not asked for `breakerHalfOpenAfterMs`
 *   (a cockatiel circuit breaker), so a dead server costs no timeouts.
 */
import { circuitBreaker, ConsecutiveBreaker, handleAll, isBrokenCircuitError } from 'cockatiel';
import quickchartModule from 'quickchart-js';
import type { ChartSpec } from '../answer/chart-spec.ts';
import type { Logger } from '../log.ts';
import { chartConfig, DEVICE_PIXEL_RATIO } from './config.ts';
import type { ChartRenderer } from './renderer.ts';

export const QUICKCHART_DEFAULT_URL = 'https://quickchart.io';
/**
 * quickchart-js ships ESM at runtime (the default import is the class) but typings that TypeScript
 * reads as CommonJS (the class under `.default`); accept either shape.
 */
type QuickChartClass = typeof quickchartModule.default;
const QuickChart: QuickChartClass =
  (quickchartModule as unknown as { default?: QuickChartClass }).default ?? (quickchartModule as unknown as QuickChartClass);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface QuickChartRendererOptions {
  /** Server base URL (scheme, host, port, optional path); default https://quickchart.io. */
  url?: string;
  /** Draws the chart when QuickChart cannot. */
  fallback: ChartRenderer;
  /** quickchart.io API key, if any. */
  apiKey?: string;
  /** Per chart. Default 15 s. */
  timeoutMs?: number;
  breakerThreshold?: number;
  breakerHalfOpenAfterMs?: number;
  /** CSS size of every chart (PNG pixels are twice this). Default 1000 × 560, like the local renderer. */
  width?: number;
  height?: number;
  logger?: Logger;
}

/** Thrown (and caught: the chart is drawn locally) when QuickChart does not deliver a PNG. */
export class QuickChartError extends Error {
  override readonly name = 'QuickChartError';
}

export function createQuickChartRenderer(opts: QuickChartRendererOptions): ChartRenderer {
  const base = new URL(opts.url ?? QUICKCHART_DEFAULT_URL);
  const scheme = base.protocol.replace(/:$/, '');
  // quickchart-js builds `${scheme}://${host}/chart`: a path prefix rides along in the host.
  const host = `${base.host}${base.pathname.replace(/\/+$/, '')}`;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const fallback = opts.fallback;
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: opts.breakerHalfOpenAfterMs ?? 60_000,
    breaker: new ConsecutiveBreaker(opts.breakerThreshold ?? 3),
  });
  let closed = false;

  const post = async (spec: ChartSpec): Promise<Buffer> => {
    const config = chartConfig(spec, {
      ...(opts.width !== undefined ? { width: opts.width } : {}),
      ...(opts.height !== undefined ? { height: opts.height } : {}),
    });
    const { width, height, background } = config.options.plugins.tapebot;
    const qc = new QuickChart(opts.apiKey)
      .setScheme(scheme)
      .setHost(host)
      .setVersion('4')
      .setConfig(JSON.stringify(config))
      .setWidth(width)
      .setHeight(height)
      .setDevicePixelRatio(DEVICE_PIXEL_RATIO)
      .setBackgroundColor(background)
      .setFormat('png');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new QuickChartError(`QuickChart did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    try {
      const png = await Promise.race([qc.toBinary(), timeout]);
      if (png.length < PNG_SIGNATURE.length || !png.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) {
        throw new QuickChartError(`QuickChart sent ${png.length} bytes that are not a PNG`);
      }
      return png;
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    name: `quickchart(${base.host}) with ${fallback.name} fallback`,
    async render(spec) {
      if (closed) throw new Error('chart renderer is closed');
      try {
        return await breaker.execute(() => post(spec));
      } catch (err) {
        if (!isBrokenCircuitError(err)) {
          opts.logger?.warn({ chart: spec.id, err: err instanceof Error ? err.message : String(err) }, 'QuickChart failed; drawing the chart locally');
        }
        return fallback.render(spec);
      }
    },
    async close() {
      closed = true;
      await fallback.close();
    },
  };
}
