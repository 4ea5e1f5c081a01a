/** Dense, Conv1D, LayerNorm, Embedding and activations: tfjs vs onnxruntime-node, ≤ 1e-4. */
import { beforeAll, describe, expect, it } from 'vitest';
import { float32Tensor, int64Tensor } from '../../models/onnx-session.ts';
import { buildSequentialModel, type LayerSpec } from '../../scripts/export/sequential.ts';
import { namedWeightsFromTfjs } from '../../scripts/export/tfjs-weights.ts';
import {
  maxAbsDiff,
  predict,
  randomArray,
  randomizeWeights,
  sessionFromBytes,
  tf,
  useCpuBackend,
} from './helpers.ts';

beforeAll(useCpuBackend);

const IN = 6;
const T = 11;

async function checkParity(
  layers: tf.layers.Layer[],
  specs: LayerSpec[],
  seed: number,
  tfjsInput: (x: tf.Tensor3D) => tf.Tensor = (x) => x,
) {
  const model = tf.sequential({ layers });
  randomizeWeights(model, seed);
  const { bytes } = buildSequentialModel({ inputFeatures: IN, layers: specs }, namedWeightsFromTfjs(model));
  const session = await sessionFromBytes(bytes);
  try {
    // Batch 1 and batch 5 through the same session: the batch axis is dynamic.
    for (const batch of [1, 5]) {
      const x = randomArray(batch * T * IN, seed + batch);
      const ref = predict(model, tfjsInput(tf.tensor3d(x, [batch, T, IN])));
      const out = (await session.run({ input: float32Tensor(x, [batch, T, IN]) })).output;
      expect(out.dims[0]).toBe(batch);
      expect(out.data.length).toBe(ref.length);
      expect(maxAbsDiff(out.data as Float32Array, ref)).toBeLessThanOrEqual(1e-4);
    }
  } finally {
    await session.release();
    model.dispose();
  }
}

describe('feed-forward layers export', () => {
  it('Dense with each activation', async () => {
    // [tfjs name, export name]
    const acts = [
      ['linear', 'linear'],
      ['relu', 'relu'],
      ['tanh', 'tanh'],
      ['sigmoid', 'sigmoid'],
      ['hardSigmoid', 'hardSigmoid'],
      ['softmax', 'softmax'],
      ['logSoftmax', 'logSoftmax'],
      ['elu', 'elu'],
      ['selu', 'selu'],
      ['softplus', 'softplus'],
      ['swish', 'swish'],
      ['gelu', 'gelu'],
      ['gelu_new', 'geluTanh'],
    ] as const;
    const layers = acts.map(([a], i) =>
      tf.layers.dense({
        name: `dense${i}`,
        units: 5 + (i % 3),
        // 'gelu_new' is registered in tfjs but missing from its ActivationIdentifier type.
        activation: a as 'gelu',
        inputShape: i === 0 ? [T, IN] : undefined,
      }),
    );
    await checkParity(
      layers,
      acts.map(([, a], i) => ({ type: 'dense', name: `dense${i}`, activation: a })),
      11,
    );
  });

  it('Dense without bias', async () => {
    await checkParity(
      [tf.layers.dense({ name: 'd', units: 4, useBias: false, inputShape: [T, IN] })],
      [{ type: 'dense', name: 'd' }],
      12,
    );
  });

  for (const [padding, strides, dilationRate] of [
    ['valid', 1, 1],
    ['causal', 1, 1],
    ['causal', 1, 2],
    ['same', 1, 1],
    ['valid', 2, 1],
    ['same', 2, 1],
  ] as const) {
    it(`Conv1D padding=${padding} strides=${strides} dilation=${dilationRate}`, async () => {
      // tfjs has no causal conv1d: its reference is 'valid' on input left-padded by (k-1)·d frames.
      const causal = padding === 'causal';
      const leftPad = causal
        ? (x: tf.Tensor) =>
            tf.pad(x, [
              [0, 0],
              [2 * dilationRate, 0],
              [0, 0],
            ])
        : undefined;
      await checkParity(
        [
          tf.layers.conv1d({
            name: 'conv0',
            filters: 7,
            kernelSize: 3,
            padding: causal ? 'valid' : padding,
            strides,
            dilationRate,
            activation: 'relu',
            inputShape: [causal ? null : T, IN],
          }),
        ],
        [{ type: 'conv1d', name: 'conv0', padding, strides, dilationRate, activation: 'relu' }],
        20,
        leftPad,
      );
    });
  }

  it('LayerNormalization', async () => {
    await checkParity(
      [
        tf.layers.dense({ name: 'd', units: 8, inputShape: [T, IN] }),
        tf.layers.layerNormalization({ name: 'ln', epsilon: 1e-3 }),
      ],
      [
        { type: 'dense', name: 'd' },
        { type: 'layerNorm', name: 'ln', epsilon: 1e-3 },
      ],
      30,
    );
  });

  it('Embedding (int64 ids) followed by Dense', async () => {
    const vocab = 13;
    const model = tf.sequential({
      layers: [
        tf.layers.embedding({ name: 'emb', inputDim: vocab, outputDim: 5, inputLength: T }),
        tf.layers.dense({ name: 'out', units: 3 }),
      ],
    });
    randomizeWeights(model, 40);
    const { bytes, io } = buildSequentialModel(
      {
        layers: [
          { type: 'embedding', name: 'emb' },
          { type: 'dense', name: 'out' },
        ],
      },
      namedWeightsFromTfjs(model),
    );
    expect(io.inputType).toBe('int64');
    const session = await sessionFromBytes(bytes);
    for (const batch of [1, 5]) {
      const ids = Array.from({ length: batch * T }, (_, i) => (i * 7 + batch) % vocab);
      const ref = predict(model, tf.tensor2d(ids, [batch, T], 'int32'));
      const out = (await session.run({ input: int64Tensor(ids, [batch, T]) })).output;
      expect(maxAbsDiff(out.data as Float32Array, ref)).toBeLessThanOrEqual(1e-4);
    }
    await session.release();
  });
});
