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
});
