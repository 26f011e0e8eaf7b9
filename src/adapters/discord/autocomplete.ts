/**
 * Autocomplete suggestions, chosen by the focused option's declared kind (never by command name)
 * and answered from memory: Discord gives an autocomplete request 3 seconds and shows nothing
 * when it is late, so no data is loaded here.
 */
import { NAMED_PERIODS, describePeriod, formatPeriod, parsePeriod } from '../../core/periods.ts';
import type { OptionDecl } from '../../command/options.ts';
import { normalizeSymbolInput, type SymbolDirectory, type SymbolInfo } from '../../data/symbols.ts';
import { DISCORD_LIMITS } from './registration.ts';

export interface Choice {
  name: string;
  value: string;
}

const fit = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`);

const symbolLabel = (s: SymbolInfo): string => `${s.symbol} — ${s.name}`;

/** Up to 25 suggestions for what is typed so far in an option of this kind; [] when it has none. */
export function autocompleteChoices(decl: OptionDecl | undefined, typed: string, symbols: SymbolDirectory): Choice[] {
  const max = DISCORD_LIMITS.choices;
  if (!decl) return [];
  switch (decl.kind) {
    case 'symbol':
      return symbols.search(typed.trim(), max).map((s) => ({ name: fit(symbolLabel(s), DISCORD_LIMITS.choiceName), value: s.symbol }));
    case 'symbols':
      return symbolListChoices(typed, symbols, decl.max);
    case 'period':
      return periodChoices(typed);
    case 'choice': {
      const q = typed.trim().toLowerCase();
      return decl.choices
        .filter((c) => c.toLowerCase().startsWith(q))
        .slice(0, max)
        .map((c) => ({ name: fit(c, DISCORD_LIMITS.choiceName), value: c }));
    }
    default:
      return [];
  }
}

/**
 * "IWM SPY q" → "IWM SPY QQQ", "IWM SPY QQQM", …: the earlier words are kept as typed (upper-cased)
 * and only the last one is completed. After a trailing space or comma the next symbol is suggested.
 */
function symbolListChoices(typed: string, symbols: SymbolDirectory, maxSymbols: number): Choice[] {
  const words = typed.split(/[\s,]+/);
  const last = words.pop() ?? '';
  const before = words.filter(Boolean).map(normalizeSymbolInput);
  if (before.length >= maxSymbols) return [];
  const taken = new Set(before);
  const prefix = before.join(' ');
  const out: Choice[] = [];
  for (const s of symbols.search(last.trim(), DISCORD_LIMITS.choices + taken.size)) {
    if (taken.has(s.symbol)) continue;
    const value = prefix ? `${prefix} ${s.symbol}` : s.symbol;
    if (value.length > DISCORD_LIMITS.choiceValue) continue;
    out.push({ name: fit(prefix ? `${value} — ${s.name}` : symbolLabel(s), DISCORD_LIMITS.choiceName), value });
    if (out.length === DISCORD_LIMITS.choices) break;
  }
  return out;
}

/** Named periods matching the typed prefix, and a typed date echoed as `since:YYYY-MM-DD`. */
function periodChoices(typed: string): Choice[] {
  const q = typed.trim().toLowerCase();
  const out: Choice[] = [];
  const parsed = q === '' ? null : parsePeriod(q);
  if (parsed?.kind === 'since') {
    const value = formatPeriod(parsed);
    out.push({ name: fit(`${value} — ${describePeriod(parsed)}`, DISCORD_LIMITS.choiceName), value });
  }
  const named = NAMED_PERIODS.filter((p) => q === '' || p.startsWith(q) || (parsed?.kind === 'named' && parsed.name === p));
  for (const p of named.length > 0 || parsed ? named : NAMED_PERIODS) {
    out.push({ name: `${p} — ${describePeriod({ kind: 'named', name: p })}`, value: p });
  }
  return out.slice(0, DISCORD_LIMITS.choices);
}

/** Bundled choices first, then live search hits not already there, up to Discord's 25. */
export function liveChoices(local: readonly Choice[], hits: readonly { symbol: string; name: string; exchange: string }[]): Choice[] {
  const out = [...local];
  const seen = new Set(local.map((c) => c.value));
  for (const h of hits) {
    if (out.length >= DISCORD_LIMITS.choices) break;
    if (seen.has(h.symbol) || h.symbol.length > DISCORD_LIMITS.choiceValue) continue;
    seen.add(h.symbol);
    out.push({ name: fit(`${h.symbol} — ${h.name}${h.exchange ? ` (${h.exchange})` : ''}`, DISCORD_LIMITS.choiceName), value: h.symbol });
  }
  return out;
}
