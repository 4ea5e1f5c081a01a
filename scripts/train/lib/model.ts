/**
 * What the training loop and the data-parallel workers need from a model: its named
 * weights and a loss over a list of samples. A model is built by a factory named in a
 * ModelSpec (module URL + export + JSON config), so a worker thread can build the same one.
 */
import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from './params.ts';

export interface TrainModel<S> {
  readonly params: ParamStore;
  /** Mean loss over `samples`; called inside tf.variableGrads, so use tf ops only. */
  loss(samples: S[]): tf.Scalar;
}

export interface ModelSpec {
  /** Module URL (e.g. `new URL('./my-model.ts', import.meta.url).href`). */
  module: string;
  /** Name of the exported factory `(config) => TrainModel`. */
  factory: string;
  /** Structured-cloneable configuration passed to the factory. */
  config: unknown;
}

export async function buildModel<S>(spec: ModelSpec): Promise<TrainModel<S>> {
  const mod = (await import(spec.module)) as Record<string, unknown>;
  const f = mod[spec.factory];
  if (typeof f !== 'function') throw new Error(`${spec.module} has no factory ${spec.factory}`);
  return (await f(spec.config)) as TrainModel<S>;
}

export interface Gradients {
  loss: number;
  /** By parameter name; owned by the caller (dispose). */
  grads: Map<string, tf.Tensor>;
}

/** Loss and gradients of every trainable parameter on `samples`. */
export function computeGradients<S>(model: TrainModel<S>, samples: S[]): Gradients {
  const entries = model.params.entries().filter(([, v]) => v.trainable);
  const { value, grads } = tf.variableGrads(
    () => model.loss(samples),
    entries.map(([, v]) => v),
  );
  const loss = value.dataSync()[0];
  value.dispose();
  const out = new Map<string, tf.Tensor>();
  // A weight the loss does not touch gets no entry from variableGrads; use zeros.
  for (const [name, v] of entries) out.set(name, grads[v.name] ?? tf.zerosLike(v));
  return { loss, grads: out };
}

/** Flattens tensors in `names` order into one Float32Array (for messages between threads). */
export function flatten(names: string[], tensors: Map<string, tf.Tensor>, sizes: number[]): Float32Array {
  const total = sizes.reduce((a, b) => a + b, 0);
  const out = new Float32Array(total);
  let off = 0;
  names.forEach((n, i) => {
    out.set(tensors.get(n)!.dataSync(), off);
    off += sizes[i];
  });
  return out;
}
