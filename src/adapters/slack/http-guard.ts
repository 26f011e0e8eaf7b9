/**
 * What Bolt's HTTP receiver leaves open, closed in front of it (HTTP mode only):
 *
 * - The request window both ways. Slack's rule is that a request whose X-Slack-Request-Timestamp
 *   differs from the local clock by more than five minutes is refused (docs.slack.dev, "Verifying
 *   requests from Slack"); Bolt refuses only the old ones, so a validly signed request stamped
 *   +10 minutes or +1 year would run. Those are refused here, with 401, before anything runs.
 * - Replays inside the window. The signature covers the timestamp and the body, so two requests
 *   with one signature are the same request sent twice (a slash command replayed 3 s later): the
 *   second gets an empty 200 and runs nothing. Signatures are remembered for the window, bounded.
 * - Sockets that never finish: an idle connection, or a body sent a byte at a time, is closed
 *   after a few seconds instead of staying open (`serverTimeouts`).
 *
 * The guard looks at headers only, so the body still reaches Bolt untouched, which checks the
 * signature itself; a forged signature remembered here blocks nothing real (it cannot be predicted).
 */
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { Logger } from '../../log.ts';

/** Slack's request window: five minutes either side of the local clock. */
export const REQUEST_WINDOW_S = 5 * 60;
/** Signatures remembered at most (a full window of them at ~30 requests a second). */
const MAX_SIGNATURES = 10_000;

export interface SlackHttpTimeouts {
  /** A connection with nothing to send for this long is closed. */
  idleMs: number;
  /** The headers must have arrived within this long. */
  headersMs: number;
  /** The whole request, body included, must have arrived within this long. */
  requestMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: SlackHttpTimeouts = { idleMs: 10_000, headersMs: 5_000, requestMs: 10_000 };

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export interface RequestGuard {
  /** Wraps Bolt's listener: refused and replayed requests never reach it. */
  wrap(listener: RequestListener): RequestListener;
  readonly remembered: number;
}

export function createRequestGuard(opts: { logger: Logger; now?: () => number }): RequestGuard {
  const now = opts.now ?? Date.now;
  /** Signature → when it stops mattering (ms): after that, its timestamp is outside the window anyway. */
  const seen = new Map<string, number>();

  function remember(signature: string, timestampS: number, nowMs: number): boolean {
    for (const [key, until] of seen) {
      if (until > nowMs && seen.size < MAX_SIGNATURES) break;
      seen.delete(key);
    }
    if ((seen.get(signature) ?? 0) > nowMs) return false;
    seen.set(signature, (timestampS + REQUEST_WINDOW_S) * 1000 + 1000);
    return true;
  }

  return {
    wrap(listener) {
      return (req: IncomingMessage, res: ServerResponse) => {
        const stamp = header(req, 'x-slack-request-timestamp');
        const signature = header(req, 'x-slack-signature');
        const ts = stamp !== undefined && /^\d{1,12}$/.test(stamp) ? Number(stamp) : NaN;
        // Missing or malformed headers: Bolt refuses them with its own words.
        if (signature === undefined || !Number.isFinite(ts)) return listener(req, res);
        const nowMs = now();
        if (ts * 1000 > nowMs + REQUEST_WINDOW_S * 1000) {
          opts.logger.warn({ adapter: 'slack', aheadS: Math.round(ts - nowMs / 1000) }, 'slack request stamped in the future; refused');
          res.writeHead(401, { 'content-type': 'text/plain' }).end('request timestamp outside the allowed window');
          req.resume();
          return;
        }
        // Past the window: Bolt refuses it (and says so); not remembered.
        if (ts * 1000 >= nowMs - REQUEST_WINDOW_S * 1000 && !remember(signature, ts, nowMs)) {
          opts.logger.warn({ adapter: 'slack', path: req.url }, 'slack request with a signature already seen; ignored');
          res.writeHead(200).end();
          req.resume();
          return;
        }
        return listener(req, res);
      };
    },
    get remembered() {
      return seen.size;
    },
  };
}

/** Closes idle connections and requests that never finish (node:http's own timers). */
export function applyServerTimeouts(server: Server, t: SlackHttpTimeouts): void {
  server.headersTimeout = t.headersMs;
  server.requestTimeout = t.requestMs;
  server.keepAliveTimeout = Math.min(t.idleMs, 5_000);
  // Socket inactivity: destroyed when nothing moves for idleMs (no 'timeout' listener, so Node destroys it).
  server.setTimeout(t.idleMs);
}
