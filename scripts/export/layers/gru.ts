/**
 * Keras GRU as one ONNX GRU node with explicit state in and out. Both use gate order [z, r, h].
 * reset_after=false (tfjs, Keras 1) has bias [3H] and maps to linear_before_reset=0 with a zero
 * recurrent bias; reset_after=true (Keras 2+ default) has bias [2, 3H] = [input, recurrent] and
 * maps to linear_before_reset=1. Which one is read off the bias shape.
 */
import type { OnnxGraphBuilder } from '../graph-builder.ts';
import type { TransformStep } from '../weight-transforms.ts';
import { requireWeight, type WeightMap } from '../weights.ts';
import type { RnnOutputs, RnnStateNames } from './lstm.ts';
import {
  type CellActivation,
  type GateActivation,
  rnnActivationAttrs,
  sequenceFromOnnx,
  stateFromOnnx,
  stateToOnnx,
  toTimeMajor,
} from './recurrent-io.ts';

export interface GruSpec {
  /** Weights `<name>/kernel` [in, 3H], `<name>/recurrent_kernel` [H, 3H], optional `<name>/bias`. */
  name: string;
  recurrentActivation: GateActivation;
  activation?: CellActivation;
}

const gatesToOnnx = (rows: number, units: number): TransformStep[] => [
  { op: 'transpose', perm: [1, 0] },
  { op: 'reshape', shape: [1, 3 * units, rows] },
];

export function gruUnits(spec: { name: string }, weights: WeightMap): number {
  return requireWeight(weights, `${spec.name}/recurrent_kernel`).shape[0];
}

export function emitGru(
  b: OnnxGraphBuilder,
  x: string,
  spec: GruSpec,
  weights: WeightMap,
  state: RnnStateNames,
  seqLens = '',
): RnnOutputs {
  const units = gruUnits(spec, weights);
  const kernel = requireWeight(weights, `${spec.name}/kernel`, [-1, 3 * units]);
  const recurrent = requireWeight(weights, `${spec.name}/recurrent_kernel`, [units, 3 * units]);
  const biasW = weights.get(`${spec.name}/bias`);
  let resetAfter = false;
  let bias = '';
  if (biasW?.shape.length === 2) {
    resetAfter = true;
    bias = b.weight(requireWeight(weights, biasW.name, [2, 3 * units]), [
      { op: 'reshape', shape: [1, 6 * units] },
    ]);
  } else if (biasW) {
    bias = b.weight(requireWeight(weights, biasW.name, [3 * units]), [
      { op: 'appendZeroHalf' },
      { op: 'reshape', shape: [1, 6 * units] },
    ]);
  }
  const [y, yh] = b.nodeMulti(
    'GRU',
    [
      toTimeMajor(b, x),
      b.weight(kernel, gatesToOnnx(kernel.shape[0], units)),
      b.weight(recurrent, gatesToOnnx(units, units)),
      bias,
      seqLens,
      stateToOnnx(b, state.h),
    ],
    {
      hidden_size: { i: units },
      direction: { s: 'forward' },
      linear_before_reset: { i: resetAfter ? 1 : 0 },
      ...rnnActivationAttrs(spec.recurrentActivation, spec.activation ?? 'tanh', 1),
    },
    2,
  );
  return { y: sequenceFromOnnx(b, y), h: stateFromOnnx(b, yh) };
}
