/**
 * Bridges stock tfjs layers and the neutral weight list: read a LayersModel's weights as
 * NamedWeight[] (Keras names such as `lstm0/kernel`) and write imported weights back into it.
 * Models built from the toolkit's own layers keep their weights in a name→tensor store already.
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedWeight } from './weights.ts';

type WithWeights = Pick<tf.LayersModel, 'weights'>;

/** `originalName` is the Keras name; `name` may carry a uniqueness suffix (`_1`). */
const keyOf = (v: tf.LayerVariable): string => v.originalName ?? v.name;

export function namedWeightsFromTfjs(model: WithWeights): NamedWeight[] {
  return model.weights.map((v) => ({
    name: keyOf(v),
    shape: v.shape as number[],
    data: Float32Array.from(v.read().dataSync() as Float32Array),
  }));
}

/** Writes every weight of `model` from `weights` (matched by name); extra entries are an error. */
export function setTfjsWeights(model: WithWeights, weights: readonly NamedWeight[]): void {
  const byName = new Map(weights.map((w) => [w.name, w]));
  for (const v of model.weights) {
    const w = byName.get(keyOf(v));
    if (!w) throw new Error(`no weight for ${keyOf(v)}`);
    if (w.shape.join() !== v.shape.join())
      throw new Error(`${w.name}: shape [${w.shape}] vs model [${v.shape}]`);
    const t = tf.tensor(w.data, w.shape);
    v.write(t);
    t.dispose(); // the variable holds its own reference
    byName.delete(w.name);
  }
  if (byName.size)
    throw new Error(`weights with no matching tfjs variable: ${[...byName.keys()].join(', ')}`);
}
