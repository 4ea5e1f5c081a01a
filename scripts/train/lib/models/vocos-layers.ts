/**
 * The Vocos backbone's building blocks, in the toolkit's weight layout:
 *
 * - `DepthwiseConv1d` ('same' padding, odd kernel): one k-tap filter per channel, computed as k
 *   shifted slices times a per-channel weight, summed — elementwise ops whose gradients every
 *   backend has (wasm lacks the depthwise backprop kernels). Kernel stored [k, channels];
 *   scripts/export/layers/depthwise-conv1d.ts emits it as a grouped ONNX Conv.
 * - `ConvNeXtBlock` (Liu et al. 2022, 1-D as in Vocos): depthwise conv → LayerNorm → Dense to
 *   the intermediate width → GELU (tanh form, the toolkit's and the exporter's `geluTanh`) →
 *   Dense back → per-channel layer scale (`<name>/scale`, initialised small so every block
 *   starts close to the identity) → residual add.
 */
import * as tf from '@tensorflow/tfjs';
import { Dense, LayerNorm } from '../layers.ts';
import type { ParamStore } from '../params.ts';
import { Rng } from '../rng.ts';

/** Vocos uses LayerNorm with ε = 1e-6. */
export const VOCOS_LN_EPS = 1e-6;

export class DepthwiseConv1d {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;

  constructor(
    params: ParamStore,
    readonly name: string,
    readonly opts: { channels: number; kernelSize: number; seed?: number },
  ) {
    if (opts.kernelSize % 2 !== 1) throw new Error(`${name}: kernel size must be odd for 'same' padding`);
    // Uniform ±1/√k (fan-in of one channel's filter is k), PyTorch's default for a conv.
    const k = opts.kernelSize;
    const rng = new Rng(opts.seed ?? 1);
    const init = Float32Array.from({ length: k * opts.channels }, () => (rng.next() * 2 - 1) / Math.sqrt(k));
    this.kernel = params.add(`${name}/kernel`, tf.tensor2d(init, [k, opts.channels]));
    this.bias = params.add(`${name}/bias`, tf.zeros([opts.channels]));
  }

  /** x [B,T,C] → [B,T,C]; positions outside [0,T) read as zeros. */
  apply(x: tf.Tensor3D): tf.Tensor3D {
    const k = this.opts.kernelSize;
    const half = (k - 1) / 2;
    const [B, T, C] = x.shape;
    const padded = tf.pad(x, [
      [0, 0],
      [half, half],
      [0, 0],
    ]);
    const taps = Array.from({ length: k }, (_, j) =>
      tf.mul(tf.slice(padded, [0, j, 0], [B, T, C]), tf.slice(this.kernel, [j, 0], [1, C]).reshape([C])),
    );
    return tf.add(k === 1 ? taps[0] : tf.addN(taps), this.bias) as tf.Tensor3D;
  }
}

/** The tanh approximation of GELU (ONNX side: activations.ts 'geluTanh'). */
export function geluTanh(x: tf.Tensor): tf.Tensor {
  const c = Math.sqrt(2 / Math.PI);
  const inner = tf.mul(c, tf.add(x, tf.mul(0.044715, tf.mul(tf.mul(x, x), x))));
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
}

export class ConvNeXtBlock {
  readonly dwconv: DepthwiseConv1d;
  readonly norm: LayerNorm;
  readonly pw1: Dense;
  readonly pw2: Dense;
  readonly scale: tf.Variable;

  constructor(
    params: ParamStore,
    readonly name: string,
    opts: { dim: number; intermediate: number; kernelSize: number; layerScale: number; seed: number },
  ) {
    const { dim, intermediate, kernelSize, seed } = opts;
    this.dwconv = new DepthwiseConv1d(params, `${name}/dwconv`, { channels: dim, kernelSize, seed });
    this.norm = new LayerNorm(params, `${name}/norm`, dim, VOCOS_LN_EPS);
    this.pw1 = new Dense(params, `${name}/pw1`, { inputSize: dim, units: intermediate, seed: seed + 1 });
    this.pw2 = new Dense(params, `${name}/pw2`, { inputSize: intermediate, units: dim, seed: seed + 2 });
    this.scale = params.add(`${name}/scale`, tf.fill([dim], opts.layerScale));
  }

  apply(x: tf.Tensor3D): tf.Tensor3D {
    const h = this.pw2.apply(geluTanh(this.pw1.apply(this.norm.apply(this.dwconv.apply(x)))));
    return tf.add(x, tf.mul(h, this.scale)) as tf.Tensor3D;
  }
}
