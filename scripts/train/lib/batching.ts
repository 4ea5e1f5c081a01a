/**
 * Length-bucketed batching with a reproducible order. Samples are sorted by length into
 * buckets, each bucket is shuffled and cut into batches (so padding stays small), and the
 * batch order is shuffled. The plan of epoch e depends only on (seed, e), which is what lets
 * `--resume` continue with exactly the batches an uninterrupted run would have seen.
 */
import { Rng } from './rng.ts';

export interface BatchingOptions {
  /** Samples per batch (upper bound). */
  batchSize: number;
  /** Optional cap on Σ length per batch (e.g. frames), for very unequal lengths. */
  maxTotalLength?: number;
  /** Number of length buckets (default: one per ~8 batches, at least 1). */
  buckets?: number;
  seed: number;
  /** Drop a trailing short batch of a bucket (keeps batch shapes uniform). */
  dropLast?: boolean;
}

/** Indices into the data set, one array per batch, for epoch `epoch`. */
export function epochPlan(lengths: number[], epoch: number, opts: BatchingOptions): number[][] {
  const rng = new Rng((opts.seed * 1_000_003 + epoch * 7919) >>> 0);
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b] || a - b);
  const nBuckets = Math.max(1, opts.buckets ?? Math.ceil(order.length / (opts.batchSize * 8)));
  const per = Math.ceil(order.length / nBuckets);
  const batches: number[][] = [];
  for (let b = 0; b < nBuckets; b++) {
    const bucket = rng.shuffle(order.slice(b * per, (b + 1) * per));
    let cur: number[] = [];
    let total = 0;
    for (const i of bucket) {
      const full =
        cur.length >= opts.batchSize ||
        (opts.maxTotalLength !== undefined && total + lengths[i] > opts.maxTotalLength);
      if (full && cur.length) {
        batches.push(cur);
        cur = [];
        total = 0;
      }
      cur.push(i);
      total += lengths[i];
    }
    if (cur.length && !(opts.dropLast && cur.length < opts.batchSize)) batches.push(cur);
  }
  return rng.shuffle(batches);
}

/** An endless, resumable stream of batches: position = (epoch, index in epoch). */
export class BatchStream {
  private plan: number[][];

  constructor(
    private readonly lengths: number[],
    private readonly opts: BatchingOptions,
    public epoch = 0,
    public index = 0,
  ) {
    this.plan = epochPlan(lengths, epoch, opts);
    if (this.plan.length === 0) throw new Error('BatchStream: no batches (empty data set?)');
  }

  next(): number[] {
    if (this.index >= this.plan.length) {
      this.epoch++;
      this.index = 0;
      this.plan = epochPlan(this.lengths, this.epoch, this.opts);
    }
    return this.plan[this.index++];
  }

  get batchesPerEpoch(): number {
    return this.plan.length;
  }
}
