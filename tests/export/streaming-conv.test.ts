/**
 * Causal Conv1D with `convState`: the left context is carried between chunks, so a
 * conv → LSTM → Dense stack streamed in chunks equals the whole sequence through tfjs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSequentialModel, type LayerSpec } from '../../scripts/export/sequential.ts';
import { namedWeightsFromTfjs } from '../../scripts/export/tfjs-weights.ts';
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

const IN = 4;
const T = 12;

describe('streaming causal Conv1D', () => {
  for (const [strides, dilationRate, chunks] of [
    [1, 1, [5, 1, 6]],
    [1, 2, [3, 3, 2, 4]],
    [2, 1, [4, 2, 6]],
  ] as const) {
    it(`strides=${strides} dilation=${dilationRate}, chunks ${chunks.join('+')}`, async () => {
      const kernelSize = 3;
      // tfjs has no causal padding: the reference pads (k-1)·d zero frames on the left, then 'valid'.
      const model = tf.sequential({
        layers: [
          tf.layers.conv1d({
            name: 'c0',
            filters: 5,
            kernelSize,
            strides,
            dilationRate,
            padding: 'valid',
            activation: 'relu',
            inputShape: [null, IN],
          }),
          tf.layers.lstm({ name: 'l0', units: 6, recurrentActivation: 'sigmoid', returnSequences: true }),
          tf.layers.dense({ name: 'out', units: 3 }),
        ],
      });
      randomizeWeights(model, 7 + strides + dilationRate);
      const specs: LayerSpec[] = [
        { type: 'conv1d', name: 'c0', padding: 'causal', strides, dilationRate, activation: 'relu' },
        { type: 'lstm', name: 'l0', recurrentActivation: 'sigmoid' },
        { type: 'dense', name: 'out' },
      ];
      const { bytes, io } = buildSequentialModel(
        { inputFeatures: IN, layers: specs, convState: true },
        namedWeightsFromTfjs(model),
      );
      expect(io.states.map((s) => [s.input, s.rowDims])).toEqual([
        ['conv_state_in_0', [(kernelSize - 1) * dilationRate, IN]],
        ['state_h_in_0', [6]],
        ['state_c_in_0', [6]],
      ]);
      const session = await sessionFromBytes(bytes);
      for (const batch of [1, 3]) {
        const x = randomArray(batch * T * IN, 30 + batch);
        const padded = tf.pad(tf.tensor3d(x, [batch, T, IN]), [
          [0, 0],
          [(kernelSize - 1) * dilationRate, 0],
          [0, 0],
        ]);
        const ref = predict(model, padded);
        const whole = await runChunked(session, io, x, [batch, T, IN], [T]);
        expect(maxAbsDiff(whole.output, ref)).toBeLessThanOrEqual(1e-4);
        const streamed = await runChunked(session, io, x, [batch, T, IN], [...chunks]);
        expect(maxAbsDiff(streamed.output, ref)).toBeLessThanOrEqual(1e-4);
      }
      await session.release();
    });
  }
});
