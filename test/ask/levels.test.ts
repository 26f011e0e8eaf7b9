/**
 * A price level in a question that cannot be read as a price is said, never dropped: before, "is
 * SPY breaking out level:NaN" was answered as a plain /breakout SPY without a word about the level.
 */
import { describe, expect, it } from 'vitest';
import { answerQuestion } from '../../src/ask/answer.ts';
import { recordingRunner, lexicon, symbols } from './_stub.ts';

const ask = async (q: string) => {
  const runner = recordingRunner();
  const out = await answerQuestion(q, { runner, symbols, lexicon, asOf: async () => '2026-08-21' });
  return { out, calls: runner.calls };
};

describe('price levels in questions', () => {
  it.each(['NaN', '0x10', '1e308', 'Infinity', '1_000', '0', '10000000'])('"is SPY breaking out level:%s" says the level was not read, and runs nothing', async (v) => {
    const { out, calls } = await ask(`is SPY breaking out level:${v}`);
    expect(out.kind).toBe('clarify');
    expect(out.kind === 'clarify' && out.message).toContain(`"level:${v}" is not a price level I can read; a level is a number from 0.01 to 9,999,999.99`);
    expect(calls, 'nothing answered as if the level had not been asked').toEqual([]);
  });

  it.each(['0x10', '1e308', 'infinity', '123456789'])('"is SPY holding above %s" says the level was not read', async (v) => {
    const { out, calls } = await ask(`is SPY holding above ${v}`);
    expect(out.kind === 'clarify' && out.message).toContain(`"above ${v}" is not a price level I can read`);
    expect(calls).toEqual([]);
  });

  it('plain levels still read as before', async () => {
    for (const q of ['is SPY breaking out level:600?', 'is SPY above 600', 'is SPY holding above $612.50']) {
      const { out, calls } = await ask(q);
      expect(out.kind, q).toBe('answer');
      expect(calls[0]?.args.words, q).toContain(q.includes('612') ? '612.5' : '600');
    }
  });
});
