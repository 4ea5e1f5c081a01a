/**
 * Mel → linear magnitude for the Griffin-Lim baseline: the Moore–Penrose pseudo-inverse of the
 * mel filterbank (Mᵀ(MMᵀ + λI)⁻¹, λ a tiny ridge for the narrow low bands), applied to mel
 * power and clipped at zero, then square-rooted to a magnitude. Blurrier than the true
 * spectrum above 1 kHz, where mel bands are wide; a trained vocoder does not need this step.
 */
import type { MelBand } from '../../audio/mel-filterbank.ts';

/** Dense row-major filterbank M (numMel × bins) from the sparse bands of server/audio/mel-filterbank.ts. */
export function denseFilterbank(bands: MelBand[], bins: number): Float64Array {
  const m = new Float64Array(bands.length * bins);
  bands.forEach((b, i) => {
    for (let j = 0; j < b.weights.length; j++) m[i * bins + b.startBin + j] = b.weights[j];
  });
  return m;
}

/** Solves A X = B for symmetric positive-definite A (n × n) by Cholesky; B is n × cols, overwritten. */
function choleskySolve(a: Float64Array, n: number, b: Float64Array, cols: number): void {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (s <= 0) throw new Error('filterbank Gram matrix is not positive definite');
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / l[j * n + j];
    }
  }
  for (let c = 0; c < cols; c++) {
    for (let i = 0; i < n; i++) {
      let s = b[i * cols + c];
      for (let k = 0; k < i; k++) s -= l[i * n + k] * b[k * cols + c];
      b[i * cols + c] = s / l[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = b[i * cols + c];
      for (let k = i + 1; k < n; k++) s -= l[k * n + i] * b[k * cols + c];
      b[i * cols + c] = s / l[i * n + i];
    }
  }
}

export class MelInverter {
  readonly numMel: number;
  readonly bins: number;
  /** Pseudo-inverse P (bins × numMel), row-major. */
  readonly pinv: Float64Array;

  constructor(bands: MelBand[], bins: number, ridge = 1e-6) {
    const n = bands.length;
    this.numMel = n;
    this.bins = bins;
    const m = denseFilterbank(bands, bins);
    const gram = new Float64Array(n * n);
    let trace = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < bins; k++) s += m[i * bins + k] * m[j * bins + k];
        gram[i * n + j] = s;
      }
      trace += gram[i * n + i];
    }
    for (let i = 0; i < n; i++) gram[i * n + i] += (ridge * trace) / n;
    // (MMᵀ)⁻¹ M  (n × bins); its transpose is the pseudo-inverse.
    const x = Float64Array.from(m);
    choleskySolve(gram, n, x, bins);
    this.pinv = new Float64Array(bins * n);
    for (let i = 0; i < n; i++) for (let k = 0; k < bins; k++) this.pinv[k * n + i] = x[i * bins + k];
  }

  /**
   * Natural-log mel power (frame-major frames × numMel, as server/audio/log-mel.ts makes it)
   * → linear magnitude (frames × bins).
   */
  logMelToMagnitude(logMel: Float32Array, frames: number): Float32Array {
    const { numMel, bins, pinv } = this;
    const out = new Float32Array(frames * bins);
    const power = new Float64Array(numMel);
    for (let t = 0; t < frames; t++) {
      for (let i = 0; i < numMel; i++) power[i] = Math.exp(logMel[t * numMel + i]);
      for (let k = 0; k < bins; k++) {
        let s = 0;
        const row = k * numMel;
        for (let i = 0; i < numMel; i++) s += pinv[row + i] * power[i];
        out[t * bins + k] = s > 0 ? Math.sqrt(s) : 0;
      }
    }
    return out;
  }
}
