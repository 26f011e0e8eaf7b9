/** `npm run restore` — see src/store/restore-cli.ts and the README's "Restoring a backup". */
import { runRestore } from '../src/store/restore-cli.ts';

process.exitCode = runRestore(process.argv.slice(2));
