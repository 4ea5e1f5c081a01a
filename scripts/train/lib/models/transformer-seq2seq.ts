/**
 * Pre-norm Transformer encoder–decoder for translation, built from the toolkit's fused
 * TransformerBlock. One embedding table is shared by the encoder, the decoder and the output
 * projection (a shared subword vocabulary makes tying free and saves a third of the weights at
 * this size). Positions are the fixed sinusoids of Vaswani et al., so the ONNX graphs carry
 * them as a constant table and a decoder step only needs its position index.
 *
 * Weight names: `emb/embeddings`, `enc<i>/…`, `enc_ln/…`, `dec<i>/…` (cross blocks), `dec_ln/…`.
 */
import * as tf from '@tensorflow/tfjs';
import { Embedding, LayerNorm } from '../layers.ts';
import type { TrainModel } from '../model.ts';
import { matMul, transposeLast } from '../ops.ts';
import { ParamStore } from '../params.ts';
import { attentionBias, TransformerBlock } from '../transformer.ts';

export interface Seq2SeqConfig {
  vocab: number;
  dModel: number;
  heads: number;
  ffnSize: number;
  encoderLayers: number;
  decoderLayers: number;
  /** Rows of the sinusoid table: the longest source or target the graphs accept. */
  maxPositions: number;
  /** Label smoothing ε (default 0.1). */
  labelSmoothing?: number;
  padId: number;
  seed?: number;
}

export interface Seq2SeqSample {
  /** Source ids ending with the end-of-sentence id. */
  src: number[];
  /** Decoder input: target-language tag, then the target pieces. */
  tgtIn: number[];
  /** Decoder output: the target pieces, then end of sentence. */
  tgtOut: number[];
}

export const LAYER_NORM_EPSILON = 1e-5;

/** PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(…), row-major [positions, d]. */
export function sinusoidTable(positions: number, d: number): Float32Array {
  const out = new Float32Array(positions * d);
  for (let p = 0; p < positions; p++)
    for (let i = 0; i < d; i += 2) {
      const angle = p / 10000 ** (i / d);
      out[p * d + i] = Math.sin(angle);
      if (i + 1 < d) out[p * d + i + 1] = Math.cos(angle);
    }
  return out;
}

/** Pads id lists to one length: [B, T] int32 plus the lengths. */
export function padIds(rows: number[][], padId: number): { ids: tf.Tensor2D; lengths: number[] } {
  const T = Math.max(1, ...rows.map((r) => r.length));
  const data = new Int32Array(rows.length * T).fill(padId);
  rows.forEach((r, b) => {
    data.set(r, b * T);
  });
  return { ids: tf.tensor2d(data, [rows.length, T], 'int32'), lengths: rows.map((r) => r.length) };
}

export class TransformerSeq2Seq implements TrainModel<Seq2SeqSample> {
  readonly params = new ParamStore();
  readonly embedding: Embedding;
  readonly encoder: TransformerBlock[];
  readonly decoder: TransformerBlock[];
  readonly encLn: LayerNorm;
  readonly decLn: LayerNorm;
  private readonly positions: tf.Tensor2D;

  constructor(readonly config: Seq2SeqConfig) {
    const { dModel: d, heads, ffnSize, seed = 1 } = config;
    this.embedding = new Embedding(this.params, 'emb', config.vocab, d, seed);
    this.encoder = Array.from(
      { length: config.encoderLayers },
      (_, i) =>
        new TransformerBlock(this.params, `enc${i}`, {
          dModel: d,
          heads,
          ffnSize,
          seed: seed + 10 * (i + 1),
        }),
    );
    this.encLn = new LayerNorm(this.params, 'enc_ln', d, LAYER_NORM_EPSILON);
    this.decoder = Array.from(
      { length: config.decoderLayers },
      (_, i) =>
        new TransformerBlock(this.params, `dec${i}`, {
          dModel: d,
          heads,
          ffnSize,
          cross: true,
          seed: seed + 100 + 10 * (i + 1),
        }),
    );
    this.decLn = new LayerNorm(this.params, 'dec_ln', d, LAYER_NORM_EPSILON);
    // TransformerBlock's LayerNorms use their own default (1e-5), the same constant.
    this.positions = tf.tensor2d(sinusoidTable(config.maxPositions, d), [config.maxPositions, d]);
  }

  /** ids [B,T] → scaled embeddings plus positions [B,T,d]. */
  private embed(ids: tf.Tensor2D): tf.Tensor3D {
    const [, T] = ids.shape;
    if (T > this.config.maxPositions)
      throw new Error(`sequence of ${T} tokens exceeds maxPositions ${this.config.maxPositions}`);
    const e = tf.mul(this.embedding.apply(ids), Math.sqrt(this.config.dModel));
    return tf.add(e, tf.slice(this.positions, [0, 0], [T, -1])) as tf.Tensor3D;
  }

  /** Source ids [B,S] with lengths → encoder memory [B,S,d] and its attention bias. */
  encode(src: tf.Tensor2D, srcLengths: number[]): { memory: tf.Tensor3D; memoryBias: tf.Tensor4D } {
    const [B, S] = src.shape;
    const bias = attentionBias(B, S, S, { keyLengths: srcLengths });
    let x = this.embed(src);
    for (const blk of this.encoder) x = blk.apply(x, bias);
    return {
      memory: this.encLn.apply(x) as tf.Tensor3D,
      memoryBias: attentionBias(B, 1, S, { keyLengths: srcLengths }),
    };
  }

  /** Teacher-forced decoder logits [B,T,vocab] for decoder inputs [B,T]. */
  decode(tgtIn: tf.Tensor2D, memory: tf.Tensor3D, memoryBias: tf.Tensor4D): tf.Tensor3D {
    const [B, T] = tgtIn.shape;
    const causal = attentionBias(B, T, T, { causal: true });
    let y = this.embed(tgtIn);
    for (const blk of this.decoder) y = blk.apply(y, causal, memory, memoryBias);
    const h = this.decLn.apply(y).reshape([B * T, this.config.dModel]);
    return matMul(h, transposeLast(this.embedding.table)).reshape([B, T, this.config.vocab]) as tf.Tensor3D;
  }

  logits(samples: Seq2SeqSample[]): tf.Tensor3D {
    const pad = this.config.padId;
    const src = padIds(
      samples.map((s) => s.src),
      pad,
    );
    const tgt = padIds(
      samples.map((s) => s.tgtIn),
      pad,
    );
    const { memory, memoryBias } = this.encode(src.ids, src.lengths);
    return this.decode(tgt.ids, memory, memoryBias);
  }

  /** Label-smoothed cross-entropy, mean over real (non-padding) target tokens. */
  loss(samples: Seq2SeqSample[]): tf.Scalar {
    return tf.tidy(() => {
      const logits = this.logits(samples);
      const [B, T, V] = logits.shape;
      const out = padIds(
        samples.map((s) => s.tgtOut),
        this.config.padId,
      );
      const mask = new Float32Array(B * T);
      out.lengths.forEach((len, b) => {
        mask.fill(1, b * T, b * T + len);
      });
      const logp = tf.logSoftmax(logits.reshape([B * T, V]));
      const eps = this.config.labelSmoothing ?? 0.1;
      const nll = tf.neg(tf.sum(tf.mul(logp, tf.oneHot(out.ids.flatten(), V).toFloat()), 1));
      const smooth = tf.neg(tf.mean(logp, 1));
      const perToken = tf.add(tf.mul(nll, 1 - eps), tf.mul(smooth, eps));
      const m = tf.tensor1d(mask);
      return tf.div(
        tf.sum(tf.mul(perToken, m)),
        Math.max(
          1,
          mask.reduce((a, b) => a + b, 0),
        ),
      ) as tf.Scalar;
    });
  }
}

export function createTransformerSeq2Seq(config: Seq2SeqConfig): TransformerSeq2Seq {
  return new TransformerSeq2Seq(config);
}
