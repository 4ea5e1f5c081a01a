/**
 * Composition root: builds the HTTP app, the WebSocket endpoint, the session manager, the
 * model registry and the shared engines (ASR, MT, TTS) on one node http server.
 * `startServer(config)` is what main.ts and the tests call (tests use port 0 and read the bound
 * port back).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { ModelRegistry } from '../models/registry.ts';
import type { Config } from './config.ts';
import { createHttpApp } from './http/routes.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import type { Stage } from './protocol/messages.ts';
import { type EngineOverrides, type LoadedEngines, loadEngines } from './session/load-engines.ts';
import type { CreateFrontend } from './session/session.ts';
import { SessionManager } from './session/session-manager.ts';
import { createFrontend } from './stages/frontend/index.ts';
import { attachStreamEndpoint } from './transport/stream-endpoint.ts';

export interface ServerDeps {
  logger?: Logger;
  metrics?: Metrics;
  registry?: ModelRegistry;
  /** Front-end factory; tests may pass a different one. */
  createFrontend?: CreateFrontend;
  /** Engines to use instead of loading them (tests; a TTS synthesizer built elsewhere). */
  engines?: EngineOverrides;
}

export interface RunningServer {
  port: number;
  metrics: Metrics;
  registry: ModelRegistry;
  /** Resolves once start-up loading is done, with what loaded. */
  engines: Promise<LoadedEngines>;
  /** Live sessions right now. */
  activeSessions(): number;
  /** Stops accepting, lets live sessions finish their segment (≤ shutdownGraceMs), then closes. */
  close(): Promise<void>;
}

export async function startServer(config: Config, deps: ServerDeps = {}): Promise<RunningServer> {
  const logger = deps.logger ?? createLogger(config.logLevel);
  const metrics = deps.metrics ?? createMetrics();
  const registry = deps.registry ?? new ModelRegistry(config.models.dir);
  const sessions = new SessionManager(config.limits.maxSessions);
  let shuttingDown = false;
  const isShuttingDown = () => shuttingDown;

  // Stages this server can run: the front-end always, the others once their engines loaded.
  let loaded: LoadedEngines | undefined;
  const availableStages = (): Stage[] => loaded?.stages ?? ['frontend'];
  const engines = (async () => {
    if (!registry.ready) {
      await registry.load();
      const snap = registry.snapshot();
      logger.info({ state: snap.state, models: snap.models.length, invalid: snap.invalid.length }, 'models');
    }
    try {
      loaded = await loadEngines(config, registry, logger, metrics.registry, deps.engines);
    } catch (err) {
      // Loading reports per-engine failures itself; this is a bug, and the front-end still works.
      logger.error({ err }, 'engine loading failed; running the front-end only');
      loaded = await loadEngines(config, registry, logger, metrics.registry, { asr: new Map(), mt: null });
    }
    logger.info({ stages: loaded.stages, ...loaded.summary }, 'engines loaded');
    return loaded;
  })();

  const app = createHttpApp({
    registry,
    metrics,
    stages: availableStages,
    enginesReady: () => loaded !== undefined,
    engineSummary: () => loaded?.summary,
    isShuttingDown,
    activeSessions: () => sessions.size,
  });
  // Without http2/https options the adaptor builds a plain node:http Server.
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  const endpoint = attachStreamEndpoint(server, {
    deps: {
      config,
      metrics,
      logger,
      registry,
      createFrontend: deps.createFrontend ?? createFrontend,
      engines: () => engines,
    },
    sessions,
    isShuttingDown,
    sendBufferMaxBytes: config.limits.sendBufferMaxBytes,
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ host: config.host, port }, 'tolk listening');

  // /readyz answers 503 until the scan and engine loading are done; the server accepts
  // connections meanwhile (a session's `ready` waits for the engines).

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      shuttingDown = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await sessions.shutdown(config.shutdownGraceMs);
      endpoint.close();
      server.closeAllConnections();
      await stopped;
      await (await engines).close();
      logger.info('tolk stopped');
    })());

  return { port, metrics, registry, engines, activeSessions: () => sessions.size, close };
}
