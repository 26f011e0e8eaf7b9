/**
 * `npm run bench`: every benchmark, medians over repeated runs. Pass names to run only some:
 *   npm run bench -- skeleton
 */
import { benchSkeleton } from './skeleton.bench.ts';

const suites: Record<string, () => Promise<string[]>> = {
  skeleton: benchSkeleton,
};

const wanted = process.argv.slice(2);
for (const [name, suite] of Object.entries(suites)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  process.stdout.write(`\n## ${name}\n`);
  for (const line of await suite()) process.stdout.write(`${line}\n`);
}
