/**
 * Binds raw words and `name:value` pairs to a command's declared options, validating each value.
 * Every failure is a UserInputError that quotes the offending value and says what would work.
 */
import { distance } from 'fastest-levenshtein';
import { formatPeriod, NAMED_PERIODS, parsePeriod } from '../core/periods.ts';
import { readTypedDate } from '../core/typed-dates.ts';
import type { SymbolDirectory } from '../data/symbols.ts';
import { UserInputError } from '../errors.ts';
import type { AnyCommand } from './define.ts';
import { GLOBAL_OPTIONS } from './define.ts';
import type { IntegerOption, NumberOption, OptionDecl } from './options.ts';
import type { RawArgs } from './parse.ts';
import { usage } from './usage.ts';
import { echo } from '../echo.ts';
import { at } from '../core/at.ts';

export interface BoundInvocation {
  options: Record<string, unknown>;
  /** The requested `asof`, if any (ISO date). */
  asof: string | undefined;
  /** Every given option in canonical text form, to run the same command again (period buttons). */
  canonical: Record<string, string>;
}

export const PERIOD_HELP = `Periods: ${NAMED_PERIODS.join(', ')}, or since:YYYY-MM-DD.`;

function isPeriodWord(word: string): boolean {
  return parsePeriod(word) !== null;
}

export function bindOptions(cmd: AnyCommand, raw: RawArgs, symbols: SymbolDirectory): BoundInvocation {
  const decls: Record<string, OptionDecl> = { ...cmd.options, ...(cmd.usesMarketData === false ? {} : GLOBAL_OPTIONS) };
  const given: Record<string, string> = {};
  const periodName = Object.keys(cmd.options).find((k) => cmd.options[k]?.kind === 'period');

  for (const [key, value] of Object.entries(raw.named)) {
    if (Object.hasOwn(decls, key)) {
      given[key] = value;
    } else if (periodName && given[periodName] === undefined && isPeriodWord(`${key}:${value}`)) {
      given[periodName] = `${key}:${value}`;
    } else {
      const known = Object.keys(decls);
      const near = nearestName(key, known);
      if (near) throw new UserInputError(`/${cmd.name} has no option ${echo(key)}. Did you mean ${near}:${echo(value)}?`, `Usage: ${usage(cmd)}`);
      throw new UserInputError(`/${cmd.name} has no option ${echo(key)}.`, `Its options: ${known.join(', ')}. Usage: ${usage(cmd)}`);
    }
  }

  const positional = Object.entries(cmd.options).filter(([, o]) => o.positional);
  let slot = 0;
  for (const word of raw.words) {
    if (periodName && given[periodName] === undefined && isPeriodWord(word)) {
      given[periodName] = word;
      continue;
    }
    // Skip slots already filled by name.
    while (slot < positional.length && given[at(positional, slot)[0]] !== undefined && at(positional, slot)[1].kind !== 'symbols') slot++;
    const entry = positional[slot];
    if (!entry) {
      throw new UserInputError(`I don't know what to do with ${echo(word)} in /${cmd.name}.`, `Usage: ${usage(cmd)}`);
    }
    const [name, decl] = entry;
    if (decl.kind !== 'symbol' && decl.kind !== 'symbols' && isExtraSymbol(word, positional.slice(0, slot), symbols)) {
      throw new UserInputError(`/${cmd.name} takes one symbol; ${echo(word)} would be a second.`, `Usage: ${usage(cmd)}`);
    }
    if (decl.kind === 'symbols') {
      given[name] = given[name] === undefined ? word : `${given[name]} ${word}`;
    } else {
      given[name] = word;
      slot++;
    }
  }

  const options: Record<string, unknown> = {};
  const canonical: Record<string, string> = {};
  for (const [name, decl] of Object.entries(decls)) {
    const text = given[name];
    if (text === undefined) {
      if (decl.required) throw missing(cmd, name, decl);
      const dflt = 'default' in decl ? decl.default : undefined;
      options[name] = dflt === undefined ? undefined : convert(cmd, name, decl, Array.isArray(dflt) ? dflt.join(' ') : String(dflt), symbols);
      continue;
    }
    const value = convert(cmd, name, decl, text, symbols);
    options[name] = value;
    canonical[name] = canonicalText(decl, value);
  }
  sameSymbolTwice(cmd, options);
  const asof = typeof options['asof'] === 'string' ? options['asof'] : undefined;
  delete options['asof'];
  return { options, asof, canonical };
}

/** A word after a one-symbol command's symbol that is itself a symbol: "/breakout SPY QQQ". */
function isExtraSymbol(word: string, before: readonly [string, OptionDecl][], symbols: SymbolDirectory): boolean {
  if (!before.some(([, d]) => d.kind === 'symbol') || /^[$\d.,-]/.test(word)) return false;
  try {
    return symbols.isKnown(symbols.resolve(word));
  } catch {
    return false;
  }
}

/** The declared option nearest to a misspelt name ("peroid" → "period"), or null when none is close. */
function nearestName(key: string, known: readonly string[]): string | null {
  let best: { name: string; d: number } | null = null;
  for (const name of known) {
    const d = distance(key.toLowerCase(), name);
    if (d <= Math.max(1, Math.floor(name.length / 3)) && (!best || d < best.d)) best = { name, d };
  }
  return best?.name ?? null;
}

const COUNT_WORDS = ['no', 'a', 'two', 'three', 'four', 'five'];
const countWord = (n: number): string => COUNT_WORDS[n] ?? String(n);

/** The first example that uses a command's symbols: "/streak IWM SPY". */
function example(cmd: AnyCommand): string {
  return cmd.examples[0] ?? usage(cmd);
}

/**
 * A required option left out, in words: "/streak needs two symbols, e.g. /streak IWM SPY". Never the
 * option's internal name (a, b): people see placeholders, not declarations.
 */
function missing(cmd: AnyCommand, name: string, decl: OptionDecl): UserInputError {
  const symbolSlots = Object.values(cmd.options).filter((o) => o.kind === 'symbol' && o.required).length;
  if (decl.kind === 'symbol') {
    const what = symbolSlots <= 1 ? 'a symbol' : `${countWord(symbolSlots)} symbols`;
    return new UserInputError(`/${cmd.name} needs ${what}, e.g. ${example(cmd)}`);
  }
  if (decl.kind === 'symbols') {
    return new UserInputError(`/${cmd.name} needs ${decl.min === 1 ? 'a symbol' : `at least ${countWord(decl.min)} symbols`}, e.g. ${example(cmd)}`);
  }
  return new UserInputError(`/${cmd.name} needs ${name}.`, `Usage: ${usage(cmd)}`);
}

/** Two symbol options given the same symbol ("/streak IWM IWM") compare a series with itself: nothing to say. */
function sameSymbolTwice(cmd: AnyCommand, options: Record<string, unknown>): void {
  const seen = new Set<string>();
  for (const [name, decl] of Object.entries(cmd.options)) {
    if (decl.kind !== 'symbol') continue;
    const v = options[name];
    if (typeof v !== 'string') continue;
    if (seen.has(v)) {
      // The example shows the option that repeated the symbol when it is a named one ("vs:").
      const shown = decl.positional ? example(cmd) : (cmd.examples.find((e) => e.includes(`${name}:`)) ?? example(cmd));
      throw new UserInputError(`${v} twice: pick two different symbols, e.g. ${shown}`);
    }
    seen.add(v);
  }
}

function canonicalText(decl: OptionDecl, value: unknown): string {
  if (decl.kind === 'symbols') return (value as string[]).join(' ');
  if (decl.kind === 'period') return formatPeriod(value as never);
  return String(value);
}

/** A date option in any of the forms people type (see readTypedDate), as an ISO date. */
export function parseIsoDate(text: string, what: string): string {
  const iso = readTypedDate(text);
  if (iso === null) {
    throw new UserInputError(`${echo(text)} is not a date I can read for ${what}.`, 'Write it like 2026-01-21, 01/21/2026 or Jan 21 2026.');
  }
  return iso;
}

function convert(cmd: AnyCommand, name: string, decl: OptionDecl, text: string, symbols: SymbolDirectory): unknown {
  switch (decl.kind) {
    case 'symbol': {
      const words = text.split(/[\s,]+/).filter(Boolean);
      if (words.length !== 1) throw new UserInputError(`${name} takes one symbol, not ${echo(text)}.`, `Usage: ${usage(cmd)}`);
      return symbols.resolve(at(words, 0));
    }
    case 'symbols': {
      const words = text.split(/[\s,]+/).filter(Boolean);
      if (words.length > decl.max) {
        throw new UserInputError(`Too many symbols: ${words.length} (at most ${decl.max} for /${cmd.name}).`);
      }
      const resolved = [...new Set(words.map((w) => symbols.resolve(w)))];
      if (resolved.length < decl.min) {
        if (words.length >= decl.min) throw new UserInputError(`${resolved.join(', ')} twice: pick ${decl.min === 2 ? 'two' : `at least ${countWord(decl.min)}`} different symbols, e.g. ${example(cmd)}`);
        throw new UserInputError(`/${cmd.name} needs at least ${countWord(decl.min)} symbols, e.g. ${example(cmd)}`);
      }
      return resolved;
    }
    case 'period': {
      const p = parsePeriod(text);
      if (!p) throw new UserInputError(`${echo(text)} is not a period I know.`, PERIOD_HELP);
      return p;
    }
    case 'date':
      return parseIsoDate(text, name);
    case 'choice': {
      const c = decl.choices.find((x) => x.toLowerCase() === text.trim().toLowerCase());
      if (c === undefined) throw new UserInputError(`${echo(text)} is not a valid ${name}.`, `Choose one of: ${decl.choices.join(', ')}.`);
      return c;
    }
    case 'integer':
    case 'number':
      return parseDecimalOption(name, decl, text);
    case 'text': {
      if (text.length > decl.maxLength) throw new UserInputError(`${name} is too long (at most ${decl.maxLength} characters).`);
      return text;
    }
  }
}

/**
 * A number as people write it in chat: decimal digits, an optional sign, decimal point, leading `$`
 * and thousands commas (`$1,250.50`). Nothing JavaScript's `Number()` also reads: no hex (`0x10`),
 * exponents (`1e308`), `Infinity`, `NaN` or `1_000`, none of which anyone means as a price.
 */
const DECIMAL = /^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?$/;

/** Formats a bound for the error message: 10000000 → "10,000,000". */
const bound = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 4 });

function parseDecimalOption(name: string, decl: IntegerOption | NumberOption, text: string): number {
  const min = decl.min ?? -Infinity;
  const max = decl.max ?? Infinity;
  const range =
    decl.kind === 'integer'
      ? `a whole number from ${bound(decl.min)} to ${bound(decl.max)}`
      : decl.min !== undefined && decl.max !== undefined
        ? `a number from ${bound(decl.min)} to ${bound(decl.max)}`
        : 'a number' + (decl.min !== undefined ? ` ≥ ${bound(decl.min)}` : '') + (decl.max !== undefined ? ` ≤ ${bound(decl.max)}` : '');
  const t = text.trim().replace(/^\$/, '');
  const shown = echo(text);
  const n = DECIMAL.test(t) && /\d/.test(t) ? Number(t.replace(/,/g, '')) : NaN;
  if (!Number.isFinite(n) || (decl.kind === 'integer' && !Number.isInteger(n)) || n < min || n > max) {
    throw new UserInputError(`${name} must be ${range}; got ${shown}.`, DECIMAL.test(t) ? undefined : decl.kind === 'integer' ? 'Write it with plain digits, e.g. 8.' : 'Write it with plain decimal digits, e.g. 600 or 612.50.');
  }
  return n;
}
