/**
 * Keras-style multi-head attention as MatMul/Softmax composition (works on any opset ≥ 13),
 * with an additive mask input (0 keeps, a large negative value such as -1e9 drops), plus a
 * cached-KV variant for decoder steps: past keys/values in, present keys/values out.
 *
 * Weights (Keras MultiHeadAttention names; 2-D forms [D, H·dh] are accepted too):
 *   <name>/query/kernel [D, H, dh]   <name>/query/bias [H, dh]   (same for key, value)
 *   <name>/attention_output/kernel [H, dh, D_out]   <name>/attention_output/bias [D_out]
 * Cached keys/values are [batch, heads, time, headDim].
 */
import type { OnnxGraphBuilder } from '../graph-builder.ts';
import type { TransformStep } from '../weight-transforms.ts';
import { type NamedWeight, requireWeight, type WeightMap } from '../weights.ts';

export interface AttentionSpec {
  name: string;
  heads: number;
}

interface Projection {
  kernel: string;
  bias: string | null;
  headDim: number;
}

function flatten2d(w: NamedWeight, shape: number[]): TransformStep[] {
  return w.shape.length === shape.length && w.shape.every((d, i) => d === shape[i])
    ? []
    : [{ op: 'reshape', shape }];
}

function inputProjection(
  b: OnnxGraphBuilder,
  spec: AttentionSpec,
  part: string,
  weights: WeightMap,
): Projection {
  const kernel = requireWeight(weights, `${spec.name}/${part}/kernel`);
  const width = kernel.data.length / kernel.shape[0];
  const headDim = width / spec.heads;
  if (!Number.isInteger(headDim)) throw new Error(`${kernel.name}: ${width} columns for ${spec.heads} heads`);
  const bias = weights.get(`${spec.name}/${part}/bias`);
  return {
    kernel: b.weight(kernel, flatten2d(kernel, [kernel.shape[0], width])),
    bias: bias ? b.weight(bias, flatten2d(bias, [width])) : null,
    headDim,
  };
}

/** [B, T, D] → [B, H, T, dh] */
function project(b: OnnxGraphBuilder, x: string, p: Projection, heads: number): string {
  let y = b.node('MatMul', [x, p.kernel]);
  if (p.bias) y = b.node('Add', [y, p.bias]);
  const split = b.node('Reshape', [y, b.constInt64('heads_shape', [0, 0, heads, p.headDim])]);
  return b.node('Transpose', [split], { perm: { ints: [0, 2, 1, 3] } });
}

/** Scaled dot-product over heads; q, k, v: [B, H, T, dh]; returns [B, Tq, D_out]. */
function attend(
  b: OnnxGraphBuilder,
  spec: AttentionSpec,
  weights: WeightMap,
  q: string,
  k: string,
  v: string,
  headDim: number,
  mask: string | undefined,
): string {
  const qScaled = b.node('Mul', [q, b.scalarFloat('attn_scale', 1 / Math.sqrt(headDim))]);
  let scores = b.node('MatMul', [qScaled, b.node('Transpose', [k], { perm: { ints: [0, 1, 3, 2] } })]);
  if (mask) scores = b.node('Add', [scores, mask]);
  const probs = b.node('Softmax', [scores], { axis: { i: -1 } });
  const ctx = b.node('Transpose', [b.node('MatMul', [probs, v])], { perm: { ints: [0, 2, 1, 3] } });
  const merged = b.node('Reshape', [ctx, b.constInt64('merge_shape', [0, 0, spec.heads * headDim])]);
  const outKernel = requireWeight(weights, `${spec.name}/attention_output/kernel`);
  const outDim = outKernel.shape[outKernel.shape.length - 1];
  let y = b.node('MatMul', [
    merged,
    b.weight(outKernel, flatten2d(outKernel, [spec.heads * headDim, outDim])),
  ]);
  const outBias = weights.get(`${spec.name}/attention_output/bias`);
  if (outBias) y = b.node('Add', [y, b.weight(requireWeight(weights, outBias.name, [outDim]))]);
  return y;
}

export interface AttentionInputs {
  /** [batch, q_time, D] */
  query: string;
  /** [batch, k_time, D]; defaults to query (self-attention). */
  key?: string;
  /** defaults to key */
  value?: string;
  /** additive, broadcastable to [batch, heads, q_time, k_time] */
  mask?: string;
  /**
   * Keys/values already projected to [batch, heads, k_time, dh] (see emitKeyValueProjection):
   * a decoder step graph takes the encoder memory's K/V as inputs instead of re-projecting it.
   */
  projected?: { key: string; value: string };
}

/** Projects memory [batch, time, D] to this layer's keys and values, [batch, heads, time, dh]. */
export function emitKeyValueProjection(
  b: OnnxGraphBuilder,
  memory: string,
  spec: AttentionSpec,
  weights: WeightMap,
): { key: string; value: string } {
  return {
    key: project(b, memory, inputProjection(b, spec, 'key', weights), spec.heads),
    value: project(b, memory, inputProjection(b, spec, 'value', weights), spec.heads),
  };
}

export function emitMultiHeadAttention(
  b: OnnxGraphBuilder,
  io: AttentionInputs,
  spec: AttentionSpec,
  weights: WeightMap,
): string {
  const pq = inputProjection(b, spec, 'query', weights);
  const q = project(b, io.query, pq, spec.heads);
  if (io.projected)
    return attend(b, spec, weights, q, io.projected.key, io.projected.value, pq.headDim, io.mask);
  const key = io.key ?? io.query;
  const value = io.value ?? key;
  const k = project(b, key, inputProjection(b, spec, 'key', weights), spec.heads);
  const v = project(b, value, inputProjection(b, spec, 'value', weights), spec.heads);
  return attend(b, spec, weights, q, k, v, pq.headDim, io.mask);
}

export interface CachedAttentionInputs {
  /** [batch, step_time, D]: the new positions only */
  query: string;
  /** [batch, heads, past_time, dh] */
  pastKey: string;
  pastValue: string;
  /** additive, broadcastable to [batch, heads, step_time, past_time + step_time] */
  mask?: string;
}

/**
 * Decoder-step self-attention: keys/values of the new positions are appended to the cache and
 * the new queries attend to all of it. Returns present caches for the next step.
 */
export function emitCachedSelfAttention(
  b: OnnxGraphBuilder,
  io: CachedAttentionInputs,
  spec: AttentionSpec,
  weights: WeightMap,
): { output: string; presentKey: string; presentValue: string } {
  const pq = inputProjection(b, spec, 'query', weights);
  const pk = inputProjection(b, spec, 'key', weights);
  const pv = inputProjection(b, spec, 'value', weights);
  const q = project(b, io.query, pq, spec.heads);
  const presentKey = b.node('Concat', [io.pastKey, project(b, io.query, pk, spec.heads)], { axis: { i: 2 } });
  const presentValue = b.node('Concat', [io.pastValue, project(b, io.query, pv, spec.heads)], {
    axis: { i: 2 },
  });
  const output = attend(b, spec, weights, q, presentKey, presentValue, pq.headDim, io.mask);
  return { output, presentKey, presentValue };
}

export function attentionHeadDim(spec: AttentionSpec, weights: WeightMap): number {
  const kernel = requireWeight(weights, `${spec.name}/query/kernel`);
  return kernel.data.length / kernel.shape[0] / spec.heads;
}
