#!/usr/bin/env node
/**
 * `npm run build`: compiles src/ and commands/ to dist/ with tsc (tsconfig.build.json), which also
 * type-checks them. `--if-stale` (what `npm start` and `npm run tapebot` run first) builds only when
 * dist/ is missing or older than a source file, a tsconfig or package-lock.json, so a fresh clone
 * needs nothing but `npm ci` and an edit is never run stale. Plain JavaScript: it runs before any
 * TypeScript can.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.built');

/** Newest modification time under the given files and directories (0 when none exists). */
function newest(paths) {
  let t = 0;
  const visit = (p) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) for (const name of readdirSync(p)) visit(path.join(p, name));
    else t = Math.max(t, st.mtimeMs);
  };
  for (const p of paths) visit(path.join(root, p));
  return t;
}

export function isStale() {
  if (!existsSync(stamp)) return true;
  return newest(['src', 'commands', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json']) > statSync(stamp).mtimeMs;
}

function build() {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write('tapebot: the build failed (see the errors above); dist/ was not updated.\n');
    process.exit(r.status ?? 1);
  }
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

if (process.argv.includes('--if-stale')) {
  if (isStale()) {
    process.stderr.write('tapebot: compiling to dist/ (first run or sources changed)…\n');
    build();
  }
} else {
  build();
}
