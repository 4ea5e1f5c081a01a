/**
 * STFT / iSTFT (fft.js, Hann window, overlap-add with window-sum normalisation) and a
 * streaming iSTFT for vocoders that emit one frame of magnitude + phase at a time.
 *
 * The default TTS framing is the log-mel front-end's (server/audio/log-mel.ts): 16 kHz,
 * 400-sample (25 ms) window, 160-sample (10 ms) hop, 512-point FFT, frame t starting at sample
 * t·hop. So STFT frame t and log-mel frame t see the same samples, and an acoustic model that
 * predicts log-mel at the ASR's 10 ms hop can be aligned with the recogniser frame by frame.
 *
 * Frame t covers samples [t·hop − origin, t·hop − origin + window), origin = window/2 when
 * `center` (reflect-padded ends, librosa's convention) and 0 otherwise. The window sits at
 * the start of the FFT buffer and is zero-padded to fftSize.
 */
import FFT from 'fft.js';

export interface StftConfig {
  sampleRate: number;
  fftSize: number;
  windowSamples: number;
  hopSamples: number;
  center: boolean;
}

export const TTS_STFT_CONFIG: Readonly<StftConfig> = Object.freeze({
  sampleRate: 16000,
  fftSize: 512,
  windowSamples: 400,
  hopSamples: 160,
  center: false,
});

/** Frame-major complex spectrogram: bin k of frame t at [t · bins + k]. */
export interface ComplexSpectrogram {
  frames: number;
  bins: number;
  re: Float32Array;
  im: Float32Array;
}

/** Periodic Hann window. */
export function hann(length: number): Float64Array {
  const w = new Float64Array(length);
  for (let n = 0; n < length; n++) w[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / length);
  return w;
}

export function binCount(cfg: StftConfig): number {
  return cfg.fftSize / 2 + 1;
}

function origin(cfg: StftConfig): number {
  return cfg.center ? Math.floor(cfg.windowSamples / 2) : 0;
}

/** Frames needed so every sample is inside some frame (the tail is zero-padded). */
export function stftFrameCount(numSamples: number, cfg: StftConfig = TTS_STFT_CONFIG): number {
  if (numSamples <= 0) return 0;
  if (cfg.center) return Math.floor(numSamples / cfg.hopSamples) + 1;
  return Math.ceil(Math.max(0, numSamples - cfg.windowSamples) / cfg.hopSamples) + 1;
}

/** Samples an iSTFT of `frames` frames yields by default. */
export function istftLength(frames: number, cfg: StftConfig = TTS_STFT_CONFIG): number {
  if (frames <= 0) return 0;
  return cfg.center ? (frames - 1) * cfg.hopSamples : (frames - 1) * cfg.hopSamples + cfg.windowSamples;
}

/**
 * Window-sum floor: where fewer than ~1% of a full overlap covers a sample (the outer edge of
 * an uncentred signal), divide by the floor instead so the edge fades rather than blowing up.
 */
function windowSumFloor(window: Float64Array, hop: number): number {
  let s = 0;
  for (const w of window) s += w * w;
  return (1e-2 * s) / hop;
}

/**
 * Per-frame transforms with preallocated buffers. Real FFTs of size N run as N/2-point
 * complex FFTs (even samples real, odd imaginary) split or merged with twiddles: about 2×
 * cheaper than fft.js's realTransform / full inverseTransform, which matters for Griffin-Lim.
 */
export class StftEngine {
  readonly cfg: StftConfig;
  readonly bins: number;
  readonly window: Float64Array;
  readonly wsumFloor: number;
  private readonly halfFft: FFT;
  private readonly frame: Float64Array;
  private readonly z: Float64Array;
  private readonly zt: Float64Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;

  constructor(cfg: StftConfig = TTS_STFT_CONFIG) {
    if (cfg.windowSamples > cfg.fftSize) throw new Error('window longer than FFT size');
    if (cfg.hopSamples > cfg.windowSamples) throw new Error('hop longer than window');
    if ((cfg.fftSize & (cfg.fftSize - 1)) !== 0 || cfg.fftSize < 8)
      throw new Error('fftSize must be a power of two ≥ 8');
    this.cfg = cfg;
    this.bins = binCount(cfg);
    this.window = hann(cfg.windowSamples);
    this.wsumFloor = windowSumFloor(this.window, cfg.hopSamples);
    const half = cfg.fftSize / 2;
    this.halfFft = new FFT(half);
    this.frame = new Float64Array(cfg.fftSize); // tail beyond the window stays zero
    this.z = new Float64Array(cfg.fftSize);
    this.zt = new Float64Array(cfg.fftSize);
    this.cos = Float64Array.from({ length: half + 1 }, (_, k) => Math.cos((Math.PI * k) / half));
    this.sin = Float64Array.from({ length: half + 1 }, (_, k) => Math.sin((Math.PI * k) / half));
  }

  /** Transforms window · samples[start…start+window) (zero outside the array) into re/im at `outOffset`. */
  forward(
    samples: ArrayLike<number>,
    start: number,
    re: Float32Array,
    im: Float32Array,
    outOffset: number,
  ): void {
    const { frame, window, z, cos, sin } = this;
    const n = this.cfg.windowSamples;
    const lo = Math.max(0, -start);
    const hi = Math.min(n, samples.length - start);
    for (let i = 0; i < lo; i++) frame[i] = 0;
    for (let i = lo; i < hi; i++) frame[i] = samples[start + i] * window[i];
    for (let i = Math.max(hi, lo); i < n; i++) frame[i] = 0;
    this.halfFft.transform(z, frame);
    const half = this.cfg.fftSize / 2;
    for (let k = 0; k <= half; k++) {
      const a = k & (half - 1);
      const b = (half - k) & (half - 1);
      const zr = z[2 * a];
      const zi = z[2 * a + 1];
      const cr = z[2 * b];
      const ci = -z[2 * b + 1];
      const er = 0.5 * (zr + cr);
      const ei = 0.5 * (zi + ci);
      const or = 0.5 * (zi - ci);
      const oi = -0.5 * (zr - cr);
      re[outOffset + k] = er + cos[k] * or + sin[k] * oi;
      im[outOffset + k] = ei + cos[k] * oi - sin[k] * or;
    }
  }

  /**
   * Inverse of one frame: writes window · ifft(X) (the synthesis-windowed frame, window
   * samples long) into `out`. X is given by its non-negative bins; Hermitian symmetry gives the rest.
   */
  inverse(re: ArrayLike<number>, im: ArrayLike<number>, inOffset: number, out: Float64Array): void {
    const { z, zt, window, cos, sin } = this;
    const half = this.cfg.fftSize / 2;
    for (let k = 0; k < half; k++) {
      // E = (X[k] + conj X[half−k]) / 2, O = (X[k] − conj X[half−k]) · e^{+2πik/N} / 2, Z = E + iO.
      const xr = re[inOffset + k];
      const xi = k === 0 ? 0 : im[inOffset + k];
      const yr = re[inOffset + half - k];
      const yi = k === 0 ? 0 : -im[inOffset + half - k];
      const er = 0.5 * (xr + yr);
      const ei = 0.5 * (xi + yi);
      const dr = 0.5 * (xr - yr);
      const di = 0.5 * (xi - yi);
      const or = dr * cos[k] - di * sin[k];
      const oi = dr * sin[k] + di * cos[k];
      z[2 * k] = er - oi;
      z[2 * k + 1] = ei + or;
    }
    this.halfFft.inverseTransform(zt, z);
    for (let i = 0; i < this.cfg.windowSamples; i++) {
      const v = i & 1 ? zt[2 * (i >> 1) + 1] : zt[2 * (i >> 1)];
      out[i] = v * window[i];
    }
  }
}

/** Reflect-pads both ends by `pad` (zero-pads when the signal is too short to reflect). */
function reflectPad(samples: Float32Array, pad: number): Float32Array {
  if (pad === 0) return samples;
  const n = samples.length;
  const out = new Float32Array(n + 2 * pad);
  out.set(samples, pad);
  if (n > pad) {
    for (let i = 1; i <= pad; i++) {
      out[pad - i] = samples[i];
      out[pad + n - 1 + i] = samples[n - 1 - i];
    }
  }
  return out;
}

/** Short-time Fourier transform of a whole signal. */
export function stft(
  samples: Float32Array,
  cfg: StftConfig = TTS_STFT_CONFIG,
  engine = new StftEngine(cfg),
): ComplexSpectrogram {
  const frames = stftFrameCount(samples.length, cfg);
  const bins = engine.bins;
  const re = new Float32Array(frames * bins);
  const im = new Float32Array(frames * bins);
  const padded = reflectPad(samples, origin(cfg));
  for (let t = 0; t < frames; t++) engine.forward(padded, t * cfg.hopSamples, re, im, t * bins);
  return { frames, bins, re, im };
}

/** Inverse STFT by weighted overlap-add, normalised by the summed squared window. */
export function istft(
  spec: ComplexSpectrogram,
  cfg: StftConfig = TTS_STFT_CONFIG,
  opts: { length?: number; engine?: StftEngine } = {},
): Float32Array {
  const engine = opts.engine ?? new StftEngine(cfg);
  const { windowSamples: win, hopSamples: hop } = cfg;
  const span = spec.frames > 0 ? (spec.frames - 1) * hop + win : 0;
  const acc = new Float64Array(span);
  const wsum = new Float64Array(span);
  const frame = new Float64Array(win);
  const w = engine.window;
  for (let t = 0; t < spec.frames; t++) {
    engine.inverse(spec.re, spec.im, t * spec.bins, frame);
    const start = t * hop;
    for (let i = 0; i < win; i++) {
      acc[start + i] += frame[i];
      wsum[start + i] += w[i] * w[i];
    }
  }
  const off = origin(cfg);
  const length = opts.length ?? istftLength(spec.frames, cfg);
  const out = new Float32Array(length);
  const floor = engine.wsumFloor;
  for (let i = 0; i < length; i++) {
    const j = i + off;
    if (j < span) out[i] = acc[j] / Math.max(wsum[j], floor);
  }
  return out;
}

/**
 * Streaming iSTFT: push one frame at a time, get the samples that no later frame can change.
 * Uses the same overlap-add and normalisation as `istft`, so the concatenated output equals
 * the whole-utterance iSTFT (same arithmetic, same order), seams included.
 */
export class StreamingIstft {
  readonly cfg: StftConfig;
  private readonly engine: StftEngine;
  private readonly acc: Float64Array;
  private readonly wsum: Float64Array;
  private readonly frame: Float64Array;
  private readonly wsq: Float64Array;
  private framesIn = 0;
  /** Samples (in frame coordinates) still to skip: the centred origin. */
  private skip: number;
  private emitted = 0;

  constructor(cfg: StftConfig = TTS_STFT_CONFIG) {
    this.cfg = cfg;
    this.engine = new StftEngine(cfg);
    this.acc = new Float64Array(cfg.windowSamples);
    this.wsum = new Float64Array(cfg.windowSamples);
    this.frame = new Float64Array(cfg.windowSamples);
    this.wsq = this.engine.window.map((w) => w * w);
    this.skip = origin(cfg);
  }

  get bins(): number {
    return this.engine.bins;
  }

  /** Samples emitted so far. */
  get samplesOut(): number {
    return this.emitted;
  }

  /** One frame given as its non-negative bins; returns the hop samples it completed. */
  push(re: ArrayLike<number>, im: ArrayLike<number>, offset = 0): Float32Array {
    const { acc, wsum, frame, wsq } = this;
    const { windowSamples: win, hopSamples: hop } = this.cfg;
    this.engine.inverse(re, im, offset, frame);
    for (let i = 0; i < win; i++) {
      acc[i] += frame[i];
      wsum[i] += wsq[i];
    }
    this.framesIn++;
    // The next frame starts hop samples later, so the first hop samples are now final.
    return this.take(hop);
  }

  /** One frame as magnitude and phase (what a Vocos-style head predicts). */
  pushPolar(magnitude: ArrayLike<number>, phase: ArrayLike<number>): Float32Array {
    const bins = this.engine.bins;
    const re = new Float64Array(bins);
    const im = new Float64Array(bins);
    for (let k = 0; k < bins; k++) {
      re[k] = magnitude[k] * Math.cos(phase[k]);
      im[k] = magnitude[k] * Math.sin(phase[k]);
    }
    return this.push(re, im);
  }

  /** Emits the tail up to `istftLength(frames)` (or `length` total samples) and resets. */
  flush(length?: number): Float32Array {
    const total = length ?? istftLength(this.framesIn, this.cfg);
    const remaining = Math.max(0, total - this.emitted);
    const out = this.take(Math.min(this.cfg.windowSamples, remaining + this.skip), remaining);
    this.reset();
    return out;
  }

  reset(): void {
    this.acc.fill(0);
    this.wsum.fill(0);
    this.framesIn = 0;
    this.emitted = 0;
    this.skip = origin(this.cfg);
  }

  /** Finalises `n` samples from the front of the accumulator, drops the skipped origin, shifts. */
  private take(n: number, limit = Number.POSITIVE_INFINITY): Float32Array {
    const { acc, wsum } = this;
    const floor = this.engine.wsumFloor;
    const skipNow = Math.min(this.skip, n);
    this.skip -= skipNow;
    const count = Math.min(n - skipNow, limit);
    const out = new Float32Array(Math.max(0, count));
    for (let i = 0; i < out.length; i++) {
      const j = skipNow + i;
      out[i] = acc[j] / Math.max(wsum[j], floor);
    }
    acc.copyWithin(0, n);
    wsum.copyWithin(0, n);
    acc.fill(0, acc.length - n);
    wsum.fill(0, wsum.length - n);
    this.emitted += out.length;
    return out;
  }
}

/** |X| per bin, frame-major like the spectrogram. */
export function magnitudeOf(spec: ComplexSpectrogram): Float32Array {
  const out = new Float32Array(spec.re.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(spec.re[i] * spec.re[i] + spec.im[i] * spec.im[i]);
  return out;
}
