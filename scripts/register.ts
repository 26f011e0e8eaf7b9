/** `npm run register` — see src/adapters/discord/register-cli.ts and docs/discord.md. */
import { runRegister } from '../src/adapters/discord/register-cli.ts';

process.exitCode = await runRegister();
