/** Adds noise at a given SNR, pads with silence, and sets the output level. Pure JS. */

export function meanSquare(x: Float32Array, start = 0, end = x.length): number {
  let s = 0;
  for (let i = start; i < end; i++) s += x[i] * x[i];
  return end > start ? s / (end - start) : 0;
}

export interface MixSpec {
  /** null = clean */
  snrDb: number | null;
  /** where to start reading the (looped) noise */
  noiseOffset: number;
  padStartSamples: number;
  padEndSamples: number;
  /** target RMS of the result in dBFS */
  levelDbfs: number;
}

/** Adds looped noise from `offset` so that 10·log10(P_reference / P_added) = snrDb. In place. */
export function addNoiseAtSnr(
  signal: Float32Array,
  referencePower: number,
  noise: Float32Array,
  snrDb: number,
  offset: number,
): void {
  const n = signal.length;
  let pn = 0;
  for (let i = 0; i < n; i++) {
    const v = noise[(offset + i) % noise.length];
    pn += v * v;
  }
  pn /= n;
  if (referencePower <= 0 || pn <= 0) return;
  const gain = Math.sqrt(referencePower / (pn * 10 ** (snrDb / 10)));
  for (let i = 0; i < n; i++) signal[i] += gain * noise[(offset + i) % noise.length];
}

/** Scales to a target RMS (dBFS), lowering it instead if the peak would clip. In place. */
export function scaleToLevel(x: Float32Array, levelDbfs: number): void {
  const rms = Math.sqrt(meanSquare(x));
  if (rms <= 0) return;
  let g = 10 ** (levelDbfs / 20) / rms;
  let peak = 0;
  for (let i = 0; i < x.length; i++) peak = Math.max(peak, Math.abs(x[i]));
  if (peak * g > 0.98) g = 0.98 / peak;
  for (let i = 0; i < x.length; i++) x[i] *= g;
}

/**
 * Pads the speech with silence, adds noise over the whole padded signal at an SNR measured
 * against the speech before padding, then sets the output level.
 */
export function mixAtSnr(speech: Float32Array, noise: Float32Array | null, spec: MixSpec): Float32Array {
  const out = new Float32Array(spec.padStartSamples + speech.length + spec.padEndSamples);
  out.set(speech, spec.padStartSamples);
  if (spec.snrDb !== null && noise && noise.length > 0) {
    addNoiseAtSnr(out, meanSquare(speech), noise, spec.snrDb, spec.noiseOffset);
  }
  scaleToLevel(out, spec.levelDbfs);
  return out;
}

/** Measured SNR of mixture vs clean (for tests): 10·log10(P_speech / P_noise). */
export function snrDb(clean: Float32Array, noisy: Float32Array): number {
  let ps = 0;
  let pn = 0;
  for (let i = 0; i < clean.length; i++) {
    ps += clean[i] * clean[i];
    const d = noisy[i] - clean[i];
    pn += d * d;
  }
  return 10 * Math.log10(ps / pn);
}
