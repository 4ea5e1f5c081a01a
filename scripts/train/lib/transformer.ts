/**
 * Pre-norm Transformer blocks (self-attention, optional cross-attention, FFN) for the
 * translation and TTS models, written for CPU backends: Q, K and V come from ONE fused
 * projection ([d,3d]; [d,2d] for cross-attention K/V), all heads are one batched matMul over
 * [B,H,T,dh], masks are one additive bias, and every matMul is the explicit-transpose `matMul`
 * of ops.ts (wasm's transposeB path is 15–60× slower). `NaiveTransformerBlock` is the plain
 * tf.layers version (separate Dense per projection, a loop over heads, stock gradients),
 * kept as the benchmark baseline and as a parity reference.
 *
 * Weight names (for export): `<block>/self/qkv/{kernel,bias}` (columns q|k|v, heads
 * contiguous inside each), `<block>/self/out/…`, `<block>/cross/q/…`, `<block>/cross/kv/…`
 * (k|v), `<block>/cross/out/…`, `<block>/ln{1,2,3}/{gamma,beta}`, `<block>/ffn{1,2}/…`.
 */
import * as tf from '@tensorflow/tfjs';
import { type Activation, Dense, LayerNorm } from './layers.ts';
import { matMul, transposeLast } from './ops.ts';
import type { NamedWeight, ParamStore, WeightMap } from './params.ts';

const NEG = -1e9;

/**
 * Additive attention bias [B,1,Tq,Tk]: 0 where a query may attend, −1e9 where the key is
 * padding (index ≥ keyLengths[b]) or, with `causal`, in the future (k > q).
 */
export function attentionBias(
  batch: number,
  tq: number,
  tk: number,
  opts: { keyLengths?: ArrayLike<number>; causal?: boolean } = {},
): tf.Tensor4D {
  const bias = new Float32Array(batch * tq * tk);
  for (let b = 0; b < batch; b++) {
    const len = opts.keyLengths ? opts.keyLengths[b] : tk;
    for (let q = 0; q < tq; q++) {
      const o = (b * tq + q) * tk;
      for (let k = 0; k < tk; k++) if (k >= len || (opts.causal && k > q)) bias[o + k] = NEG;
    }
  }
  return tf.tensor4d(bias, [batch, 1, tq, tk]);
}

/** [B,T,H·dh] → [B,H,T,dh] */
function splitHeads(x: tf.Tensor, heads: number): tf.Tensor4D {
  const [B, T, D] = x.shape as [number, number, number];
  return tf.transpose(x.reshape([B, T, heads, D / heads]), [0, 2, 1, 3]) as tf.Tensor4D;
}

/** [B,H,T,dh] → [B,T,H·dh] */
function mergeHeads(x: tf.Tensor4D): tf.Tensor3D {
  const [B, H, T, dh] = x.shape;
  return tf.transpose(x, [0, 2, 1, 3]).reshape([B, T, H * dh]) as tf.Tensor3D;
}

/** softmax(q·kᵀ/√dh + bias)·v over [B,H,T,dh]. */
export function scaledDotAttention(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  bias?: tf.Tensor,
): tf.Tensor4D {
  const dh = q.shape[3];
  let scores = tf.mul(matMul(q, transposeLast(k)), 1 / Math.sqrt(dh));
  if (bias) scores = tf.add(scores, bias);
  return matMul(tf.softmax(scores), v) as tf.Tensor4D;
}

export interface TransformerBlockOptions {
  dModel: number;
  heads: number;
  ffnSize: number;
  /** Add cross-attention over an encoder memory (decoder block). */
  cross?: boolean;
  activation?: Activation;
  seed?: number;
}

export class TransformerBlock {
  readonly ln1: LayerNorm;
  readonly qkv: Dense;
  readonly selfOut: Dense;
  readonly ln2?: LayerNorm;
  readonly crossQ?: Dense;
  readonly crossKv?: Dense;
  readonly crossOut?: Dense;
  readonly ln3: LayerNorm;
  readonly ffn1: Dense;
  readonly ffn2: Dense;

  constructor(
    params: ParamStore,
    readonly name: string,
    readonly opts: TransformerBlockOptions,
  ) {
    const { dModel: d, ffnSize, seed = 1 } = opts;
    if (d % opts.heads !== 0) throw new Error(`dModel ${d} is not divisible by heads ${opts.heads}`);
    this.ln1 = new LayerNorm(params, `${name}/ln1`, d);
    this.qkv = new Dense(params, `${name}/self/qkv`, { inputSize: d, units: 3 * d, seed });
    this.selfOut = new Dense(params, `${name}/self/out`, { inputSize: d, units: d, seed: seed + 1 });
    if (opts.cross) {
      this.ln2 = new LayerNorm(params, `${name}/ln2`, d);
      this.crossQ = new Dense(params, `${name}/cross/q`, { inputSize: d, units: d, seed: seed + 2 });
      this.crossKv = new Dense(params, `${name}/cross/kv`, { inputSize: d, units: 2 * d, seed: seed + 3 });
      this.crossOut = new Dense(params, `${name}/cross/out`, { inputSize: d, units: d, seed: seed + 4 });
    }
    this.ln3 = new LayerNorm(params, `${name}/ln3`, d);
    this.ffn1 = new Dense(params, `${name}/ffn1`, {
      inputSize: d,
      units: ffnSize,
      activation: opts.activation ?? 'relu',
      seed: seed + 5,
    });
    this.ffn2 = new Dense(params, `${name}/ffn2`, { inputSize: ffnSize, units: d, seed: seed + 6 });
  }

  /**
   * x [B,T,d]; `selfBias` from attentionBias (padding and/or causal); for cross blocks,
   * `memory` [B,S,d] with `memoryBias` [B,1,T|1,S].
   */
  apply(x: tf.Tensor3D, selfBias?: tf.Tensor, memory?: tf.Tensor3D, memoryBias?: tf.Tensor): tf.Tensor3D {
    const H = this.opts.heads;
    const [B, T, d] = x.shape;
    const qkv = this.qkv.apply(this.ln1.apply(x)).reshape([B, T, 3, d]);
    const [q, k, v] = tf.unstack(qkv, 2).map((t) => splitHeads(t, H));
    let h = tf.add(x, this.selfOut.apply(mergeHeads(scaledDotAttention(q, k, v, selfBias)))) as tf.Tensor3D;
    if (this.opts.cross) {
      if (!memory) throw new Error(`${this.name}: cross-attention block needs memory`);
      const S = memory.shape[1];
      const cq = splitHeads(this.crossQ!.apply(this.ln2!.apply(h)), H);
      const kv = this.crossKv!.apply(memory).reshape([B, S, 2, d]);
      const [ck, cv] = tf.unstack(kv, 2).map((t) => splitHeads(t, H));
      h = tf.add(
        h,
        this.crossOut!.apply(mergeHeads(scaledDotAttention(cq, ck, cv, memoryBias))),
      ) as tf.Tensor3D;
    }
    return tf.add(h, this.ffn2.apply(this.ffn1.apply(this.ln3.apply(h)))) as tf.Tensor3D;
  }
}

/**
 * The straightforward layers-API block (self-attention only): separate q/k/v/o Dense layers,
 * a JS loop over heads with stock `tf.matMul(q, k, false, true)`, tf.layers.layerNormalization.
 */
export class NaiveTransformerBlock {
  readonly q: tf.layers.Layer;
  readonly k: tf.layers.Layer;
  readonly v: tf.layers.Layer;
  readonly o: tf.layers.Layer;
  readonly ln1: tf.layers.Layer;
  readonly ln3: tf.layers.Layer;
  readonly ffn1: tf.layers.Layer;
  readonly ffn2: tf.layers.Layer;

  constructor(readonly opts: TransformerBlockOptions) {
    const d = opts.dModel;
    this.q = tf.layers.dense({ units: d });
    this.k = tf.layers.dense({ units: d });
    this.v = tf.layers.dense({ units: d });
    this.o = tf.layers.dense({ units: d });
    this.ln1 = tf.layers.layerNormalization({ epsilon: 1e-5 });
    this.ln3 = tf.layers.layerNormalization({ epsilon: 1e-5 });
    this.ffn1 = tf.layers.dense({ units: opts.ffnSize, activation: 'relu' });
    this.ffn2 = tf.layers.dense({ units: d });
  }

  apply(x: tf.Tensor3D, selfBias?: tf.Tensor): tf.Tensor3D {
    const { heads: H, dModel: d } = this.opts;
    const dh = d / H;
    const n = this.ln1.apply(x) as tf.Tensor3D;
    const [q, k, v] = [this.q, this.k, this.v].map((l) => l.apply(n) as tf.Tensor3D);
    const outs: tf.Tensor[] = [];
    for (let h = 0; h < H; h++) {
      const sl = (t: tf.Tensor3D) => tf.slice(t, [0, 0, h * dh], [-1, -1, dh]);
      let s = tf.mul(tf.matMul(sl(q), sl(k), false, true), 1 / Math.sqrt(dh));
      if (selfBias) s = tf.add(s, tf.squeeze(selfBias, [1]));
      outs.push(tf.matMul(tf.softmax(s), sl(v)));
    }
    const h1 = tf.add(x, this.o.apply(tf.concat(outs, 2)) as tf.Tensor) as tf.Tensor3D;
    const f = this.ffn2.apply(this.ffn1.apply(this.ln3.apply(h1))) as tf.Tensor;
    return tf.add(h1, f) as tf.Tensor3D;
  }

  get trainableVariables(): tf.Variable[] {
    return [this.q, this.k, this.v, this.o, this.ln1, this.ln3, this.ffn1, this.ffn2].flatMap((l) =>
      l.trainableWeights.map((w) => w.read() as tf.Variable),
    );
  }

  /** Copies a fast block's weights in (splitting the fused qkv), for parity tests. */
  loadFrom(fast: TransformerBlock, x: tf.Tensor3D): void {
    this.apply(x); // builds the layers
    const d = this.opts.dModel;
    const [qk, kk, vk] = tf.split(fast.qkv.kernel, [d, d, d], 1);
    const [qb, kb, vb] = tf.split(fast.qkv.bias!, [d, d, d], 0);
    this.q.setWeights([qk, qb]);
    this.k.setWeights([kk, kb]);
    this.v.setWeights([vk, vb]);
    this.o.setWeights([fast.selfOut.kernel, fast.selfOut.bias!]);
    this.ln1.setWeights([fast.ln1.gamma, fast.ln1.beta]);
    this.ln3.setWeights([fast.ln3.gamma, fast.ln3.beta]);
    this.ffn1.setWeights([fast.ffn1.kernel, fast.ffn1.bias!]);
    this.ffn2.setWeights([fast.ffn2.kernel, fast.ffn2.bias!]);
  }
}

/** A fused attention weight: `<base>/<kind>/<leaf>`. */
const FUSED_WEIGHT = /^(.*)\/(qkv|kv|q|out)\/(kernel|bias)$/;
type FusedKind = 'qkv' | 'kv' | 'q' | 'out';
/** The exporter's names of a fused weight's column blocks, in order. */
const FUSED_PARTS: Record<FusedKind, readonly string[]> = {
  qkv: ['query', 'key', 'value'],
  kv: ['key', 'value'],
  q: ['query'],
  out: ['attention_output'],
};

/**
 * Fused training layout → the exporter's attention names (scripts/export/layers/attention.ts):
 * `<blk>/self/qkv/*` → `<blk>/self/{query,key,value}/*` and `<blk>/self/out/*` →
 * `<blk>/self/attention_output/*`; `<blk>/cross/q/*` → `query`, `<blk>/cross/kv/*` →
 * `key`/`value`, `<blk>/cross/out/*` → `attention_output`. Kernels stay 2-D [D, H·dh].
 * Every other weight passes through unchanged.
 */
export function splitAttentionWeights(weights: WeightMap): WeightMap {
  const out: WeightMap = new Map();
  const cols = (w: NamedWeight, parts: number): NamedWeight[] => {
    const rows = w.shape.length === 2 ? w.shape[0] : 1;
    const n = w.shape[w.shape.length - 1] / parts;
    return Array.from({ length: parts }, (_, p) => {
      const data = new Float32Array(rows * n);
      for (let r = 0; r < rows; r++)
        data.set(w.data.subarray(r * n * parts + p * n, r * n * parts + (p + 1) * n), r * n);
      return { data, shape: w.shape.length === 2 ? [rows, n] : [n] };
    });
  };
  for (const [name, w] of weights) {
    const m = FUSED_WEIGHT.exec(name);
    if (!m) {
      out.set(name, w);
      continue;
    }
    const [, base, kind, leaf] = m;
    const names = FUSED_PARTS[kind as FusedKind];
    cols(w, names.length).forEach((part, i) => {
      out.set(`${base}/${names[i]}/${leaf}`, part);
    });
  }
  return out;
}

/** Inverse of splitAttentionWeights (ONNX import → ParamStore.setWeights). */
export function fuseAttentionWeights(weights: WeightMap, params: ParamStore): WeightMap {
  const out: WeightMap = new Map();
  for (const name of params.names()) {
    const direct = weights.get(name);
    if (direct) {
      out.set(name, direct);
      continue;
    }
    const m = FUSED_WEIGHT.exec(name);
    if (!m) continue; // setWeights reports what is missing
    const [, base, kind, leaf] = m;
    const names = FUSED_PARTS[kind as FusedKind];
    const parts = names.map((n) => weights.get(`${base}/${n}/${leaf}`));
    if (parts.some((p) => !p)) continue;
    const target = params.get(name).shape;
    const rows = target.length === 2 ? target[0] : 1;
    const total = target[target.length - 1];
    const data = new Float32Array(rows * total);
    let off = 0;
    for (const p of parts as NamedWeight[]) {
      const n = p.data.length / rows;
      for (let r = 0; r < rows; r++) data.set(p.data.subarray(r * n, (r + 1) * n), r * total + off);
      off += n;
    }
    out.set(name, { data, shape: [...target] });
  }
  return out;
}
