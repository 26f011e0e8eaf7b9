/**
 * `npm run bench`: every benchmark, medians over repeated runs. Pass suite names to run only some:
 *   npm run bench -- skeleton commands
 * This 2-core machine is noisy: run it with nothing else going on and read the medians.
 * Each run also rewrites its suites' sections of bench/RESULTS.md (a table per suite, with the time, the
 * load average and the Node version it ran under); the sections of suites not run are kept as they were.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchAnalogs } from './analogs.bench.ts';
import { benchAsk } from './ask.bench.ts';
import { benchCommands } from './commands.bench.ts';
import { benchDigest } from './digest.bench.ts';
import { benchDiscord } from './discord.bench.ts';
import { benchHardening } from './hardening.bench.ts';
import { benchReplicaAcks, benchReplicaFanout } from './replicas.bench.ts';
import { benchRotation } from './rotation.bench.ts';
import { benchSkeleton } from './skeleton.bench.ts';
import { benchSlack } from './slack.bench.ts';
import { benchStartup } from './startup.bench.ts';
import { benchSwings } from './swings.bench.ts';

/**
 * Issue 18's targets for the figures the adapter benchmarks report by name. "Acknowledgement with 200
 * chart commands in flight" is the probes' (sent while the burst is being answered); the burst's own
 * 200 acknowledgements arrive at once and queue behind one another, so theirs is reported beside it.
 */
const NAMED_TARGETS: Record<string, string> = {
  probe_ack_p99_ms: '≤ 50 ms',
  in_flight_probe_ack_p99_ms: '≤ 50 ms',
  rotation_warm_median_ms: '≤ 100 ms',
  rotation_to_post_median_ms: '≤ 100 ms',
};

/** Benchmarks that report named figures are printed one per line. */
function lines(record: Record<string, number>): string[] {
  return Object.entries(record).map(([k, v]) => {
    const target = NAMED_TARGETS[k];
    return `${k.padEnd(58)} ${Number.isInteger(v) ? v : v.toFixed(2)}${target ? `   target ${target}` : ''}`;
  });
}

const RESULTS = fileURLToPath(new URL('./RESULTS.md', import.meta.url));

/** One suite's lines as a markdown table: figure, result, target (when the line names one). */
function section(name: string, out: readonly string[], ranAt: string): string {
  const cell = (t: string) => t.replace(/\|/g, '\\|').trim();
  const rows = out.map((line) => {
    const sub = /^\s/.test(line);
    const [body = '', target = ''] = line.trim().split(/\s+target\s+/);
    // The result starts at "median"; else at a number with its unit, a bare number set apart, or after "label:".
    const at =
      /\s(?=median\b)/.exec(body)?.index ??
      [/\s(?=-?\d[\d.]*\s?(?:ms|MB|s)\b)/, /\s(?=-?\d[\d.]*(?:\s{2,}|$))/, /:\s/].map((re) => re.exec(body)?.index ?? Infinity).reduce((x, y) => Math.min(x, y), Infinity);
    const split = Number.isFinite(at) && at > 2;
    const figure = split ? body.slice(0, at + 1) : body;
    const result = split ? body.slice(at + 1) : '';
    return `| ${sub ? '· ' : ''}${cell(figure)} | ${cell(result.replace(/\s{2,}/g, ' '))} | ${cell(target)} |`;
  });
  return [`## ${name}`, '', ranAt, '', '| figure | result | target |', '|---|---|---|', ...rows, ''].join('\n');
}

/** Replaces the sections of the suites just run in bench/RESULTS.md, keeping the others. */
function writeResults(done: ReadonlyMap<string, string>): void {
  const kept = new Map<string, string>();
  if (existsSync(RESULTS)) {
    for (const part of readFileSync(RESULTS, 'utf8').split(/^(?=## )/m).slice(1)) {
      const name = /^## (\S+)/.exec(part)?.[1];
      if (name) kept.set(name, part.trimEnd() + '\n');
    }
  }
  for (const [name, text] of done) kept.set(name, text);
  const head = [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (bench/run.ts): one table per suite, medians unless a line says otherwise.',
    'Each section says when it ran and the 1-minute load average then: this is a shared 2-core machine, and a',
    'load above 1 means other work competed with the benchmark (figures are then pessimistic).',
    '',
  ].join('\n');
  const order = Object.keys(suites);
  const body = [...kept.entries()].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)).map(([, t]) => t);
  writeFileSync(RESULTS, `${head}\n${body.join('\n')}`);
}

const suites: Record<string, () => Promise<string[]>> = {
  skeleton: benchSkeleton,
  commands: benchCommands,
  analogs: benchAnalogs,
  rotation: benchRotation,
  discord: async () => lines(await benchDiscord()),
  slack: async () => lines(await benchSlack()),
  digest: benchDigest,
  // On the PostgreSQL and Redis of TEST_DATABASE_URL / TEST_REDIS_URL (a schema and key prefix of its own).
  replicas: async () => ['1,000 channels across two replicas on one PostgreSQL:', ...(await benchReplicaFanout()), 'Discord with PostgreSQL and Redis as the stores:', ...lines(await benchReplicaAcks()).map((l) => `  ${l}`)],
  hardening: () => benchHardening(),
  startup: benchStartup,
  ask: benchAsk,
  swings: benchSwings,
};

const wanted = process.argv.slice(2);
const done = new Map<string, string>();
for (const [name, suite] of Object.entries(suites)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  process.stdout.write(`\n## ${name}\n`);
  const before = loadavg()[0] ?? 0;
  const out = await suite();
  for (const line of out) process.stdout.write(`${line}\n`);
  const load = Math.max(before, loadavg()[0] ?? 0);
  const ranAt = `Ran ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on Node ${process.version}, load average ${load.toFixed(1)}${load > 1 ? ' (loaded: other work was running)' : ''}.`;
  done.set(name, section(name, out, ranAt));
  writeResults(done);
}
