/**
 * Worker-thread side of `AcousticWorker`: owns its own ORT session of the acoustic model and
 * answers `run` requests. onnxruntime-node's `run` executes synchronously on the calling
 * thread (its async API only defers the call with setImmediate), so a batch of 100 streams
 * would block the event loop for tens of ms; here it blocks only this thread.
 *
 * Messages are packed Float32Arrays (transferred, not copied): chunks [n, frames, inputSize]
 * grouped by the sender, states [n, Σunits], results [n, frames, vocab] and [n, Σunits].
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type OnnxRuntimeOptions, OnnxSessionCache } from '../../../models/onnx-session.ts';
import { PipelineError } from '../../errors.ts';
import { AcousticModel } from './acoustic-model.ts';

export interface AcousticWorkerData {
  path: string;
  runtime: Omit<OnnxRuntimeOptions, 'logger'>;
  inputSize: number;
  vocabSize: number;
}

export interface RunRequest {
  id: number;
  /** Frames per stream for each stream (0 allowed). */
  frames: number[];
  features: Float32Array;
  states: Float32Array;
}

export type WorkerReply =
  | { type: 'ready'; stateUnits: number[] }
  | { type: 'failed'; code: string; message: string; recoverable: boolean }
  | { id: number; ok: true; logProbs: Float32Array; states: Float32Array }
  | { id: number; ok: false; code: string; message: string; recoverable: boolean };

function describe(err: unknown) {
  return err instanceof PipelineError
    ? { code: err.code, message: err.message, recoverable: err.recoverable }
    : { code: 'internal', message: err instanceof Error ? err.message : String(err), recoverable: true };
}

async function serve(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const data = workerData as AcousticWorkerData;
  const cache = new OnnxSessionCache({ ...data.runtime, logger: { warn: (m) => console.warn(m) } });
  let model: AcousticModel;
  try {
    model = await AcousticModel.load(data.path, cache, data);
  } catch (err) {
    port.postMessage({ type: 'failed', ...describe(err) } satisfies WorkerReply);
    return;
  }
  const units = model.stateUnits;
  const stateSize = units.reduce((a, b) => a + b, 0);
  port.postMessage({ type: 'ready', stateUnits: [...units] } satisfies WorkerReply);
  port.on('message', async (req: RunRequest | 'close') => {
    if (req === 'close') {
      await cache.dispose();
      port.close();
      return;
    }
    try {
      let f = 0;
      const chunks = req.frames.map((frames) => {
        const c = {
          features: req.features.subarray(f * data.inputSize, (f + frames) * data.inputSize),
          frames,
        };
        f += frames;
        return c;
      });
      const states = req.frames.map((_, i) => {
        let o = i * stateSize;
        return units.map((u) => {
          const row = req.states.subarray(o, o + u);
          o += u;
          return row;
        });
      });
      const out = await model.run(chunks, states);
      const logProbs = new Float32Array(f * data.vocabSize);
      let o = 0;
      for (const lp of out.logProbs) {
        logProbs.set(lp.data, o);
        o += lp.data.length;
      }
      const nextStates = new Float32Array(req.frames.length * stateSize);
      out.states.forEach((st, i) => {
        let k = i * stateSize;
        for (const row of st) {
          nextStates.set(row, k);
          k += row.length;
        }
      });
      port.postMessage({ id: req.id, ok: true, logProbs, states: nextStates } satisfies WorkerReply, [
        logProbs.buffer,
        nextStates.buffer,
      ]);
    } catch (err) {
      port.postMessage({ id: req.id, ok: false, ...describe(err) } satisfies WorkerReply);
    }
  });
}

await serve();
