import { afterAll, describe, expect, it } from 'vitest';
import { createHealthRegistry, startOpsServer, type HealthReport } from '../../src/ops/health.ts';
import { createMetrics } from '../../src/ops/metrics.ts';

const registry = createHealthRegistry(() => new Date('2026-08-21T20:00:00Z'));
const metrics = createMetrics();
const server = await startOpsServer({ port: 0, host: '127.0.0.1', health: registry, metrics });
afterAll(() => server.close());

async function healthz(): Promise<{ status: number; body: HealthReport }> {
  const res = await fetch(`${server.url}/healthz`);
  return { status: res.status, body: (await res.json()) as HealthReport };
}

describe('GET /healthz', () => {
  it('is 200 only while every component is ready, and names each one', async () => {
    let dbOpen = true;
    const removeDb = registry.setCheck('database', () => dbOpen);
    registry.setComponent('discord', false, 'connecting');
    let r = await healthz();
    expect(r.status, 'a chat connection that is not up yet makes the whole not ready').toBe(503);
    expect(r.body.status).toBe('unavailable');
    expect(r.body.components.discord).toMatchObject({ ready: false, detail: 'connecting' });
    expect(r.body.components.database).toMatchObject({ ready: true });

    registry.setComponent('discord', true);
    r = await healthz();
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', components: { discord: { ready: true }, database: { ready: true } } });

    dbOpen = false;
    r = await healthz();
    expect(r.status, 'the check runs at request time: a closed database is seen at once').toBe(503);

    removeDb();
    registry.removeComponent('discord');
    r = await healthz();
    expect(r).toEqual({ status: 200, body: { status: 'ok', components: {} } });
  });

  it('treats a check that throws as not ready', async () => {
    const remove = registry.setCheck('store', () => {
      throw new Error('SQLITE_CANTOPEN');
    });
    const r = await healthz();
    expect(r.status).toBe(503);
    expect(r.body.components.store).toMatchObject({ ready: false, detail: 'SQLITE_CANTOPEN' });
    remove();
  });
});

describe('GET /metrics', () => {
  it('serves Prometheus text with the adapters’ ack and reply latencies', async () => {
    metrics.observeAck('discord', 12);
    metrics.observeAck('discord', 40);
    metrics.observeReply('slack', 800, 'ok');
    metrics.observeAck('myspace', 5);
    const remove = metrics.addRenderQueue(() => 7);
    metrics.cacheLookup('render', true);
    metrics.cacheLookup('render', true);
    metrics.cacheLookup('render', false);
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    // 12 ms and 40 ms both fall under the 0.05 s bucket; only 12 ms under 0.025 s.
    expect(text).toContain('tapebot_ack_seconds_bucket{le="0.025",platform="discord"} 1');
    expect(text).toContain('tapebot_ack_seconds_bucket{le="0.05",platform="discord"} 2');
    expect(text).toContain('tapebot_ack_seconds_count{platform="other"} 1');
    expect(text).toContain('tapebot_reply_seconds_count{platform="slack",outcome="ok"} 1');
    expect(text).toContain('tapebot_render_queue_depth 7');
    expect(text, '2 hits of 3 lookups').toMatch(/tapebot_cache_hit_ratio\{cache="render"\} 0\.666/);
    remove();
    expect(await metrics.text()).toContain('tapebot_render_queue_depth 0');
  });

  it('answers other paths and methods plainly', async () => {
    expect((await fetch(`${server.url}/`)).status).toBe(404);
    expect((await fetch(`${server.url}/healthz`, { method: 'POST' })).status).toBe(405);
    const head = await fetch(`${server.url}/healthz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});
