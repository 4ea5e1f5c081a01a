/**
 * The Vocos-style neural vocoder as served: `models/vocoder-<voice>/` (model.json +
 * vocoder.onnx, see vocoder-card.ts) run through ONNX Runtime, block by block, with the
 * streaming iSTFT of server/audio/stft.ts turning each predicted STFT frame into its hop of
 * samples.
 *
 * Streaming: a block of frames [a, b) runs the graph on [a − ctx, b + ctx) (clipped to the
 * utterance) and keeps only its own frames. With ctx = the network's receptive field (the
 * default) every kept frame sees exactly the input it would see in one whole-utterance run (the
 * convs zero-pad only at the utterance ends, which the block then also touches), so the frames
 * equal the whole-utterance frames up to float noise, and `StreamingIstft` overlap-adds them
 * exactly as `istft` would: the seams are not audible because there are none. A smaller
 * `contextFrames` trades that exactness for less recomputation.
 *
 *   frames:  … | ctx | ── block (kept) ── | ctx (look-ahead) | …
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  float32Tensor,
  loadOnnxModel,
  type OnnxModel,
  type OnnxRuntimeOptions,
  type OnnxSessionCache,
} from '../../../models/onnx-session.ts';
import { concatSamples } from '../../audio/concat.ts';
import { type StftConfig, StreamingIstft } from '../../audio/stft.ts';
import { PipelineError } from '../../errors.ts';
import type { Vocoder, VocoderStream } from './vocoder.ts';
import { VOCODER_INPUT, VOCODER_OUTPUTS, type VocoderCard, vocoderCardSchema } from './vocoder-card.ts';

export interface VocosStreamOptions {
  /** Frames of the first block (smaller: the first audio leaves sooner). Default 16. */
  firstBlockFrames?: number;
  /** Frames of every later block. Default 64. */
  blockFrames?: number;
  /** Context each side of a block; default (and maximum useful) = the receptive field. */
  contextFrames?: number;
}

export interface LoadVocosOptions extends VocosStreamOptions {
  /** ORT providers/threads; ignored when `sessions` is given. */
  runtime?: OnnxRuntimeOptions;
  /** Share the session with the rest of the server (it then outlives this vocoder). */
  sessions?: OnnxSessionCache;
}

function loadError(dir: string, detail: string, cause?: unknown): PipelineError {
  return new PipelineError('model_load_failed', 'tts', {
    message: `vocoder ${dir}: ${detail}`,
    recoverable: false,
    cause,
  });
}

export async function readVocoderCard(dir: string): Promise<VocoderCard> {
  let text: string;
  try {
    text = await readFile(join(dir, 'model.json'), 'utf8');
  } catch (err) {
    throw loadError(dir, 'model.json not readable', err);
  }
  try {
    return vocoderCardSchema.parse(JSON.parse(text));
  } catch (err) {
    const detail = err instanceof z.ZodError ? z.prettifyError(err) : (err as Error).message;
    throw loadError(dir, `invalid model.json: ${detail}`, err);
  }
}

/** Per-utterance state: mel frames not yet needed dropped as blocks leave. */
class VocosStream implements VocoderStream {
  private mel: Float32Array;
  /** Absolute index of mel[0]. */
  private base = 0;
  private total = 0;
  /** First frame not yet vocoded. */
  private next = 0;
  private readonly istft: StreamingIstft;

  constructor(
    private readonly v: VocosVocoder,
    private readonly opts: Required<VocosStreamOptions>,
  ) {
    this.mel = new Float32Array(v.numMelBins * 256);
    this.istft = new StreamingIstft(v.stft);
  }

  async push(logMel: Float32Array, frames: number): Promise<Float32Array> {
    this.append(logMel, frames);
    const out: Float32Array[] = [];
    for (;;) {
      const size = this.next === 0 ? this.opts.firstBlockFrames : this.opts.blockFrames;
      if (this.total < this.next + size + this.opts.contextFrames) break;
      out.push(await this.runBlock(this.next + size));
    }
    return out.length === 1 ? out[0] : concatSamples(out);
  }

  async flush(): Promise<Float32Array> {
    const body = this.next < this.total ? await this.runBlock(this.total) : new Float32Array(0);
    const tail = this.istft.flush();
    this.mel = new Float32Array(this.v.numMelBins * 256);
    this.base = this.total = this.next = 0;
    return concatSamples([body, tail]);
  }

  private append(logMel: Float32Array, frames: number): void {
    const bins = this.v.numMelBins;
    if (logMel.length < frames * bins) throw new RangeError(`${logMel.length} values for ${frames} frames`);
    const held = this.total - this.base;
    if ((held + frames) * bins > this.mel.length) {
      const grown = new Float32Array(Math.max((held + frames) * bins, 2 * this.mel.length));
      grown.set(this.mel.subarray(0, held * bins));
      this.mel = grown;
    }
    this.mel.set(logMel.subarray(0, frames * bins), held * bins);
    this.total += frames;
  }

  /** Vocodes frames [next, b) and returns the samples they complete. */
  private async runBlock(b: number): Promise<Float32Array> {
    const { numMelBins: nMel, bins } = this.v;
    const ctx = this.opts.contextFrames;
    const first = Math.max(this.base, this.next - ctx);
    const last = Math.min(this.total, b + ctx);
    const n = last - first;
    const input = this.mel.slice((first - this.base) * nMel, (last - this.base) * nMel);
    const { real, imag } = await this.v.run(input, n);
    const out = new Float32Array((b - this.next) * this.v.hopSamples);
    let o = 0;
    for (let t = this.next; t < b; t++) {
      const hop = this.istft.push(real, imag, (t - first) * bins);
      out.set(hop, o);
      o += hop.length;
    }
    this.next = b;
    // Frames before the next block's left context are no longer needed.
    const keepFrom = Math.max(this.base, b - ctx);
    const drop = keepFrom - this.base;
    if (drop > 0) {
      this.mel.copyWithin(0, drop * nMel, (this.total - this.base) * nMel);
      this.base = keepFrom;
    }
    return o === out.length ? out : out.subarray(0, o);
  }
}

export class VocosVocoder implements Vocoder {
  readonly name: string;
  readonly sampleRate: number;
  readonly hopSamples: number;
  readonly numMelBins: number;
  readonly pushFrames: number;
  readonly bins: number;
  readonly stft: StftConfig;
  private readonly opts: Required<VocosStreamOptions>;

  constructor(
    readonly card: VocoderCard,
    private readonly model: OnnxModel,
    opts: VocosStreamOptions = {},
    private readonly owned = false,
  ) {
    const a = card.audio;
    this.name = `vocos-${card.id}`;
    this.sampleRate = a.sampleRate;
    this.hopSamples = a.hopSamples;
    this.numMelBins = a.numMelBins;
    this.bins = a.fftSize / 2 + 1;
    this.stft = {
      sampleRate: a.sampleRate,
      fftSize: a.fftSize,
      windowSamples: a.windowSamples,
      hopSamples: a.hopSamples,
      center: false,
    };
    const receptive = card.model.receptiveFieldFrames;
    this.opts = {
      firstBlockFrames: opts.firstBlockFrames ?? 16,
      blockFrames: opts.blockFrames ?? 64,
      contextFrames: Math.min(opts.contextFrames ?? receptive, receptive),
    };
    if (this.opts.firstBlockFrames < 1 || this.opts.blockFrames < 1)
      throw new RangeError('vocoder blocks need at least one frame');
    // Half a first block per push: the first block leaves as soon as its look-ahead is in.
    this.pushFrames = Math.max(1, Math.floor(this.opts.firstBlockFrames / 2));
  }

  get contextFrames(): number {
    return this.opts.contextFrames;
  }

  createStream(): VocoderStream {
    return new VocosStream(this, this.opts);
  }

  /** One graph run, batch 1: log-mel [frames × mel] → STFT frames [frames × bins] (real, imag). */
  async run(logMel: Float32Array, frames: number): Promise<{ real: Float32Array; imag: Float32Array }> {
    const out = await this.model.run(
      { [VOCODER_INPUT]: float32Tensor(logMel, [1, frames, this.numMelBins]) },
      VOCODER_OUTPUTS,
    );
    const real = out.real.data as Float32Array;
    const imag = out.imag.data as Float32Array;
    if (real.length !== frames * this.bins || imag.length !== frames * this.bins)
      throw new PipelineError('stage_failed', 'tts', {
        message: `vocoder gave ${real.length}/${imag.length} values for ${frames} frames × ${this.bins} bins`,
      });
    return { real, imag };
  }

  async dispose(): Promise<void> {
    if (this.owned) await this.model.release();
  }
}

/** Loads `<dir>/model.json` and its graph; errors are PipelineError('model_load_failed'). */
export async function loadVocosVocoder(dir: string, opts: LoadVocosOptions = {}): Promise<VocosVocoder> {
  const card = await readVocoderCard(dir);
  const path = join(dir, card.graphs.vocoder);
  const model = opts.sessions
    ? await opts.sessions.get(path)
    : await loadOnnxModel(path, opts.runtime ?? { executionProviders: ['cpu'] });
  if (!model.inputNames.includes(VOCODER_INPUT))
    throw loadError(dir, `${path} has no input ${VOCODER_INPUT}`);
  for (const o of VOCODER_OUTPUTS)
    if (!model.outputNames.includes(o)) throw loadError(dir, `${path} has no output ${o}`);
  return new VocosVocoder(card, model, opts, !opts.sessions);
}
