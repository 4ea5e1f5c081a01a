import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../scripts/train/lib/backend.ts';
import { ParamStore } from '../../scripts/train/lib/params.ts';
import {
  attentionBias,
  fuseAttentionWeights,
  NaiveTransformerBlock,
  splitAttentionWeights,
  TransformerBlock,
} from '../../scripts/train/lib/transformer.ts';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', announce: false });
});

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];

describe('Transformer block', () => {
  const opts = { dModel: 8, heads: 2, ffnSize: 16, seed: 3 };

  it('fast block equals the naive layers-API block (forward and input gradient), with padding mask', () => {
    const params = new ParamStore();
    const fast = new TransformerBlock(params, 'b0', opts);
    params.get('b0/self/qkv/bias').assign(tf.randomNormal([24], 0, 0.3, 'float32', 1));
    params.get('b0/ln1/gamma').assign(tf.randomNormal([8], 1, 0.2, 'float32', 2));
    const x = tf.randomNormal([2, 5, 8], 0, 1, 'float32', 4) as tf.Tensor3D;
    const bias = attentionBias(2, 5, 5, { keyLengths: [5, 3] });
    const naive = new NaiveTransformerBlock(opts);
    naive.loadFrom(fast, x);
    expect(maxDiff(fast.apply(x, bias), naive.apply(x, bias))).toBeLessThan(1e-5);
    const gf = tf.grad((xx: tf.Tensor) => tf.sum(tf.square(fast.apply(xx as tf.Tensor3D, bias))))(x);
    const gn = tf.grad((xx: tf.Tensor) => tf.sum(tf.square(naive.apply(xx as tf.Tensor3D, bias))))(x);
    expect(maxDiff(gf, gn)).toBeLessThan(1e-4);
    params.dispose();
  });

  it('padding keys do not influence outputs; causal mask hides the future', () => {
    const params = new ParamStore();
    const block = new TransformerBlock(params, 'b', opts);
    const x = tf.randomNormal([1, 6, 8], 0, 1, 'float32', 7) as tf.Tensor3D;
    const changedTail = tf.concat(
      [tf.slice(x, [0, 0, 0], [1, 4, 8]), tf.randomNormal([1, 2, 8])],
      1,
    ) as tf.Tensor3D;
    const pad = attentionBias(1, 6, 6, { keyLengths: [4] });
    const a = tf.slice(block.apply(x, pad), [0, 0, 0], [1, 4, 8]);
    const b = tf.slice(block.apply(changedTail, pad), [0, 0, 0], [1, 4, 8]);
    expect(maxDiff(a, b)).toBeLessThan(1e-5);
    const causal = attentionBias(1, 6, 6, { causal: true });
    const c = tf.slice(block.apply(x, causal), [0, 0, 0], [1, 4, 8]);
    const d = tf.slice(block.apply(changedTail, causal), [0, 0, 0], [1, 4, 8]);
    expect(maxDiff(c, d)).toBeLessThan(1e-5);
    params.dispose();
  });

  it('cross-attention block trains: weights receive gradients', () => {
    const params = new ParamStore();
    const block = new TransformerBlock(params, 'dec', { ...opts, cross: true });
    const x = tf.randomNormal([2, 4, 8]) as tf.Tensor3D;
    const mem = tf.randomNormal([2, 7, 8]) as tf.Tensor3D;
    const { grads } = tf.variableGrads(
      () =>
        tf.sum(
          tf.square(
            block.apply(
              x,
              attentionBias(2, 4, 4, { causal: true }),
              mem,
              attentionBias(2, 1, 7, { keyLengths: [7, 5] }),
            ),
          ),
        ) as tf.Scalar,
      params.variables(),
    );
    expect(Object.keys(grads)).toHaveLength(params.names().length);
    const crossKv = params.get('dec/cross/kv/kernel');
    expect(tf.max(tf.abs(grads[crossKv.name])).dataSync()[0]).toBeGreaterThan(0);
    params.dispose();
  });
});

describe('attention weight names for export', () => {
  it('split → fuse round-trips and the split pieces are the q/k/v column blocks', () => {
    const params = new ParamStore();
    const block = new TransformerBlock(params, 'dec0', {
      dModel: 8,
      heads: 2,
      ffnSize: 16,
      cross: true,
      seed: 5,
    });
    params.get('dec0/self/qkv/bias').assign(tf.randomNormal([24]));
    const w = params.getWeights();
    const split = splitAttentionWeights(w);
    expect(split.has('dec0/self/qkv/kernel')).toBe(false);
    expect(split.get('dec0/self/key/kernel')!.shape).toEqual([8, 8]);
    expect(split.get('dec0/cross/value/bias')!.shape).toEqual([8]);
    expect(split.get('dec0/self/attention_output/kernel')!.shape).toEqual([8, 8]);
    const keyCols = tf.slice(block.qkv.kernel, [0, 8], [8, 8]).dataSync();
    expect(Array.from(split.get('dec0/self/key/kernel')!.data)).toEqual(Array.from(keyCols));
    const fused = fuseAttentionWeights(split, params);
    for (const [name, v] of w) expect(Array.from(fused.get(name)!.data), name).toEqual(Array.from(v.data));
    params.setWeights(fused);
    params.dispose();
  });
});
