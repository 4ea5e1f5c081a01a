/** The demo page's static routes (`/`, `/assets/*`) and the page's reconnect backoff, without a browser. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backoffMs } from '../../client/browser/tolk-connection.ts';
import { ModelRegistry } from '../../models/registry.ts';
import { createHttpApp } from '../../server/http/routes.ts';
import { createMetrics } from '../../server/metrics.ts';

describe('demo page static routes', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tolk-demo-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>tolk · test page</title>');
    await writeFile(join(dir, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(dir, 'assets', 'style.css'), 'body{}');
    await writeFile(join(dir, 'assets', 'notes.txt'), 'not an asset type');
    await writeFile(join(dir, 'secret.js'), 'outside assets');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const app = (demoDir: string) =>
    createHttpApp({
      registry: new ModelRegistry('/nonexistent-tolk-models'),
      metrics: createMetrics({ defaultMetrics: false }),
      stages: ['frontend'],
      isShuttingDown: () => false,
      activeSessions: () => 0,
      demoDir: pathToFileURL(`${demoDir}/`),
    });

  it('serves the built index.html at / and assets with their content types', async () => {
    const page = await app(dir).request('/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('tolk · test page');
    const js = await app(dir).request('/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(await js.text()).toBe('console.log(1)');
    expect((await app(dir).request('/assets/style.css')).headers.get('content-type')).toContain('text/css');
  });

  it('serves nothing outside the assets folder or of an unknown type', async () => {
    for (const path of [
      '/assets/notes.txt',
      '/assets/missing.js',
      '/assets/..%2Fsecret.js',
      '/assets/%2E%2E%2Fsecret.js',
      '/assets/.hidden.js',
      '/secret.js',
    ]) {
      expect((await app(dir).request(path)).status, path).toBe(404);
    }
  });

  it('says how to build the page when it is not built', async () => {
    const page = await app(join(dir, 'not-built')).request('/');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<title>tolk');
    expect(html).toContain('npm run build:browser');
  });
});

describe('reconnect backoff', () => {
  it('doubles from the initial delay up to the cap, with ±20% jitter', () => {
    const options = { initialMs: 500, maxMs: 8000 };
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 9].map((a) => backoffMs(a, options, mid))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
    expect(backoffMs(1, options, () => 0)).toBe(400);
    expect(backoffMs(1, options, () => 0.999999)).toBe(600);
  });
});
