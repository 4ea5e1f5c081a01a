/**
 * Ops whose stock gradients are slow on the wasm backend. Measured here: a wasm matMul with
 * transposeA/transposeB leaves the XNNPACK path and runs 15–60× slower than an explicit
 * `tf.transpose` followed by a plain matMul — and tfjs' own matMul gradient uses exactly
 * those flags. `matMul` below has the same value but a gradient built from plain products.
 */
import * as tf from '@tensorflow/tfjs';

/** Swaps the last two axes (what transposeA/B would do). */
export function transposeLast(x: tf.Tensor): tf.Tensor {
  const r = x.rank;
  const perm = [...Array(r).keys()];
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return tf.transpose(x, perm);
}

/**
 * a [..., m, k] · b [..., k, n] with equal batch dims (or b 2-D when a is 2-D).
 * Gradient: da = dy·bᵀ, db = aᵀ·dy, each with an explicit transpose.
 */
export const matMul = tf.customGrad((...args: unknown[]) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved;
      return [
        tf.matMul(dy as tf.Tensor2D, transposeLast(sb) as tf.Tensor2D),
        tf.matMul(transposeLast(sa) as tf.Tensor2D, dy as tf.Tensor2D),
      ];
    },
  };
}) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** x [..., in] · w [in, out] (+ bias): flattens leading axes so it is one 2-D product. */
export function linear(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  const inDim = x.shape[x.rank - 1] as number;
  const outDim = w.shape[1] as number;
  const lead = x.shape.slice(0, -1) as number[];
  const y = matMul(x.reshape([-1, inDim]), w);
  const yb = b ? tf.add(y, b) : y;
  return yb.reshape([...lead, outDim]);
}

/** Σ of squares of all tensors, as a JS number (for clipping and logging). */
export function globalNorm(tensors: tf.Tensor[]): number {
  let sq = 0;
  for (const t of tensors) {
    const s = tf.tidy(() => tf.sum(tf.square(t)));
    sq += s.dataSync()[0];
    s.dispose();
  }
  return Math.sqrt(sq);
}
