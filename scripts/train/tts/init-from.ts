/**
 * Starting from a shipped voice (`models/tts-en`): the acoustic model's weights are read back
 * from encoder.onnx + decoder.onnx (ONNX is the single source of truth), its architecture from
 * the weights' shapes and model.json, and its normalisation from the same places:
 *  - per-band mel mean/std are the `mel_mean` / `mel_std` constants the decoder graph folds
 *    back in (export-tts.ts; model.json does not repeat them);
 *  - pitch/energy mean/std are model.json's `prosody`.
 * The exporter names each ONNX weight after the training weight with attention split into
 * query/key/value/attention_output (splitAttentionWeights); fuseAttentionWeights undoes that.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readTtsCard } from '../../../server/stages/tts/acoustic/mel-generator-onnx.ts';
import type { TtsModelCard } from '../../../server/stages/tts/acoustic/tts-card.ts';
import { symbolSet } from '../../../server/stages/tts/symbols.ts';
import type { Lang } from '../../../server/stages/tts/text-normalize.ts';
import { floatData, importOnnxBytes } from '../../export/import.ts';
import { onnx } from '../../export/onnx-proto.ts';
import { type NamedWeight, requireWeight, toWeightMap } from '../../export/weights.ts';
import {
  createFastSpeech,
  DEFAULT_LOSS_WEIGHTS,
  type FastSpeechConfig,
  type FastSpeechModel,
} from '../lib/models/fastspeech.ts';
import { fuseAttentionWeights } from '../lib/transformer.ts';
import type { VoiceStats } from './dataset.ts';

export interface BaseTtsModel {
  dir: string;
  card: TtsModelCard;
  lang: Lang;
  config: FastSpeechConfig;
  /** The base voice's normalisation (mel per band, pitch and energy). */
  stats: VoiceStats;
  /** Weights under the exporter's names (attention split), as read from the two graphs. */
  weights: Map<string, NamedWeight>;
}

/** A float initializer of a graph that is a constant, not a recorded weight. */
function graphConstant(bytes: Uint8Array, name: string, path: string): number[] {
  const init = onnx.ModelProto.decode(bytes).graph?.initializer?.find((t) => t.name === name);
  if (!init) throw new Error(`${path}: no ${name} constant (not a tolk TTS decoder?)`);
  return Array.from(floatData(init));
}

const countLayers = (weights: ReadonlyMap<string, NamedWeight>, prefix: 'enc' | 'dec') =>
  new Set([...weights.keys()].map((n) => new RegExp(`^${prefix}(\\d+)/`).exec(n)?.[1]).filter(Boolean)).size;

export async function loadBaseTtsModel(dir: string, seed = 1): Promise<BaseTtsModel> {
  const card = await readTtsCard(dir);
  const lang = card.languages[0];
  const expected = symbolSet(lang).symbols;
  if (card.symbols.length !== expected.length || card.symbols.some((s, i) => s !== expected[i]))
    throw new Error(`${dir}: model.json symbols differ from symbolSet('${lang}'); this code cannot train it`);
  const encPath = join(dir, card.graphs.encoder);
  const decPath = join(dir, card.graphs.decoder);
  const [encBytes, decBytes] = await Promise.all([readFile(encPath), readFile(decPath)]);
  const weights = toWeightMap([...importOnnxBytes(encBytes).weights, ...importOnnxBytes(decBytes).weights]);
  const melMean = graphConstant(decBytes, 'mel_mean', decPath);
  const melStd = graphConstant(decBytes, 'mel_std', decPath);

  // Sizes from the weights themselves (the card's `model` block is informative, the shapes are not).
  const embed = requireWeight(weights, 'embed/embeddings', [-1, -1]);
  const ffn = requireWeight(weights, 'enc0/ffn1/kernel', [-1, -1]);
  const conv = requireWeight(weights, 'duration_predictor/conv1/kernel', [-1, -1, -1]);
  const melOut = requireWeight(weights, 'mel_out/kernel', [-1, -1]);
  const numMelBins = card.audio.numMelBins;
  const config: FastSpeechConfig = {
    vocab: embed.shape[0],
    dModel: embed.shape[1],
    heads: card.model.heads,
    ffnSize: ffn.shape[1],
    encoderLayers: countLayers(weights, 'enc'),
    decoderLayers: countLayers(weights, 'dec'),
    predictorUnits: conv.shape[2],
    predictorKernel: conv.shape[0],
    reduction: melOut.shape[1] / numMelBins,
    frameProgress: weights.has('frame_progress/kernel'),
    numMelBins,
    melMean,
    melStd,
    lossWeights: DEFAULT_LOSS_WEIGHTS,
    seed,
  };
  if (config.vocab !== expected.length)
    throw new Error(`${dir}: embedding has ${config.vocab} rows for ${expected.length} symbols`);
  if (config.reduction !== card.model.reduction || melMean.length !== numMelBins)
    throw new Error(`${dir}: decoder shapes disagree with model.json (reduction, mel bins)`);
  const stats: VoiceStats = {
    melMean,
    melStd,
    pitchMeanHz: card.prosody.pitchMeanHz,
    pitchStdHz: card.prosody.pitchStdHz,
    energyMean: card.prosody.energyMean,
    energyStd: card.prosody.energyStd,
  };
  return { dir, card, lang, config, stats, weights };
}

/** What `createFastSpeechFromBase` may add to a base voice. */
export interface GrowOptions {
  /** Add the frame-progress projection (at zero) when the base has none. */
  frameProgress?: boolean;
  /** Decoder blocks in all (≥ the base's); the new ones go on top, as identities. */
  decoderLayers?: number;
}

/** A new block's output projections start at zero, so the block passes its input through. */
const STARTS_AT_ZERO = /^(frame_progress\/|dec\d+\/(self\/out|ffn2)\/)/;

/**
 * The training model with the base's weights (every weight must be found, shapes must match).
 * `grow` adds parts the base lacks such that the grown model starts out computing exactly what
 * the base computes: the frame-progress projection at zero, extra decoder blocks whose
 * attention output and second FFN layer are zero (their other weights keep a fresh init).
 */
export function createFastSpeechFromBase(base: BaseTtsModel, grow: GrowOptions = {}): FastSpeechModel {
  const frameProgress = Boolean(base.config.frameProgress || grow.frameProgress);
  const decoderLayers = grow.decoderLayers ?? base.config.decoderLayers;
  if (decoderLayers < base.config.decoderLayers)
    throw new Error(
      `${base.dir}: cannot shrink the decoder from ${base.config.decoderLayers} to ${decoderLayers} blocks`,
    );
  const model = createFastSpeech({ ...base.config, frameProgress, decoderLayers });
  const isNew = (name: string) => {
    if (name.startsWith('frame_progress/')) return !base.config.frameProgress;
    const block = /^dec(\d+)\//.exec(name);
    return block !== null && Number(block[1]) >= base.config.decoderLayers;
  };
  try {
    const weights = fuseAttentionWeights(base.weights, model.params);
    for (const [name, v] of model.params.entries()) {
      if (weights.has(name) || !isNew(name)) continue;
      const data = STARTS_AT_ZERO.test(name)
        ? new Float32Array(v.size)
        : (v.dataSync() as Float32Array).slice();
      weights.set(name, { data, shape: [...v.shape] });
    }
    model.params.setWeights(weights);
  } catch (err) {
    model.params.dispose();
    throw new Error(`${base.dir}: ${(err as Error).message}`);
  }
  return model;
}
