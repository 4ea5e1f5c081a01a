import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../scripts/train/lib/backend.ts';
import { FastGru, gruSequence } from '../../scripts/train/lib/fast-gru.ts';
import { ParamStore } from '../../scripts/train/lib/params.ts';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', announce: false });
});

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];

describe('fast GRU', () => {
  it('forward and gradients equal tf.layers.gru (sigmoid recurrent activation)', () => {
    const [B, T, I, U] = [3, 6, 5, 4];
    const params = new ParamStore();
    const fast = new FastGru(params, 'g', { inputSize: I, units: U, seed: 2 });
    params.get('g/bias').assign(tf.randomUniform([3 * U], -0.5, 0.5, 'float32', 3));
    const x = tf.randomNormal([B, T, I], 0, 1, 'float32', 5) as tf.Tensor3D;
    const target = tf.randomNormal([B, T, U], 0, 1, 'float32', 6);
    const stock = tf.layers.gru({ units: U, returnSequences: true, recurrentActivation: 'sigmoid' });
    stock.apply(x);
    stock.setWeights([fast.kernel, fast.recurrentKernel, fast.bias]);
    expect(maxDiff(stock.apply(x) as tf.Tensor, fast.apply(x).output)).toBeLessThan(1e-5);

    const loss = (y: tf.Tensor) => tf.sum(tf.mul(y, target)) as tf.Scalar;
    const stockVars = stock.trainableWeights.map((w) => w.read() as tf.Variable);
    const gS = tf.variableGrads(() => loss(stock.apply(x) as tf.Tensor), stockVars).grads;
    const gxS = tf.grad((xx: tf.Tensor) => loss(stock.apply(xx) as tf.Tensor))(x);
    const h0 = tf.zeros([B, U]) as tf.Tensor2D;
    const gF = tf.grads((xx: tf.Tensor, k: tf.Tensor, r: tf.Tensor, b: tf.Tensor) =>
      loss(gruSequence(xx as tf.Tensor3D, k as tf.Tensor2D, r as tf.Tensor2D, b as tf.Tensor1D, h0).output),
    )([x, fast.kernel, fast.recurrentKernel, fast.bias]);
    expect(maxDiff(gxS, gF[0])).toBeLessThan(1e-4);
    stockVars.forEach((v, i) => {
      expect(maxDiff(gS[v.name], gF[i + 1])).toBeLessThan(1e-4);
    });
    params.dispose();
  });

  it('streaming in chunks with carried state equals the whole sequence', () => {
    const params = new ParamStore();
    const gru = new FastGru(params, 'g', { inputSize: 3, units: 5, seed: 4 });
    const x = tf.randomNormal([2, 9, 3], 0, 1, 'float32', 8) as tf.Tensor3D;
    const whole = gru.apply(x);
    const a = gru.apply(tf.slice(x, [0, 0, 0], [2, 4, 3]));
    const b = gru.apply(tf.slice(x, [0, 4, 0], [2, 5, 3]), a.state);
    expect(maxDiff(whole.output, tf.concat([a.output, b.output], 1))).toBeLessThan(1e-6);
    expect(maxDiff(whole.state, b.state)).toBeLessThan(1e-6);
    params.dispose();
  });
});
