/**
 * The recognizer as trained: stacked log-mel (320) → LSTM stack → Dense over characters → CTC,
 * with SpecAugment applied to a fresh copy of the features on every training step.
 */
import { type CtcSample, createLstmCtc, type LstmCtcConfig, LstmCtcModel } from '../lib/models/lstm-ctc.ts';
import { Rng } from '../lib/rng.ts';
import { type SpecAugmentConfig, specAugment } from './spec-augment.ts';

export interface AsrModelConfig extends LstmCtcConfig {
  melBins: number;
  stack: number;
  specAugment: SpecAugmentConfig | null;
}

export class AsrTrainModel extends LstmCtcModel {
  private readonly augmentRng: Rng;

  constructor(readonly asr: AsrModelConfig) {
    super(asr);
    this.augmentRng = new Rng((asr.seed ?? 1) * 7717);
  }

  override loss(samples: CtcSample[]) {
    const aug = this.asr.specAugment;
    if (!aug) return super.loss(samples);
    const masked = samples.map((s) => ({
      ...s,
      features: specAugment(s.features, s.frames, this.asr.melBins, this.asr.stack, this.augmentRng, aug),
    }));
    return super.loss(masked);
  }
}

export function createAsrTrainModel(config: AsrModelConfig): AsrTrainModel {
  return new AsrTrainModel(config);
}

/** Plain inference model with the same weights layout (no augmentation). */
export function createAsrInferenceModel(config: AsrModelConfig): LstmCtcModel {
  return createLstmCtc(config);
}

export function asrModelSpec(config: AsrModelConfig) {
  return { module: import.meta.url, factory: 'createAsrTrainModel', config };
}
