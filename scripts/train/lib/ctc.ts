/**
 * CTC loss (Graves 2006) as one tf op: log-space forward–backward in float64 on the host,
 * gradient w.r.t. the logits = softmax − state occupation (Graves eq. 16), via customGrad.
 * Padded batches are handled by per-example input and label lengths: frames at or beyond
 * an example's input length get zero gradient and do not enter its loss.
 *
 * `leadingBlanks` (per example) allows only blank in the first frames: the recognizer's training
 * says "no character before the speech starts". Without it the causal model learned to emit a
 * guess of the first letter on frame 0 (the zero LSTM state marks it), before any audio of it.
 *
 * Log space keeps long inputs stable (no underflow of α/β); an impossible alignment
 * (too few frames for the labels plus required blanks between repeats) gives an infinite
 * loss, which `zeroInfinity` (default) turns into loss 0 with zero gradient, as PyTorch does.
 */
import * as tf from '@tensorflow/tfjs';

export interface CtcOptions {
  /** Index of the blank symbol (default 0). */
  blank?: number;
  /** Replace infinite losses (infeasible alignments) by 0 with zero gradient (default true). */
  zeroInfinity?: boolean;
}

export interface CtcBatch {
  /** Labels, row-major [batch, maxLabelLength], padded with anything. */
  labels: Int32Array;
  maxLabelLength: number;
  /** Valid frames per example (≤ T). */
  inputLengths: Int32Array | number[];
  /** Valid labels per example (≤ maxLabelLength). */
  labelLengths: Int32Array | number[];
  /** Frames per example that may only be blank (speech has not started); absent = none. */
  leadingBlanks?: Int32Array | number[];
}

const NEG_INF = Number.NEGATIVE_INFINITY;

function logAdd(a: number, b: number): number {
  if (a === NEG_INF) return b;
  if (b === NEG_INF) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

export interface CtcSingleResult {
  /** −log p(labels | logits); Infinity when no alignment exists. */
  loss: number;
  /** ∂loss/∂logits, [T·V] row-major over the first `T` frames (zeros when loss is infinite). */
  grad: Float64Array;
}

/**
 * One example: logits [T, V] (unnormalized; log-softmax is applied here), label sequence.
 * Pure JS in float64 — also the reference for the numerical gradient test.
 */
export function ctcSingle(
  logits: ArrayLike<number>,
  T: number,
  V: number,
  label: ArrayLike<number>,
  blank = 0,
  leadingBlanks = 0,
): CtcSingleResult {
  const L = label.length;
  const S = 2 * L + 1;
  const ext = new Int32Array(S); // blank, l1, blank, l2, ..., blank
  for (let s = 0; s < S; s++) ext[s] = s % 2 === 0 ? blank : label[(s - 1) >> 1];
  // log-softmax per frame
  const logp = new Float64Array(T * V);
  for (let t = 0; t < T; t++) {
    let m = NEG_INF;
    for (let k = 0; k < V; k++) m = Math.max(m, logits[t * V + k]);
    let z = 0;
    for (let k = 0; k < V; k++) z += Math.exp(logits[t * V + k] - m);
    const lz = m + Math.log(z);
    for (let k = 0; k < V; k++) logp[t * V + k] = logits[t * V + k] - lz;
  }
  const grad = new Float64Array(T * V);
  if (T === 0) return { loss: L === 0 ? 0 : Number.POSITIVE_INFINITY, grad };
  // skip s-2 → s allowed when ext[s] is a label different from ext[s-2]
  const canSkip = (s: number) => s >= 2 && ext[s] !== blank && ext[s] !== ext[s - 2];
  const alpha = new Float64Array(T * S).fill(NEG_INF);
  alpha[0] = logp[ext[0]];
  if (S > 1 && leadingBlanks <= 0) alpha[1] = logp[ext[1]];
  for (let t = 1; t < T; t++) {
    const o = t * S;
    const p = (t - 1) * S;
    // Inside the leading blanks only the first state (blank) is reachable.
    const reachable = t < leadingBlanks ? 1 : S;
    for (let s = 0; s < reachable; s++) {
      let a = alpha[p + s];
      if (s >= 1) a = logAdd(a, alpha[p + s - 1]);
      if (canSkip(s)) a = logAdd(a, alpha[p + s - 2]);
      alpha[o + s] = a === NEG_INF ? NEG_INF : a + logp[t * V + ext[s]];
    }
  }
  // β excludes the emission at t, so occupation γ_t(s) = α_t(s)·β_t(s)/p.
  const beta = new Float64Array(T * S).fill(NEG_INF);
  const last = (T - 1) * S;
  beta[last + S - 1] = 0;
  if (S > 1) beta[last + S - 2] = 0;
  for (let t = T - 2; t >= 0; t--) {
    const o = t * S;
    const n = (t + 1) * S;
    const e = (t + 1) * V;
    // β must respect the leading blanks as α does: frame t+1 < leadingBlanks is blank only.
    const nextReachable = t + 1 < leadingBlanks ? 1 : S;
    for (let s = 0; s < S; s++) {
      let b = s < nextReachable ? beta[n + s] + logp[e + ext[s]] : NEG_INF;
      if (s + 1 < nextReachable) b = logAdd(b, beta[n + s + 1] + logp[e + ext[s + 1]]);
      if (s + 2 < nextReachable && canSkip(s + 2)) b = logAdd(b, beta[n + s + 2] + logp[e + ext[s + 2]]);
      beta[o + s] = b;
    }
  }
  let logP = alpha[last + S - 1];
  if (S > 1) logP = logAdd(logP, alpha[last + S - 2]);
  if (logP === NEG_INF) return { loss: Number.POSITIVE_INFINITY, grad };
  const occ = new Float64Array(V);
  for (let t = 0; t < T; t++) {
    occ.fill(0);
    for (let s = 0; s < S; s++) {
      const g = alpha[t * S + s] + beta[t * S + s];
      if (g !== NEG_INF) occ[ext[s]] += Math.exp(g - logP);
    }
    for (let k = 0; k < V; k++) grad[t * V + k] = Math.exp(logp[t * V + k]) - occ[k];
  }
  return { loss: -logP, grad };
}

/**
 * Batched CTC: logits [B, T, V] → per-example loss [B]. Differentiable w.r.t. logits.
 * Take `tf.mean` (or divide by label lengths) for the training objective.
 */
export function ctcLoss(logits: tf.Tensor3D, batch: CtcBatch, opts: CtcOptions = {}): tf.Tensor1D {
  const [B, T, V] = logits.shape;
  const blank = opts.blank ?? 0;
  const zeroInf = opts.zeroInfinity ?? true;
  const op = tf.customGrad((...args: unknown[]) => {
    const x = args[0] as tf.Tensor3D;
    const data = x.dataSync() as Float32Array;
    const losses = new Float32Array(B);
    const grads = new Float32Array(B * T * V);
    for (let b = 0; b < B; b++) {
      const tb = Math.min(T, batch.inputLengths[b]);
      const lb = batch.labelLengths[b];
      const off = b * batch.maxLabelLength;
      const label = batch.labels.subarray(off, off + lb);
      const lead = batch.leadingBlanks?.[b] ?? 0;
      const r = ctcSingle(data.subarray(b * T * V, (b * T + tb) * V), tb, V, label, blank, lead);
      if (!Number.isFinite(r.loss) && zeroInf) continue;
      losses[b] = r.loss;
      grads.set(r.grad, b * T * V);
    }
    const value = tf.tensor1d(losses);
    return {
      value,
      gradFunc: (dy: tf.Tensor) => {
        const dyData = dy.dataSync();
        const scaled = new Float32Array(grads.length);
        const per = T * V;
        for (let b = 0; b < B; b++) {
          const d = dyData[b];
          for (let i = 0; i < per; i++) scaled[b * per + i] = grads[b * per + i] * d;
        }
        return [tf.tensor3d(scaled, [B, T, V])];
      },
    };
  });
  return op(logits) as tf.Tensor1D;
}

/**
 * Best-path decoding: argmax per frame, merge repeats, drop blanks. `logits` [B,T,V]
 * (or probabilities — argmax is the same); frames beyond an example's input length are ignored.
 */
export function ctcGreedyDecode(
  logits: tf.Tensor3D,
  inputLengths?: ArrayLike<number>,
  blank = 0,
): number[][] {
  const [B, T, V] = logits.shape;
  const data = logits.dataSync();
  const out: number[][] = [];
  for (let b = 0; b < B; b++) {
    const tb = Math.min(T, inputLengths?.[b] ?? T);
    const seq: number[] = [];
    let prev = -1;
    for (let t = 0; t < tb; t++) {
      const o = (b * T + t) * V;
      let best = 0;
      for (let k = 1; k < V; k++) if (data[o + k] > data[o + best]) best = k;
      if (best !== prev && best !== blank) seq.push(best);
      prev = best;
    }
    out.push(seq);
  }
  return out;
}
