/**
 * The QuickChart renderer against a local fake QuickChart server (POST /chart → PNG bytes), and
 * its fallback to local rendering.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChartSpec } from '../../src/answer/chart-spec.ts';
import { chartConfig } from '../../src/charts/config.ts';
import { createQuickChartRenderer } from '../../src/charts/quickchart-renderer.ts';
import type { ChartRenderer } from '../../src/charts/renderer.ts';
import { THEME } from '../../src/charts/theme.ts';
import { configSecrets, loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { createTestApp } from '../_app.ts';
import { startFakeServer, type FakeServer } from '../data/providers/_server.ts';
import { rebasedWithRatio, sectorBars } from './sample-specs.ts';

/** A real 1×1 PNG (signature, IHDR, IDAT, IEND). */
const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const LOCAL_PNG = Buffer.concat([TINY_PNG, Buffer.from('local')]);

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer((r) => (r.method === 'POST' && r.path === '/chart' ? { status: 200, headers: { 'content-type': 'image/png' }, body: TINY_PNG } : { status: 404, body: 'not found' }));
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

/** Stands in for the local renderer and records what it was asked to draw. */
function localStub(): ChartRenderer & { drawn: string[]; closed: boolean } {
  const stub = {
    name: 'local(stub)',
    drawn: [] as string[],
    closed: false,
    render(spec: ChartSpec) {
      stub.drawn.push(spec.id);
      return Promise.resolve(LOCAL_PNG);
    },
    close() {
      stub.closed = true;
      return Promise.resolve();
    },
  };
  return stub;
}

interface PostBody {
  chart: string;
  version: string;
  width: number;
  height: number;
  format: string;
  backgroundColor: string;
  devicePixelRatio: number;
  key?: string;
}

/** A QuickChart server that takes the request and never answers; it notes when each socket closes. */
async function startHungServer(): Promise<{ url: string; sockets: { openedAt: number; closedAt?: number }[]; close(): Promise<void> }> {
  const sockets: { openedAt: number; closedAt?: number }[] = [];
  const server = http.createServer((req) => {
    const s: { openedAt: number; closedAt?: number } = { openedAt: Date.now() };
    sockets.push(s);
    req.socket.on('close', () => {
      s.closedAt = Date.now();
    });
    req.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sockets,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const until = async (done: () => boolean, withinMs: number): Promise<void> => {
  const end = Date.now() + withinMs;
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
};

describe('QuickChart renderer', () => {
  it('POSTs the Chart.js v4 config to /chart and returns the PNG', async () => {
    const local = localStub();
    const r = createQuickChartRenderer({ url: server.url, fallback: local });
    const spec = rebasedWithRatio();
    const png = await r.render(spec);
    expect(png.equals(TINY_PNG), 'the server’s bytes').toBe(true);
    expect(local.drawn, 'no fallback needed').toEqual([]);
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0];
    expect([req?.method, req?.path]).toEqual(['POST', '/chart']);
    expect(req?.headers['content-type']).toBe('application/json');
    const body = JSON.parse(req?.body ?? '{}') as PostBody;
    expect({ version: body.version, width: body.width, height: body.height, format: body.format, backgroundColor: body.backgroundColor, devicePixelRatio: body.devicePixelRatio }).toEqual({
      version: '4',
      width: 520,
      height: 340,
      format: 'png',
      backgroundColor: THEME.background,
      devicePixelRatio: 3,
    });
    expect(JSON.parse(body.chart), 'exactly the config the local renderer draws').toEqual(JSON.parse(JSON.stringify(chartConfig(spec))));
  });

  it('draws locally when QuickChart answers 500, and stops asking a server that keeps failing', async () => {
    server.inject(...Array.from({ length: 3 }, () => ({ status: 500, headers: { 'x-quickchart-error': 'render failed' }, body: 'error' })));
    const local = localStub();
    const r = createQuickChartRenderer({ url: server.url, fallback: local, breakerThreshold: 3 });
    const spec = sectorBars();
    for (let i = 0; i < 4; i++) expect((await r.render(spec)).equals(LOCAL_PNG), `render ${i} came from the local fallback`).toBe(true);
    expect(local.drawn).toHaveLength(4);
    expect(server.requests.length, 'after 3 failures the circuit is open: the 4th chart never goes to QuickChart').toBe(3);
  });

  it('falls back when the answer is not a PNG or takes too long', async () => {
    server.inject({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>maintenance</html>' }, 'hang');
    const local = localStub();
    const r = createQuickChartRenderer({ url: server.url, fallback: local, timeoutMs: 200 });
    expect((await r.render(sectorBars())).equals(LOCAL_PNG)).toBe(true);
    expect((await r.render(sectorBars())).equals(LOCAL_PNG)).toBe(true);
    expect(local.drawn).toHaveLength(2);
  });

  it('gives up on a server that never answers within the timeout, and closes the connection', async () => {
    const hung = await startHungServer();
    try {
      const local = localStub();
      const r = createQuickChartRenderer({ url: hung.url, fallback: local, timeoutMs: 300 });
      const t0 = Date.now();
      const png = await r.render(sectorBars());
      const took = Date.now() - t0;
      expect(png.equals(LOCAL_PNG), 'drawn locally instead').toBe(true);
      expect(hung.sockets, 'QuickChart was asked once').toHaveLength(1);
      // 300 ms timeout, plus room for a slow shared machine; a 15 s default would be far over.
      expect(took, 'the fallback comes at the timeout, not after the server gives up').toBeLessThan(1_500);
      const socket = hung.sockets[0];
      await until(() => socket?.closedAt !== undefined, 1_000);
      expect(socket?.closedAt, 'the request was aborted: its socket closed, not left waiting on the server').toBeDefined();
      expect((socket?.closedAt ?? Infinity) - t0, 'closed at about the timeout').toBeLessThan(1_500);
    } finally {
      await hung.close();
    }
  });

  it('sends QUICKCHART_API_KEY in the POST body, never in the URL or a log line', async () => {
    const apiKey = 'qc-test-key-98765';
    const config = loadConfig({ QUICKCHART_API_KEY: ` ${apiKey} ` });
    expect(config.QUICKCHART_API_KEY, 'trimmed like the other keys').toBe(apiKey);
    expect(loadConfig({ QUICKCHART_API_KEY: '' }).QUICKCHART_API_KEY, 'empty means none').toBeUndefined();

    const lines: string[] = [];
    const logger = createLogger({
      secrets: configSecrets(config),
      destination: new Writable({
        write(chunk: Buffer, _enc, cb) {
          lines.push(chunk.toString());
          cb();
        },
      }),
    });
    server.inject({ status: 500, headers: { 'x-quickchart-error': 'render failed' }, body: 'error' });
    const r = createQuickChartRenderer({ url: server.url, fallback: localStub(), apiKey, logger });
    await r.render(sectorBars());
    await r.render(sectorBars());
    expect(server.requests.map((q) => (JSON.parse(q.body) as PostBody).key), 'quickchart-js puts the key in the body as `key`').toEqual([apiKey, apiKey]);
    expect(server.requests.some((q) => q.url.includes(apiKey)), 'not in the URL').toBe(false);
    expect(lines.join(''), 'the failure was logged').toMatch(/QuickChart failed/);
    logger.warn({ echoed: `key=${apiKey}` }, 'a careless line');
    expect(lines.join(''), 'the configuration’s secrets include the key: masked even where code slips').not.toContain(apiKey);
  });

  it('keeps a path prefix of QUICKCHART_URL and closes the local renderer with it', async () => {
    const local = localStub();
    const r = createQuickChartRenderer({ url: `${server.url}/qc/`, fallback: local });
    await r.render(sectorBars());
    expect(server.requests[0]?.path).toBe('/qc/chart');
    await r.close();
    expect(local.closed).toBe(true);
    await expect(r.render(sectorBars())).rejects.toThrow(/closed/);
  });

  it('is what the app uses when CHART_RENDERER=quickchart, with QUICKCHART_API_KEY', async () => {
    const app = createTestApp({}, { CHART_RENDERER: 'quickchart', QUICKCHART_URL: server.url, QUICKCHART_API_KEY: 'qc-app-key-24680' });
    try {
      expect(app.renderer.name, "the render cache wraps QuickChart, which falls back to local drawing").toMatch(/^cached\(quickchart\(127\.0\.0\.1:\d+\) with local\(inline\) fallback\)$/);
      expect((await app.renderer.render(sectorBars())).equals(TINY_PNG)).toBe(true);
      expect((JSON.parse(server.requests[0]?.body ?? '{}') as PostBody).key, 'the app passes the configured key').toBe('qc-app-key-24680');
    } finally {
      await app.close();
    }
  });
});
