/**
 * Small layers in the neutral weight layout the ONNX exporter reads:
 * Dense kernel [in,out] + bias [out]; LayerNorm gamma/beta [d]; Embedding [vocab,d].
 * Weights live in a ParamStore under `<name>/<weight>`.
 */
import * as tf from '@tensorflow/tfjs';
import { linear } from './ops.ts';
import { glorotUniform, type ParamStore, randomNormal } from './params.ts';

export type Activation = 'linear' | 'relu' | 'tanh' | 'sigmoid' | 'gelu';

export function activate(x: tf.Tensor, act: Activation): tf.Tensor {
  switch (act) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'gelu': {
      // tanh approximation (what ONNX Gelu(approximate="tanh") computes).
      const c = Math.sqrt(2 / Math.PI);
      const inner = tf.mul(c, tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
      return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
    }
  }
}

export interface DenseOptions {
  inputSize: number;
  units: number;
  activation?: Activation;
  useBias?: boolean;
  seed?: number;
}

export class Dense {
  readonly kernel: tf.Variable;
  readonly bias?: tf.Variable;

  constructor(
    params: ParamStore,
    readonly name: string,
    readonly opts: DenseOptions,
  ) {
    this.kernel = params.add(`${name}/kernel`, glorotUniform([opts.inputSize, opts.units], opts.seed ?? 1));
    if (opts.useBias ?? true) this.bias = params.add(`${name}/bias`, tf.zeros([opts.units]));
  }

  apply(x: tf.Tensor): tf.Tensor {
    return activate(linear(x, this.kernel, this.bias), this.opts.activation ?? 'linear');
  }
}

export class LayerNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;

  constructor(
    params: ParamStore,
    readonly name: string,
    readonly size: number,
    readonly epsilon = 1e-5,
  ) {
    this.gamma = params.add(`${name}/gamma`, tf.ones([size]));
    this.beta = params.add(`${name}/beta`, tf.zeros([size]));
  }

  /** Normalizes over the last axis. */
  apply(x: tf.Tensor): tf.Tensor {
    const axis = x.rank - 1;
    const mean = tf.mean(x, axis, true);
    const centered = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centered), axis, true);
    return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, this.epsilon))), this.gamma), this.beta);
  }
}

export class Embedding {
  readonly table: tf.Variable;

  constructor(
    params: ParamStore,
    readonly name: string,
    readonly vocab: number,
    readonly dim: number,
    seed = 1,
  ) {
    this.table = params.add(`${name}/embeddings`, randomNormal([vocab, dim], 1 / Math.sqrt(dim), seed));
  }

  /**
   * ids [...] int32 → [..., dim]. One-hot · table keeps the gradient a plain matMul
   * (gather's gradient needs a scatter kernel, slow or missing on some backends).
   */
  apply(ids: tf.Tensor): tf.Tensor {
    const oneHot = tf.oneHot(ids.flatten().toInt(), this.vocab).toFloat();
    const y = linear(oneHot, this.table);
    return y.reshape([...ids.shape, this.dim]);
  }
}
