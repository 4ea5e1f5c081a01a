import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../scripts/train/lib/backend.ts';
import { ctcGreedyDecode, ctcLoss, ctcSingle } from '../../scripts/train/lib/ctc.ts';
import { Rng } from '../../scripts/train/lib/rng.ts';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', announce: false });
});

function collapse(path: number[], blank = 0): number[] {
  const out: number[] = [];
  let prev = -1;
  for (const k of path) {
    if (k !== prev && k !== blank) out.push(k);
    prev = k;
  }
  return out;
}

/** −log Σ over every path of length T whose collapse is `label` (and blank on the first `lead` frames). */
function bruteForce(logits: number[], T: number, V: number, label: number[], lead = 0): number {
  const logp: number[] = [];
  for (let t = 0; t < T; t++) {
    const row = logits.slice(t * V, t * V + V);
    const m = Math.max(...row);
    const lz = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
    for (const v of row) logp.push(v - lz);
  }
  let total = 0;
  const path = new Array(T).fill(0);
  const rec = (t: number, lp: number) => {
    if (t === T) {
      const c = collapse(path);
      const blankLead = path.slice(0, lead).every((k) => k === 0);
      if (blankLead && c.length === label.length && c.every((v, i) => v === label[i])) total += Math.exp(lp);
      return;
    }
    for (let k = 0; k < V; k++) {
      path[t] = k;
      rec(t + 1, lp + logp[t * V + k]);
    }
  };
  rec(0, 0);
  return -Math.log(total);
}

/** Central finite differences of `loss` at `logits` agree with `grad` to 1e-6. */
function expectGradientMatchesFiniteDifferences(
  logits: number[],
  grad: ArrayLike<number>,
  loss: (x: number[]) => number,
): void {
  const eps = 1e-5;
  for (let i = 0; i < logits.length; i++) {
    const up = logits.slice();
    const dn = logits.slice();
    up[i] += eps;
    dn[i] -= eps;
    expect(Math.abs((loss(up) - loss(dn)) / (2 * eps) - grad[i])).toBeLessThan(1e-6);
  }
}

function randomLogits(rng: Rng, n: number, scale = 2): number[] {
  return Array.from({ length: n }, () => rng.normal() * scale);
}

describe('CTC loss', () => {
  it('equals brute-force enumeration of alignments on tiny cases (incl. repeats and empty label)', () => {
    const rng = new Rng(7);
    const cases: [number, number, number[]][] = [
      [4, 3, [1, 2]],
      [5, 3, [1, 1]], // repeat needs a blank between
      [3, 4, [3]],
      [6, 3, [2, 1, 2]],
      [4, 3, []],
      [3, 3, [1, 1]], // exactly enough frames: 1 blank 1
    ];
    for (const [T, V, label] of cases) {
      const logits = randomLogits(rng, T * V);
      const { loss } = ctcSingle(logits, T, V, label);
      expect(loss).toBeCloseTo(bruteForce(logits, T, V, label), 9);
    }
  });

  it('infeasible alignment is infinite in the core and zeroed in the batched op', () => {
    const logits = randomLogits(new Rng(1), 2 * 3);
    expect(ctcSingle(logits, 2, 3, [1, 1]).loss).toBe(Number.POSITIVE_INFINITY);
    const loss = ctcLoss(tf.tensor3d(logits, [1, 2, 3]), {
      labels: Int32Array.from([1, 1]),
      maxLabelLength: 2,
      inputLengths: [2],
      labelLengths: [2],
    });
    expect(loss.dataSync()[0]).toBe(0);
  });

  it('leading blanks: only paths blank on the first frames count, and the gradient still matches', () => {
    const rng = new Rng(13);
    for (const [T, V, label, lead] of [
      [5, 3, [1, 2], 2],
      [6, 3, [2, 1, 2], 1],
      [5, 4, [3], 4],
    ] as [number, number, number[], number][]) {
      const logits = randomLogits(rng, T * V);
      const { loss, grad } = ctcSingle(logits, T, V, label, 0, lead);
      expect(loss).toBeCloseTo(bruteForce(logits, T, V, label, lead), 9);
      expect(loss).toBeGreaterThan(ctcSingle(logits, T, V, label).loss);
      expectGradientMatchesFiniteDifferences(logits, grad, (x) => ctcSingle(x, T, V, label, 0, lead).loss);
    }
    // Through the batched op, per example.
    const logits = randomLogits(rng, 2 * 5 * 3);
    const loss = ctcLoss(tf.tensor3d(logits, [2, 5, 3]), {
      labels: Int32Array.from([1, 2, 2, 1]),
      maxLabelLength: 2,
      inputLengths: [5, 5],
      labelLengths: [2, 2],
      leadingBlanks: [2, 0],
    }).dataSync();
    expect(loss[0]).toBeCloseTo(ctcSingle(logits.slice(0, 15), 5, 3, [1, 2], 0, 2).loss, 5);
    expect(loss[1]).toBeCloseTo(ctcSingle(logits.slice(15), 5, 3, [2, 1]).loss, 5);
  });

  it('gradient matches central finite differences', () => {
    const rng = new Rng(3);
    const [T, V, label] = [6, 4, [1, 3, 3]];
    const logits = randomLogits(rng, T * V);
    const { grad } = ctcSingle(logits, T, V, label);
    expectGradientMatchesFiniteDifferences(logits, grad, (x) => ctcSingle(x, T, V, label).loss);
  });

  it('is stable on long inputs (1000 frames) where a linear-space recursion underflows', () => {
    const rng = new Rng(5);
    const [T, V] = [1000, 10];
    const label = Array.from({ length: 80 }, () => 1 + rng.int(V - 1));
    const { loss, grad } = ctcSingle(randomLogits(rng, T * V), T, V, label);
    expect(Number.isFinite(loss)).toBe(true);
    expect(loss).toBeGreaterThan(745); // p < 1e-324: exp would be 0 in float64
    expect(grad.every(Number.isFinite)).toBe(true);
  });

  it('batched op masks padding: padded frames get zero gradient, loss equals unpadded', () => {
    const rng = new Rng(11);
    const [B, T, V, Lmax] = [2, 7, 4, 3];
    const logits = randomLogits(rng, B * T * V);
    const batch = {
      labels: Int32Array.from([1, 2, 3, 2, 0, 0]),
      maxLabelLength: Lmax,
      inputLengths: [7, 4],
      labelLengths: [3, 1],
    };
    const x = tf.tensor3d(logits, [B, T, V]);
    const lossT = ctcLoss(x, batch);
    const g = tf.grad((xx: tf.Tensor) => tf.sum(ctcLoss(xx as tf.Tensor3D, batch)))(x);
    const ref1 = ctcSingle(logits.slice(T * V, T * V + 4 * V), 4, V, [2]);
    expect(lossT.dataSync()[1]).toBeCloseTo(ref1.loss, 4);
    const gd = g.dataSync();
    for (let i = 0; i < 4 * V; i++) expect(gd[T * V + i]).toBeCloseTo(ref1.grad[i], 5);
    for (let i = 4 * V; i < T * V; i++) expect(gd[T * V + i]).toBe(0);
  });

  it('greedy decode merges repeats, drops blanks and honours input lengths', () => {
    const V = 4;
    const frames = [0, 1, 1, 0, 1, 2, 2, 3]; // argmax per frame
    const logits = new Float32Array(frames.length * V);
    frames.forEach((k, t) => {
      logits[t * V + k] = 5;
    });
    const x = tf.tensor3d(logits, [1, frames.length, V]);
    expect(ctcGreedyDecode(x)).toEqual([[1, 1, 2, 3]]);
    expect(ctcGreedyDecode(x, [6])).toEqual([[1, 1, 2]]);
  });
});
