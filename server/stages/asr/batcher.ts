/**
 * Cross-session batching of acoustic-model calls (sherpa-onnx style: max batch 50, max wait
 * 10 ms). Streams `submit` their chunk and state; the batcher runs everything queued in one
 * `AcousticModel.run` when
 *  - the queue holds `maxBatch` chunks, or
 *  - every stream that could submit (`expectedSubmitters()`) has submitted, or
 *  - `maxWaitMs` passed since the oldest queued chunk.
 * At most one run is in flight: chunks that arrive meanwhile form the next batch, which starts
 * as soon as the current one ends (they have already waited). So under load batches grow by
 * themselves, and a lone stream never waits for the timer.
 */
import type { AcousticChunk, AcousticRunner, AcousticState } from './acoustic-model.ts';
import type { LogProbMatrix } from './ctc-types.ts';

export interface BatcherOptions {
  maxBatch: number;
  maxWaitMs: number;
  /** How many streams are open; when all of them queued, waiting longer gains nothing. */
  expectedSubmitters?: () => number;
}

export const DEFAULT_BATCHER_OPTIONS: BatcherOptions = { maxBatch: 50, maxWaitMs: 10 };

interface Pending {
  chunk: AcousticChunk;
  state: AcousticState;
  resolve: (r: { logProbs: LogProbMatrix; state: AcousticState }) => void;
  reject: (err: unknown) => void;
}

export interface BatcherStats {
  runs: number;
  chunks: number;
  maxBatchSeen: number;
}

export class AcousticBatcher {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight = false;
  private closedWith: Error | null = null;
  readonly stats: BatcherStats = { runs: 0, chunks: 0, maxBatchSeen: 0 };

  constructor(
    private readonly model: AcousticRunner,
    private readonly options: BatcherOptions = DEFAULT_BATCHER_OPTIONS,
  ) {
    if (options.maxBatch < 1) throw new RangeError('maxBatch must be ≥ 1');
  }

  submit(
    chunk: AcousticChunk,
    state: AcousticState,
  ): Promise<{ logProbs: LogProbMatrix; state: AcousticState }> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise((resolve, reject) => {
      this.queue.push({ chunk, state, resolve, reject });
      this.schedule();
    });
  }

  /** Chunks waiting for a run. */
  get queued(): number {
    return this.queue.length;
  }

  /** Rejects what is still queued, and every later submission (engine shutdown). */
  close(err: Error = new Error('ASR batcher closed')): void {
    this.closedWith = err;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const p of this.queue.splice(0)) p.reject(err);
  }

  private schedule(): void {
    if (this.inFlight || this.queue.length === 0) return;
    const expected = this.options.expectedSubmitters?.() ?? Number.POSITIVE_INFINITY;
    if (this.queue.length >= Math.min(this.options.maxBatch, Math.max(1, expected))) {
      this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.options.maxWaitMs);
    }
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.inFlight || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.options.maxBatch);
    this.inFlight = true;
    this.stats.runs++;
    this.stats.chunks += batch.length;
    this.stats.maxBatchSeen = Math.max(this.stats.maxBatchSeen, batch.length);
    this.model
      .run(
        batch.map((p) => p.chunk),
        batch.map((p) => p.state),
      )
      .then(
        (out) => {
          batch.forEach((p, i) => {
            p.resolve({ logProbs: out.logProbs[i], state: out.states[i] });
          });
        },
        (err) => {
          for (const p of batch) p.reject(err);
        },
      )
      .finally(() => {
        this.inFlight = false;
        // What queued during the run has waited long enough: run it now.
        if (this.queue.length) this.flush();
      });
  }
}
