import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { hasApertium } from '../../../server/stages/mt/apertium-engine.ts';
import { createMtRouter } from '../../../server/stages/mt/create-router.ts';

const enEs = { source: 'en', target: 'es' };

describe('createMtRouter', () => {
  it('starts without any engine, explains why, and refuses to translate', async () => {
    const { router, notes } = await createMtRouter({
      modelsDir: mkdtempSync(join(tmpdir(), 'tolk-models-')),
      apertium: { dataDir: '/nonexistent/apertium' },
      registry: new Registry(),
    });
    expect(notes.join('\n')).toMatch(/neural MT engine not loaded: neural MT model not built yet/);
    expect(notes.join('\n')).toMatch(/apertium MT engine not loaded: .*apt-get install apertium/);
    await expect(router.translate('hello', enEs)).rejects.toMatchObject({ code: 'unsupported_language' });
    await router.close();
  });

  it('rejects a malformed glossary file at start-up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tolk-gloss-'));
    const file = join(dir, 'glossary.json');
    writeFileSync(file, '{"en-es": {"": "x"}}');
    await expect(
      createMtRouter({
        modelsDir: dir,
        glossaryFile: file,
        apertium: { dataDir: '/nonexistent' },
        registry: new Registry(),
      }),
    ).rejects.toMatchObject({ code: 'model_load_failed' });
  });

  it.skipIf(!hasApertium())('serves with apertium and says the neural engine is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tolk-gloss-'));
    const file = join(dir, 'glossary.json');
    writeFileSync(file, JSON.stringify({ 'en-es': { 'front desk': 'recepción' } }));
    const { router } = await createMtRouter({ modelsDir: dir, glossaryFile: file, registry: new Registry() });
    try {
      const r = await router.translate('please call the front desk', enEs);
      expect(r).toMatchObject({ engine: 'apertium', fallback: { reason: 'primary_unavailable' } });
      expect(r.text).toMatch(/recepción/);
      expect(r.glossary).toEqual({ applied: ['front desk'], lost: [] });
    } finally {
      await router.close();
    }
  });
});
