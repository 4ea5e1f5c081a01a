/**
 * Export of a model described as a chain of layers (with optional residual blocks) over named
 * Keras-layout weights. Training code describes its model with `SequentialSpec` and hands over
 * `NamedWeight[]`; nothing here knows its classes.
 *
 * Graph I/O (all float32 unless said):
 *   input        [batch, time, features]  (int64 [batch, time] when the first layer is an embedding)
 *   attn_mask    additive mask broadcastable to [batch, heads, time, time], when any attention layer
 *   seq_lens     int32 [batch], when `sequenceLengths` is set (RNN layers stop each row there)
 *   state_h_in_k / state_c_in_k   [batch, units] for the k-th recurrent layer (c only for LSTM)
 *   conv_state_in_k  [batch, (kernel-1)·dilation, in] for the k-th causal Conv1D, with `convState`
 *   output       [batch, time', features']
 *   state_h_out_k / state_c_out_k / conv_state_out_k  the same shapes, to feed the next chunk
 */
import { type Dim, OnnxGraphBuilder } from './graph-builder.ts';
import { type ActivationName, emitActivation } from './layers/activations.ts';
import { type AttentionSpec, emitMultiHeadAttention } from './layers/attention.ts';
import { type Conv1DSpec, conv1dContextFrames, emitConv1D, emitStreamingConv1D } from './layers/conv1d.ts';
import { type DenseSpec, emitDense } from './layers/dense.ts';
import { type EmbeddingSpec, emitEmbedding } from './layers/embedding.ts';
import { emitGru, type GruSpec, gruUnits } from './layers/gru.ts';
import { emitLayerNorm, type LayerNormSpec } from './layers/layer-norm.ts';
import { emitLstm, type LstmSpec, lstmUnits } from './layers/lstm.ts';
import { type NamedWeight, requireWeight, toWeightMap, type WeightMap } from './weights.ts';

export type LayerSpec =
  | ({ type: 'dense' } & DenseSpec)
  | ({ type: 'conv1d' } & Conv1DSpec)
  | ({ type: 'layerNorm' } & LayerNormSpec)
  | ({ type: 'embedding' } & EmbeddingSpec)
  | ({ type: 'lstm' } & LstmSpec)
  | ({ type: 'gru' } & GruSpec)
  /** Self-attention over the whole input, masked by graph input `attn_mask`. */
  | ({ type: 'attention' } & AttentionSpec)
  | { type: 'activation'; activation: ActivationName }
  /** y = x + layers(x): pre-LN Transformer blocks are two of these. */
  | { type: 'residual'; layers: LayerSpec[] };

export interface SequentialSpec {
  /** Graph name; also stored in metadata. */
  name?: string;
  /** Feature size of a float input; omit when the first layer is an embedding (int64 ids). */
  inputFeatures?: number;
  layers: LayerSpec[];
  /** Adds int32 input `seq_lens` [batch] for RNN layers (rows of different lengths in one batch). */
  sequenceLengths?: boolean;
  /**
   * Causal Conv1D layers carry their left context as state (`conv_state_in_k`/`_out_k`), so a
   * stream can be fed chunk by chunk; each chunk's length must be a multiple of the strides.
   */
  convState?: boolean;
  /** Extra metadata_props entries (vocabulary, feature config, ...). */
  metadata?: Record<string, string>;
  opset?: number;
  /** By default a weight no layer reads is an error (it usually means a misspelt layer name). */
  allowUnusedWeights?: boolean;
}

export interface StateIo {
  layer: string;
  kind: 'h' | 'c' | 'conv';
  input: string;
  output: string;
  /** Shape of one stream's state (without the batch axis): [units], or [frames, channels] for conv. */
  rowDims: number[];
}

export interface SequentialIo {
  input: string;
  inputType: 'float32' | 'int64';
  output: string;
  outputFeatures: number;
  mask: string | null;
  seqLens: string | null;
  states: StateIo[];
}

export const SPEC_METADATA_KEY = 'tolk.sequential';
export const IO_METADATA_KEY = 'tolk.io';

export const stateInputName = (kind: 'h' | 'c', k: number) => `state_${kind}_in_${k}`;
export const stateOutputName = (kind: 'h' | 'c', k: number) => `state_${kind}_out_${k}`;
export const convStateInputName = (k: number) => `conv_state_in_${k}`;
export const convStateOutputName = (k: number) => `conv_state_out_${k}`;

interface Walk {
  b: OnnxGraphBuilder;
  weights: WeightMap;
  io: SequentialIo;
  features: number;
  timeDim: Dim;
  rnnCount: number;
  convCount: number;
  convState: boolean;
}

function emitLayer(w: Walk, x: string, layer: LayerSpec): string {
  const { b, weights } = w;
  switch (layer.type) {
    case 'dense':
      w.features = requireWeight(weights, `${layer.name}/kernel`).shape[1];
      return emitDense(b, x, layer, weights);
    case 'conv1d': {
      const kernel = requireWeight(weights, `${layer.name}/kernel`);
      const inputs = w.features;
      w.features = kernel.shape[2];
      const keepsLength = (layer.strides ?? 1) === 1 && (layer.padding ?? 'valid') !== 'valid';
      if (!keepsLength) w.timeDim = `${layer.name}_time`;
      const context = conv1dContextFrames(layer, weights);
      if (!w.convState || layer.padding !== 'causal' || context === 0)
        return emitConv1D(b, x, layer, weights);
      const k = w.convCount++;
      const rowDims = [context, kernel.shape[1]];
      if (inputs && inputs !== kernel.shape[1])
        throw new Error(`${layer.name}: kernel expects ${kernel.shape[1]} inputs, got ${inputs}`);
      const stateIn = b.input(convStateInputName(k), 'float32', ['batch', ...rowDims]);
      w.io.states.push({
        layer: layer.name,
        kind: 'conv',
        input: stateIn,
        output: convStateOutputName(k),
        rowDims,
      });
      const out = emitStreamingConv1D(b, x, layer, weights, stateIn);
      b.output(convStateOutputName(k), out.stateOut, 'float32', ['batch', ...rowDims]);
      return out.y;
    }
    case 'layerNorm':
      return emitLayerNorm(b, x, layer, weights);
    case 'embedding':
      w.features = requireWeight(weights, `${layer.name}/embeddings`).shape[1];
      return emitEmbedding(b, x, layer, weights);
    case 'lstm':
    case 'gru': {
      const k = w.rnnCount++;
      const units = layer.type === 'lstm' ? lstmUnits(layer, weights) : gruUnits(layer, weights);
      const kinds: ('h' | 'c')[] = layer.type === 'lstm' ? ['h', 'c'] : ['h'];
      const state: Record<string, string> = {};
      for (const kind of kinds) {
        state[kind] = b.input(stateInputName(kind, k), 'float32', ['batch', units]);
        w.io.states.push({
          layer: layer.name,
          kind,
          input: stateInputName(kind, k),
          output: stateOutputName(kind, k),
          rowDims: [units],
        });
      }
      const seqLens = w.io.seqLens ?? '';
      const out =
        layer.type === 'lstm'
          ? emitLstm(b, x, layer, weights, { h: state.h, c: state.c }, seqLens)
          : emitGru(b, x, layer, weights, { h: state.h }, seqLens);
      b.output(stateOutputName('h', k), out.h, 'float32', ['batch', units]);
      if (out.c) b.output(stateOutputName('c', k), out.c, 'float32', ['batch', units]);
      w.features = units;
      return out.y;
    }
    case 'attention': {
      if (!w.io.mask) {
        w.io.mask = b.input('attn_mask', 'float32', [
          'mask_batch',
          'mask_heads',
          'mask_q_time',
          'mask_k_time',
        ]);
      }
      const outKernel = requireWeight(weights, `${layer.name}/attention_output/kernel`);
      w.features = outKernel.shape[outKernel.shape.length - 1];
      return emitMultiHeadAttention(b, { query: x, mask: w.io.mask }, layer, weights);
    }
    case 'activation':
      return emitActivation(b, x, layer.activation);
    case 'residual': {
      let y = x;
      for (const inner of layer.layers) y = emitLayer(w, y, inner);
      return b.node('Add', [x, y]);
    }
  }
}

/** Builds the graph; returns the serialized model and a description of its I/O. */
export function buildSequentialModel(
  spec: SequentialSpec,
  weightList: readonly NamedWeight[],
): { bytes: Uint8Array; io: SequentialIo } {
  const weights = toWeightMap(weightList);
  const b = new OnnxGraphBuilder(spec.name ?? 'tolk', { opset: spec.opset });
  const tokens = spec.layers[0]?.type === 'embedding';
  if (!tokens && spec.inputFeatures == null) throw new Error('inputFeatures is required for a float input');
  const io: SequentialIo = {
    input: 'input',
    inputType: tokens ? 'int64' : 'float32',
    output: 'output',
    outputFeatures: spec.inputFeatures ?? 0,
    mask: null,
    seqLens: null,
    states: [],
  };
  const x = tokens
    ? b.input('input', 'int64', ['batch', 'time'])
    : b.input('input', 'float32', ['batch', 'time', spec.inputFeatures!]);
  // A conv's carried context would include a short row's padding frames: not exact, so refuse.
  if (spec.sequenceLengths && spec.convState)
    throw new Error('convState cannot be combined with sequenceLengths');
  if (spec.sequenceLengths) io.seqLens = b.input('seq_lens', 'int32', ['batch']);
  const walk: Walk = {
    b,
    weights,
    io,
    features: spec.inputFeatures ?? 0,
    timeDim: 'time',
    rnnCount: 0,
    convCount: 0,
    convState: spec.convState ?? false,
  };
  let y = x;
  for (const layer of spec.layers) y = emitLayer(walk, y, layer);
  const unused = [...weights.keys()].filter((n) => !b.hasWeight(n));
  if (unused.length && !spec.allowUnusedWeights)
    throw new Error(`weights not used by any layer: ${unused.join(', ')}`);
  io.outputFeatures = walk.features;
  b.output('output', y, 'float32', ['batch', walk.timeDim, walk.features]);
  b.setMetadata(SPEC_METADATA_KEY, JSON.stringify(spec));
  b.setMetadata(IO_METADATA_KEY, JSON.stringify(io));
  for (const [k, v] of Object.entries(spec.metadata ?? {})) b.setMetadata(k, v);
  return { bytes: b.toBytes(), io };
}
