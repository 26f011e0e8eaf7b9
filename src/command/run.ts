/**
 * The command runner: text or raw options in, an Answer or a friendly error out. Every adapter
 * (console, CLI, Discord, Slack, mentions, digests) calls this one function, so validation,
 * "as of" handling, warnings and error wording are the same everywhere.
 */
import { distance } from 'fastest-levenshtein';
import type { Answer } from '../answer/answer.ts';
import { formatDate } from '../core/format.ts';
import { indexOnOrBefore, lastDate, NotEnoughDataError, truncateAsOf, type DailySeries } from '../core/series.ts';
import type { MarketData } from '../data/market-data.ts';
import type { StatusReport } from '../data/providers/status.ts';
import type { SymbolDirectory } from '../data/symbols.ts';
import { describeError, newErrorRef, UserInputError, type DescribedError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import { bindOptions } from './bind.ts';
import type { AnyCommand, ChannelContext, CommandContext } from './define.ts';
import { parseCommandText, type RawArgs } from './parse.ts';

export interface Invocation {
  name: string;
  args: RawArgs;
  /** The chat channel it was typed in (adapters set it; the console and CLI leave it out). */
  channel?: ChannelContext;
}

export type RunResult =
  | { ok: true; answer: Answer; ms: number }
  | { ok: false; error: DescribedError; ref: string; ms: number; cause: unknown };

export interface CommandRunnerDeps {
  commands: readonly AnyCommand[];
  market: MarketData;
  symbols: SymbolDirectory;
  logger?: Logger;
  /** The symbol whose newest close defines "the latest close" (default SPY). */
  referenceSymbol?: string;
  /** Provider and cache health, handed to commands as `ctx.status` (/status). */
  status?: () => StatusReport;
}

export interface CommandRunner {
  readonly commands: readonly AnyCommand[];
  find(name: string): AnyCommand | undefined;
  /** Runs `/name words key:value` text. Never throws. */
  runText(text: string, meta?: Record<string, unknown>, channel?: ChannelContext): Promise<RunResult>;
  /** Runs an already-split invocation (Discord options, period buttons). Never throws. */
  run(invocation: Invocation, meta?: Record<string, unknown>): Promise<RunResult>;
}

export function createCommandRunner(deps: CommandRunnerDeps): CommandRunner {
  const logger = deps.logger ?? silentLogger;
  const reference = deps.referenceSymbol ?? 'SPY';
  const byName = new Map(deps.commands.map((c) => [c.name, c]));

  function unknownCommand(name: string): UserInputError {
    const near = deps.commands
      .map((c) => ({ c: c.name, d: distance(c.name, name) }))
      .filter((x) => x.d <= 3)
      .sort((a, b) => a.d - b.d)
      .slice(0, 2)
      .map((x) => `/${x.c}`);
    return new UserInputError(`There is no /${name} command.`, near.length ? `Did you mean ${near.join(' or ')}? Or try /help.` : 'Try /help for the list.');
  }

  async function execute(inv: Invocation): Promise<Answer> {
    const cmd = byName.get(inv.name);
    if (!cmd) throw unknownCommand(inv.name);
    const bound = bindOptions(cmd, inv.args, deps.symbols);
    const warnings: string[] = [];
    /** The market data's own warnings for a symbol (stale cache, live data down), once each. */
    const noteFor = (symbol: string): void => {
      for (const n of deps.market.notes?.(symbol) ?? []) if (!warnings.includes(n)) warnings.push(n);
    };
    let asOf = '';
    if (cmd.usesMarketData !== false) {
      const ref = await deps.market.series(reference);
      noteFor(reference);
      const latest = lastDate(ref);
      if (bound.asof !== undefined) {
        if (bound.asof > latest) {
          throw new UserInputError(`${formatDate(bound.asof)} is after the latest close I have (${formatDate(latest)}).`, 'Leave out asof for the latest close.');
        }
        const i = indexOnOrBefore(ref.dates, bound.asof);
        if (i < 0) throw new UserInputError(`${formatDate(bound.asof)} is before the start of the data (${formatDate(ref.dates[0] ?? latest)}).`);
        asOf = ref.dates[i] as string;
        if (asOf !== bound.asof) warnings.push(`${formatDate(bound.asof)} was not a trading day; answering as of the close of ${formatDate(asOf)}.`);
      } else {
        asOf = latest;
      }
    }
    const ctx: CommandContext = {
      asOf,
      symbols: deps.symbols,
      sourceLabel: deps.market.sourceLabel,
      commands: deps.commands,
      ...(inv.channel ? { channel: inv.channel } : {}),
      ...(deps.status ? { status: deps.status } : {}),
      warn: (m) => {
        if (!warnings.includes(m)) warnings.push(m);
      },
      async series(symbol: string): Promise<DailySeries> {
        const full = await deps.market.series(symbol);
        noteFor(symbol);
        const s = truncateAsOf(full, asOf);
        if (s.dates.length === 0) {
          throw new NotEnoughDataError(`${symbol} has no data on or before ${formatDate(asOf)}; its history starts ${formatDate(full.dates[0] ?? asOf)}`, symbol);
        }
        const last = lastDate(s);
        if (last < asOf) ctx.warn(`${symbol}: the data ends ${formatDate(last)}, so its figures stop there.`);
        return s;
      },
    };
    const answer = await cmd.run(ctx, bound.options);
    return {
      ...answer,
      args: { ...bound.canonical, ...answer.args },
      warnings: [...warnings, ...answer.warnings.filter((w) => !warnings.includes(w))],
    };
  }

  async function run(inv: Invocation, meta: Record<string, unknown> = {}): Promise<RunResult> {
    const started = performance.now();
    try {
      const answer = await execute(inv);
      const ms = performance.now() - started;
      logger.info({ ...meta, command: inv.name, ms: Math.round(ms), outcome: 'ok' }, 'command answered');
      return { ok: true, answer, ms };
    } catch (cause) {
      const ms = performance.now() - started;
      const ref = newErrorRef();
      const error = describeError(cause, ref);
      if (error.audience === 'internal') logger.error({ ...meta, ref, command: inv.name, err: cause }, 'command failed');
      else logger.info({ ...meta, ref, command: inv.name, outcome: error.audience, reason: error.message }, 'command refused');
      return { ok: false, error, ref, ms, cause };
    }
  }

  return {
    commands: deps.commands,
    find: (name) => byName.get(name),
    run,
    async runText(text, meta, channel) {
      try {
        const parsed = parseCommandText(text);
        return await run({ name: parsed.name, args: parsed.args, ...(channel ? { channel } : {}) }, meta);
      } catch (cause) {
        const ref = newErrorRef();
        return { ok: false, error: describeError(cause, ref), ref, ms: 0, cause };
      }
    },
  };
}
