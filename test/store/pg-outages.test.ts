/**
 * Telling "PostgreSQL is not there" from "this query is wrong" (src/store/pg.ts): the first becomes a
 * StorageError (people hear "try again"; the digest slot runs again), the second passes unchanged.
 * The errors are shaped as pg and Node raise them (SQLSTATE codes from PostgreSQL's Appendix A).
 */
import { describe, expect, it } from 'vitest';
import { StorageError } from '../../src/errors.ts';
import { isPgUnavailable, withPgOutages } from '../../src/store/pg.ts';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('isPgUnavailable', () => {
  it('is true of a server shutting down, starting, refused or cut off', () => {
    expect(isPgUnavailable(pgError('57P01', 'terminating connection due to administrator command')), 'admin_shutdown (pg_ctl restart -m fast)').toBe(true);
    expect(isPgUnavailable(pgError('57P03', 'the database system is starting up')), 'cannot_connect_now').toBe(true);
    expect(isPgUnavailable(pgError('08006', 'connection failure')), 'class 08').toBe(true);
    expect(isPgUnavailable(pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')), 'nothing listening').toBe(true);
    expect(isPgUnavailable(new Error('Connection terminated unexpectedly')), 'pg’s words for a dropped socket').toBe(true);
    expect(isPgUnavailable(new Error('timeout exceeded when trying to connect')), 'pg-pool’s connection timeout').toBe(true);
    expect(isPgUnavailable(new AggregateError([pgError('ECONNREFUSED', 'connect ECONNREFUSED ::1:5432')], '')), 'every address refused').toBe(true);
  });

  it('is false of a query’s own errors', () => {
    expect(isPgUnavailable(pgError('23505', 'duplicate key value violates unique constraint')), 'unique_violation').toBe(false);
    expect(isPgUnavailable(pgError('42601', 'syntax error at or near "SELEC"')), 'syntax_error').toBe(false);
    expect(isPgUnavailable(pgError('40P01', 'deadlock detected')), 'deadlock: a query’s, retried by its caller').toBe(false);
    expect(isPgUnavailable('ECONNREFUSED'), 'not an Error').toBe(false);
  });
});

describe('withPgOutages', () => {
  const store = {
    n: 3,
    gone: async () => {
      throw pgError('57P01', 'terminating connection due to administrator command');
    },
    wrong: async () => {
      throw pgError('23505', 'duplicate key');
    },
    fine: async (x: number) => x + 1,
    sync: (x: number) => x * 2,
  };
  const wrapped = withPgOutages(store);

  it('turns an outage into a StorageError that keeps the cause', async () => {
    const err = await wrapped.gone().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).problem).toMatch(/PostgreSQL is unreachable: terminating connection/);
    expect((err as StorageError).cause).toMatchObject({ code: '57P01' });
  });

  it('passes other errors, results, synchronous methods and fields through unchanged', async () => {
    await expect(wrapped.wrong()).rejects.toMatchObject({ code: '23505' });
    await expect(wrapped.wrong()).rejects.not.toBeInstanceOf(StorageError);
    expect(await wrapped.fine(1)).toBe(2);
    expect(wrapped.sync(2), 'not turned into a promise').toBe(4);
    expect(wrapped.n).toBe(3);
  });
});
