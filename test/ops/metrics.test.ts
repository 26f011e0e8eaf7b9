/**
 * The price cache's hit ratio and the digest and alert post metrics, read the way Prometheus reads
 * them: from the exposition text, after real commands over the bundled prices and real digest runs
 * through a recording poster.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Answer } from '../../src/answer/answer.ts';
import { createBundledProvider } from '../../src/data/bundled.ts';
import { createCachedMarketData, type RefreshPolicy, type SeriesSource } from '../../src/data/cache.ts';
import type { PriceProvider } from '../../src/data/provider.ts';
import { createSymbolDirectory, loadManifest } from '../../src/data/symbols.ts';
import { createManualClock, type ManualClock } from '../../src/digest/clock.ts';
import { createDigestService, type DigestPostEvent, type DigestService } from '../../src/digest/service.ts';
import { createDigestStore } from '../../src/digest/store.ts';
import { ProviderError } from '../../src/errors.ts';
import { createHealthRegistry } from '../../src/ops/health.ts';
import { createMetrics, type Metrics } from '../../src/ops/metrics.ts';
import { openDatabase } from '../../src/store/db.ts';
import { createTestApp } from '../_app.ts';
import { naiveRows } from '../commands/_naive.ts';
import { fakeRenderer, ny, PostError, recordingPoster, settle } from '../digest/_fakes.ts';

/**
 * One sample's value from Prometheus text, 0 when the series is absent (as PromQL's `or vector(0)`
 * would read it). Labels are matched as a set, in any order.
 */
async function sample(metrics: Metrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await metrics.text();
  let found = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.keys(got).length !== Object.keys(labels).length) continue;
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) found += Number(m[3]);
  }
  return found;
}

const prices = (metrics: Metrics, result: 'hit' | 'miss') => sample(metrics, 'tapebot_cache_lookups_total', { cache: 'prices', result });
const source = (metrics: Metrics, s: SeriesSource) => sample(metrics, 'tapebot_price_lookups_total', { source: s });

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('price cache hits and misses, through real commands', () => {
  it('a miss per symbol read from its CSV, hits after; a restart over the same database reads SQLite, all hits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapebot-metrics-'));
    dirs.push(dir);
    const dbFile = join(dir, 'tapebot.db');
    const m1 = createMetrics();
    const app1 = createTestApp({ dbFile, metrics: m1, health: createHealthRegistry() });
    const r1 = await app1.runner.runText('/compare IWM SPY');
    expect(r1.ok).toBe(true);
    // By hand: /compare IWM SPY needs IWM and SPY (also the reference for "as of"), each read from its CSV once.
    expect(await prices(m1, 'miss'), 'IWM and SPY, one CSV read each').toBe(2);
    expect(await source(m1, 'upstream')).toBe(2);
    expect(await source(m1, 'database'), 'an empty database has nothing to serve').toBe(0);
    const hits1 = await prices(m1, 'hit');
    const lookups1 = hits1 + 2;

    // The same command again looks the same series up the same number of times, now all from memory.
    expect((await app1.runner.runText('/compare IWM SPY')).ok).toBe(true);
    expect(await prices(m1, 'miss'), 'nothing new to read').toBe(2);
    expect(await prices(m1, 'hit'), 'every lookup of the repeat is a hit').toBe(hits1 + lookups1);

    // QQQ is new; SPY and IWM are not.
    expect((await app1.runner.runText('/perf SPY QQQ IWM')).ok).toBe(true);
    expect(await prices(m1, 'miss'), 'only QQQ is read from its CSV').toBe(3);
    const stored = app1.db.prepare('SELECT COUNT(*) AS n FROM series_meta').get() as { n: number };
    expect(stored.n, 'each miss stored one series in SQLite: the two records agree').toBe(3);
    const hits = await prices(m1, 'hit');
    expect(await source(m1, 'memory'), 'with the bundled data, every hit in a first run is from memory').toBe(hits);
    const ratio = await sample(m1, 'tapebot_cache_hit_ratio', { cache: 'prices' });
    expect(ratio, 'the gauge is hits / lookups').toBeCloseTo(hits / (hits + 3), 12);
    await app1.close();

    // A restart: the symbols are in the database, so nothing is read from the CSVs.
    const m2 = createMetrics();
    const app2 = createTestApp({ dbFile, metrics: m2, health: createHealthRegistry() });
    expect((await app2.runner.runText('/perf SPY QQQ IWM')).ok).toBe(true);
    expect(await prices(m2, 'miss'), 'no CSV read after a restart').toBe(0);
    expect(await source(m2, 'database'), 'first use of each of the three in this process').toBe(3);
    expect(await sample(m2, 'tapebot_cache_hit_ratio', { cache: 'prices' })).toBe(1);
    expect(await sample(m2, 'tapebot_cache_lookups_total', { cache: 'render', result: 'miss' }), 'the render cache keeps its own series').toBe(0);
    await app2.close();
  }, 60_000);
});

describe('price cache lookups, source by source', () => {
  const symbols = createSymbolDirectory(loadManifest());
  const bundled = createBundledProvider();

  function setup(policy?: RefreshPolicy, fail = false) {
    const calls: string[] = [];
    const upstream: PriceProvider = {
      name: 'bundled',
      async fetchDaily(symbol, opts) {
        calls.push(symbol);
        // Yield a few turns so concurrent lookups really overlap the fetch.
        await new Promise((r) => setTimeout(r, 5));
        if (fail && opts?.from !== undefined) throw new ProviderError('bundled', 'unavailable', 'down');
        return bundled.fetchDaily(symbol, opts);
      },
    };
    const seen: SeriesSource[] = [];
    const now = Date.parse('2026-08-21T21:00:00Z');
    const market = createCachedMarketData({
      db: openDatabase(':memory:'),
      upstream,
      symbols,
      clock: () => new Date(now),
      onLookup: (s) => seen.push(s),
      ...(policy ? { refreshPolicy: policy } : {}),
    });
    return { market, calls, seen };
  }

  it('lookups that join a running download are misses with it: one fetch, three misses', async () => {
    const { market, calls, seen } = setup();
    await Promise.all([market.series('SPY'), market.series('SPY'), market.series('spy')]);
    expect(calls, 'one download').toEqual(['SPY']);
    expect(seen, 'all three waited for the provider').toEqual(['upstream', 'upstream', 'upstream']);
    await market.series('SPY');
    expect(seen[3], 'then memory').toBe('memory');
  });

  it('a policy that always tops up makes every lookup a miss; served during the back-off after a failure, a hit', async () => {
    const always: RefreshPolicy = { refreshFrom: (meta) => meta.lastDate };
    const ok = setup(always);
    await ok.market.series('IWM');
    await ok.market.series('IWM');
    expect(ok.calls, 'a download, then a top-up').toEqual(['IWM', 'IWM']);
    expect(ok.seen).toEqual(['upstream', 'upstream']);

    const down = setup(always, true);
    await down.market.series('IWM');
    await down.market.series('IWM'); // the top-up fails: the cached series is served, but the provider was asked
    await down.market.series('IWM'); // within the back-off: served without asking
    expect(down.calls, 'download, failed top-up, nothing during the back-off').toEqual(['IWM', 'IWM']);
    expect(down.seen).toEqual(['upstream', 'upstream', 'memory']);
  });

  it('a lookup that fails after asking the provider is a miss; an unknown symbol is no lookup', async () => {
    const { market, seen } = setup();
    await expect(market.series('NOPE')).rejects.toThrow();
    expect(seen, 'refused by the symbol directory before any cache').toEqual([]);

    const broken: PriceProvider = { name: 'bundled', fetchDaily: () => Promise.reject(new ProviderError('bundled', 'unavailable', 'down')) };
    const failed: SeriesSource[] = [];
    const cold = createCachedMarketData({ db: openDatabase(':memory:'), upstream: broken, symbols, onLookup: (s) => failed.push(s) });
    await expect(cold.series('SPY')).rejects.toThrow(ProviderError);
    expect(failed, 'not served from any cache: a miss').toEqual(['upstream']);
  });
});

describe('digest and alert posts', () => {
  const SLOT = { time: '16:30', tz: 'America/New_York' };
  const app = createTestApp({ metrics: createMetrics(), health: createHealthRegistry() });
  afterAll(() => app.close());

  async function drain(clock: ManualClock, service: DigestService): Promise<void> {
    await settle(() => service.busy());
    while (service.queued() > 0 && clock.fireNext()) await settle(() => service.busy());
  }
  const posts = (metrics: Metrics, labels: Record<string, string>) => sample(metrics, 'tapebot_digest_posts_total', labels);
  const pending = (metrics: Metrics, platform: string, kind: string) => sample(metrics, 'tapebot_digest_outbox_pending', { platform, kind });

  it('counts sent posts and each kind of failure, digests and alerts apart', async () => {
    const clock = createManualClock(ny('2025-06-30T16:30'));
    const store = createDigestStore(openDatabase(':memory:'));
    const metrics = createMetrics();
    metrics.addDigestOutbox(() => store.pendingCounts());
    const failures: Record<string, PostError> = {
      gone: new PostError('permanent', 'Unknown Channel'),
      picky: new PostError('rejected', 'Invalid Form Body'),
      flaky: new PostError('transient', '502 Bad Gateway'),
    };
    const discord = recordingPoster('discord', clock, { fail: (ch) => failures[ch.id] ?? null });
    const slack = recordingPoster('slack', clock);
    const events: DigestPostEvent[] = [];
    const service = createDigestService({
      store,
      market: app.market,
      runner: app.runner,
      renderer: fakeRenderer(),
      posters: [discord, slack],
      clock,
      settings: { maxAttempts: 3 },
      onPost: (e) => {
        events.push(e);
        metrics.digestPost(e);
      },
    });
    const before = new Date('2025-06-01T00:00:00Z');
    for (const id of ['ok', 'gone', 'picky', 'flaky']) store.subscribe({ platform: 'discord', id }, 'close', SLOT, null, before);
    store.subscribe({ platform: 'slack', id: 'C1' }, 'close', SLOT, null, before);
    // An alert that fires on Jun 30: SPY above a level between its Jun 27 and Jun 30 closes (from the CSV).
    const spy = naiveRows('SPY').filter((r) => r.date <= '2025-06-30');
    const [jun27, jun30] = spy.slice(-2).map((r) => r.close as number);
    expect(spy.slice(-2).map((r) => r.date)).toEqual(['2025-06-27', '2025-06-30']);
    const level = ((jun27 as number) + (jun30 as number)) / 2;
    expect(Math.max(...spy.slice(0, -1).map((r) => r.close ?? 0)), 'every earlier close is below the level: Jun 30 starts the run above it').toBeLessThan(level);
    store.addAlert({ platform: 'discord', id: 'ok' }, { kind: 'above', symbol: 'SPY', level }, '2025-06-01', null, before);

    expect(await pending(metrics, 'discord', 'digest'), 'nothing decided yet').toBe(0);
    await service.fireSlot(SLOT, ny('2025-06-30T16:30'));
    clock.set(ny('2025-06-30T16:50'));
    await service.runAlerts('2025-06-30');
    await drain(clock, service);
    await service.stop();

    // By hand from the poster's rules: ok and C1 go through, gone/picky/flaky fail one way each (flaky after 3 tries).
    expect(await posts(metrics, { kind: 'digest', platform: 'discord', outcome: 'sent' })).toBe(1);
    expect(await posts(metrics, { kind: 'digest', platform: 'slack', outcome: 'sent' })).toBe(1);
    expect(await posts(metrics, { kind: 'digest', platform: 'discord', outcome: 'failed', reason: 'permanent' })).toBe(1);
    expect(await posts(metrics, { kind: 'digest', platform: 'discord', outcome: 'failed', reason: 'rejected' })).toBe(1);
    expect(await posts(metrics, { kind: 'digest', platform: 'discord', outcome: 'failed', reason: 'gave-up' }), 'retries are not counted, only the giving up').toBe(1);
    expect(await posts(metrics, { kind: 'alert', platform: 'discord', outcome: 'sent' }), 'the alert, counted apart').toBe(1);
    expect(discord.attempts.size + slack.attempts.size, 'six distinct posts were attempted').toBe(6);
    expect(events, 'one event per finished row').toHaveLength(6);
    // The store's own record agrees with the counters.
    const outbox = store.outbox();
    expect(outbox.filter((r) => r.status === 'sent')).toHaveLength(3);
    expect(outbox.filter((r) => r.status === 'failed')).toHaveLength(3);
    expect(await pending(metrics, 'discord', 'digest'), 'every row finished: the gauge reads 0, not nothing').toBe(0);
    expect(await pending(metrics, 'discord', 'alert')).toBe(0);
  }, 60_000);

  it('counts skipped digests by reason, and reads pending rows at scrape time', async () => {
    const clock = createManualClock(ny('2025-06-30T20:00'));
    const store = createDigestStore(openDatabase(':memory:'));
    const metrics = createMetrics();
    metrics.addDigestOutbox(() => store.pendingCounts());
    const discord = recordingPoster('discord', clock);
    const service = createDigestService({ store, market: app.market, runner: app.runner, renderer: fakeRenderer(), posters: [discord], clock, onPost: (e) => metrics.digestPost(e) });
    const sub = store.subscribe({ platform: 'discord', id: 'late' }, 'close', SLOT, null, ny('2025-06-26T09:00')).subscription;
    const other = store.subscribe({ platform: 'slack', id: 'C9' }, 'close', SLOT, null, ny('2025-06-26T09:00')).subscription;
    const answer: Answer = { command: 'digest', args: {}, title: 'Stored digest', lines: ['x'], facts: {}, charts: [], asOf: '2025-06-26', source: null, warnings: [] };
    // Decided on Jun 26 and never sent (the bot went down); Slack has no poster in this run.
    store.decide(
      [sub, other].map((s) => ({ kind: 'digest' as const, refId: s.id, event: '2025-06-26', channel: s.channel, dueAt: ny('2025-06-26T16:30') })),
      { configKey: 'close|2025-06-26|', answer },
      ny('2025-06-26T16:30'),
    );
    expect(await pending(metrics, 'discord', 'digest')).toBe(1);
    expect(await pending(metrics, 'slack', 'digest')).toBe(1);

    // Back on Jun 30 at 20:00: past the 180-minute late window of the 16:30 slot.
    await service.start();
    await drain(clock, service);
    await service.stop();
    expect(discord.posts, 'nothing posted so late').toEqual([]);
    // By hand: both Jun 26 rows are too old to resume (Slack's too: start-up settles every pending row);
    // for Discord, Jun 27 fell due while down and Jun 30 is past the late window. Slack's later days
    // are left for a run that can post there.
    expect(await posts(metrics, { kind: 'digest', platform: 'discord', outcome: 'skipped', reason: 'too-late' })).toBe(1);
    expect(await posts(metrics, { kind: 'digest', platform: 'slack', outcome: 'skipped', reason: 'too-late' })).toBe(1);
    expect(await posts(metrics, { kind: 'digest', platform: 'discord', outcome: 'skipped', reason: 'missed' }), 'Jun 27 and Jun 30').toBe(2);
    expect(await posts(metrics, { kind: 'digest', platform: 'slack', outcome: 'skipped', reason: 'missed' })).toBe(0);
    expect(store.outbox({ status: 'skipped' }), 'the store agrees').toHaveLength(4);
    expect(await pending(metrics, 'discord', 'digest'), 'every row settled: 0, not nothing').toBe(0);
    expect(await pending(metrics, 'slack', 'digest')).toBe(0);
  });
});
