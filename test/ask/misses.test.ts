/**
 * The misses quoted in issue 16, each read right, with the command it must become. Relative dates are
 * read against 2026-08-21 (a Friday, the latest close in the bundled data): the trading day before it
 * is Thursday 2026-08-20; the Friday before it 2026-08-14; "this week" is week to date (wtd).
 */
import { describe, expect, it } from 'vitest';
import { answerQuestion } from '../../src/ask/answer.ts';
import { bound, boundText, closes, recordingRunner, lexicon, symbols } from './_stub.ts';

const REF = '2026-08-21';

async function readAs(q: string) {
  const runner = recordingRunner();
  const out = await answerQuestion(q, { runner, symbols, lexicon, closes, asOf: REF });
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

/**
 * Days prices decide, looked up in the bundled closes. Expected days read off data/prices/*.csv by hand
 * (the lowest or highest `close` of the year; XBI has gaps in `close`, so its adj_close): SPY's 2022 low
 * Oct 12, 2022 (356.56); SPY's 2020 low Mar 23, 2020 (222.95); KRE's 2022 high Jan 14, 2022 (78.78);
 * XBI's 2021 high Feb 8, 2021.
 */
describe('issue 16: "at the 2022 low", "at its 2021 peak", "at the covid low"', () => {
  it.each([
    ['how did XLK do at the 2022 low', '/perf XLK asof:2022-10-12', 'SPY\'s lowest close of 2022, on Oct 12, 2022'],
    ['what happened at the covid low', '/perf SPY asof:2020-03-23', 'SPY\'s lowest close of 2020, on Mar 23, 2020'],
    ['where was $KRE at its 2022 high', '/perf KRE asof:2022-01-14', 'KRE\'s highest close of 2022, on Jan 14, 2022'],
    ['iwm vs spy at the 2022 low', '/compare IWM SPY asof:2022-10-12', 'SPY\'s lowest close of 2022'],
    ['xbi perf at its 2021 peak', '/perf XBI asof:2021-02-08', 'XBI\'s highest close of 2021, on Feb 8, 2021'],
  ])('"%s" runs as %s, and the Read-as line shows the day', async (q, want, how) => {
    const r = await readAs(q);
    expect(r.bound).toEqual(boundText(want));
    expect(r.out.line, 'the resolved day is on the Read-as line').toContain(`asof:${want.split('asof:')[1] ?? ''}`);
    expect(r.out.line).toContain(how);
  });
  it('"back to its 2022 high" is still the drawdown from the high, not a day', async () => {
    expect((await readAs('how much does KRE need to get back to its 2022 high')).bound).toEqual(boundText('/drawdown KRE'));
  });
  it('without prices to look in, or a year with none, asks for the day instead of guessing', async () => {
    const noPrices = await answerQuestion('how did XLK do at the 2022 low', { runner: recordingRunner(), symbols, lexicon, asOf: REF });
    expect(noPrices.kind === 'clarify' && noPrices.message).toMatch(/can't look up "at the 2022 low"/);
    const runner = recordingRunner();
    const early = await answerQuestion('how did KRE do at its 1990 low', { runner, symbols, lexicon, closes, asOf: REF });
    expect(early.kind === 'clarify' && early.message).toMatch(/no KRE closes in 1990/);
    expect(runner.calls).toHaveLength(0);
  });
});
