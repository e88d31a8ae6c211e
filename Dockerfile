# syntax=docker/dockerfile:1
# onegate: one image for both roles (ONEGATE_ROLE=api | worker | all).
#   docker build -t onegate .
#   docker run -p 3000:3000 -e AUTH_JWT_SECRET="$(openssl rand -base64 32)" -e PUBLIC_URL=http://localhost:3000 onegate
#                                                              # embedded SQLite + in-process queue in /app/data

# Node 20, as package.json "engines" (>=20.19) and CI: every dependency supports it (npm ci warns no EBADENGINE).
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: install everything, compile TypeScript, then drop dev dependencies -------------------
FROM ${NODE_IMAGE} AS build

# better-sqlite3 is compiled from source by its install script (node-gyp needs python3, make, g++).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

# The lockfile was written by npm 11, and npm 11 honours package.json "allowScripts" (only approved
# install scripts run, as in CI); node:20 images ship npm 10, which would run every install script.
ARG NPM_VERSION=11.19.1
RUN npm install -g "npm@${NPM_VERSION}" --no-audit --no-fund

WORKDIR /app
ENV CI=true \
    npm_config_fund=false \
    npm_config_audit=false \
    npm_config_update_notifier=false

COPY package.json package-lock.json ./
RUN npm ci

COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workflows ./workflows
RUN npm run build \
 && npm prune --omit=dev

# ---- runtime: compiled output + production node_modules only -----------------------------------
FROM ${NODE_IMAGE} AS runtime

ENV NODE_ENV=production \
    PORT=3000 \
    ONEGATE_DATA_DIR=/app/data

WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# The web app: plain browser modules served as they are (src/web/web.ts finds web/index.html beside package.json).
COPY --chown=node:node web ./web

# Embedded database, generated secret and mail files live here when DATABASE_URL / SMTP_URL are unset.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]

USER node
EXPOSE 3000
# A 64 MiB young-generation semi-space (V8 sizes it from the heap limit otherwise): verify allocates
# many short-lived rows (+9% verify throughput at 300,000 events, bench/results/2026-11-28-05-49/51).
CMD ["node", "--max-semi-space-size=64", "dist/src/main.js"]
