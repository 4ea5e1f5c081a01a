/**
 * Named trainable weights. Every layer registers its tf.Variables here under a stable,
 * path-like name ("enc/lstm0/kernel"); that name — not tf's global variable name, which
 * must be unique per process — is what checkpoints, data-parallel workers and ONNX
 * export/import use. `getWeights`/`setWeights` exchange plain Float32Arrays + shapes.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from './rng.ts';

export interface NamedWeight {
  data: Float32Array;
  shape: number[];
}

export type WeightMap = Map<string, NamedWeight>;

export class ParamStore {
  private readonly vars = new Map<string, tf.Variable>();

  /** Registers `init` (taken over, not copied) as a trainable variable under `name`. */
  add(name: string, init: tf.Tensor, trainable = true): tf.Variable {
    if (this.vars.has(name)) throw new Error(`ParamStore: duplicate weight name ${name}`);
    const v = tf.variable(init, trainable);
    init.dispose();
    this.vars.set(name, v);
    return v;
  }

  /** Registers an existing variable (e.g. a tf.layers weight's `.read()`) without copying. */
  adopt(name: string, v: tf.Variable): tf.Variable {
    if (this.vars.has(name)) throw new Error(`ParamStore: duplicate weight name ${name}`);
    this.vars.set(name, v);
    return v;
  }

  get(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`ParamStore: no weight named ${name}`);
    return v;
  }

  has(name: string): boolean {
    return this.vars.has(name);
  }

  /** Names in registration order (stable across processes for the same model code). */
  names(): string[] {
    return [...this.vars.keys()];
  }

  variables(): tf.Variable[] {
    return [...this.vars.values()];
  }

  entries(): [string, tf.Variable][] {
    return [...this.vars.entries()];
  }

  /** Total number of scalars. */
  size(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  /** Copies every weight out as a Float32Array (safe to keep after training continues). */
  getWeights(): WeightMap {
    const out: WeightMap = new Map();
    for (const [name, v] of this.vars)
      out.set(name, { data: v.dataSync().slice() as Float32Array, shape: [...v.shape] });
    return out;
  }

  /**
   * Assigns weights by name. Shapes must match; with `strict` (default) every weight in the
   * store must be present in the map, so a half-loaded model is an error, not a surprise.
   */
  setWeights(weights: WeightMap, strict = true): void {
    for (const [name, v] of this.vars) {
      const w = weights.get(name);
      if (!w) {
        if (strict) throw new Error(`setWeights: missing ${name}`);
        continue;
      }
      if (w.shape.length !== v.shape.length || w.shape.some((d, i) => d !== v.shape[i])) {
        throw new Error(`setWeights: ${name} has shape [${w.shape}], model expects [${v.shape}]`);
      }
      const t = tf.tensor(w.data, v.shape);
      v.assign(t);
      t.dispose();
    }
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}

/** Glorot/Xavier uniform, deterministic from `seed`. */
export function glorotUniform(shape: number[], seed: number): tf.Tensor {
  const fanIn = shape.length > 1 ? shape[shape.length - 2] : shape[0];
  const fanOut = shape[shape.length - 1];
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (rng.next() * 2 - 1) * limit;
  return tf.tensor(data, shape);
}

/** Normal(0, std), deterministic from `seed` (embeddings). */
export function randomNormal(shape: number[], std: number, seed: number): tf.Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.normal() * std;
  return tf.tensor(data, shape);
}

/** A [rows, cols] matrix with orthonormal rows (rows ≤ cols), by Gram–Schmidt; Keras' default recurrent init. */
export function orthogonal(rows: number, cols: number, seed: number): tf.Tensor2D {
  if (rows > cols) throw new Error('orthogonal: rows must be <= cols');
  const rng = new Rng(seed);
  const m = new Float64Array(rows * cols);
  for (let i = 0; i < m.length; i++) m[i] = rng.normal();
  for (let r = 0; r < rows; r++) {
    const ro = r * cols;
    for (let p = 0; p < r; p++) {
      const po = p * cols;
      let dot = 0;
      for (let j = 0; j < cols; j++) dot += m[ro + j] * m[po + j];
      for (let j = 0; j < cols; j++) m[ro + j] -= dot * m[po + j];
    }
    let norm = 0;
    for (let j = 0; j < cols; j++) norm += m[ro + j] * m[ro + j];
    norm = Math.sqrt(norm);
    for (let j = 0; j < cols; j++) m[ro + j] /= norm;
  }
  return tf.tensor2d(Float32Array.from(m), [rows, cols]);
}
