/**
 * A command's questions live in its own file: a new command with an ask declaration is read by the
 * question reader with no change to src/ask.
 */
import { describe, expect, it } from 'vitest';
import { emptyAnswer } from '../../src/answer/build.ts';
import { answerQuestion } from '../../src/ask/answer.ts';
import { defineCommand, type AskDeclaration } from '../../src/command/define.ts';
import { opt } from '../../src/command/options.ts';
import { allCommands } from './_commands.ts';
import { lexicon, recordingRunner, symbols } from './_stub.ts';
import { buildLexicon } from '../../src/ask/lexicon.ts';

/** A made-up command, declared the way every command in commands/ is. */
const ask = {
  topic: 'a volume profile',
  strong: ['volume profile', 'volume by price', 'where is the volume'],
  examples: ['volume profile of KRE'],
} as const satisfies AskDeclaration;

const volprofile = defineCommand({
  ask,
  name: 'volprofile',
  description: 'A made-up command for this test',
  options: { symbol: opt.requiredSymbol({ description: 'The symbol', positional: true }), period: opt.period({ description: 'Over', default: '3m' }) },
  examples: ['/volprofile KRE'],
  async run(ctx) {
    return emptyAnswer('volprofile', 'volume profile', ctx.asOf, ctx.sourceLabel);
  },
});

describe('ask declarations', () => {
  it('a new command is asked by the words it declares', async () => {
    const runner = recordingRunner([...allCommands, volprofile]);
    const out = await answerQuestion('whats the volume profile of $KRE past 6 months', { runner, symbols, lexicon: buildLexicon(runner.commands), asOf: '2026-08-21' });
    expect(out.kind === 'answer' && out.readAs).toBe('/volprofile KRE 6m');
  });

  it('without the command registered, its words are not read', async () => {
    const out = await answerQuestion('whats the volume profile of $KRE past 6 months', { runner: recordingRunner(), symbols, lexicon, asOf: '2026-08-21' });
    expect(out.kind === 'answer' && out.readAs).not.toBe('/volprofile KRE 6m');
  });

  it('the market is the benchmark the declarations name, not a constant of the reader', async () => {
    // The same commands, measuring against QQQ instead of SPY: "the market" and "stocks" follow.
    const onQqq = allCommands.map((c) => (c.ask?.benchmark !== undefined ? { ...c, ask: { ...c.ask, benchmark: 'QQQ' } } : c));
    const runner = recordingRunner(onQqq);
    const ask = (q: string) => answerQuestion(q, { runner, symbols, lexicon: buildLexicon(onQqq), asOf: '2026-08-21' });
    const market = await ask('how did the market do this year');
    expect(market.kind === 'answer' && market.readAs).toBe('/perf QQQ');
    const stocks = await ask('how did stocks do yesterday');
    expect(stocks.kind === 'answer' && stocks.readAs).toBe('/perf QQQ asof:2026-08-20');
    const lone = await ask('is iwm outperforming');
    expect(lone.kind === 'answer' && lone.readAs).toMatch(/^\/compare IWM QQQ/);
  });
});
