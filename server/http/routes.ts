/**
 * HTTP routes (hono): health, readiness, Prometheus metrics, model listing and the demo page.
 * Testable in-process with `app.request(...)`.
 */
import { readFile } from 'node:fs/promises';
import { Hono } from 'hono';
import type { ModelRegistry } from '../../models/registry.ts';
import type { Metrics } from '../metrics.ts';
import { PROTOCOL_VERSION, type Stage } from '../protocol/messages.ts';
import { STREAM_PATH } from '../transport/stream-endpoint.ts';

export interface HttpAppOptions {
  registry: ModelRegistry;
  metrics: Metrics;
  /** Stages this server can run (a function when they change as engines load). */
  stages: Stage[] | (() => Stage[]);
  /** False while engines are still loading (default: always loaded). */
  enginesReady?: () => boolean;
  /** What each stage loaded, for /v1/models. */
  engineSummary?: () => EngineSummary | undefined;
  isShuttingDown: () => boolean;
  activeSessions: () => number;
  /** Demo page file; read on each request so edits show without a restart. */
  demoPagePath?: URL | string;
}

const DEFAULT_DEMO_PAGE = new URL('../../client/browser/index.html', import.meta.url);

export interface EngineSummary {
  asr: string[];
  mt: { source: string; target: string }[];
  tts: string[];
  notes: string[];
}

export function createHttpApp(options: HttpAppOptions): Hono {
  const { registry, metrics } = options;
  const stages = () => (typeof options.stages === 'function' ? options.stages() : options.stages);
  const enginesReady = options.enginesReady ?? (() => true);
  const app = new Hono();

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/readyz', (c) => {
    const snapshot = registry.snapshot();
    const shuttingDown = options.isShuttingDown();
    const ready = registry.ready && enginesReady() && !shuttingDown;
    return c.json(
      {
        status: ready ? 'ready' : 'not_ready',
        models: snapshot.state,
        engines: enginesReady() ? 'loaded' : 'loading',
        stages: stages(),
        shuttingDown,
        activeSessions: options.activeSessions(),
        ...(snapshot.error ? { error: snapshot.error } : {}),
      },
      ready ? 200 : 503,
    );
  });

  app.get('/metrics', async (c) => {
    const body = await metrics.registry.metrics();
    return c.body(body, 200, { 'Content-Type': metrics.registry.contentType });
  });

  app.get('/v1/models', (c) => {
    const snapshot = registry.snapshot();
    const engines = options.engineSummary?.();
    return c.json({
      protocol: PROTOCOL_VERSION,
      state: snapshot.state,
      stages: stages(),
      ...(engines ? { engines } : {}),
      models: snapshot.models.map(({ dir: _dir, ...m }) => m),
      invalid: snapshot.invalid.map(({ dir: _dir, ...m }) => m),
    });
  });

  // A plain GET (no Upgrade header) on the stream path: tell the caller what it needs.
  app.get(STREAM_PATH, (c) =>
    c.json({ error: { code: 'bad_message', message: 'This endpoint needs a WebSocket upgrade' } }, 426, {
      Upgrade: 'websocket',
    }),
  );

  app.get('/', async (c) => {
    const html = await readFile(options.demoPagePath ?? DEFAULT_DEMO_PAGE, 'utf8');
    return c.html(html);
  });

  app.notFound((c) => c.json({ error: { code: 'not_found', message: 'No such route' } }, 404));
  return app;
}
