/**
 * One contract for the digest store, run against both engines: SQLite (the embedded default) and
 * PostgreSQL (DATABASE_URL, a schema of this file's own). Expected values are the rows written here.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Answer } from '../../src/answer/answer.ts';
import { createPgDigestStore, type PgDigestStore } from '../../src/digest/store-pg.ts';
import { createDigestStore } from '../../src/digest/store.ts';
import type { Decision, DigestStore } from '../../src/digest/types.ts';
import { openDatabase } from '../../src/store/db.ts';
import { openPg, type PgPool } from '../../src/store/pg.ts';
import { hasPg, TEST_DATABASE_URL, testSchema } from '../_services/services.ts';

const pgUp = await hasPg();
const pools: { pool: PgPool; schema: string }[] = [];
afterAll(async () => {
  for (const { pool, schema } of pools) {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  }
});

async function pgStore(): Promise<PgDigestStore> {
  const schema = testSchema('digest_store');
  const pool = await openPg({ url: TEST_DATABASE_URL, schema, max: 4 });
  pools.push({ pool, schema });
  return createPgDigestStore(pool);
}

const engines: { name: string; make: () => Promise<DigestStore>; skip: boolean }[] = [
  { name: 'sqlite', make: async () => createDigestStore(openDatabase(':memory:')), skip: false },
  { name: 'postgres', make: pgStore, skip: !pgUp },
];

const A = { platform: 'discord', id: '111' } as const;
const B = { platform: 'slack', id: 'C222' } as const;
const SLOT = { time: '16:30', tz: 'America/New_York' };
const T0 = new Date('2026-03-02T12:00:00Z');
const answer = (title: string): Answer => ({ command: 'digest', title, lines: ['one line'], warnings: [], charts: [], facts: {} }) as unknown as Answer;

for (const engine of engines) {
  describe.skipIf(engine.skip)(`digest store contract: ${engine.name}`, () => {
    it('subscribes, replaces on the same channel and preset, lists and unsubscribes', async () => {
      const s = await engine.make();
      const changes: string[] = [];
      s.onChange((w) => changes.push(w));
      const first = await s.subscribe(A, 'close', SLOT, 'u1', T0);
      expect(first.replaced, 'a new (channel, preset)').toBe(false);
      const again = await s.subscribe(A, 'close', { time: '07:00', tz: 'Europe/London' }, 'u2', T0);
      expect(again.replaced, 'same channel and preset replaces').toBe(true);
      expect(again.subscription.id).toBe(first.subscription.id);
      expect(again.subscription.slot).toEqual({ time: '07:00', tz: 'Europe/London' });
      await s.subscribe(A, 'sectors', SLOT, null, T0);
      await s.subscribe(B, 'close', SLOT, null, T0);
      expect((await s.subscriptions()).length).toBe(3);
      expect((await s.subscriptions(A)).map((x) => x.preset)).toEqual(['close', 'sectors']);
      expect((await s.subscription(first.subscription.id))?.channel).toEqual(A);
      expect(await s.unsubscribe(A, 'sectors')).toBe(1);
      expect(await s.unsubscribe(A, 'sectors'), 'already gone').toBe(0);
      expect(await s.unsubscribe(B)).toBe(1);
      expect((await s.subscriptions()).map((x) => x.channel)).toEqual([A]);
      expect(changes.every((c) => c === 'subscriptions') && changes.length === 6, changes.join()).toBe(true);
    });

    it('keeps a watchlist in the order added, refuses past 20, and the slot query carries it', async () => {
      const s = await engine.make();
      const sub = (await s.subscribe(A, 'close', SLOT, null, T0)).subscription;
      expect(await s.watch(A, ['XLK', 'XLE'], T0)).toEqual({ added: ['XLK', 'XLE'], already: [], overLimit: [] });
      expect(await s.watch(A, ['XLE', 'SPY'], new Date(T0.getTime() + 1000))).toEqual({ added: ['SPY'], already: ['XLE'], overLimit: [] });
      // Same instant: ordered by symbol; the later one after.
      expect(await s.watchlist(A)).toEqual(['XLE', 'XLK', 'SPY']);
      const many = Array.from({ length: 20 }, (_, i) => `S${String(i).padStart(2, '0')}`);
      const r = await s.watch(A, many, new Date(T0.getTime() + 2000));
      expect(r.added.length, '3 held, 17 more fit under 20').toBe(17);
      expect(r.overLimit).toEqual(['S17', 'S18', 'S19']);
      expect(await s.unwatch(A, ['SPY', 'QQQ'])).toEqual({ removed: ['SPY'], absent: ['QQQ'] });
      const slot = await s.slotSubscriptions(SLOT, '2026-03-02');
      expect(slot.length).toBe(1);
      expect(slot[0]?.subscription.id).toBe(sub.id);
      expect(slot[0]?.watchlist.slice(0, 2)).toEqual(['XLE', 'XLK']);
      expect(slot[0]?.watchlist.length).toBe(19);
      expect(slot[0]?.decided).toBe(false);
      expect(await s.slotSubscriptions({ time: '07:00', tz: SLOT.tz }, '2026-03-02')).toEqual([]);
    });

    it('stores alerts with their spec and removes them per channel', async () => {
      const s = await engine.make();
      const a1 = await s.addAlert(A, { kind: 'above', symbol: 'SPY', level: 612.5 }, '2026-02-27', 'u1', T0);
      const a2 = await s.addAlert(A, { kind: 'streak', symbol: 'XLK', other: 'SPY', n: 5 }, '2026-02-27', null, T0);
      await s.addAlert(B, { kind: 'ath', symbol: 'QQQ' }, '2026-02-27', null, T0);
      expect((await s.alert(a1.id))?.spec).toEqual({ kind: 'above', symbol: 'SPY', level: 612.5 });
      expect((await s.alert(a2.id))?.spec).toEqual({ kind: 'streak', symbol: 'XLK', other: 'SPY', n: 5 });
      expect((await s.alerts(A)).length).toBe(2);
      expect((await s.alerts()).length).toBe(3);
      expect(await s.removeAlert(B, a1.id), 'not that channel’s alert').toBe(false);
      expect(await s.removeAlert(A, a1.id)).toBe(true);
      expect((await s.alerts(A)).map((x) => x.id)).toEqual([a2.id]);
    });

    it('decides a message once: a second decision for the same (subscription, day) inserts nothing', async () => {
      const s = await engine.make();
      const sub = (await s.subscribe(A, 'close', SLOT, null, T0)).subscription;
      const d: Decision = { kind: 'digest', refId: sub.id, event: '2026-03-02', channel: A, dueAt: T0 };
      expect(await s.decided('digest', sub.id, '2026-03-02')).toBe(false);
      const rows = await s.decide([d], { configKey: 'close|2026-03-02|', answer: answer('Close') }, T0);
      expect(rows.length).toBe(1);
      const row = rows[0];
      if (!row) throw new Error('no row');
      expect(row.status).toBe('pending');
      expect(row.idemKey).toMatch(/^[0-9a-f]{25}$/);
      expect(await s.decide([d], { configKey: 'close|2026-03-02|', answer: answer('Close') }, T0), 'already decided').toEqual([]);
      expect(await s.decided('digest', sub.id, '2026-03-02')).toBe(true);
      expect((await s.slotSubscriptions(SLOT, '2026-03-02'))[0]?.decided).toBe(true);
      expect(await s.lastDecided('digest', sub.id)).toBe('2026-03-02');
      expect((await s.payload(row.payloadId ?? -1))?.title).toBe('Close');
      expect(await s.pendingCounts()).toEqual([{ platform: 'discord', kind: 'digest', count: 1 }]);
      await s.markAttempt(row.id, T0);
      await s.markAttempt(row.id, T0);
      await s.markSent(row.id, 'm-1', T0);
      const done = await s.outboxRow(row.id);
      expect(done).toMatchObject({ status: 'sent', attempts: 2, messageId: 'm-1', sentAt: T0.toISOString() });
      expect(await s.pending()).toEqual([]);
      expect(await s.pendingCounts()).toEqual([]);
    });

    it('records skips, alert events and finals, and prunes finished rows with their payloads', async () => {
      const s = await engine.make();
      const sub = (await s.subscribe(A, 'close', SLOT, null, T0)).subscription;
      const al = await s.addAlert(B, { kind: 'ath', symbol: 'QQQ' }, '2026-02-27', null, T0);
      await s.skip({ kind: 'digest', refId: sub.id, event: '2026-02-27', channel: A }, 'missed', T0);
      const [ar] = await s.decide([{ kind: 'alert', refId: al.id, event: 'ath:2026-03-02', channel: B }], { configKey: 'alert', answer: answer('ATH') }, T0);
      expect((await s.alert(al.id))?.lastEvent, 'deciding an alert records its event').toBe('ath:2026-03-02');
      await s.markFinal(ar?.id ?? -1, 'failed', 'rejected');
      expect((await s.outbox({ status: 'skipped' })).map((r) => r.note)).toEqual(['missed']);
      expect((await s.outbox({ kind: 'alert' }))[0]?.status).toBe('failed');
      expect(await s.prune(new Date(T0.getTime() - 1))).toEqual({ outbox: 0, payloads: 0 });
      expect(await s.prune(new Date(T0.getTime() + 1)), 'both rows are finished; the alert’s payload goes with it').toEqual({ outbox: 2, payloads: 1 });
    });

    it('counts permanent failures per channel and drops a channel whole', async () => {
      const s = await engine.make();
      await s.subscribe(A, 'close', SLOT, null, T0);
      await s.subscribe(A, 'rotation', SLOT, null, T0);
      await s.addAlert(A, { kind: 'ath', symbol: 'QQQ' }, '2026-02-27', null, T0);
      await s.subscribe(B, 'close', SLOT, null, T0);
      expect(await s.recordPermanentFailure(A, 'missing access')).toBe(1);
      expect(await s.recordPermanentFailure(A, 'missing access')).toBe(2);
      await s.recordSuccess(A);
      expect(await s.recordPermanentFailure(A, 'missing access'), 'a success resets the count').toBe(1);
      expect(await s.dropChannel(A)).toEqual({ subscriptions: 2, alerts: 1 });
      expect((await s.subscriptions()).map((x) => x.channel)).toEqual([B]);
    });

    it('records each row’s Slack workspace, and removes one workspace whole, leaving the others', async () => {
      const s = await engine.make();
      const X = { platform: 'slack', id: 'C0ALPHA001', workspace: 'T0ALPHA' } as const;
      const X2 = { platform: 'slack', id: 'C0ALPHA002', workspace: 'T0ALPHA' } as const;
      const Y = { platform: 'slack', id: 'C0BETA0001', workspace: 'T0BETA' } as const;
      const changes: string[] = [];
      const subX = (await s.subscribe(X, 'close', SLOT, 'U1', T0)).subscription;
      await s.subscribe(X2, 'rotation', SLOT, 'U1', T0);
      const subY = (await s.subscribe(Y, 'close', SLOT, 'U2', T0)).subscription;
      await s.subscribe(B, 'close', SLOT, null, T0);
      expect(subX.channel, 'the workspace comes back with the channel').toEqual(X);
      expect((await s.subscription(subY.id))?.channel).toEqual(Y);
      expect((await s.subscriptions(B))[0]?.channel, 'no workspace recorded: none shown').toEqual(B);
      // A re-subscription without a workspace keeps the one recorded.
      expect((await s.subscribe({ platform: 'slack', id: X.id }, 'close', SLOT, 'U1', T0)).subscription.channel).toEqual(X);
      await s.watch(X, ['KRE', 'XLF'], T0);
      await s.watch(Y, ['IWM'], T0);
      const alertX = await s.addAlert(X, { kind: 'ath', symbol: 'QQQ' }, '2026-02-27', 'U1', T0);
      const alertY = await s.addAlert(Y, { kind: 'ath', symbol: 'SPY' }, '2026-02-27', 'U2', T0);
      expect(alertX.channel).toEqual(X);
      // Decided posts carry the workspace, so the poster can pick its token.
      const rows = await s.decide(
        [
          { kind: 'digest', refId: subX.id, event: '2026-03-02', channel: subX.channel },
          { kind: 'digest', refId: subY.id, event: '2026-03-02', channel: subY.channel },
          { kind: 'alert', refId: alertX.id, event: 'ath:2026-03-02', channel: alertX.channel },
        ],
        { configKey: 'k', answer: answer('t') },
        T0,
      );
      expect(Object.fromEntries(rows.map((r) => [`${r.kind}:${r.refId}`, r.channel]))).toEqual({ [`digest:${subX.id}`]: X, [`digest:${subY.id}`]: Y, [`alert:${alertX.id}`]: X });
      expect((await s.outboxRow(rows.find((r) => r.refId === subX.id && r.kind === 'digest')?.id ?? 0))?.channel).toEqual(X);
      s.onChange((w) => changes.push(w));

      expect(await s.dropWorkspace('slack', 'T0ALPHA')).toEqual({ subscriptions: 2, watchlist: 2, alerts: 1, cancelled: 2 });
      expect(changes.sort()).toEqual(['alerts', 'subscriptions', 'watchlist']);
      expect((await s.subscriptions()).map((x) => x.channel)).toEqual([Y, B]);
      expect(await s.watchlist(X)).toEqual([]);
      expect(await s.watchlist(Y)).toEqual(['IWM']);
      expect((await s.alerts()).map((a) => a.id)).toEqual([alertY.id]);
      expect((await s.outbox()).map((r) => `${r.kind} ${r.channel.id} ${r.status}`).sort()).toEqual([`alert ${X.id} cancelled`, `digest ${X.id} cancelled`, `digest ${Y.id} pending`]);
      expect(await s.dropWorkspace('slack', 'T0ALPHA'), 'twice: nothing more').toEqual({ subscriptions: 0, watchlist: 0, alerts: 0, cancelled: 0 });
      expect(await s.dropWorkspace('discord', 'T0BETA'), 'another platform’s workspace of the same id').toEqual({ subscriptions: 0, watchlist: 0, alerts: 0, cancelled: 0 });
    });
  });
}

describe.skipIf(!pgUp)('postgres: several writers', () => {
  it('two stores on one database decide the same digest once between them', async () => {
    const schema = testSchema('digest_race');
    const p1 = await openPg({ url: TEST_DATABASE_URL, schema, max: 4 });
    const p2 = await openPg({ url: TEST_DATABASE_URL, schema, max: 4 });
    pools.push({ pool: p1, schema }, { pool: p2, schema });
    const [s1, s2] = await Promise.all([createPgDigestStore(p1), createPgDigestStore(p2)]);
    const subs = [];
    for (let i = 0; i < 20; i++) subs.push((await s1.subscribe({ platform: 'discord', id: `c${i}` }, 'close', SLOT, null, T0)).subscription);
    const ds = subs.map((x): Decision => ({ kind: 'digest', refId: x.id, event: '2026-03-02', channel: x.channel }));
    const [r1, r2] = await Promise.all([s1.decide(ds, { configKey: 'k', answer: answer('x') }, T0), s2.decide([...ds].reverse(), { configKey: 'k', answer: answer('x') }, T0)]);
    expect(r1.length + r2.length, 'every subscription decided by exactly one of them').toBe(20);
    expect(new Set([...r1, ...r2].map((r) => r.refId)).size).toBe(20);
    // Claims: one replica takes a row, the other cannot until the lease ends.
    const id = (r1[0] ?? r2[0])?.id ?? -1;
    expect(await s1.claim(id, 'r1', T0, 60_000)).not.toBeNull();
    expect(await s2.claim(id, 'r2', new Date(T0.getTime() + 59_000), 60_000), 'lease held').toBeNull();
    expect((await s1.claim(id, 'r1', new Date(T0.getTime() + 30_000), 60_000))?.id, 'its holder takes it again (a retry)').toBe(id);
    expect(await s2.claim(id, 'r2', new Date(T0.getTime() + 60_000), 60_000), 'the retry renewed the lease').toBeNull();
    expect((await s2.claim(id, 'r2', new Date(T0.getTime() + 90_000), 60_000))?.id, 'lease over: the other takes it').toBe(id);
    await s2.markSent(id, 'm', T0);
    expect(await s1.claim(id, 'r1', new Date(T0.getTime() + 999_999), 60_000), 'sent rows are never claimed').toBeNull();
  });
});
