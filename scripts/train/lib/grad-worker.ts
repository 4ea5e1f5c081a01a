/**
 * Worker thread of DataParallel: builds the model from its ModelSpec on its own wasm
 * backend (the wasm backend is single-threaded in Node, so one worker = one core), then for
 * each request loads the weights it is sent and returns loss + flat gradients of its share.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { type BackendOptions, initBackend } from './backend.ts';
import { buildModel, computeGradients, type ModelSpec } from './model.ts';

interface Init {
  spec: ModelSpec;
  prefer: BackendOptions['prefer'];
}

export interface StepRequest {
  id: number;
  weights: Float32Array;
  samples: unknown[];
}

export interface StepReply {
  id: number;
  loss: number;
  grads: Float32Array;
  ms: number;
  error?: string;
}

const port = parentPort!;
const { spec, prefer } = workerData as Init;
await initBackend({ prefer, announce: false });
const model = await buildModel<unknown>(spec);
const entries = model.params.entries().filter(([, v]) => v.trainable);

port.on('message', (req: StepRequest) => {
  const t0 = performance.now();
  try {
    let off = 0;
    for (const [, v] of entries) {
      const t = tf.tensor(req.weights.subarray(off, off + v.size), v.shape);
      v.assign(t);
      t.dispose();
      off += v.size;
    }
    const { loss, grads } = computeGradients(model, req.samples);
    const flat = new Float32Array(off);
    let o = 0;
    for (const [name, v] of entries) {
      const g = grads.get(name)!;
      flat.set(g.dataSync(), o);
      o += v.size;
      g.dispose();
    }
    const reply: StepReply = { id: req.id, loss, grads: flat, ms: performance.now() - t0 };
    port.postMessage(reply, [flat.buffer]);
  } catch (err) {
    port.postMessage({ id: req.id, loss: Number.NaN, grads: new Float32Array(0), ms: 0, error: String(err) });
  }
});
port.postMessage({ ready: true });
