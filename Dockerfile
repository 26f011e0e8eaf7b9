# syntax=docker/dockerfile:1
# tapebot: multi-stage build, non-root runtime. The bundled real prices (data/) and the chart font
# (@expo-google-fonts/inter, an npm package) are part of the image, so it runs offline by default.

# ---- build: install production dependencies (better-sqlite3 compiles from source here) ----
FROM node:20-bookworm-slim AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev

# ---- runtime ----
FROM node:20-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends dumb-init \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    DATA_DIR=/var/lib/tapebot \
    HEALTH_PORT=8080
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY src ./src
COPY commands ./commands
# scripts/: `npm run restore` (README, "Restoring a backup") and `npm run register`.
COPY scripts ./scripts
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
CMD ["node", "--import", "tsx", "src/main.ts"]
