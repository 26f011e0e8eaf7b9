/**
 * The misses quoted in issue 16, each read right, with the command it must become. Relative dates are
 * read against 2026-08-21 (a Friday, the latest close in the bundled data): the trading day before it
 * is Thursday 2026-08-20; the Friday before it 2026-08-14; "this week" is week to date (wtd).
 */
import { describe, expect, it } from 'vitest';
import { answerQuestion } from '../../src/ask/answer.ts';
import { bound, boundText, recordingRunner, lexicon, symbols } from './_stub.ts';

const REF = '2026-08-21';

async function readAs(q: string) {
  const runner = recordingRunner();
  const out = await answerQuestion(q, { runner, symbols, lexicon, asOf: REF });
  if (out.kind !== 'answer') throw new Error(`"${q}" was not answered: ${out.message}`);
  const call = runner.calls[0];
  if (!call) throw new Error('nothing ran');
  return { out, bound: bound(call.name, call.args) };
}

describe('issue 16: the misses, read right', () => {
  it.each([
    ['is the S&P at a record?', '/breakout SPY'],
    ['what should I rotate into', '/leaders'],
    ['how did the market do yesterday', '/perf SPY asof:2026-08-20'],
    ['how did stocks do today', '/perf SPY'],
    ['what happened on march 23 2020', '/perf SPY asof:2020-03-23'],
    ['smal caps vs larg caps', '/rotation'],
    ['is iwm outperforming', '/compare IWM SPY'],
    ['is tech leading or lagging', '/compare XLK SPY'],
    ['did IWM make a new all-time high on 2025-12-04?', '/breakout IWM asof:2025-12-04'],
    ['IWM vs SPY on Jan 21, 2026', '/compare IWM SPY asof:2026-01-21'],
    ['how much does KRE need to get back to its 2022 high', '/drawdown KRE'],
    ['how much did XBI fall after its 2021 peak', '/drawdown XBI'],
    ['how is IWM vs SPY this week', '/compare IWM SPY wtd'],
    ['how did spy do last friday', '/perf SPY asof:2026-08-14'],
  ])('"%s" reads as %s', async (q, want) => {
    const { out, bound: got } = await readAs(q);
    expect(got, `read as ${out.readAs}`).toEqual(boundText(want));
    expect(out.line.startsWith('Read as: /'), 'the reply starts with how it read the question').toBe(true);
  });

  it('shows a typo it corrected, so a wrong guess is visible', async () => {
    const { out } = await readAs('smal caps vs larg caps');
    expect(out.line).toContain('read "smal" as "small"');
    expect(out.line).toContain('read "larg" as "large"');
  });

  it('answers advice-shaped questions with what has moved, under a line that gives no advice', async () => {
    for (const q of ['what should I rotate into', "what's working", "where's the strength"]) {
      const { out } = await readAs(q);
      expect(out.readAs, q).toBe('/leaders');
      expect(out.line, q).toContain('tapebot reports what has moved and gives no advice');
    }
  });

  it('says plainly what it cannot answer, and the closest thing it can do', async () => {
    const out = await answerQuestion('why did KRE drop yesterday', { runner: recordingRunner(), symbols, lexicon, asOf: REF });
    expect(out.kind).toBe('clarify');
    if (out.kind === 'clarify') expect(out.message.split('\n')[0]).toBe("I can't tell why a market moved, only how it moved. The closest I can do: `/perf KRE asof:2026-08-20`");
  });
});
