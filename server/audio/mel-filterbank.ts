/**
 * Mel filterbank (Slaney mel scale, triangles linear in Hz, peak weight 1), stored sparsely:
 * each band keeps only the FFT bins it touches, so applying it costs ~2 multiply-adds per bin.
 * The Slaney scale is linear below 1 kHz, so with 80 bands and a 512-point FFT at 16 kHz no
 * band is empty (the HTK scale leaves the lowest bands narrower than one FFT bin).
 */

const F_SP_HZ = 200 / 3; // Slaney: Hz per mel in the linear region
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP_HZ; // 15
const LOG_STEP = Math.log(6.4) / 27;

export function melFromHz(hz: number): number {
  if (hz < MIN_LOG_HZ) return hz / F_SP_HZ;
  return MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP;
}

export function hzFromMel(mel: number): number {
  if (mel < MIN_LOG_MEL) return mel * F_SP_HZ;
  return MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL));
}

export interface MelBand {
  /** First FFT bin with non-zero weight. */
  startBin: number;
  /** Weights for bins startBin, startBin + 1, … */
  weights: Float32Array;
  leftHz: number;
  centerHz: number;
  rightHz: number;
}

export interface FilterbankSpec {
  sampleRate: number;
  fftSize: number;
  numMelBins: number;
  fMinHz: number;
  fMaxHz: number;
}

/** Band edge frequencies: numMelBins + 2 points equally spaced on the mel scale. */
export function melEdgesHz(spec: FilterbankSpec): number[] {
  const lo = melFromHz(spec.fMinHz);
  const hi = melFromHz(spec.fMaxHz);
  const points: number[] = [];
  for (let i = 0; i < spec.numMelBins + 2; i++) {
    points.push(hzFromMel(lo + ((hi - lo) * i) / (spec.numMelBins + 1)));
  }
  return points;
}

export function triangleWeight(hz: number, leftHz: number, centerHz: number, rightHz: number): number {
  if (hz <= leftHz || hz >= rightHz) return 0;
  return hz <= centerHz ? (hz - leftHz) / (centerHz - leftHz) : (rightHz - hz) / (rightHz - centerHz);
}

export function createMelFilterbank(spec: FilterbankSpec): MelBand[] {
  const edges = melEdgesHz(spec);
  const numBins = spec.fftSize / 2 + 1;
  const binHz = spec.sampleRate / spec.fftSize;
  const bands: MelBand[] = [];
  for (let m = 0; m < spec.numMelBins; m++) {
    const [leftHz, centerHz, rightHz] = [edges[m], edges[m + 1], edges[m + 2]];
    const first = Math.max(0, Math.ceil(leftHz / binHz));
    const last = Math.min(numBins - 1, Math.floor(rightHz / binHz));
    const weights: number[] = [];
    let startBin = -1;
    for (let k = first; k <= last; k++) {
      const w = triangleWeight(k * binHz, leftHz, centerHz, rightHz);
      if (w <= 0 && startBin < 0) continue;
      if (startBin < 0) startBin = k;
      weights.push(w);
    }
    while (weights.length > 0 && weights[weights.length - 1] <= 0) weights.pop();
    if (startBin < 0) throw new Error(`mel band ${m} is empty: use fewer bands or a larger FFT`);
    bands.push({ startBin, weights: Float32Array.from(weights), leftHz, centerHz, rightHz });
  }
  return bands;
}
