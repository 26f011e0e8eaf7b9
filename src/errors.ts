/**
 * The few named errors tapebot raises on purpose, and the one place that turns any error into
 * words for people. Chat never sees a stack trace: logs get the detail and a reference id.
 */
import { formatDate } from './core/format.ts';
import { NotEnoughDataError } from './core/series.ts';
import { echo } from './echo.ts';

export { NotEnoughDataError };

/** Thrown when what the person typed cannot be answered as asked (bad option, date, period…). */
export class UserInputError extends Error {
  override readonly name: string = 'UserInputError';
  constructor(
    message: string,
    /** A short suggestion of what would work, shown after the message. */
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Thrown when a symbol is not one tapebot knows or the provider can find. */
/** How any ticker beyond the bundled ones becomes available: said by /help and every unknown-symbol reply. */
export const LIVE_PROVIDER_HINT = 'Any other ticker needs a live provider (set DATA_PROVIDERS=yahoo; no key needed).';

/** "I have 36 symbols offline (/help lists them). Any other ticker needs a live provider (…)." */
export function anyTickerHint(offlineCount: number): string {
  return `I have ${offlineCount} symbols offline (/help lists them). ${LIVE_PROVIDER_HINT}`;
}

export class UnknownSymbolError extends UserInputError {
  override readonly name = 'UnknownSymbolError';
  /** `known`: a few symbols that do work, offered when nothing is close to what was typed. */
  constructor(
    readonly symbol: string,
    readonly suggestions: readonly string[],
    known: { examples: readonly string[]; total: number } | undefined = undefined,
  ) {
    const offline = known ? ` ${anyTickerHint(known.total)}` : '';
    super(
      `I don't know the symbol ${echo(symbol)}.`,
      suggestions.length > 0
        ? `Did you mean ${suggestions.join(', ')}?${offline}`
        : known && known.examples.length > 0
          ? `I have ${known.total} symbols offline, such as ${known.examples.join(', ')}; /help lists them all. ${LIVE_PROVIDER_HINT}`
          : undefined,
    );
  }
}

export type ProviderFailure = 'unavailable' | 'rate-limited' | 'invalid-data' | 'not-found' | 'timeout';

/**
 * Thrown when a market-data provider fails: down, rate limited, timed out, or returned data we refuse.
 * `message` is detail for the log only: it may quote what the provider sent back, and a provider may
 * quote our API key. Chat gets a fixed phrase per failure kind from `describeError`, never this text.
 */
export class ProviderError extends Error {
  override readonly name: string = 'ProviderError';
  /** The symbol asked for, when the failure is about one symbol (named in chat for 'not-found'). */
  readonly symbol: string | undefined;
  constructor(
    readonly provider: string,
    readonly failure: ProviderFailure,
    message: string,
    readonly retryAfterSeconds?: number,
    options?: { cause?: unknown; symbol?: string },
  ) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.symbol = options?.symbol;
  }
}

/** Provider names as people know them; anything else is called "the market-data provider". */
const PROVIDER_NAMES: Readonly<Record<string, string>> = {
  yahoo: 'Yahoo Finance',
  tiingo: 'Tiingo',
  polygon: 'Polygon',
  alphavantage: 'Alpha Vantage',
  bundled: 'the bundled prices',
};

/** A symbol is shown back only in the shape symbols have; anything else could be markup someone typed. */
const SHOWABLE_SYMBOL = /^[A-Z0-9^][A-Z0-9.^=-]{0,14}$/;

/**
 * Thrown when a provider's data fails the plausibility rules (src/data/providers/plausibility.ts)
 * and no second source confirms it: a move far outside the series' own history, or a close that
 * disagrees with the bundled or cached record of the same day. What people read names only the
 * symbol, the day and the size of the move; the message (for the log) says what was checked.
 */
export class ImplausibleDataError extends ProviderError {
  override readonly name = 'ImplausibleDataError';
  constructor(
    provider: string,
    override readonly symbol: string,
    readonly date: string,
    /** The suspect change as a fraction (0.3 = +30 %), or undefined for a level that breaks continuity. */
    readonly change: number | undefined,
    message: string,
  ) {
    super(provider, 'invalid-data', message);
  }
}

/** Thrown when a person (or channel) sends commands faster than the configured limits allow. */
export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';
  constructor(readonly retryAfterSeconds: number) {
    super(`rate limited for ${retryAfterSeconds}s`);
  }
}

/** Thrown when tapebot is too busy to take more work right now (a full render queue, a render that timed out). */
export class BusyError extends Error {
  override readonly name: string = 'BusyError';
}

/** Thrown for new work while tapebot shuts down (a deploy or restart): work already running still finishes. */
export class ShuttingDownError extends BusyError {
  override readonly name = 'ShuttingDownError';
  constructor() {
    super('shutting down; not taking new work');
  }
}

/**
 * Thrown when a change cannot be saved: the database file was deleted or replaced under tapebot,
 * the disk is full, the store is read-only or damaged (src/store/guard.ts). The person hears that
 * their change was not saved; the detail (`problem`, the cause) goes to the log and /healthz.
 */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  constructor(
    /** What is wrong with the store, for the log and /healthz (names the file; never shown in chat). */
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(problem, options);
  }
}

export type ErrorAudience = 'user' | 'retry' | 'internal';

export interface DescribedError {
  /** Whose fault, roughly: the person's input, a passing condition, or ours. */
  audience: ErrorAudience;
  /** One or two sentences for chat. Never contains a stack trace or internal detail. */
  message: string;
}

/** The words for people, for any error. `ref` is the short id that also appears in the log line. */
export function describeError(err: unknown, ref: string): DescribedError {
  if (err instanceof UserInputError) {
    return { audience: 'user', message: err.hint ? `${err.message} ${err.hint}` : err.message };
  }
  if (err instanceof NotEnoughDataError) {
    return { audience: 'user', message: `Not enough price history for that: ${err.message}.` };
  }
  if (err instanceof RateLimitedError) {
    return { audience: 'retry', message: `Slow down a little — try again in ${err.retryAfterSeconds} s.` };
  }
  if (err instanceof ShuttingDownError) {
    return { audience: 'retry', message: 'I’m restarting — try again in a moment.' };
  }
  if (err instanceof BusyError) {
    return { audience: 'retry', message: 'I’m busy drawing other charts — try again in a few seconds.' };
  }
  if (err instanceof StorageError) {
    return { audience: 'retry', message: `Your change was not saved: I can’t write to my storage right now. Please try again later (reference ${ref}).` };
  }
  if (err instanceof ImplausibleDataError) {
    const day = formatDate(err.date);
    const what =
      err.change === undefined
        ? `its close of ${day} disagrees with the price history I already have`
        : `it shows a ${err.change >= 0 ? '+' : '−'}${Math.abs(err.change * 100).toFixed(1)}% move on ${day} that no second source confirms`;
    return {
      audience: 'retry',
      message: `I won't answer from the latest ${err.symbol} prices: ${what}, so it looks like bad data. Try again later. Reference ${ref}.`,
    };
  }
  if (err instanceof ProviderError) {
    // Fixed words per failure kind: the provider's own text stays in the log (it can quote a key).
    const known = PROVIDER_NAMES[err.provider];
    const provider = known ?? 'the market-data provider';
    switch (err.failure) {
      case 'rate-limited':
        return {
          audience: 'retry',
          message: `The market-data provider is rate-limiting us${err.retryAfterSeconds ? `; try again in ${Math.min(Math.ceil(err.retryAfterSeconds), 3600)} s` : '; try again in a minute'}.`,
        };
      case 'not-found': {
        const symbol = err.symbol !== undefined && SHOWABLE_SYMBOL.test(err.symbol) ? err.symbol : undefined;
        return {
          audience: 'user',
          message: symbol ? `I couldn't find prices for ${symbol}. Check the ticker, or try /help for the symbols I have.` : `I couldn't find prices for that symbol. Check the ticker, or try /help for the symbols I have.`,
        };
      }
      case 'invalid-data':
        return { audience: 'retry', message: `${capitalise(provider)} sent prices I don't trust, so I won't quote them; try again shortly. Reference ${ref}.` };
      case 'timeout':
        return { audience: 'retry', message: `${capitalise(provider)} did not answer in time; try again shortly. Reference ${ref}.` };
      default:
        return { audience: 'retry', message: `Market data is unavailable right now${known ? ` (${known})` : ''}; try again shortly. Reference ${ref}.` };
    }
  }
  return { audience: 'internal', message: `Something went wrong on my side — reference ${ref}.` };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A short random reference id for an error, e.g. "7f3a9c". */
export function newErrorRef(): string {
  return Math.floor(Math.random() * 0xffffff)
    .toString(16)
    .padStart(6, '0');
}
