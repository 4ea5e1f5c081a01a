/** Shared by the export tests: seeded random weights, tfjs setup, ORT sessions from bytes. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { float32Tensor, loadOnnxModel, type OnnxModel, type OnnxTensor } from '../../models/onnx-session.ts';
import { mulberry32 as rng } from '../../scripts/data/text/prng.ts';
import type { SequentialIo } from '../../scripts/export/sequential.ts';
import type { NamedWeight } from '../../scripts/export/weights.ts';

export { tf };

let backendReady: Promise<boolean> | null = null;
export function useCpuBackend(): Promise<boolean> {
  backendReady ??= tf.setBackend('cpu');
  return backendReady;
}

/** mulberry32: small, seeded, good enough for test weights. */
export { rng };

export function randomArray(n: number, seed: number, scale = 1): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
}

/** Gives every weight of a tfjs model seeded random values (biases too, so they are tested). */
export function randomizeWeights(model: tf.LayersModel, seed: number, scale = 0.5): void {
  model.setWeights(
    model.weights.map((v, i) => {
      const shape = v.shape as number[];
      return tf.tensor(
        randomArray(
          shape.reduce((a, b) => a * b, 1),
          seed + i * 7919,
          scale,
        ),
        shape,
      );
    }),
  );
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Writes bytes to a temp model.onnx and loads it through models/onnx-session (CPU). */
export async function sessionFromBytes(bytes: Uint8Array): Promise<OnnxModel> {
  const dir = mkdtempSync(join(tmpdir(), 'tolk-onnx-'));
  try {
    const path = join(dir, 'model.onnx');
    writeFileSync(path, bytes);
    return await loadOnnxModel(path, { executionProviders: ['cpu'], intraOpThreads: 1 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function predict(model: tf.LayersModel, x: tf.Tensor): Float32Array {
  return tf.tidy(() => model.predict(x) as tf.Tensor).dataSync() as Float32Array;
}

export const weightBits = (ws: readonly NamedWeight[]) =>
  ws.map((w) => ({
    name: w.name,
    shape: w.shape,
    bits: Array.from(new Uint32Array(w.data.buffer, w.data.byteOffset, w.data.length)),
  }));

/**
 * Feeds x [batch, time, features] through an exported sequential model in chunks of the given
 * lengths, carrying every state output into the next call (zeros at the start). Returns the
 * outputs joined along time, row-major [batch, time', out], and the last states.
 */
export async function runChunked(
  session: OnnxModel,
  io: SequentialIo,
  x: Float32Array,
  [batch, time, features]: [number, number, number],
  chunks: number[],
): Promise<{ output: Float32Array; states: Record<string, OnnxTensor> }> {
  let states: Record<string, OnnxTensor> = Object.fromEntries(
    io.states.map((s) => {
      const dims = [batch, ...s.rowDims];
      return [s.input, float32Tensor(new Float32Array(dims.reduce((a, b) => a * b, 1)), dims)];
    }),
  );
  const rows: Float32Array[][] = Array.from({ length: batch }, () => []);
  let t0 = 0;
  for (const len of chunks) {
    const chunk = new Float32Array(batch * len * features);
    for (let b = 0; b < batch; b++) {
      chunk.set(x.subarray((b * time + t0) * features, (b * time + t0 + len) * features), b * len * features);
    }
    const out = await session.run({ [io.input]: float32Tensor(chunk, [batch, len, features]), ...states });
    states = Object.fromEntries(io.states.map((s) => [s.input, out[s.output]]));
    const y = out[io.output].data as Float32Array;
    const perRow = y.length / batch;
    for (let b = 0; b < batch; b++) rows[b].push(y.slice(b * perRow, (b + 1) * perRow));
    t0 += len;
  }
  const parts = rows.flat();
  const output = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    output.set(p, o);
    o += p.length;
  }
  return { output, states };
}
