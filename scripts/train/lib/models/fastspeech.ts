/**
 * FastPitch-style acoustic model: symbols → Transformer encoder → per-symbol duration, pitch and
 * energy predictors (pitch/energy embedded and added to the encoding, so everything before the
 * length regulator is per symbol) → length regulator (each symbol's vector repeated for its
 * frames) → Transformer decoder over frames → Dense to log-mel bins.
 *
 * Training uses the aligned durations and the measured per-symbol pitch/energy (teacher
 * forcing); inference (`encode`) uses the predicted ones. Targets are normalised: mel per band
 * with the voice's mean/std (`melMean`/`melStd`, folded back in by `decode` and the exported
 * graph), pitch/energy with the voice's stats, durations as log(1 + frames).
 *
 * Weight names: `embed/embeddings`, `enc{i}/…` and `dec{i}/…` (TransformerBlock), `enc_ln`,
 * `dec_ln`, `{duration,pitch,energy}_predictor/{conv1,ln1,conv2,ln2,proj} (never `out`, `q`, `kv`: those names mean fused attention to splitAttentionWeights)`, `pitch_embed`,
 * `energy_embed`, `mel_out`.
 */
import * as tf from '@tensorflow/tfjs';
import {
  FRAME_PROGRESS_DIM,
  frameProgress,
} from '../../../../server/stages/tts/acoustic/length-regulator.ts';
import { Dense, Embedding, LayerNorm } from '../layers.ts';
import type { TrainModel } from '../model.ts';
import { matMul } from '../ops.ts';
import { ParamStore } from '../params.ts';
import { attentionBias, TransformerBlock } from '../transformer.ts';
import { lengthMask, sinusoidalPositions, VariancePredictor } from './fastspeech-layers.ts';

export interface FastSpeechConfig {
  vocab: number;
  dModel: number;
  heads: number;
  ffnSize: number;
  encoderLayers: number;
  decoderLayers: number;
  /** Variance predictor conv width and kernel. */
  predictorUnits: number;
  predictorKernel: number;
  numMelBins: number;
  /** Per-band log-mel stats of the voice (length numMelBins). */
  melMean: number[];
  melStd: number[];
  /**
   * Frames per decoder step (1 or 2): the decoder runs over the mean of each group of
   * `reduction` expanded frames and predicts all of them at once, so its attention costs
   * 1/r² and its dense layers 1/r. Inputs must hold a multiple of r frames; callers pad by
   * repeating the last frame (training does the same through `expansionMatrix`).
   */
  reduction?: number;
  /**
   * Adds a learned projection of each frame's place inside its symbol (length-regulator.ts
   * frameProgress) to the expanded frames before the decoder; the decoder graph then takes a
   * second input, `progress`.
   */
  frameProgress?: boolean;
  lossWeights?: { duration: number; pitch: number; energy: number };
  seed?: number;
}

export interface FastSpeechSample {
  /** Symbol ids, end-of-text included. */
  ids: Int32Array;
  /** Frames per symbol (≥ 1), summing to `frames`. */
  durations: Int32Array;
  /** Normalised per-symbol pitch and energy. */
  pitch: Float32Array;
  energy: Float32Array;
  /** Normalised log-mel, row-major [frames, numMelBins]. */
  mel: Float32Array;
  frames: number;
}

export const DEFAULT_LOSS_WEIGHTS = { duration: 1, pitch: 0.5, energy: 0.5 };

export interface FastSpeechLosses {
  total: tf.Scalar;
  mel: tf.Scalar;
  duration: tf.Scalar;
  pitch: tf.Scalar;
  energy: tf.Scalar;
}

/**
 * One-hot expansion matrix [B, T, N]: row t selects the symbol that frame t belongs to. Rows
 * past an utterance's frames up to the next multiple of `reduction` repeat its last symbol
 * (what the server's padding does); rows after that stay zero (batch padding).
 */
export function expansionMatrix(durations: Int32Array[], T: number, N: number, reduction = 1): tf.Tensor3D {
  const B = durations.length;
  const a = new Float32Array(B * T * N);
  durations.forEach((d, b) => {
    let t = 0;
    for (let n = 0; n < d.length; n++)
      for (let k = 0; k < d[n] && t < T; k++, t++) a[(b * T + t) * N + n] = 1;
    for (; t % reduction !== 0 && t < T; t++) a[(b * T + t) * N + d.length - 1] = 1;
  });
  return tf.tensor3d(a, [B, T, N]);
}

/** frameProgress rows of a batch, [B, T, 3]; rows past each utterance's padded frames are zero. */
export function progressTensor(durations: Int32Array[], T: number, reduction = 1): tf.Tensor3D {
  const out = new Float32Array(durations.length * T * FRAME_PROGRESS_DIM);
  durations.forEach((d, b) => {
    const frames = d.reduce((a, x) => a + x, 0);
    const rows = frameProgress(d, paddedFrames(frames, reduction)).subarray(0, T * FRAME_PROGRESS_DIM);
    out.set(rows, b * T * FRAME_PROGRESS_DIM);
  });
  return tf.tensor3d(out, [durations.length, T, FRAME_PROGRESS_DIM]);
}

/** Frames rounded up to a multiple of the reduction factor. */
export function paddedFrames(frames: number, reduction: number): number {
  return Math.ceil(frames / reduction) * reduction;
}

export class FastSpeechModel implements TrainModel<FastSpeechSample> {
  readonly params = new ParamStore();
  readonly embed: Embedding;
  readonly encoder: TransformerBlock[] = [];
  readonly encLn: LayerNorm;
  readonly durationPredictor: VariancePredictor;
  readonly pitchPredictor: VariancePredictor;
  readonly energyPredictor: VariancePredictor;
  readonly pitchEmbed: Dense;
  readonly energyEmbed: Dense;
  readonly decoder: TransformerBlock[] = [];
  readonly decLn: LayerNorm;
  readonly melOut: Dense;
  readonly progressEmbed: Dense | null;
  private readonly melMean: tf.Tensor1D;
  private readonly melStd: tf.Tensor1D;

  constructor(readonly config: FastSpeechConfig) {
    const { vocab, dModel: d, heads, ffnSize, seed = 1 } = config;
    const p = this.params;
    this.embed = new Embedding(p, 'embed', vocab, d, seed);
    for (let i = 0; i < config.encoderLayers; i++)
      this.encoder.push(
        new TransformerBlock(p, `enc${i}`, { dModel: d, heads, ffnSize, seed: seed + 10 * (i + 1) }),
      );
    this.encLn = new LayerNorm(p, 'enc_ln', d);
    const pred = (name: string, s: number) =>
      new VariancePredictor(p, name, {
        inputSize: d,
        units: config.predictorUnits,
        kernelSize: config.predictorKernel,
        seed: seed + s,
      });
    this.durationPredictor = pred('duration_predictor', 200);
    this.pitchPredictor = pred('pitch_predictor', 210);
    this.energyPredictor = pred('energy_predictor', 220);
    this.pitchEmbed = new Dense(p, 'pitch_embed', { inputSize: 1, units: d, seed: seed + 230 });
    this.energyEmbed = new Dense(p, 'energy_embed', { inputSize: 1, units: d, seed: seed + 240 });
    for (let i = 0; i < config.decoderLayers; i++)
      this.decoder.push(
        new TransformerBlock(p, `dec${i}`, { dModel: d, heads, ffnSize, seed: seed + 300 + 10 * i }),
      );
    this.decLn = new LayerNorm(p, 'dec_ln', d);
    const r = config.reduction ?? 1;
    if (r !== 1 && r !== 2) throw new Error(`reduction ${r}: only 1 or 2 frames per decoder step`);
    this.melOut = new Dense(p, 'mel_out', { inputSize: d, units: config.numMelBins * r, seed: seed + 400 });
    this.progressEmbed = config.frameProgress
      ? new Dense(p, 'frame_progress', { inputSize: FRAME_PROGRESS_DIM, units: d, seed: seed + 500 })
      : null;
    this.melMean = tf.tensor1d(config.melMean);
    this.melStd = tf.tensor1d(config.melStd);
  }

  /** Expanded frames plus the projection of their place in the symbol (when the model has it). */
  private withProgress(frames: tf.Tensor3D, progress?: tf.Tensor3D): tf.Tensor3D {
    if (!this.progressEmbed) return frames;
    if (!progress) throw new Error('this model decodes with frame progress: pass progressTensor(durations)');
    return tf.add(frames, this.progressEmbed.apply(progress)) as tf.Tensor3D;
  }

  /** Embedding scaled to unit variance plus positions, then the encoder stack. ids [B,N] → [B,N,d]. */
  private encodeSymbols(ids: tf.Tensor2D, lengths?: ArrayLike<number>): tf.Tensor3D {
    const [B, N] = ids.shape;
    const d = this.config.dModel;
    let x = tf.add(tf.mul(this.embed.apply(ids), Math.sqrt(d)), sinusoidalPositions(N, d)) as tf.Tensor3D;
    const bias = lengths ? attentionBias(B, 1, N, { keyLengths: lengths }) : undefined;
    for (const blk of this.encoder) x = blk.apply(x, bias);
    return this.encLn.apply(x) as tf.Tensor3D;
  }

  private addVariance(h: tf.Tensor3D, pitch: tf.Tensor2D, energy: tf.Tensor2D): tf.Tensor3D {
    const p = this.pitchEmbed.apply(pitch.expandDims(2));
    const e = this.energyEmbed.apply(energy.expandDims(2));
    return tf.add(tf.add(h, p), e) as tf.Tensor3D;
  }

  /**
   * Inference encoder (what encoder.onnx computes): ids [B,N] of equal length →
   * hidden [B,N,d] with predicted pitch/energy embedded, log(1+duration) [B,N], pitch, energy.
   * `given` replaces a predicted prosody track with a measured one (ablations).
   */
  encode(
    ids: tf.Tensor2D,
    given: { pitch?: tf.Tensor2D; energy?: tf.Tensor2D } = {},
  ): {
    hidden: tf.Tensor3D;
    logDurations: tf.Tensor2D;
    pitch: tf.Tensor2D;
    energy: tf.Tensor2D;
  } {
    const h = this.encodeSymbols(ids);
    const logDurations = this.durationPredictor.apply(h);
    const pitch = given.pitch ?? this.pitchPredictor.apply(h);
    const energy = given.energy ?? this.energyPredictor.apply(h);
    return { hidden: this.addVariance(h, pitch, energy), logDurations, pitch, energy };
  }

  /**
   * Normalised mel [B,T,bins] from expanded frames [B,T,d] (no positions yet; T a multiple of
   * the reduction factor): groups of r frames are averaged, decoded, and unfolded again.
   */
  private decodeNormalised(frames: tf.Tensor3D, lengths?: ArrayLike<number>): tf.Tensor3D {
    const [B, T, d] = frames.shape;
    const r = this.config.reduction ?? 1;
    if (T % r !== 0) throw new Error(`decoder: ${T} frames is not a multiple of the reduction ${r}`);
    const steps = T / r;
    const grouped = r === 1 ? frames : (tf.mean(frames.reshape([B, steps, r, d]), 2) as tf.Tensor3D);
    let y = tf.add(grouped, sinusoidalPositions(steps, d)) as tf.Tensor3D;
    const bias = lengths
      ? attentionBias(B, 1, steps, { keyLengths: Array.from(lengths, (n) => Math.ceil(n / r)) })
      : undefined;
    for (const blk of this.decoder) y = blk.apply(y, bias);
    return this.melOut.apply(this.decLn.apply(y)).reshape([B, T, this.config.numMelBins]) as tf.Tensor3D;
  }

  /**
   * Inference decoder (what decoder.onnx computes): frames [B,T,d] (and, for a model with frame
   * progress, progress [B,T,3]) → log-mel [B,T,bins]; T % reduction = 0.
   */
  decode(frames: tf.Tensor3D, progress?: tf.Tensor3D): tf.Tensor3D {
    const normalised = this.decodeNormalised(this.withProgress(frames, progress));
    return tf.add(tf.mul(normalised, this.melStd), this.melMean) as tf.Tensor3D;
  }

  /** All loss terms on a batch, teacher-forced with the aligned durations and measured pitch/energy. */
  losses(samples: FastSpeechSample[]): FastSpeechLosses & { melPred: tf.Tensor3D } {
    const B = samples.length;
    const N = Math.max(...samples.map((s) => s.ids.length));
    const r = this.config.reduction ?? 1;
    const T = paddedFrames(Math.max(...samples.map((s) => s.frames)), r);
    const bins = this.config.numMelBins;
    const ids = new Int32Array(B * N);
    const logDur = new Float32Array(B * N);
    const pitch = new Float32Array(B * N);
    const energy = new Float32Array(B * N);
    const mel = new Float32Array(B * T * bins);
    samples.forEach((s, b) => {
      ids.set(s.ids, b * N);
      for (let n = 0; n < s.ids.length; n++) logDur[b * N + n] = Math.log1p(s.durations[n]);
      pitch.set(s.pitch, b * N);
      energy.set(s.energy, b * N);
      mel.set(s.mel.subarray(0, s.frames * bins), b * T * bins);
    });
    const symLens = samples.map((s) => s.ids.length);
    const frameLens = samples.map((s) => s.frames);
    const symMask = lengthMask(symLens, N);
    const frameMask = lengthMask(frameLens, T);
    const symMask2 = symMask.squeeze([2]) as tf.Tensor2D;
    const h = tf.mul(this.encodeSymbols(tf.tensor2d(ids, [B, N], 'int32'), symLens), symMask) as tf.Tensor3D;
    const durPred = this.durationPredictor.apply(h, symMask);
    const pitchPred = this.pitchPredictor.apply(h, symMask);
    const energyPred = this.energyPredictor.apply(h, symMask);
    const pitchT = tf.tensor2d(pitch, [B, N]);
    const energyT = tf.tensor2d(energy, [B, N]);
    const hidden = this.addVariance(h, pitchT, energyT);
    const durations = samples.map((s) => s.durations);
    const expanded = matMul(expansionMatrix(durations, T, N, r), hidden) as tf.Tensor3D;
    const frames = this.withProgress(
      expanded,
      this.progressEmbed ? progressTensor(durations, T, r) : undefined,
    );
    const melPred = this.decodeNormalised(frames, frameLens);
    const nSym = symLens.reduce((a, b) => a + b, 0);
    const nFrames = frameLens.reduce((a, b) => a + b, 0);
    const maskedMse = (pred: tf.Tensor2D, target: tf.Tensor2D) =>
      tf.div(tf.sum(tf.mul(tf.square(tf.sub(pred, target)), symMask2)), nSym) as tf.Scalar;
    const melL1 = tf.div(
      tf.sum(tf.mul(tf.abs(tf.sub(melPred, tf.tensor3d(mel, [B, T, bins]))), frameMask)),
      nFrames * bins,
    ) as tf.Scalar;
    const duration = maskedMse(durPred, tf.tensor2d(logDur, [B, N]));
    const pitchLoss = maskedMse(pitchPred, pitchT);
    const energyLoss = maskedMse(energyPred, energyT);
    const w = this.config.lossWeights ?? DEFAULT_LOSS_WEIGHTS;
    const total = tf.addN([
      melL1,
      tf.mul(duration, w.duration),
      tf.mul(pitchLoss, w.pitch),
      tf.mul(energyLoss, w.energy),
    ]) as tf.Scalar;
    return { total, mel: melL1, duration, pitch: pitchLoss, energy: energyLoss, melPred };
  }

  loss(samples: FastSpeechSample[]): tf.Scalar {
    return this.losses(samples).total;
  }
}

export function createFastSpeech(config: FastSpeechConfig): FastSpeechModel {
  return new FastSpeechModel(config);
}

/** The ModelSpec that lets DataParallel workers build the same model. */
export function fastSpeechSpec(config: FastSpeechConfig) {
  return { module: import.meta.url, factory: 'createFastSpeech', config };
}
