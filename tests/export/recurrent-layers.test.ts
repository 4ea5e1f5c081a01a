/**
 * LSTM and GRU: whole-sequence parity with tfjs, streaming chunk by chunk through ORT with the
 * state carried between calls, dynamic batch, stacked layers and per-row sequence lengths.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { float32Tensor, int32Tensor, type OnnxModel, zerosFloat32 } from '../../models/onnx-session.ts';
import { buildSequentialModel, type LayerSpec, type SequentialIo } from '../../scripts/export/sequential.ts';
import { namedWeightsFromTfjs } from '../../scripts/export/tfjs-weights.ts';
import type { NamedWeight } from '../../scripts/export/weights.ts';
import {
  maxAbsDiff,
  predict,
  randomArray,
  randomizeWeights,
  runChunked,
  sessionFromBytes,
  tf,
  useCpuBackend,
} from './helpers.ts';

beforeAll(useCpuBackend);

const IN = 5;
const T = 12;

const runStreaming = (
  session: OnnxModel,
  io: SequentialIo,
  x: Float32Array,
  batch: number,
  chunks: number[],
) => runChunked(session, io, x, [batch, T, IN], chunks);

async function exportTfjs(
  model: tf.LayersModel,
  layers: LayerSpec[],
  extra: { sequenceLengths?: boolean } = {},
) {
  const { bytes, io } = buildSequentialModel(
    { inputFeatures: IN, layers, ...extra },
    namedWeightsFromTfjs(model),
  );
  return { session: await sessionFromBytes(bytes), io };
}

async function checkRecurrent(model: tf.LayersModel, specs: LayerSpec[], seed: number) {
  randomizeWeights(model, seed);
  const { session, io } = await exportTfjs(model, specs);
  try {
    for (const batch of [1, 5]) {
      const x = randomArray(batch * T * IN, seed + batch);
      const ref = predict(model, tf.tensor3d(x, [batch, T, IN]));
      const whole = await runStreaming(session, io, x, batch, [T]);
      expect(maxAbsDiff(whole.output, ref)).toBeLessThanOrEqual(1e-4);
      const streamed = await runStreaming(session, io, x, batch, [3, 1, 5, 3]);
      expect(maxAbsDiff(streamed.output, ref)).toBeLessThanOrEqual(1e-4);
      expect(maxAbsDiff(streamed.output, whole.output)).toBeLessThanOrEqual(1e-5);
    }
  } finally {
    await session.release();
  }
  return io;
}

describe('recurrent layers export', () => {
  for (const recurrentActivation of ['sigmoid', 'hardSigmoid'] as const) {
    it(`LSTM (${recurrentActivation}) whole and streamed`, async () => {
      const model = tf.sequential({
        layers: [
          tf.layers.lstm({
            name: 'lstm0',
            units: 7,
            recurrentActivation,
            returnSequences: true,
            inputShape: [null, IN],
          }),
        ],
      });
      const io = await checkRecurrent(model, [{ type: 'lstm', name: 'lstm0', recurrentActivation }], 100);
      expect(io.states.map((s) => [s.input, s.output])).toEqual([
        ['state_h_in_0', 'state_h_out_0'],
        ['state_c_in_0', 'state_c_out_0'],
      ]);
    });

    it(`GRU (${recurrentActivation}, reset_after=false) whole and streamed`, async () => {
      const model = tf.sequential({
        layers: [
          tf.layers.gru({
            name: 'gru0',
            units: 6,
            recurrentActivation,
            returnSequences: true,
            inputShape: [null, IN],
          }),
        ],
      });
      await checkRecurrent(model, [{ type: 'gru', name: 'gru0', recurrentActivation }], 200);
    });
  }

  it('stacked LSTM → GRU → Dense, batch 1 and 5, streamed', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.lstm({
          name: 'l0',
          units: 8,
          recurrentActivation: 'sigmoid',
          returnSequences: true,
          inputShape: [null, IN],
        }),
        tf.layers.gru({ name: 'g1', units: 4, recurrentActivation: 'sigmoid', returnSequences: true }),
        tf.layers.dense({ name: 'out', units: 3, activation: 'softmax' }),
      ],
    });
    const io = await checkRecurrent(
      model,
      [
        { type: 'lstm', name: 'l0', recurrentActivation: 'sigmoid' },
        { type: 'gru', name: 'g1', recurrentActivation: 'sigmoid' },
        { type: 'dense', name: 'out', activation: 'softmax' },
      ],
      300,
    );
    expect(io.states.map((s) => s.input)).toEqual(['state_h_in_0', 'state_c_in_0', 'state_h_in_1']);
  });

  it('seq_lens: rows of different lengths in one batch keep their exact last state', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.lstm({
          name: 'l',
          units: 5,
          recurrentActivation: 'sigmoid',
          returnSequences: true,
          inputShape: [null, IN],
        }),
      ],
    });
    randomizeWeights(model, 400);
    const { session, io } = await exportTfjs(
      model,
      [{ type: 'lstm', name: 'l', recurrentActivation: 'sigmoid' }],
      {
        sequenceLengths: true,
      },
    );
    const lens = [T, 7, 2];
    const x = randomArray(lens.length * T * IN, 401);
    const feeds = {
      input: float32Tensor(x, [lens.length, T, IN]),
      seq_lens: int32Tensor(lens, [lens.length]),
      state_h_in_0: zerosFloat32([lens.length, 5]),
      state_c_in_0: zerosFloat32([lens.length, 5]),
    };
    const out = await session.run(feeds);
    const h = out.state_h_out_0.data as Float32Array;
    expect(io.seqLens).toBe('seq_lens');
    for (let b = 0; b < lens.length; b++) {
      const row = x.slice(b * T * IN, (b * T + lens[b]) * IN);
      const ref = predict(model, tf.tensor3d(row, [1, lens[b], IN]));
      expect(maxAbsDiff(h.subarray(b * 5, (b + 1) * 5), ref.subarray((lens[b] - 1) * 5))).toBeLessThanOrEqual(
        1e-4,
      );
    }
    await session.release();
  });

  it('GRU reset_after=true (Keras 2 layout, bias [2, 3H]) matches a direct reference', async () => {
    const H = 4;
    const w: NamedWeight[] = [
      { name: 'g/kernel', shape: [IN, 3 * H], data: randomArray(IN * 3 * H, 500, 0.5) },
      { name: 'g/recurrent_kernel', shape: [H, 3 * H], data: randomArray(H * 3 * H, 501, 0.5) },
      { name: 'g/bias', shape: [2, 3 * H], data: randomArray(6 * H, 502, 0.5) },
    ];
    const { bytes } = buildSequentialModel(
      { inputFeatures: IN, layers: [{ type: 'gru', name: 'g', recurrentActivation: 'sigmoid' }] },
      w,
    );
    const session = await sessionFromBytes(bytes);
    const x = randomArray(T * IN, 503);
    const out = await session.run({
      input: float32Tensor(x, [1, T, IN]),
      state_h_in_0: zerosFloat32([1, H]),
    });
    // Keras GRU with reset_after: hh = tanh(x·Wh + bx_h + r ⊙ (h·Rh + bh_h)).
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const [k, rk, bias] = w.map((p) => p.data);
    let h = new Float64Array(H);
    const ref: number[] = [];
    for (let t = 0; t < T; t++) {
      const xp = new Float64Array(3 * H);
      const hp = new Float64Array(3 * H);
      for (let j = 0; j < 3 * H; j++) {
        xp[j] = bias[j];
        hp[j] = bias[3 * H + j];
        for (let i = 0; i < IN; i++) xp[j] += x[t * IN + i] * k[i * 3 * H + j];
        for (let i = 0; i < H; i++) hp[j] += h[i] * rk[i * 3 * H + j];
      }
      const next = new Float64Array(H);
      for (let u = 0; u < H; u++) {
        const z = sig(xp[u] + hp[u]);
        const r = sig(xp[H + u] + hp[H + u]);
        const hh = Math.tanh(xp[2 * H + u] + r * hp[2 * H + u]);
        next[u] = z * h[u] + (1 - z) * hh;
      }
      h = next;
      ref.push(...h);
    }
    expect(maxAbsDiff(out.output.data as Float32Array, ref)).toBeLessThanOrEqual(1e-4);
    await session.release();
  });
});
