/**
 * Differentiable STFT / iSTFT for training, written as framing + dense DFT matrices + overlap-add
 * (slices, pads and one matMul each), because tfjs has no gradient for its FFT kernels and wasm
 * has none for strided convolutions. At the sizes a vocoder uses (≤ 1024 points) the dense
 * product is cheap next to the network, and its gradient is the plain matMul of ops.ts.
 *
 * Framing is server/audio/stft.ts's uncentred one: frame t covers samples [t·hop, t·hop + win),
 * a periodic Hann window zero-padded to the FFT size, so `istftFrames` reproduces the server's
 * `istft` / `StreamingIstft` (same window-sum normalisation and edge floor) to float precision.
 */
import * as tf from '@tensorflow/tfjs';
import { hann, type StftConfig } from '../../../server/audio/stft.ts';
import { linear } from './ops.ts';

/** The framing of one STFT resolution (centre is never used here). */
export type Framing = Pick<StftConfig, 'fftSize' | 'windowSamples' | 'hopSamples'>;

export const binsOf = (f: Framing) => f.fftSize / 2 + 1;

/** Frames of an uncentred STFT without padding: floor((L − win) / hop) + 1. */
export function framesIn(samples: number, f: Framing): number {
  return samples < f.windowSamples ? 0 : Math.floor((samples - f.windowSamples) / f.hopSamples) + 1;
}

/** Samples an iSTFT of `frames` frames covers: (frames − 1)·hop + win. */
export function samplesOf(frames: number, f: Framing): number {
  return frames > 0 ? (frames - 1) * f.hopSamples + f.windowSamples : 0;
}

/** Windowed forward DFT as two [win, bins] matrices: Re X = frame·C, Im X = frame·S. */
export function forwardDftMatrices(f: Framing): { cos: Float32Array; sin: Float32Array } {
  const { fftSize: n, windowSamples: win } = f;
  const bins = binsOf(f);
  const w = hann(win);
  const cos = new Float32Array(win * bins);
  const sin = new Float32Array(win * bins);
  for (let t = 0; t < win; t++) {
    for (let k = 0; k < bins; k++) {
      // (k·t) mod n keeps the angle small, so float64 cos/sin stay exact for large n.
      const a = (2 * Math.PI * ((k * t) % n)) / n;
      cos[t * bins + k] = w[t] * Math.cos(a);
      sin[t * bins + k] = -w[t] * Math.sin(a);
    }
  }
  return { cos, sin };
}

/**
 * Inverse real DFT of the non-negative bins, first `win` samples, times the synthesis window,
 * as two [bins, win] matrices: frame = Re X·A + Im X·B (StftEngine.inverse; the imaginary
 * parts of DC and Nyquist drop out as they do there).
 */
export function inverseDftMatrices(f: Framing): { re: Float32Array; im: Float32Array } {
  const { fftSize: n, windowSamples: win } = f;
  const bins = binsOf(f);
  const w = hann(win);
  const re = new Float32Array(bins * win);
  const im = new Float32Array(bins * win);
  for (let k = 0; k < bins; k++) {
    const c = k === 0 || k === n / 2 ? 1 / n : 2 / n;
    for (let t = 0; t < win; t++) {
      const a = (2 * Math.PI * ((k * t) % n)) / n;
      re[k * win + t] = c * Math.cos(a) * w[t];
      im[k * win + t] = k === 0 || k === n / 2 ? 0 : -c * Math.sin(a) * w[t];
    }
  }
  return { re, im };
}

/** 1 / max(Σ w², floor) over the iSTFT span of `frames` frames (server/audio/stft.ts's normalisation). */
export function inverseWindowSum(frames: number, f: Framing): Float32Array {
  const { windowSamples: win, hopSamples: hop } = f;
  const w = hann(win);
  let energy = 0;
  for (const x of w) energy += x * x;
  const floor = (1e-2 * energy) / hop;
  const sum = new Float64Array(samplesOf(frames, f));
  for (let t = 0; t < frames; t++) for (let i = 0; i < win; i++) sum[t * hop + i] += w[i] * w[i];
  return Float32Array.from(sum, (s) => 1 / Math.max(s, floor));
}

/** signal [B, L] → frames [B, T, win], T = framesIn(L). */
export function frameSignal(signal: tf.Tensor2D, f: Framing): tf.Tensor3D {
  const [B, L] = signal.shape;
  const { windowSamples: win, hopSamples: hop } = f;
  const T = framesIn(L, f);
  if (T <= 0) throw new Error(`frameSignal: ${L} samples is shorter than one ${win}-sample window`);
  const m = Math.ceil(win / hop);
  const need = (T + m - 1) * hop;
  const padded =
    need > L
      ? tf.pad(signal, [
          [0, 0],
          [0, need - L],
        ])
      : tf.slice(signal, [0, 0], [B, need]);
  const chunks = padded.reshape([B, T + m - 1, hop]);
  const parts = Array.from({ length: m }, (_, j) => tf.slice(chunks, [0, j, 0], [B, T, hop]));
  const joined = m === 1 ? parts[0] : tf.concat(parts, 2);
  return (m * hop === win ? joined : tf.slice(joined, [0, 0, 0], [B, T, win])) as tf.Tensor3D;
}

/** Overlap-add of windowed frames [B, T, win] → [B, (T−1)·hop + win] (not yet normalised). */
export function overlapAdd(frames: tf.Tensor3D, f: Framing): tf.Tensor2D {
  const [B, T, win] = frames.shape;
  const hop = f.hopSamples;
  const m = Math.ceil(win / hop);
  const full =
    m * hop === win
      ? frames
      : tf.pad(frames, [
          [0, 0],
          [0, 0],
          [0, m * hop - win],
        ]);
  const pieces = full.reshape([B, T, m, hop]);
  const shifted = Array.from({ length: m }, (_, j) =>
    tf.pad(tf.slice(pieces, [0, 0, j, 0], [B, T, 1, hop]).reshape([B, T, hop]), [
      [0, 0],
      [j, m - 1 - j],
      [0, 0],
    ]),
  );
  const sum = m === 1 ? shifted[0] : tf.addN(shifted);
  return tf.slice(sum.reshape([B, (T + m - 1) * hop]), [0, 0], [B, samplesOf(T, f)]) as tf.Tensor2D;
}

/** Constant matrices for one framing, built once per model. */
export class SpectralOps {
  readonly bins: number;
  private readonly fwdCos: tf.Tensor2D;
  private readonly fwdSin: tf.Tensor2D;
  private readonly invRe: tf.Tensor2D;
  private readonly invIm: tf.Tensor2D;
  private readonly wsum = new Map<number, tf.Tensor1D>();

  constructor(readonly framing: Framing) {
    const bins = binsOf(framing);
    const win = framing.windowSamples;
    this.bins = bins;
    const fwd = forwardDftMatrices(framing);
    const inv = inverseDftMatrices(framing);
    this.fwdCos = tf.keep(tf.tensor2d(fwd.cos, [win, bins]));
    this.fwdSin = tf.keep(tf.tensor2d(fwd.sin, [win, bins]));
    this.invRe = tf.keep(tf.tensor2d(inv.re, [bins, win]));
    this.invIm = tf.keep(tf.tensor2d(inv.im, [bins, win]));
  }

  /** signal [B, L] → { re, im } [B, T, bins]. */
  stft(signal: tf.Tensor2D): { re: tf.Tensor3D; im: tf.Tensor3D } {
    const frames = frameSignal(signal, this.framing);
    return {
      re: linear(frames, this.fwdCos) as tf.Tensor3D,
      im: linear(frames, this.fwdSin) as tf.Tensor3D,
    };
  }

  /** { re, im } [B, T, bins] → signal [B, (T−1)·hop + win], as the server's istft computes it. */
  istft(re: tf.Tensor3D, im: tf.Tensor3D): tf.Tensor2D {
    const frames = tf.add(linear(re, this.invRe), linear(im, this.invIm)) as tf.Tensor3D;
    return tf.mul(overlapAdd(frames, this.framing), this.inverseWindowSum(re.shape[1])) as tf.Tensor2D;
  }

  private inverseWindowSum(frames: number): tf.Tensor1D {
    let t = this.wsum.get(frames);
    if (!t) {
      t = tf.keep(tf.tensor1d(inverseWindowSum(frames, this.framing)));
      this.wsum.set(frames, t);
    }
    return t;
  }

  dispose(): void {
    for (const t of [this.fwdCos, this.fwdSin, this.invRe, this.invIm, ...this.wsum.values()]) t.dispose();
    this.wsum.clear();
  }
}
