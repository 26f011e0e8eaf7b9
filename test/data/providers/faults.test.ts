/**
 * The fault matrix: what each kind of upstream failure leads to, through the real HTTP stack
 * (axios → rate limiter → retry → circuit breaker) and the failover chain yahoo → tiingo → bundled.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBundledProvider } from '../../../src/data/bundled.ts';
import { createFailoverProvider } from '../../../src/data/providers/failover.ts';
import { createRateLimiter, parseRetryAfter, type HttpPolicy } from '../../../src/data/providers/http.ts';
import { createTiingoProvider } from '../../../src/data/providers/tiingo.ts';
import { createYahooProvider } from '../../../src/data/providers/yahoo.ts';
import { ProviderError } from '../../../src/errors.ts';
import { FAST, SATURDAY, clockAt, replay } from './_helpers.ts';
import { startFakeServer, type FakeServer, type Reply } from './_server.ts';
import { tiingoPrices, tiingoRoute, yahooChart, yahooRoute } from './_upstreams.ts';

let yahooServer: FakeServer;
let tiingoServer: FakeServer;
beforeAll(async () => {
  // Warm the fake servers' caches so the first test's tight timeout measures our client, not them.
  yahooChart('SPY', 0, 2e9);
  tiingoPrices('SPY', '2026-08-03');
  yahooServer = await startFakeServer(yahooRoute);
  tiingoServer = await startFakeServer(tiingoRoute);
});
afterAll(async () => {
  await yahooServer.close();
  await tiingoServer.close();
});
beforeEach(() => {
  yahooServer.requests.length = 0;
  tiingoServer.requests.length = 0;
  yahooServer.setRoute(yahooRoute);
});

const clock = clockAt(SATURDAY);
function chain(policy: Partial<HttpPolicy> = FAST) {
  const yahoo = createYahooProvider({ baseURL: yahooServer.url, clock, policy });
  const tiingo = createTiingoProvider({ apiKey: 'test-key-123456', baseURL: tiingoServer.url, clock, policy });
  return { yahoo, tiingo, failover: createFailoverProvider([yahoo, tiingo, createBundledProvider()]) };
}
const FROM = { from: '2026-08-03' };
async function failureOf(p: Promise<unknown>): Promise<ProviderError> {
  const err: unknown = await p.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}
const html = (status: number): Reply => ({ status, headers: { 'content-type': 'text/html' }, body: '<!DOCTYPE html><html><body><h1>Will be right back…</h1></body></html>' });

describe('fault matrix: retried, then succeeded', () => {
  const cases: [string, Reply, Partial<HttpPolicy>?][] = [
    ['a timeout', 'hang', { ...FAST, timeoutMs: 150 }],
    ['a connection reset', 'reset'],
    ['429 without Retry-After', { status: 429, body: 'Too Many Requests' }],
    ['HTTP 500', { status: 500, body: { chart: { result: null, error: { code: 'Internal Server Error', description: 'boom' } } } }],
    ['HTTP 502 with an HTML error page', html(502)],
    ['HTTP 503', { status: 503, body: 'Service Unavailable' }],
  ];
  for (const [what, reply, policy] of cases) {
    it(`${what}: one retry and yahoo answers`, async () => {
      yahooServer.inject(reply);
      const h = await chain(policy).failover.fetchHistory('SPY', FROM);
      expect(h.provider, 'still served by the first provider').toBe('yahoo');
      expect(h.bars.at(-1)?.date).toBe('2026-08-21');
      expect(yahooServer.requests, 'the failed attempt and its retry').toHaveLength(2);
      expect(tiingoServer.requests, 'no failover needed').toHaveLength(0);
    });
  }

  it('429 with Retry-After: 1 waits that second before the retry', async () => {
    yahooServer.inject({ status: 429, headers: { 'retry-after': '1' }, body: 'Too Many Requests' });
    const t0 = performance.now();
    const h = await chain().failover.fetchHistory('SPY', FROM);
    expect(h.provider).toBe('yahoo');
    expect(performance.now() - t0, 'Retry-After honoured').toBeGreaterThanOrEqual(950);
    expect(yahooServer.requests).toHaveLength(2);
  });
});

describe('fault matrix: failed over to the next provider', () => {
  it('429 with a Retry-After longer than we wait: no retry, tiingo answers', async () => {
    yahooServer.inject({ status: 429, headers: { 'retry-after': '3600' }, body: 'Too Many Requests' });
    const h = await chain().failover.fetchHistory('SPY', FROM);
    expect(h.provider).toBe('tiingo');
    expect(yahooServer.requests, 'not retried').toHaveLength(1);
  });

  it('503 on every attempt: retries exhausted, tiingo answers', async () => {
    yahooServer.setRoute(() => ({ status: 503, body: 'Service Unavailable' }));
    const h = await chain().failover.fetchHistory('SPY', FROM);
    expect(h.provider).toBe('tiingo');
    expect(yahooServer.requests, 'first attempt + 2 retries').toHaveLength(3);
  });

  const refused: [string, Reply, RegExp][] = [
    ['malformed JSON', { status: 200, body: '{"chart":{"result":[{' }, /yahoo sent a non-JSON body instead of JSON/],
    ['an HTML page with HTTP 200', html(200), /yahoo sent an HTML page instead of JSON/],
    ['a series with a gap', replay('yahoo-chart-SPY-gap.fake.json'), /no bar for Aug 12, 2026/],
    ['a split without a split event', replay('yahoo-chart-SPY-split-without-event.fake.json'), /the size of a split, but there is no split event/],
  ];
  for (const [what, reply, reason] of refused) {
    it(`${what}: refused as invalid-data (not retried), tiingo answers`, async () => {
      yahooServer.inject(reply);
      const { yahoo, failover } = chain();
      const h = await failover.fetchHistory('SPY', FROM);
      expect(h.provider).toBe('tiingo');
      expect(yahooServer.requests, 'bad data is not retried').toHaveLength(1);
      // The same response, asked of yahoo alone, is a clear ProviderError.
      yahooServer.inject(reply);
      const err = await failureOf(yahoo.fetchHistory('SPY', FROM));
      expect(err.failure).toBe('invalid-data');
      expect(err.message).toMatch(reason);
    });
  }

  it('an empty series for a full history: yahoo says not-found, tiingo still answers', async () => {
    yahooServer.inject({ body: { chart: { result: [{ meta: { symbol: 'SPY', exchangeTimezoneName: 'America/New_York' }, indicators: { quote: [{}] } }], error: null } } });
    const h = await chain().failover.fetchHistory('SPY');
    expect(h.provider).toBe('tiingo');
    expect(h.bars[0]?.date, 'full SPY history from tiingo').toBe('1993-01-29');
  });

  it('every live provider down: the bundled files answer, marked as a fallback', async () => {
    yahooServer.setRoute(() => 'reset');
    tiingoServer.inject(...Array.from({ length: 3 }, (): Reply => ({ status: 502, body: 'Bad Gateway' })));
    const h = await chain().failover.fetchHistory('SPY', FROM);
    expect([h.provider, h.fallback]).toEqual(['bundled', true]);
    expect(h.fallbackReason).toMatch(/yahoo could not be reached.*tiingo answered HTTP 502/);
  });

  it('every provider down and no offline fallback: the most actionable failure, every reason in the message', async () => {
    yahooServer.setRoute(() => ({ status: 503, body: 'down' }));
    tiingoServer.inject({ status: 429, headers: { 'retry-after': '120' }, body: { detail: 'Error: You have run over your hourly request allocation.' } });
    const { yahoo, tiingo } = chain();
    const err = await failureOf(createFailoverProvider([yahoo, tiingo]).fetchHistory('SPY', FROM));
    expect(err.provider).toBe('live');
    expect(err.failure, 'rate-limited tells people when to come back').toBe('rate-limited');
    expect(err.retryAfterSeconds).toBe(120);
    expect(err.message).toMatch(/yahoo: yahoo answered HTTP 503.*tiingo: tiingo: Error: You have run over/);
  });

  it('skips providers that lack the symbol without asking them', async () => {
    yahooServer.setRoute(() => ({ status: 503, body: 'down' }));
    const h = await chain().failover.fetchHistory('^GSPC', FROM);
    expect([h.provider, h.fallback]).toEqual(['bundled', true]);
    expect(tiingoServer.requests, 'tiingo has no index data: never asked').toHaveLength(0);
  });
});

describe('circuit breaker', () => {
  it('opens after 3 failed requests: yahoo is then skipped without a request, and /status shows it', async () => {
    yahooServer.setRoute(() => ({ status: 503, body: 'down' }));
    const { yahoo, failover } = chain({ ...FAST, retries: 0 });
    for (let i = 0; i < 3; i++) expect((await failover.fetchHistory('SPY', FROM)).provider).toBe('tiingo');
    expect(yahoo.health().circuit).toBe('open');
    const before = yahooServer.requests.length;
    expect((await failover.fetchHistory('SPY', FROM)).provider).toBe('tiingo');
    expect(yahooServer.requests.length, 'open circuit: no request').toBe(before);
    const err = await failureOf(yahoo.fetchHistory('SPY', FROM));
    expect(err.message).toMatch(/circuit open/);
    expect(yahoo.health()).toMatchObject({ requests: 3, failedRequests: 3, lastSuccessAt: null, lastFailure: { failure: 'unavailable' } });
  });

  it('does not count not-found or refused data as an outage', async () => {
    const { yahoo } = chain({ ...FAST, retries: 0 });
    for (let i = 0; i < 4; i++) {
      yahooServer.inject(replay('yahoo-chart-SPY-gap.fake.json'));
      await failureOf(yahoo.fetchHistory('SPY', FROM));
    }
    expect(yahoo.health().circuit).toBe('closed');
  });
});

describe('rate limiting', () => {
  it('spaces requests to the quota and refuses, without sending, what would wait too long', async () => {
    const limiter = createRateLimiter('test', [{ limit: 2, perMs: 200 }], { maxQueueMs: 250 });
    const t0 = performance.now();
    const at: number[] = [];
    await Promise.all([0, 1, 2, 3].map(async () => {
      await limiter.acquire();
      at.push(performance.now() - t0);
    }));
    at.sort((a, b) => a - b);
    // A bucket of 2 refilled at 1 per 100 ms: two at once, then one per 100 ms.
    expect(at[1], 'burst of two').toBeLessThan(50);
    expect(at[2]).toBeGreaterThanOrEqual(90);
    expect(at[3]).toBeGreaterThanOrEqual(190);
    const tooLong = createRateLimiter('test', [{ limit: 1, perMs: 60_000 }], { maxQueueMs: 100 });
    await tooLong.acquire();
    await expect(tooLong.acquire()).rejects.toMatchObject({ failure: 'rate-limited', retryAfterSeconds: 60 });
  });

  it('a provider over its quota fails over at once, sends nothing, and keeps its circuit closed', async () => {
    const yahoo = createYahooProvider({ baseURL: yahooServer.url, clock, policy: { ...FAST, rateLimits: [{ limit: 1, perMs: 3_600_000 }], maxQueueMs: 10 } });
    const tiingo = createTiingoProvider({ apiKey: 'test-key-123456', baseURL: tiingoServer.url, clock, policy: FAST });
    const failover = createFailoverProvider([yahoo, tiingo]);
    expect((await failover.fetchHistory('SPY', FROM)).provider).toBe('yahoo');
    for (let i = 0; i < 5; i++) expect((await failover.fetchHistory('SPY', FROM)).provider).toBe('tiingo');
    expect(yahooServer.requests).toHaveLength(1);
    expect(yahoo.health()).toMatchObject({ circuit: 'closed', lastFailure: null });
  });
});

describe('cancellation and headers', () => {
  it('an aborted request rejects with the signal reason and stops the chain', async () => {
    yahooServer.inject('hang');
    const ac = new AbortController();
    const p = chain().failover.fetchHistory('SPY', { ...FROM, signal: ac.signal });
    setTimeout(() => ac.abort(new Error('user went away')), 50);
    await expect(p).rejects.toThrow('user went away');
    expect(tiingoServer.requests, 'no failover after an abort').toHaveLength(0);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('120')).toBe(120);
    expect(parseRetryAfter('Sat, 22 Aug 2026 16:01:00 GMT', SATURDAY)).toBe(60);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
