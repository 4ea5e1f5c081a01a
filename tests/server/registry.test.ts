import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../../models/registry.ts';

describe('ModelRegistry', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tolk-models-'));
    const add = async (name: string, card: unknown, files: string[] = []) => {
      await mkdir(join(dir, name));
      await writeFile(join(dir, name, 'model.json'), typeof card === 'string' ? card : JSON.stringify(card));
      for (const f of files) await writeFile(join(dir, name, f), '');
    };
    await add(
      'mt-en-es',
      { id: 'mt-en-es-v2', kind: 'mt', languages: { source: 'en', target: 'es' }, version: 2 },
      ['encoder.onnx', 'decoder.onnx'],
    );
    await add('tts-es', { kind: 'tts', languages: ['es'] }, ['model.onnx']);
    await add('broken', '{ not json');
    await add('no-kind', { languages: ['en'] });
    await mkdir(join(dir, 'asr')); // a code folder without model.json is skipped
    await writeFile(join(dir, 'README.md'), 'not a folder');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports valid models with kind, languages, version and graphs; invalid ones separately', async () => {
    const registry = new ModelRegistry(dir);
    expect(registry.ready).toBe(false);
    await registry.load();
    expect(registry.ready).toBe(true);
    const snap = registry.snapshot();
    expect(snap.models.map((m) => [m.id, m.kind, m.version, m.graphs])).toEqual([
      ['mt-en-es-v2', 'mt', '2', ['decoder.onnx', 'encoder.onnx']],
      ['tts-es', 'tts', undefined, ['model.onnx']],
    ]);
    expect(snap.invalid.map((m) => m.id)).toEqual(['broken', 'no-kind']);
    expect(registry.find('mt-en-es-v2')?.languages).toEqual({ source: 'en', target: 'es' });
    expect(registry.byKind('tts')).toHaveLength(1);
  });

  it('treats a missing directory as "no models" and is ready', async () => {
    const registry = new ModelRegistry(join(dir, 'does-not-exist'));
    await registry.load();
    expect(registry.snapshot()).toMatchObject({ state: 'ready', models: [], invalid: [] });
  });
});
