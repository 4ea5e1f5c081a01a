/**
 * The registry → voice path: `models/tts-<lang>/model.json` (kind "tts") folders become
 * ModelSynthesizers in loadEngines, one per language, chosen by TOLK_TTS_VOICES; a folder that
 * fails to load is a `model_load_failed` note and the rest of the server still loads.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../../../models/registry.ts';
import { loadConfig } from '../../../server/config.ts';
import { createLogger } from '../../../server/logger.ts';
import { loadEngines } from '../../../server/session/load-engines.ts';
import { loadTtsVoices, selectTtsVoices } from '../../../server/stages/tts/load-voices.ts';
import { ModelSynthesizer } from '../../../server/stages/tts/model-synthesizer.ts';
import { griffinLimVocoder } from '../../../server/stages/tts/vocoder.ts';
import { SpeechLikeMelGenerator } from './model-synthesizer-doubles.ts';

const root = mkdtempSync(join(tmpdir(), 'tolk-tts-load-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function modelDir(name: string, card: object | string, graphs: string[] = []): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), typeof card === 'string' ? card : JSON.stringify(card));
  for (const g of graphs) writeFileSync(join(dir, g), 'not an onnx graph');
  return dir;
}

const card = (id: string, lang: string) => ({ id, kind: 'tts', languages: [lang], version: 1 });

describe('TTS voices from the model registry', () => {
  const dir = join(root, 'models');
  modelDir('models/tts-es', card('tts-es', 'es'), ['encoder.onnx', 'decoder.onnx']);
  modelDir('models/tts-es-v2', card('tts-es-v2', 'es'));
  modelDir('models/tts-en', card('tts-en', 'en'), ['encoder.onnx']);
  modelDir('models/asr-en', { id: 'asr-en', kind: 'asr', languages: ['en'] });

  it('selects one folder per language, in TOLK_TTS_VOICES order when given', async () => {
    const registry = new ModelRegistry(dir);
    await registry.load();
    const models = registry.snapshot().models;
    const all = selectTtsVoices(models, []);
    expect(all.chosen.map((c) => [c.id, c.lang])).toEqual([
      ['tts-en', 'en'],
      ['tts-es', 'es'],
    ]);
    expect(all.notes.join('\n')).toMatch(/tts-es-v2 not loaded: tts-es already speaks es/);
    const picked = selectTtsVoices(models, ['tts-es-v2', 'tts-fr']);
    expect(picked.chosen.map((c) => c.id)).toEqual(['tts-es-v2']);
    expect(picked.notes.join('\n')).toMatch(/"tts-fr" .* not found/);
  });

  it('loadEngines serves a voice per loaded folder and reports a failing one as model_load_failed', async () => {
    const registry = new ModelRegistry(dir);
    await registry.load();
    const loaded: string[] = [];
    const generators: SpeechLikeMelGenerator[] = [];
    const engines = await loadEngines(
      loadConfig({ TOLK_MODELS_DIR: dir, LOG_LEVEL: 'silent', TOLK_TTS_GL_ITERS: '4' }),
      registry,
      createLogger('silent'),
      new Registry(),
      {
        asr: new Map(),
        mt: null,
        loadMelGenerator: async (modelDirPath) => {
          loaded.push(modelDirPath);
          if (modelDirPath.endsWith('tts-en')) throw new Error('decoder.onnx missing');
          const g = new SpeechLikeMelGenerator('es');
          generators.push(g);
          return g;
        },
      },
    );
    expect(loaded.sort()).toEqual([join(dir, 'tts-en'), join(dir, 'tts-es')]);
    expect([...engines.tts.keys()]).toEqual(['es']);
    expect(engines.stages).toContain('tts');
    expect(engines.summary.tts).toEqual(['es']);
    const note = engines.summary.notes.find((n) => n.includes('tts-en'));
    expect(note).toMatch(/model_load_failed.*decoder\.onnx missing/);
    const voice = engines.tts.get('es') as ModelSynthesizer;
    expect(voice).toBeInstanceOf(ModelSynthesizer);
    expect(voice.vocoder.name).toBe('griffin-lim-4');
    const audio: Float32Array[] = [];
    for await (const piece of voice.synthesizeChunks('hola', new AbortController().signal)) audio.push(piece);
    expect(audio.reduce((n, a) => n + a.length, 0)).toBeGreaterThan(1600);
    await engines.close();
    expect(generators[0].disposed).toBe(true);
  });

  it('a voice whose card language disagrees with the model is refused', async () => {
    const registry = new ModelRegistry(dir);
    await registry.load();
    const { voices, errors } = await loadTtsVoices(registry.snapshot().models, {
      wanted: ['tts-en'],
      vocoder: griffinLimVocoder(),
      melOptions: {},
      loadMelGenerator: async () => new SpeechLikeMelGenerator('es'),
    });
    expect(voices.size).toBe(0);
    expect(errors[0].code).toBe('model_load_failed');
    expect(errors[0].message).toMatch(/model\.json says es/);
  });

  it('the default ONNX loader turns a corrupt folder into model_load_failed; the server still loads', async () => {
    const broken = join(root, 'broken');
    modelDir('broken/tts-es', card('tts-es', 'es'), ['encoder.onnx', 'decoder.onnx']);
    const registry = new ModelRegistry(broken);
    await registry.load();
    const engines = await loadEngines(
      loadConfig({ TOLK_MODELS_DIR: broken, LOG_LEVEL: 'silent' }),
      registry,
      createLogger('silent'),
      new Registry(),
      { asr: new Map(), mt: null },
    );
    expect(engines.tts.size).toBe(0);
    expect(engines.stages).not.toContain('tts');
    expect(engines.summary.notes.join('\n')).toMatch(/TTS tts-es not loaded \(model_load_failed\)/);
    await engines.close();
  });
});
