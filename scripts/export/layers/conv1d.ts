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

/** Frames of left context a causal conv needs from before the chunk: (k-1)·d. */
export function conv1dContextFrames(spec: Conv1DSpec, weights: WeightMap): number {
  return (requireWeight(weights, `${spec.name}/kernel`).shape[0] - 1) * (spec.dilationRate ?? 1);
}

/**
 * Causal Conv1D for streaming: `stateIn` [batch, (k-1)·d, in] holds the last input frames of
 * the previous chunk (zeros at the start), the conv runs 'valid' over [state, chunk], and
 * `stateOut` is the last (k-1)·d frames of that. Chunk outputs concatenate to the whole-sequence
 * causal output when every chunk length is a multiple of the stride.
 */
export function emitStreamingConv1D(
  b: OnnxGraphBuilder,
  x: string,
  spec: Conv1DSpec,
  weights: WeightMap,
  stateIn: string,
): { y: string; stateOut: string } {
  if ((spec.padding ?? 'valid') !== 'causal') throw new Error(`${spec.name}: only causal Conv1D can stream`);
  const context = conv1dContextFrames(spec, weights);
  const withContext = b.node('Concat', [stateIn, x], { axis: { i: 1 } });
  const stateOut = b.node('Slice', [
    withContext,
    b.constInt64('ctx_start', [-context]),
    b.constInt64('ctx_end', [Number.MAX_SAFE_INTEGER]),
    b.constInt64('ctx_axis', [1]),
  ]);
  const y = emitConv1D(b, withContext, { ...spec, padding: 'valid' }, weights);
  return { y, stateOut };
}
