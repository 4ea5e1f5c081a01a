/**
 * Building blocks of the FastSpeech/FastPitch acoustic model and its aligner, written so the
 * wasm backend trains them fast and ONNX exports them exactly:
 *
 * - `Conv1d` ('same' padding, odd kernel) is an unfold — k shifted copies concatenated on the
 *   channel axis — followed by one matMul. wasm has no Conv2DBackpropFilter kernel, and the
 *   explicit-transpose matMul of ops.ts is its fastest gradient path. The kernel is stored in
 *   Keras layout [k, in, out], so scripts/export/layers/conv1d.ts emits it as an ONNX Conv.
 * - `sinusoidalPositions` is the [sin | cos] table the export computes in-graph from Range.
 * - `VariancePredictor`: conv → ReLU → LayerNorm, twice, then Dense (`proj`) to one value per step
 *   (FastSpeech 2's duration/pitch/energy predictor).
 */
import * as tf from '@tensorflow/tfjs';
import { Dense, LayerNorm } from '../layers.ts';
import { linear } from '../ops.ts';
import { glorotUniform, type ParamStore } from '../params.ts';

export class Conv1d {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;

  constructor(
    params: ParamStore,
    readonly name: string,
    readonly opts: { inputSize: number; units: number; kernelSize: number; seed?: number },
  ) {
    if (opts.kernelSize % 2 !== 1) throw new Error(`${name}: kernel size must be odd for 'same' padding`);
    const k = opts.kernelSize;
    // Glorot over the unfolded [k·in, out] matrix, stored as [k, in, out].
    const init = glorotUniform([k * opts.inputSize, opts.units], opts.seed ?? 1);
    this.kernel = params.add(`${name}/kernel`, init.reshape([k, opts.inputSize, opts.units]));
    init.dispose();
    this.bias = params.add(`${name}/bias`, tf.zeros([opts.units]));
  }

  /** x [B,T,in] → [B,T,out]; positions outside [0,T) read as zeros (pad x's own tail beforehand). */
  apply(x: tf.Tensor3D): tf.Tensor3D {
    const k = this.opts.kernelSize;
    const half = (k - 1) / 2;
    const [B, T, C] = x.shape;
    const padded = half
      ? tf.pad(x, [
          [0, 0],
          [half, half],
          [0, 0],
        ])
      : x;
    const shifted = Array.from({ length: k }, (_, j) => tf.slice(padded, [0, j, 0], [B, T, C]));
    const unfolded = k === 1 ? shifted[0] : tf.concat(shifted, 2);
    return linear(unfolded, this.kernel.reshape([k * C, this.opts.units]), this.bias) as tf.Tensor3D;
  }
}

/** Inverse frequencies of the sinusoidal encoding: 10000^(−2i/d), i < d/2. */
export function positionFrequencies(dModel: number): Float32Array {
  if (dModel % 2 !== 0) throw new Error('dModel must be even for sinusoidal positions');
  return Float32Array.from({ length: dModel / 2 }, (_, i) => 10000 ** ((-2 * i) / dModel));
}

/** [T, d]: columns [sin(p·f_0) … sin(p·f_{d/2−1}) | cos(p·f_0) …], computed in float32 like the graph. */
export function sinusoidalPositions(length: number, dModel: number): tf.Tensor2D {
  return tf.tidy(() => {
    const pos = tf.range(0, length, 1, 'float32').reshape([length, 1]);
    const angles = tf.mul(pos, tf.tensor2d(positionFrequencies(dModel), [1, dModel / 2]));
    return tf.concat([tf.sin(angles), tf.cos(angles)], 1) as tf.Tensor2D;
  });
}

/** [B,T] 1/0 mask of valid steps as a [B,T,1] float tensor. */
export function lengthMask(lengths: ArrayLike<number>, T: number): tf.Tensor3D {
  const B = lengths.length;
  const m = new Float32Array(B * T);
  for (let b = 0; b < B; b++) m.fill(1, b * T, b * T + Math.min(T, lengths[b]));
  return tf.tensor3d(m, [B, T, 1]);
}

export class VariancePredictor {
  readonly conv1: Conv1d;
  readonly ln1: LayerNorm;
  readonly conv2: Conv1d;
  readonly ln2: LayerNorm;
  readonly out: Dense;

  constructor(
    params: ParamStore,
    readonly name: string,
    opts: { inputSize: number; units: number; kernelSize: number; seed: number },
  ) {
    const { inputSize, units, kernelSize, seed } = opts;
    this.conv1 = new Conv1d(params, `${name}/conv1`, { inputSize, units, kernelSize, seed });
    this.ln1 = new LayerNorm(params, `${name}/ln1`, units);
    this.conv2 = new Conv1d(params, `${name}/conv2`, { inputSize: units, units, kernelSize, seed: seed + 1 });
    this.ln2 = new LayerNorm(params, `${name}/ln2`, units);
    this.out = new Dense(params, `${name}/proj`, { inputSize: units, units: 1, seed: seed + 2 });
  }

  /** x [B,N,d], mask [B,N,1] (padding zeroed before each conv) → [B,N]. */
  apply(x: tf.Tensor3D, mask?: tf.Tensor3D): tf.Tensor2D {
    const m = (t: tf.Tensor3D) => (mask ? (tf.mul(t, mask) as tf.Tensor3D) : t);
    let h = this.ln1.apply(tf.relu(this.conv1.apply(m(x)))) as tf.Tensor3D;
    h = this.ln2.apply(tf.relu(this.conv2.apply(m(h)))) as tf.Tensor3D;
    const y = this.out.apply(h) as tf.Tensor3D;
    return y.squeeze([2]) as tf.Tensor2D;
  }
}
