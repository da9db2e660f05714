# syntax=docker/dockerfile:1
# gke-private-audit CLI. Build:  docker build -t gke-private-audit .
# Run:    docker run --rm gke-private-audit audit --emulator
#         docker run --rm -v "$PWD:/work" gke-private-audit check --snapshot snapshot.json --format sarif
# The runtime image holds the compiled CLI and production dependencies only, and runs as a non-root user.

ARG NODE_VERSION=22

# --- build: TypeScript → dist/, with the dev dependencies (typescript) ---
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

# --- runtime: production dependencies, the compiled CLI and the files it reads at run time ---
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist ./dist
# schemas/ (policy, snapshot and SARIF validation), rules.yaml (the documented default policy),
# examples/ (the bundled organization behind `audit --emulator`), bin/ (the npm entry point).
COPY schemas ./schemas
COPY rules.yaml ./
COPY examples ./examples
COPY bin ./bin
# /work is where policies, snapshots and reports are mounted or written; it is not /app, so a
# ./rules.yaml is only picked up when the user puts one there.
RUN ln -s /app/bin/gke-private-audit /usr/local/bin/gke-private-audit \
 && mkdir /work && chown node:node /work
# The node image's unprivileged user, numeric so Kubernetes `runAsNonRoot` can verify it.
USER 1000:1000
WORKDIR /work
ENTRYPOINT ["node", "/app/dist/cli.js"]
CMD ["--help"]
