/**
 * The QuickChart renderer against a local fake QuickChart server (POST /chart → PNG bytes), and
 * its fallback to local rendering.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChartSpec } from '../../src/answer/chart-spec.ts';
import { chartConfig } from '../../src/charts/config.ts';
import { createQuickChartRenderer } from '../../src/charts/quickchart-renderer.ts';
import type { ChartRenderer } from '../../src/charts/renderer.ts';
import { THEME } from '../../src/charts/theme.ts';
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
}

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
      width: 1000,
      height: 560,
      format: 'png',
      backgroundColor: THEME.background,
      devicePixelRatio: 2,
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

  it('keeps a path prefix of QUICKCHART_URL and closes the local renderer with it', async () => {
    const local = localStub();
    const r = createQuickChartRenderer({ url: `${server.url}/qc/`, fallback: local });
    await r.render(sectorBars());
    expect(server.requests[0]?.path).toBe('/qc/chart');
    await r.close();
    expect(local.closed).toBe(true);
    await expect(r.render(sectorBars())).rejects.toThrow(/closed/);
  });

  it('is what the app uses when CHART_RENDERER=quickchart', async () => {
    const app = createTestApp({}, { CHART_RENDERER: 'quickchart', QUICKCHART_URL: server.url });
    try {
      expect(app.renderer.name, "the render cache wraps QuickChart, which falls back to local drawing").toMatch(/^cached\(quickchart\(127\.0\.0\.1:\d+\) with local\(inline\) fallback\)$/);
      expect((await app.renderer.render(sectorBars())).equals(TINY_PNG)).toBe(true);
    } finally {
      await app.close();
    }
  });
});
