/**
 * The renderer port: ChartSpec in, PNG bytes out. Adapters and the CLI depend on this interface only;
 * which renderer draws (local worker pool, inline, a QuickChart server) is chosen in main.ts.
 */
import type { Answer } from '../answer/answer.ts';
import type { ChartSpec } from '../answer/chart-spec.ts';

export interface ChartRenderer {
  /** For logs and metrics, e.g. "local(2 threads)". */
  readonly name: string;
  render(spec: ChartSpec): Promise<Buffer>;
  /** Releases threads or connections; later `render` calls reject. */
  close(): Promise<void>;
}

/** One drawn chart of an Answer, ready to attach to a chat message. */
export interface RenderedChart {
  id: string;
  altText: string;
  png: Buffer;
  /** `<id>.png` with anything but letters, digits, `.`, `_` and `-` replaced, safe for any chat upload. */
  fileName: string;
}

export function chartFileName(id: string): string {
  const safe = id.replace(/[^A-Za-z0-9._-]/g, '_');
  return `${safe === '' ? 'chart' : safe}.png`;
}

/** Draws every chart of an Answer concurrently (the renderer bounds real parallelism), in the Answer's order. */
export async function renderAnswerCharts(renderer: ChartRenderer, answer: Answer): Promise<RenderedChart[]> {
  return Promise.all(
    answer.charts.map(async (spec) => ({
      id: spec.id,
      altText: spec.altText,
      png: await renderer.render(spec),
      fileName: chartFileName(spec.id),
    })),
  );
}
