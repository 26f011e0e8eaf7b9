/**
 * A local HTTP server (node:http on 127.0.0.1, random port) standing in for a provider. A `route`
 * answers normally; faults queued with `inject()` answer the next requests first, in order.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  /** As sent (still percent-encoded). */
  url: string;
  /** Decoded. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string or Buffer as is. */
  body?: unknown;
}

/** A reply, or a transport fault: `reset` destroys the socket, `hang` never answers. */
export type Reply = FakeResponse | 'reset' | 'hang';

export interface FakeServer {
  readonly url: string;
  readonly requests: FakeRequest[];
  /** Replies for the next requests (matching `when`, default any), before the route. */
  inject(...replies: (Reply | { when: (r: FakeRequest) => boolean; reply: Reply })[]): void;
  /** Replaces the normal route. */
  setRoute(route: (r: FakeRequest) => Reply): void;
  close(): Promise<void>;
}

export async function startFakeServer(route: (r: FakeRequest) => Reply): Promise<FakeServer> {
  const requests: FakeRequest[] = [];
  const queue: { when: (r: FakeRequest) => boolean; reply: Reply }[] = [];
  let current = route;
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      const r: FakeRequest = { method: req.method ?? 'GET', url: req.url ?? '/', path: decodeURIComponent(u.pathname), query: u.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(r);
      const i = queue.findIndex((q) => q.when(r));
      const reply = i >= 0 ? (queue.splice(i, 1)[0] as { reply: Reply }).reply : current(r);
      if (reply === 'reset') {
        req.socket.destroy();
        return;
      }
      if (reply === 'hang') {
        hanging.add(res);
        return;
      }
      const body = reply.body;
      const payload = Buffer.isBuffer(body) ? body : typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
      const type = Buffer.isBuffer(body) ? 'application/octet-stream' : typeof body === 'string' ? 'text/plain' : 'application/json;charset=utf-8';
      res.writeHead(reply.status ?? 200, { 'content-type': type, ...reply.headers });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    inject(...replies) {
      for (const r of replies) queue.push(typeof r === 'object' && 'when' in r ? r : { when: () => true, reply: r });
    },
    setRoute(r) {
      current = r;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
