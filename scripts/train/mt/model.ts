/**
 * The translation model as trained: TransformerSeq2Seq whose sources get fresh ASR-style
 * recognition errors on every step (asr-noise.ts), re-tokenised with the shared vocabulary.
 * Built from a cloneable config so data-parallel workers build the same model.
 */
import { type SubwordSpec, SubwordTokenizer } from '../../../server/stages/mt/neural/subword.ts';
import type { ModelSpec } from '../lib/model.ts';
import { type Seq2SeqConfig, TransformerSeq2Seq } from '../lib/models/transformer-seq2seq.ts';
import { Rng } from '../lib/rng.ts';
import { type AsrNoiseConfig, addAsrNoise } from './asr-noise.ts';
import type { MtSample } from './dataset.ts';

export interface MtModelConfig extends Seq2SeqConfig {
  subword: SubwordSpec;
  /** null: train on clean sources only. */
  noise: AsrNoiseConfig | null;
}

export class MtTrainModel extends TransformerSeq2Seq {
  private readonly tokenizer: SubwordTokenizer;
  private readonly noiseRng: Rng;

  constructor(readonly mt: MtModelConfig) {
    super(mt);
    this.tokenizer = new SubwordTokenizer(mt.subword);
    this.noiseRng = new Rng((mt.seed ?? 1) * 7919 + 13);
  }

  override loss(samples: MtSample[]) {
    const noise = this.mt.noise;
    if (!noise) return super.loss(samples);
    const noisy = samples.map((s) => {
      const text = addAsrNoise(s.sourceText, s.sourceLang, this.noiseRng, noise);
      if (text === s.sourceText) return s;
      const src = [...this.tokenizer.encode(text), this.tokenizer.eosId].slice(0, this.mt.maxPositions);
      return { ...s, src };
    });
    return super.loss(noisy);
  }
}

export function createMtTrainModel(config: MtModelConfig): MtTrainModel {
  return new MtTrainModel(config);
}

export function mtModelSpec(config: MtModelConfig): ModelSpec {
  return { module: import.meta.url, factory: 'createMtTrainModel', config };
}
