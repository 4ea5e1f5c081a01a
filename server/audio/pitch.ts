/**
 * F0 per log-mel frame with YIN (de Cheveigné & Kawahara 2002): difference function,
 * cumulative-mean normalisation, absolute threshold, parabolic refinement. Frames line up with
 * server/audio/log-mel.ts (frame t covers samples [t·hop, t·hop + window), so its centre is
 * t·hop + window/2). The signal is first halved to 8 kHz by pair averaging (F0 ≤ 500 Hz
 * survives), which makes the O(window·lag) search 4× cheaper — this runs over hours of
 * training audio. Unvoiced or silent frames get 0.
 */
import { LOG_MEL_CONFIG } from './log-mel.ts';

export interface PitchConfig {
  sampleRate: number;
  hopSamples: number;
  /** The log-mel analysis window, only to find each frame's centre. */
  windowSamples: number;
  minHz: number;
  maxHz: number;
  /** YIN absolute threshold on the normalised difference (0.1–0.2 usual). */
  threshold: number;
  /** Integration window of the difference function, in seconds. */
  integrationSeconds: number;
  /** Frames quieter than this RMS are unvoiced without a search. */
  silenceRms: number;
}

export const DEFAULT_PITCH_CONFIG: Readonly<PitchConfig> = Object.freeze({
  sampleRate: LOG_MEL_CONFIG.sampleRate,
  hopSamples: LOG_MEL_CONFIG.hopSamples,
  windowSamples: LOG_MEL_CONFIG.windowSamples,
  minHz: 65,
  maxHz: 500,
  threshold: 0.15,
  integrationSeconds: 0.016,
  silenceRms: 1e-3,
});

/** F0 in Hz of `frames` frames (0 = unvoiced). */
export function trackPitch(
  samples: Float32Array,
  frames: number,
  cfg: PitchConfig = DEFAULT_PITCH_CONFIG,
): Float32Array {
  const rate = cfg.sampleRate / 2;
  const half = new Float32Array(samples.length >> 1);
  for (let i = 0; i < half.length; i++) half[i] = 0.5 * (samples[2 * i] + samples[2 * i + 1]);
  const W = Math.round(cfg.integrationSeconds * rate);
  const tauMin = Math.max(2, Math.floor(rate / cfg.maxHz));
  const tauMax = Math.ceil(rate / cfg.minHz);
  const span = W + tauMax;
  const buf = new Float32Array(span);
  const diff = new Float64Array(tauMax + 2);
  const out = new Float32Array(frames);
  for (let t = 0; t < frames; t++) {
    const centre = (t * cfg.hopSamples + cfg.windowSamples / 2) / 2;
    const start = Math.round(centre - span / 2);
    let energy = 0;
    for (let i = 0; i < span; i++) {
      const j = start + i;
      const v = j >= 0 && j < half.length ? half[j] : 0;
      buf[i] = v;
      if (i < W) energy += v * v;
    }
    if (Math.sqrt(energy / W) < cfg.silenceRms) continue;
    // d(τ) and its cumulative-mean normalisation d'(τ) = d(τ)·τ / Σ_{j≤τ} d(j)
    let running = 0;
    let found = -1;
    for (let tau = 1; tau <= tauMax; tau++) {
      let d = 0;
      for (let i = 0; i < W; i++) {
        const x = buf[i] - buf[i + tau];
        d += x * x;
      }
      running += d;
      diff[tau] = running > 0 ? (d * tau) / running : 1;
    }
    for (let tau = tauMin; tau <= tauMax; tau++) {
      if (diff[tau] < cfg.threshold) {
        while (tau + 1 <= tauMax && diff[tau + 1] < diff[tau]) tau++;
        found = tau;
        break;
      }
    }
    if (found < 0) continue;
    let tau = found;
    if (found > 1 && found < tauMax) {
      const a = diff[found - 1];
      const b = diff[found];
      const c = diff[found + 1];
      const den = a - 2 * b + c;
      if (den > 0) tau = found + (0.5 * (a - c)) / den;
    }
    out[t] = rate / tau;
  }
  return out;
}
