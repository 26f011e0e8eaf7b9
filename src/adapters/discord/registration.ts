/**
 * Discord application-command JSON, derived from the command declarations (commands/index.ts and
 * GLOBAL_OPTIONS). Nothing about a command is written here: a new command file appears in Discord
 * after the next `npm run register`.
 *
 * How each option kind becomes a Discord option:
 * - symbol   STRING, autocomplete from the symbol directory (people also type aliases such as "spx").
 * - symbols  one STRING ("IWM SPY QQQ", spaces or commas), autocomplete completing the last word.
 *            Discord has no list-valued option, and six separate options would crowd the form.
 * - period   STRING with autocomplete, not fixed `choices`: choices forbid free text, and the text
 *            syntax also accepts `since:YYYY-MM-DD`. Autocomplete offers the named periods and echoes a
 *            typed date back as `since:…`, so both stay one keystroke away.
 * - choice   STRING with `choices` (autocomplete when there are more than Discord's 25).
 * - integer  INTEGER with min/max; number: NUMBER with min/max when declared.
 * - text     STRING with max_length; date: STRING whose description says YYYY-MM-DD.
 * Required options come first (Discord rejects a required option after an optional one); otherwise
 * the declaration order is kept.
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  Routes,
  type APIApplicationCommandBasicOption,
  type REST,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { GLOBAL_OPTIONS, type AnyCommand } from '../../command/define.ts';
import type { OptionDecl } from '../../command/options.ts';
import { usage } from '../../command/usage.ts';

/** Discord's limits for chat-input commands (application-commands docs). */
export const DISCORD_LIMITS = {
  description: 100,
  options: 25,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  stringLength: 6000,
} as const;

/** Discord's naming rule for CHAT_INPUT command and option names, lower case where a letter has case. */
const NAME = /^[-_'\p{Ll}\p{Lo}\p{N}]{1,32}$/u;

/** Longest symbol text accepted in a `symbol` option ("RUSSELL2000", "$iwm", "^GSPC"). */
const SYMBOL_MAX_LENGTH = 32;
/** Longest `date` text accepted; anything longer is not a date. */
const DATE_MAX_LENGTH = 32;
/** Longest `period` text: "since:2025-06-01" is 16. */
const PERIOD_MAX_LENGTH = 24;

export type RegistrationScope = 'global' | 'guild';

/** The options a command accepts, as the binder sees them: its own, then the global ones. */
export function commandOptions(cmd: AnyCommand): Record<string, OptionDecl> {
  return { ...cmd.options, ...(cmd.usesMarketData === false ? {} : GLOBAL_OPTIONS) };
}

function fit(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** "Look-back period (…)" plus " · default ytd" when it fits, so Discord's form shows the default. */
function optionDescription(decl: OptionDecl): string {
  let text = decl.description;
  if (decl.kind === 'date' && !text.includes('YYYY-MM-DD')) text = `${text} (YYYY-MM-DD)`;
  const dflt = 'default' in decl && decl.default !== undefined ? (Array.isArray(decl.default) ? decl.default.join(' ') : String(decl.default)) : undefined;
  const withDefault = dflt !== undefined ? `${text} · default ${dflt}` : text;
  return fit(withDefault.length <= DISCORD_LIMITS.description ? withDefault : text, DISCORD_LIMITS.description);
}

function optionJson(name: string, decl: OptionDecl): APIApplicationCommandBasicOption {
  if (!NAME.test(name)) throw new Error(`Discord registration: option name "${name}" must be 1–32 lower-case letters, digits, - or _`);
  const common = { name, description: optionDescription(decl), required: decl.required };
  switch (decl.kind) {
    case 'symbol':
      return { ...common, type: ApplicationCommandOptionType.String, autocomplete: true, max_length: SYMBOL_MAX_LENGTH };
    case 'symbols':
      return { ...common, type: ApplicationCommandOptionType.String, autocomplete: true, max_length: DISCORD_LIMITS.choiceValue };
    case 'period':
      return { ...common, type: ApplicationCommandOptionType.String, autocomplete: true, max_length: PERIOD_MAX_LENGTH };
    case 'date':
      // No min/max length of 10: a person who types "2025-1-5" should get our message saying what works.
      return { ...common, type: ApplicationCommandOptionType.String, max_length: DATE_MAX_LENGTH };
    case 'choice':
      if (decl.choices.length > DISCORD_LIMITS.choices) {
        return { ...common, type: ApplicationCommandOptionType.String, autocomplete: true, max_length: DISCORD_LIMITS.choiceValue };
      }
      return {
        ...common,
        type: ApplicationCommandOptionType.String,
        choices: decl.choices.map((c) => ({ name: fit(c, DISCORD_LIMITS.choiceName), value: c })),
      };
    case 'integer':
      return { ...common, type: ApplicationCommandOptionType.Integer, min_value: decl.min, max_value: decl.max };
    case 'number':
      return {
        ...common,
        type: ApplicationCommandOptionType.Number,
        ...(decl.min !== undefined ? { min_value: decl.min } : {}),
        ...(decl.max !== undefined ? { max_value: decl.max } : {}),
      };
    case 'text':
      return { ...common, type: ApplicationCommandOptionType.String, max_length: Math.min(decl.maxLength, DISCORD_LIMITS.stringLength) };
  }
}

/**
 * The JSON body for `PUT /applications/{id}/commands` (or the guild route). `contexts` and
 * `integration_types` make the global commands usable in servers and in DMs with the bot; Discord
 * reads them for global commands only, so guild registration leaves them out.
 */
export function buildCommandPayloads(commands: readonly AnyCommand[], scope: RegistrationScope = 'global'): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const seen = new Set<string>();
  return commands.map((cmd) => {
    if (!NAME.test(cmd.name)) throw new Error(`Discord registration: command name "${cmd.name}" must be 1–32 lower-case letters, digits, - or _`);
    if (seen.has(cmd.name)) throw new Error(`Discord registration: two commands are named "${cmd.name}"`);
    seen.add(cmd.name);
    const entries = Object.entries(commandOptions(cmd));
    if (entries.length > DISCORD_LIMITS.options) {
      throw new Error(`Discord registration: /${cmd.name} has ${entries.length} options; Discord allows ${DISCORD_LIMITS.options}`);
    }
    // Stable sort: required options first, each group in declaration order.
    const ordered = [...entries.filter(([, d]) => d.required), ...entries.filter(([, d]) => !d.required)];
    return {
      type: ApplicationCommandType.ChatInput,
      name: cmd.name,
      description: fit(cmd.description, DISCORD_LIMITS.description),
      options: ordered.map(([name, decl]) => optionJson(name, decl)),
      ...(scope === 'global'
        ? {
            integration_types: [ApplicationIntegrationType.GuildInstall],
            contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
          }
        : {}),
    };
  });
}

export interface RegisterOptions {
  /** A REST client with the bot token set (see `createDiscordRest`). */
  rest: REST;
  applicationId: string;
  /** Register to this one server (instant) instead of globally. */
  guildId?: string | undefined;
  commands: readonly AnyCommand[];
}

export interface RegisterResult {
  scope: RegistrationScope;
  /** The names Discord now has, in the order registered. */
  names: string[];
}

/**
 * Replaces the application's commands with the declared ones (a bulk overwrite: commands no longer
 * declared disappear). Global unless `guildId` is given.
 */
export async function registerCommands(o: RegisterOptions): Promise<RegisterResult> {
  const scope: RegistrationScope = o.guildId ? 'guild' : 'global';
  const body = buildCommandPayloads(o.commands, scope);
  const route = o.guildId ? Routes.applicationGuildCommands(o.applicationId, o.guildId) : Routes.applicationCommands(o.applicationId);
  const created = (await o.rest.put(route, { body })) as { name: string }[];
  return { scope, names: created.map((c) => c.name) };
}

/** One line per command, for the register script's output: `/compare SYMBOLS... [period:ytd] [asof:YYYY-MM-DD]`. */
export function describeRegistration(commands: readonly AnyCommand[]): string[] {
  return commands.map((c) => usage(c));
}
