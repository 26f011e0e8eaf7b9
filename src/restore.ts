/**
 * The restore entry of the compiled build (`node dist/src/restore.js`, e.g. in the image); `npm run
 * restore` runs the same from source. See src/store/restore-cli.ts and the README's "Restoring a backup".
 */
import { runRestore } from './store/restore-cli.ts';

process.exitCode = runRestore(process.argv.slice(2));
