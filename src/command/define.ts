/**
 * A chat command: its declaration and a platform-free `run` that returns an Answer.
 * One file per command under `commands/`, listed in `commands/index.ts`.
 */
import type { Answer, Facts } from '../answer/answer.ts';
import type { DailySeries } from '../core/series.ts';
import type { StatusReport } from '../data/providers/status.ts';
import type { SymbolDirectory } from '../data/symbols.ts';
import type { BoundOptions, OptionDecl } from './options.ts';

/**
 * The chat channel a command was typed in, as the adapter knows it. Absent in the console and the
 * CLI. Commands that change what a channel receives (digests, watchlists, alerts) need it.
 */
export interface ChannelContext {
  readonly platform: 'discord' | 'slack' | 'console';
  /** The platform's channel id (Discord channel snowflake, Slack channel id). */
  readonly id: string;
  /**
   * Whether the person who typed the command may manage this channel: on Discord the Manage Channels
   * permission or a configured role, on Slack a configured admin list (see docs/digests.md).
   */
  readonly canManage: boolean;
  /** The person's platform user id, for the record (who subscribed). */
  readonly userId?: string;
  /**
   * Why tapebot could not post in this channel on its own (a scheduled digest or alert), or null
   * when it can or the platform cannot tell: asked before a subscription is saved, so that nobody
   * subscribes a channel the bot is not in. Absent where the question does not arise (the console).
   */
  readonly postingProblem?: () => Promise<{ reason: string; fix: string } | null>;
}

/** What a command may use while it runs. Everything is already "as of" the requested close. */
export interface CommandContext {
  /** The close the answer is computed as of: the requested `asof` or the latest close available. */
  readonly asOf: string;
  /** Full history of a canonical symbol up to and including `asOf` (nothing later). */
  series(symbol: string): Promise<DailySeries>;
  /** Resolves what a person typed ("spx", "$iwm") to a canonical symbol, or throws UnknownSymbolError. */
  readonly symbols: SymbolDirectory;
  /** Where the prices come from, for the Answer's `source`. */
  readonly sourceLabel: string;
  /** The registry of all commands (for /help). */
  readonly commands: readonly AnyCommand[];
  /**
   * The command leaves this symbol out of its answer and says so (a universe member whose prices stop
   * weeks early). Otherwise any symbol whose data ends before the close puts the whole answer as of
   * the common last close (run.ts).
   */
  leaveOut?(symbol: string): void;
  /** Adds a warning that the Answer will carry (e.g. "live data unavailable, using cached closes"). */
  warn(message: string): void;
  /** Where the command was typed; undefined in the console and the CLI. */
  readonly channel?: ChannelContext;
  /** Health of the data providers and the cache (for /status); absent when the app does not provide it. */
  readonly status?: () => StatusReport;
}

export interface CommandDefinition<Opts extends Record<string, OptionDecl>, F extends Facts = Facts> {
  readonly name: string;
  /** One line, ≤ 100 characters (Discord's limit for command descriptions). */
  readonly description: string;
  readonly options: Opts;
  /** Example invocations in the text syntax, shown by /help and in the Slack manifest usage hint. */
  readonly examples: readonly string[];
  /** False for commands that don't read prices (e.g. /help): the runner then skips `asof` resolution. */
  readonly usesMarketData?: boolean;
  run(ctx: CommandContext, options: BoundOptions<Opts>): Promise<Answer<F>>;
}

/** A command with its option types erased, as held in the registry. */
export interface AnyCommand {
  readonly name: string;
  readonly description: string;
  readonly options: Record<string, OptionDecl>;
  readonly examples: readonly string[];
  readonly usesMarketData?: boolean;
  run(ctx: CommandContext, options: Record<string, unknown>): Promise<Answer>;
}

/** A command whose Answer's facts have a known shape `F` (tests and other callers read them typed). */
export interface Command<F extends Facts = Facts> extends AnyCommand {
  run(ctx: CommandContext, options: Record<string, unknown>): Promise<Answer<F>>;
}

export function defineCommand<const Opts extends Record<string, OptionDecl>, F extends Facts = Facts>(def: CommandDefinition<Opts, F>): Command<F> {
  return def as unknown as Command<F>;
}

/** Options every market command accepts without declaring them. */
export const GLOBAL_OPTIONS = {
  asof: {
    kind: 'date',
    description: 'Answer as of this close (YYYY-MM-DD); no later data is used',
    positional: false,
    required: false,
  },
} as const satisfies Record<string, OptionDecl>;
