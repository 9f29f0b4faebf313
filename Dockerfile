# syntax=docker/dockerfile:1
# Not built in CI (no Docker engine there); kept minimal and conventional. See README "Production in a container".
# Node.js 26 is the current LTS line (engines stays >=20.12; the tests run on 20 as well).

# 1. Build: all dependencies, compile TypeScript to dist/, then drop the dev dependencies.
FROM node:26-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY config ./config
RUN npm run build && npm prune --omit=dev --no-audit --no-fund && npm cache clean --force

# 2. Run: compiled output + production dependencies, as the unprivileged `node` user.
FROM node:26-trixie-slim
ENV NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0
WORKDIR /app
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist/src ./dist/src
COPY --chown=root:root package.json ./
COPY --chown=root:root config ./config
USER node
EXPOSE 8080
# Liveness only: /healthz answers while the process works; /readyz (draining, degraded) is for the load balancer.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
# Exec form, no shell and no npm in between: SIGTERM reaches node itself, which drains and exits 0.
CMD ["node", "dist/src/server.js"]
