/**
 * `npm run train -- asr --init-from <model dir>`: a tiny random recognizer exported as training
 * exports it must come back from its model.onnx with exactly the exported weights and its
 * feature normalisation; moving it to the Spanish alphabet keeps every shared token's output
 * column and starts accented letters from their base letter's column.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRandomAsrModel } from '../../scripts/bench/asr.ts';
import { adaptOutputToVocabulary, loadBaseAsrModel } from '../../scripts/train/asr/init-from.ts';
import { createAsrTrainModel } from '../../scripts/train/asr/model.ts';
import type { LstmCtcModel } from '../../scripts/train/lib/models/lstm-ctc.ts';
import { createVocabulary } from '../../server/stages/asr/vocabulary.ts';

let dir: string;
let exported: LstmCtcModel;

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'tolk-init-from-'));
  ({ model: exported } = await writeRandomAsrModel(dir, { units: 8, layers: 2, seed: 5 }));
});

afterAll(() => {
  exported.params.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('asr --init-from', () => {
  it('reads back exactly the exported weights, shapes and features', async () => {
    const base = await loadBaseAsrModel(dir);
    expect(base.units).toBe(8);
    expect(base.layers).toBe(2);
    expect(base.vocabulary).toEqual([...createVocabulary('en').tokens]);
    const original = exported.params.getWeights();
    expect([...base.weights.keys()].sort()).toEqual([...original.keys()].sort());
    for (const [name, w] of original) {
      expect(base.weights.get(name)?.shape).toEqual(w.shape);
      expect(Array.from(base.weights.get(name)?.data ?? [])).toEqual(Array.from(w.data));
    }
    expect(base.features.numMelBins).toBe(80);
  });

  it('loads into a training model of the same architecture', async () => {
    const base = await loadBaseAsrModel(dir);
    const en = createVocabulary('en');
    const model = createAsrTrainModel({
      inputSize: 320,
      units: 8,
      layers: 2,
      vocab: en.size,
      melBins: 80,
      stack: 4,
      specAugment: null,
    });
    const { weights, unmapped } = adaptOutputToVocabulary(base.weights, base.vocabulary, en.tokens);
    expect(unmapped).toEqual([]);
    model.params.setWeights(weights);
    const k = model.params.getWeights().get('lstm1/recurrent_kernel');
    expect(Array.from(k?.data ?? [])).toEqual(
      Array.from(base.weights.get('lstm1/recurrent_kernel')?.data ?? []),
    );
    model.params.dispose();
  });

  it('maps the output layer to the Spanish alphabet token by token', async () => {
    const base = await loadBaseAsrModel(dir);
    const en = createVocabulary('en');
    const es = createVocabulary('es');
    const { weights, unmapped } = adaptOutputToVocabulary(base.weights, base.vocabulary, es.tokens);
    expect(unmapped).toEqual([]);
    const before = base.weights.get('output/kernel');
    const after = weights.get('output/kernel');
    expect(after?.shape).toEqual([8, es.size]);
    const column = (w: typeof before, V: number, j: number) =>
      Array.from({ length: 8 }, (_, u) => w?.data[u * V + j]);
    for (const [token, source] of [
      ['a', 'a'],
      [' ', ' '],
      ['ñ', 'n'],
      ['á', 'a'],
      ['ü', 'u'],
    ]) {
      const j = es.tokens.indexOf(token);
      const i = en.tokens.indexOf(source);
      expect(column(after, es.size, j)).toEqual(column(before, en.size, i));
      expect(weights.get('output/bias')?.data[j]).toBe(base.weights.get('output/bias')?.data[i]);
    }
    // The LSTM stack is shared untouched.
    expect(weights.get('lstm0/kernel')).toBe(base.weights.get('lstm0/kernel'));
  });
});
