/**
 * The contract every PriceProvider must keep (see src/data/provider.ts), as one suite to run
 * against each provider: `describeProviderContract('bundled', () => createBundledProvider(), {...})`.
 */
import { describe, expect, it } from 'vitest';
import type { PriceProvider } from '../../src/data/provider.ts';
import { ProviderError } from '../../src/errors.ts';

export interface ContractCase {
  /** A symbol the provider serves. */
  known: string;
  /** A syntactically valid symbol it does not serve. */
  unknown: string;
  /** A date inside `known`'s history, to test `from`. */
  from: string;
}

export function describeProviderContract(label: string, make: () => PriceProvider, c: ContractCase): void {
  describe(`PriceProvider contract: ${label}`, () => {
    it('returns bars strictly ascending, unique, with a positive adjClose', async () => {
      const bars = await make().fetchDaily(c.known);
      expect(bars.length, 'a known symbol has history').toBeGreaterThan(0);
      // Collect violations rather than asserting per bar: thousands of expect() calls are slow.
      const broken: string[] = [];
      const positiveOrNull = (v: number | null): boolean => v === null || (Number.isFinite(v) && v > 0);
      bars.forEach((b, i) => {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(b.date)) broken.push(`${i}: date ${b.date}`);
        if (i > 0 && !(b.date > (bars[i - 1]?.date ?? ''))) broken.push(`${i}: ${b.date} not after the previous bar`);
        if (!(Number.isFinite(b.adjClose) && b.adjClose > 0)) broken.push(`${b.date}: adjClose ${b.adjClose}`);
        if (![b.open, b.high, b.low, b.close].every(positiveOrNull)) broken.push(`${b.date}: a price not positive`);
      });
      expect(broken, 'bars breaking the contract').toEqual([]);
    });

    it('with `from`, returns exactly the bars on or after it', async () => {
      const p = make();
      const all = await p.fetchDaily(c.known);
      const tail = await p.fetchDaily(c.known, { from: c.from });
      expect(tail).toEqual(all.filter((b) => b.date >= c.from));
      expect(await p.fetchDaily(c.known, { from: '9999-01-01' }), 'nothing newer: empty, not an error').toEqual([]);
    });

    it('throws ProviderError not-found for a symbol it does not have', async () => {
      const p = make();
      const err: unknown = await p.fetchDaily(c.unknown).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).failure).toBe('not-found');
      expect((err as ProviderError).provider).toBe(p.name);
      if (p.knows) expect(p.knows(c.unknown)).toBe(false);
      if (p.knows) expect(p.knows(c.known)).toBe(true);
    });

    it('rejects when the signal is already aborted', async () => {
      const ac = new AbortController();
      ac.abort(new Error('stop'));
      await expect(make().fetchDaily(c.known, { signal: ac.signal })).rejects.toThrow('stop');
    });
  });
}
