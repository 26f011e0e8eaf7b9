/**
 * The project's root directory (the one holding package.json), found from this module's own place,
 * so the bundled data is found the same way from src/ under tsx and from dist/src/ in the build.
 */
import { existsSync } from 'node:fs';

function findRoot(from: URL): URL {
  let dir = new URL('.', from);
  for (;;) {
    if (existsSync(new URL('package.json', dir))) return dir;
    const up = new URL('..', dir);
    if (up.href === dir.href) throw new Error(`no package.json above ${from.pathname}`);
    dir = up;
  }
}

export const PROJECT_ROOT: URL = findRoot(new URL(import.meta.url));
