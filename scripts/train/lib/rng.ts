/**
 * Seeded pseudo-random numbers (mulberry32). Training needs reproducible initial weights,
 * batch order and synthetic data across processes and worker threads, which tf's global
 * random state cannot give; the generator state is one integer, so it checkpoints exactly.
 */
export class Rng {
  constructor(public state: number) {
    this.state = state >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }
}

/**
 * FNV-1a over the seed and the sample ids: a batch's seed for on-the-fly augmentation, so a
 * resumed run or a worker thread draws exactly what an uninterrupted single-threaded run would.
 */
export function batchSeed(seed: number, ids: readonly number[]): number {
  let h = 0x811c9dc5 ^ seed;
  for (const id of ids) {
    h = Math.imul(h ^ (id & 0xffff), 0x01000193);
    h = Math.imul(h ^ (id >>> 16), 0x01000193);
  }
  return h >>> 0;
}
