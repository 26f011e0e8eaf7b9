import { describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.ts';
import { buildCommandPayloads, commandOptions } from '../../../src/adapters/discord/registration.ts';
import { defineCommand, GLOBAL_OPTIONS, type AnyCommand } from '../../../src/command/define.ts';
import { opt } from '../../../src/command/options.ts';
import { emptyAnswer } from '../../../src/answer/build.ts';

// Discord's numeric types, from the application-commands docs (not from discord.js, which the code uses).
const STRING = 3;
const INTEGER = 4;
const NUMBER = 10;
const CHAT_INPUT = 1;

type OptionJson = {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  autocomplete?: boolean;
  choices?: { name: string; value: string }[];
  min_value?: number;
  max_value?: number;
  max_length?: number;
};

const optionsOf = (p: { options?: unknown }) => (p.options ?? []) as OptionJson[];

/** A command declaring one option of every kind, to pin the mapping of each. */
const everyKind: AnyCommand = defineCommand({
  name: 'kinds',
  description: 'Every option kind',
  options: {
    sym: opt.optionalSymbol({ description: 'One symbol' }),
    list: opt.symbols({ description: 'Some symbols', min: 1, max: 4, positional: true }),
    span: opt.period({ description: 'A period', default: '3m' }),
    day: opt.date({ description: 'A day' }),
    mode: opt.choice({ description: 'A mode', choices: ['fast', 'slow'], default: 'fast' }),
    count: opt.integer({ description: 'A count', min: 1, max: 50, default: 5 }),
    level: opt.optionalNumber({ description: 'A level', min: 0 }),
    note: opt.text({ description: 'A note', maxLength: 80 }),
  },
  examples: [],
  async run() {
    return emptyAnswer('kinds', 'kinds', null, null);
  },
});

describe('Discord registration JSON from the declarations', () => {
  const payloads = buildCommandPayloads(commands);

  it('registers every command of commands/index.ts, in order, as a chat-input command', () => {
    expect(payloads.map((p) => p.name), 'one Discord command per declared command').toEqual(commands.map((c) => c.name));
    for (const p of payloads) expect(p.type, `/${p.name} is a slash command`).toBe(CHAT_INPUT);
  });

  it('offers each declared option plus asof on market commands, and nothing else', () => {
    for (const cmd of commands) {
      const p = payloads.find((x) => x.name === cmd.name);
      const expected = [...Object.keys(cmd.options), ...(cmd.usesMarketData === false ? [] : Object.keys(GLOBAL_OPTIONS))];
      expect(optionsOf(p ?? {}).map((o) => o.name).sort(), `/${cmd.name} options`).toEqual(expected.sort());
    }
  });

  it('puts required options before optional ones (Discord refuses the reverse)', () => {
    for (const p of payloads) {
      const req = optionsOf(p).map((o) => o.required === true);
      const firstOptional = req.indexOf(false);
      expect(firstOptional === -1 || !req.slice(firstOptional).includes(true), `/${p.name}: ${JSON.stringify(req)}`).toBe(true);
    }
    const streak = payloads.find((p) => p.name === 'streak');
    expect(optionsOf(streak ?? {}).slice(0, 2).map((o) => o.name), '/streak a and b are required, so first').toEqual(['a', 'b']);
  });

  it('keeps every description within 100 characters without cutting a declared one short', () => {
    for (const cmd of commands) {
      const p = payloads.find((x) => x.name === cmd.name);
      expect(p?.description, `/${cmd.name} description is the declared one`).toBe(cmd.description);
      expect(cmd.description.length, `/${cmd.name} declared description fits Discord`).toBeLessThanOrEqual(100);
      for (const o of optionsOf(p ?? {})) {
        const declared = commandOptions(cmd)[o.name]?.description ?? '';
        expect(o.description.length, `/${cmd.name} ${o.name}`).toBeLessThanOrEqual(100);
        expect(o.description.startsWith(declared), `/${cmd.name} ${o.name} keeps its declared description whole`).toBe(true);
      }
    }
  });

  it('uses lower-case names that match Discord’s naming rule', () => {
    const rule = /^[-_'\p{Ll}\p{Lo}\p{N}]{1,32}$/u;
    for (const p of payloads) {
      expect(rule.test(p.name), p.name).toBe(true);
      for (const o of optionsOf(p)) expect(rule.test(o.name), `${p.name} ${o.name}`).toBe(true);
    }
  });

  it('maps each option kind to the Discord type and hints the docs call for', () => {
    const [p] = buildCommandPayloads([everyKind]);
    const byName = Object.fromEntries(optionsOf(p ?? {}).map((o) => [o.name, o]));
    expect(byName.sym, 'symbol: text with autocomplete').toMatchObject({ type: STRING, autocomplete: true, required: false });
    expect(byName.list, 'symbols: one text option with autocomplete').toMatchObject({ type: STRING, autocomplete: true, required: true });
    expect(byName.span, 'period: autocomplete, so since:YYYY-MM-DD can still be typed').toMatchObject({ type: STRING, autocomplete: true });
    expect(byName.span?.choices, 'period: no fixed choices (they would forbid free text)').toBeUndefined();
    expect(byName.day?.type, 'date: text').toBe(STRING);
    expect(byName.day?.description, 'date: the description says how to write it').toContain('YYYY-MM-DD');
    expect(byName.mode, 'choice: fixed choices').toMatchObject({ type: STRING, choices: [{ name: 'fast', value: 'fast' }, { name: 'slow', value: 'slow' }] });
    expect(byName.count, 'integer: bounds carried over').toMatchObject({ type: INTEGER, min_value: 1, max_value: 50 });
    expect(byName.level, 'number: declared bound only').toMatchObject({ type: NUMBER, min_value: 0 });
    expect(byName.level?.max_value, 'number: no invented upper bound').toBeUndefined();
    expect(byName.note, 'text: its length limit').toMatchObject({ type: STRING, max_length: 80 });
    expect(byName.span?.description, 'a default is shown in the description').toBe('A period · default 3m');
    expect(byName.list?.name, 'the only required option comes first').toBe(optionsOf(p ?? {})[0]?.name);
  });

  it('makes global commands usable in servers and in DMs with the bot; guild commands leave that to Discord', () => {
    for (const p of payloads) {
      expect(p.contexts, `/${p.name} contexts: GUILD (0) and BOT_DM (1)`).toEqual([0, 1]);
      expect(p.integration_types, `/${p.name} installed to servers (GUILD_INSTALL 0)`).toEqual([0]);
    }
    for (const p of buildCommandPayloads(commands, 'guild')) {
      expect('contexts' in p || 'integration_types' in p, `/${p.name}: those fields apply to global commands only`).toBe(false);
    }
  });

  it('refuses declarations Discord would reject', () => {
    const upper = { ...everyKind, name: 'Kinds' };
    expect(() => buildCommandPayloads([upper]), 'upper-case command name').toThrow(/lower-case/);
    const badOption = { ...everyKind, options: { Span: opt.period({ description: 'x', default: '1m' }) } };
    expect(() => buildCommandPayloads([badOption]), 'upper-case option name').toThrow(/option name "Span"/);
    const many = { ...everyKind, options: Object.fromEntries(Array.from({ length: 25 }, (_, k) => [`o${k}`, opt.date({ description: 'd' })])) };
    expect(() => buildCommandPayloads([many]), '25 declared + asof = 26 options').toThrow(/26 options/);
    expect(() => buildCommandPayloads([everyKind, everyKind]), 'duplicate names').toThrow(/two commands/);
  });

  it('switches a choice with more than 25 values to autocomplete', () => {
    const letters = Array.from({ length: 30 }, (_, k) => `c${k}`);
    const big = { ...everyKind, options: { pick: { kind: 'choice', description: 'Pick', positional: false, required: false, choices: letters, default: 'c0' } as const } };
    const [p] = buildCommandPayloads([big]);
    expect(optionsOf(p ?? {})[0], '30 choices exceed Discord’s 25').toMatchObject({ autocomplete: true });
    expect(optionsOf(p ?? {})[0]?.choices).toBeUndefined();
  });
});
