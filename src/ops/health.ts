/**
 * Readiness, and the small HTTP server that reports it (HEALTH_PORT):
 *
 *   GET /healthz   200 {"status":"ok",...} when every component is ready, else 503 {"status":"unavailable",...}
 *   GET /metrics   Prometheus text (metrics.ts)
 *
 * Components are whatever must work for tapebot to answer: the database (a check run at request
 * time) and each configured chat connection, which its adapter reports:
 *
 *   health.setComponent('discord', false, 'connecting');   // main.ts, before starting the adapter
 *   health.setComponent('discord', true);                  // the adapter, on READY / resume
 *   health.setComponent('discord', false, 'disconnected'); // the adapter, on a gateway disconnect
 *
 * While shutting down, the component "accepting" is not ready, so a load balancer stops sending.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.ts';
import type { Metrics } from './metrics.ts';

export interface ComponentState {
  ready: boolean;
  detail?: string;
  /** ISO instant of the last change of `ready`. */
  since: string;
}

export interface HealthReport {
  status: 'ok' | 'unavailable';
  components: Record<string, ComponentState>;
}

export interface HealthRegistry {
  /** Records a component's readiness (chat connections report theirs). */
  setComponent(name: string, ready: boolean, detail?: string): void;
  /** A component whose readiness is computed when /healthz is asked (e.g. "is the database open"). */
  setCheck(name: string, check: () => boolean | { ready: boolean; detail?: string }): () => void;
  removeComponent(name: string): void;
  report(): HealthReport;
}

export function createHealthRegistry(now: () => Date = () => new Date()): HealthRegistry {
  const states = new Map<string, ComponentState>();
  const checks = new Map<string, () => boolean | { ready: boolean; detail?: string }>();

  const record = (name: string, ready: boolean, detail?: string) => {
    const prev = states.get(name);
    const since = prev && prev.ready === ready ? prev.since : now().toISOString();
    states.set(name, { ready, since, ...(detail !== undefined ? { detail } : {}) });
  };

  return {
    setComponent: record,
    setCheck(name, check) {
      checks.set(name, check);
      return () => {
        if (checks.get(name) === check) {
          checks.delete(name);
          states.delete(name);
        }
      };
    },
    removeComponent(name) {
      states.delete(name);
      checks.delete(name);
    },
    report() {
      for (const [name, check] of checks) {
        try {
          const r = check();
          if (typeof r === 'boolean') record(name, r);
          else record(name, r.ready, r.detail);
        } catch (err) {
          record(name, false, err instanceof Error ? err.message : 'check failed');
        }
      }
      const components = Object.fromEntries([...states].sort(([a], [b]) => a.localeCompare(b)));
      const ok = [...states.values()].every((s) => s.ready);
      return { status: ok ? 'ok' : 'unavailable', components };
    },
  };
}

/** The process's readiness, which adapters report into. */
export const health: HealthRegistry = createHealthRegistry();

export interface OpsServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export interface OpsServerOptions {
  port: number;
  /** Default 0.0.0.0, so a container's HEALTHCHECK and a Prometheus scraper can reach it. */
  host?: string;
  health: HealthRegistry;
  metrics: Pick<Metrics, 'text' | 'contentType'>;
  logger?: Logger;
}

export async function startOpsServer(opts: OpsServerOptions): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') {
      const report = opts.health.report();
      const body = `${JSON.stringify(report)}\n`;
      res.writeHead(report.status === 'ok' ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(head ? undefined : body);
      return;
    }
    if (path === '/metrics') {
      opts.metrics.text().then(
        (text) => {
          res.writeHead(200, { 'content-type': opts.metrics.contentType, 'cache-control': 'no-store' });
          res.end(head ? undefined : text);
        },
        (err: unknown) => {
          opts.logger?.error({ err }, 'metrics scrape failed');
          res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz or /metrics\n');
  });
  // A scraper's keep-alive connection must not hold shutdown open.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  opts.logger?.info({ port: address.port }, 'health and metrics listening');
  return {
    port: address.port,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * A backing service (PostgreSQL, Redis) as a health component: `ping` is run every `everyMs`
 * (unref'd) and its outcome recorded under `name`, the error's message as the detail. Returns a
 * function that stops it. The first ping runs at once.
 */
export function pollComponent(health: HealthRegistry, name: string, ping: () => Promise<void>, everyMs = 10_000, logger?: Logger): () => void {
  let stopped = false;
  let wasReady: boolean | null = null;
  const once = async () => {
    try {
      await ping();
      if (stopped) return;
      health.setComponent(name, true);
      if (wasReady === false) logger?.info({ component: name }, 'health: a backing service is back');
      wasReady = true;
    } catch (err) {
      if (stopped) return;
      const detail = err instanceof Error ? err.message : String(err);
      health.setComponent(name, false, detail.slice(0, 200));
      if (wasReady !== false) logger?.warn({ component: name, err: detail }, 'health: a backing service is unreachable');
      wasReady = false;
    }
  };
  void once();
  const timer = setInterval(() => void once(), everyMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
