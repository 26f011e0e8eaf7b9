/**
 * How the image starts the bot, read from the Dockerfile so the benchmarks and the load trials run it
 * the same way: the node options of its CMD and its allocator settings.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dockerfile = (): string => readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');

/** The node options the image starts the bot with: its exec-form CMD, less `node` and the script. */
export function imageNodeFlags(): string[] {
  const cmd: unknown = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile())?.[1] ?? '[]');
  if (!Array.isArray(cmd)) return [];
  return cmd.filter((a): a is string => typeof a === 'string' && a.startsWith('--'));
}

/**
 * The allocator settings the image sets (ENV MALLOC_* and the jemalloc LD_PRELOAD in the Dockerfile's
 * runtime stage); jemalloc from this machine's own copy where it has one (Debian's libjemalloc2).
 */
export function imageMallocEnv(): Record<string, string> {
  const text = dockerfile();
  const env: Record<string, string> = Object.fromEntries([...text.matchAll(/\b(MALLOC_[A-Z_]+)=(\S+)/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
  const jemalloc = ['/usr/lib/x86_64-linux-gnu/libjemalloc.so.2', '/usr/lib/aarch64-linux-gnu/libjemalloc.so.2'].find((p) => existsSync(p));
  if (/LD_PRELOAD=\S*jemalloc/.test(text) && jemalloc) env.LD_PRELOAD = jemalloc;
  return env;
}
