/**
 * The real PostgreSQL and Redis the replica tests run against: TEST_DATABASE_URL and TEST_REDIS_URL,
 * by default the ones on this machine and on CI. When one cannot be reached its tests skip with one
 * loud line, unless REQUIRE_SERVICES=1 (set by .ci/run), which makes the absence a failure instead.
 */
import net from 'node:net';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname || '127.0.0.1', port: Number(u.port || defaultPort) });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(2_000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

async function available(what: string, url: string, port: number): Promise<boolean> {
  if (await reachable(url, port)) return true;
  const line = `${what} is not reachable at ${url.replace(/\/\/[^@/]*@/, '//')}`;
  if (process.env.REQUIRE_SERVICES === '1') throw new Error(`${line}, and REQUIRE_SERVICES=1 requires it`);
  process.stderr.write(`\n!!! SKIPPED: ${line}; its tests do not run (set TEST_${what === 'PostgreSQL' ? 'DATABASE' : 'REDIS'}_URL)\n\n`);
  return false;
}

export const hasPg = (): Promise<boolean> => available('PostgreSQL', TEST_DATABASE_URL, 5432);
export const hasRedis = (): Promise<boolean> => available('Redis', TEST_REDIS_URL, 6379);

/** A PostgreSQL schema name of this test file's own, so files running in parallel never share tables. */
export function testSchema(label: string): string {
  return `t_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${process.pid}_${Math.floor(Math.random() * 1e6)}`.slice(0, 63);
}

/** A Redis key prefix of this test file's own. */
export function testPrefix(label: string): string {
  return `tapebot-test:${label}:${process.pid}:${Math.floor(Math.random() * 1e6)}:`;
}
