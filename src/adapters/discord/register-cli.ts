/**
 * `npm run register`: puts the declared slash commands into Discord — globally, or into one server
 * when DISCORD_GUILD_ID is set (instant, for development). `npm run register -- --clear` removes
 * them from that same scope (e.g. a development server's copies once the global ones are live). Kept here rather than in scripts/ so it
 * is type-checked and tested with the adapter; scripts/register.ts only calls it.
 */
import { commands as allCommands } from '../../../commands/index.ts';
import type { AnyCommand } from '../../command/define.ts';
import { ConfigError, loadConfig } from '../../config.ts';
import { createDiscordRest } from './client.ts';
import { describeRegistration, registerCommands } from './registration.ts';

export interface RegisterCliOptions {
  env?: NodeJS.ProcessEnv;
  commands?: readonly AnyCommand[];
  /** Command-line arguments; `--clear` registers an empty list. */
  args?: readonly string[];
  out?: (line: string) => void;
  err?: (line: string) => void;
}

/** Returns the process exit code: 0 registered, 1 Discord refused, 2 configuration missing or invalid. */
export async function runRegister(o: RegisterCliOptions = {}): Promise<number> {
  const out = o.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const err = o.err ?? ((l: string) => process.stderr.write(`${l}\n`));
  const args = o.args ?? process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--clear');
  if (unknown.length > 0) {
    err(`Unknown argument ${unknown.join(' ')}. Usage: npm run register [-- --clear]`);
    return 2;
  }
  const clear = args.includes('--clear');
  const commands = clear ? [] : (o.commands ?? allCommands);
  let config;
  try {
    config = loadConfig(o.env ?? process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      err(e.message);
      return 2;
    }
    throw e;
  }
  if (!config.DISCORD_TOKEN || !config.DISCORD_APPLICATION_ID) {
    err('Set DISCORD_TOKEN and DISCORD_APPLICATION_ID to register the slash commands (see docs/discord.md).');
    return 2;
  }
  const rest = createDiscordRest({ token: config.DISCORD_TOKEN, apiUrl: config.DISCORD_API_URL });
  try {
    const result = await registerCommands({ rest, applicationId: config.DISCORD_APPLICATION_ID, guildId: config.DISCORD_GUILD_ID, commands });
    const where =
      result.scope === 'guild'
        ? `to server ${config.DISCORD_GUILD_ID} (available now)`
        : 'globally (every server and DMs with the bot; clients may take a little while to show changes)';
    if (clear) {
      out(`Removed every tapebot command ${result.scope === 'guild' ? `from server ${config.DISCORD_GUILD_ID}` : 'registered globally'}.`);
      return 0;
    }
    out(`Registered ${result.names.length} command${result.names.length === 1 ? '' : 's'} ${where}:`);
    for (const line of describeRegistration(commands)) out(`  ${line}`);
    return 0;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    err(`Discord refused the registration: ${message}`);
    return 1;
  }
}
