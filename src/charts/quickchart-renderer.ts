/**
 * The QuickChart ChartRenderer (CHART_RENDERER=quickchart): POSTs the same pure-JSON Chart.js v4
 * configuration the local renderer draws (config.ts `chartConfig`) to a QuickChart server
 * (quickchart.io, or a self-hosted one at QUICKCHART_URL) and returns its PNG.
 *
 * - Always POST /chart with `{chart, version: '4', width, height, devicePixelRatio, format: 'png',
 *   backgroundColor, key?}`: our configs (hundreds of points) are far too long for a GET URL.
 *   quickchart-js builds that body (`getPostData()`); we send it with axios rather than its
 *   `toBinary()`, whose fetch takes no AbortSignal, so a timed-out request is really aborted and its
 *   socket closed instead of left waiting on a hung server.
 * - The API key (QUICKCHART_API_KEY) travels in the body as `key`, as quickchart-js sends it, never in
 *   a URL; errors are rethrown without their axios cause, which holds the request body.
 * - Chart.js v4 is asked for explicitly (`setVersion('4')`); QuickChart defaults to v2.9.4.
 * - What a stock Chart.js cannot draw is lost (the `tapebot` plugin: head labels, quadrant names,
 *   the background is passed as `backgroundColor`); see docs/data-and-charts.md.
 * - Any failure (HTTP error, timeout, a body that is not a PNG) draws the chart locally instead, and
 *   after `breakerThreshold` failures in a row QuickChart is not asked for `breakerHalfOpenAfterMs`
 *   (a cockatiel circuit breaker), so a dead server costs no timeouts.
 */
import type { AxiosResponse, AxiosStatic } from 'axios';
import { circuitBreaker, ConsecutiveBreaker, handleAll, isBrokenCircuitError } from 'cockatiel';
import type quickchartModule from 'quickchart-js';
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
/** quickchart-js and axios load with the first chart sent to QuickChart, not at start. */
let libs: Promise<{ QuickChart: QuickChartClass; axios: AxiosStatic }> | null = null;
function loadLibs(): NonNullable<typeof libs> {
  libs ??= Promise.all([import('quickchart-js'), import('axios')]).then(([qc, ax]) => ({
    QuickChart: (qc.default as unknown as { default?: QuickChartClass }).default ?? (qc.default as unknown as QuickChartClass),
    axios: ax.default,
  }));
  return libs;
}

/** axios's own `isAxiosError`, without loading axios to ask. */
function isAxiosError(err: unknown): err is { code?: string; message: string } {
  return typeof err === 'object' && err !== null && (err as { isAxiosError?: unknown }).isAxiosError === true;
}
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
  /** CSS size of every chart (PNG pixels are three times this). Default 520 × 340, like the local renderer. */
  width?: number;
  height?: number;
  logger?: Logger;
}

/** Thrown (and caught: the chart is drawn locally) when QuickChart does not deliver a PNG. */
export class QuickChartError extends Error {
  override readonly name = 'QuickChartError';
}

/** A PNG of our largest chart is well under 1 MB; anything far bigger is not a chart. */
const MAX_PNG_BYTES = 20 * 1024 * 1024;

export function createQuickChartRenderer(opts: QuickChartRendererOptions): ChartRenderer {
  const base = new URL(opts.url ?? QUICKCHART_DEFAULT_URL);
  // A path prefix of a self-hosted server (https://host/qc/) is kept: POST https://host/qc/chart.
  const endpoint = `${base.origin}${base.pathname.replace(/\/+$/, '')}/chart`;
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
    const { QuickChart, axios } = await loadLibs();
    const body = new QuickChart(opts.apiKey)
      .setVersion('4')
      .setConfig(JSON.stringify(config))
      .setWidth(width)
      .setHeight(height)
      .setDevicePixelRatio(DEVICE_PIXEL_RATIO)
      .setBackgroundColor(background)
      .setFormat('png')
      .getPostData();
    const signal = AbortSignal.timeout(timeoutMs);
    let res: AxiosResponse<ArrayBuffer>;
    try {
      res = await axios.post<ArrayBuffer>(endpoint, body, {
        signal,
        headers: { 'Content-Type': 'application/json', Accept: 'image/png' },
        responseType: 'arraybuffer',
        maxContentLength: MAX_PNG_BYTES,
        validateStatus: () => true,
      });
    } catch (err) {
      if (signal.aborted) throw new QuickChartError(`QuickChart did not answer within ${timeoutMs / 1000} s`);
      throw new QuickChartError(`QuickChart could not be reached (${isAxiosError(err) ? (err.code ?? err.message) : String(err)})`);
    }
    if (res.status < 200 || res.status >= 300) {
      const detail = res.headers['x-quickchart-error'];
      throw new QuickChartError(`QuickChart answered HTTP ${res.status}${typeof detail === 'string' ? `: ${detail}` : ''}`);
    }
    const png = Buffer.from(res.data);
    if (png.length < PNG_SIGNATURE.length || !png.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) {
      throw new QuickChartError(`QuickChart sent ${png.length} bytes that are not a PNG`);
    }
    return png;
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
