// Preloaded with --import by test/build/build.test.ts: writes "PKG <name>" to stderr for every npm
// package the process loads from its own code, through import (a resolve hook) or require (the
// CommonJS resolver), so the test can tell what start-up pulled in.
import { writeSync } from 'node:fs';
import Module, { register } from 'node:module';

register('data:text/javascript,' + encodeURIComponent(`
import { writeSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(r.url);
  if (m && !(context.parentURL ?? '').includes('/node_modules/')) writeSync(2, 'PKG ' + m[1] + '\\n');
  return r;
}`));

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const file = resolveFilename.call(this, request, parent, ...rest);
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
  if (m && !(parent?.filename ?? '').includes('/node_modules/')) writeSync(2, `PKG ${m[1]}\n`);
  return file;
};
