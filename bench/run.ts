/**
 * `npm run bench`: every benchmark, medians over repeated runs. Pass suite names to run only some:
 *   npm run bench -- skeleton commands
 * This 2-core machine is noisy: run it with nothing else going on and read the medians.
 */
import { benchAnalogs } from './analogs.bench.ts';
import { benchCommands } from './commands.bench.ts';
import { benchDigest } from './digest.bench.ts';
import { benchDiscord } from './discord.bench.ts';
import { benchHardening } from './hardening.bench.ts';
import { benchRotation } from './rotation.bench.ts';
import { benchSkeleton } from './skeleton.bench.ts';
import { benchSlack } from './slack.bench.ts';
import { benchStartup } from './startup.bench.ts';
import { benchSwings } from './swings.bench.ts';

/** Benchmarks that report named figures are printed one per line. */
function lines(record: Record<string, number>): string[] {
  return Object.entries(record).map(([k, v]) => `${k.padEnd(58)} ${Number.isInteger(v) ? v : v.toFixed(2)}`);
}

const suites: Record<string, () => Promise<string[]>> = {
  skeleton: benchSkeleton,
  commands: benchCommands,
  analogs: benchAnalogs,
  rotation: benchRotation,
  discord: async () => lines(await benchDiscord()),
  slack: async () => lines(await benchSlack()),
  digest: benchDigest,
  hardening: () => benchHardening(),
  startup: benchStartup,
  swings: benchSwings,
};

const wanted = process.argv.slice(2);
for (const [name, suite] of Object.entries(suites)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  process.stdout.write(`\n## ${name}\n`);
  for (const line of await suite()) process.stdout.write(`${line}\n`);
}
