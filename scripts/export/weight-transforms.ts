/**
 * Invertible steps from a Keras-layout weight to the layout an ONNX operator wants.
 * Export applies them and records them in the model's metadata; import replays them
 * backwards, so the round trip returns the original Keras tensors exactly.
 */
import {
  appendZeroHalf,
  foldHalves,
  type HostTensor,
  invertPermutation,
  reorderBlocks,
  sizeOf,
  transpose,
} from './tensor-ops.ts';

export type TransformStep =
  /** Rearrange `blocks` equal blocks of `axis`: output block j = input block order[j]. */
  | { op: 'reorder'; axis: number; blocks: number; order: number[] }
  | { op: 'transpose'; perm: number[] }
  | { op: 'reshape'; shape: number[] }
  /** 1-D [n] → [2n], zeros appended (RNN recurrent bias Rb); inverse sums the halves. */
  | { op: 'appendZeroHalf' };

function applyStep(t: HostTensor, step: TransformStep): HostTensor {
  switch (step.op) {
    case 'reorder':
      return reorderBlocks(t, step.axis, step.blocks, step.order);
    case 'transpose':
      return transpose(t, step.perm);
    case 'reshape':
      if (sizeOf(step.shape) !== t.data.length)
        throw new Error(`reshape to [${step.shape}] from [${t.shape}]`);
      return { data: t.data, shape: [...step.shape] };
    case 'appendZeroHalf':
      return appendZeroHalf(t);
  }
}

function invertStep(t: HostTensor, step: TransformStep, before: number[]): HostTensor {
  switch (step.op) {
    case 'reorder':
      return reorderBlocks(t, step.axis, step.blocks, invertPermutation(step.order));
    case 'transpose':
      return transpose(t, invertPermutation(step.perm));
    case 'reshape':
      return { data: t.data, shape: [...before] };
    case 'appendZeroHalf':
      return foldHalves(t);
  }
}

function shapeAfter(shape: number[], step: TransformStep): number[] {
  switch (step.op) {
    case 'reorder':
      return shape;
    case 'transpose':
      return step.perm.map((p) => shape[p]);
    case 'reshape':
      return step.shape;
    case 'appendZeroHalf':
      return [sizeOf(shape) * 2];
  }
}

export function applyTransform(t: HostTensor, steps: readonly TransformStep[]): HostTensor {
  return steps.reduce(applyStep, t);
}

/** Undo `steps`, given the Keras shape the forward pass started from. */
export function invertTransform(
  t: HostTensor,
  steps: readonly TransformStep[],
  kerasShape: readonly number[],
): HostTensor {
  const shapes: number[][] = [[...kerasShape]];
  for (const step of steps) {
    shapes.push(shapeAfter(shapes[shapes.length - 1], step));
  }
  let out = t;
  for (let i = steps.length - 1; i >= 0; i--) out = invertStep(out, steps[i], shapes[i]);
  return { data: out.data, shape: [...kerasShape] };
}

/** Keras LSTM gates i,f,c,o → ONNX i,o,f,c. */
export const LSTM_KERAS_TO_ONNX = [0, 3, 1, 2];
