/**
 * Feature normalization that behaves the same in training (batch) and serving (streaming).
 *
 * - `GlobalNormalizer`: fixed per-band mean/variance measured on the training set. Stateless,
 *   so streaming == batch trivially. Use this when the model ships with its stats.
 * - `CausalNormalizer`: running (cumulative) mean/variance per band, seeded with a prior
 *   (global stats) worth `priorFrames` pseudo-frames. Frame t is normalized with the stats of
 *   the prior plus frames 0…t, so the first ~`priorFrames` frames (the warm-up, 1 s at the
 *   default 100) lean on the prior and later frames adapt to the speaker and channel. It never
 *   looks ahead, so the batch result equals the streaming result.
 */

export interface MelStats {
  mean: Float64Array;
  variance: Float64Array;
  frames: number;
}

const VARIANCE_FLOOR = 1e-5;

/** Accumulates per-band sums; merge accumulators from many utterances, then `toStats()`. */
export class MelStatsAccumulator {
  readonly sum: Float64Array;
  readonly sumSq: Float64Array;
  frames = 0;

  constructor(readonly numMelBins: number) {
    this.sum = new Float64Array(numMelBins);
    this.sumSq = new Float64Array(numMelBins);
  }

  add(data: Float32Array): void {
    const bins = this.numMelBins;
    const frames = data.length / bins;
    for (let t = 0; t < frames; t++) {
      for (let m = 0; m < bins; m++) {
        const x = data[t * bins + m];
        this.sum[m] += x;
        this.sumSq[m] += x * x;
      }
    }
    this.frames += frames;
  }

  toStats(): MelStats {
    const n = Math.max(1, this.frames);
    const mean = new Float64Array(this.numMelBins);
    const variance = new Float64Array(this.numMelBins);
    for (let m = 0; m < this.numMelBins; m++) {
      mean[m] = this.sum[m] / n;
      variance[m] = Math.max(VARIANCE_FLOOR, this.sumSq[m] / n - mean[m] * mean[m]);
    }
    return { mean, variance, frames: this.frames };
  }
}

export class GlobalNormalizer {
  private readonly invStd: Float64Array;
  constructor(private readonly stats: MelStats) {
    this.invStd = stats.variance.map((v) => 1 / Math.sqrt(Math.max(v, VARIANCE_FLOOR)));
  }

  /** Stateless: nothing to forget between utterances (the same interface as CausalNormalizer). */
  reset(): void {}

  /** Normalizes frame-major features in place and returns them. */
  apply(data: Float32Array): Float32Array {
    const bins = this.stats.mean.length;
    for (let i = 0; i < data.length; i++) {
      const m = i % bins;
      data[i] = (data[i] - this.stats.mean[m]) * this.invStd[m];
    }
    return data;
  }
}

export class CausalNormalizer {
  private readonly sum: Float64Array;
  private readonly sumSq: Float64Array;
  private count: number;

  constructor(
    private readonly prior: MelStats,
    private readonly priorFrames = 100,
  ) {
    const bins = prior.mean.length;
    this.sum = new Float64Array(bins);
    this.sumSq = new Float64Array(bins);
    this.count = 0;
    this.reset();
  }

  reset(): void {
    const w = this.priorFrames;
    for (let m = 0; m < this.sum.length; m++) {
      const mu = this.prior.mean[m];
      this.sum[m] = w * mu;
      this.sumSq[m] = w * (this.prior.variance[m] + mu * mu);
    }
    this.count = w;
  }

  /** Normalizes the next frames (frame-major) in place, updating the running stats frame by frame. */
  apply(data: Float32Array): Float32Array {
    const bins = this.sum.length;
    const frames = data.length / bins;
    for (let t = 0; t < frames; t++) {
      this.count += 1;
      for (let m = 0; m < bins; m++) {
        const i = t * bins + m;
        const x = data[i];
        this.sum[m] += x;
        this.sumSq[m] += x * x;
        const mean = this.sum[m] / this.count;
        const variance = Math.max(VARIANCE_FLOOR, this.sumSq[m] / this.count - mean * mean);
        data[i] = (x - mean) / Math.sqrt(variance);
      }
    }
    return data;
  }
}
