/**
 * Keras Conv1D on [batch, time, in] (channels last). ONNX Conv wants [batch, in, time], so the
 * input and output are transposed around it; the kernel [k, in, out] is stored as [out, in, k].
 */
import type { OnnxGraphBuilder } from '../graph-builder.ts';
import { requireWeight, type WeightMap } from '../weights.ts';
import { type ActivationName, emitActivation } from './activations.ts';

export interface Conv1DSpec {
  /** Weights `<name>/kernel` [kernelSize, in, out] and optional `<name>/bias` [out]. */
  name: string;
  strides?: number;
  dilationRate?: number;
  /** 'causal' pads (k-1)·d frames on the left only, so output t sees inputs ≤ t. */
  padding?: 'valid' | 'same' | 'causal';
  activation?: ActivationName;
}

export function emitConv1D(b: OnnxGraphBuilder, x: string, spec: Conv1DSpec, weights: WeightMap): string {
  const kernel = requireWeight(weights, `${spec.name}/kernel`);
  if (kernel.shape.length !== 3) throw new Error(`${spec.name}/kernel must be [kernelSize, in, out]`);
  const [k, , out] = kernel.shape;
  const strides = spec.strides ?? 1;
  const dilation = spec.dilationRate ?? 1;
  const padding = spec.padding ?? 'valid';
  const inputs = [
    b.node('Transpose', [x], { perm: { ints: [0, 2, 1] } }),
    b.weight(kernel, [{ op: 'transpose', perm: [2, 1, 0] }]),
  ];
  const bias = weights.get(`${spec.name}/bias`);
  if (bias) inputs.push(b.weight(requireWeight(weights, bias.name, [out])));
  const attrs: Parameters<OnnxGraphBuilder['node']>[2] = {
    kernel_shape: { ints: [k] },
    strides: { ints: [strides] },
    dilations: { ints: [dilation] },
  };
  if (padding === 'causal') attrs.pads = { ints: [(k - 1) * dilation, 0] };
  // SAME_UPPER puts the odd padding frame at the end, as TensorFlow does.
  else if (padding === 'same') attrs.auto_pad = { s: 'SAME_UPPER' };
  else attrs.pads = { ints: [0, 0] };
  const y = b.node('Conv', inputs, attrs);
  return emitActivation(b, b.node('Transpose', [y], { perm: { ints: [0, 2, 1] } }), spec.activation);
}
