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
COPY data ./data
RUN mkdir -p /var/lib/tapebot && chown node:node /var/lib/tapebot
USER node
VOLUME ["/var/lib/tapebot"]
# /healthz is 200 only while the database is open and every configured chat connection is up;
# /metrics (Prometheus) is on the same port. No curl in the slim image: Node's fetch does it.
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.HEALTH_PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/dumb-init", "--"]
CMD ["node", "--import", "tsx", "src/main.ts"]
