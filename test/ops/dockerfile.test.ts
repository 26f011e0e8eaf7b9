/**
 * The Dockerfile cannot be built here (no container engine), so the parts of it that can be run are
 * run: its HEALTHCHECK command against a real ops server, and its COPY sources against the tree and
 * the .dockerignore that shapes the build context.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createHealthRegistry, startOpsServer } from '../../src/ops/health.ts';
import { createMetrics } from '../../src/ops/metrics.ts';

const root = new URL('../../', import.meta.url);
const dockerfile = readFileSync(new URL('Dockerfile', root), 'utf8');
const dockerignore = readFileSync(new URL('.dockerignore', root), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

/** The exec-form HEALTHCHECK command: `CMD ["node", "-e", "..."]` after the HEALTHCHECK options. */
function healthcheckCommand(): string[] {
  const m = /HEALTHCHECK[^\n]*\\\n\s*CMD (\[.*\])/.exec(dockerfile);
  if (!m) throw new Error('no exec-form HEALTHCHECK in the Dockerfile');
  return JSON.parse(m[1] as string) as string[];
}

const run = promisify(execFile);
async function healthcheck(env: Record<string, string>): Promise<number> {
  const [cmd, ...args] = healthcheckCommand();
  try {
    await run(cmd === 'node' ? process.execPath : (cmd as string), args, { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 10_000 });
    return 0;
  } catch (e) {
    return (e as { code?: number }).code ?? -1;
  }
}

describe('Dockerfile', () => {
  const registry = createHealthRegistry();
  const serverP = startOpsServer({ port: 0, host: '127.0.0.1', health: registry, metrics: createMetrics() });
  afterAll(async () => (await serverP).close());

  it('its HEALTHCHECK passes while /healthz is ready, and fails when it is not or nothing listens', async () => {
    const server = await serverP;
    const port = String(server.port);
    registry.setComponent('store', true);
    expect(await healthcheck({ HEALTH_PORT: port }), 'ready').toBe(0);
    expect(await healthcheck({ HEALTH_PORT: port, HEALTH_HOST: '0.0.0.0' }), 'listening everywhere: checked on loopback').toBe(0);
    expect(await healthcheck({ HEALTH_PORT: port, HEALTH_HOST: '127.0.0.1' }), 'one address: checked there').toBe(0);
    registry.setComponent('store', false, 'closed');
    expect(await healthcheck({ HEALTH_PORT: port }), 'not ready: 503').toBe(1);
    registry.setComponent('store', true);
    await server.close();
    expect(await healthcheck({ HEALTH_PORT: port }), 'nothing listening').toBe(1);
  }, 30_000);

  it('copies only what exists, and nothing it copies is left out of the build context', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => (m[1] as string).split(/\s+/));
    expect(sources).toEqual(expect.arrayContaining(['src', 'commands', 'data', 'package.json', 'package-lock.json', 'tsconfig.build.json', 'scripts/build.mjs']));
    for (const s of sources) {
      expect(existsSync(new URL(s, root)), `${s} exists`).toBe(true);
      expect(dockerignore, `${s} is not ignored`).not.toContain(s);
    }
    for (const secret of ['node_modules', '.env', 'var']) expect(dockerignore, `${secret} stays out of the context`).toContain(secret);
  });

  /** The lines of one stage, from its FROM to the next. */
  function stage(name: string): string {
    const m = new RegExp(`^FROM \\S+ AS ${name}\\n([\\s\\S]*?)(?=^FROM |(?![\\s\\S]))`, 'm').exec(dockerfile);
    if (!m) throw new Error(`no stage ${name}`);
    return m[0];
  }

  it('builds on Node 24 LTS: npm ci, then the type-checking compile, then only production dependencies', () => {
    const build = stage('build');
    expect(build).toMatch(/^FROM node:24-bookworm-slim AS build$/m);
    const steps = ['RUN npm ci', 'RUN npm run build', 'npm prune --omit=dev'].map((s) => build.indexOf(s));
    expect(steps.every((i) => i >= 0), 'all three steps are there').toBe(true);
    expect([...steps].sort((a, b) => a - b), 'in that order').toEqual(steps);
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string>; dependencies: Record<string, string> };
    expect(pkg.scripts.build, 'npm run build is the tsc compile').toContain('scripts/build.mjs');
    expect(readFileSync(new URL('scripts/build.mjs', root), 'utf8')).toContain('tsconfig.build.json');
    for (const tool of ['tsx', 'esbuild', 'typescript']) expect(Object.keys(pkg.dependencies), `${tool} is not a production dependency`).not.toContain(tool);
  });

  it('runs compiled JavaScript on Node 24 as a non-root user, with no TypeScript sources in the image', () => {
    const runtime = stage('runtime');
    expect(runtime).toMatch(/^FROM node:24-bookworm-slim AS runtime$/m);
    expect(runtime).toMatch(/^USER node$/m);
    const copied = [...runtime.matchAll(/^COPY (?:--from=(\S+) )?(.+) (\S+)$/gm)].map((m) => ({ from: m[1], what: m[2] }));
    expect(copied.filter((c) => c.from === 'build').map((c) => c.what).sort()).toEqual(['/app/dist', '/app/node_modules']);
    expect(copied.filter((c) => !c.from).map((c) => c.what).sort(), 'from the context: data and package.json only').toEqual(['data', 'package.json']);
    const cmd = /^CMD (\[.*\])$/m.exec(runtime);
    expect(JSON.parse(cmd?.[1] ?? '[]')).toEqual(['node', '--max-semi-space-size=4', '--max-old-space-size=1024', 'dist/src/main.js']);
    expect(runtime, 'no TypeScript loader at run time').not.toMatch(/tsx|--import/);
  });

  it('runs on jemalloc, as the soak test and the memory benchmark do, with glibc limits as the fallback', () => {
    const runtime = stage('runtime');
    expect(runtime).toMatch(/apt-get install[^\n]*libjemalloc2/);
    const preload = /LD_PRELOAD=(\S+)/.exec(runtime)?.[1];
    expect(preload, 'LD_PRELOAD names the path the install step links').toBe('/usr/local/lib/libjemalloc.so.2');
    expect(runtime).toContain(`ln -s "$(ls /usr/lib/*-linux-gnu/libjemalloc.so.2 | head -n 1)" ${preload}`);
    expect(runtime).toMatch(/MALLOC_ARENA_MAX=2/);
  });
});
