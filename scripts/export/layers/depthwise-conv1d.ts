/**
 * Depthwise Conv1D ('same' padding, odd kernel) on [batch, time, channels]: an ONNX Conv with
 * group = channels between two transposes. The toolkit's kernel [k, channels] is stored as the
 * [channels, 1, k] weight a grouped Conv wants.
 */
import type { OnnxGraphBuilder } from '../graph-builder.ts';
import { requireWeight, type WeightMap } from '../weights.ts';

export interface DepthwiseConv1DSpec {
  /** Weights `<name>/kernel` [kernelSize, channels] and optional `<name>/bias` [channels]. */
  name: string;
}

export function emitDepthwiseConv1D(
  b: OnnxGraphBuilder,
  x: string,
  spec: DepthwiseConv1DSpec,
  weights: WeightMap,
): string {
  const kernel = requireWeight(weights, `${spec.name}/kernel`);
  if (kernel.shape.length !== 2) throw new Error(`${spec.name}/kernel must be [kernelSize, channels]`);
  const [k, channels] = kernel.shape;
  if (k % 2 !== 1) throw new Error(`${spec.name}: kernel size must be odd for 'same' padding`);
  const inputs = [
    b.node('Transpose', [x], { perm: { ints: [0, 2, 1] } }),
    b.weight(kernel, [
      { op: 'transpose', perm: [1, 0] },
      { op: 'reshape', shape: [channels, 1, k] },
    ]),
  ];
  const bias = weights.get(`${spec.name}/bias`);
  if (bias) inputs.push(b.weight(requireWeight(weights, bias.name, [channels])));
  const y = b.node('Conv', inputs, {
    kernel_shape: { ints: [k] },
    group: { i: channels },
    pads: { ints: [(k - 1) / 2, (k - 1) / 2] },
  });
  return b.node('Transpose', [y], { perm: { ints: [0, 2, 1] } });
}
