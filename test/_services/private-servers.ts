/**
 * A PostgreSQL cluster and a Redis of one test file's own, for the fault trials that restart them:
 * the shared ones at 5432/6379 serve every engineer and CI and are never restarted.
 *
 * PostgreSQL: `initdb` into a temporary directory and `pg_ctl start` on a free port, as the `postgres`
 * user when the tests run as root (PostgreSQL refuses to run as root). Redis: `redis-server` on a free
 * port with no persistence (`--save "" --appendonly no`), so a restart comes back empty, the harder case.
 *
 * When either cannot start (no PostgreSQL binaries, no redis-server), `startPrivate*` returns null
 * after one loud line, or throws when REQUIRE_SERVICES=1 (CI), like the shared services' check.
 * `stop()` is safe to call twice and after a failed start; call it from afterAll.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function unavailable(what: string, why: string): null {
  const line = `${what} for the fault trials could not start: ${why.split('\n').slice(0, 3).join(' ').slice(0, 300)}`;
  if (process.env.REQUIRE_SERVICES === '1') throw new Error(`${line}, and REQUIRE_SERVICES=1 requires it`);
  process.stderr.write(`\n!!! SKIPPED: ${line}; the fault trials do not run\n\n`);
  return null;
}

function pgBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : null;
}

export interface PrivatePg {
  readonly url: string;
  readonly port: number;
  /** `pg_ctl restart -m fast`: open connections are closed, the server is back when it resolves. */
  restart(): Promise<void>;
  /** A restart in two halves, for a window of absence of the test's choosing: `pg_ctl stop -m fast`, … */
  down(): Promise<void>;
  /** … then `pg_ctl start`. */
  up(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrivatePg(): Promise<PrivatePg | null> {
  const bin = pgBinDir();
  if (!bin) return unavailable('A private PostgreSQL', 'no initdb under /usr/lib/postgresql (set PG_BIN_DIR)');
  const dir = mkdtempSync(path.join(tmpdir(), 'tapebot-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  // As root, the cluster belongs to the postgres user: it owns the directory, and every tool runs as it.
  const as = async (tool: string, args: string[]): Promise<void> => {
    const file = path.join(bin, tool);
    if (asRoot) await run('runuser', ['-u', 'postgres', '--', file, ...args], { timeout: 60_000 });
    else await run(file, args, { timeout: 60_000 });
  };
  let port = 0;
  let started = false;
  const cleanup = async (): Promise<void> => {
    if (started) await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
    started = false;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (asRoot) chownSync(dir, Number((await run('id', ['-u', 'postgres'])).stdout.trim()), Number((await run('id', ['-g', 'postgres'])).stdout.trim()));
    await as('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    port = await freePort();
    const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
    const pgctl = (args: string[]) => as('pg_ctl', ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', '-t', '60', ...args]);
    await pgctl(['start']);
    started = true;
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      port,
      restart: () => pgctl(['-m', 'fast', 'restart']),
      down: () => as('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
      up: () => pgctl(['start']),
      stop: cleanup,
    };
  } catch (err) {
    await cleanup();
    return unavailable('A private PostgreSQL', err instanceof Error ? err.message : String(err));
  }
}

export interface PrivateRedis {
  readonly url: string;
  /** Stops the server (SIGTERM, waits for the exit) and starts it again, empty, on the same port. */
  restart(): Promise<void>;
  /** The restart in two halves, for a window of absence of the test's choosing. */
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis | null> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const startOne = async (): Promise<void> => {
    const c = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 20_000);
      c.once('error', (e) => {
        clearTimeout(t);
        reject(e);
      });
      c.once('exit', (code) => {
        clearTimeout(t);
        reject(new Error(`redis-server exited (${code}): ${out}`));
      });
      const onData = (d: Buffer): void => {
        out += d.toString();
        if (!out.includes('Ready to accept connections')) return;
        clearTimeout(t);
        c.removeAllListeners('exit');
        c.stdout?.off('data', onData);
        // Keep draining its log so the pipe never fills.
        c.stdout?.resume();
        resolve();
      };
      c.stdout?.on('data', onData);
    });
  };
  const stopOne = async (): Promise<void> => {
    const c: ChildProcess | null = child;
    child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill('SIGTERM');
    const hard = setTimeout(() => c.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(hard);
  };
  try {
    await startOne();
  } catch (err) {
    await stopOne();
    return unavailable('A private Redis', err instanceof Error ? err.message : String(err));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart() {
      await stopOne();
      await startOne();
    },
    down: stopOne,
    up: startOne,
    stop: stopOne,
  };
}
