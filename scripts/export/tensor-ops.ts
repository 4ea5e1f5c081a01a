/**
 * Exact, layout-only operations on row-major Float32Array tensors: the transforms between
 * Keras weight layouts and ONNX operator layouts. No arithmetic beyond copying, except
 * `foldHalves`, so export followed by import returns the same bits.
 */

export interface HostTensor {
  data: Float32Array;
  shape: number[];
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** out[i_perm[0], i_perm[1], ...] = in[i_0, i_1, ...], like numpy.transpose. */
export function transpose(t: HostTensor, perm: readonly number[]): HostTensor {
  const rank = t.shape.length;
  if (perm.length !== rank) throw new Error(`transpose: perm ${perm} does not match rank ${rank}`);
  const outShape = perm.map((p) => t.shape[p]);
  const inStrides = stridesOf(t.shape);
  const srcStrides = perm.map((p) => inStrides[p]);
  const out = new Float32Array(t.data.length);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += idx[d] * srcStrides[d];
    out[o] = t.data[src];
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < outShape[d]) break;
      idx[d] = 0;
    }
  }
  return { data: out, shape: outShape };
}

/**
 * Splits `axis` into `blocks` equal blocks and rearranges them: output block j is input
 * block order[j]. This is how gate order changes between Keras (i,f,c,o) and ONNX (i,o,f,c).
 */
export function reorderBlocks(
  t: HostTensor,
  axis: number,
  blocks: number,
  order: readonly number[],
): HostTensor {
  const ax = axis < 0 ? axis + t.shape.length : axis;
  const axisLen = t.shape[ax];
  if (axisLen % blocks !== 0)
    throw new Error(`reorderBlocks: axis length ${axisLen} not divisible by ${blocks}`);
  const outer = sizeOf(t.shape.slice(0, ax));
  const inner = sizeOf(t.shape.slice(ax + 1));
  const blockLen = (axisLen / blocks) * inner;
  const out = new Float32Array(t.data.length);
  for (let o = 0; o < outer; o++) {
    const base = o * axisLen * inner;
    for (let j = 0; j < blocks; j++) {
      const src = base + order[j] * blockLen;
      out.set(t.data.subarray(src, src + blockLen), base + j * blockLen);
    }
  }
  return { data: out, shape: [...t.shape] };
}

export function invertPermutation(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inv[p] = i;
  });
  return inv;
}

/** [n] → [2n] with the second half zero (ONNX RNN biases are [Wb, Rb]; Keras has one bias). */
export function appendZeroHalf(t: HostTensor): HostTensor {
  if (t.shape.length !== 1) throw new Error('appendZeroHalf expects a 1-D tensor');
  const out = new Float32Array(t.data.length * 2);
  out.set(t.data);
  return { data: out, shape: [t.data.length * 2] };
}

/** [2n] → [n] as the sum of both halves: exact when the second half is zero. */
export function foldHalves(t: HostTensor): HostTensor {
  if (t.shape.length !== 1 || t.data.length % 2) throw new Error('foldHalves expects an even 1-D tensor');
  const n = t.data.length / 2;
  const out = new Float32Array(n);
  // Copying when the second half is zero keeps the bits of -0 too.
  for (let i = 0; i < n; i++) out[i] = t.data[n + i] === 0 ? t.data[i] : t.data[i] + t.data[n + i];
  return { data: out, shape: [n] };
}
