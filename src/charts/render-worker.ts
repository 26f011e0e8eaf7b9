/**
 * Worker-thread entry of the local renderer: receives `{ id, config }`, answers
 * `{ id, png }` (the PNG's ArrayBuffer, transferred, not copied) or `{ id, error }`.
 */
import { parentPort } from 'node:worker_threads';
import type { ChartJsConfig } from './config.ts';
import { renderPngSync } from './render-local.ts';

export interface RenderRequest {
  id: number;
  config: ChartJsConfig;
}

export type RenderReply = { id: number; png: ArrayBuffer } | { id: number; error: string };

const port = parentPort;
if (port) {
  port.on('message', (req: RenderRequest) => {
    let reply: RenderReply;
    try {
      const png = renderPngSync(req.config);
      // A fresh ArrayBuffer of exactly the PNG's length: the Buffer may be a view into a larger pool.
      const out = new ArrayBuffer(png.byteLength);
      new Uint8Array(out).set(png);
      reply = { id: req.id, png: out };
      port.postMessage(reply, [out]);
    } catch (err) {
      reply = { id: req.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
      port.postMessage(reply);
    }
  });
}
