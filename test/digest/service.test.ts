/** The service's fan-out, failure handling and start-up resumption. */
import { afterAll, describe, expect, it } from 'vitest';
import type { Answer } from '../../src/answer/answer.ts';
import { createManualClock, type ManualClock } from '../../src/digest/clock.ts';
import { composeCloseDigest, marketInputs } from '../../src/digest/compose.ts';
import type { DigestPoster } from '../../src/digest/poster.ts';
import { createDigestService, type DigestService, type DigestServiceOptions } from '../../src/digest/service.ts';
import { createDigestStore, type SqliteDigestStore } from '../../src/digest/store.ts';
import { openDatabase } from '../../src/store/db.ts';
import { createTestApp } from '../_app.ts';
import { fakeRenderer, ny, PostError, recordingPoster, runUntil, settle, timedMarket } from './_fakes.ts';

const app = createTestApp();
afterAll(() => app.close());

const SLOT = { time: '16:30', tz: 'America/New_York' };
const BEFORE = new Date('2025-06-01T00:00:00Z');

function setup(at: Date, overrides: Partial<DigestServiceOptions> = {}) {
  const clock = createManualClock(at);
  const store = createDigestStore(openDatabase(':memory:'));
  const renderer = fakeRenderer();
  const discord = recordingPoster('discord', clock);
  const slack = recordingPoster('slack', clock);
  const service = createDigestService({ store, market: app.market, runner: app.runner, renderer, posters: [discord, slack], clock, ...overrides });
  return { clock, store, renderer, discord, slack, service };
}

/** Runs the clock until every queued post has gone out. */
async function drain(clock: ManualClock, service: DigestService): Promise<void> {
  await settle(() => service.busy());
  while (service.queued() > 0 && clock.fireNext()) await settle(() => service.busy());
}

function payloads(store: SqliteDigestStore): number {
  return (store.db.prepare('SELECT COUNT(*) AS n FROM digest_payloads').get() as { n: number }).n;
}

describe('fan-out', () => {
  it('reads the slot in one query and works out each symbol once per close, composing the same digests', async () => {
    // 30 channels, each watching a different pair: 30 distinct close digests from 12 symbols.
    const pool = ['XLE', 'XLK', 'XLF', 'XLU', 'XLP', 'KRE', 'XBI', 'IBB', 'MAGS', 'XLB', 'XLI', 'XLY'];
    const fetched = new Map<string, number>();
    const market = {
      ...app.market,
      series(symbol: string) {
        fetched.set(symbol, (fetched.get(symbol) ?? 0) + 1);
        return app.market.series(symbol);
      },
    };
    const clock = createManualClock(ny('2025-06-30T16:30'));
    const inner = createDigestStore(openDatabase(':memory:'));
    // The seam: every store read the service makes, counted by method.
    const reads = new Map<string, number>();
    const counted = new Set(['subscriptions', 'slotSubscriptions', 'watchlist', 'decided']);
    const store = new Proxy(inner, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (typeof prop === 'string' && counted.has(prop) && typeof v === 'function') {
          return (...args: unknown[]) => {
            reads.set(prop, (reads.get(prop) ?? 0) + 1);
            return (v as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return v;
      },
    });
    const discord = recordingPoster('discord', clock);
    const service = createDigestService({ store, market, runner: app.runner, renderer: fakeRenderer(), posters: [discord], clock });
    const watchlists = new Map<string, string[]>();
    for (let i = 0; i < pool.length && watchlists.size < 30; i++) {
      for (let j = i + 1; j < pool.length && watchlists.size < 30; j++) {
        const id = `pair${watchlists.size}`;
        const wl = [pool[i] as string, pool[j] as string];
        watchlists.set(id, wl);
        inner.subscribe({ platform: 'discord', id }, 'close', SLOT, null, BEFORE);
        inner.watch({ platform: 'discord', id }, wl, BEFORE);
      }
    }
    reads.clear();
    await service.fireSlot(SLOT, ny('2025-06-30T16:30'));
    expect(reads.get('slotSubscriptions'), 'one query for the slot').toBe(1);
    expect(reads.get('watchlist') ?? 0, 'no query per channel for its watchlist').toBe(0);
    expect(reads.get('decided') ?? 0, 'no query per channel for whether it is decided').toBe(0);
    for (const sym of pool) expect(fetched.get(sym), `${sym} fetched once for 30 digests`).toBe(1);
    await drain(clock, service);
    expect(discord.posts).toHaveLength(30);
    for (const post of discord.posts) {
      // The reference: each digest composed alone, from nothing shared.
      const alone = await composeCloseDigest(marketInputs(app.market, '2025-06-30', [...(watchlists.get(post.channel.id) ?? [])].sort()));
      expect(post.answer.lines, post.channel.id).toEqual(alone.lines);
      expect(post.answer.facts).toEqual(alone.facts);
    }
    await service.stop();
  }, 60_000);

  it('computes and renders each distinct digest once, then posts it to every channel', async () => {
    const { clock, store, renderer, discord, slack, service } = setup(ny('2025-06-30T16:30'));
    for (let i = 0; i < 20; i++) store.subscribe({ platform: 'discord', id: `plain${i}` }, 'close', SLOT, null, BEFORE);
    for (let i = 0; i < 5; i++) {
      store.subscribe({ platform: 'slack', id: `energy${i}` }, 'close', SLOT, null, BEFORE);
      store.watch({ platform: 'slack', id: `energy${i}` }, ['XLE'], BEFORE);
    }
    for (let i = 0; i < 5; i++) store.subscribe({ platform: 'discord', id: `rot${i}` }, 'rotation', SLOT, null, BEFORE);
    await service.fireSlot(SLOT, ny('2025-06-30T16:30'));
    await drain(clock, service);
    const posts = [...discord.posts, ...slack.posts];
    expect(posts, 'one post per channel').toHaveLength(30);
    expect(new Set(posts.map((p) => `${p.channel.platform}/${p.channel.id}`)).size).toBe(30);
    expect(payloads(store), 'three configurations: plain close, close with XLE, rotation').toBe(3);
    expect(renderer.calls, 'one chart rendered per configuration').toHaveLength(3);
    expect(posts.every((p) => p.answer.asOf === '2025-06-30')).toBe(true);
    expect(new Set(posts.map((p) => p.key)).size, 'a distinct idempotency key per post').toBe(30);
    await service.stop();
  });

  it('one failing channel does not stop the others, and repeated permanent errors unsubscribe it', async () => {
    const clock = createManualClock(ny('2025-06-30T16:30'));
    const store = createDigestStore(openDatabase(':memory:'));
    const poster = recordingPoster('discord', clock, { fail: (ch) => (ch.id === 'gone' ? new PostError('permanent', 'Unknown Channel') : null) });
    const service = createDigestService({ store, market: app.market, runner: app.runner, renderer: fakeRenderer(), posters: [poster], clock });
    for (const id of ['a', 'gone', 'b']) store.subscribe({ platform: 'discord', id }, 'close', SLOT, null, BEFORE);
    store.addAlert({ platform: 'discord', id: 'gone' }, { kind: 'ath', symbol: 'SPY' }, '2025-06-01', null, BEFORE);
    for (const day of ['2025-06-30', '2025-07-01', '2025-07-02']) {
      clock.set(ny(`${day}T16:30`));
      await service.fireSlot(SLOT, ny(`${day}T16:30`));
      await drain(clock, service);
    }
    expect(poster.posts.map((p) => p.channel.id).sort()).toEqual(['a', 'a', 'a', 'b', 'b', 'b']);
    expect(store.subscriptions({ platform: 'discord', id: 'gone' }), 'unsubscribed after 3 permanent errors').toEqual([]);
    expect(store.alerts({ platform: 'discord', id: 'gone' }), 'its alerts go too').toEqual([]);
    expect(store.outbox({ status: 'failed' })).toHaveLength(3);
    await service.stop();
  });

  it('a rejected message fails its row only: the channel keeps its subscription', async () => {
    const clock = createManualClock(ny('2025-06-30T16:30'));
    const store = createDigestStore(openDatabase(':memory:'));
    const poster = recordingPoster('discord', clock, { fail: (ch) => (ch.id === 'picky' ? new PostError('rejected', 'Invalid Form Body') : null) });
    const service = createDigestService({ store, market: app.market, runner: app.runner, renderer: fakeRenderer(), posters: [poster], clock });
    store.subscribe({ platform: 'discord', id: 'picky' }, 'close', SLOT, null, BEFORE);
    for (const day of ['2025-06-30', '2025-07-01', '2025-07-02', '2025-07-03']) {
      clock.set(ny(`${day}T16:30`));
      await service.fireSlot(SLOT, ny(`${day}T16:30`));
      await drain(clock, service);
    }
    expect(store.subscriptions({ platform: 'discord', id: 'picky' }), 'four refusals, still subscribed').toHaveLength(1);
    const failed = store.outbox({ status: 'failed' });
    expect(failed, 'each refused post failed once, not retried').toHaveLength(4);
    await service.stop();
  });

  it('retries transient errors with back-off and the same idempotency key', async () => {
    const clock = createManualClock(ny('2025-06-30T16:30'));
    const store = createDigestStore(openDatabase(':memory:'));
    const poster = recordingPoster('discord', clock, { fail: (ch, _k, attempt) => (ch.id === 'flaky' && attempt < 3 ? new PostError('transient', '502 Bad Gateway') : null) });
    const service = createDigestService({ store, market: app.market, runner: app.runner, renderer: fakeRenderer(), posters: [poster], clock });
    store.subscribe({ platform: 'discord', id: 'flaky' }, 'close', SLOT, null, BEFORE);
    await service.fireSlot(SLOT, ny('2025-06-30T16:30'));
    await drain(clock, service);
    expect(poster.posts).toHaveLength(1);
    expect([...poster.attempts.values()], 'three attempts, one key').toEqual([3]);
    const row = store.outbox()[0];
    expect(row?.status).toBe('sent');
    expect(row?.attempts).toBe(3);
    expect(poster.posts[0]?.at.getTime(), 'after back-off (2 s, then 4 s)').toBe(ny('2025-06-30T16:30').getTime() + 6000);
    await service.stop();
  });
});

describe('start-up', () => {
  const answer = (title: string): Answer => ({ command: 'digest', args: {}, title, lines: ['x'], facts: {}, charts: [], asOf: '2025-06-30', source: null, warnings: [] });

  it('resumes pending posts with the stored answer and key; cancels those whose subscription is gone', async () => {
    const { clock, store, discord, service } = setup(ny('2025-06-30T16:40'));
    const keep = store.subscribe({ platform: 'discord', id: 'keep' }, 'close', SLOT, null, BEFORE).subscription;
    const gone = store.subscribe({ platform: 'discord', id: 'gone' }, 'close', SLOT, null, BEFORE).subscription;
    const rows = store.decide(
      [keep, gone].map((s) => ({ kind: 'digest' as const, refId: s.id, event: '2025-06-30', channel: s.channel, dueAt: ny('2025-06-30T16:30') })),
      { configKey: 'close|2025-06-30|', answer: answer('Stored digest') },
      ny('2025-06-30T16:30'),
    );
    store.unsubscribe(gone.channel);
    await service.start();
    await drain(clock, service);
    expect(discord.posts.map((p) => [p.channel.id, p.answer.title, p.key])).toEqual([['keep', 'Stored digest', rows[0]?.idemKey]]);
    expect(store.outboxRow(rows[1]?.id as number)?.status).toBe('cancelled');
    await service.stop();
  });

  /**
   * A Slack post whose earlier attempt was recorded just before a crash (16:31), resumed at 16:40
   * through a poster with this `findPosted`, and run until `until`.
   */
  async function resumeAfterCrash(findPosted: DigestPoster['findPosted'], until: string) {
    const clock = createManualClock(ny('2025-06-30T16:40'));
    const store = createDigestStore(openDatabase(':memory:'));
    const posted: string[] = [];
    const poster: DigestPoster = {
      platform: 'slack',
      dedupWindowMs: 0,
      async post() {
        posted.push('again');
        return { messageId: 'posted' };
      },
      ...(findPosted ? { findPosted } : {}),
    };
    const service = createDigestService({ store, market: app.market, runner: app.runner, renderer: fakeRenderer(), posters: [poster], clock });
    const sub = store.subscribe({ platform: 'slack', id: 'C1' }, 'close', SLOT, null, BEFORE).subscription;
    const [row] = store.decide([{ kind: 'digest', refId: sub.id, event: '2025-06-30', channel: sub.channel }], { configKey: 'k', answer: answer('t') }, ny('2025-06-30T16:30'));
    store.markAttempt(row?.id as number, ny('2025-06-30T16:31'));
    await service.start();
    await runUntil(clock, ny(until), () => service.busy());
    await service.stop();
    return { posted, row: store.outboxRow(row?.id as number), key: row?.idemKey };
  }

  it('finds an earlier attempt through findPosted instead of posting again', async () => {
    const r = await resumeAfterCrash(async (_ch, key) => ({ messageId: `found-${key}` }), '2025-06-30T16:45');
    expect(r.posted, 'not posted a second time').toEqual([]);
    expect(r.row?.messageId).toBe(`found-${r.key}`);
  });

  it('when the look-up for an earlier attempt fails, looks again before posting; found then, nothing is posted twice', async () => {
    let lookups = 0;
    const r = await resumeAfterCrash(async (_ch, key) => {
      lookups++;
      // Slack's history is down for the first two looks; the third finds the earlier post.
      if (lookups <= 2) throw new Error('conversations.history: internal_error');
      return { messageId: `found-${key}` };
    }, '2025-06-30T16:45');
    expect(lookups, 'two failed looks, then the one that finds it').toBe(3);
    expect(r.posted, 'the earlier post was found: not posted again').toEqual([]);
    expect(r.row?.status).toBe('sent');
  });

  it('a look-up that keeps failing does not hold the post back for ever', async () => {
    let lookups = 0;
    const r = await resumeAfterCrash(async () => {
      lookups++;
      throw new Error('missing_scope');
    }, '2025-06-30T16:50');
    expect(lookups, 'the first look and 4 more').toBe(5);
    expect(r.posted).toEqual(['again']);
    expect(r.row?.messageId).toBe('posted');
  });

  it('with DIGEST_WHEN_DATA_MISSING=post-stale, posts the latest close with a clear as-of note', async () => {
    const clock = createManualClock(ny('2025-06-30T16:00'));
    const store = createDigestStore(openDatabase(':memory:'));
    // Jun 30's prices never arrive.
    const market = timedMarket(app.market, clock, (d) => (d === '2025-06-30' ? new Date('2099-01-01T00:00:00Z') : new Date(Date.parse(`${d}T21:00:00Z`))));
    const poster = recordingPoster('discord', clock);
    const service = createDigestService({ store, market, runner: app.runner, renderer: fakeRenderer(), posters: [poster], clock, settings: { whenDataMissing: 'post-stale', dataWaitMin: 60, dataRetryMin: 10 } });
    store.subscribe({ platform: 'discord', id: 'c' }, 'close', SLOT, null, BEFORE);
    await service.start();
    await runUntil(clock, ny('2025-06-30T18:00'), () => service.busy());
    expect(poster.posts).toHaveLength(1);
    const p = poster.posts[0];
    expect(p?.at.toISOString(), 'after the 60-minute wait').toBe(ny('2025-06-30T17:30').toISOString());
    expect(p?.answer.asOf, 'the latest close it has').toBe('2025-06-27');
    expect(p?.answer.warnings[0]).toBe('No close for Jun 30, 2025 had arrived by the deadline: these figures are as of the close of Jun 27, 2025.');
    await service.stop();
  });
});

describe('stop during start-up', () => {
  it('leaves the scheduler stopped when stop() runs while the catch-up is still working', async () => {
    const { clock, store, service } = setup(ny('2025-06-30T18:00'));
    store.subscribe({ platform: 'discord', id: 'early' }, 'close', SLOT, null, BEFORE);
    const starting = service.start();
    await service.stop();
    await starting;
    expect(clock.fireNext(), 'no timer may be armed after stop()').toBe(false);
  });
});
