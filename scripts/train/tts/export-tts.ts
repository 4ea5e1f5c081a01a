/**
 * Writes a trained acoustic model as a shipped folder: `encoder.onnx`, `decoder.onnx` and
 * `model.json` (server/stages/tts/acoustic/tts-card.ts says what each graph takes and gives).
 * Both graphs compute the sinusoidal positions themselves from the input length (Range → Sin/Cos),
 * so callers pass only symbols / expanded frames, and any length works.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FRAME_PROGRESS_DIM } from '../../../server/stages/tts/acoustic/length-regulator.ts';
import type { TtsModelCard } from '../../../server/stages/tts/acoustic/tts-card.ts';
import {
  TTS_DECODER_INPUT,
  TTS_DECODER_PROGRESS_INPUT,
  TTS_ENCODER_INPUT,
} from '../../../server/stages/tts/acoustic/tts-card.ts';
import { OnnxGraphBuilder } from '../../export/graph-builder.ts';
import { emitMultiHeadAttention } from '../../export/layers/attention.ts';
import { emitConv1D } from '../../export/layers/conv1d.ts';
import { emitDense } from '../../export/layers/dense.ts';
import { emitEmbedding } from '../../export/layers/embedding.ts';
import { emitLayerNorm } from '../../export/layers/layer-norm.ts';
import { toWeightMap, type WeightMap, weightsFromMap } from '../../export/weights.ts';
import { writeOnnxModel } from '../../export/write-model.ts';
import type { FastSpeechConfig } from '../lib/models/fastspeech.ts';
import { positionFrequencies } from '../lib/models/fastspeech-layers.ts';
import type { WeightMap as TrainWeightMap } from '../lib/params.ts';
import { splitAttentionWeights } from '../lib/transformer.ts';

/** The toolkit's LayerNorm epsilon. */
const LN_EPS = 1e-5;

/** Sinusoidal positions [len(axis 1 of x), d] computed in the graph. */
function emitPositions(b: OnnxGraphBuilder, x: string, dModel: number): string {
  const len = b.node('Gather', [b.node('Shape', [x]), b.constant('axis1', BigInt64Array.of(1n), [])], {
    axis: { i: 0 },
  });
  const range = b.node('Range', [
    b.constant('zero', BigInt64Array.of(0n), []),
    len,
    b.constant('one', BigInt64Array.of(1n), []),
  ]);
  const pos = b.node('Unsqueeze', [b.node('Cast', [range], { to: { i: 1 } }), b.constInt64('axes1', [1])]);
  const angles = b.node('Mul', [pos, b.constant('pos_freq', positionFrequencies(dModel), [1, dModel / 2])]);
  return b.node('Concat', [b.node('Sin', [angles]), b.node('Cos', [angles])], { axis: { i: 1 } });
}

/** Pre-norm block as TransformerBlock computes it (self-attention only, no mask). */
function emitBlock(b: OnnxGraphBuilder, x: string, name: string, heads: number, w: WeightMap): string {
  const att = emitMultiHeadAttention(
    b,
    { query: emitLayerNorm(b, x, { name: `${name}/ln1`, epsilon: LN_EPS }, w) },
    { name: `${name}/self`, heads },
    w,
  );
  const h = b.node('Add', [x, att]);
  const f1 = emitDense(
    b,
    emitLayerNorm(b, h, { name: `${name}/ln3`, epsilon: LN_EPS }, w),
    {
      name: `${name}/ffn1`,
      activation: 'relu',
    },
    w,
  );
  return b.node('Add', [h, emitDense(b, f1, { name: `${name}/ffn2` }, w)]);
}

/** VariancePredictor: (conv → ReLU → LN) × 2 → Dense(1) → squeeze, [B,N,d] → [B,N]. */
function emitPredictor(b: OnnxGraphBuilder, x: string, name: string, w: WeightMap): string {
  let h = emitConv1D(b, x, { name: `${name}/conv1`, padding: 'same', activation: 'relu' }, w);
  h = emitLayerNorm(b, h, { name: `${name}/ln1`, epsilon: LN_EPS }, w);
  h = emitConv1D(b, h, { name: `${name}/conv2`, padding: 'same', activation: 'relu' }, w);
  h = emitLayerNorm(b, h, { name: `${name}/ln2`, epsilon: LN_EPS }, w);
  return b.node('Squeeze', [emitDense(b, h, { name: `${name}/proj` }, w), b.constInt64('axes2', [2])]);
}

export function buildTtsEncoderGraph(cfg: FastSpeechConfig, weights: WeightMap): Uint8Array {
  const b = new OnnxGraphBuilder('tts_encoder');
  const d = cfg.dModel;
  const ids = b.input(TTS_ENCODER_INPUT, 'int64', ['batch', 'symbols']);
  const emb = b.node('Mul', [
    emitEmbedding(b, ids, { name: 'embed' }, weights),
    b.scalarFloat('emb_scale', Math.sqrt(d)),
  ]);
  let x = b.node('Add', [emb, emitPositions(b, emb, d)]);
  for (let i = 0; i < cfg.encoderLayers; i++) x = emitBlock(b, x, `enc${i}`, cfg.heads, weights);
  const h = emitLayerNorm(b, x, { name: 'enc_ln', epsilon: LN_EPS }, weights);
  const logDur = emitPredictor(b, h, 'duration_predictor', weights);
  const pitch = emitPredictor(b, h, 'pitch_predictor', weights);
  const energy = emitPredictor(b, h, 'energy_predictor', weights);
  const axes = b.constInt64('axes_last', [2]);
  const pe = emitDense(b, b.node('Unsqueeze', [pitch, axes]), { name: 'pitch_embed' }, weights);
  const ee = emitDense(b, b.node('Unsqueeze', [energy, axes]), { name: 'energy_embed' }, weights);
  const hidden = b.node('Add', [b.node('Add', [h, pe]), ee]);
  b.output('hidden', hidden, 'float32', ['batch', 'symbols', d]);
  b.output('log_durations', logDur, 'float32', ['batch', 'symbols']);
  b.output('pitch', pitch, 'float32', ['batch', 'symbols']);
  b.output('energy', energy, 'float32', ['batch', 'symbols']);
  b.setMetadata('tolk.kind', 'tts-encoder');
  return b.toBytes();
}

export function buildTtsDecoderGraph(cfg: FastSpeechConfig, weights: WeightMap): Uint8Array {
  const b = new OnnxGraphBuilder('tts_decoder');
  const d = cfg.dModel;
  const expanded = b.input(TTS_DECODER_INPUT, 'float32', ['batch', 'frames', d]);
  // The frames' place inside their symbols, projected and added before anything else.
  const frames = cfg.frameProgress
    ? b.node('Add', [
        expanded,
        emitDense(
          b,
          b.input(TTS_DECODER_PROGRESS_INPUT, 'float32', ['batch', 'frames', FRAME_PROGRESS_DIM]),
          { name: 'frame_progress' },
          weights,
        ),
      ])
    : expanded;
  const r = cfg.reduction ?? 1;
  // r frames per decoder step: the mean of each group (frames must be a multiple of r)
  const grouped =
    r === 1
      ? frames
      : b.node('ReduceMean', [b.node('Reshape', [frames, b.constInt64('group_shape', [0, -1, r, d])])], {
          axes: { ints: [2] },
          keepdims: { i: 0 },
        });
  let x = b.node('Add', [grouped, emitPositions(b, grouped, d)]);
  for (let i = 0; i < cfg.decoderLayers; i++) x = emitBlock(b, x, `dec${i}`, cfg.heads, weights);
  const norm = emitDense(
    b,
    emitLayerNorm(b, x, { name: 'dec_ln', epsilon: LN_EPS }, weights),
    { name: 'mel_out' },
    weights,
  );
  const bins = cfg.numMelBins;
  const unfolded = r === 1 ? norm : b.node('Reshape', [norm, b.constInt64('unfold_shape', [0, -1, bins])]);
  const mel = b.node('Add', [
    b.node('Mul', [unfolded, b.constant('mel_std', Float32Array.from(cfg.melStd), [bins])]),
    b.constant('mel_mean', Float32Array.from(cfg.melMean), [bins]),
  ]);
  b.output('mel', mel, 'float32', ['batch', 'frames', bins]);
  b.setMetadata('tolk.kind', 'tts-decoder');
  return b.toBytes();
}

/** Training weights (fused attention) → the exporter's names. */
export function exportWeightMap(weights: TrainWeightMap): WeightMap {
  return toWeightMap(weightsFromMap(splitAttentionWeights(weights)));
}

export type TtsCardInput = Pick<
  TtsModelCard,
  | 'id'
  | 'kind'
  | 'version'
  | 'languages'
  | 'symbols'
  | 'audio'
  | 'durations'
  | 'prosody'
  | 'vocoder'
  | 'training'
  | 'evaluation'
> & { model?: Record<string, unknown>; [extra: string]: unknown };

export async function exportTtsModel(
  dir: string,
  weights: TrainWeightMap,
  cfg: FastSpeechConfig,
  card: TtsCardInput,
): Promise<TtsModelCard> {
  mkdirSync(dir, { recursive: true });
  const w = exportWeightMap(weights);
  await writeOnnxModel(dir, buildTtsEncoderGraph(cfg, w), 'encoder.onnx');
  await writeOnnxModel(dir, buildTtsDecoderGraph(cfg, w), 'decoder.onnx');
  let parameters = 0;
  for (const x of weights.values()) parameters += x.data.length;
  const full: TtsModelCard = {
    ...card,
    model: {
      dModel: cfg.dModel,
      heads: cfg.heads,
      ffnSize: cfg.ffnSize,
      encoderLayers: cfg.encoderLayers,
      decoderLayers: cfg.decoderLayers,
      predictorUnits: cfg.predictorUnits,
      predictorKernel: cfg.predictorKernel,
      reduction: cfg.reduction ?? 1,
      frameProgress: cfg.frameProgress ?? false,
      parameters,
      ...card.model,
    },
    graphs: { encoder: 'encoder.onnx', decoder: 'decoder.onnx' },
  };
  writeFileSync(join(dir, 'model.json'), `${JSON.stringify(full, null, 2)}\n`);
  return full;
}
