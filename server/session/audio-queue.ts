/**
 * Bounded FIFO of decoded client audio waiting for the front-end.
 *
 * Overflow policy: backpressure, never silent loss. When the queued audio reaches `highWaterMs`
 * the owner pauses reading the socket (TCP then slows the client); reading resumes once the
 * queue is down to `lowWaterMs`. Audio already read from the socket when the pause starts is
 * still queued, so the queue holds at most highWaterMs plus one socket read (≤ 64 KiB).
 */
export interface QueuedAudio {
  samples: Float32Array;
  /** performance.now() when the frame arrived, for queue-delay and endpoint latency. */
  receivedAt: number;
}

export class AudioQueue {
  private readonly items: QueuedAudio[] = [];
  private samples = 0;

  constructor(
    private readonly sampleRate: number,
    readonly highWaterMs: number,
    readonly lowWaterMs: number,
  ) {}

  push(item: QueuedAudio): void {
    this.items.push(item);
    this.samples += item.samples.length;
  }

  shift(): QueuedAudio | undefined {
    const item = this.items.shift();
    if (item) this.samples -= item.samples.length;
    return item;
  }

  get length(): number {
    return this.items.length;
  }

  get durationMs(): number {
    return (this.samples * 1000) / this.sampleRate;
  }

  get aboveHighWater(): boolean {
    return this.durationMs >= this.highWaterMs;
  }

  get belowLowWater(): boolean {
    return this.durationMs <= this.lowWaterMs;
  }

  clear(): void {
    this.items.length = 0;
    this.samples = 0;
  }
}
