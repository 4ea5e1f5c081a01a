/**
 * A streaming LSTM-CTC recognizer: features [T, D] → L unidirectional LSTM layers → Dense to
 * the vocabulary (index 0 = blank) → CTC. This is the shape the ASR model uses, the model of
 * the training benchmark, and the tiny end-to-end test. `recurrent: 'stock'` swaps the fast
 * layer for tf.layers.lstm (same Keras weight layout) so the benchmark compares like for like.
 */
import * as tf from '@tensorflow/tfjs';
import { ctcLoss } from '../ctc.ts';
import { FastLstm, type LstmState } from '../fast-lstm.ts';
import { Dense } from '../layers.ts';
import type { TrainModel } from '../model.ts';
import { ParamStore } from '../params.ts';

export interface CtcSample {
  /** Row-major [frames, dim]. */
  features: Float32Array;
  frames: number;
  /** Label ids in 1..vocab−1 (0 is blank). */
  labels: number[];
  /** Frames before the speech starts, which may only be blank (ctc.ts); absent = 0. */
  leadingBlanks?: number;
}

export interface LstmCtcConfig {
  inputSize: number;
  units: number;
  layers: number;
  /** Output classes including the blank at index 0. */
  vocab: number;
  seed?: number;
  recurrent?: 'fast' | 'stock';
}

export interface CollatedCtc {
  x: tf.Tensor3D;
  labels: Int32Array;
  maxLabelLength: number;
  inputLengths: Int32Array;
  labelLengths: Int32Array;
  leadingBlanks: Int32Array;
}

/** Pads features to the longest sample (zeros) and labels to the longest label. */
export function collateCtc(samples: CtcSample[], dim: number): CollatedCtc {
  const B = samples.length;
  const T = Math.max(...samples.map((s) => s.frames));
  const L = Math.max(1, ...samples.map((s) => s.labels.length));
  const x = new Float32Array(B * T * dim);
  const labels = new Int32Array(B * L);
  samples.forEach((s, b) => {
    x.set(s.features.subarray(0, s.frames * dim), b * T * dim);
    labels.set(s.labels, b * L);
  });
  return {
    x: tf.tensor3d(x, [B, T, dim]),
    labels,
    maxLabelLength: L,
    inputLengths: Int32Array.from(samples, (s) => s.frames),
    labelLengths: Int32Array.from(samples, (s) => s.labels.length),
    leadingBlanks: Int32Array.from(samples, (s) => s.leadingBlanks ?? 0),
  };
}

export class LstmCtcModel implements TrainModel<CtcSample> {
  readonly params = new ParamStore();
  private readonly fast: FastLstm[] = [];
  private readonly stock: tf.layers.Layer[] = [];
  readonly head: Dense;

  constructor(readonly config: LstmCtcConfig) {
    const { inputSize, units, layers, vocab, seed = 1 } = config;
    for (let i = 0; i < layers; i++) {
      const name = `lstm${i}`;
      const inSize = i === 0 ? inputSize : units;
      if (config.recurrent === 'stock') {
        const l = tf.layers.lstm({ units, returnSequences: true, recurrentActivation: 'sigmoid' });
        tf.tidy(() => l.apply(tf.zeros([1, 1, inSize])) as tf.Tensor); // builds it (build() alone breaks apply)
        const [k, r, b] = l.trainableWeights.map((w) => w.read() as tf.Variable);
        this.params.adopt(`${name}/kernel`, k);
        this.params.adopt(`${name}/recurrent_kernel`, r);
        this.params.adopt(`${name}/bias`, b);
        this.stock.push(l);
      } else {
        this.fast.push(
          new FastLstm(this.params, name, {
            inputSize: inSize,
            units,
            seed: seed + 10 * i,
            inputGrad: i > 0,
          }),
        );
      }
    }
    this.head = new Dense(this.params, 'output', { inputSize: units, units: vocab, seed: seed + 1000 });
  }

  /** x [B,T,D] → logits [B,T,V]; with `states`, runs as one chunk of a stream. */
  forward(x: tf.Tensor3D, states?: LstmState[]): { logits: tf.Tensor3D; states: LstmState[] } {
    let h = x;
    const out: LstmState[] = [];
    if (this.stock.length) {
      for (const l of this.stock) h = l.apply(h) as tf.Tensor3D;
    } else {
      this.fast.forEach((l, i) => {
        const r = l.apply(h, states?.[i]);
        h = r.output;
        out.push(r.state);
      });
    }
    return { logits: this.head.apply(h) as tf.Tensor3D, states: out };
  }

  /** Mean over the batch of CTC loss per label (PyTorch's `reduction='mean'`). */
  loss(samples: CtcSample[]): tf.Scalar {
    const c = collateCtc(samples, this.config.inputSize);
    const { logits } = this.forward(c.x);
    const per = ctcLoss(logits, c);
    const norm = tf.tensor1d(Float32Array.from(c.labelLengths, (n) => Math.max(1, n)));
    return tf.mean(tf.div(per, norm)) as tf.Scalar;
  }
}

export function createLstmCtc(config: LstmCtcConfig): LstmCtcModel {
  return new LstmCtcModel(config);
}

/** The ModelSpec that lets DataParallel workers build the same model. */
export function lstmCtcSpec(config: LstmCtcConfig) {
  return { module: import.meta.url, factory: 'createLstmCtc', config };
}
