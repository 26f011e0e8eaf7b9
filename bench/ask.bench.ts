/**
 * Reading a question in plain words (issue 16): planQuestion over the whole corpus, one question per
 * sample, with the lexicon compiled once (as in the running bot). Target: median ≤ 2 ms.
 *   npm run bench -- ask
 */
import { readFileSync } from 'node:fs';
import { planQuestion } from '../src/ask/plan.ts';
import { createSymbolDirectory, loadManifest } from '../src/data/symbols.ts';
import { commands } from '../commands/index.ts';
import { buildLexicon } from '../src/ask/lexicon.ts';
import { measure, row } from './harness.ts';

export async function benchAsk(): Promise<string[]> {
  const corpus = JSON.parse(readFileSync(new URL('../test/ask/corpus.json', import.meta.url), 'utf8')) as {
    reference: string;
    answer: { q: string }[];
    clarify: { q: string }[];
  };
  const questions = [...corpus.answer, ...corpus.clarify].map((x) => x.q);
  const ctx = { lexicon: buildLexicon(commands), symbols: createSymbolDirectory(loadManifest()), reference: corpus.reference };
  let k = 0;
  const st = await measure(() => planQuestion(questions[k++ % questions.length] as string, ctx), { iterations: questions.length * 3, warmup: questions.length });
  return [row(`read a question (${questions.length} corpus questions)`, st, '≤ 2 ms median')];
}
