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

/**
 * SNR is measured against the speech before padding (its mean square over the utterance),
 * and the noise mean square over the segment actually added.
 */
export function mixAtSnr(speech: Float32Array, noise: Float32Array | null, spec: MixSpec): Float32Array {
  const n = spec.padStartSamples + speech.length + spec.padEndSamples;
  const out = new Float32Array(n);
  out.set(speech, spec.padStartSamples);
  if (spec.snrDb !== null && noise && noise.length > 0) {
    const segment = new Float32Array(n);
    for (let i = 0; i < n; i++) segment[i] = noise[(spec.noiseOffset + i) % noise.length];
    const ps = meanSquare(speech);
    const pn = meanSquare(segment);
    if (ps > 0 && pn > 0) {
      const gain = Math.sqrt(ps / (pn * 10 ** (spec.snrDb / 10)));
      for (let i = 0; i < n; i++) out[i] += gain * segment[i];
    }
  }
  const rms = Math.sqrt(meanSquare(out));
  if (rms > 0) {
    let g = 10 ** (spec.levelDbfs / 20) / rms;
    let peak = 0;
    for (let i = 0; i < n; i++) peak = Math.max(peak, Math.abs(out[i]));
    if (peak * g > 0.98) g = 0.98 / peak; // never clip: lower the level instead
    for (let i = 0; i < n; i++) out[i] *= g;
  }
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
