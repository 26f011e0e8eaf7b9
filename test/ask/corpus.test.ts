/**
 * The corpus: questions written the way people write them in chat, each with the command it must
 * become (compared by the options both bind to, so word order and `period:` vs a bare `ytd` do not
 * matter), and questions that must be answered with a question back.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { answerQuestion } from '../../src/ask/answer.ts';
import { bound, boundText, closes, recordingRunner, lexicon, symbols } from './_stub.ts';

interface Corpus {
  reference: string;
  answer: { q: string; expect: string }[];
  clarify: { q: string; why: string }[];
}
const corpus = JSON.parse(readFileSync(new URL('./corpus.json', import.meta.url), 'utf8')) as Corpus;

describe('question corpus', () => {
  it('is big enough to mean something', () => {
    expect(corpus.answer.length, 'at least 300 answerable questions').toBeGreaterThanOrEqual(300);
    expect(corpus.clarify.length, 'at least 80 questions to decline').toBeGreaterThanOrEqual(80);
  });

  it.each(corpus.answer)('"$q" reads as $expect', async ({ q, expect: want }) => {
    const runner = recordingRunner();
    const out = await answerQuestion(q, { runner, symbols, lexicon, closes, asOf: corpus.reference });
    if (out.kind !== 'answer') throw new Error(`"${q}" was not answered: ${out.message}`);
    const call = runner.calls[0];
    expect(call, 'the runner ran the command it read').toBeDefined();
    if (!call) return;
    expect(bound(call.name, call.args), `"${q}" binds like ${want} (read as ${out.readAs})`).toEqual(boundText(want));
    expect(out.line.startsWith(`Read as: ${out.readAs}`), 'the Read-as line shows the command').toBe(true);
    // The Read-as text is itself a command that binds the same way: people can copy it.
    expect(boundText(out.readAs), 'the Read-as text runs as the same command').toEqual(boundText(want));
  });

  it.each(corpus.clarify)('"$q" is answered with a question ($why)', async ({ q }) => {
    const runner = recordingRunner();
    const out = await answerQuestion(q, { runner, symbols, lexicon, closes, asOf: corpus.reference });
    expect(out.kind, `"${q}" must not run a command${out.kind === 'answer' ? ` (read as ${out.readAs})` : ''}`).toBe('clarify');
    expect(runner.calls, 'nothing ran').toHaveLength(0);
    if (out.kind === 'clarify') {
      expect(out.message.length).toBeGreaterThan(20);
      expect(out.message, 'no stack trace').not.toMatch(/\n\s+at |Error:/);
    }
  });
});
