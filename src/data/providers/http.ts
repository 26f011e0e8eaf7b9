/**
 * HTTP for the live providers: one shared axios instance, and per provider the resilience that
 * wraps every request from outside the provider's own code (cockatiel policies):
 *
 *   circuit breaker ( retry with jittered backoff ( rate limiter → request with a timeout ) )
 *
 * - Timeout: each attempt is aborted after `timeoutMs` ('timeout', retried).
 * - Retry: only transient failures (timeouts, connection errors, 408/429/5xx, provider payloads
 *   that say "try later") are retried, `retries` times, with "full jitter" exponential backoff
 *   (a random delay in [0, min(max, initial·2^n)], from AWS's "Exponential Backoff And Jitter");
 *   a `Retry-After` header is honoured instead when present, unless it asks for longer than
 *   `maxRetryAfterMs` — then we fail over to the next provider rather than keep a person waiting.
 * - Rate limit: a token bucket per window of the provider's quota (e.g. Tiingo's 50/hour and
 *   1000/day), shared by every request to that provider. A request that would wait longer than
 *   `maxQueueMs` for a token is refused locally as 'rate-limited' (never sent, never retried).
 * - Circuit breaker: after `breakerThreshold` consecutive failed requests (after their retries)
 *   the provider is skipped for `breakerHalfOpenAfterMs`; then one request probes it.
 *
 * cockatiel has no rate limiter of its own, and neither `bottleneck` nor `axios-retry` is a
 * dependency, so the token bucket below is ours.
 */
import http from 'node:http';
import https from 'node:https';
import type { AxiosInstance } from 'axios';
import {
  CircuitState,
  ConsecutiveBreaker,
  DelegateBackoff,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
  retry,
  wrap,
  type IRetryBackoffContext,
} from 'cockatiel';
import type { z } from 'zod';
import { ProviderError, type ProviderFailure } from '../../errors.ts';

/** Identifies tapebot to APIs that want to know who calls them (Yahoo gets a browser one, see yahoo.ts). */
export const TAPEBOT_USER_AGENT = 'tapebot/0.1 (market commentary bot; +https://github.com/tapebot)';

/**
 * The one axios instance every provider shares: keep-alive sockets, bodies as text (JSON is parsed
 * by us, so an HTML error page or a truncated body becomes a clear error rather than a string where
 * an object was expected), and every HTTP status resolved so providers can read their error payloads.
 * axios is loaded with the first request, not at start: the bundled data never needs it.
 */
let shared: Promise<AxiosInstance> | null = null;
export function sharedAxios(): Promise<AxiosInstance> {
  shared ??= import('axios').then(({ default: axios }) =>
    axios.create({
      headers: { Accept: 'application/json', 'User-Agent': TAPEBOT_USER_AGENT },
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      maxRedirects: 3,
      maxContentLength: 64 * 1024 * 1024,
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: 16 }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 16 }),
    }),
  );
  return shared;
}

/** axios's own `isAxiosError`, without loading axios to ask. */
function isAxiosError(err: unknown): err is { code?: string; message: string } {
  return typeof err === 'object' && err !== null && (err as { isAxiosError?: unknown }).isAxiosError === true;
}

/** A quota: at most `limit` requests per `perMs` milliseconds. */
export interface RateWindow {
  readonly limit: number;
  readonly perMs: number;
}

export interface HttpPolicy {
  /** Per attempt. */
  timeoutMs: number;
  /** Extra attempts after the first, for transient failures only. */
  retries: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** A Retry-After longer than this is not waited for: the request fails and the next provider is asked. */
  maxRetryAfterMs: number;
  /** The provider's quota; empty = unlimited. */
  rateLimits: readonly RateWindow[];
  /** The longest a request waits for the rate limiter before it is refused locally. */
  maxQueueMs: number;
  /** Consecutive failed requests that open the circuit. */
  breakerThreshold: number;
  /** How long an open circuit stays open before one request may probe the provider. */
  breakerHalfOpenAfterMs: number;
}

export const DEFAULT_HTTP_POLICY: HttpPolicy = {
  timeoutMs: 10_000,
  retries: 2,
  backoffInitialMs: 300,
  backoffMaxMs: 4_000,
  maxRetryAfterMs: 10_000,
  rateLimits: [],
  maxQueueMs: 8_000,
  breakerThreshold: 5,
  breakerHalfOpenAfterMs: 60_000,
};

const transientErrors = new WeakSet<Error>();
const localRefusals = new WeakSet<Error>();

/** Marks an error as worth retrying (a passing condition on the provider's side). */
export function transient<E extends Error>(err: E): E {
  transientErrors.add(err);
  return err;
}

export function isTransient(err: unknown): boolean {
  return err instanceof Error && transientErrors.has(err);
}

/** Parses Retry-After: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now: Date = new Date()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

export interface RateLimiter {
  /** Waits for a token of every window; rejects with ProviderError 'rate-limited' when the wait would exceed the queue limit. */
  acquire(signal?: AbortSignal): Promise<void>;
}

/**
 * Token buckets, one per window, refilled continuously (`limit` tokens per `perMs`), starting full.
 * A request takes one token from every bucket at once, going negative to hold its place in line,
 * and waits until every bucket it owes is back at zero. So concurrent requests queue fairly and
 * the long-run rate never exceeds any window's quota.
 */
export function createRateLimiter(
  provider: string,
  windows: readonly RateWindow[],
  opts: { maxQueueMs: number; now?: () => number },
): RateLimiter {
  const now = opts.now ?? (() => performance.now());
  const buckets = windows.map((w) => ({ rate: w.limit / w.perMs, capacity: w.limit, tokens: w.limit, at: now() }));
  const refill = (): void => {
    const t = now();
    for (const b of buckets) {
      b.tokens = Math.min(b.capacity, b.tokens + (t - b.at) * b.rate);
      b.at = t;
    }
  };
  return {
    acquire(signal) {
      if (buckets.length === 0) return Promise.resolve();
      signal?.throwIfAborted();
      refill();
      const wait = Math.max(0, ...buckets.map((b) => (b.tokens >= 1 ? 0 : (1 - b.tokens) / b.rate)));
      if (wait > opts.maxQueueMs) {
        const err = new ProviderError(
          provider,
          'rate-limited',
          `${provider}: our request quota is used up for now (next slot in ${Math.ceil(wait / 1000)} s)`,
          Math.ceil(wait / 1000),
        );
        localRefusals.add(err);
        return Promise.reject(err);
      }
      for (const b of buckets) b.tokens -= 1;
      if (wait <= 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          clearTimeout(timer);
          for (const b of buckets) b.tokens = Math.min(b.capacity, b.tokens + 1);
          reject(signal?.reason);
        };
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, wait);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}

/** A response as providers see it: status, lower-case headers, the body text and, when it is JSON, the parsed body. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  /** `undefined` when the body is not JSON (an HTML error page, plain text, empty, truncated). */
  readonly json: unknown;
}

/**
 * The generic reading of an HTTP status, for whatever a provider's own payload check left:
 * 429 rate-limited (Retry-After kept), 408/5xx unavailable (transient), 401/403 a rejected key,
 * 404 not-found, any other non-2xx unavailable; a 2xx body that is not JSON is invalid-data.
 * Returns undefined for a 2xx JSON response.
 */
export function httpFailure(provider: string, res: HttpResponse, now: Date = new Date()): ProviderError | undefined {
  const s = res.status;
  const page = /^\s*</.test(res.text) ? 'an HTML page' : res.text.trim() === '' ? 'an empty body' : 'a non-JSON body';
  if (s === 429) {
    return transient(
      new ProviderError(provider, 'rate-limited', `${provider} is rate-limiting us (HTTP 429)`, parseRetryAfter(res.headers['retry-after'], now)),
    );
  }
  if (s === 408 || s >= 500) {
    return transient(
      new ProviderError(provider, 'unavailable', `${provider} answered HTTP ${s}${res.json === undefined ? ` with ${page}` : ''}`, parseRetryAfter(res.headers['retry-after'], now)),
    );
  }
  if (s === 401 || s === 403) return new ProviderError(provider, 'unavailable', `${provider} rejected our request (HTTP ${s}): check its API key and plan`);
  if (s === 404) return new ProviderError(provider, 'not-found', `${provider} has no such symbol (HTTP 404).`);
  if (s < 200 || s >= 300) return new ProviderError(provider, 'unavailable', `${provider} answered HTTP ${s}`);
  if (res.json === undefined) return new ProviderError(provider, 'invalid-data', `${provider} sent ${page} instead of JSON`);
  return undefined;
}

/** Validates a provider's JSON with zod; a mismatch is 'invalid-data' naming the first problems. */
export function parseJson<S extends z.ZodType>(provider: string, what: string, schema: S, json: unknown): z.infer<S> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ProviderError(provider, 'invalid-data', `${provider} sent ${what} in an unexpected format (${issues.join('; ')})`);
  }
  return parsed.data;
}

export type CircuitStatus = 'closed' | 'open' | 'half-open' | 'isolated';

/** What /status shows for one provider. */
export interface ProviderHealth {
  readonly name: string;
  readonly circuit: CircuitStatus;
  /** ISO instant of the last request that succeeded, or null. */
  readonly lastSuccessAt: string | null;
  readonly lastFailure: { at: string; failure: ProviderFailure; message: string } | null;
  /** Requests made (after the rate limiter let them through; retries count once each). */
  readonly requests: number;
  readonly failedRequests: number;
}

export interface GetOptions<T> {
  params?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Turns the response into a value or throws a ProviderError (use `httpFailure` and `parseJson`). */
  interpret(res: HttpResponse): T;
}

export interface ProviderHttp {
  readonly name: string;
  get<T>(path: string, opts: GetOptions<T>): Promise<T>;
  health(): ProviderHealth;
}

export interface ProviderHttpOptions {
  name: string;
  baseURL: string;
  policy?: Partial<HttpPolicy>;
  /** Sent with every request (e.g. a User-Agent, an Authorization header). */
  headers?: Record<string, string>;
  axios?: AxiosInstance;
  clock?: () => Date;
}

const CIRCUIT: Record<CircuitState, CircuitStatus> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

const TRANSPORT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_NETWORK', 'ERR_BAD_RESPONSE']);

function isOutage(err: Error): boolean {
  if (localRefusals.has(err) || !(err instanceof ProviderError)) return false;
  return err.failure === 'unavailable' || err.failure === 'timeout' || err.failure === 'rate-limited';
}

/** What every provider's constructor accepts besides its key: for proxies, tests and a shared clock. */
export interface ProviderOverrides {
  /** The provider's base URL (`YAHOO_BASE_URL`, `TIINGO_BASE_URL`, …): a proxy, or a local server in tests. */
  baseURL?: string;
  policy?: Partial<HttpPolicy>;
  clock?: () => Date;
  axios?: AxiosInstance;
}

/** A provider's defaults: its documented base URL and quota, and the headers each request carries. */
export interface ProviderDefaults {
  baseURL: string;
  rateLimits: readonly RateWindow[];
  headers?: Record<string, string>;
}

/** The HTTP client of provider `name` from its defaults and the caller's overrides, with the clock both use. */
export function providerHttpFor(name: string, defaults: ProviderDefaults, opts: ProviderOverrides): { http: ProviderHttp; clock: () => Date } {
  const clock = opts.clock ?? (() => new Date());
  const http = createProviderHttp({
    name,
    baseURL: opts.baseURL ?? defaults.baseURL,
    policy: { rateLimits: defaults.rateLimits, ...opts.policy },
    ...(defaults.headers ? { headers: defaults.headers } : {}),
    clock,
    ...(opts.axios ? { axios: opts.axios } : {}),
  });
  return { http, clock };
}

export function createProviderHttp(opts: ProviderHttpOptions): ProviderHttp {
  const { name, baseURL } = opts;
  const policy: HttpPolicy = { ...DEFAULT_HTTP_POLICY, ...opts.policy };
  const clock = opts.clock ?? (() => new Date());
  const limiter = createRateLimiter(name, policy.rateLimits, { maxQueueMs: policy.maxQueueMs });

  let requests = 0;
  let failedRequests = 0;
  let lastSuccessAt: string | null = null;
  let lastFailure: ProviderHealth['lastFailure'] = null;

  const retryPolicy = retry(
    handleWhen((err) => {
      if (!isTransient(err)) return false;
      const after = err instanceof ProviderError ? err.retryAfterSeconds : undefined;
      return after === undefined || after * 1000 <= policy.maxRetryAfterMs;
    }),
    {
      maxAttempts: policy.retries,
      backoff: new DelegateBackoff((ctx: IRetryBackoffContext<unknown>) => {
        const err = 'error' in ctx.result ? ctx.result.error : undefined;
        if (err instanceof ProviderError && err.retryAfterSeconds !== undefined) return err.retryAfterSeconds * 1000;
        const cap = Math.min(policy.backoffMaxMs, policy.backoffInitialMs * 2 ** (ctx.attempt - 1));
        return Math.random() * cap;
      }),
    },
  );
  const breaker = circuitBreaker(handleWhen(isOutage), {
    halfOpenAfter: policy.breakerHalfOpenAfterMs,
    breaker: new ConsecutiveBreaker(policy.breakerThreshold),
  });
  const resilient = wrap(breaker, retryPolicy);

  async function attempt<T>(path: string, o: GetOptions<T>, policySignal: AbortSignal): Promise<T> {
    await limiter.acquire(policySignal);
    const timeout = AbortSignal.timeout(policy.timeoutMs);
    requests++;
    let res: HttpResponse;
    try {
      const client = opts.axios ?? (await sharedAxios());
      const r = await client.get<string>(path, {
        baseURL,
        params: o.params,
        headers: { ...opts.headers, ...o.headers },
        signal: AbortSignal.any([policySignal, timeout]),
      });
      const text = typeof r.data === 'string' ? r.data : '';
      let json: unknown;
      try {
        json = text.trim() === '' ? undefined : (JSON.parse(text) as unknown);
      } catch {
        json = undefined;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(r.headers as Record<string, unknown>)) {
        if (typeof v === 'string') headers[k.toLowerCase()] = v;
        else if (Array.isArray(v)) headers[k.toLowerCase()] = v.join(', ');
      }
      res = { status: r.status, headers, text, json };
    } catch (err) {
      failedRequests++;
      o.signal?.throwIfAborted();
      // No `cause`: an axios error carries the request config, API keys included.
      if (timeout.aborted) throw transient(new ProviderError(name, 'timeout', `${name} did not answer within ${policy.timeoutMs / 1000} s`));
      const code = isAxiosError(err) ? (err.code ?? 'network error') : 'network error';
      if (isAxiosError(err) && !TRANSPORT_CODES.has(code) && code !== 'network error') {
        throw new ProviderError(name, 'unavailable', `${name} request failed (${code})`);
      }
      throw transient(new ProviderError(name, 'unavailable', `${name} could not be reached (${code})`));
    }
    try {
      return o.interpret(res);
    } catch (err) {
      failedRequests++;
      throw err;
    }
  }

  return {
    name,
    async get(path, o) {
      o.signal?.throwIfAborted();
      try {
        const value = await resilient.execute(({ signal }) => attempt(path, o, signal), o.signal);
        lastSuccessAt = clock().toISOString();
        return value;
      } catch (err) {
        o.signal?.throwIfAborted();
        const e = isBrokenCircuitError(err)
          ? new ProviderError(name, 'unavailable', `${name} is paused after repeated failures (circuit open); trying again later`, undefined, { cause: err })
          : err instanceof ProviderError
            ? err
            : new ProviderError(name, 'unavailable', `${name}: ${err instanceof Error ? err.message : String(err)}`, undefined, { cause: err });
        // A refusal by our own limiter says nothing about the provider's health.
        if (!localRefusals.has(e)) lastFailure = { at: clock().toISOString(), failure: e.failure, message: e.message };
        throw e;
      }
    },
    health: () => ({ name, circuit: CIRCUIT[breaker.state], lastSuccessAt, lastFailure, requests, failedRequests }),
  };
}
