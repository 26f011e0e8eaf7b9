/** /help — generated from the command declarations; nothing here is written twice. */
import type { Answer } from '../src/answer/answer.ts';
import { emptyAnswer } from '../src/answer/build.ts';
import { NAMED_PERIODS } from '../src/core/periods.ts';
import { defineCommand, GLOBAL_OPTIONS, type AskDeclaration } from '../src/command/define.ts';
import { opt } from '../src/command/options.ts';
import { usage } from '../src/command/usage.ts';
import { anyTickerHint, UserInputError } from '../src/errors.ts';
import { echo } from '../src/echo.ts';

/** How /help is asked in plain words: read by the question reader (src/ask). */
export const ask = {
  topic: 'help',
  strong: ['help', 'commands', 'what can you do', 'what can i ask', 'how do i use', 'how does this work', 'what do you do', 'usage'],
  examples: ['help'],
  yields: true,
  needsNoSymbol: true,
  aboutTapebot: true,
} as const satisfies AskDeclaration;

export default defineCommand({
  ask,
  name: 'help',
  description: 'List the commands, or explain one: /help compare',
  usesMarketData: false,
  options: {
    command: opt.text({ description: 'A command to explain, e.g. compare', maxLength: 40, positional: true }),
  },
  examples: ['/help', '/help rotation'],
  async run(ctx, o): Promise<Answer> {
    const name = o.command?.replace(/^\//, '').toLowerCase();
    if (!name) {
      const a = emptyAnswer('help', 'tapebot commands', null, null);
      for (const c of ctx.catalogue) a.lines.push(`**/${c.name}** — ${c.description}`);
      a.lines.push(`Every market command takes asof:YYYY-MM-DD to answer as of a past close. Periods: ${NAMED_PERIODS.join(' ')} or since:YYYY-MM-DD. Symbols: ${ctx.symbols
        .list()
        .map((i) => i.symbol)
        .join(' ')} (indexes also as SPX, RUT, COMP; names such as Apple, Nvidia, bitcoin, gold, silver, treasuries).`);
      a.lines.push(ctx.symbols.allowUnknown ? `${ctx.symbols.list().length} symbols are bundled offline; any other ticker is looked up live.` : anyTickerHint(ctx.symbols.list().length));
      a.lines.push('Type /help COMMAND for its options and examples.');
      return a;
    }
    const cmd = ctx.catalogue.find((c) => c.name === name);
    if (!cmd) throw new UserInputError(`There is no ${echo(`/${name}`)} command.`, `Commands: ${ctx.catalogue.map((c) => `/${c.name}`).join(', ')}.`);
    const a = emptyAnswer('help', `/${cmd.name}`, null, null);
    a.lines.push(cmd.description);
    a.lines.push(`Usage: \`${usage(cmd)}\``);
    const opts = { ...cmd.options, ...(cmd.usesMarketData === false ? {} : GLOBAL_OPTIONS) };
    for (const [n, d] of Object.entries(opts)) {
      const dflt = 'default' in d && d.default !== undefined ? ` (default ${Array.isArray(d.default) ? d.default.join(' ') : String(d.default)})` : '';
      a.lines.push(`• **${n}** — ${d.description}${dflt}`);
    }
    a.lines.push(`Examples: ${cmd.examples.map((e) => `\`${e}\``).join(', ')}`);
    return a;
  },
});
