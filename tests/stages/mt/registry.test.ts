import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMtEngine } from '../../../server/stages/mt/registry.ts';

const pairs = [{ source: 'en', target: 'es' }];

describe('loadMtEngine', () => {
  it('says plainly that the neural model is not built yet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tolk-models-'));
    const err = await loadMtEngine('neural', { modelsDir: dir, pairs }).catch((e) => e);
    expect(err).toMatchObject({ code: 'model_not_found', stage: 'mt' });
    expect(err.message).toContain(
      `neural MT model not built yet (${join(dir, 'mt')} and ${join(dir, 'mt-en-es')} missing)`,
    );
  });

  it('does not pretend to load a neural model folder it has no loader for', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tolk-models-'));
    mkdirSync(join(dir, 'mt-en-es'));
    writeFileSync(join(dir, 'mt-en-es', 'model.json'), '{}');
    await expect(loadMtEngine('neural', { modelsDir: dir, pairs })).rejects.toMatchObject({
      code: 'model_load_failed',
    });
  });
});
