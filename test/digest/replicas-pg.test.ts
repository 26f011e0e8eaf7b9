/**
 * Two digest services (replicas) on one PostgreSQL store, in one process: the same slot fired on
 * both posts each digest once, and a row whose replica hung mid-post (posted, never recorded) is
 * taken over when its claim's lease ends, found on the platform, and not posted again.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ChannelRef, DigestPoster } from '../../src/digest/poster.ts';
import { createManualClock } from '../../src/digest/clock.ts';
import { createDigestService } from '../../src/digest/service.ts';
import { createPgDigestStore } from '../../src/digest/store-pg.ts';
import { openPg, type PgPool } from '../../src/store/pg.ts';
import { createTestApp } from '../_app.ts';
import { hasPg, TEST_DATABASE_URL, testSchema } from '../_services/services.ts';
import { fakeRenderer, ny, runUntil, settle } from './_fakes.ts';

const up = await hasPg();
const app = createTestApp();
const pools: { pool: PgPool; schema: string }[] = [];
afterAll(async () => {
  await app.close();
  for (const { pool, schema } of pools) {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await pool.end();
  }
});

const SLOT = { time: '16:30', tz: 'America/New_York' };
const BEFORE = new Date('2025-06-01T00:00:00Z');

/** One chat platform both replicas post to: every message it holds, with the key it came with. */
function platform() {
  const messages: { channel: string; key: string; id: string }[] = [];
  const poster = (opts: { hangAfterPosting?: (key: string) => boolean } = {}): DigestPoster => ({
    platform: 'discord',
    dedupWindowMs: 0,
    async post(channel, _answer, _charts, { idempotencyKey }) {
      const id = `m${messages.length + 1}`;
      messages.push({ channel: channel.id, key: idempotencyKey, id });
      // The replica dies here: the message is out, the outbox never hears of it.
      if (opts.hangAfterPosting?.(idempotencyKey)) await new Promise(() => {});
      return { messageId: id };
    },
    async findPosted(channel: ChannelRef, key: string) {
      const m = messages.find((x) => x.channel === channel.id && x.key === key);
      return m ? { messageId: m.id } : null;
    },
  });
  return { messages, poster };
}

async function replicaStores(label: string) {
  const schema = testSchema(label);
  const p1 = await openPg({ url: TEST_DATABASE_URL, schema, max: 4 });
  const p2 = await openPg({ url: TEST_DATABASE_URL, schema, max: 4 });
  pools.push({ pool: p1, schema }, { pool: p2, schema });
  return [await createPgDigestStore(p1), await createPgDigestStore(p2)] as const;
}

describe.skipIf(!up)('two replicas on one PostgreSQL store', () => {
  it('the same slot fired on both replicas posts each channel’s digest once', async () => {
    const [s1, s2] = await replicaStores('replicas_fanout');
    for (let i = 0; i < 40; i++) await s1.subscribe({ platform: 'discord', id: `ch${i}` }, 'close', SLOT, null, BEFORE);
    const at = ny('2025-06-30T16:30');
    const clock = createManualClock(at);
    const chat = platform();
    const fast = { perChannel: { count: 100, ms: 1000 }, global: { count: 1000, ms: 1000 }, concurrency: 8 };
    const mk = (store: typeof s1, id: string) =>
      createDigestService({ store, market: app.market, runner: app.runner, renderer: fakeRenderer(), posters: [chat.poster()], clock, replicaId: id, limits: { discord: fast } });
    const r1 = mk(s1, 'r1');
    const r2 = mk(s2, 'r2');
    await Promise.all([r1.fireSlot(SLOT, at), r2.fireSlot(SLOT, at)]);
    await settle(() => r1.busy() + r2.busy() + r1.queued() + r2.queued());
    expect(chat.messages.length, 'forty channels, forty messages').toBe(40);
    expect(new Set(chat.messages.map((m) => m.channel)).size).toBe(40);
    expect((await s1.outbox({ status: 'sent' })).length).toBe(40);
    await Promise.all([r1.stop(), r2.stop()]);
  }, 60_000);

  it('a row left mid-post by a replica that hung is finished by the other after the lease, without a second message', async () => {
    const [s1, s2] = await replicaStores('replicas_takeover');
    for (let i = 0; i < 3; i++) await s1.subscribe({ platform: 'discord', id: `ch${i}` }, 'close', SLOT, null, BEFORE);
    const at = ny('2025-06-30T16:30');
    const clock = createManualClock(at);
    const chat = platform();
    let victim: string | null = null;
    // Replica 1 hangs right after its first message goes out.
    const dying = createDigestService({
      store: s1,
      market: app.market,
      runner: app.runner,
      renderer: fakeRenderer(),
      posters: [chat.poster({ hangAfterPosting: (k) => (victim ??= k) === k })],
      clock,
      replicaId: 'dying',
    });
    await dying.fireSlot(SLOT, at);
    await settle(() => (chat.messages.length >= 1 ? 0 : 1));
    const rowsAfterHang = await s2.outbox();
    expect(rowsAfterHang.filter((r) => r.status === 'pending').length, 'the hung row is pending; the others may be pending or sent').toBeGreaterThanOrEqual(1);
    const hung = rowsAfterHang.find((r) => r.idemKey === victim);
    expect(hung?.attempts, 'its attempt was recorded before the post').toBe(1);
    // Replica 2 starts; its sweep may not take the row while the lease (2 min) holds.
    const taker = createDigestService({ store: s2, market: app.market, runner: app.runner, renderer: fakeRenderer(), posters: [chat.poster()], clock, replicaId: 'taker', sweepMs: 30_000 });
    await taker.start();
    await settle(() => taker.busy());
    expect((await s2.outboxRow(hung?.id ?? -1))?.status, 'still held by the hung replica').toBe('pending');
    // Past the lease: the sweep takes it, looks it up on the platform, finds it, records it sent.
    await runUntil(clock, new Date(at.getTime() + 3 * 60_000), () => taker.busy());
    await settle(() => taker.busy() + taker.queued());
    const done = await s2.outboxRow(hung?.id ?? -1);
    expect(done?.status).toBe('sent');
    expect(done?.messageId, 'the message the hung replica sent').toBe(chat.messages.find((m) => m.key === victim)?.id);
    const perKey = new Map<string, number>();
    for (const m of chat.messages) perKey.set(m.key, (perKey.get(m.key) ?? 0) + 1);
    expect([...perKey.values()].every((n) => n === 1), 'no message twice').toBe(true);
    expect((await s2.outbox({ status: 'sent' })).length, 'every digest out once').toBe(3);
    await taker.stop();
  }, 60_000);
});
