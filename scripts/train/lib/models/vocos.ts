/**
 * Vocos-style vocoder (Siuzdak 2023): tolk's log-mel [B,T,80] → Conv1d embed (k 7) → LayerNorm →
 * N ConvNeXt blocks → LayerNorm → Dense to 2·(n_fft/2 + 1) = log-magnitude and phase angle of
 * the STFT frame at the SAME 10 ms hop → iSTFT. No upsampling layers: the iSTFT does it, so the
 * network runs at 100 frames/s and a frame of audio costs one small MLP pass.
 *
 * Framing is server/audio/log-mel.ts's (16 kHz, 400-sample Hann window, hop 160, 512-point FFT,
 * uncentred): mel frame t and STFT frame t see the same samples, so the vocoder consumes
 * exactly the frames the acoustic model emits and the server inverts its output with the
 * existing (streaming) iSTFT. Inputs below the training mel floor (ln 1e-8, as
 * scripts/train/tts/dataset.ts floors the acoustic model's targets) are raised to it, then
 * normalised per band with the training set's statistics; the exported graph does the same.
 * The log-magnitude is clamped from above (`logMagMax`, Vocos clips |X| at 1e2 the same way)
 * so an early or untrained model cannot emit overflowing spectra.
 *
 * Loss. A differentiable iSTFT is practical in tfjs once the DFT is a dense matMul (lib/spectral.ts:
 * framing and overlap-add are slices and pads), so the main terms are on the RECONSTRUCTED
 * waveform, which is what the listener hears and what makes the predicted phase consistent:
 *   - mel: L1 between tolk's log-mel of the output and the input log-mel (Vocos / HiFi-GAN);
 *   - stft: multi-resolution STFT loss (spectral convergence + log-magnitude L1 at 3 framings,
 *     Parallel WaveGAN), so no single window size's artefacts go unpunished;
 * plus two cheap STFT-domain terms at the model's own framing that speed up early training:
 *   - magnitude: L1 between the predicted log-magnitude and the recording's;
 *   - phase: APNet-style anti-wrapping phase losses, 1 − cos(Δ), on instantaneous phase, group
 *     delay (difference along frequency) and instantaneous frequency (along time), weighted by
 *     the recording's magnitude (the phase of a silent bin is noise).
 * Vocos's GAN discriminators are left out: adversarial training does not fit a CPU budget in
 * tfjs. Without them the output is expected to be a little buzzier than published Vocos; the
 * weights of every term are in the config so the first real run can tune them.
 *
 * Training samples are whole utterances; each batch cuts a random `segmentFrames` crop of each
 * (offsets drawn from a hash of the seed and the batch's sample ids, so `--resume` with the same
 * thread count replays exactly).
 *
 * Weight names: `embed/{kernel,bias}` (Conv1d [k,80,dim]), `embed_norm`, `block{i}/{dwconv,norm,
 * pw1,pw2,scale}`, `final_norm`, `head/{kernel,bias}` ([dim, 2·bins]: log-magnitude columns first).
 */
import * as tf from '@tensorflow/tfjs';
import { LOG_MEL_CONFIG, LogMelFrameComputer } from '../../../../server/audio/log-mel.ts';
import { createMelFilterbank } from '../../../../server/audio/mel-filterbank.ts';
import { type StftConfig, StftEngine } from '../../../../server/audio/stft.ts';
import { denseFilterbank } from '../../../../server/stages/tts/mel-inverse.ts';
import { Dense, LayerNorm } from '../layers.ts';
import type { TrainModel } from '../model.ts';
import { linear } from '../ops.ts';
import { ParamStore } from '../params.ts';
import { batchSeed, Rng } from '../rng.ts';
import { binsOf, type Framing, SpectralOps, samplesOf } from '../spectral.ts';
import { Conv1d } from './fastspeech-layers.ts';
import { ConvNeXtBlock, VOCOS_LN_EPS } from './vocos-layers.ts';

export interface VocosLossWeights {
  mel: number;
  stft: number;
  magnitude: number;
  phase: number;
}

export interface VocosConfig {
  sampleRate: number;
  numMelBins: number;
  /** The model's STFT framing: must be the log-mel front-end's (fft 512, window 400, hop 160). */
  fftSize: number;
  windowSamples: number;
  hopSamples: number;
  dim: number;
  intermediate: number;
  layers: number;
  /** Depthwise kernel of the ConvNeXt blocks and kernel of the embedding conv (odd). */
  kernelSize: number;
  embedKernel: number;
  /** Input log-mel is raised to this first (natural log of mel power). */
  melFloor: number;
  /** Per-band statistics of the training log-mel (after the floor). */
  melMean: number[];
  melStd: number[];
  /** Upper clamp of the predicted natural-log magnitude. */
  logMagMax: number;
  /** Per-bin initial log-magnitude (the head's bias): the voice's mean log |X|. Default 0. */
  logMagInit?: number[];
  /** Frames per training crop. */
  segmentFrames: number;
  /** Framings of the multi-resolution STFT loss. */
  stftResolutions: Framing[];
  lossWeights: VocosLossWeights;
  seed?: number;
}

export interface VocoderSample {
  /** Position in the training set (crop offsets are drawn from the ids of a batch). */
  id: number;
  /** 16 kHz audio, at least `samplesOf(segmentFrames)` samples long. */
  audio: Float32Array;
  /** Log-mel frames the audio has (uncentred, no padding). */
  frames: number;
}

export const DEFAULT_LOSS_WEIGHTS: VocosLossWeights = { mel: 1, stft: 1, magnitude: 1, phase: 1 };

/** 16 kHz resolutions around the model's own 25 ms window: 16, 32 and 64 ms. */
export const DEFAULT_STFT_RESOLUTIONS: Framing[] = [
  { fftSize: 256, windowSamples: 256, hopSamples: 64 },
  { fftSize: 512, windowSamples: 512, hopSamples: 128 },
  { fftSize: 1024, windowSamples: 1024, hopSamples: 256 },
];

/** ln(1e-8): the acoustic model's target floor (scripts/train/tts/dataset.ts MEL_FLOOR). */
export const VOCOS_MEL_FLOOR = Math.log(1e-8);
/** |X| ≤ 1e3: a full-scale sine through the 400-sample Hann window peaks at 100. */
export const DEFAULT_LOG_MAG_MAX = Math.log(1e3);
const MAG_EPS = 1e-5;

/** Frames either side whose input changes an output frame: (embed − 1)/2 + layers·(k − 1)/2. */
export function receptiveFieldFrames(
  cfg: Pick<VocosConfig, 'embedKernel' | 'kernelSize' | 'layers'>,
): number {
  return (cfg.embedKernel - 1) / 2 + (cfg.layers * (cfg.kernelSize - 1)) / 2;
}

export function vocosFraming(cfg: VocosConfig): Framing {
  return { fftSize: cfg.fftSize, windowSamples: cfg.windowSamples, hopSamples: cfg.hopSamples };
}

/** Host-side spectra of the target audio (no gradient needed, so plain FFTs). */
function targetSpectrum(
  engine: StftEngine,
  audio: Float32Array,
  frames: number,
): { re: Float32Array; im: Float32Array } {
  const bins = engine.bins;
  const re = new Float32Array(frames * bins);
  const im = new Float32Array(frames * bins);
  for (let t = 0; t < frames; t++) engine.forward(audio, t * engine.cfg.hopSamples, re, im, t * bins);
  return { re, im };
}

const mean = (x: tf.Tensor) => tf.mean(x) as tf.Scalar;

export interface VocosLosses {
  total: tf.Scalar;
  mel: tf.Scalar;
  stft: tf.Scalar;
  magnitude: tf.Scalar;
  phase: tf.Scalar;
}

export class VocosModel implements TrainModel<VocoderSample> {
  readonly params = new ParamStore();
  readonly embed: Conv1d;
  readonly embedNorm: LayerNorm;
  readonly blocks: ConvNeXtBlock[] = [];
  readonly finalNorm: LayerNorm;
  readonly head: Dense;
  readonly bins: number;
  private readonly melMean: tf.Tensor1D;
  private readonly melInvStd: tf.Tensor1D;
  private readonly ops: SpectralOps;
  private readonly resolutionOps: SpectralOps[];
  private readonly melBasis: tf.Tensor2D;
  private readonly engines: StftEngine[];
  private readonly melComputer: LogMelFrameComputer;

  constructor(readonly config: VocosConfig) {
    const { dim, numMelBins, seed = 1 } = config;
    if (config.fftSize !== LOG_MEL_CONFIG.fftSize || config.hopSamples !== LOG_MEL_CONFIG.hopSamples)
      throw new Error('vocos: the STFT framing must be the log-mel front-end’s (fft 512, hop 160)');
    const p = this.params;
    this.bins = binsOf(vocosFraming(config));
    this.embed = new Conv1d(p, 'embed', {
      inputSize: numMelBins,
      units: dim,
      kernelSize: config.embedKernel,
      seed,
    });
    this.embedNorm = new LayerNorm(p, 'embed_norm', dim, VOCOS_LN_EPS);
    for (let i = 0; i < config.layers; i++)
      this.blocks.push(
        new ConvNeXtBlock(p, `block${i}`, {
          dim,
          intermediate: config.intermediate,
          kernelSize: config.kernelSize,
          layerScale: 1 / config.layers,
          seed: seed + 10 * (i + 1),
        }),
      );
    this.finalNorm = new LayerNorm(p, 'final_norm', dim, VOCOS_LN_EPS);
    this.head = new Dense(p, 'head', { inputSize: dim, units: 2 * this.bins, seed: seed + 500 });
    if (config.logMagInit) {
      if (config.logMagInit.length !== this.bins) throw new Error(`logMagInit needs ${this.bins} values`);
      const bias = new Float32Array(2 * this.bins);
      bias.set(config.logMagInit);
      this.head.bias!.assign(tf.tensor1d(bias));
    }
    this.melMean = tf.tensor1d(config.melMean);
    this.melInvStd = tf.tensor1d(config.melStd.map((s) => 1 / s));
    this.ops = new SpectralOps(vocosFraming(config));
    this.resolutionOps = config.stftResolutions.map((r) => new SpectralOps(r));
    const mel = { ...LOG_MEL_CONFIG, sampleRate: config.sampleRate, numMelBins };
    const fb = denseFilterbank(createMelFilterbank(mel), this.bins); // [mel, bins]
    const basis = new Float32Array(this.bins * numMelBins);
    for (let m = 0; m < numMelBins; m++)
      for (let k = 0; k < this.bins; k++) basis[k * numMelBins + m] = fb[m * this.bins + k];
    this.melBasis = tf.tensor2d(basis, [this.bins, numMelBins]);
    const stftCfg = (f: Framing): StftConfig => ({ ...f, sampleRate: config.sampleRate, center: false });
    this.engines = [vocosFraming(config), ...config.stftResolutions].map((f) => new StftEngine(stftCfg(f)));
    this.melComputer = new LogMelFrameComputer(mel);
  }

  /** Log-mel [B,T,mel] → predicted log-magnitude (clamped) and phase, each [B,T,bins]. */
  predict(logMel: tf.Tensor3D): { logMag: tf.Tensor3D; phase: tf.Tensor3D } {
    const [B, T] = logMel.shape;
    const bins = this.bins;
    const x = tf.mul(tf.sub(tf.maximum(logMel, this.config.melFloor), this.melMean), this.melInvStd);
    let h = this.embedNorm.apply(this.embed.apply(x as tf.Tensor3D)) as tf.Tensor3D;
    for (const blk of this.blocks) h = blk.apply(h);
    const out = this.head.apply(this.finalNorm.apply(h)) as tf.Tensor3D;
    const logMag = tf.minimum(tf.slice(out, [0, 0, 0], [B, T, bins]), this.config.logMagMax) as tf.Tensor3D;
    const phase = tf.slice(out, [0, 0, bins], [B, T, bins]) as tf.Tensor3D;
    return { logMag, phase };
  }

  /** Log-mel → complex STFT frames { re, im } [B,T,bins] (what the exported graph outputs). */
  spectrum(logMel: tf.Tensor3D): { re: tf.Tensor3D; im: tf.Tensor3D } {
    const { logMag, phase } = this.predict(logMel);
    const mag = tf.exp(logMag);
    return { re: tf.mul(mag, tf.cos(phase)) as tf.Tensor3D, im: tf.mul(mag, tf.sin(phase)) as tf.Tensor3D };
  }

  /** Log-mel → waveform [B, (T−1)·hop + win] through the differentiable iSTFT. */
  synthesize(logMel: tf.Tensor3D): tf.Tensor2D {
    const { re, im } = this.spectrum(logMel);
    return this.ops.istft(re, im);
  }

  /** The crop [t0, t0 + segmentFrames) of each sample, its floored log-mel and its audio. */
  crops(samples: readonly VocoderSample[]): { mel: Float32Array; audio: Float32Array[] } {
    const S = this.config.segmentFrames;
    const hop = this.config.hopSamples;
    const nMel = this.config.numMelBins;
    const len = samplesOf(S, vocosFraming(this.config));
    const rng = new Rng(
      batchSeed(
        this.config.seed ?? 1,
        samples.map((s) => s.id),
      ),
    );
    const mel = new Float32Array(samples.length * S * nMel);
    const audio = samples.map((s, b) => {
      if (s.frames < S) throw new Error(`sample ${s.id}: ${s.frames} frames, the crop needs ${S}`);
      const t0 = rng.int(s.frames - S + 1);
      const seg = s.audio.slice(t0 * hop, t0 * hop + len);
      for (let t = 0; t < S; t++) this.melComputer.computeFrame(seg, t * hop, mel, (b * S + t) * nMel);
      return seg;
    });
    for (let i = 0; i < mel.length; i++) if (mel[i] < this.config.melFloor) mel[i] = this.config.melFloor;
    return { mel, audio };
  }

  /** log-mel of a waveform batch [B, L] at the model's framing, floored like the targets. */
  private logMelOf(wave: tf.Tensor2D): tf.Tensor3D {
    const { re, im } = this.ops.stft(wave);
    const power = tf.add(tf.square(re), tf.square(im)) as tf.Tensor3D;
    return tf.log(tf.maximum(linear(power, this.melBasis), Math.exp(this.config.melFloor))) as tf.Tensor3D;
  }

  losses(samples: VocoderSample[]): VocosLosses {
    const cfg = this.config;
    const B = samples.length;
    const S = cfg.segmentFrames;
    const bins = this.bins;
    const { mel, audio } = this.crops(samples);
    const melT = tf.tensor3d(mel, [B, S, cfg.numMelBins]);
    const { logMag, phase } = this.predict(melT);
    const mag = tf.exp(logMag);
    const re = tf.mul(mag, tf.cos(phase)) as tf.Tensor3D;
    const im = tf.mul(mag, tf.sin(phase)) as tf.Tensor3D;
    const wave = this.ops.istft(re, im);
    const w = cfg.lossWeights;

    // mel L1 on the reconstructed waveform: exactly S frames, aligned with the input. The two
    // outer frames are left out: they see the iSTFT's floored edge samples, so even the
    // recording's own spectrum would not reproduce them.
    const inner = (x: tf.Tensor3D) => tf.slice(x, [0, 1, 0], [B, S - 2, cfg.numMelBins]);
    const melLoss = mean(tf.abs(tf.sub(inner(this.logMelOf(wave)), inner(melT))));

    // Multi-resolution STFT loss on the waveform.
    const L = wave.shape[1];
    const stftTerms = this.resolutionOps.map((ops, r) => {
      const f = ops.framing;
      const frames = Math.floor((L - f.windowSamples) / f.hopSamples) + 1;
      const rb = ops.bins;
      const target = new Float32Array(B * frames * rb);
      audio.forEach((a, b) => {
        const t = targetSpectrum(this.engines[r + 1], a, frames);
        for (let i = 0; i < frames * rb; i++)
          target[b * frames * rb + i] = Math.sqrt(t.re[i] * t.re[i] + t.im[i] * t.im[i]);
      });
      const tgt = tf.tensor3d(target, [B, frames, rb]);
      const s = ops.stft(wave);
      const pred = tf.sqrt(tf.add(tf.add(tf.square(s.re), tf.square(s.im)), 1e-9));
      const sc = tf.div(tf.norm(tf.sub(tgt, pred)), tf.add(tf.norm(tgt), 1e-7));
      const logL1 = mean(tf.abs(tf.sub(tf.log(tf.add(tgt, MAG_EPS)), tf.log(tf.add(pred, MAG_EPS)))));
      return tf.add(sc, logL1);
    });
    const stftLoss = tf.div(tf.addN(stftTerms), stftTerms.length) as tf.Scalar;

    // STFT-domain terms at the model's own framing.
    const tRe = new Float32Array(B * S * bins);
    const tIm = new Float32Array(B * S * bins);
    audio.forEach((a, b) => {
      const t = targetSpectrum(this.engines[0], a, S);
      tRe.set(t.re, b * S * bins);
      tIm.set(t.im, b * S * bins);
    });
    const tMag = Float32Array.from(tRe, (r, i) => Math.sqrt(r * r + tIm[i] * tIm[i]));
    const tLogMag = tf.tensor3d(
      Float32Array.from(tMag, (m) => Math.log(Math.max(m, MAG_EPS))),
      [B, S, bins],
    );
    const magLoss = mean(tf.abs(tf.sub(logMag, tLogMag)));
    const tPhase = tf.tensor3d(
      Float32Array.from(tRe, (r, i) => Math.atan2(tIm[i], r)),
      [B, S, bins],
    );
    const weight = tf.tensor3d(tMag, [B, S, bins]);
    const phaseLoss = this.phaseLoss(phase, tPhase, weight);

    const total = tf.addN([
      tf.mul(melLoss, w.mel),
      tf.mul(stftLoss, w.stft),
      tf.mul(magLoss, w.magnitude),
      tf.mul(phaseLoss, w.phase),
    ]) as tf.Scalar;
    return { total, mel: melLoss, stft: stftLoss, magnitude: magLoss, phase: phaseLoss };
  }

  /** Mean of the magnitude-weighted 1 − cos(Δ) of phase, group delay and instantaneous frequency. */
  private phaseLoss(pred: tf.Tensor3D, target: tf.Tensor3D, weight: tf.Tensor3D): tf.Scalar {
    const [B, T, F] = pred.shape;
    const term = (p: tf.Tensor, t: tf.Tensor, wt: tf.Tensor) =>
      tf.div(tf.sum(tf.mul(wt, tf.sub(1, tf.cos(tf.sub(p, t))))), tf.add(tf.sum(wt), 1e-7));
    const dF = (x: tf.Tensor3D) =>
      tf.sub(tf.slice(x, [0, 0, 1], [B, T, F - 1]), tf.slice(x, [0, 0, 0], [B, T, F - 1]));
    const dT = (x: tf.Tensor3D) =>
      tf.sub(tf.slice(x, [0, 1, 0], [B, T - 1, F]), tf.slice(x, [0, 0, 0], [B, T - 1, F]));
    const ip = term(pred, target, weight);
    const gd = term(dF(pred), dF(target), tf.slice(weight, [0, 0, 0], [B, T, F - 1]));
    const iff = term(dT(pred), dT(target), tf.slice(weight, [0, 0, 0], [B, T - 1, F]));
    return tf.div(tf.addN([ip, gd, iff]), 3) as tf.Scalar;
  }

  loss(samples: VocoderSample[]): tf.Scalar {
    return this.losses(samples).total;
  }
}

export function createVocos(config: VocosConfig): VocosModel {
  return new VocosModel(config);
}

/** The ModelSpec that lets DataParallel workers build the same model. */
export function vocosSpec(config: VocosConfig) {
  return { module: import.meta.url, factory: 'createVocos', config };
}
