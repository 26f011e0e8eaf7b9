/**
 * Option declarations: what a command accepts, declared once. The text parser (console, Slack),
 * Discord's slash-command registration, the Slack manifest and /help are all derived from these.
 */
import type { Period } from '../core/periods.ts';

interface OptionBase<Kind extends string> {
  readonly kind: Kind;
  readonly description: string;
  /** Filled from bare words (in declaration order) as well as from `name:value`. */
  readonly positional: boolean;
  readonly required: boolean;
}

export interface SymbolOption extends OptionBase<'symbol'> {
  readonly default?: string;
}
/** One or more symbols; positional words fill it greedily. */
export interface SymbolsOption extends OptionBase<'symbols'> {
  readonly min: number;
  readonly max: number;
  readonly default?: readonly string[];
}
export interface PeriodOption extends OptionBase<'period'> {
  readonly default?: string;
}
export interface DateOption extends OptionBase<'date'> {
  readonly default?: string;
}
export interface ChoiceOption<C extends string = string> extends OptionBase<'choice'> {
  readonly choices: readonly C[];
  readonly default?: C;
}
export interface IntegerOption extends OptionBase<'integer'> {
  readonly min: number;
  readonly max: number;
  readonly default?: number;
}
export interface NumberOption extends OptionBase<'number'> {
  readonly min?: number;
  readonly max?: number;
  readonly default?: number;
}
export interface TextOption extends OptionBase<'text'> {
  readonly maxLength: number;
  readonly default?: string;
}

export type OptionDecl =
  | SymbolOption
  | SymbolsOption
  | PeriodOption
  | DateOption
  | ChoiceOption
  | IntegerOption
  | NumberOption
  | TextOption;

export type OptionKind = OptionDecl['kind'];

/** The value an option of each kind binds to. */
interface ValueOf {
  symbol: string;
  symbols: string[];
  period: Period;
  date: string;
  choice: string;
  integer: number;
  number: number;
  text: string;
}

type BoundValue<O> = O extends ChoiceOption<infer C> ? C : O extends { kind: infer K extends keyof ValueOf } ? ValueOf[K] : never;

type HasValue<O> = O extends { required: true } ? true : O extends { default: unknown } ? true : false;

/** The typed options object a command's `run` receives. */
export type BoundOptions<Opts extends Record<string, OptionDecl>> = {
  [K in keyof Opts]: HasValue<Opts[K]> extends true ? BoundValue<Opts[K]> : BoundValue<Opts[K]> | undefined;
};

type Common = { description: string; positional?: boolean };

function base<K extends string>(kind: K, c: Common, required: boolean) {
  return { kind, description: c.description, positional: c.positional ?? false, required } as const;
}

/**
 * The range any price level option accepts (a dollar price or an index level): above zero, below
 * ten million. No ETF or index tapebot covers trades outside it, and a bound keeps a typo such as
 * 1e308 from printing a 309-digit price.
 */
export const PRICE_LEVEL_RANGE = { min: 0.01, max: 9_999_999.99 } as const;

/** Builders keep declarations short and their types precise. */
export const opt = {
  symbol(c: Common & { default: string }) {
    return { ...base('symbol', c, false), default: c.default } as SymbolOption & { default: string };
  },
  requiredSymbol(c: Common) {
    return { ...base('symbol', c, true), required: true } as SymbolOption & { required: true };
  },
  optionalSymbol(c: Common) {
    return base('symbol', c, false) as SymbolOption;
  },
  /** Symbols that may be left out entirely; when given, between `min` and `max` of them. */
  optionalSymbols(c: Common & { min: number; max: number }) {
    return { ...base('symbols', c, false), min: c.min, max: c.max } as SymbolsOption;
  },
  symbols(c: Common & { min: number; max: number }) {
    return { ...base('symbols', c, c.min > 0), min: c.min, max: c.max, required: true } as SymbolsOption & { required: true };
  },
  period(c: Common & { default: string }) {
    return { ...base('period', c, false), default: c.default } as PeriodOption & { default: string };
  },
  optionalPeriod(c: Common) {
    return base('period', c, false) as PeriodOption;
  },
  date(c: Common) {
    return base('date', c, false) as DateOption;
  },
  choice<const C extends string>(c: Common & { choices: readonly C[]; default: C }) {
    return { ...base('choice', c, false), choices: c.choices, default: c.default } as ChoiceOption<C> & { default: C };
  },
  integer(c: Common & { min: number; max: number; default: number }) {
    return { ...base('integer', c, false), min: c.min, max: c.max, default: c.default } as IntegerOption & { default: number };
  },
  optionalNumber(c: Common & { min?: number; max?: number }) {
    return { ...base('number', c, false), ...(c.min !== undefined ? { min: c.min } : {}), ...(c.max !== undefined ? { max: c.max } : {}) } as NumberOption;
  },
  text(c: Common & { maxLength: number; required?: boolean }) {
    return { ...base('text', c, c.required ?? false), maxLength: c.maxLength } as TextOption;
  },
};
