/**
 * answerQuestion against the real app (bundled prices): a question gets exactly the Answer its
 * Read-as command gets, relative dates use the data's latest close, and every question back offers
 * example questions that really work.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { answerQuestion, readAsLine } from '../../src/ask/answer.ts';
import { planQuestion, shownCommand } from '../../src/ask/plan.ts';
import { intentsOf } from '../../src/ask/vocabulary.ts';
import { allCommands as registered } from './_commands.ts';

const INTENTS = intentsOf(registered);
import { PERF_PERIODS } from '../../commands/perf.ts';
import { formatPeriod } from '../../src/core/periods.ts';
import { createTestApp } from '../_app.ts';
import { bound, boundText, recordingRunner, closes, lexicon, symbols } from './_stub.ts';

const app = createTestApp();
afterAll(() => app.close());
const corpus = JSON.parse(readFileSync(new URL('./corpus.json', import.meta.url), 'utf8')) as {
  reference: string;
  answer: { q: string; expect: string }[];
  clarify: { q: string }[];
};

describe('answerQuestion with the real runner', () => {
  it('gives exactly the Answer (text, facts and chart) that running the Read-as command gives', async () => {
    const questions = [
      'how are small caps doing against the mega caps this year?',
      'is KRE breaking out?',
      'biotech drawdown',
      'compare IWM and QQQ since June',
      'which sectors are leading this month?',
      'how long has the Russell been beating the S&P?',
      'how did XLK do at the 2022 low',
    ];
    for (const q of questions) {
      const out = await answerQuestion(q, { runner: app.runner, symbols: app.symbols, lexicon: app.lexicon, closes: (s) => app.market.series(s), asOf: () => app.market.latestClose() });
      if (out.kind !== 'answer') throw new Error(`"${q}": ${out.message}`);
      if (!out.result.ok) throw new Error(`"${q}" → ${out.readAs}: ${out.result.error.message}`);
      const direct = await app.runner.runText(out.readAs);
      if (!direct.ok) throw new Error(`${out.readAs}: ${direct.error.message}`);
      expect(out.result.answer, `"${q}" answers like ${out.readAs}`).toEqual(direct.answer);
      expect(out.result.answer.charts.length, 'with its chart').toBeGreaterThan(0);
    }
  });

  it('reads "since june" against the latest close of the data, asked for once per question', async () => {
    const latest = await app.market.latestClose();
    let asked = 0;
    const asOf = async () => {
      asked++;
      return latest;
    };
    const plain = await answerQuestion('is KRE breaking out?', { runner: app.runner, symbols: app.symbols, lexicon: app.lexicon, asOf });
    expect(plain.kind).toBe('answer');
    // Resolved up front (it is one cached lookup): questions back name the reference year too ("calendar 2025").
    expect(asked, 'asked once for the first question').toBe(1);
    const since = await answerQuestion('compare IWM and QQQ since June', { runner: app.runner, symbols: app.symbols, lexicon: app.lexicon, asOf });
    expect(asked, 'and once for the second').toBe(2);
    // June 1 of the latest close's year (the bundled data ends Aug 21, 2026: June is earlier that year).
    expect(since.kind === 'answer' && since.readAs).toBe(`/compare IWM QQQ since:${latest.slice(0, 4)}-06-01`);
    // June 1, 2026 was a Monday, a trading day: "since" measures from the close on or before the date (core/periods.ts).
    if (since.kind === 'answer' && since.result.ok) expect(since.result.answer.facts.from, 'measured from the June 1 close').toBe('2026-06-01');
  });

  it('without a reference day, answers absolute dates and asks for an exact date instead of guessing a relative one', async () => {
    const absolute = await answerQuestion('compare iwm and spy since 6/30/25', { runner: recordingRunner(), symbols, lexicon });
    expect(absolute.kind === 'answer' && absolute.readAs).toBe('/compare IWM SPY since:2025-06-30');
    const relative = await answerQuestion('compare iwm and spy since june', { runner: recordingRunner(), symbols, lexicon });
    expect(relative.kind).toBe('clarify');
    if (relative.kind === 'clarify') expect(relative.message).toMatch(/exact date/);
  });

  it('passes a refusal from the command through, with the Read-as line (not a question back)', async () => {
    // MAGS started trading in April 2023: a 5-year comparison cannot be measured.
    const out = await answerQuestion('compare mag 7 and spy over 5 years', { runner: app.runner, symbols: app.symbols, lexicon: app.lexicon, asOf: '2026-08-21' });
    expect(out.kind).toBe('answer');
    if (out.kind === 'answer') {
      expect(out.readAs).toBe('/compare MAGS SPY 5y');
      expect(out.result.ok, 'the command itself refuses').toBe(false);
      if (!out.result.ok) expect(out.result.error.audience).toBe('user');
    }
  });

  it('turns a typed command that does not bind into a question back, quoting why', async () => {
    const out = await answerQuestion('/compare IWM SPY; rm -rf', { runner: app.runner, symbols: app.symbols, lexicon: app.lexicon, asOf: '2026-08-21' });
    expect(out.kind).toBe('clarify');
    if (out.kind === 'clarify') expect(out.message).toMatch(/I don't know the symbol `SPY;`/);
  });
});

describe('Read-as line', () => {
  it('is the command, with what was left out said after it, and stays one short line', () => {
    expect(readAsLine('/breakout KRE')).toBe('Read as: /breakout KRE');
    expect(readAsLine('/perf XLE', ['/perf takes no period, so "ytd" was left out'])).toBe('Read as: /perf XLE — /perf takes no period, so "ytd" was left out.');
    expect(readAsLine(`/compare ${'X'.repeat(600)}`).length).toBeLessThanOrEqual(300);
  });

  it('says when a period was left out', async () => {
    const out = await answerQuestion('biotech drawdown this year', { runner: recordingRunner(), symbols, lexicon, asOf: corpus.reference });
    expect(out.kind === 'answer' && out.line).toMatch(/^Read as: \/drawdown XBI — \/drawdown takes no period .*"this year" was left out\.$/);
  });
});

describe('questions back', () => {
  const ctx = { lexicon, symbols, reference: corpus.reference };

  it('offer two or three example questions (or one honest line and the closest command), each of which really reads as a command', () => {
    for (const { q } of corpus.clarify) {
      const p = planQuestion(q, ctx);
      if (p.kind !== 'clarify') continue; // (typed commands that fail to bind are caught later, in answerQuestion)
      const lines = p.message.split('\n');
      if (lines.length === 2) {
        // Something the data cannot answer: one line that says so, then where the commands are.
        const closest = /The closest I can do: `([^`]+)`/.exec(lines[0] ?? '')?.[1];
        if (closest !== undefined) expect(planQuestion(closest, ctx).kind, `"${closest}" (offered for "${q}") runs`).toBe('run');
        expect(lines[1], `"${q}"`).toMatch(/^Or type \/help/);
        continue;
      }
      const examples = p.message
        .split('\n')
        .filter((l) => l.startsWith('• '))
        .map((l) => l.slice(2));
      expect(examples.length, `"${q}" offers examples`).toBeGreaterThanOrEqual(2);
      expect(examples.length).toBeLessThanOrEqual(3);
      for (const e of examples) expect(planQuestion(e, ctx).kind, `example "${e}" (offered for "${q}") works`).toBe('run');
    }
  });

  it('say what was understood and what was not', () => {
    const p = planQuestion('since the election how are small caps doing', ctx);
    expect(p.kind).toBe('clarify');
    if (p.kind === 'clarify') {
      expect(p.message).toMatch(/I read: "small caps" \(IWM\)/);
      expect(p.message).toMatch(/"since the election" is not a date/);
    }
  });
});

describe('vocabulary', () => {
  it("each intent's example questions read as that intent's command", () => {
    const ctx = { lexicon, symbols, reference: corpus.reference };
    for (const intent of INTENTS) {
      for (const q of intent.examples) {
        const p = planQuestion(q, ctx);
        expect(p.kind === 'run' && p.name, `"${q}"`).toBe(intent.command);
      }
    }
  });

  it('reads a question the same with mentions and emoji around it and invisible characters inside it (property)', async () => {
    const around = fc.array(fc.constantFrom('<@123456789012345678>', '<@!42>', '<@&7>', '🚀', '🙏', '@everyone', '\n', '`'), { maxLength: 3 }).map((a) => a.join(' '));
    const invisible = fc.array(fc.tuple(fc.nat(), fc.constantFrom('\u200B', '\u200C', '\u200D', '\uFEFF', '\u2060', '\u00AD')), { maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...corpus.answer.filter((e) => !e.q.startsWith('/'))), around, around, invisible, async (entry, before, after, hidden) => {
        let q = entry.q;
        for (const [at, ch] of hidden) {
          const k = at % (q.length + 1);
          q = `${q.slice(0, k)}${ch}${q.slice(k)}`;
        }
        const noisy = `${before} ${q} ${after}`;
        const runner = recordingRunner();
        const out = await answerQuestion(noisy, { runner, symbols, lexicon, closes, asOf: corpus.reference });
        if (out.kind !== 'answer') throw new Error(`${JSON.stringify(noisy)} was not answered: ${out.message}`);
        const call = runner.calls[0];
        if (call) expect(bound(call.name, call.args), JSON.stringify(noisy)).toEqual(boundText(entry.expect));
      }),
      { numRuns: 500 },
    );
  });
});

describe('the reference day given as a function (as every adapter gives it)', () => {
  const asOf = async () => corpus.reference;

  it('names the calendar year in the "last year" question back', async () => {
    const out = await answerQuestion('how did the Nasdaq do last year', { runner: recordingRunner(), symbols, lexicon, asOf });
    expect(out.kind).toBe('clarify');
    // The reference day is Aug 21, 2026: calendar "last year" is 2025.
    if (out.kind === 'clarify') {
      expect(out.message).toContain('calendar 2025 (say "in 2025")');
      expect(out.message, 'never "in last year"').not.toMatch(/in last year/);
    }
  });

  it('still answers when the reference day cannot be had, asking for exact dates only where needed', async () => {
    const failing = async (): Promise<string> => {
      throw new Error('provider down');
    };
    const plain = await answerQuestion('is KRE breaking out?', { runner: recordingRunner(), symbols, lexicon, asOf: failing });
    expect(plain.kind === 'answer' && plain.readAs).toBe('/breakout KRE');
    const relative = await answerQuestion('compare iwm and spy since june', { runner: recordingRunner(), symbols, lexicon, asOf: failing });
    expect(relative.kind === 'clarify' && relative.message).toMatch(/exact date/);
  });
});

describe('questions tapebot cannot answer', () => {
  const ask = (q: string) => answerQuestion(q, { runner: recordingRunner(), symbols, lexicon, closes, asOf: corpus.reference });

  it.each([
    ['is SPY overbought?', /can't answer "overbought" questions/],
    ["what's the RSI on QQQ", /can't answer RSI questions/],
    ['why did KRE drop', /^I can't tell why a market moved, only how it moved\. The closest I can do: `\/perf KRE`\n/],
    ['how are semis doing', /^I have no semiconductor fund .*closest I have is tech \(XLK\)/],
    ["what's the correlation between IWM and SPY", /can't answer correlation questions/],
    ['is QQQ above its 20 day moving average?', /"20 day moving average".*50- and 200-day/],
  ])('"%s" says which part it cannot answer, never a nearby command', async (q, why) => {
    const out = await ask(q);
    expect(out.kind, `"${q}" is not guessed as a command`).toBe('clarify');
    if (out.kind === 'clarify') expect(out.message).toMatch(why);
  });

  it('quotes the words it did not understand', async () => {
    const out = await ask('how are widgets doing');
    expect(out.kind === 'clarify' && out.message).toMatch(/I don't know `widgets`\.\nI couldn't tell which question you're asking\./);
  });

  it('says when "from" is not a date instead of dropping it', async () => {
    const out = await ask('how much is QQQ up from the april low');
    expect(out.kind === 'clarify' && out.message).toMatch(/"from the april low" is not a date/);
  });

  it('offers examples about the symbol asked about', async () => {
    const out = await ask('is SPY frobnicating?');
    expect(out.kind === 'clarify' && out.message).toContain('• chart SPY 6 months');
  });
});

describe('notes on the Read-as line', () => {
  it('a period that is one of /perf\'s columns is named as that column, not "left out"', async () => {
    const out = await answerQuestion('how did SPY do in 2024', { runner: recordingRunner(), symbols, lexicon, asOf: corpus.reference });
    expect(out.kind === 'answer' && out.line).toBe('Read as: /perf SPY asof:2024-12-31 — "2024" is the YTD column.');
  });

  it("the perf intent's columns are exactly /perf's periods", () => {
    const perf = INTENTS.find((i) => i.id === 'perf');
    expect(Object.keys(perf?.columns ?? {}).sort()).toEqual(PERF_PERIODS.map(formatPeriod).sort());
  });
});

describe('commandName: the platform spelling of command names', () => {
  // As Slack registers them: /help is built in, so tapebot's is /tapebot-help (src/adapters/slack/manifest.ts).
  const slackLike = (name: string) => (['help', 'drawdown', 'compare'].includes(name) ? `/tapebot-${name}` : `/${name}`);
  const ask = (q: string, commandName?: (name: string) => string) =>
    answerQuestion(q, { runner: recordingRunner(), symbols, lexicon, closes, asOf: corpus.reference, ...(commandName ? { commandName } : {}) });

  it('spells the Read-as line and notes the platform way, and keeps readAs runnable', async () => {
    const help = await ask('help', slackLike);
    expect(help.kind === 'answer' && help.line).toBe('Read as: /tapebot-help');
    expect(help.kind === 'answer' && help.readAs, 'readAs is the registered command, for the runner').toBe('/help');
    const dd = await ask('biotech drawdown this year', slackLike);
    expect(dd.kind === 'answer' && dd.line).toMatch(/^Read as: \/tapebot-drawdown XBI — \/tapebot-drawdown takes no period/);
  });

  it('spells questions back the platform way', async () => {
    const out = await ask('compare iwm', slackLike);
    expect(out.kind === 'clarify' && out.message).toMatch(/Or type \/tapebot-help for the commands\.$/);
    const bound = await ask('/compare IWM SPY; rm -rf', slackLike);
    expect(bound.kind === 'clarify' && bound.message, 'the command it read, as typed here').toMatch(/^I read that as `\/tapebot-compare IWM SPY;/);
    const plain = await ask('compare iwm');
    expect(plain.kind === 'clarify' && plain.message, 'default: the name itself').toMatch(/Or type \/help for the commands\.$/);
  });

  it('takes a command typed the platform way', async () => {
    const out = await ask('/tapebot-help compare', slackLike);
    expect(out.kind === 'answer' && out.readAs).toBe('/help compare');
  });

  it('adds the slash to a name given without one', () => {
    expect(shownCommand('help', (n) => `tapebot-${n}`)).toBe('/tapebot-help');
    expect(shownCommand('help', (n) => `/tapebot-${n}`)).toBe('/tapebot-help');
    expect(shownCommand('help')).toBe('/help');
  });
});
