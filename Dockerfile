# syntax=docker/dockerfile:1
# tolk server image.
#   CPU (default target):  docker build -t tolk .
#   GPU hosts:             docker build --target gpu -t tolk:gpu .
#                          docker run --gpus all -p 8080:8080 tolk:gpu
ARG NODE_VERSION=20

# ---- dependencies (toolchain for webrtcvad's node-gyp build; dev deps include tsx, the runtime loader)
FROM node:${NODE_VERSION}-bookworm-slim AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# .npmrc skips onnxruntime-node's download step: the CPU binaries ship inside the package.
RUN npm ci --no-audit --no-fund

# ---- dependencies + onnxruntime CUDA execution provider binaries (downloaded at build time)
FROM deps AS deps-gpu
RUN ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node

# ---- GPU runtime: CUDA 12 + cuDNN base with Node copied in
FROM nvidia/cuda:12.6.3-cudnn-runtime-ubuntu24.04 AS gpu
ARG NODE_VERSION
COPY --from=deps /usr/local/bin/node /usr/local/bin/node
RUN groupadd --system tolk && useradd --system --gid tolk --home-dir /app tolk
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 TOLK_ORT_PROVIDERS=cuda,cpu
WORKDIR /app
COPY --from=deps-gpu --chown=tolk:tolk /app/node_modules ./node_modules
COPY --chown=tolk:tolk package.json tsconfig.json ./
COPY --chown=tolk:tolk server ./server
COPY --chown=tolk:tolk models ./models
COPY --chown=tolk:tolk client ./client
USER tolk
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# node is PID 1 and handles SIGTERM itself (graceful shutdown); npm would not forward it.
CMD ["node", "--import", "tsx", "server/main.ts"]

# ---- CPU runtime (default: last stage)
FROM node:${NODE_VERSION}-bookworm-slim AS cpu
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node package.json tsconfig.json ./
COPY --chown=node:node server ./server
COPY --chown=node:node models ./models
COPY --chown=node:node client ./client
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "server/main.ts"]
