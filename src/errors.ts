/**
 * The few named errors tapebot raises on purpose, and the one place that turns any error into
 * words for people. Chat never sees a stack trace: logs get the detail and a reference id.
 */
import { NotEnoughDataError } from './core/series.ts';

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
      `I don't know the symbol "${symbol}".`,
      suggestions.length > 0
        ? `Did you mean ${suggestions.join(', ')}?${offline}`
        : known && known.examples.length > 0
          ? `I have ${known.total} symbols offline, such as ${known.examples.join(', ')}; /help lists them all. ${LIVE_PROVIDER_HINT}`
          : undefined,
    );
  }
}

export type ProviderFailure = 'unavailable' | 'rate-limited' | 'invalid-data' | 'not-found' | 'timeout';

/** Thrown when a market-data provider fails: down, rate limited, timed out, or returned data we refuse. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    readonly provider: string,
    readonly failure: ProviderFailure,
    message: string,
    readonly retryAfterSeconds?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
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
  if (err instanceof ProviderError) {
    switch (err.failure) {
      case 'rate-limited':
        return {
          audience: 'retry',
          message: `The market-data provider is rate-limiting us${err.retryAfterSeconds ? `; try again in ${err.retryAfterSeconds} s` : '; try again in a minute'}.`,
        };
      case 'not-found':
        return { audience: 'user', message: err.message };
      default:
        return {
          audience: 'retry',
          message: `Market data is unavailable right now (${err.provider}); try again shortly. Reference ${ref}.`,
        };
    }
  }
  return { audience: 'internal', message: `Something went wrong on my side — reference ${ref}.` };
}

/** A short random reference id for an error, e.g. "7f3a9c". */
export function newErrorRef(): string {
  return Math.floor(Math.random() * 0xffffff)
    .toString(16)
    .padStart(6, '0');
}
