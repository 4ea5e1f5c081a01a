/**
 * Streaming synthesis driver, independent of the model: text → sentence/clause chunks →
 * normalised words → `Synthesizer` → resampled to the client's rate → cut into fixed-size PCM
 * chunks → paced to real time (the first `leadMs` go at once so the client's jitter buffer
 * fills, then one chunk per chunk duration) → cancellable.
 *
 * Synthesis runs ahead of pacing in its own task, into a queue bounded by `maxQueuedMs`, so a
 * slow vocoder step never delays a chunk that is already made. `cancel()` (or the caller's
 * AbortSignal, e.g. a barge-in `clear`) aborts the synthesizer and drops the queue: no chunk is
 * yielded after the abort is observed, so at most the chunk already handed out plays.
 */
import { concatSamples } from '../../audio/concat.ts';
import { PipelineError, toPipelineError } from '../../errors.ts';
import type { Lang } from '../../text/number-words.ts';
import { type PacingClock, realClock } from './pacing-clock.ts';
import { bytesPerSample, encodePcm, type PcmEncoding } from './pcm-encode.ts';
import { type ChunkResampler, createResampler } from './pcm-resampler.ts';
import { type ChunkOptions, chunkForSynthesis } from './sentence-splitter.ts';
import type { Synthesizer } from './synthesizer.ts';
import { normalizeText } from './text-normalize.ts';

export type { Synthesizer } from './synthesizer.ts';

export interface SpeechStreamOptions {
  lang: Lang;
  /** Client's sample rate (8000..48000). */
  outputSampleRate: number;
  encoding: PcmEncoding;
  /** Audio sent ahead of real time before pacing starts. */
  leadMs?: number;
  /** Duration of each PCM chunk sent. */
  chunkMs?: number;
  /** Synthesised-but-unsent audio above this makes synthesis wait. */
  maxQueuedMs?: number;
  signal?: AbortSignal;
  clock?: PacingClock;
  chunking?: ChunkOptions;
  /** Injected for tests; defaults to the polyphase resampler (pcm-resampler.ts). */
  createResampler?: (fromRate: number, toRate: number) => ChunkResampler | Promise<ChunkResampler>;
}

export interface PcmChunk {
  /** Encoded PCM, `encoding` little-endian, mono. */
  data: Uint8Array;
  samples: number;
  /** Position of the chunk's first sample in the utterance's audio. */
  startMs: number;
  durationMs: number;
  /** Clock time the chunk was handed out, ms after the stream started. */
  sentAtMs: number;
}

export interface SpeechStats {
  /** Ms from the stream's start to the first PCM chunk; null until then. */
  firstChunkMs: number | null;
  audioMs: number;
  chunks: number;
  /** Text chunks given to the synthesizer. */
  textChunks: number;
  cancelled: boolean;
}

interface Queued {
  samples: Float32Array;
}

export class SpeechStream implements AsyncIterable<PcmChunk> {
  readonly stats: SpeechStats = {
    firstChunkMs: null,
    audioMs: 0,
    chunks: 0,
    textChunks: 0,
    cancelled: false,
  };
  private readonly controller = new AbortController();
  private readonly clock: PacingClock;
  private readonly leadMs: number;
  private readonly chunkSamples: number;
  private readonly maxQueuedSamples: number;
  private readonly queue: Queued[] = [];
  private queuedSamples = 0;
  private producerDone = false;
  private producerError: PipelineError | null = null;
  /** Wakes the consumer (new chunk, end, abort) or the producer (space freed, abort). */
  private wakeConsumer: (() => void) | null = null;
  private wakeProducer: (() => void) | null = null;
  private started = false;
  private readonly t0: number;
  private readonly onExternalAbort = () => this.cancel();

  constructor(
    private readonly text: string,
    private readonly synth: Synthesizer,
    private readonly opts: SpeechStreamOptions,
  ) {
    this.clock = opts.clock ?? realClock;
    this.t0 = this.clock.now();
    this.leadMs = opts.leadMs ?? 200;
    const chunkMs = opts.chunkMs ?? 40;
    this.chunkSamples = Math.max(1, Math.round((opts.outputSampleRate * chunkMs) / 1000));
    this.maxQueuedSamples = Math.round((opts.outputSampleRate * (opts.maxQueuedMs ?? 5000)) / 1000);
    if (opts.signal?.aborted) this.cancel();
    else opts.signal?.addEventListener('abort', this.onExternalAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stops synthesis and output; safe to call any time, more than once. */
  cancel(): void {
    if (this.controller.signal.aborted) return;
    this.stats.cancelled = true;
    this.controller.abort();
    this.queue.length = 0;
    this.queuedSamples = 0;
    this.wake();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<PcmChunk> {
    if (this.started) throw new Error('a SpeechStream can be iterated once');
    this.started = true;
    const signal = this.controller.signal;
    const producer = this.produce();
    const rate = this.opts.outputSampleRate;
    let sentSamples = 0;
    let sendStart: number | null = null;
    try {
      for (;;) {
        while (!signal.aborted && this.queue.length === 0 && !this.producerDone) {
          await new Promise<void>((resolve) => {
            this.wakeConsumer = resolve;
          });
        }
        if (signal.aborted) return;
        const item = this.queue.shift();
        if (!item) break; // producer finished and queue drained
        this.queuedSamples -= item.samples.length;
        this.wakeProducer?.();
        const startMs = (1000 * sentSamples) / rate;
        if (sendStart !== null) {
          // Chunk i may leave once real time has reached its start minus the lead.
          const due = sendStart + startMs - this.leadMs;
          const wait = due - this.clock.now();
          if (wait > 0) await this.clock.sleep(wait, signal);
          if (signal.aborted) return;
        }
        const now = this.clock.now();
        if (sendStart === null) {
          sendStart = now;
          this.stats.firstChunkMs = now - this.t0;
        }
        const durationMs = (1000 * item.samples.length) / rate;
        sentSamples += item.samples.length;
        this.stats.chunks++;
        this.stats.audioMs = (1000 * sentSamples) / rate;
        yield {
          data: encodePcm(item.samples, this.opts.encoding),
          samples: item.samples.length,
          startMs,
          durationMs,
          sentAtMs: now - this.t0,
        };
      }
      if (this.producerError) throw this.producerError;
    } finally {
      // Leaving early (break in the consumer, abort) stops the synthesizer too.
      if (!this.producerDone) this.cancel();
      // After a cancel, return at once; the aborted producer winds down (and disposes) on its own.
      if (!this.controller.signal.aborted) await producer;
      this.opts.signal?.removeEventListener('abort', this.onExternalAbort);
    }
  }

  private wake(): void {
    this.wakeConsumer?.();
    this.wakeConsumer = null;
    this.wakeProducer?.();
    this.wakeProducer = null;
  }

  private async enqueue(samples: Float32Array): Promise<void> {
    const signal = this.controller.signal;
    while (!signal.aborted && this.queuedSamples >= this.maxQueuedSamples) {
      await new Promise<void>((resolve) => {
        this.wakeProducer = resolve;
      });
    }
    if (signal.aborted) return;
    this.queue.push({ samples });
    this.queuedSamples += samples.length;
    this.wakeConsumer?.();
    this.wakeConsumer = null;
  }

  /** Synthesis task: text chunks → audio → resampled → fixed-size chunks into the queue. */
  private async produce(): Promise<void> {
    const signal = this.controller.signal;
    const make = this.opts.createResampler ?? createResampler;
    let resampler: ChunkResampler | null = null;
    let pending = new Float32Array(0);
    const emitFull = async (samples: Float32Array, final: boolean) => {
      const all = pending.length ? concatSamples([pending, samples]) : samples;
      let o = 0;
      for (; o + this.chunkSamples <= all.length; o += this.chunkSamples) {
        await this.enqueue(all.slice(o, o + this.chunkSamples));
        if (signal.aborted) return;
      }
      pending = all.slice(o);
      if (final && pending.length) {
        await this.enqueue(pending);
        pending = new Float32Array(0);
      }
    };
    try {
      resampler = await make(this.synth.sampleRate, this.opts.outputSampleRate);
      for (const chunk of chunkForSynthesis(this.text, this.opts.lang, this.opts.chunking)) {
        if (signal.aborted) break;
        const words = normalizeText(chunk, this.opts.lang);
        if (!/[\p{L}]/u.test(words)) continue;
        this.stats.textChunks++;
        for await (const audio of this.synth.synthesizeChunks(words, signal)) {
          if (signal.aborted) break;
          await emitFull(resampler.push(audio), false);
        }
      }
      if (!signal.aborted) await emitFull(resampler.flush(), true);
    } catch (err) {
      if (!signal.aborted) this.producerError = toPipelineError(err, 'tts');
    } finally {
      resampler?.dispose();
      this.producerDone = true;
      this.wakeConsumer?.();
      this.wakeConsumer = null;
    }
  }
}

/** Convenience: a stream for `text` (iterate it for PCM chunks; `cancel()` on barge-in). */
export function speak(text: string, synth: Synthesizer, opts: SpeechStreamOptions): SpeechStream {
  if (!text.trim()) throw new PipelineError('empty_text', 'tts');
  return new SpeechStream(text, synth, opts);
}

export function pcmBytesPerChunk(
  opts: Pick<SpeechStreamOptions, 'outputSampleRate' | 'encoding' | 'chunkMs'>,
): number {
  return Math.round((opts.outputSampleRate * (opts.chunkMs ?? 40)) / 1000) * bytesPerSample(opts.encoding);
}
