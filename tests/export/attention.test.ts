/**
 * Multi-head attention: a reference written with tfjs ops vs the exported graph in ORT —
 * masked self-attention, a pre-LN Transformer block through the sequential exporter, and the
 * cached-KV decoder step (token by token and two at a time) against full causal attention.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { float32Tensor, zerosFloat32 } from '../../models/onnx-session.ts';
import { OnnxGraphBuilder } from '../../scripts/export/graph-builder.ts';
import {
  emitCachedSelfAttention,
  emitKeyValueProjection,
  emitMultiHeadAttention,
} from '../../scripts/export/layers/attention.ts';
import { buildSequentialModel } from '../../scripts/export/sequential.ts';
import { type NamedWeight, toWeightMap } from '../../scripts/export/weights.ts';
import { maxAbsDiff, randomArray, sessionFromBytes, tf, useCpuBackend } from './helpers.ts';

beforeAll(useCpuBackend);

const D = 8;
const H = 2;
const DH = 3;
const T = 6;
const NEG = -1e9;

function mhaWeights(name: string, seed: number): NamedWeight[] {
  const w = (suffix: string, shape: number[], k: number) => ({
    name: `${name}/${suffix}`,
    shape,
    data: randomArray(
      shape.reduce((a, b) => a * b, 1),
      seed + k,
      0.5,
    ),
  });
  return [
    w('query/kernel', [D, H, DH], 1),
    w('query/bias', [H, DH], 2),
    w('key/kernel', [D, H, DH], 3),
    w('key/bias', [H, DH], 4),
    w('value/kernel', [D, H, DH], 5),
    w('value/bias', [H, DH], 6),
    w('attention_output/kernel', [H, DH, D], 7),
    w('attention_output/bias', [D], 8),
  ];
}

/** Keras MultiHeadAttention semantics written with tfjs ops: x [B, T, D], mask [B|1, 1, T, T] additive. */
function mhaReference(x: tf.Tensor3D, ws: NamedWeight[], mask: tf.Tensor4D): tf.Tensor3D {
  const m = new Map(ws.map((w) => [w.name.split('/').slice(1).join('/'), w]));
  const t = (k: string, shape: number[]) => tf.tensor(m.get(k)!.data, shape);
  const [B, TT] = x.shape;
  const proj = (part: string) =>
    tf
      .add(tf.matMul(x.reshape([B * TT, D]), t(`${part}/kernel`, [D, H * DH])), t(`${part}/bias`, [H * DH]))
      .reshape([B, TT, H, DH])
      .transpose([0, 2, 1, 3]);
  const q = tf.mul(proj('query'), 1 / Math.sqrt(DH));
  const scores = tf.add(tf.matMul(q, proj('key'), false, true), mask);
  const ctx = tf
    .matMul(tf.softmax(scores), proj('value'))
    .transpose([0, 2, 1, 3])
    .reshape([B * TT, H * DH]);
  const y = tf.add(
    tf.matMul(ctx, t('attention_output/kernel', [H * DH, D])),
    t('attention_output/bias', [D]),
  );
  return y.reshape([B, TT, D]);
}

function layerNormRef(x: tf.Tensor, gamma: Float32Array, beta: Float32Array, eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), gamma), beta);
}

/** Padding mask: row b attends only to its first lens[b] positions. */
function paddingMask(lens: number[]): Float32Array {
  const m = new Float32Array(lens.length * T * T);
  lens.forEach((len, b) => {
    for (let i = 0; i < T; i++) for (let j = len; j < T; j++) m[(b * T + i) * T + j] = NEG;
  });
  return m;
}

function causalMask(): Float32Array {
  const m = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) m[i * T + j] = NEG;
  return m;
}

describe('multi-head attention export', () => {
  it('masked self-attention, batch 1 and 5', async () => {
    const ws = mhaWeights('mha', 10);
    const { bytes, io } = buildSequentialModel(
      { inputFeatures: D, layers: [{ type: 'attention', name: 'mha', heads: H }] },
      ws,
    );
    expect(io.mask).toBe('attn_mask');
    const session = await sessionFromBytes(bytes);
    for (const lens of [[T], [T, 3, 1, 5, 6]]) {
      const B = lens.length;
      const x = randomArray(B * T * D, 20 + B);
      const mask = paddingMask(lens);
      const ref = tf.tidy(() =>
        mhaReference(tf.tensor3d(x, [B, T, D]), ws, tf.tensor4d(mask, [B, 1, T, T])).dataSync(),
      );
      const out = await session.run({
        input: float32Tensor(x, [B, T, D]),
        attn_mask: float32Tensor(mask, [B, 1, T, T]),
      });
      expect(maxAbsDiff(out.output.data as Float32Array, ref)).toBeLessThanOrEqual(1e-4);
    }
    await session.release();
  });

  it('pre-LN Transformer block (residual, LayerNorm, attention, FFN)', async () => {
    const ln = (name: string, seed: number): NamedWeight[] => [
      { name: `${name}/gamma`, shape: [D], data: randomArray(D, seed, 1) },
      { name: `${name}/beta`, shape: [D], data: randomArray(D, seed + 1, 0.2) },
    ];
    const dense = (name: string, i: number, o: number, seed: number): NamedWeight[] => [
      { name: `${name}/kernel`, shape: [i, o], data: randomArray(i * o, seed, 0.4) },
      { name: `${name}/bias`, shape: [o], data: randomArray(o, seed + 1, 0.1) },
    ];
    const ws = [
      ...ln('ln1', 30),
      ...mhaWeights('att', 40),
      ...ln('ln2', 50),
      ...dense('ff1', D, 16, 60),
      ...dense('ff2', 16, D, 70),
    ];
    const { bytes } = buildSequentialModel(
      {
        inputFeatures: D,
        layers: [
          {
            type: 'residual',
            layers: [
              { type: 'layerNorm', name: 'ln1', epsilon: 1e-5 },
              { type: 'attention', name: 'att', heads: H },
            ],
          },
          {
            type: 'residual',
            layers: [
              { type: 'layerNorm', name: 'ln2', epsilon: 1e-5 },
              { type: 'dense', name: 'ff1', activation: 'gelu' },
              { type: 'dense', name: 'ff2' },
            ],
          },
        ],
      },
      ws,
    );
    const w = toWeightMap(ws);
    const B = 3;
    const x = randomArray(B * T * D, 80);
    const mask = causalMask();
    const ref = tf.tidy(() => {
      const x0 = tf.tensor3d(x, [B, T, D]);
      const a = mhaReference(
        layerNormRef(x0, w.get('ln1/gamma')!.data, w.get('ln1/beta')!.data, 1e-5) as tf.Tensor3D,
        ws.filter((p) => p.name.startsWith('att/')),
        tf.tensor4d(mask, [1, 1, T, T]),
      );
      const x1 = tf.add(x0, a);
      const n2 = layerNormRef(x1, w.get('ln2/gamma')!.data, w.get('ln2/beta')!.data, 1e-5);
      const dense2 = (v: tf.Tensor, name: string, i: number, o: number) =>
        tf.add(
          tf.matMul(v.reshape([-1, i]), tf.tensor2d(w.get(`${name}/kernel`)!.data, [i, o])),
          w.get(`${name}/bias`)!.data,
        );
      // exact GELU: 0.5·x·(1 + erf(x/√2))
      const h = dense2(n2, 'ff1', D, 16);
      const g = tf.mul(tf.mul(h, 0.5), tf.add(1, tf.erf(tf.mul(h, Math.SQRT1_2))));
      return tf.add(x1, dense2(g, 'ff2', 16, D).reshape([B, T, D])).dataSync();
    });
    const session = await sessionFromBytes(bytes);
    const out = await session.run({
      input: float32Tensor(x, [B, T, D]),
      attn_mask: float32Tensor(mask, [1, 1, T, T]),
    });
    expect(maxAbsDiff(out.output.data as Float32Array, ref)).toBeLessThanOrEqual(1e-4);
    await session.release();
  });

  it('cached-KV decoder step equals full causal attention (1 and 2 positions per step)', async () => {
    const ws = mhaWeights('dec', 90);
    const b = new OnnxGraphBuilder('decoder_step');
    const query = b.input('input', 'float32', ['batch', 'step', D]);
    const pastKey = b.input('past_key_0', 'float32', ['batch', H, 'past', DH]);
    const pastValue = b.input('past_value_0', 'float32', ['batch', H, 'past', DH]);
    const mask = b.input('attn_mask', 'float32', ['batch', 1, 'step', 'total']);
    const r = emitCachedSelfAttention(
      b,
      { query, pastKey, pastValue, mask },
      { name: 'dec', heads: H },
      toWeightMap(ws),
    );
    b.output('output', r.output, 'float32', ['batch', 'step', D]);
    b.output('present_key_0', r.presentKey, 'float32', ['batch', H, 'total', DH]);
    b.output('present_value_0', r.presentValue, 'float32', ['batch', H, 'total', DH]);
    const session = await sessionFromBytes(b.toBytes());

    const B = 2;
    const x = randomArray(B * T * D, 91);
    const ref = tf.tidy(
      () =>
        mhaReference(
          tf.tensor3d(x, [B, T, D]),
          ws,
          tf.tensor4d(causalMask(), [1, 1, T, T]),
        ).dataSync() as Float32Array,
    );
    for (const stepSize of [1, 2]) {
      let key = zerosFloat32([B, H, 0, DH]);
      let value = zerosFloat32([B, H, 0, DH]);
      const got = new Float32Array(B * T * D);
      for (let t0 = 0; t0 < T; t0 += stepSize) {
        const chunk = new Float32Array(B * stepSize * D);
        for (let bb = 0; bb < B; bb++)
          chunk.set(x.subarray((bb * T + t0) * D, (bb * T + t0 + stepSize) * D), bb * stepSize * D);
        const total = t0 + stepSize;
        // Causal within the chunk: position t0+i sees cache positions ≤ t0+i.
        const m = new Float32Array(B * stepSize * total);
        for (let bb = 0; bb < B; bb++)
          for (let i = 0; i < stepSize; i++)
            for (let j = t0 + i + 1; j < total; j++) m[(bb * stepSize + i) * total + j] = NEG;
        const out = await session.run({
          input: float32Tensor(chunk, [B, stepSize, D]),
          past_key_0: key,
          past_value_0: value,
          attn_mask: float32Tensor(m, [B, 1, stepSize, total]),
        });
        key = out.present_key_0;
        value = out.present_value_0;
        expect(key.dims).toEqual([B, H, total, DH]);
        const y = out.output.data as Float32Array;
        for (let bb = 0; bb < B; bb++)
          got.set(y.subarray(bb * stepSize * D, (bb + 1) * stepSize * D), (bb * T + t0) * D);
      }
      expect(maxAbsDiff(got, ref)).toBeLessThanOrEqual(1e-4);
    }
    await session.release();
  });
  it('cross-attention from pre-projected memory K/V equals projecting in the graph', async () => {
    const ws = mhaWeights('cross', 110);
    const weights = toWeightMap(ws);
    const spec = { name: 'cross', heads: H };
    const TM = 5;
    // One graph projects memory once (as an encoder would export it) and also attends both ways.
    const b = new OnnxGraphBuilder('cross');
    const query = b.input('input', 'float32', ['batch', 'q_time', D]);
    const memory = b.input('memory', 'float32', ['batch', 'm_time', D]);
    const kv = emitKeyValueProjection(b, memory, spec, weights);
    const direct = emitMultiHeadAttention(b, { query, key: memory }, spec, weights);
    const viaKv = emitMultiHeadAttention(b, { query, projected: kv }, spec, weights);
    b.output('direct', direct, 'float32', ['batch', 'q_time', D]);
    b.output('via_kv', viaKv, 'float32', ['batch', 'q_time', D]);
    b.output('memory_key', kv.key, 'float32', ['batch', H, 'm_time', DH]);
    const session = await sessionFromBytes(b.toBytes());
    const B = 2;
    const out = await session.run({
      input: float32Tensor(randomArray(B * 3 * D, 111), [B, 3, D]),
      memory: float32Tensor(randomArray(B * TM * D, 112), [B, TM, D]),
    });
    expect(out.memory_key.dims).toEqual([B, H, TM, DH]);
    expect(maxAbsDiff(out.via_kv.data as Float32Array, out.direct.data as Float32Array)).toBeLessThanOrEqual(
      1e-6,
    );
    await session.release();
  });
});
