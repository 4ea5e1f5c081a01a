import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../scripts/train/lib/backend.ts';
import { FastLstm, lstmSequence } from '../../scripts/train/lib/fast-lstm.ts';
import { ParamStore } from '../../scripts/train/lib/params.ts';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', announce: false });
});

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

describe('fast LSTM', () => {
  it('forward and gradients equal tf.layers.lstm (sigmoid recurrent activation)', () => {
    const [B, T, I, U] = [3, 7, 5, 4];
    const params = new ParamStore();
    const fast = new FastLstm(params, 'l0', { inputSize: I, units: U, seed: 3 });
    // Non-trivial bias so every gate's gradient path is exercised.
    params.get('l0/bias').assign(tf.randomUniform([4 * U], -0.5, 0.5, 'float32', 4));
    const stock = tf.layers.lstm({ units: U, returnSequences: true, recurrentActivation: 'sigmoid' });
    const x = tf.randomNormal([B, T, I], 0, 1, 'float32', 5) as tf.Tensor3D;
    const target = tf.randomNormal([B, T, U], 0, 1, 'float32', 6);
    stock.apply(x); // builds the layer
    stock.setWeights([fast.kernel, fast.recurrentKernel, fast.bias]);

    const yStock = stock.apply(x) as tf.Tensor3D;
    const yFast = tf.tidy(() => fast.apply(x).output);
    expect(maxAbsDiff(yStock, yFast)).toBeLessThan(1e-5);

    const loss = (y: tf.Tensor) => tf.sum(tf.mul(y, target)) as tf.Scalar;
    const stockVars = stock.trainableWeights.map((w) => w.read() as tf.Variable);
    const gS = tf.variableGrads(() => loss(stock.apply(x) as tf.Tensor), stockVars).grads;
    const [gkS, grS, gbS] = stockVars.map((v) => gS[v.name]);
    const gxS = tf.grad((xx: tf.Tensor) => loss(stock.apply(xx) as tf.Tensor))(x);
    const h0 = tf.zeros([B, U]) as tf.Tensor2D;
    const [gxF, gkF, grF, gbF] = tf.grads((xx: tf.Tensor, k: tf.Tensor, r: tf.Tensor, b: tf.Tensor) =>
      loss(
        lstmSequence(xx as tf.Tensor3D, k as tf.Tensor2D, r as tf.Tensor2D, b as tf.Tensor1D, h0, h0).output,
      ),
    )([x, fast.kernel, fast.recurrentKernel, fast.bias]);
    expect(maxAbsDiff(gxS, gxF)).toBeLessThan(1e-4);
    expect(maxAbsDiff(gkS, gkF)).toBeLessThan(1e-4);
    expect(maxAbsDiff(grS, grF)).toBeLessThan(1e-4);
    expect(maxAbsDiff(gbS, gbF)).toBeLessThan(1e-4);
    // Sanity: the gradients are not all ~0, so the comparison means something.
    expect(tf.max(tf.abs(grF)).dataSync()[0]).toBeGreaterThan(1e-2);
    params.dispose();
  });

  it('variable gradients flow through the layer (tf.variableGrads)', () => {
    const params = new ParamStore();
    const fast = new FastLstm(params, 'l', { inputSize: 3, units: 2, seed: 9 });
    const x = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 1) as tf.Tensor3D;
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(fast.apply(x).output)) as tf.Scalar);
    expect(Object.keys(grads)).toHaveLength(3);
    expect(value.dataSync()[0]).toBeGreaterThan(0);
    params.dispose();
  });

  it('streaming in chunks with carried state equals the whole sequence', () => {
    const [B, T, I, U] = [2, 12, 4, 5];
    const params = new ParamStore();
    const fast = new FastLstm(params, 'l', { inputSize: I, units: U, seed: 11 });
    const x = tf.randomNormal([B, T, I], 0, 1, 'float32', 12) as tf.Tensor3D;
    const whole = fast.apply(x);
    let state = fast.zeroState(B);
    const parts: tf.Tensor3D[] = [];
    for (const [s, n] of [
      [0, 5],
      [5, 1],
      [6, 6],
    ]) {
      const r = fast.apply(tf.slice(x, [0, s, 0], [B, n, I]), state);
      parts.push(r.output);
      state = r.state;
    }
    expect(maxAbsDiff(whole.output, tf.concat(parts, 1))).toBeLessThan(1e-6);
    expect(maxAbsDiff(whole.state.h, state.h)).toBeLessThan(1e-6);
    expect(maxAbsDiff(whole.state.c, state.c)).toBeLessThan(1e-6);
    params.dispose();
  });
});
