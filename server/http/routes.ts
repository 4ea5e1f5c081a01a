/**
 * HTTP routes (hono): health, readiness, Prometheus metrics, model listing and the demo page.
 * Testable in-process with `app.request(...)`.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
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
  /**
   * Folder of the built demo page (`npm run build:browser`): `index.html` served at `/`, files of
   * `assets/` at `/assets/<name>`. Read on each request, so a rebuild shows without a restart.
   */
  demoDir?: URL;
}

const DEFAULT_DEMO_DIR = new URL('../../client/browser/build/', import.meta.url);

/** Content types of the files the demo build writes; anything else is not served. */
const ASSET_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** One flat file name: no folders, no `..`, no hidden files. */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9]+)+$/;

const DEMO_NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tolk · demo page not built</title></head>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>tolk</h1>
<p>The server is running, but the browser demo page has not been built.
Run <code>npm run build:browser</code> (or start the server with <code>npm start</code>, which builds it)
and reload.</p>
<p><a href="/v1/models">/v1/models</a> · <a href="/readyz">/readyz</a> · WebSocket <code>/v1/stream</code></p>
</body></html>
`;

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

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

  const demoDir = options.demoDir ?? DEFAULT_DEMO_DIR;
  app.get('/', async (c) => {
    try {
      const html = await readFile(new URL('index.html', demoDir), 'utf8');
      return c.html(html, 200, { 'Cache-Control': 'no-cache' });
    } catch (err) {
      if (!isMissing(err)) throw err;
      return c.html(DEMO_NOT_BUILT, 200, { 'Cache-Control': 'no-cache' });
    }
  });

  app.get('/assets/:name', async (c) => {
    const name = c.req.param('name');
    const type = ASSET_TYPES[extname(name)];
    if (!ASSET_NAME.test(name) || !type)
      return c.json({ error: { code: 'not_found', message: 'No such asset' } }, 404);
    try {
      const body = await readFile(new URL(`assets/${name}`, demoDir));
      return c.body(body, 200, { 'Content-Type': type, 'Cache-Control': 'no-cache' });
    } catch (err) {
      if (!isMissing(err)) throw err;
      return c.json(
        { error: { code: 'not_found', message: `No such asset (built with npm run build:browser?)` } },
        404,
      );
    }
  });

  app.notFound((c) => c.json({ error: { code: 'not_found', message: 'No such route' } }, 404));
  return app;
}
