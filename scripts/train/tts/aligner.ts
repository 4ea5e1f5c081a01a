/**
 * The unsupervised aligner of RAD-TTS / "One TTS Alignment to Rule Them All" (Badlani et al.
 * 2022), phase 1 of `npm run train -- tts`: small conv encoders over symbol embeddings and over
 * mel frames, soft alignment logits −τ‖mel_enc_t − text_enc_n‖², log-softmax over the
 * utterance's symbols plus the beta-binomial prior, trained with the forward-sum loss (CTC over
 * those log-probs with an added blank, every symbol once, in order). Viterbi MAS on the same
 * log-probs then gives each symbol an integer number of frames.
 */
import * as tf from '@tensorflow/tfjs';
import { ctcLoss } from '../lib/ctc.ts';
import { Embedding } from '../lib/layers.ts';
import type { TrainModel } from '../lib/model.ts';
import { Conv1d, lengthMask } from '../lib/models/fastspeech-layers.ts';
import { matMul, transposeLast } from '../lib/ops.ts';
import { ParamStore } from '../lib/params.ts';
import { betaBinomialLogPrior, monotonicAlignment } from './mas.ts';

export interface AlignerConfig {
  vocab: number;
  numMelBins: number;
  /** Conv channels of both encoders. */
  hidden: number;
  /** Width of the space where frames and symbols are compared. */
  attnDim: number;
  /** τ in −τ‖·‖². */
  temperature: number;
  /** Beta-binomial prior sharpness (RAD-TTS: 1); 0 disables the prior. */
  priorScaling: number;
  /** Log-prob of the forward-sum blank (RAD-TTS: −1). */
  blankLogProb: number;
  seed?: number;
}

export interface AlignerSample {
  ids: Int32Array;
  /** Normalised log-mel [frames, numMelBins]. */
  mel: Float32Array;
  frames: number;
}

export const DEFAULT_ALIGNER: Omit<AlignerConfig, 'vocab' | 'numMelBins'> = {
  hidden: 128,
  attnDim: 80,
  temperature: 0.05,
  priorScaling: 1,
  blankLogProb: -1,
};

const MASKED = -1e4;

export class AlignerModel implements TrainModel<AlignerSample> {
  readonly params = new ParamStore();
  private readonly embed: Embedding;
  private readonly text1: Conv1d;
  private readonly text2: Conv1d;
  private readonly mel1: Conv1d;
  private readonly mel2: Conv1d;
  private readonly mel3: Conv1d;

  constructor(readonly config: AlignerConfig) {
    const { vocab, numMelBins, hidden, attnDim, seed = 1 } = config;
    const p = this.params;
    this.embed = new Embedding(p, 'align/embed', vocab, hidden, seed);
    this.text1 = new Conv1d(p, 'align/text1', {
      inputSize: hidden,
      units: hidden,
      kernelSize: 3,
      seed: seed + 1,
    });
    this.text2 = new Conv1d(p, 'align/text2', {
      inputSize: hidden,
      units: attnDim,
      kernelSize: 1,
      seed: seed + 2,
    });
    this.mel1 = new Conv1d(p, 'align/mel1', {
      inputSize: numMelBins,
      units: hidden,
      kernelSize: 3,
      seed: seed + 3,
    });
    this.mel2 = new Conv1d(p, 'align/mel2', {
      inputSize: hidden,
      units: hidden,
      kernelSize: 1,
      seed: seed + 4,
    });
    this.mel3 = new Conv1d(p, 'align/mel3', {
      inputSize: hidden,
      units: attnDim,
      kernelSize: 1,
      seed: seed + 5,
    });
  }

  /**
   * Log-probs [B, T, N] of symbol n at frame t: log-softmax over each example's symbols of
   * −τ‖m_t − s_n‖², plus the prior. Padded symbols are −1e4, padded frames are garbage.
   */
  logProbs(samples: AlignerSample[]): tf.Tensor3D {
    const B = samples.length;
    const N = Math.max(...samples.map((s) => s.ids.length));
    const T = Math.max(...samples.map((s) => s.frames));
    const bins = this.config.numMelBins;
    const ids = new Int32Array(B * N);
    const mel = new Float32Array(B * T * bins);
    const symbolBias = new Float32Array(B * N); // 0 valid, −1e4 padding
    const prior = new Float32Array(B * T * N);
    samples.forEach((s, b) => {
      ids.set(s.ids, b * N);
      mel.set(s.mel.subarray(0, s.frames * bins), b * T * bins);
      const n = s.ids.length;
      symbolBias.fill(MASKED, b * N + n, (b + 1) * N);
      if (this.config.priorScaling > 0) {
        const p = betaBinomialLogPrior(s.frames, n, this.config.priorScaling);
        for (let t = 0; t < s.frames; t++) prior.set(p.subarray(t * n, (t + 1) * n), (b * T + t) * N);
      }
    });
    const symMask = lengthMask(
      samples.map((s) => s.ids.length),
      N,
    );
    const frameMask = lengthMask(
      samples.map((s) => s.frames),
      T,
    );
    const m = (x: tf.Tensor3D, mask: tf.Tensor3D) => tf.mul(x, mask) as tf.Tensor3D;
    const emb = m(this.embed.apply(tf.tensor2d(ids, [B, N], 'int32')) as tf.Tensor3D, symMask);
    const text = this.text2.apply(m(tf.relu(this.text1.apply(emb)) as tf.Tensor3D, symMask));
    let h = tf.relu(this.mel1.apply(tf.tensor3d(mel, [B, T, bins]))) as tf.Tensor3D;
    h = tf.relu(this.mel2.apply(m(h, frameMask))) as tf.Tensor3D;
    const frames = this.mel3.apply(h);
    // ‖a−b‖² = ‖a‖² − 2a·b + ‖b‖², as one batched product
    const cross = matMul(frames, transposeLast(text));
    const fa = tf.sum(tf.square(frames), 2, true);
    const tb = tf.sum(tf.square(text), 2).expandDims(1);
    const dist = tf.add(tf.sub(fa, tf.mul(cross, 2)), tb);
    const scores = tf.add(tf.mul(dist, -this.config.temperature), tf.tensor3d(symbolBias, [B, 1, N]));
    return tf.add(tf.logSoftmax(scores, 2), tf.tensor3d(prior, [B, T, N])) as tf.Tensor3D;
  }

  /** Forward-sum loss per symbol, averaged over the batch. */
  loss(samples: AlignerSample[]): tf.Scalar {
    const logp = this.logProbs(samples);
    const [B, T, N] = logp.shape;
    const withBlank = tf.concat([tf.fill([B, T, 1], this.config.blankLogProb), logp], 2) as tf.Tensor3D;
    const labels = new Int32Array(B * N);
    samples.forEach((s, b) => {
      for (let n = 0; n < s.ids.length; n++) labels[b * N + n] = n + 1;
    });
    const per = ctcLoss(withBlank, {
      labels,
      maxLabelLength: N,
      inputLengths: samples.map((s) => s.frames),
      labelLengths: samples.map((s) => s.ids.length),
    });
    const norm = tf.tensor1d(Float32Array.from(samples, (s) => s.ids.length));
    return tf.mean(tf.div(per, norm)) as tf.Scalar;
  }

  /** Integer durations per sample by MAS over the aligner's log-probs (prior included). */
  align(samples: AlignerSample[]): Int32Array[] {
    const logp = tf.tidy(() => this.logProbs(samples));
    const data = logp.dataSync();
    const [, T, N] = logp.shape;
    logp.dispose();
    return samples.map((s, b) => {
      const n = s.ids.length;
      const rows = new Float32Array(s.frames * n);
      for (let t = 0; t < s.frames; t++) rows.set(data.subarray((b * T + t) * N, (b * T + t) * N + n), t * n);
      return monotonicAlignment(rows, s.frames, n);
    });
  }
}

export function createAligner(config: AlignerConfig): AlignerModel {
  return new AlignerModel(config);
}

export function alignerSpec(config: AlignerConfig) {
  return { module: import.meta.url, factory: 'createAligner', config };
}
