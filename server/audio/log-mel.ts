/**
 * Log-mel front-end shared by training and serving: 80 bands, 25 ms Hann window, 10 ms hop,
 * 512-point FFT at 16 kHz (fft.js, as a 256-point complex FFT), natural log of mel power with a 1e-10 floor.
 *
 * Frame t covers samples [t·hop, t·hop + window). Without padding an utterance of N samples
 * has floor((N − window) / hop) + 1 frames; with `padEnd` the tail is zero-padded so every
 * sample lands in some frame. `StreamingLogMel` runs the same per-frame code on pushed
 * chunks, so its frames are bit-identical to `logMel` on the concatenated audio.
 */
import FFT from 'fft.js';
import { createMelFilterbank, type MelBand } from './mel-filterbank.ts';

export interface LogMelConfig {
  sampleRate: number;
  numMelBins: number;
  windowSamples: number;
  hopSamples: number;
  fftSize: number;
  fMinHz: number;
  fMaxHz: number;
  logFloor: number;
}

export const LOG_MEL_CONFIG: Readonly<LogMelConfig> = Object.freeze({
  sampleRate: 16000,
  numMelBins: 80,
  windowSamples: 400, // 25 ms
  hopSamples: 160, // 10 ms
  fftSize: 512,
  fMinHz: 0,
  fMaxHz: 8000,
  logFloor: 1e-10,
});

/** Periodic Hann window (the usual choice for STFT analysis). */
export function hannWindow(length: number): Float64Array {
  const w = new Float64Array(length);
  for (let n = 0; n < length; n++) w[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / length);
  return w;
}

export function frameCount(numSamples: number, cfg: LogMelConfig = LOG_MEL_CONFIG, padEnd = false): number {
  if (numSamples <= 0) return 0;
  if (padEnd) return Math.ceil(Math.max(0, numSamples - cfg.windowSamples) / cfg.hopSamples) + 1;
  if (numSamples < cfg.windowSamples) return 0;
  return Math.floor((numSamples - cfg.windowSamples) / cfg.hopSamples) + 1;
}

/** Computes one frame at a time; holds the precomputed window, FFT plan and sparse filterbank. */
export class LogMelFrameComputer {
  readonly cfg: LogMelConfig;
  readonly bands: MelBand[];
  private readonly window: Float64Array;
  private readonly halfFft: FFT;
  private readonly cosTable: Float64Array;
  private readonly sinTable: Float64Array;
  private readonly frame: Float64Array;
  private readonly spectrum: Float64Array;
  private readonly power: Float64Array;
  // the filterbank flattened into typed arrays: one monomorphic loop, no per-band objects
  private readonly melStart: Int32Array;
  private readonly melEnd: Int32Array;
  private readonly melWeights: Float64Array;
  private readonly melOffset: Int32Array;

  constructor(cfg: LogMelConfig = LOG_MEL_CONFIG) {
    if (cfg.windowSamples > cfg.fftSize) throw new Error('window longer than FFT size');
    this.cfg = cfg;
    this.bands = createMelFilterbank(cfg);
    this.melStart = Int32Array.from(this.bands, (b) => b.startBin);
    this.melEnd = Int32Array.from(this.bands, (b) => b.startBin + b.weights.length);
    // weights indexed by [band offset + bin]: offset = sum of earlier widths − startBin
    const total = this.bands.reduce((a, b) => a + b.weights.length, 0);
    this.melWeights = new Float64Array(total);
    this.melOffset = new Int32Array(this.bands.length);
    let o = 0;
    this.bands.forEach((b, m) => {
      this.melWeights.set(b.weights, o);
      this.melOffset[m] = o - b.startBin;
      o += b.weights.length;
    });
    this.window = hannWindow(cfg.windowSamples);
    this.halfFft = new FFT(cfg.fftSize / 2);
    this.frame = new Float64Array(cfg.fftSize); // tail stays zero: zero-padding to fftSize
    this.spectrum = new Float64Array(cfg.fftSize);
    const half = cfg.fftSize / 2;
    this.cosTable = Float64Array.from({ length: half + 1 }, (_, k) => Math.cos((Math.PI * k) / half));
    this.sinTable = Float64Array.from({ length: half + 1 }, (_, k) => Math.sin((Math.PI * k) / half));
    this.power = new Float64Array(cfg.fftSize / 2 + 1);
  }

  /**
   * Power spectrum |X_k|² for k = 0…fftSize/2 of the windowed frame starting at `offset`.
   * The real frame is transformed as fftSize/2 complex points (even samples real, odd
   * imaginary) and split afterwards: about 2.5× cheaper than fft.js's realTransform.
   */
  powerSpectrum(samples: Float32Array, offset: number): Float64Array {
    const { window, frame, spectrum, power, cosTable, sinTable } = this;
    const n = this.cfg.windowSamples;
    const avail = Math.min(n, samples.length - offset);
    for (let i = 0; i < avail; i++) frame[i] = samples[offset + i] * window[i];
    for (let i = Math.max(0, avail); i < n; i++) frame[i] = 0;
    this.halfFft.transform(spectrum, frame);
    const half = this.cfg.fftSize / 2;
    // X_k from the half-size transform Z: E = (Z_k + conj Z_{h−k})/2, O = (Z_k − conj Z_{h−k})/2i,
    // X_k = E + W^k O. Bins k and h−k share E and O (conjugated), so both come from one pass.
    for (const k of [0, half / 2, half]) {
      const a = k & (half - 1);
      const b = (half - k) & (half - 1);
      const er = 0.5 * (spectrum[2 * a] + spectrum[2 * b]);
      const ei = 0.5 * (spectrum[2 * a + 1] - spectrum[2 * b + 1]);
      const or = 0.5 * (spectrum[2 * a + 1] + spectrum[2 * b + 1]);
      const oi = -0.5 * (spectrum[2 * a] - spectrum[2 * b]);
      const c = cosTable[k];
      const s = sinTable[k];
      const xr = er + c * or + s * oi;
      const xi = ei + c * oi - s * or;
      power[k] = xr * xr + xi * xi;
    }
    for (let k = 1; k < half / 2; k++) {
      const j = half - k;
      const zr = spectrum[2 * k];
      const zi = spectrum[2 * k + 1];
      const wr = spectrum[2 * j];
      const wi = spectrum[2 * j + 1];
      const er = 0.5 * (zr + wr);
      const ei = 0.5 * (zi - wi);
      const or = 0.5 * (zi + wi);
      const oi = -0.5 * (zr - wr);
      const c = cosTable[k];
      const s = sinTable[k];
      const A = c * or + s * oi;
      const B = c * oi - s * or;
      power[k] = (er + A) * (er + A) + (ei + B) * (ei + B);
      power[j] = (er - A) * (er - A) + (B - ei) * (B - ei);
    }
    return power;
  }

  /** Writes numMelBins log-mel values for the frame starting at `offset` into out[outOffset…]. */
  computeFrame(samples: Float32Array, offset: number, out: Float32Array, outOffset: number): void {
    const power = this.powerSpectrum(samples, offset);
    const floor = this.cfg.logFloor;
    const { melStart, melEnd, melWeights, melOffset } = this;
    for (let m = 0; m < melStart.length; m++) {
      const w0 = melOffset[m];
      let e = 0;
      for (let k = melStart[m]; k < melEnd[m]; k++) e += melWeights[w0 + k] * power[k];
      out[outOffset + m] = Math.log(Math.max(e, floor));
    }
  }
}

export interface LogMelFeatures {
  /** Frame-major: data[t · numMelBins + m]. */
  data: Float32Array;
  frames: number;
  numMelBins: number;
}

/** Batch extraction over a whole utterance (mono, 16 kHz, samples in [−1, 1]). */
export function logMel(
  samples: Float32Array,
  opts: { padEnd?: boolean; cfg?: LogMelConfig; computer?: LogMelFrameComputer } = {},
): LogMelFeatures {
  const cfg = opts.computer?.cfg ?? opts.cfg ?? LOG_MEL_CONFIG;
  const computer = opts.computer ?? new LogMelFrameComputer(cfg);
  const frames = frameCount(samples.length, cfg, opts.padEnd ?? false);
  const data = new Float32Array(frames * cfg.numMelBins);
  for (let t = 0; t < frames; t++) {
    computer.computeFrame(samples, t * cfg.hopSamples, data, t * cfg.numMelBins);
  }
  return { data, frames, numMelBins: cfg.numMelBins };
}

/**
 * Streaming extractor: push any number of samples, get back every frame that became complete.
 * `flush()` zero-pads the tail exactly as `logMel(…, { padEnd: true })` does.
 */
export class StreamingLogMel {
  readonly cfg: LogMelConfig;
  private readonly computer: LogMelFrameComputer;
  private buffer: Float32Array;
  private buffered = 0; // valid samples in buffer
  private framesOut = 0;
  private samplesIn = 0;

  constructor(cfg: LogMelConfig = LOG_MEL_CONFIG) {
    this.cfg = cfg;
    this.computer = new LogMelFrameComputer(cfg);
    this.buffer = new Float32Array(cfg.windowSamples * 4);
  }

  get framesEmitted(): number {
    return this.framesOut;
  }

  push(samples: Float32Array): LogMelFeatures {
    this.append(samples);
    const { windowSamples, hopSamples, numMelBins } = this.cfg;
    const ready =
      this.buffered >= windowSamples ? Math.floor((this.buffered - windowSamples) / hopSamples) + 1 : 0;
    return this.emit(ready, numMelBins);
  }

  /** Emits the zero-padded final frames (if any samples are not yet covered) and resets. */
  flush(): LogMelFeatures {
    const total = this.samplesIn;
    const want = frameCount(total, this.cfg, true);
    const out = this.emit(Math.max(0, want - this.framesOut), this.cfg.numMelBins);
    this.reset();
    return out;
  }

  reset(): void {
    this.buffered = 0;
    this.framesOut = 0;
    this.samplesIn = 0;
  }

  private emit(frames: number, numMelBins: number): LogMelFeatures {
    const data = new Float32Array(frames * numMelBins);
    const hop = this.cfg.hopSamples;
    for (let t = 0; t < frames; t++) {
      // computeFrame zero-fills past the buffered samples, which is what padEnd means.
      this.computer.computeFrame(this.buffer.subarray(0, this.buffered), t * hop, data, t * numMelBins);
    }
    this.framesOut += frames;
    const drop = Math.min(frames * hop, this.buffered);
    this.buffer.copyWithin(0, drop, this.buffered);
    this.buffered -= drop;
    return { data, frames, numMelBins };
  }

  private append(samples: Float32Array): void {
    const need = this.buffered + samples.length;
    if (need > this.buffer.length) {
      const grown = new Float32Array(Math.max(need, this.buffer.length * 2));
      grown.set(this.buffer.subarray(0, this.buffered));
      this.buffer = grown;
    }
    this.buffer.set(samples, this.buffered);
    this.buffered = need;
    this.samplesIn += samples.length;
  }
}
