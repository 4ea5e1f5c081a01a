/**
 * Griffin-Lim: the vocoder that needs no training, kept as the baseline the trained
 * Vocos-style vocoder must beat. Log-mel → linear magnitude (mel-inverse.ts) → fast
 * Griffin-Lim (Perraudin et al. 2013: GL with momentum α, librosa's form) → audio.
 *
 * Phase starts from zero (deterministic: the same mel gives the same audio, which makes the
 * chunked/whole comparison and tests meaningful).
 */
import {
  type ComplexSpectrogram,
  istftLength,
  type StftConfig,
  StftEngine,
  TTS_STFT_CONFIG,
} from '../../audio/stft.ts';

export interface GriffinLimOptions {
  iterations?: number;
  /** Fast Griffin-Lim momentum; 0 is the classic algorithm. */
  momentum?: number;
  cfg?: StftConfig;
  /** Starting phase per bin (frames × bins); zero when absent. Chunked GL passes its overlap here. */
  initialPhase?: Float32Array;
  /** Called after each iteration with the spectral convergence, for tests and tuning. */
  onIteration?: (iteration: number, spectralConvergence: number) => void;
  engine?: StftEngine;
}

export interface GriffinLimResult {
  audio: Float32Array;
  /** Final phase estimate (frames × bins). */
  phase: Float32Array;
}

/**
 * Spectral convergence ‖ |STFT(x)| − S ‖_F / ‖S‖_F: how far the audio's magnitude is from the
 * target magnitude S. 0 is a perfect match.
 */
export function spectralConvergence(target: Float32Array, rebuilt: ComplexSpectrogram): number {
  let num = 0;
  let den = 0;
  const n = Math.min(target.length, rebuilt.re.length);
  for (let i = 0; i < n; i++) {
    const d = Math.sqrt(rebuilt.re[i] * rebuilt.re[i] + rebuilt.im[i] * rebuilt.im[i]) - target[i];
    num += d * d;
    den += target[i] * target[i];
  }
  return den > 0 ? Math.sqrt(num / den) : 0;
}

/**
 * Griffin-Lim from a linear magnitude spectrogram (frames × bins). The loop works on the
 * overlap-added signal in frame coordinates with preallocated buffers (no allocation per
 * iteration); for uncentred framing that is exactly STFT(iSTFT(·)).
 */
export function griffinLim(
  magnitude: Float32Array,
  frames: number,
  opts: GriffinLimOptions = {},
): GriffinLimResult {
  const cfg = opts.cfg ?? TTS_STFT_CONFIG;
  const engine = opts.engine ?? new StftEngine(cfg);
  const { hopSamples: hop, windowSamples: win } = cfg;
  const bins = engine.bins;
  const iterations = opts.iterations ?? 32;
  const momentum = opts.momentum ?? 0.99;
  const beta = momentum / (1 + momentum);
  const n = frames * bins;
  const span = frames > 0 ? (frames - 1) * hop + win : 0;
  // 1 / window-sum, computed once: the normalisation is the same every iteration.
  const wsumInv = new Float64Array(span);
  for (let t = 0; t < frames; t++) {
    for (let i = 0; i < win; i++) wsumInv[t * hop + i] += engine.window[i] * engine.window[i];
  }
  for (let i = 0; i < span; i++) wsumInv[i] = 1 / Math.max(wsumInv[i], engine.wsumFloor);
  const signal = new Float64Array(span);
  const frameBuf = new Float64Array(win);
  // Current spectrogram estimate S·e^{iφ} (what gets overlap-added) and the re-analysed one.
  const spec: ComplexSpectrogram = { frames, bins, re: new Float32Array(n), im: new Float32Array(n) };
  let rebuilt: ComplexSpectrogram = { frames, bins, re: new Float32Array(n), im: new Float32Array(n) };
  let prev: ComplexSpectrogram = { frames, bins, re: new Float32Array(n), im: new Float32Array(n) };
  for (let i = 0; i < n; i++) {
    const ph = opts.initialPhase ? opts.initialPhase[i] : 0;
    spec.re[i] = magnitude[i] * Math.cos(ph);
    spec.im[i] = magnitude[i] * Math.sin(ph);
  }
  const overlapAdd = () => {
    signal.fill(0);
    for (let t = 0; t < frames; t++) {
      engine.inverse(spec.re, spec.im, t * bins, frameBuf);
      const start = t * hop;
      for (let i = 0; i < win; i++) signal[start + i] += frameBuf[i];
    }
    for (let i = 0; i < span; i++) signal[i] *= wsumInv[i];
  };
  for (let it = 0; it < iterations; it++) {
    overlapAdd();
    for (let t = 0; t < frames; t++) engine.forward(signal, t * hop, rebuilt.re, rebuilt.im, t * bins);
    if (opts.onIteration) opts.onIteration(it, spectralConvergence(magnitude, rebuilt));
    for (let i = 0; i < n; i++) {
      const ar = rebuilt.re[i] - beta * prev.re[i];
      const ai = rebuilt.im[i] - beta * prev.im[i];
      const norm = Math.sqrt(ar * ar + ai * ai);
      // A bin whose estimate vanished keeps its previous phase.
      if (norm > 1e-12) {
        spec.re[i] = (magnitude[i] * ar) / norm;
        spec.im[i] = (magnitude[i] * ai) / norm;
      }
    }
    [prev, rebuilt] = [rebuilt, prev];
  }
  overlapAdd();
  const off = cfg.center ? Math.floor(win / 2) : 0;
  const length = istftLength(frames, cfg);
  const audio = new Float32Array(length);
  for (let i = 0; i < length && i + off < span; i++) audio[i] = signal[i + off];
  const phase = new Float32Array(n);
  for (let i = 0; i < n; i++) phase[i] = Math.atan2(spec.im[i], spec.re[i]);
  return { audio, phase };
}
