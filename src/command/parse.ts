/**
 * The text syntax shared by the console, the CLI and Slack:
 *   /name POSITIONAL... key:value...      e.g.  /compare IWM SPY QQQ period:1y
 * Words may also be separated by commas (`IWM,SPY`). Nothing here knows any command: binding the
 * words to a command's declared options happens in bind.ts.
 */
import { UserInputError } from '../errors.ts';
import { echo } from '../echo.ts';
import { at } from '../core/at.ts';

/** What a person typed, split but not yet interpreted. Discord options arrive as `named` only. */
export interface RawArgs {
  words: string[];
  named: Record<string, string>;
}

export interface ParsedCommandText {
  name: string;
  args: RawArgs;
}

/** Longest command text accepted; anything longer is not a command anyone typed by hand. */
export const MAX_COMMAND_TEXT = 500;

const NAMED = /^([a-z][a-z0-9_-]{0,31}):(.+)$/i;

/**
 * A token, except that an option whose value is a date written with spaces ("asof:Jan 21 2026",
 * "since:21 Jan 2026", "asof:Jan 21, 2026") stays one token.
 */
const TOKEN = /[a-z][a-z0-9_-]{0,31}:(?:[a-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[a-z]{3,9}\.?\s+\d{4})(?=\s|$)|\S+/gi;

export function parseCommandText(text: string): ParsedCommandText {
  const trimmed = text.trim();
  if (trimmed.length === 0) throw new UserInputError('Type a command, e.g. /rotation.', 'Try /help.');
  if (trimmed.length > MAX_COMMAND_TEXT) {
    throw new UserInputError(`That command is too long (${trimmed.length} characters; at most ${MAX_COMMAND_TEXT}).`);
  }
  const [head = '', ...rest] = trimmed.split(/\s+/);
  const name = head.replace(/^\//, '').toLowerCase();
  if (!/^[a-z][a-z0-9_-]*$/.test(name)) {
    throw new UserInputError(`${echo(head)} is not a command.`, 'Commands look like /rotation or /compare IWM SPY; try /help.');
  }
  return { name, args: parseArgsText(rest.join(' ')) };
}

/** Splits the text after the command name (what Slack sends as `text`). */
export function parseArgsText(text: string): RawArgs {
  const words: string[] = [];
  const named: Record<string, string> = {};
  for (const token of text.match(TOKEN) ?? []) {
    const m = NAMED.exec(token);
    if (m) {
      const key = at(m, 1).toLowerCase();
      const value = at(m, 2);
      if (key in named) named[key] = `${named[key]} ${value}`;
      else named[key] = value;
      continue;
    }
    for (const part of token.split(',')) if (part.length > 0) words.push(part);
  }
  return { words, named };
}
