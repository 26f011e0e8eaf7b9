/** Shared settings for the provider tests: a fixed clock, tiny timeouts and backoff, fixture replay. */
import { readFileSync } from 'node:fs';
import type { HttpPolicy } from '../../../src/data/providers/http.ts';
import type { Reply } from './_server.ts';

/** Saturday Aug 22, 2026, noon in New York: the bundled data's last session (Fri Aug 21) is closed and final. */
export const SATURDAY = new Date('2026-08-22T16:00:00Z');
export const clockAt = (d: Date) => () => d;

/**
 * Fast enough for tests, shaped like production: retries with backoff, a breaker, no quota. The
 * timeout is generous because the fake servers build multi-megabyte histories on first use; the
 * timeout tests set their own.
 */
export const FAST: Partial<HttpPolicy> = {
  timeoutMs: 10_000,
  retries: 2,
  backoffInitialMs: 1,
  backoffMaxMs: 5,
  maxRetryAfterMs: 2_000,
  rateLimits: [],
  breakerThreshold: 3,
  breakerHalfOpenAfterMs: 60_000,
};

export interface Recorded {
  request: { url: string };
  response: { status: number; headers: Record<string, string>; bodyJson?: unknown; bodyText?: string };
}

export function fixture(name: string): Recorded {
  return JSON.parse(readFileSync(new URL(`../../fixtures/providers/${name}`, import.meta.url), 'utf8')) as Recorded;
}

/** The recorded response of a fixture, as a fake-server reply. */
export function replay(name: string): Reply {
  const f = fixture(name);
  return { status: f.response.status, headers: f.response.headers, body: f.response.bodyJson ?? f.response.bodyText ?? '' };
}

/** The recorded request's path and query, to compare with what a provider sends. */
export function recordedRequest(name: string): { path: string; query: URLSearchParams } {
  const u = new URL(fixture(name).request.url);
  return { path: decodeURIComponent(u.pathname), query: u.searchParams };
}
