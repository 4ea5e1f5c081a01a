/**
 * A fast GRU, built like fast-lstm.ts (one customGrad op per sequence, per-frame work =
 * tfjs matMuls only, gate math on Float32Arrays, weight gradients as single matMuls over all
 * frames). Keras/tfjs layout and semantics (reset gate applied before the recurrent matMul,
 * i.e. ONNX `linear_before_reset=0`): kernel [in,3u], recurrentKernel [u,3u], bias [3u],
 * gate order z,r,h (ONNX uses z,r,h too).
 *   z = σ(x·Wz + h·Uz + bz), r = σ(x·Wr + h·Ur + br), ĥ = tanh(x·Wh + (r⊙h)·Uh + bh),
 *   h' = z⊙h + (1−z)⊙ĥ
 */
import * as tf from '@tensorflow/tfjs';
import { glorotUniform, orthogonal, type ParamStore } from './params.ts';

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
const tanh = (v: number): number => {
  const e = Math.exp(-2 * Math.min(20, Math.max(-20, v)));
  return (1 - e) / (1 + e);
};

export interface GruResult {
  output: tf.Tensor3D;
  /** Final hidden state (not differentiable). */
  state: tf.Tensor2D;
}

/** x [B,T,in], h0 [B,u] → outputs [B,T,u]; differentiable w.r.t. x, weights and h0. */
export function gruSequence(
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  h0: tf.Tensor2D,
  opts: { inputGrad?: boolean } = {},
): GruResult {
  const [B, T, I] = x.shape;
  const U = recurrentKernel.shape[0];
  const G = 3 * U;
  const BT = B * T;
  let finalH: Float32Array = new Float32Array(B * U);
  const op = tf.customGrad((...args: unknown[]) => {
    const [xs, k, rk, b, h0t, save] = args as [
      tf.Tensor3D,
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor1D,
      tf.Tensor2D,
      tf.GradSaveFunc,
    ];
    save([xs, rk]);
    const [rkZR, rkH] = tf.split(rk, [2 * U, U], 1);
    const xp = tf.add(tf.matMul(xs.reshape([BT, I]), k), b);
    const xpData = xp.dataSync() as Float32Array;
    const zs = new Float32Array(BT * U);
    const rs = new Float32Array(BT * U);
    const hhs = new Float32Array(BT * U);
    const hPrevT = new Float32Array(BT * U); // [U, B·T] for dU_zr = H_prevᵀ·dZ_zr
    const hPrevRows = new Float32Array(BT * U); // [B·T, U] row form for the backward gate math
    const rhT = new Float32Array(BT * U); // [U, B·T] for dU_h = (r⊙h)ᵀ·dZ_h
    const out = new Float32Array(BT * U);
    let h: Float32Array = h0t.dataSync().slice() as Float32Array;
    const rh = new Float32Array(B * U);
    for (let t = 0; t < T; t++) {
      const hT = tf.tensor2d(h, [B, U]);
      const a = tf.matMul(hT, rkZR);
      const aData = a.dataSync() as Float32Array;
      hT.dispose();
      a.dispose();
      for (let bi = 0; bi < B; bi++) {
        const row = bi * T + t;
        for (let j = 0; j < U; j++) {
          const z = sigmoid(xpData[row * G + j] + aData[bi * 2 * U + j]);
          const r = sigmoid(xpData[row * G + U + j] + aData[bi * 2 * U + U + j]);
          const hp = h[bi * U + j];
          zs[row * U + j] = z;
          rs[row * U + j] = r;
          hPrevT[j * BT + row] = hp;
          hPrevRows[row * U + j] = hp;
          rh[bi * U + j] = r * hp;
          rhT[j * BT + row] = r * hp;
        }
      }
      const rhTensor = tf.tensor2d(rh, [B, U]);
      const c = tf.matMul(rhTensor, rkH);
      const cData = c.dataSync() as Float32Array;
      rhTensor.dispose();
      c.dispose();
      const hNext = new Float32Array(B * U);
      for (let bi = 0; bi < B; bi++) {
        const row = bi * T + t;
        for (let j = 0; j < U; j++) {
          const hh = tanh(xpData[row * G + 2 * U + j] + cData[bi * U + j]);
          const z = zs[row * U + j];
          const hn = z * h[bi * U + j] + (1 - z) * hh;
          hhs[row * U + j] = hh;
          out[row * U + j] = hn;
          hNext[bi * U + j] = hn;
        }
      }
      h = hNext;
    }
    finalH = h;
    const value = tf.tensor3d(out, [B, T, U]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const dyData = dy.dataSync() as Float32Array;
      // Explicit transposes (wasm's transposed matMul is slow; see ops.ts).
      // The forward's split was disposed with its tidy; split the saved kernel again.
      const [sZR, sH] = tf.split(saved[1], [2 * U, U], 1);
      const rkZRT = tf.transpose(sZR);
      const rkHT = tf.transpose(sH);
      const dZ = new Float32Array(BT * G);
      let dhNext: Float32Array = new Float32Array(B * U);
      const dah = new Float32Array(B * U);
      const dzr = new Float32Array(B * 2 * U);
      const dhPart = new Float32Array(B * U);
      for (let t = T - 1; t >= 0; t--) {
        for (let bi = 0; bi < B; bi++) {
          const row = bi * T + t;
          for (let j = 0; j < U; j++) {
            const dh = dyData[row * U + j] + dhNext[bi * U + j];
            const z = zs[row * U + j];
            const hh = hhs[row * U + j];
            const hp = hPrevRows[row * U + j];
            const dzPre = dh * (hp - hh) * z * (1 - z);
            const da = dh * (1 - z) * (1 - hh * hh);
            dah[bi * U + j] = da;
            dZ[row * G + j] = dzPre;
            dZ[row * G + 2 * U + j] = da;
            dzr[bi * 2 * U + j] = dzPre;
            dhPart[bi * U + j] = dh * z;
          }
        }
        const daT = tf.tensor2d(dah, [B, U]);
        const drhT = tf.matMul(daT, rkHT);
        const drh = drhT.dataSync() as Float32Array;
        daT.dispose();
        drhT.dispose();
        for (let bi = 0; bi < B; bi++) {
          const row = bi * T + t;
          for (let j = 0; j < U; j++) {
            const r = rs[row * U + j];
            const d = drh[bi * U + j];
            const drPre = d * hPrevRows[row * U + j] * r * (1 - r);
            dZ[row * G + U + j] = drPre;
            dzr[bi * 2 * U + U + j] = drPre;
            dhPart[bi * U + j] += d * r;
          }
        }
        const dzrT = tf.tensor2d(dzr, [B, 2 * U]);
        const dhT = tf.matMul(dzrT, rkZRT);
        const dhRec = dhT.dataSync() as Float32Array;
        dzrT.dispose();
        dhT.dispose();
        dhNext = new Float32Array(B * U);
        for (let i = 0; i < B * U; i++) dhNext[i] = dhPart[i] + dhRec[i];
      }
      rkZRT.dispose();
      rkHT.dispose();
      const dZt = tf.tensor2d(dZ, [BT, G]);
      const [dZzr, dZh] = tf.split(dZt, [2 * U, U], 1);
      const dRK = tf.concat(
        [tf.matMul(tf.tensor2d(hPrevT, [U, BT]), dZzr), tf.matMul(tf.tensor2d(rhT, [U, BT]), dZh)],
        1,
      );
      const xSaved = saved[0];
      const dX =
        opts.inputGrad === false ? tf.zeros([B, T, I]) : tf.matMul(dZt, tf.transpose(k)).reshape([B, T, I]);
      const dK = tf.matMul(tf.transpose(xSaved.reshape([BT, I])), dZt);
      return [dX, dK, dRK, tf.sum(dZt, 0), tf.tensor2d(dhNext, [B, U])];
    };
    return { value, gradFunc };
  });
  const output = op(x, kernel, recurrentKernel, bias, h0) as tf.Tensor3D;
  return { output, state: tf.tensor2d(finalH, [B, U]) };
}

export interface FastGruOptions {
  inputSize: number;
  units: number;
  seed?: number;
  inputGrad?: boolean;
}

/** GRU layer with weights `<name>/kernel`, `<name>/recurrent_kernel`, `<name>/bias` (z,r,h). */
export class FastGru {
  readonly kernel: tf.Variable;
  readonly recurrentKernel: tf.Variable;
  readonly bias: tf.Variable;

  constructor(
    params: ParamStore,
    readonly name: string,
    readonly opts: FastGruOptions,
  ) {
    const { inputSize, units, seed = 1 } = opts;
    this.kernel = params.add(`${name}/kernel`, glorotUniform([inputSize, 3 * units], seed));
    this.recurrentKernel = params.add(`${name}/recurrent_kernel`, orthogonal(units, 3 * units, seed + 1));
    this.bias = params.add(`${name}/bias`, tf.zeros([3 * units]));
  }

  apply(x: tf.Tensor3D, state?: tf.Tensor2D): GruResult {
    const h0 = state ?? tf.zeros([x.shape[0], this.opts.units]);
    return gruSequence(
      x,
      this.kernel as tf.Tensor2D,
      this.recurrentKernel as tf.Tensor2D,
      this.bias as tf.Tensor1D,
      h0 as tf.Tensor2D,
      { inputGrad: this.opts.inputGrad },
    );
  }
}
