/**
 * Writes a trained Vocos model as a shipped folder: `vocoder.onnx` + `model.json`
 * (server/stages/tts/vocoder-card.ts says what the graph takes and gives). The graph does the
 * whole network including the input floor/normalisation and magnitude·(cos, sin) phase, so the
 * server only runs it and overlap-adds the frames.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  VOCODER_INPUT,
  type VocoderCard,
  vocoderCardSchema,
} from '../../../server/stages/tts/vocoder-card.ts';
import { OnnxGraphBuilder } from '../../export/graph-builder.ts';
import { emitConv1D } from '../../export/layers/conv1d.ts';
import { emitDense } from '../../export/layers/dense.ts';
import { emitDepthwiseConv1D } from '../../export/layers/depthwise-conv1d.ts';
import { emitLayerNorm } from '../../export/layers/layer-norm.ts';
import { toWeightMap, type WeightMap, weightsFromMap } from '../../export/weights.ts';
import { writeOnnxModel } from '../../export/write-model.ts';
import { receptiveFieldFrames, type VocosConfig } from '../lib/models/vocos.ts';
import { VOCOS_LN_EPS } from '../lib/models/vocos-layers.ts';
import type { WeightMap as TrainWeightMap } from '../lib/params.ts';

export const VOCODER_GRAPH = 'vocoder.onnx';

/** ConvNeXt block as vocos-layers.ts computes it. */
function emitBlock(b: OnnxGraphBuilder, x: string, name: string, w: WeightMap): string {
  let h = emitDepthwiseConv1D(b, x, { name: `${name}/dwconv` }, w);
  h = emitLayerNorm(b, h, { name: `${name}/norm`, epsilon: VOCOS_LN_EPS }, w);
  h = emitDense(b, h, { name: `${name}/pw1`, activation: 'geluTanh' }, w);
  h = emitDense(b, h, { name: `${name}/pw2` }, w);
  const scale = w.get(`${name}/scale`);
  if (!scale) throw new Error(`missing weight ${name}/scale`);
  return b.node('Add', [x, b.node('Mul', [h, b.weight(scale)])]);
}

export function buildVocoderGraph(cfg: VocosConfig, weights: WeightMap): Uint8Array {
  const b = new OnnxGraphBuilder('vocos');
  const bins = cfg.fftSize / 2 + 1;
  const mel = b.input(VOCODER_INPUT, 'float32', ['batch', 'frames', cfg.numMelBins]);
  const floored = b.node('Max', [mel, b.scalarFloat('mel_floor', cfg.melFloor)]);
  const x = b.node('Mul', [
    b.node('Sub', [floored, b.constant('mel_mean', Float32Array.from(cfg.melMean), [cfg.numMelBins])]),
    b.constant(
      'mel_inv_std',
      Float32Array.from(cfg.melStd, (s) => 1 / s),
      [cfg.numMelBins],
    ),
  ]);
  let h = emitConv1D(b, x, { name: 'embed', padding: 'same' }, weights);
  h = emitLayerNorm(b, h, { name: 'embed_norm', epsilon: VOCOS_LN_EPS }, weights);
  for (let i = 0; i < cfg.layers; i++) h = emitBlock(b, h, `block${i}`, weights);
  h = emitLayerNorm(b, h, { name: 'final_norm', epsilon: VOCOS_LN_EPS }, weights);
  const out = emitDense(b, h, { name: 'head' }, weights);
  const [logMag, phase] = b.nodeMulti(
    'Split',
    [out, b.constInt64('split_sizes', [bins, bins])],
    { axis: { i: 2 } },
    2,
  );
  const mag = b.node('Exp', [b.node('Min', [logMag, b.scalarFloat('log_mag_max', cfg.logMagMax)])]);
  b.output('real', b.node('Mul', [mag, b.node('Cos', [phase])]), 'float32', ['batch', 'frames', bins]);
  b.output('imag', b.node('Mul', [mag, b.node('Sin', [phase])]), 'float32', ['batch', 'frames', bins]);
  b.setMetadata('tolk.kind', 'vocoder');
  return b.toBytes();
}

export function exportWeightMap(weights: TrainWeightMap): WeightMap {
  return toWeightMap(weightsFromMap(weights));
}

export type VocoderCardInput = Pick<
  VocoderCard,
  'id' | 'version' | 'languages' | 'training' | 'evaluation'
> & { [extra: string]: unknown };

export async function exportVocoder(
  dir: string,
  weights: TrainWeightMap,
  cfg: VocosConfig,
  card: VocoderCardInput,
): Promise<VocoderCard> {
  mkdirSync(dir, { recursive: true });
  await writeOnnxModel(dir, buildVocoderGraph(cfg, exportWeightMap(weights)), VOCODER_GRAPH);
  let parameters = 0;
  for (const x of weights.values()) parameters += x.data.length;
  const full = vocoderCardSchema.parse({
    ...card,
    kind: 'vocoder',
    audio: {
      sampleRate: cfg.sampleRate,
      hopSamples: cfg.hopSamples,
      numMelBins: cfg.numMelBins,
      fftSize: cfg.fftSize,
      windowSamples: cfg.windowSamples,
      melFloor: cfg.melFloor,
      features: 'server/audio/log-mel.ts: natural log of 80-band Slaney mel power',
    },
    model: {
      architecture: 'vocos',
      dim: cfg.dim,
      intermediate: cfg.intermediate,
      layers: cfg.layers,
      kernelSize: cfg.kernelSize,
      embedKernel: cfg.embedKernel,
      receptiveFieldFrames: receptiveFieldFrames(cfg),
      logMagMax: cfg.logMagMax,
      parameters,
    },
    graphs: { vocoder: VOCODER_GRAPH },
  });
  writeFileSync(join(dir, 'model.json'), `${JSON.stringify(full, null, 2)}\n`);
  return full;
}
