/**
 * A fast LSTM for TensorFlow.js on CPU backends. The stock `tf.layers.lstm` unrolls the
 * recurrence into ~20 small ops per frame and lets autodiff record all of them; on wasm the
 * per-op cost, not the arithmetic, dominates (9–11 s per step for 3×256, batch 16 × 100).
 *
 * Here the sequence is one `tf.customGrad` op:
 *  - the input projection of all frames is one matMul (X·W + b);
 *  - per frame only the fused recurrent matMul h·U ([B,u]·[u,4u]) runs in tfjs (wasm SIMD);
 *    the gate nonlinearities run on plain Float32Arrays, so a frame costs 1 op, not 20;
 *  - the backward pass through time is hand-written: per frame one matMul dz·Uᵀ carries dh,
 *    and the weight gradients are ONE matMul each over all frames at the end
 *    (dU = H_prevᵀ·dZ, dW = Xᵀ·dZ, dX = dZ·Wᵀ, db = Σ dZ).
 *
 * Weights use the Keras layout (kernel [in,4u], recurrentKernel [u,4u], bias [4u], gate
 * order i,f,c,o) with sigmoid/tanh, so `tf.layers.lstm({recurrentActivation:'sigmoid'})`
 * is the parity reference and ONNX export maps gates to i,o,f,c.
 */
import * as tf from '@tensorflow/tfjs';
import { glorotUniform, orthogonal, type ParamStore } from './params.ts';

export interface LstmState {
  h: tf.Tensor2D;
  c: tf.Tensor2D;
}

export interface LstmResult {
  /** [batch, time, units]; differentiable w.r.t. input, weights and initial state. */
  output: tf.Tensor3D;
  /** State after the last frame, for streaming; not differentiable (no BPTT across chunks). */
  state: LstmState;
}

export interface LstmSequenceOptions {
  /** Skip dX (first layer over features): saves one [B·T,4u]·[4u,in] matMul per step. */
  inputGrad?: boolean;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
// One exp instead of V8's fdlibm tanh (measured ~2× faster); clamped so exp cannot overflow.
const tanh = (v: number): number => {
  const e = Math.exp(-2 * Math.min(20, Math.max(-20, v)));
  return (1 - e) / (1 + e);
};

/**
 * Runs an LSTM over x [B,T,in] from state (h0,c0) with explicit weights. Differentiable.
 * The final state is returned as fresh tensors owned by the caller.
 */
export function lstmSequence(
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  h0: tf.Tensor2D,
  c0: tf.Tensor2D,
  opts: LstmSequenceOptions = {},
): LstmResult {
  const [B, T, I] = x.shape;
  const U = recurrentKernel.shape[0];
  const G = 4 * U;
  if (kernel.shape[0] !== I || kernel.shape[1] !== G || recurrentKernel.shape[1] !== G) {
    throw new Error(
      `lstmSequence: kernel ${kernel.shape} / recurrentKernel ${recurrentKernel.shape} vs in=${I}`,
    );
  }
  let finalH: Float32Array = new Float32Array(B * U);
  let finalC: Float32Array = new Float32Array(B * U);

  const op = tf.customGrad((...args: unknown[]) => {
    const [xs, k, rk, b, h0t, c0t, save] = args as [
      tf.Tensor3D,
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor1D,
      tf.Tensor2D,
      tf.Tensor2D,
      tf.GradSaveFunc,
    ];
    // Under tf.grads the forward runs in a tidy that disposes intermediates (incl. a previous
    // layer's output); only `save`d tensors survive until backward.
    save([xs, k, rk]);
    const xp = tf.add(tf.matMul(xs.reshape([B * T, I]), k), b);
    const xpData = xp.dataSync() as Float32Array;
    // Saved for backward, batch-major rows (b·T + t) so the final matMuls need no transpose.
    const gates = new Float32Array(B * T * G); // post-activation i,f,g,o
    const tanhCells = new Float32Array(B * T * U); // tanh(c_t), reused by backward
    const hPrevAll = new Float32Array(B * T * U); // rows b·T+t; transposed in wasm for dU = H_prevᵀ·dZ
    const cPrevAll = new Float32Array(B * T * U);
    const out = new Float32Array(B * T * U);
    let h: Float32Array = h0t.dataSync().slice() as Float32Array;
    let c: Float32Array = c0t.dataSync().slice() as Float32Array;
    for (let t = 0; t < T; t++) {
      const hT = tf.tensor2d(h, [B, U]);
      const zr = tf.matMul(hT, rk);
      const zrData = zr.dataSync() as Float32Array;
      hT.dispose();
      zr.dispose();
      const hNext = new Float32Array(B * U);
      const cNext = new Float32Array(B * U);
      for (let bi = 0; bi < B; bi++) {
        const row = bi * T + t;
        const xo = row * G;
        const zo = bi * G;
        const so = bi * U;
        const ro = row * U;
        for (let j = 0; j < U; j++) {
          const ig = sigmoid(xpData[xo + j] + zrData[zo + j]);
          const fg = sigmoid(xpData[xo + U + j] + zrData[zo + U + j]);
          const gg = tanh(xpData[xo + 2 * U + j] + zrData[zo + 2 * U + j]);
          const og = sigmoid(xpData[xo + 3 * U + j] + zrData[zo + 3 * U + j]);
          const cp = c[so + j];
          const cn = fg * cp + ig * gg;
          const tcn = tanh(cn);
          const hn = og * tcn;
          gates[xo + j] = ig;
          gates[xo + U + j] = fg;
          gates[xo + 2 * U + j] = gg;
          gates[xo + 3 * U + j] = og;
          hPrevAll[ro + j] = h[so + j];
          cPrevAll[ro + j] = cp;
          tanhCells[ro + j] = tcn;
          out[ro + j] = hn;
          cNext[so + j] = cn;
          hNext[so + j] = hn;
        }
      }
      h = hNext;
      c = cNext;
    }
    finalH = h;
    finalC = c;
    const value = tf.tensor3d(out, [B, T, U]);

    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xSaved, kSaved, rkSaved] = saved;
      const dyData = dy.dataSync() as Float32Array;
      const dZ = new Float32Array(B * T * G);
      const dzStep = new Float32Array(B * G);
      let dhNext: Float32Array = new Float32Array(B * U);
      // Explicit transposes: the wasm backend's matMul with transposeA/B leaves XNNPACK and
      // is 15–60× slower (measured), so every product below is a plain [m,k]·[k,n].
      const rkT = tf.transpose(rkSaved);
      const dcNext = new Float32Array(B * U);
      for (let t = T - 1; t >= 0; t--) {
        for (let bi = 0; bi < B; bi++) {
          const row = bi * T + t;
          const go = row * G;
          const ro = row * U;
          const so = bi * U;
          const zo = bi * G;
          for (let j = 0; j < U; j++) {
            const ig = gates[go + j];
            const fg = gates[go + U + j];
            const gg = gates[go + 2 * U + j];
            const og = gates[go + 3 * U + j];
            const tc = tanhCells[ro + j];
            const dh = dyData[ro + j] + dhNext[so + j];
            const dc = dh * og * (1 - tc * tc) + dcNext[so + j];
            const di = dc * gg * ig * (1 - ig);
            const df = dc * cPrevAll[ro + j] * fg * (1 - fg);
            const dg = dc * ig * (1 - gg * gg);
            const dO = dh * tc * og * (1 - og);
            dcNext[so + j] = dc * fg;
            dzStep[zo + j] = dZ[go + j] = di;
            dzStep[zo + U + j] = dZ[go + U + j] = df;
            dzStep[zo + 2 * U + j] = dZ[go + 2 * U + j] = dg;
            dzStep[zo + 3 * U + j] = dZ[go + 3 * U + j] = dO;
          }
        }
        const dzT = tf.tensor2d(dzStep, [B, G]);
        const dhT = tf.matMul(dzT, rkT);
        dhNext = dhT.dataSync().slice() as Float32Array;
        dzT.dispose();
        dhT.dispose();
      }
      rkT.dispose();
      const dZt = tf.tensor2d(dZ, [B * T, G]);
      // Contiguous writes in the frame loop + one wasm transpose beat strided JS writes.
      const hPrevT = tf.transpose(tf.tensor2d(hPrevAll, [B * T, U]));
      const dX =
        opts.inputGrad === false
          ? tf.zeros([B, T, I])
          : tf.matMul(dZt, tf.transpose(kSaved)).reshape([B, T, I]);
      const dK = tf.matMul(tf.transpose(xSaved.reshape([B * T, I])), dZt);
      const dRK = tf.matMul(hPrevT, dZt);
      const dB = tf.sum(dZt, 0);
      return [dX, dK, dRK, dB, tf.tensor2d(dhNext, [B, U]), tf.tensor2d(dcNext.slice(), [B, U])];
    };
    return { value, gradFunc };
  });
  const output = op(x, kernel, recurrentKernel, bias, h0, c0) as tf.Tensor3D;
  return { output, state: { h: tf.tensor2d(finalH, [B, U]), c: tf.tensor2d(finalC, [B, U]) } };
}

export interface FastLstmOptions {
  inputSize: number;
  units: number;
  /** Seed for the initializers, so runs (and data-parallel workers) build identical models. */
  seed?: number;
  /** False for a first layer whose input is data: skips the dX matMul in backward. */
  inputGrad?: boolean;
}

/**
 * An LSTM layer whose weights live in a ParamStore under `<name>/kernel`,
 * `<name>/recurrent_kernel`, `<name>/bias` (Keras layout, i,f,c,o).
 */
export class FastLstm {
  readonly kernel: tf.Variable;
  readonly recurrentKernel: tf.Variable;
  readonly bias: tf.Variable;

  constructor(
    params: ParamStore,
    readonly name: string,
    readonly opts: FastLstmOptions,
  ) {
    const { inputSize, units, seed = 1 } = opts;
    this.kernel = params.add(`${name}/kernel`, glorotUniform([inputSize, 4 * units], seed));
    this.recurrentKernel = params.add(`${name}/recurrent_kernel`, orthogonal(units, 4 * units, seed + 1));
    // Forget-gate bias 1 (Keras unitForgetBias): gradients flow through c early in training.
    const b = new Float32Array(4 * units);
    b.fill(1, units, 2 * units);
    this.bias = params.add(`${name}/bias`, tf.tensor1d(b));
  }

  get units(): number {
    return this.opts.units;
  }

  zeroState(batch: number): LstmState {
    return { h: tf.zeros([batch, this.units]), c: tf.zeros([batch, this.units]) };
  }

  /** x [B,T,in] → output [B,T,u] and final state; state defaults to zeros. */
  apply(x: tf.Tensor3D, state?: LstmState): LstmResult {
    const s = state ?? this.zeroState(x.shape[0]);
    const res = lstmSequence(
      x,
      this.kernel as tf.Tensor2D,
      this.recurrentKernel as tf.Tensor2D,
      this.bias as tf.Tensor1D,
      s.h,
      s.c,
      { inputGrad: this.opts.inputGrad },
    );
    if (!state) {
      s.h.dispose();
      s.c.dispose();
    }
    return res;
  }
}
