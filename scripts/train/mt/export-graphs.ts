/**
 * The translation model as two ONNX graphs (what server/stages/mt/neural/onnx-seq2seq.ts runs):
 *
 * encoder.onnx  source [batch, src] int64, source_mask [batch, 1, 1, src] (additive: 0 or −1e9)
 *               → memory [batch, src, d], cross_key_<l>/cross_value_<l> [batch, H, src, dh]
 *               (each decoder layer's cross-attention K/V, projected once per sentence)
 * decoder.onnx  tokens [batch, 1] int64, position [batch, 1] int64, source_mask,
 *               cross_key_<l>/cross_value_<l>, past_key_<l>/past_value_<l> [batch, H, past, dh]
 *               → logits [batch, 1, vocab], present_key_<l>/present_value_<l> [batch, H, past+1, dh]
 *
 * so each new token costs one decoder step over cached keys/values instead of re-running the
 * whole prefix. Weights are the training layout through splitAttentionWeights.
 */
import { OnnxGraphBuilder } from '../../export/graph-builder.ts';
import {
  emitCachedSelfAttention,
  emitKeyValueProjection,
  emitMultiHeadAttention,
} from '../../export/layers/attention.ts';
import { emitDense } from '../../export/layers/dense.ts';
import { emitEmbedding } from '../../export/layers/embedding.ts';
import { emitLayerNorm } from '../../export/layers/layer-norm.ts';
import { requireWeight, toWeightMap, type WeightMap, weightsFromMap } from '../../export/weights.ts';
import { LAYER_NORM_EPSILON, type Seq2SeqConfig, sinusoidTable } from '../lib/models/transformer-seq2seq.ts';
import type { WeightMap as TrainWeightMap } from '../lib/params.ts';
import { splitAttentionWeights } from '../lib/transformer.ts';

export interface MtGraphs {
  encoder: Uint8Array;
  decoder: Uint8Array;
}

const ln = (b: OnnxGraphBuilder, x: string, name: string, w: WeightMap) =>
  emitLayerNorm(b, x, { name, epsilon: LAYER_NORM_EPSILON }, w);

/** Gather(table rows by ids) · √d + sinusoid rows for `positions`. */
function embed(
  b: OnnxGraphBuilder,
  ids: string,
  positions: string,
  cfg: Seq2SeqConfig,
  w: WeightMap,
): string {
  const e = b.node('Mul', [
    emitEmbedding(b, ids, { name: 'emb' }, w),
    b.scalarFloat('emb_scale', Math.sqrt(cfg.dModel)),
  ]);
  const table = b.constant('positions', sinusoidTable(cfg.maxPositions, cfg.dModel), [
    cfg.maxPositions,
    cfg.dModel,
  ]);
  return b.node('Add', [e, b.node('Gather', [table, positions], { axis: { i: 0 } })]);
}

function ffn(b: OnnxGraphBuilder, x: string, name: string, w: WeightMap): string {
  const h = emitDense(b, ln(b, x, `${name}/ln3`, w), { name: `${name}/ffn1`, activation: 'relu' }, w);
  return b.node('Add', [x, emitDense(b, h, { name: `${name}/ffn2` }, w)]);
}

export function buildEncoderGraph(cfg: Seq2SeqConfig, w: WeightMap): Uint8Array {
  const b = new OnnxGraphBuilder('mt_encoder');
  const src = b.input('source', 'int64', ['batch', 'src']);
  const mask = b.input('source_mask', 'float32', ['batch', 1, 1, 'src']);
  // positions 0..src-1 from the input's own shape
  const len = b.node('Gather', [b.node('Shape', [src]), b.constant('one', BigInt64Array.of(1n), [])], {
    axis: { i: 0 },
  });
  const range = b.node('Range', [
    b.constant('zero', BigInt64Array.of(0n), []),
    len,
    b.constant('step', BigInt64Array.of(1n), []),
  ]);
  let x = embed(b, src, range, cfg, w);
  for (let i = 0; i < cfg.encoderLayers; i++) {
    const name = `enc${i}`;
    const att = emitMultiHeadAttention(
      b,
      { query: ln(b, x, `${name}/ln1`, w), mask },
      { name: `${name}/self`, heads: cfg.heads },
      w,
    );
    x = ffn(b, b.node('Add', [x, att]), name, w);
  }
  const memory = ln(b, x, 'enc_ln', w);
  b.output('memory', memory, 'float32', ['batch', 'src', cfg.dModel]);
  const dh = cfg.dModel / cfg.heads;
  for (let l = 0; l < cfg.decoderLayers; l++) {
    const kv = emitKeyValueProjection(b, memory, { name: `dec${l}/cross`, heads: cfg.heads }, w);
    b.output(`cross_key_${l}`, kv.key, 'float32', ['batch', cfg.heads, 'src', dh]);
    b.output(`cross_value_${l}`, kv.value, 'float32', ['batch', cfg.heads, 'src', dh]);
  }
  b.setMetadata('tolk.kind', 'mt-encoder');
  return b.toBytes();
}

export function buildDecoderStepGraph(cfg: Seq2SeqConfig, w: WeightMap): Uint8Array {
  const b = new OnnxGraphBuilder('mt_decoder_step');
  const dh = cfg.dModel / cfg.heads;
  const tokens = b.input('tokens', 'int64', ['batch', 1]);
  const position = b.input('position', 'int64', ['batch', 1]);
  const mask = b.input('source_mask', 'float32', ['batch', 1, 1, 'src']);
  let y = embed(b, tokens, position, cfg, w);
  const presents: { key: string; value: string }[] = [];
  for (let l = 0; l < cfg.decoderLayers; l++) {
    const name = `dec${l}`;
    const pastKey = b.input(`past_key_${l}`, 'float32', ['batch', cfg.heads, 'past', dh]);
    const pastValue = b.input(`past_value_${l}`, 'float32', ['batch', cfg.heads, 'past', dh]);
    const crossKey = b.input(`cross_key_${l}`, 'float32', ['batch', cfg.heads, 'src', dh]);
    const crossValue = b.input(`cross_value_${l}`, 'float32', ['batch', cfg.heads, 'src', dh]);
    // One new position attends to the whole cache and itself: no causal mask is needed.
    const self = emitCachedSelfAttention(
      b,
      { query: ln(b, y, `${name}/ln1`, w), pastKey, pastValue },
      { name: `${name}/self`, heads: cfg.heads },
      w,
    );
    presents.push({ key: self.presentKey, value: self.presentValue });
    y = b.node('Add', [y, self.output]);
    const cross = emitMultiHeadAttention(
      b,
      { query: ln(b, y, `${name}/ln2`, w), mask, projected: { key: crossKey, value: crossValue } },
      { name: `${name}/cross`, heads: cfg.heads },
      w,
    );
    y = ffn(b, b.node('Add', [y, cross]), name, w);
  }
  const h = ln(b, y, 'dec_ln', w);
  // Tied output projection: logits = h · Eᵀ (ORT folds the constant transpose at load).
  const table = b.weight(requireWeight(w, 'emb/embeddings'));
  const logits = b.node('MatMul', [h, b.node('Transpose', [table], { perm: { ints: [1, 0] } })]);
  b.output('logits', logits, 'float32', ['batch', 1, cfg.vocab]);
  presents.forEach((p, l) => {
    b.output(`present_key_${l}`, p.key, 'float32', ['batch', cfg.heads, 'total', dh]);
    b.output(`present_value_${l}`, p.value, 'float32', ['batch', cfg.heads, 'total', dh]);
  });
  b.setMetadata('tolk.kind', 'mt-decoder-step');
  return b.toBytes();
}

/** Both graphs from the training weights (ParamStore.getWeights()). */
export function buildMtGraphs(cfg: Seq2SeqConfig, weights: TrainWeightMap): MtGraphs {
  const w = toWeightMap(weightsFromMap(splitAttentionWeights(weights)));
  return { encoder: buildEncoderGraph(cfg, w), decoder: buildDecoderStepGraph(cfg, w) };
}
