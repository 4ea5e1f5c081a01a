/**
 * Keras LSTM as one ONNX LSTM node with explicit state in and out.
 * Gate order: Keras/tfjs kernels are [i, f, c, o]; ONNX W/R/B are [i, o, f, c].
 * Keras has one bias; ONNX has B = [Wb, Rb], so Rb is stored as zeros.
 */
import type { OnnxGraphBuilder } from '../graph-builder.ts';
import { LSTM_KERAS_TO_ONNX, type TransformStep } from '../weight-transforms.ts';
import { requireWeight, type WeightMap } from '../weights.ts';
import {
  type CellActivation,
  type GateActivation,
  rnnActivationAttrs,
  sequenceFromOnnx,
  stateFromOnnx,
  stateToOnnx,
  toTimeMajor,
} from './recurrent-io.ts';

export interface LstmSpec {
  /** Weights `<name>/kernel` [in, 4H], `<name>/recurrent_kernel` [H, 4H], optional `<name>/bias` [4H]. */
  name: string;
  /** tfjs defaults to 'hardSigmoid', Keras 3 and most trainers to 'sigmoid': say which. */
  recurrentActivation: GateActivation;
  activation?: CellActivation;
}

export interface RnnStateNames {
  h: string;
  c?: string;
}

export interface RnnOutputs {
  /** [batch, time, hidden] */
  y: string;
  /** [batch, hidden] final states */
  h: string;
  c?: string;
}

const gatesToOnnx = (rows: number, units: number): TransformStep[] => [
  { op: 'reorder', axis: 1, blocks: 4, order: LSTM_KERAS_TO_ONNX },
  { op: 'transpose', perm: [1, 0] },
  { op: 'reshape', shape: [1, 4 * units, rows] },
];

export function lstmUnits(spec: { name: string }, weights: WeightMap): number {
  return requireWeight(weights, `${spec.name}/recurrent_kernel`).shape[0];
}

/**
 * x: [batch, time, in]; state.h / state.c: [batch, H]; seqLens: optional int32 [batch] so
 * streams with shorter chunks keep their exact last state.
 */
export function emitLstm(
  b: OnnxGraphBuilder,
  x: string,
  spec: LstmSpec,
  weights: WeightMap,
  state: RnnStateNames,
  seqLens = '',
): RnnOutputs {
  if (!state.c) throw new Error(`${spec.name}: LSTM needs a cell state input`);
  const units = lstmUnits(spec, weights);
  const kernel = requireWeight(weights, `${spec.name}/kernel`, [-1, 4 * units]);
  const recurrent = requireWeight(weights, `${spec.name}/recurrent_kernel`, [units, 4 * units]);
  const biasW = weights.get(`${spec.name}/bias`);
  const bias = biasW
    ? b.weight(requireWeight(weights, biasW.name, [4 * units]), [
        { op: 'reorder', axis: 0, blocks: 4, order: LSTM_KERAS_TO_ONNX },
        { op: 'appendZeroHalf' },
        { op: 'reshape', shape: [1, 8 * units] },
      ])
    : '';
  const [y, yh, yc] = b.nodeMulti(
    'LSTM',
    [
      toTimeMajor(b, x),
      b.weight(kernel, gatesToOnnx(kernel.shape[0], units)),
      b.weight(recurrent, gatesToOnnx(units, units)),
      bias,
      seqLens,
      stateToOnnx(b, state.h),
      stateToOnnx(b, state.c),
    ],
    {
      hidden_size: { i: units },
      direction: { s: 'forward' },
      ...rnnActivationAttrs(spec.recurrentActivation, spec.activation ?? 'tanh', 2),
    },
    3,
  );
  return { y: sequenceFromOnnx(b, y), h: stateFromOnnx(b, yh), c: stateFromOnnx(b, yc) };
}
