/**
 * Runs the exported encoder and decoder-step graphs (scripts/train/mt/export-graphs.ts):
 * `start(sourceIds)` encodes once and returns a DecodeSession whose `step` feeds one token per
 * hypothesis row and carries each layer's self-attention keys/values from call to call, so a
 * new token costs one decoder step. Beam back-pointers reorder the cached rows. `startBatch`
 * does the same for several sources at once (one search each, see decodeTogether).
 */
import {
  float32Tensor,
  int64Tensor,
  type OnnxModel,
  type OnnxSessionCache,
  type OnnxTensor,
} from '../../../../models/onnx-session.ts';
import { PipelineError } from '../../../errors.ts';
import { type DecodeSession, logSoftmaxRows } from './search.ts';

export interface Seq2SeqShape {
  vocab: number;
  dModel: number;
  heads: number;
  decoderLayers: number;
  maxPositions: number;
}

function badModel(path: string, detail: string): PipelineError {
  return new PipelineError('model_load_failed', 'mt', {
    message: `${path} does not match model.json: ${detail}`,
    recoverable: false,
  });
}

/** Rows of a [rows, ...] float tensor picked (and repeated) by index. */
function gatherRows(data: Float32Array, rowSize: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * rowSize);
  rows.forEach((r, i) => {
    out.set(data.subarray(r * rowSize, (r + 1) * rowSize), i * rowSize);
  });
  return out;
}

export class OnnxSeq2Seq {
  private constructor(
    private readonly encoder: OnnxModel,
    private readonly decoder: OnnxModel,
    readonly shape: Seq2SeqShape,
  ) {}

  static async load(
    encoderPath: string,
    decoderPath: string,
    sessions: OnnxSessionCache,
    shape: Seq2SeqShape,
  ): Promise<OnnxSeq2Seq> {
    const [encoder, decoder] = await Promise.all([sessions.get(encoderPath), sessions.get(decoderPath)]);
    for (let l = 0; l < shape.decoderLayers; l++) {
      if (!encoder.outputNames.includes(`cross_key_${l}`))
        throw badModel(encoderPath, `no output cross_key_${l}`);
      if (!decoder.inputNames.includes(`past_key_${l}`))
        throw badModel(decoderPath, `no input past_key_${l}`);
    }
    const logits = decoder.outputs.find((o) => o.name === 'logits');
    if (!logits) throw badModel(decoderPath, 'no output "logits"');
    if (typeof logits.shape[2] === 'number' && logits.shape[2] !== shape.vocab)
      throw badModel(decoderPath, `logits have ${logits.shape[2]} columns, vocabulary has ${shape.vocab}`);
    return new OnnxSeq2Seq(encoder, decoder, shape);
  }

  /** Encodes one source (ids ending with the end mark) and opens a decoding session on it. */
  start(sourceIds: readonly number[]): Promise<DecodeSession> {
    return this.startBatch([sourceIds]);
  }

  /**
   * Encodes several sources in one call (padded, masked) and opens one decoding session on
   * all: row i of the first step continues source i, and each later row follows its parent's
   * source through `reorder`, so searches on different sources share every decoder call.
   */
  async startBatch(sources: readonly (readonly number[])[]): Promise<DecodeSession> {
    const n = sources.length;
    const S = Math.max(...sources.map((ids) => ids.length));
    if (S > this.shape.maxPositions)
      throw new PipelineError('text_too_long', 'mt', {
        message: `source has ${S} pieces; the model takes at most ${this.shape.maxPositions}`,
      });
    const ids = new Array<number>(n * S).fill(0);
    const mask = new Float32Array(n * S);
    sources.forEach((src, i) => {
      src.forEach((id, j) => {
        ids[i * S + j] = id;
      });
      // Additive mask: padding is never attended to.
      mask.fill(-1e9, i * S + src.length, (i + 1) * S);
    });
    const enc = await this.encoder.run({
      source: int64Tensor(ids, [n, S]),
      source_mask: float32Tensor(mask, [n, 1, 1, S]),
    });
    const L = this.shape.decoderLayers;
    const H = this.shape.heads;
    const dh = this.shape.dModel / H;
    const cross = Array.from({ length: L }, (_, l) => ({
      key: enc[`cross_key_${l}`].data as Float32Array,
      value: enc[`cross_value_${l}`].data as Float32Array,
    }));
    const crossRow = H * S * dh;
    // Cross K/V and mask per row, by the source each row continues (a beam has k rows of one
    // source after the first step, so the same layouts recur).
    const tiled = new Map<string, Record<string, OnnxTensor>>();
    const crossFeeds = (rowSources: readonly number[]): Record<string, OnnxTensor> => {
      const key = rowSources.join(',');
      let feeds = tiled.get(key);
      if (!feeds) {
        const rows = rowSources.length;
        feeds = { source_mask: float32Tensor(gatherRows(mask, S, rowSources), [rows, 1, 1, S]) };
        cross.forEach((c, l) => {
          feeds![`cross_key_${l}`] = float32Tensor(gatherRows(c.key, crossRow, rowSources), [rows, H, S, dh]);
          feeds![`cross_value_${l}`] = float32Tensor(gatherRows(c.value, crossRow, rowSources), [
            rows,
            H,
            S,
            dh,
          ]);
        });
        tiled.set(key, feeds);
      }
      return feeds;
    };
    let past: { key: Float32Array; value: Float32Array }[] = Array.from({ length: L }, () => ({
      key: new Float32Array(0),
      value: new Float32Array(0),
    }));
    let rowSources = sources.map((_, i) => i);
    let t = 0;
    const decoder = this.decoder;
    const maxPositions = this.shape.maxPositions;
    const V = this.shape.vocab;
    return {
      vocabSize: V,
      async step(tokens, reorder) {
        const rows = tokens.length;
        if (t >= maxPositions)
          throw new PipelineError('text_too_long', 'mt', {
            message: `output longer than ${maxPositions} pieces`,
          });
        // Without back-pointers, rows continue in place (one source: all continue row 0).
        const order = reorder ?? (rows === rowSources.length ? undefined : new Array<number>(rows).fill(0));
        const inPlace = !order || (order.length === rowSources.length && order.every((r, i) => r === i));
        if (!inPlace) rowSources = order.map((r) => rowSources[r]);
        const rowSize = H * t * dh;
        const feeds: Record<string, OnnxTensor> = {
          tokens: int64Tensor(tokens, [rows, 1]),
          position: int64Tensor(new Array<number>(rows).fill(t), [rows, 1]),
          ...crossFeeds(rowSources),
        };
        past.forEach((p, l) => {
          const key = inPlace ? p.key : gatherRows(p.key, rowSize, order);
          const value = inPlace ? p.value : gatherRows(p.value, rowSize, order);
          feeds[`past_key_${l}`] = float32Tensor(key, [rows, H, t, dh]);
          feeds[`past_value_${l}`] = float32Tensor(value, [rows, H, t, dh]);
        });
        const out = await decoder.run(feeds);
        past = past.map((_, l) => ({
          key: out[`present_key_${l}`].data as Float32Array,
          value: out[`present_value_${l}`].data as Float32Array,
        }));
        t++;
        return logSoftmaxRows(out.logits.data as Float32Array, rows, V);
      },
    };
  }
}
