/**
 * Preloaded (NODE_OPTIONS=--import) by scripts/node24.sh in the Node 24 processes only: resolves
 * better-sqlite3 to the copy compiled for Node 24 (TAPEBOT_BETTER_SQLITE3), whether it is asked for
 * by name or by its path in node_modules. Synchronous hooks (module.registerHooks, Node ≥ 22.15),
 * so `require` and `import` both go through them.
 */
import { registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';

const copy = process.env.TAPEBOT_BETTER_SQLITE3;
if (copy) {
  const copyUrl = pathToFileURL(copy).href;
  const marker = '/node_modules/better-sqlite3/';
  registerHooks({
    resolve(specifier, context, next) {
      const resolved = next(specifier, context);
      const at = resolved.url.indexOf(marker);
      if (at < 0) return resolved;
      return { ...resolved, url: `${copyUrl}/${resolved.url.slice(at + marker.length)}` };
    },
  });
}
