/**
 * `npm run manifest` — prints the Slack app manifest (JSON) built from the command declarations.
 *   npm run manifest                                   Socket Mode (no public URL; needs SLACK_APP_TOKEN)
 *   npm run manifest -- --http https://bot.example.com HTTP mode: Slack sends to https://bot.example.com/slack/events
 *   npm run manifest -- --socket --out slack-manifest.json
 *   npm run manifest -- --prefix tb-                 every command as /tb-<name> (or set SLACK_COMMAND_PREFIX)
 * Paste the output into https://api.slack.com/apps → Create New App → From a manifest.
 */
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { commands } from '../commands/index.ts';
import { buildManifest, type ManifestMode } from '../src/adapters/slack/manifest.ts';

const program = new Command()
  .name('manifest')
  .description('Print the Slack app manifest for tapebot')
  .option('--socket', 'Socket Mode: the bot connects out to Slack; no public URL (the default)')
  .option('--http <url>', 'HTTP mode: the public https URL Slack sends commands, events and clicks to')
  .option('--name <name>', 'app and bot name', 'tapebot')
  .option('--prefix <prefix>', 'register every command as /<prefix><name> (default: SLACK_COMMAND_PREFIX)', process.env['SLACK_COMMAND_PREFIX'] || undefined)
  .option('-o, --out <file>', 'write to this file instead of stdout')
  .showHelpAfterError();

program.parse(process.argv);
const opts = program.opts<{ socket?: boolean; http?: string; name: string; out?: string; prefix?: string }>();

try {
  if (opts.socket && opts.http) throw new Error('Choose one of --socket and --http <url>.');
  const mode: ManifestMode = opts.http ? { kind: 'http', url: opts.http } : { kind: 'socket' };
  const json = `${JSON.stringify(buildManifest(commands, { mode, name: opts.name, ...(opts.prefix ? { prefix: opts.prefix } : {}) }), null, 2)}\n`;
  if (opts.out) {
    await writeFile(opts.out, json);
    process.stderr.write(`Wrote the ${mode.kind === 'socket' ? 'Socket Mode' : 'HTTP mode'} manifest to ${opts.out}.\n`);
  } else {
    process.stdout.write(json);
  }
} catch (e) {
  process.stderr.write(`manifest: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
