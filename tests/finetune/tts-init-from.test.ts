/**
 * Reading a shipped voice back for fine-tuning (scripts/train/tts/init-from.ts): the weights
 * loaded from encoder.onnx + decoder.onnx into a new training model equal the exported ones bit
 * for bit, the architecture comes back from the weights' shapes, and the normalisation from the
 * decoder's constants (mel) and model.json (pitch, energy).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../scripts/train/lib/backend.ts';
import type { FastSpeechModel } from '../../scripts/train/lib/models/fastspeech.ts';
import { exportWeightMap } from '../../scripts/train/tts/export-tts.ts';
import { createFastSpeechFromBase, loadBaseTtsModel } from '../../scripts/train/tts/init-from.ts';
import { tinyTtsConfig, writeRandomTtsModel } from './tts-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'tolk-tts-init-'));
const dir = join(root, 'tts-en');
let exported: FastSpeechModel;

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', announce: false });
  exported = await writeRandomTtsModel(dir);
});

afterAll(() => {
  exported.params.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('loadBaseTtsModel', () => {
  it('rebuilds the config from the graphs: sizes, reduction, mel stats as float32', async () => {
    const base = await loadBaseTtsModel(dir, 9);
    const cfg = tinyTtsConfig();
    expect(base.lang).toBe('en');
    expect(base.config).toMatchObject({
      vocab: cfg.vocab,
      dModel: 16,
      heads: 2,
      ffnSize: 32,
      encoderLayers: 1,
      decoderLayers: 2,
      predictorUnits: 12,
      predictorKernel: 3,
      reduction: 2,
      numMelBins: 80,
      seed: 9,
    });
    expect(base.stats.melMean).toEqual(Array.from(Float32Array.from(cfg.melMean)));
    expect(base.stats.melStd).toEqual(Array.from(Float32Array.from(cfg.melStd)));
    expect(base.stats).toMatchObject({ pitchMeanHz: 150, pitchStdHz: 30, energyMean: -5, energyStd: 2 });
  });

  it('reads back exactly the weights that were exported (names and values)', async () => {
    const base = await loadBaseTtsModel(dir);
    const want = exportWeightMap(exported.params.getWeights());
    expect([...base.weights.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [name, w] of want) {
      expect(base.weights.get(name)?.shape, name).toEqual(w.shape);
      expect(
        Buffer.from(base.weights.get(name)?.data.buffer ?? new ArrayBuffer(0)).equals(
          Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength),
        ),
        name,
      ).toBe(true);
    }
  });

  it('a training model built from them holds the exported training weights bit for bit', async () => {
    const model = createFastSpeechFromBase(await loadBaseTtsModel(dir));
    try {
      const got = model.params.getWeights();
      const want = exported.params.getWeights();
      expect([...got.keys()]).toEqual([...want.keys()]);
      for (const [name, w] of want) {
        expect(got.get(name)?.shape, name).toEqual(w.shape);
        expect(Array.from(got.get(name)?.data ?? []), name).toEqual(Array.from(w.data));
      }
    } finally {
      model.params.dispose();
    }
  });

  it('refuses a folder whose model.json is not a voice', async () => {
    await expect(loadBaseTtsModel(join(root, 'nothing-here'))).rejects.toThrow(/model\.json/);
  });
});
