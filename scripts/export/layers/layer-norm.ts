/** Keras LayerNormalization over the last axis, as ONNX LayerNormalization (opset 17+). */
import type { OnnxGraphBuilder } from '../graph-builder.ts';
import { requireWeight, type WeightMap } from '../weights.ts';

export interface LayerNormSpec {
  /** Weights `<name>/gamma` and `<name>/beta`, both [features]. */
  name: string;
  /** tfjs and Keras default to 1e-3. */
  epsilon?: number;
}

export function emitLayerNorm(
  b: OnnxGraphBuilder,
  x: string,
  spec: LayerNormSpec,
  weights: WeightMap,
): string {
  if (b.opset < 17) throw new Error('LayerNormalization needs opset 17 or newer');
  const gamma = requireWeight(weights, `${spec.name}/gamma`);
  const beta = requireWeight(weights, `${spec.name}/beta`, gamma.shape);
  return b.node('LayerNormalization', [x, b.weight(gamma), b.weight(beta)], {
    axis: { i: -1 },
    epsilon: { f: spec.epsilon ?? 1e-3 },
  });
}
