/**
 * The recognizer trained on raw audio: the training model of ./model.ts (same weights, same CTC
 * loss), optionally started from a base model's ONNX weights, wrapped so that
 *  - each training sample is raw audio, featurized on every step after augmentation (speed,
 *    noise from a bank, then SpecAugment on the features);
 *  - the lowest `freezeLayers` LSTM layers are not trainable (the optimizer and the data-parallel
 *    workers skip them, so they stay exactly the base weights);
 *  - an optional L2 pull toward the base weights, (λ/2)·Σ‖w − w_base‖² over the trainable
 *    weights, is added to the loss (L2-SP, Li et al. 2018) against forgetting.
 * Augmentation draws are a pure function of (seed, the ids in the batch), so a resumed run or a
 * worker thread draws exactly what an uninterrupted single-threaded run would.
 */
import * as tf from '@tensorflow/tfjs';
import type { AsrFeatureConfig } from '../../../server/stages/asr/features.ts';
import { asrFeatures } from '../../../server/stages/asr/features.ts';
import type { TrainModel } from '../lib/model.ts';
import type { CtcSample } from '../lib/models/lstm-ctc.ts';
import type { ParamStore } from '../lib/params.ts';
import { batchSeed, Rng } from '../lib/rng.ts';
import { ctcFrameNeed } from './dataset.ts';
import { adaptOutputToVocabulary, loadBaseAsrModel } from './init-from.ts';
import { type AsrModelConfig, type AsrTrainModel, createAsrTrainModel } from './model.ts';
import { specAugment } from './spec-augment.ts';
import { blankFramesBeforeOnset } from './speech-onset.ts';
import { augmentWave, loadNoiseBank, type WaveAugmentConfig } from './wave-augment.ts';

export interface AudioAsrConfig {
  /** Architecture, plus the SpecAugment settings this wrapper applies (null = off). */
  asr: AsrModelConfig;
  features: AsrFeatureConfig;
  /** The base model folder: initial weights, frozen weights and the L2 anchor (null = fresh weights). */
  baseDir: string | null;
  /** Vocabulary tokens of the fine-tuned model (the base's output layer is mapped onto them). */
  tokens: string[];
  augment: WaveAugmentConfig;
  /** LSTM layers 0..freezeLayers−1 are kept at the base weights. */
  freezeLayers: number;
  /** λ of the L2 pull toward the base weights; 0 = off. */
  l2Base: number;
  seed: number;
  /** CTC may emit nothing before each utterance's speech onset (speech-onset.ts); absent = off. */
  blankBeforeSpeech?: boolean;
}

export interface AudioSample {
  /** Position in the training set; seeds the augmentation of the batches it is in. */
  id: number;
  audio: Float32Array;
  labels: number[];
  /** Acoustic frames of the unaugmented audio (bucketing and the CTC fit check). */
  frames: number;
  /** First sample of speech in the unaugmented audio (speech-onset.ts); absent = 0. */
  onsetSample?: number;
}

const LSTM_WEIGHTS = ['kernel', 'recurrent_kernel', 'bias'];

/** Names of the weights that `freezeLayers` freezes. */
export function frozenWeightNames(freezeLayers: number): string[] {
  const names: string[] = [];
  for (let i = 0; i < freezeLayers; i++) for (const w of LSTM_WEIGHTS) names.push(`lstm${i}/${w}`);
  return names;
}

export class AudioAsrModel implements TrainModel<AudioSample> {
  readonly params: ParamStore;
  /** Audio samples per acoustic frame (hop × stack). */
  private readonly frameSamples: number;

  constructor(
    readonly config: AudioAsrConfig,
    readonly inner: AsrTrainModel,
    private readonly noiseBank: readonly Float32Array[],
    private readonly anchors: ReadonlyMap<string, tf.Tensor>,
  ) {
    this.params = inner.params;
    this.frameSamples = (config.features.hopMs / 1000) * 16000 * config.features.stack;
  }

  /** Augmented features for one batch (what the loss sees). */
  featurize(samples: readonly AudioSample[]): CtcSample[] {
    const { asr, augment, features } = this.config;
    const rng = new Rng(
      batchSeed(
        this.config.seed,
        samples.map((s) => s.id),
      ),
    );
    return samples.map((s) => {
      const need = ctcFrameNeed(s.labels);
      // A faster copy has fewer frames; keep one frame of slack for rounding.
      const fits = (speed: number) => Math.floor(s.frames / speed) - 1 >= need;
      const { audio, draw } = augmentWave(s.audio, rng, augment, this.noiseBank, fits);
      let f = asrFeatures(audio, features);
      let speed = draw.speed;
      if (f.frames < need) {
        f = asrFeatures(s.audio, features);
        speed = 1;
      }
      const data = asr.specAugment
        ? specAugment(f.data, f.frames, asr.melBins, asr.stack, rng, asr.specAugment)
        : f.data;
      const leadingBlanks = this.config.blankBeforeSpeech
        ? blankFramesBeforeOnset((s.onsetSample ?? 0) / speed, this.frameSamples, f.frames, need)
        : 0;
      return { features: data, frames: f.frames, labels: s.labels, leadingBlanks };
    });
  }

  /** L2 distance to the base weights, (1/2)·Σ‖w − w_base‖², over the trainable weights. */
  distanceToBase(): tf.Scalar {
    return tf.tidy(() => {
      const terms = [...this.anchors].map(([name, w0]) =>
        tf.sum(tf.square(tf.sub(this.params.get(name), w0))),
      );
      return (terms.length ? tf.mul(tf.addN(terms), 0.5) : tf.scalar(0)) as tf.Scalar;
    });
  }

  loss(samples: AudioSample[]): tf.Scalar {
    const ctc = this.inner.loss(this.featurize(samples));
    if (this.config.l2Base <= 0 || this.anchors.size === 0) return ctc;
    return tf.add(ctc, tf.mul(this.distanceToBase(), this.config.l2Base)) as tf.Scalar;
  }

  dispose(): void {
    for (const t of this.anchors.values()) t.dispose();
    this.params.dispose();
  }
}

export async function createAudioAsrModel(config: AudioAsrConfig): Promise<AudioAsrModel> {
  if (config.freezeLayers < 0 || config.freezeLayers > config.asr.layers)
    throw new Error(`--freeze-layers ${config.freezeLayers}: the model has ${config.asr.layers} LSTM layers`);
  if (config.baseDir === null && (config.freezeLayers > 0 || config.l2Base > 0))
    throw new Error('freezing layers or pulling toward base weights needs a base model');
  // SpecAugment is drawn here from the batch seed, not by the inner model's own generator.
  const inner = createAsrTrainModel({ ...config.asr, specAugment: null });
  const anchors = new Map<string, tf.Tensor>();
  if (config.baseDir !== null) {
    const base = await loadBaseAsrModel(config.baseDir);
    const { weights } = adaptOutputToVocabulary(base.weights, base.vocabulary, config.tokens);
    inner.params.setWeights(weights);
    for (const name of frozenWeightNames(config.freezeLayers)) inner.params.get(name).trainable = false;
    if (config.l2Base > 0) {
      for (const [name, v] of inner.params.entries()) {
        const w = weights.get(name);
        if (v.trainable && w) anchors.set(name, tf.tensor(w.data, w.shape));
      }
    }
  }
  const bank = config.augment.noise ? loadNoiseBank(config.augment.noise.files) : [];
  return new AudioAsrModel(config, inner, bank, anchors);
}

/** The ModelSpec data-parallel workers build the same model from. */
export function audioAsrSpec(config: AudioAsrConfig) {
  return { module: import.meta.url, factory: 'createAudioAsrModel', config };
}
