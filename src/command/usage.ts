/** Human-readable usage derived from a command's declaration: `/compare SYMBOLS... [period:ytd] [asof:YYYY-MM-DD]`. */
import type { CommandSummary } from './define.ts';
import { GLOBAL_OPTIONS } from './define.ts';
import type { OptionDecl } from './options.ts';

export function placeholder(name: string, o: OptionDecl): string {
  switch (o.kind) {
    case 'symbol':
      return name.toUpperCase();
    case 'symbols':
      return `${name.toUpperCase()}...`;
    case 'period':
      return 'PERIOD';
    case 'date':
      return 'YYYY-MM-DD';
    case 'choice':
      return o.choices.join('|');
    case 'integer':
    case 'number':
      return 'N';
    case 'text':
      return name.toUpperCase();
  }
}

export function usage(cmd: CommandSummary): string {
  const parts = [`/${cmd.name}`];
  for (const [name, o] of Object.entries(cmd.options)) {
    const shown = o.positional ? placeholder(name, o) : `${name}:${'default' in o && o.default !== undefined ? String(o.default) : placeholder(name, o)}`;
    parts.push(o.required ? shown : `[${shown}]`);
  }
  if (cmd.usesMarketData !== false) parts.push(`[asof:${placeholder('asof', GLOBAL_OPTIONS.asof)}]`);
  return parts.join(' ');
}
