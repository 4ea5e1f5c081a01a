/**
 * RNNoise's per-frame voice probability, kept by 10 ms frame index until the VAD (which runs
 * later in the pipeline, on the 16 kHz stream) has looked at that stretch of time.
 */
export class VoiceTrack {
  private values = new Float32Array(256);
  /** Frame index of values[0]. */
  private first = 0;
  private count = 0;

  /** Records the probability of the next frame (frames arrive in order from 0). */
  push(probability: number): void {
    if (this.count === this.values.length) {
      const grown = new Float32Array(2 * this.values.length);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = probability;
  }

  /** Highest probability over frames [fromFrame, toFrame); 0 where nothing was recorded. */
  max(fromFrame: number, toFrame: number): number {
    let best = 0;
    const a = Math.max(fromFrame, this.first) - this.first;
    const b = Math.min(toFrame - this.first, this.count);
    for (let i = a; i < b; i++) if (this.values[i] > best) best = this.values[i];
    return best;
  }

  /** Forgets frames before `frame`. */
  discardBefore(frame: number): void {
    const drop = Math.min(this.count, frame - this.first);
    if (drop <= 0) return;
    this.values.copyWithin(0, drop, this.count);
    this.count -= drop;
    this.first += drop;
  }
}
