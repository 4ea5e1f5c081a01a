/** HTTP routes in-process via hono's app.request, plus one check over a real port. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../../models/registry.ts';
import { createHttpApp } from '../../server/http/routes.ts';
import { createMetrics } from '../../server/metrics.ts';
import { startTestServer } from './helpers/test-server.ts';

describe('HTTP routes', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tolk-http-'));
    await mkdir(join(dir, 'asr-en-small'));
    await writeFile(
      join(dir, 'asr-en-small', 'model.json'),
      JSON.stringify({ kind: 'asr', languages: ['en'], version: '0.1.0', vocabulary: ['a', 'b'] }),
    );
    await writeFile(join(dir, 'asr-en-small', 'model.onnx'), 'not really onnx');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const makeApp = (registry: ModelRegistry, shuttingDown = false) => {
    const metrics = createMetrics({ defaultMetrics: false });
    return {
      metrics,
      app: createHttpApp({
        registry,
        metrics,
        stages: ['frontend'],
        isShuttingDown: () => shuttingDown,
        activeSessions: () => 0,
      }),
    };
  };

  it('GET /healthz is always ok', async () => {
    const { app } = makeApp(new ModelRegistry(dir));
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz is 503 until the registry has loaded, then 200; 503 again while shutting down', async () => {
    const registry = new ModelRegistry(dir);
    const { app } = makeApp(registry);
    const before = await app.request('/readyz');
    expect(before.status).toBe(503);
    expect(await before.json()).toMatchObject({ status: 'not_ready', models: 'loading' });
    await registry.load();
    expect((await app.request('/readyz')).status).toBe(200);
    expect((await makeApp(registry, true).app.request('/readyz')).status).toBe(503);
  });

  it('GET /v1/models lists what the registry found', async () => {
    const registry = new ModelRegistry(dir);
    await registry.load();
    const body = await (await makeApp(registry).app.request('/v1/models')).json();
    expect(body).toEqual({
      protocol: 1,
      state: 'ready',
      stages: ['frontend'],
      models: [
        { id: 'asr-en-small', kind: 'asr', languages: ['en'], version: '0.1.0', graphs: ['model.onnx'] },
      ],
      invalid: [],
    });
  });

  it('GET /metrics is Prometheus text with the typed metrics', async () => {
    const { app, metrics } = makeApp(new ModelRegistry(dir));
    metrics.errorsTotal.inc({ code: 'bad_json' });
    const res = await app.request('/metrics');
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    for (const name of [
      'tolk_active_sessions',
      'tolk_audio_frames_total',
      'tolk_audio_bytes_total',
      'tolk_drops_total',
      'tolk_stage_latency_seconds',
      'tolk_errors_total',
    ]) {
      expect(text).toContain(`# TYPE ${name}`);
    }
    expect(text).toContain('tolk_errors_total{code="bad_json"} 1');
  });

  it('GET / serves the demo page; GET /v1/stream without upgrade is 426', async () => {
    const { app } = makeApp(new ModelRegistry(dir));
    const page = await app.request('/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>tolk');
    expect((await app.request('/v1/stream')).status).toBe(426);
    expect((await app.request('/nope')).status).toBe(404);
  });

  it('serves the same routes over a real port', async () => {
    const t = await startTestServer({ TOLK_MODELS_DIR: dir });
    try {
      expect((await fetch(`${t.httpUrl}/healthz`)).status).toBe(200);
      const deadline = Date.now() + 5000;
      while ((await fetch(`${t.httpUrl}/readyz`)).status !== 200 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect((await fetch(`${t.httpUrl}/readyz`)).status).toBe(200);
      const models = await (await fetch(`${t.httpUrl}/v1/models`)).json();
      expect(models.models.map((m: { id: string }) => m.id)).toEqual(['asr-en-small']);
      expect(await (await fetch(`${t.httpUrl}/metrics`)).text()).toContain('tolk_process_cpu_seconds_total');
    } finally {
      await t.server.close();
    }
  });
});
