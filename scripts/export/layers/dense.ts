/** Keras Dense on [..., in] → [..., out]: MatMul with the kernel as stored, then Add bias. */
import type { OnnxGraphBuilder } from '../graph-builder.ts';
import { requireWeight, type WeightMap } from '../weights.ts';
import { type ActivationName, emitActivation } from './activations.ts';

export interface DenseSpec {
  /** Layer name: weights are `<name>/kernel` [in, out] and optional `<name>/bias` [out]. */
  name: string;
  activation?: ActivationName;
}

export function emitDense(b: OnnxGraphBuilder, x: string, spec: DenseSpec, weights: WeightMap): string {
  const kernel = requireWeight(weights, `${spec.name}/kernel`);
  if (kernel.shape.length !== 2) throw new Error(`${spec.name}/kernel must be [in, out]`);
  let y = b.node('MatMul', [x, b.weight(kernel)]);
  const bias = weights.get(`${spec.name}/bias`);
  if (bias) y = b.node('Add', [y, b.weight(requireWeight(weights, bias.name, [kernel.shape[1]]))]);
  return emitActivation(b, y, spec.activation);
}

export const denseUnits = (spec: DenseSpec, weights: WeightMap): number =>
  requireWeight(weights, `${spec.name}/kernel`).shape[1];
