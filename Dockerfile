# syntax=docker/dockerfile:1
# tapebot: multi-stage build, non-root runtime on Node 24 LTS. The build stage type-checks and
# compiles TypeScript to dist/; the image runs that JavaScript with production dependencies only
# (no tsx, no esbuild, no TypeScript). The bundled real prices (data/) and the chart font
# (@expo-google-fonts/inter, an npm package) are part of the image, so it runs offline by default.

# ---- build: every dependency, type-check + compile, then drop the dev dependencies ----
FROM node:24-bookworm-slim AS build
# better-sqlite3 compiles from source when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs ./scripts/build.mjs
COPY src ./src
COPY commands ./commands
# tsc -p tsconfig.build.json: fails the image on any type error in src/ or commands/.
RUN npm run build \
 && npm prune --omit=dev

# ---- runtime: compiled JavaScript and production dependencies only ----
FROM node:24-bookworm-slim AS runtime
# jemalloc: under sustained load glibc's malloc keeps what the chart threads and HTTP clients free
# and RSS ratchets up (measured over 1,000 commands at 6/s: 667 → 822 MiB and rising); jemalloc hands
# it back (572 → 635 MiB, level; the 5,000-command soak test runs the bot on it). One path for every
# architecture, so LD_PRELOAD can name it.
RUN apt-get update \
 && apt-get install -y --no-install-recommends dumb-init libjemalloc2 \
 && ln -s "$(ls /usr/lib/*-linux-gnu/libjemalloc.so.2 | head -n 1)" /usr/local/lib/libjemalloc.so.2 \
 && rm -rf /var/lib/apt/lists/*
# MALLOC_CONF (jemalloc): freed pages go back to the system after 1 s from a background thread
# (jemalloc's default keeps them 10 s: drawing a chart frees ~25 MB of pixel buffers at once), one
# arena, and no per-thread caches. With two arenas and thread caches, the RSS figure below swung
# between 245 and 293 MB from run to run on the same workload (what each thread's cache held when it
# was read); with these it was 229-241 MB on a loaded machine and 247-263 MB on an idle one, at the
# same CPU time (a /rotation benchmark run: 20.2 s vs 21.0 s user+sys). Returning pages at once
# (dirty_decay_ms:0) cost 30% more CPU, mostly madvise.
# The other MALLOC_* settings apply only if jemalloc is missing (glibc's malloc is then in use).
# glibc malloc: two arenas instead of 8 per core, and large blocks returned to the system instead of
# kept in the heap (docs/build-and-memory.md).
# Measured (npm run bench -- startup): the console with every bundled symbol loaded and every command
# answered once, on Node 24 with these settings.
# NODE_COMPILE_CACHE (Node ≥ 22): V8's compiled code is kept on disk, so starts after the first skip
# compiling (one-shot /rotation on Node 24: ~0.63 s without, ~0.54 s with, hyperfine means).
ENV NODE_ENV=production \
    NODE_COMPILE_CACHE=/tmp/tapebot-compile-cache \
    DATA_DIR=/var/lib/tapebot \
    HEALTH_PORT=8080 \
    LD_PRELOAD=/usr/local/lib/libjemalloc.so.2 \
    MALLOC_CONF=background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0,narenas:1,tcache:false \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=131072 \
    MALLOC_TRIM_THRESHOLD_=131072
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY data ./data
# out/ is where the console (no chat tokens set) writes its chart PNGs: `docker run -it` for that.
RUN mkdir -p /var/lib/tapebot /app/out && chown node:node /var/lib/tapebot /app/out
USER node
VOLUME ["/var/lib/tapebot"]
# /healthz is 200 only while the store is healthy (its file in place, DATA_DIR writable) and every
# configured chat connection is up;
# /metrics (Prometheus) is on the same port. No curl in the slim image: Node's fetch does it.
# 8080: health and metrics. 3000: Slack in HTTP mode (PORT), when SLACK_APP_TOKEN is not set.
EXPOSE 8080 3000
# Loopback unless HEALTH_HOST names one address to listen on.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "const h=process.env.HEALTH_HOST;const host=!h||h==='0.0.0.0'?'127.0.0.1':h==='::'?'[::1]':h.includes(':')?'['+h+']':h;fetch('http://'+host+':'+process.env.HEALTH_PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/dumb-init", "--"]
# --max-semi-space-size=4: V8's young generation on the main thread stays at 8 MB instead of growing
# to 64 MB on Node 24 (32 MB on Node 20) after a burst of allocation (warming the price cache) and
# staying there: ~30-40 MB less resident, with no measurable CPU cost on the digest benchmark.
# --max-old-space-size=1024: V8 lets a heap grow between full collections by a factor it scales with
# the heap's limit; with the default limit here (~4 GB) the main thread kept the garbage of a burst
# (the first start's 270,000 CSV rows, a round of charts) for a long while. With 1 GB, still ~20x the
# live heap (~52 MB after a full collection): 241 -> 232 MB after every command, 261 -> 241 MB on a
# first start over an empty database (medians of 8 and 5 starts), CPU within noise
# (docs/build-and-memory.md). The render threads set their own limits (src/charts/local-renderer.ts).
CMD ["node", "--max-semi-space-size=4", "--max-old-space-size=1024", "dist/src/main.js"]
