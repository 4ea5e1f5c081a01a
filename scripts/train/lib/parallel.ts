/**
 * Synchronous data parallelism over worker threads. The wasm backend runs one thread in
 * Node, so on an N-core host we use N−1 workers plus the main thread: each computes the
 * gradient of its share of the batch on the current weights; the main thread averages them
 * (weighted by share size, so the result equals the full-batch gradient of a mean loss)
 * and applies the optimizer once. The weights travel to the workers every step (≈4 bytes
 * per parameter; ~7 MB and a few ms for the 3×256 LSTM).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import type { BackendOptions } from './backend.ts';
import type { StepReply } from './grad-worker.ts';
import { computeGradients, type Gradients, type ModelSpec, type TrainModel } from './model.ts';

export interface DataParallelOptions {
  /** Threads computing gradients, main included (default: available cores). 1 = no workers. */
  threads?: number;
  prefer?: BackendOptions['prefer'];
}

export class DataParallel<S> {
  private workers: Worker[] = [];
  private nextId = 0;
  private readonly entries: [string, tf.Variable][];

  private constructor(private readonly model: TrainModel<S>) {
    this.entries = model.params.entries().filter(([, v]) => v.trainable);
  }

  /** Starts threads−1 workers, each building the model from `spec`. */
  static async start<S>(
    model: TrainModel<S>,
    spec: ModelSpec,
    opts: DataParallelOptions = {},
  ): Promise<DataParallel<S>> {
    const dp = new DataParallel(model);
    const threads = Math.max(1, opts.threads ?? availableParallelism());
    const boot = new URL('./worker-boot.mjs', import.meta.url);
    const entry = new URL('./grad-worker.ts', import.meta.url).href;
    const started: Promise<void>[] = [];
    for (let i = 1; i < threads; i++) {
      const w = new Worker(boot, { workerData: { entry, spec, prefer: opts.prefer } });
      dp.workers.push(w);
      started.push(
        new Promise((resolve, reject) => {
          w.once('message', () => resolve());
          w.once('error', reject);
        }),
      );
    }
    await Promise.all(started);
    return dp;
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  /** Loss and gradients of the mean loss over all `samples`, computed on every thread. */
  async gradients(samples: S[]): Promise<Gradients & { shareMs: number[] }> {
    const k = Math.min(this.threads, samples.length);
    if (k <= 1) {
      const t0 = performance.now();
      return { ...computeGradients(this.model, samples), shareMs: [performance.now() - t0] };
    }
    const shares = split(samples, k);
    const total = this.entries.reduce((a, [, v]) => a + v.size, 0);
    const weights = new Float32Array(total);
    let off = 0;
    for (const [, v] of this.entries) {
      weights.set(v.dataSync(), off);
      off += v.size;
    }
    const pending = shares.slice(1).map((share, i) => this.request(this.workers[i], weights, share));
    const t0 = performance.now();
    const local = computeGradients(this.model, shares[0]);
    const localMs = performance.now() - t0;
    const replies = await Promise.all(pending);
    const n = samples.length;
    let loss = (local.loss * shares[0].length) / n;
    const grads = new Map<string, tf.Tensor>();
    let o = 0;
    for (const [name, v] of this.entries) {
      const acc = new Float32Array(v.size);
      const g0 = local.grads.get(name)!;
      const d0 = g0.dataSync();
      const w0 = shares[0].length / n;
      for (let j = 0; j < v.size; j++) acc[j] = d0[j] * w0;
      g0.dispose();
      replies.forEach((r, i) => {
        const w = shares[i + 1].length / n;
        const src = r.grads;
        for (let j = 0; j < v.size; j++) acc[j] += src[o + j] * w;
      });
      grads.set(name, tf.tensor(acc, v.shape));
      o += v.size;
    }
    replies.forEach((r, i) => {
      loss += (r.loss * shares[i + 1].length) / n;
    });
    return { loss, grads, shareMs: [localMs, ...replies.map((r) => r.ms)] };
  }

  private request(w: Worker, weights: Float32Array, samples: S[]): Promise<StepReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onMsg = (r: StepReply) => {
        if (r.id !== id) return;
        w.off('message', onMsg);
        w.off('error', reject);
        if (r.error) reject(new Error(`gradient worker: ${r.error}`));
        else resolve(r);
      };
      w.on('message', onMsg);
      w.once('error', reject);
      w.postMessage({ id, weights, samples });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
  }
}

/** Contiguous, near-equal shares (order kept, so results are deterministic). */
function split<S>(items: S[], k: number): S[][] {
  const out: S[][] = [];
  const base = Math.floor(items.length / k);
  let extra = items.length % k;
  let i = 0;
  for (let s = 0; s < k; s++) {
    const n = base + (extra-- > 0 ? 1 : 0);
    out.push(items.slice(i, i + n));
    i += n;
  }
  return out;
}
