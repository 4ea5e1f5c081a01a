/** import(export(weights)) returns the same Keras-layout weights, bit for bit, for every layer kind. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOnnxBytes, importOnnxModel } from '../../scripts/export/import.ts';
import { buildSequentialModel, type SequentialSpec } from '../../scripts/export/sequential.ts';
import { namedWeightsFromTfjs, setTfjsWeights } from '../../scripts/export/tfjs-weights.ts';
import type { NamedWeight } from '../../scripts/export/weights.ts';
import { writeOnnxModel } from '../../scripts/export/write-model.ts';
import { predict, randomArray, randomizeWeights, tf, useCpuBackend, weightBits } from './helpers.ts';

beforeAll(useCpuBackend);
const dir = mkdtempSync(join(tmpdir(), 'tolk-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rand = (name: string, shape: number[], seed: number): NamedWeight => ({
  name,
  shape,
  data: randomArray(
    shape.reduce((a, b) => a * b, 1),
    seed,
  ),
});

describe('ONNX import', () => {
  it('returns every layer kind exactly (gate order, transposes, reshapes undone)', async () => {
    const weights = [
      rand('conv/kernel', [3, 4, 6], 1),
      rand('conv/bias', [6], 2),
      rand('ln/gamma', [6], 3),
      rand('ln/beta', [6], 4),
      rand('lstm/kernel', [6, 20], 5),
      rand('lstm/recurrent_kernel', [5, 20], 6),
      rand('lstm/bias', [20], 7),
      rand('gru/kernel', [5, 12], 8),
      rand('gru/recurrent_kernel', [4, 12], 9),
      rand('gru/bias', [12], 10),
      rand('gru2/kernel', [4, 9], 11),
      rand('gru2/recurrent_kernel', [3, 9], 12),
      rand('gru2/bias', [2, 9], 13),
      rand('att/query/kernel', [3, 2, 2], 14),
      rand('att/query/bias', [2, 2], 15),
      rand('att/key/kernel', [3, 2, 2], 16),
      rand('att/key/bias', [2, 2], 17),
      rand('att/value/kernel', [3, 4], 18),
      rand('att/value/bias', [4], 19),
      rand('att/attention_output/kernel', [2, 2, 3], 20),
      rand('att/attention_output/bias', [3], 21),
      rand('out/kernel', [3, 7], 22),
      rand('out/bias', [7], 23),
    ];
    const spec: SequentialSpec = {
      name: 'roundtrip',
      inputFeatures: 4,
      layers: [
        { type: 'conv1d', name: 'conv', padding: 'causal' },
        { type: 'layerNorm', name: 'ln' },
        { type: 'lstm', name: 'lstm', recurrentActivation: 'sigmoid' },
        { type: 'gru', name: 'gru', recurrentActivation: 'hardSigmoid' },
        { type: 'gru', name: 'gru2', recurrentActivation: 'sigmoid' },
        { type: 'attention', name: 'att', heads: 2 },
        { type: 'dense', name: 'out', activation: 'logSoftmax' },
      ],
      metadata: { vocabulary: JSON.stringify(['_', 'a', 'b']) },
    };
    const { bytes } = buildSequentialModel(spec, weights);
    const path = await writeOnnxModel(dir, bytes);
    expect(path.endsWith('model.onnx')).toBe(true);
    const imported = await importOnnxModel(path);
    const byName = (ws: NamedWeight[]) => [...ws].sort((x, y) => x.name.localeCompare(y.name));
    expect(weightBits(byName(imported.weights))).toEqual(weightBits(byName(weights)));
    expect(imported.sequential).toEqual(spec);
    expect(imported.metadata.vocabulary).toBe(spec.metadata!.vocabulary);
    expect(imported.opset).toBe(17);
  });

  it('writes imported weights back into a tfjs model that predicts the same', async () => {
    const make = () =>
      tf.sequential({
        layers: [
          tf.layers.lstm({
            name: 'l',
            units: 4,
            recurrentActivation: 'sigmoid',
            returnSequences: true,
            inputShape: [null, 3],
          }),
          tf.layers.dense({ name: 'd', units: 2 }),
        ],
      });
    const a = make();
    randomizeWeights(a, 5);
    const { bytes } = buildSequentialModel(
      {
        inputFeatures: 3,
        layers: [
          { type: 'lstm', name: 'l', recurrentActivation: 'sigmoid' },
          { type: 'dense', name: 'd' },
        ],
      },
      namedWeightsFromTfjs(a),
    );
    const b = make();
    setTfjsWeights(b, importOnnxBytes(bytes).weights);
    const x = tf.tensor3d(randomArray(2 * 5 * 3, 6), [2, 5, 3]);
    expect(Array.from(predict(b, x))).toEqual(Array.from(predict(a, x)));
  });

  it('rejects a model without tolk weight metadata', async () => {
    const { OnnxGraphBuilder } = await import('../../scripts/export/graph-builder.ts');
    const { onnx } = await import('../../scripts/export/onnx-proto.ts');
    const model = new OnnxGraphBuilder().build();
    model.metadataProps = [];
    expect(() => importOnnxBytes(onnx.ModelProto.encode(model).finish())).toThrow(/not a tolk export/);
  });

  it('refuses weights that no layer uses (misspelt layer names)', () => {
    expect(() =>
      buildSequentialModel({ inputFeatures: 3, layers: [{ type: 'dense', name: 'd' }] }, [
        rand('d/kernel', [3, 2], 1),
        rand('dd/bias', [2], 2),
      ]),
    ).toThrow(/not used by any layer: dd\/bias/);
  });
});
