/**
 * Mel-cepstral distortion (MCD, dB) between a synthesized and a reference utterance, with DTW
 * alignment (the two need not have the same timing).
 *
 * Definition used here (MFCC-style, computed from audio with tolk's own log-mel front-end):
 *   1. log-mel: 80 Slaney bands, 25 ms / 10 ms, natural log of mel power (server/audio/log-mel.ts);
 *   2. log amplitude = log power / 2; cepstrum c = orthonormal DCT-II over the 80 bands;
 *   3. keep c_1…c_D (D = 24 by default), excluding c_0 (overall level);
 *   4. per frame pair: MCD = (10 / ln 10) · sqrt(2 · Σ_d (c_d − c'_d)²);
 *   5. DTW (steps (1,0), (0,1), (1,1)) over Euclidean cepstral distance; report the mean
 *      frame MCD along the optimal path. Leading/trailing silence is trimmed first.
 * This is the usual formula but not SPTK's mcep (all-pass warped, α = 0.42) cepstrum, so the
 * numbers compare systems measured here, not figures from papers.
 */
import { LOG_MEL_CONFIG, logMel } from '../../../server/audio/log-mel.ts';

export interface McdOptions {
  /** Cepstral coefficients c_1…c_D compared. */
  order?: number;
  /** Frames quieter than the loudest by more than this (dB) are trimmed at both ends. */
  trimDb?: number;
  sampleRate?: number;
}

export interface McdResult {
  mcdDb: number;
  /** Frames compared after trimming (reference, synthesized). */
  framesRef: number;
  framesSyn: number;
  pathLength: number;
}

const K = (10 / Math.LN10) * Math.SQRT2;

/** Mel-cepstra c_1…c_order per frame (frame-major), from audio at 16 kHz. */
export function melCepstra(
  samples: Float32Array,
  order = 24,
  trimDb = 60,
): { data: Float64Array; frames: number } {
  const mel = logMel(samples, { padEnd: true });
  const bands = mel.numMelBins;
  if (order >= bands) throw new RangeError(`order must be below ${bands}`);
  // Trim silent ends by frame log energy.
  const energy = new Float64Array(mel.frames);
  for (let t = 0; t < mel.frames; t++) {
    let e = 0;
    for (let m = 0; m < bands; m++) e += Math.exp(mel.data[t * bands + m]);
    energy[t] = 10 * Math.log10(e + 1e-20);
  }
  const peak = Math.max(...energy);
  let first = 0;
  let last = mel.frames - 1;
  while (first < last && energy[first] < peak - trimDb) first++;
  while (last > first && energy[last] < peak - trimDb) last--;
  const frames = mel.frames === 0 ? 0 : last - first + 1;
  // Orthonormal DCT-II basis rows 1…order.
  const basis = new Float64Array(order * bands);
  for (let d = 1; d <= order; d++) {
    for (let m = 0; m < bands; m++) {
      basis[(d - 1) * bands + m] = Math.sqrt(2 / bands) * Math.cos((Math.PI * d * (m + 0.5)) / bands);
    }
  }
  const data = new Float64Array(frames * order);
  for (let t = 0; t < frames; t++) {
    const row = (first + t) * bands;
    for (let d = 0; d < order; d++) {
      let c = 0;
      for (let m = 0; m < bands; m++) c += basis[d * bands + m] * 0.5 * mel.data[row + m];
      data[t * order + d] = c;
    }
  }
  return { data, frames };
}

function frameDistance(a: Float64Array, i: number, b: Float64Array, j: number, order: number): number {
  let s = 0;
  for (let d = 0; d < order; d++) {
    const x = a[i * order + d] - b[j * order + d];
    s += x * x;
  }
  return Math.sqrt(s);
}

/** DTW over cepstral distance; returns the mean MCD along the best path. */
export function dtwMcd(
  ref: { data: Float64Array; frames: number },
  syn: { data: Float64Array; frames: number },
  order: number,
): { mcdDb: number; pathLength: number } {
  const n = ref.frames;
  const m = syn.frames;
  if (n === 0 || m === 0) throw new RangeError('MCD needs non-empty, non-silent audio on both sides');
  const cost = new Float64Array(n * m);
  const steps = new Int32Array(n * m); // path length, to average along the chosen path
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const d = frameDistance(ref.data, i, syn.data, j, order);
      if (i === 0 && j === 0) {
        cost[0] = d;
        steps[0] = 1;
        continue;
      }
      let best = Number.POSITIVE_INFINITY;
      let len = 0;
      const consider = (k: number) => {
        if (cost[k] < best) {
          best = cost[k];
          len = steps[k];
        }
      };
      if (i > 0 && j > 0) consider((i - 1) * m + (j - 1));
      if (i > 0) consider((i - 1) * m + j);
      if (j > 0) consider(i * m + (j - 1));
      cost[i * m + j] = best + d;
      steps[i * m + j] = len + 1;
    }
  }
  const total = cost[n * m - 1];
  const pathLength = steps[n * m - 1];
  return { mcdDb: (K * total) / pathLength, pathLength };
}

/** MCD (dB) of `synthesized` against `reference`, both mono float audio at 16 kHz. */
export function mcd(reference: Float32Array, synthesized: Float32Array, opts: McdOptions = {}): McdResult {
  if ((opts.sampleRate ?? LOG_MEL_CONFIG.sampleRate) !== LOG_MEL_CONFIG.sampleRate) {
    throw new RangeError(`MCD expects ${LOG_MEL_CONFIG.sampleRate} Hz audio; resample first`);
  }
  const order = opts.order ?? 24;
  const ref = melCepstra(reference, order, opts.trimDb);
  const syn = melCepstra(synthesized, order, opts.trimDb);
  const { mcdDb, pathLength } = dtwMcd(ref, syn, order);
  return { mcdDb, framesRef: ref.frames, framesSyn: syn.frames, pathLength };
}
