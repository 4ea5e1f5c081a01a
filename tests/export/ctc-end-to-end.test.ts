/**
 * End to end: train a tiny LSTM-CTC model with the training toolkit (FastLstm, Dense, ctcLoss)
 * on synthetic feature sequences until the loss falls 20×, export it to ONNX, and decode the
 * same label sequences through onnxruntime-node, whole and streamed in chunks with carried state.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { float32Tensor, type OnnxTensor } from '../../models/onnx-session.ts';
import { buildSequentialModel } from '../../scripts/export/sequential.ts';
import { weightsFromMap } from '../../scripts/export/weights.ts';
import { ctcGreedyDecode, ctcLoss } from '../../scripts/train/lib/ctc.ts';
import { FastLstm } from '../../scripts/train/lib/fast-lstm.ts';
import { Dense } from '../../scripts/train/lib/layers.ts';
import { ParamStore } from '../../scripts/train/lib/params.ts';
import { maxAbsDiff, rng, sessionFromBytes, tf, useCpuBackend } from './helpers.ts';

beforeAll(useCpuBackend);

const F = 6; // feature dims
const V = 4; // blank + 3 symbols
const T = 16;
const U = 16;

/** Symbol k lights feature k (plus noise) for 3 frames; blanks between show feature 5. */
function makeData(seed: number) {
  const r = rng(seed);
  const labels = [[1, 2, 3], [3, 1], [2, 2], [1, 3, 2], [2], [3, 3, 1]];
  const x = new Float32Array(labels.length * T * F);
  labels.forEach((seq, b) => {
    const frame = (t: number, k: number) => {
      for (let f = 0; f < F; f++) x[(b * T + t) * F + f] = (f === k ? 1 : 0) + (r() - 0.5) * 0.2;
    };
    let t = 0;
    for (const k of seq) {
      frame(t++, 5);
      for (let i = 0; i < 3; i++) frame(t++, k);
    }
    while (t < T) frame(t++, 5);
  });
  return { x, labels };
}

function argmaxDecode(logits: Float32Array, batch: number, time: number): number[][] {
  return ctcGreedyDecode(tf.tensor3d(logits, [batch, time, V]));
}

describe('tiny CTC model: train → export → decode through onnxruntime-node', () => {
  it('decodes the training labels identically in tfjs and ORT', async () => {
    const params = new ParamStore();
    const lstm = new FastLstm(params, 'enc/lstm0', { inputSize: F, units: U, seed: 7, inputGrad: false });
    const out = new Dense(params, 'enc/logits', { inputSize: U, units: V, seed: 9 });
    const { x, labels } = makeData(1);
    const B = labels.length;
    const maxLabel = Math.max(...labels.map((l) => l.length));
    const padded = new Int32Array(B * maxLabel);
    labels.forEach((l, b) => {
      padded.set(l, b * maxLabel);
    });
    const batch = {
      labels: padded,
      maxLabelLength: maxLabel,
      inputLengths: labels.map(() => T),
      labelLengths: labels.map((l) => l.length),
    };
    const xs = tf.tensor3d(x, [B, T, F]);
    const forward = () => out.apply(lstm.apply(xs).output) as tf.Tensor3D;
    const optimizer = tf.train.adam(0.03);
    const lossAt = () => tf.tidy(() => tf.mean(ctcLoss(forward(), batch)).dataSync()[0]);
    const first = lossAt();
    let last = first;
    for (let step = 0; step < 300 && last > first / 20; step++) {
      const loss = optimizer.minimize(
        () => tf.mean(ctcLoss(forward(), batch)) as tf.Scalar,
        true,
        params.variables(),
      );
      last = loss!.dataSync()[0];
      loss!.dispose();
    }
    expect(last).toBeLessThan(first / 20);
    const tfLogits = tf.tidy(() => forward().dataSync() as Float32Array);
    expect(argmaxDecode(tfLogits, B, T)).toEqual(labels);

    const { bytes, io } = buildSequentialModel(
      {
        name: 'tiny-ctc',
        inputFeatures: F,
        layers: [
          { type: 'lstm', name: 'enc/lstm0', recurrentActivation: 'sigmoid' },
          { type: 'dense', name: 'enc/logits' },
        ],
      },
      weightsFromMap(params.getWeights()),
    );
    const session = await sessionFromBytes(bytes);
    const zeros = () =>
      Object.fromEntries(io.states.map((s) => [s.input, float32Tensor(new Float32Array(B * U), [B, U])]));
    const whole = await session.run({ input: float32Tensor(x, [B, T, F]), ...zeros() });
    expect(maxAbsDiff(whole.output.data as Float32Array, tfLogits)).toBeLessThanOrEqual(1e-4);
    expect(argmaxDecode(whole.output.data as Float32Array, B, T)).toEqual(labels);

    // Streamed: 4-frame chunks, all six streams in one batched call per chunk.
    const chunk = 4;
    let state: Record<string, OnnxTensor> = zeros();
    const streamed = new Float32Array(B * T * V);
    for (let t0 = 0; t0 < T; t0 += chunk) {
      const piece = new Float32Array(B * chunk * F);
      for (let b = 0; b < B; b++)
        piece.set(x.subarray((b * T + t0) * F, (b * T + t0 + chunk) * F), b * chunk * F);
      const res = await session.run({ input: float32Tensor(piece, [B, chunk, F]), ...state });
      state = Object.fromEntries(io.states.map((s) => [s.input, res[s.output]]));
      const y = res.output.data as Float32Array;
      for (let b = 0; b < B; b++)
        streamed.set(y.subarray(b * chunk * V, (b + 1) * chunk * V), (b * T + t0) * V);
    }
    expect(argmaxDecode(streamed, B, T)).toEqual(labels);
    expect(maxAbsDiff(streamed, tfLogits)).toBeLessThanOrEqual(1e-4);
    await session.release();
    params.dispose();
  });
});
