import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../scripts/train/lib/backend.ts';
import { computeGradients } from '../../scripts/train/lib/model.ts';
import { createLstmCtc, lstmCtcSpec } from '../../scripts/train/lib/models/lstm-ctc.ts';
import { DataParallel } from '../../scripts/train/lib/parallel.ts';
import { syntheticCtc } from '../../scripts/train/lib/synthetic.ts';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', announce: false });
});

describe('data-parallel gradients', () => {
  it('two threads give the full-batch gradient (uneven shares weighted by size)', async () => {
    const cfg = { inputSize: 5, units: 8, layers: 2, vocab: 4, seed: 6 };
    const model = createLstmCtc(cfg);
    // Perturb the weights so workers must receive them, not just rebuild the same init.
    for (const v of model.params.variables())
      v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.1, 'float32', 2)));
    const samples = syntheticCtc({ count: 5, dim: 5, vocab: 4, seed: 8 });
    const ref = computeGradients(model, samples);
    const dp = await DataParallel.start(model, lstmCtcSpec(cfg), { threads: 2, prefer: 'wasm' });
    try {
      const par = await dp.gradients(samples);
      expect(par.loss).toBeCloseTo(ref.loss, 5);
      for (const [name, g] of ref.grads) {
        const d = tf.max(tf.abs(tf.sub(g, par.grads.get(name)!))).dataSync()[0];
        expect(d, name).toBeLessThan(1e-5);
      }
    } finally {
      await dp.close();
    }
  });
});
