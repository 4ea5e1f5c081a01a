/**
 * `AcousticWorker`: the acoustic model in a worker thread, with the same `run` as
 * `AcousticModel`. onnxruntime-node runs inference synchronously on the calling thread, so on
 * the main thread a batched call stalls every session's audio for its duration (measured: a
 * 100-stream × 40-frame call blocked the event loop 490 ms under load). In a worker the event
 * loop stays free, and features/decoding on the main thread overlap ORT on the other core.
 */
import { Worker } from 'node:worker_threads';
import type { OnnxRuntimeOptions } from '../../../models/onnx-session.ts';
import { type ErrorCode, PipelineError } from '../../errors.ts';
import type { AcousticChunk, AcousticResult, AcousticRunner, AcousticState } from './acoustic-model.ts';
import type { AcousticWorkerData, RunRequest, WorkerReply } from './acoustic-worker.ts';

type Pending = { resolve: (r: AcousticResult) => void; reject: (e: unknown) => void; frames: number[] };

function errorFrom(r: { code: string; message: string; recoverable: boolean }): PipelineError {
  return new PipelineError(r.code as ErrorCode, r.code === 'model_load_failed' ? 'models' : 'asr', {
    message: r.message,
    recoverable: r.recoverable,
  });
}

export class AcousticWorker implements AcousticRunner {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly stateSize: number;
  private failure: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    readonly inputSize: number,
    readonly vocabSize: number,
    readonly stateUnits: readonly number[],
  ) {
    this.stateSize = stateUnits.reduce((a, b) => a + b, 0);
    worker.on('message', (m: WorkerReply) => this.onReply(m));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`acoustic worker exited (code ${code})`)));
    // An idle engine must not keep the process alive.
    worker.unref();
  }

  static async start(
    path: string,
    runtime: Omit<OnnxRuntimeOptions, 'logger'>,
    expect: { inputSize: number; vocabSize: number },
  ): Promise<AcousticWorker> {
    const data: AcousticWorkerData = { path, runtime, ...expect };
    const worker = new Worker(new URL('./acoustic-worker-boot.mjs', import.meta.url), { workerData: data });
    const first = await new Promise<WorkerReply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    }).catch((err) => {
      throw new PipelineError('model_load_failed', 'models', {
        message: `acoustic worker failed to start: ${(err as Error).message}`,
        recoverable: false,
        cause: err,
      });
    });
    if (!('type' in first) || first.type !== 'ready') {
      await worker.terminate();
      throw 'type' in first && first.type === 'failed'
        ? errorFrom(first)
        : new PipelineError('model_load_failed', 'models', {
            message: 'acoustic worker sent no ready message',
          });
    }
    return new AcousticWorker(worker, expect.inputSize, expect.vocabSize, first.stateUnits);
  }

  initialState(): AcousticState {
    return this.stateUnits.map((u) => new Float32Array(u));
  }

  run(chunks: readonly AcousticChunk[], states: readonly AcousticState[]): Promise<AcousticResult> {
    if (this.failure) return Promise.reject(this.failure);
    const frames = chunks.map((c) => c.frames);
    const total = frames.reduce((a, b) => a + b, 0);
    const features = new Float32Array(total * this.inputSize);
    let o = 0;
    for (const c of chunks) {
      features.set(c.features.subarray(0, c.frames * this.inputSize), o);
      o += c.frames * this.inputSize;
    }
    const packed = new Float32Array(states.length * this.stateSize);
    states.forEach((st, i) => {
      let k = i * this.stateSize;
      for (const row of st) {
        packed.set(row, k);
        k += row.length;
      }
    });
    const id = this.nextId++;
    const req: RunRequest = { id, frames, features, states: packed };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, frames });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage(req, [features.buffer, packed.buffer]);
    });
  }

  async close(): Promise<void> {
    this.fail(new PipelineError('shutting_down', 'asr', { message: 'acoustic worker closed' }));
    await this.worker.terminate();
  }

  private onReply(m: WorkerReply): void {
    if (!('id' in m)) return;
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (this.pending.size === 0) this.worker.unref();
    if (!m.ok) {
      p.reject(errorFrom(m));
      return;
    }
    const logProbs: AcousticResult['logProbs'] = [];
    const states: AcousticState[] = [];
    let f = 0;
    p.frames.forEach((frames, i) => {
      logProbs.push({
        data: m.logProbs.subarray(f * this.vocabSize, (f + frames) * this.vocabSize),
        frames,
        vocabSize: this.vocabSize,
      });
      f += frames;
      let k = i * this.stateSize;
      states.push(
        this.stateUnits.map((u) => {
          const row = m.states.slice(k, k + u);
          k += u;
          return row;
        }),
      );
    });
    p.resolve({ logProbs, states });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
