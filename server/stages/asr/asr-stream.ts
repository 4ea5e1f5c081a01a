/**
 * One session's recognizer: 16 kHz audio in, partial and final transcripts out.
 *
 * audio → AsrFeatureStream (stacked log-mel, 40 ms frames) → whole chunks of `chunkFrames`
 * frames → acoustic model (through the engine's batcher, state carried per stream) →
 * UtteranceDecoder (greedy partials per chunk, trailing-blank endpoint rules, beam + LM +
 * hotwords final). `endUtterance` (the VAD's speech_end) flushes the features, decodes the
 * short last chunk and returns the final; the next utterance starts from zero state and fresh
 * normalization, as in training.
 *
 * Calls are serialized per stream (state depends on the previous chunk), so a caller may fire
 * `pushAudio` without awaiting. Times are stream time: ms of audio since the stream was
 * created or `reset`.
 */
import { PipelineError } from '../../errors.ts';
import type { AcousticChunk, AcousticState } from './acoustic-model.ts';
import type { BeamResult } from './beam-decoder.ts';
import type { LogProbMatrix, WordTiming } from './ctc-types.ts';
import type { EndpointReason } from './endpointer.ts';
import { type AsrFeatureConfig, AsrFeatureStream, acousticFrameMs, stackedDim } from './features.ts';
import type { HotwordSpec } from './hotwords.ts';
import { UtteranceDecoder, type UtteranceDecoderOptions, type UtteranceEvent } from './utterance-decoder.ts';

const SAMPLES_PER_MS = 16;

export interface AsrFinal {
  text: string;
  /** Word timings in stream time, with per-word confidence. */
  words: WordTiming[];
  /** 0..1, mean word posterior within the final beam (see docs/asr-decoding.md). */
  confidence: number;
  /** Utterance span in stream time. */
  startMs: number;
  endMs: number;
  /** What ended it: the caller (`end`), a trailing-blank rule, or the VAD flag. */
  reason: EndpointReason | 'flush' | 'end';
  /** Nothing was decoded (noise): callers normally send no final for it. */
  empty: boolean;
}

export type AsrEvent =
  | { type: 'partial'; text: string; startMs: number; endMs: number }
  /** An endpoint rule (trailing blanks, max length) closed the utterance inside pushAudio. */
  | ({ type: 'final' } & AsrFinal);

export interface AsrStreamOptions {
  hotwords?: readonly HotwordSpec[];
  /** Emit partial events (default true); the greedy decoder still runs for endpointing. */
  partials?: boolean;
}

/** What the engine hands each stream. */
export interface AsrStreamContext {
  features: AsrFeatureConfig;
  chunkFrames: number;
  initialState: () => AcousticState;
  runChunk: (
    chunk: AcousticChunk,
    state: AcousticState,
  ) => Promise<{ logProbs: LogProbMatrix; state: AcousticState }>;
  decoderOptions: (hotwords: readonly HotwordSpec[]) => UtteranceDecoderOptions;
  onClose: () => void;
}

function closedError(): PipelineError {
  return new PipelineError('stage_failed', 'asr', { message: 'ASR stream is closed', recoverable: false });
}

export class AsrStream {
  private readonly frameMs: number;
  private readonly dim: number;
  private featureStream: AsrFeatureStream;
  private decoder: UtteranceDecoder;
  private state: AcousticState;
  /** Stacked feature frames not yet run (fewer than a chunk between calls). */
  private pending = new Float32Array(0);
  private pendingFrames = 0;
  private streamSamples = 0;
  /** Stream time where the feature stream (and LSTM state) last started from zero. */
  private originMs = 0;
  private framesSinceOrigin = 0;
  private utteranceFirstFrame = 0;
  private generation = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly ctx: AsrStreamContext,
    private readonly options: AsrStreamOptions = {},
  ) {
    this.frameMs = acousticFrameMs(ctx.features);
    this.dim = stackedDim(ctx.features);
    this.featureStream = new AsrFeatureStream(ctx.features);
    this.decoder = new UtteranceDecoder(ctx.decoderOptions(options.hotwords ?? []));
    this.state = ctx.initialState();
  }

  /** Feeds 16 kHz mono audio; returns partials (and a final if an endpoint rule fired). */
  pushAudio(samples16k: Float32Array): Promise<AsrEvent[]> {
    if (this.closed) return Promise.reject(closedError());
    return this.enqueue(async (gen) => {
      // Queued before a reset: this audio belongs to the dropped past.
      if (gen !== this.generation) return [];
      this.streamSamples += samples16k.length;
      this.append(this.featureStream.push(samples16k));
      const whole = Math.floor(this.pendingFrames / this.ctx.chunkFrames) * this.ctx.chunkFrames;
      return this.decode(whole, gen);
    });
  }

  /** Ends the utterance (VAD speech_end or stop): decodes what is buffered and returns the final. */
  endUtterance(): Promise<AsrFinal> {
    if (this.closed) return Promise.reject(closedError());
    return this.enqueue(async (gen) => {
      if (gen !== this.generation) return this.emptyFinal('end');
      this.append(this.featureStream.flush());
      const events = await this.decode(this.pendingFrames, gen);
      if (gen !== this.generation) return this.emptyFinal('end');
      const flushed = this.decoder.flush();
      // A rule may have closed the utterance on the last chunk; then the decoder holds at most
      // a few trailing frames, and the rule's final is the one to return.
      const ruled = events.find((e) => e.type === 'final');
      let final: AsrFinal;
      if (flushed?.type === 'final') final = this.toFinal(flushed.result, 'end', flushed.utteranceMs);
      else if (ruled) {
        const { type: _type, ...rest } = ruled;
        final = rest;
      } else final = this.emptyFinal('end');
      this.restartUtterance();
      return final;
    });
  }

  /** New hotwords apply from the next utterance. */
  setHotwords(hotwords: readonly HotwordSpec[]): void {
    this.decoder.setHotwords(hotwords);
  }

  /** Drops everything (audio, state, partial utterance); stream time starts again at 0. */
  reset(): void {
    this.generation++;
    this.featureStream = new AsrFeatureStream(this.ctx.features);
    this.decoder = new UtteranceDecoder(this.ctx.decoderOptions(this.options.hotwords ?? []));
    this.pending = new Float32Array(0);
    this.pendingFrames = 0;
    this.streamSamples = 0;
    this.originMs = 0;
    this.framesSinceOrigin = 0;
    this.utteranceFirstFrame = 0;
    this.state = this.ctx.initialState();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.generation++;
    this.ctx.onClose();
  }

  /** Stream time of the audio pushed so far. */
  get streamMs(): number {
    return this.streamSamples / SAMPLES_PER_MS;
  }

  private enqueue<T>(work: (gen: number) => Promise<T>): Promise<T> {
    const gen = this.generation;
    const run = this.tail.then(() => work(gen));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private append(f: { data: Float32Array; frames: number }): void {
    if (f.frames === 0) return;
    const merged = new Float32Array((this.pendingFrames + f.frames) * this.dim);
    merged.set(this.pending.subarray(0, this.pendingFrames * this.dim), 0);
    merged.set(f.data, this.pendingFrames * this.dim);
    this.pending = merged;
    this.pendingFrames += f.frames;
  }

  /** Runs the first `frames` pending frames and decodes them chunk by chunk. */
  private async decode(frames: number, gen: number): Promise<AsrEvent[]> {
    if (frames === 0) return [];
    const features = this.pending.slice(0, frames * this.dim);
    this.pending = this.pending.slice(frames * this.dim);
    this.pendingFrames -= frames;
    const out = await this.ctx.runChunk({ features, frames }, this.state);
    // A reset or close while the model ran: this audio belongs to a discarded past.
    if (gen !== this.generation) return [];
    this.state = out.state;
    const { data, vocabSize } = out.logProbs;
    const events: AsrEvent[] = [];
    // Feed the decoder in chunk-sized slices so endpoint rules see the same granularity
    // whether chunks came one by one or several at once.
    for (let t = 0; t < frames; t += this.ctx.chunkFrames) {
      const n = Math.min(this.ctx.chunkFrames, frames - t);
      const slice = { data: data.subarray(t * vocabSize, (t + n) * vocabSize), frames: n, vocabSize };
      const decoded = this.decoder.push(slice);
      this.framesSinceOrigin += n;
      for (const e of decoded) {
        const event = this.toEvent(e);
        if (event) events.push(event);
        if (e.type !== 'partial') this.utteranceFirstFrame = this.framesSinceOrigin;
      }
    }
    return events;
  }

  private get utteranceStartMs(): number {
    return this.originMs + this.utteranceFirstFrame * this.frameMs;
  }

  private toEvent(e: UtteranceEvent): AsrEvent | null {
    if (e.type === 'partial') {
      if (this.options.partials === false) return null;
      const startMs = this.utteranceStartMs;
      return { type: 'partial', text: e.text, startMs, endMs: startMs + e.utteranceMs };
    }
    if (e.type === 'final') return { type: 'final', ...this.toFinal(e.result, e.reason, e.utteranceMs) };
    // Rule-ended noise: no final is due, and partials already cleared by the reset decoder.
    return null;
  }

  private toFinal(result: BeamResult, reason: AsrFinal['reason'], utteranceMs: number): AsrFinal {
    const startMs = this.utteranceStartMs;
    return {
      text: result.text,
      words: result.words.map((w) => ({ ...w, startMs: w.startMs + startMs, endMs: w.endMs + startMs })),
      confidence: Math.min(1, Math.max(0, result.confidence)),
      startMs,
      endMs: startMs + utteranceMs,
      reason,
      empty: result.text.length === 0,
    };
  }

  private emptyFinal(reason: AsrFinal['reason']): AsrFinal {
    const startMs = this.utteranceStartMs;
    return { text: '', words: [], confidence: 0, startMs, endMs: this.streamMs, reason, empty: true };
  }

  /** After endUtterance: the next utterance starts from zero state at the current stream time. */
  private restartUtterance(): void {
    this.state = this.ctx.initialState();
    this.pending = new Float32Array(0);
    this.pendingFrames = 0;
    this.originMs = this.streamMs;
    this.framesSinceOrigin = 0;
    this.utteranceFirstFrame = 0;
  }
}
