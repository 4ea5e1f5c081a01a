/**
 * The neutral weight description shared by training and export: a flat list of named
 * Float32 tensors in Keras/tfjs layout (`<layer>/kernel`, `<layer>/recurrent_kernel`, ...).
 * Export reads only this list, so training code never has to expose its classes.
 */

export interface NamedWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

export type WeightMap = ReadonlyMap<string, NamedWeight>;

export function toWeightMap(weights: readonly NamedWeight[]): Map<string, NamedWeight> {
  const map = new Map<string, NamedWeight>();
  for (const w of weights) {
    if (map.has(w.name)) throw new Error(`duplicate weight name ${w.name}`);
    const n = w.shape.reduce((a, b) => a * b, 1);
    if (n !== w.data.length)
      throw new Error(`weight ${w.name}: shape [${w.shape}] but ${w.data.length} values`);
    map.set(w.name, w);
  }
  return map;
}

/** Looks a weight up and checks its rank (and any fixed dims: -1 matches anything). */
export function requireWeight(weights: WeightMap, name: string, shape?: readonly number[]): NamedWeight {
  const w = weights.get(name);
  if (!w) throw new Error(`missing weight ${name} (have: ${[...weights.keys()].join(', ')})`);
  if (shape) {
    const ok = shape.length === w.shape.length && shape.every((d, i) => d < 0 || d === w.shape[i]);
    if (!ok) throw new Error(`weight ${name}: expected shape [${shape}], got [${w.shape}]`);
  }
  return w;
}

/** Name-keyed form (what the training toolkit's ParamStore.getWeights returns) → list. */
export function weightsFromMap(
  map: ReadonlyMap<string, { data: Float32Array; shape: readonly number[] }>,
): NamedWeight[] {
  return [...map].map(([name, w]) => ({ name, shape: [...w.shape], data: w.data }));
}

/** List → name-keyed form (for ParamStore.setWeights after import). */
export function weightsToMap(
  weights: readonly NamedWeight[],
): Map<string, { data: Float32Array; shape: number[] }> {
  return new Map(weights.map((w) => [w.name, { data: w.data, shape: [...w.shape] }]));
}
