/**
 * Growing a shipped voice (`train tts --init-from DIR --frame-progress --dec-layers N`): the
 * grown model — frame-progress projection and extra decoder blocks — starts out computing
 * exactly what the base computes, and the exported voice is read back with its new shape.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../scripts/train/lib/backend.ts';
import { progressTensor } from '../../scripts/train/lib/models/fastspeech.ts';
import { exportTtsModel } from '../../scripts/train/tts/export-tts.ts';
import { createFastSpeechFromBase, loadBaseTtsModel } from '../../scripts/train/tts/init-from.ts';
import { writeRandomTtsModel } from '../finetune/tts-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'tolk-tts-grow-'));

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', announce: false });
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('growing a voice with frame progress', () => {
  it('starts at the base function and round-trips through export', async () => {
    const baseDir = join(root, 'tts-en');
    (await writeRandomTtsModel(baseDir)).params.dispose();
    const base = await loadBaseTtsModel(baseDir);
    expect(base.config.frameProgress).toBe(false);
    const plain = createFastSpeechFromBase(base);
    const grown = createFastSpeechFromBase(base, {
      frameProgress: true,
      decoderLayers: base.config.decoderLayers + 2,
    });
    expect(grown.config.frameProgress).toBe(true);
    expect(() => createFastSpeechFromBase(base, { decoderLayers: base.config.decoderLayers - 1 })).toThrow(
      /cannot shrink/,
    );

    const d = base.config.dModel;
    const T = 12;
    const durations = [Int32Array.of(3, 4, 5)];
    const frames = Float32Array.from({ length: T * d }, (_, i) => Math.sin(i * 0.37));
    const [a, b] = tf.tidy(() => [
      plain
        .decode(tf.tensor3d(frames, [1, T, d]))
        .dataSync()
        .slice(),
      grown
        .decode(tf.tensor3d(frames, [1, T, d]), progressTensor(durations, T, base.config.reduction))
        .dataSync()
        .slice(),
    ]);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    expect(maxDiff).toBe(0);

    const grownDir = join(root, 'tts-en-grown');
    await exportTtsModel(grownDir, grown.params.getWeights(), grown.config, base.card);
    const back = await loadBaseTtsModel(grownDir);
    expect(back.config.frameProgress).toBe(true);
    expect(back.config.decoderLayers).toBe(base.config.decoderLayers + 2);
    plain.params.dispose();
    grown.params.dispose();
  });

  it('encodes with measured prosody in place of the predicted one (the ablation path)', async () => {
    const baseDir = join(root, 'tts-en-prosody');
    (await writeRandomTtsModel(baseDir)).params.dispose();
    const model = createFastSpeechFromBase(await loadBaseTtsModel(baseDir));
    const ids = tf.tensor2d(Int32Array.of(3, 5, 7, 2), [1, 4], 'int32');
    const [predicted, given, shifted] = tf.tidy(() => {
      const free = model.encode(ids);
      const same = model.encode(ids, { pitch: free.pitch, energy: free.energy });
      const other = model.encode(ids, { pitch: tf.add(free.pitch, 1) as tf.Tensor2D });
      return [free.hidden, same.hidden, other.hidden].map((t) => t.dataSync().slice());
    });
    expect(given).toEqual(predicted);
    expect(shifted).not.toEqual(predicted);
    ids.dispose();
    model.params.dispose();
  });
});
