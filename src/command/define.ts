/**
 * A chat command: its declaration and a platform-free `run` that returns an Answer.
 * One file per command under `commands/`, listed in `commands/index.ts`.
 */
import type { Answer, Facts } from '../answer/answer.ts';
import type { DailySeries } from '../core/series.ts';
import type { StatusReport } from '../data/providers/status.ts';
import type { DigestBackend } from '../digest/backend.ts';
import type { SymbolDirectory } from '../data/symbols.ts';
import type { BoundOptions, OptionDecl } from './options.ts';
import type { RawArgs } from './parse.ts';

/** One command to run: its name and raw arguments, as an adapter, the digest service or another command gives them. */
export interface Invocation {
  name: string;
  args: RawArgs;
  /** The chat channel it was typed in (adapters set it; the console and CLI leave it out). */
  channel?: ChannelContext;
}

/**
 * Runs a command through the runner (src/command/run.ts) and returns its Answer, or throws the error
 * that refused or failed it: the same binding, "as of" handling and glance as a command typed in chat.
 */
export type RunInvocation = (invocation: Invocation) => Promise<Answer>;

/** What /help reads of a command: its declaration, without the means to run it. */
export type CommandSummary = Omit<AnyCommand, 'run'>;

/**
 * The chat channel a command was typed in, as the adapter knows it. Absent in the console and the
 * CLI. Commands that change what a channel receives (digests, watchlists, alerts) need it.
 */
export interface ChannelContext {
  readonly platform: 'discord' | 'slack' | 'console';
  /** The platform's channel id (Discord channel snowflake, Slack channel id). */
  readonly id: string;
  /**
   * Slack: the workspace (team id) the channel belongs to, recorded with what is set up there so that
   * its posts go out with that workspace's token and an uninstall removes them.
   */
  readonly workspace?: string;
  /**
   * Whether the person who typed the command may manage this channel: on Discord the Manage Channels
   * permission or a configured role; on Slack the workspace's admins and owners and whoever installed
   * the app there, or a configured admin list (see docs/digests.md). A function when the answer needs
   * asking the platform: only commands that change something call it.
   */
  readonly canManage: boolean | (() => Promise<boolean>);
  /** Who may manage the channel, in words, when the platform's rule is not the default one ("Ask …"). */
  readonly managers?: string;
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
  /** Every registered command's declaration (for /help); none of them can be run from here. */
  readonly catalogue: readonly CommandSummary[];
  /**
   * The one way a command uses another (/digest preview runs /rotation): through the runner, as of
   * this answer's close unless the invocation names its own `asof`, in this command's channel. No
   * rate limit is taken again (this command's run was admitted). A refusal or failure throws.
   */
  run: RunInvocation;
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
  /** The digest store (/digest, /watch, /alert); absent when digests are not enabled. */
  readonly digests?: DigestBackend;
}

/**
 * How a command is asked in plain words, declared in the command's own file beside its options. The
 * question reader (src/ask) is derived from these declarations and names no command itself, as Discord
 * registration and /help are derived from the options.
 *
 * Phrases are lower case, words separated by single spaces ("breaking out", "52 week high"); when
 * phrases overlap the longest wins. The `answers…` flags say which *shapes* of question fall to this
 * command when no strong word was said: at most one registered command should claim each.
 */
export interface AskDeclaration {
  /** What the question is about, after "I read a question about": "a drawdown". */
  readonly topic: string;
  /** Words that name this question outright ("drawdown", "breaking out"). */
  readonly strong: readonly string[];
  /** Words that only lean towards it ("leading", "how long"); they count when nothing strong was said. */
  readonly weak?: readonly string[];
  /** Words that lean towards it only when nothing else in the question is left unread ("how's KRE?"). */
  readonly vague?: readonly string[];
  /** Questions that work, shown when a question could not be read. Each must read as this command (tested). */
  readonly examples: readonly string[];
  /** An example about the symbol a question named ("is {symbol} breaking out?"; `{other}`: a second one). */
  readonly tailored?: string;
  /** Said when the question names a period the command takes none of. */
  readonly noPeriod?: string;
  /** Periods shown as columns though the command takes no period option (/perf's 1D … 1Y). */
  readonly columns?: Readonly<Record<string, string>>;
  /** Commands whose strong words this one's outrank when both are said ("how long … vs" is a streak, not a comparison). */
  readonly outranks?: readonly string[];
  /** Gives way to any other command named outright ("chart the drawdown of KRE" asks for the drawdown). */
  readonly yields?: boolean;
  /** Answers with no symbol named (a group, the market, tapebot itself). */
  readonly needsNoSymbol?: boolean;
  /** The command that answers instead when a group is named and no symbol ("the rotation of the sectors"). */
  readonly withGroup?: string;
  /** The command that answers instead when more symbols are named than this one takes ("chart IWM and SPY"). */
  readonly withSeveral?: string;
  /** Its symbol options are size groups (small, large, mega caps): it takes symbols only of those groups. */
  readonly sizeSlots?: boolean;
  /** A question about tapebot itself ("help", "what can you do"): with no symbol named it wins over other words. */
  readonly aboutTapebot?: boolean;
  /** A group named alone ("the sectors this month") is this question; so is "leading" said of one of its members. */
  readonly answersGroup?: boolean;
  /** Size groups named alone ("small caps vs mega caps", "how are small caps") are this question. */
  readonly answersSizes?: boolean;
  /** A price level said with one symbol ("is SPY holding 600") is this question. */
  readonly answersLevel?: boolean;
  /** Two or more symbols with no other word ("IWM vs QQQ") are this question. */
  readonly answersPair?: boolean;
  /** One symbol with nothing else asked ("KRE?", "how's KRE this year") is this question. */
  readonly answersOne?: boolean;
  /** Its weak words alone, said of one symbol, are this question ("XLE price"). */
  readonly weakAnswersOne?: boolean;
  /** Its weak words said of two symbols are this question ("how long has IWM been ahead of SPY"). */
  readonly weakAnswersTwo?: boolean;
  /** A moving average asked of one symbol ("is QQQ above its 200 day") is this question. */
  readonly answersMovingAverages?: boolean;
  /**
   * The benchmark a lone symbol is measured against ("is IWM outperforming" → vs SPY). With `lagging`,
   * a lone "lagging"/"leading" is this question; without it, a lone "outperforming"/"vs" is.
   */
  readonly benchmark?: string;
  readonly lagging?: boolean;
  /** Records ("at a record", "new all-time high") are this question. */
  readonly answersRecords?: boolean;
  /** A change from a past level ("back to its 2022 high", "fall after its 2021 peak") is this question. */
  readonly answersFromPeak?: boolean;
  /** Advice-shaped questions ("what should I rotate into", "what's working") are answered with this command's data. */
  readonly answersAdvice?: boolean;
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
  /** How the command is asked in plain words ("@tapebot is KRE breaking out?"); absent: it is only typed. */
  readonly ask?: AskDeclaration;
  run(ctx: CommandContext, options: BoundOptions<Opts>): Promise<Answer<F>>;
}

/** A command with its option types erased, as held in the registry. */
export interface AnyCommand {
  readonly name: string;
  readonly description: string;
  readonly options: Record<string, OptionDecl>;
  readonly examples: readonly string[];
  readonly usesMarketData?: boolean;
  readonly ask?: AskDeclaration;
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
