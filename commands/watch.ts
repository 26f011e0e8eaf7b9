/** /watch — the channel's watchlist: the close digest reports its symbols' highs, breakouts, streaks and drawdowns. */
import type { Answer } from '../src/answer/answer.ts';
import { emptyAnswer } from '../src/answer/build.ts';
import { defineCommand } from '../src/command/define.ts';
import type { SymbolsOption } from '../src/command/options.ts';
import { opt } from '../src/command/options.ts';
import { requireDigests, requireChannel, requireManager } from '../src/digest/backend.ts';
import { MAX_WATCHLIST } from '../src/digest/types.ts';
import { UserInputError } from '../src/errors.ts';

export default defineCommand({
  name: 'watch',
  description: 'This channel’s watchlist for the daily digest: add, remove or list symbols',
  usesMarketData: false,
  options: {
    action: opt.choice({ description: 'add, remove or list', choices: ['list', 'add', 'remove'] as const, default: 'list', positional: true }),
    symbols: { kind: 'symbols', description: `Symbols, e.g. XLE KRE SMH (up to ${MAX_WATCHLIST} in all)`, positional: true, required: false, min: 1, max: MAX_WATCHLIST } as SymbolsOption,
  },
  examples: ['/watch add XLE KRE', '/watch remove KRE', '/watch list'],
  async run(ctx, o): Promise<Answer> {
    const { store, clock } = requireDigests(ctx);
    const a = emptyAnswer('watch', 'Watchlist', null, null);
    if (o.action === 'list') {
      const channel = requireChannel(ctx.channel);
      const list = await store.watchlist(channel);
      a.lines.push(list.length === 0 ? 'This channel watches nothing yet. `/watch add XLE KRE` adds symbols to the daily digest.' : `This channel watches ${list.join(', ')}.`);
      return a;
    }
    const channel = await requireManager(ctx.channel, 'watchlist');
    const symbols = o.symbols ?? [];
    if (symbols.length === 0) throw new UserInputError(`/watch ${o.action} needs at least one symbol.`, `For example: /watch ${o.action} XLE`);
    if (o.action === 'add') {
      const r = await store.watch(channel, symbols, clock.now());
      if (r.added.length > 0) a.lines.push(`Added ${r.added.join(', ')}.`);
      if (r.already.length > 0) a.lines.push(`Already watched: ${r.already.join(', ')}.`);
      if (r.overLimit.length > 0) a.lines.push(`Not added (a channel watches at most ${MAX_WATCHLIST}): ${r.overLimit.join(', ')}.`);
    } else {
      const r = await store.unwatch(channel, symbols);
      if (r.removed.length > 0) a.lines.push(`Removed ${r.removed.join(', ')}.`);
      if (r.absent.length > 0) a.lines.push(`Not on the watchlist: ${r.absent.join(', ')}.`);
    }
    const list = await store.watchlist(channel);
    a.lines.push(list.length === 0 ? 'The watchlist is empty.' : `Watchlist: ${list.join(', ')}.`);
    return a;
  },
});
