/**
 * Plays one segment's translation to the client: the TTS driver (stages/tts/stream.ts) makes
 * paced PCM chunks at the client's rate; each goes out as a binary frame on the speech channel
 * between `audio_start` and `audio_end`. `cancel()` (barge-in, session end) stops synthesis and
 * output at once. Synthesizer compute time is measured around each step of its iterator.
 */
import { performance } from 'node:perf_hooks';
import { PipelineError } from '../errors.ts';
import { AUDIO_HEADER_BYTES } from '../protocol/audio-codec.ts';
import { AUDIO_CHANNELS, type Encoding, type ServerMessage } from '../protocol/messages.ts';
import type { PcmChunk } from '../stages/tts/stream.ts';
import { speak } from '../stages/tts/stream.ts';
import type { Synthesizer } from '../stages/tts/synthesizer.ts';
import type { Lang } from '../text/number-words.ts';

export interface SpeechOutputSink {
  send(message: ServerMessage): void;
  /** False when the frame was dropped (client reads too slowly). */
  sendBinary(frame: Uint8Array): boolean;
}

export interface SpeechOutputOptions {
  segmentId: number;
  text: string;
  lang: Lang;
  synth: Synthesizer;
  sampleRate: number;
  encoding: Encoding;
  /** Longest wait for the next chunk before the speech fails with `timeout`. */
  chunkTimeoutMs: number;
}

export class SpeechOutput {
  /** Wall time the synthesizer spent producing audio, ms. */
  computeMs = 0;
  /** performance.now() when the first binary frame went out. */
  firstAudioAt?: number;
  /** performance.now() by which the client will have played everything sent (pacing is real time). */
  playbackEndsAt = 0;
  droppedFrames = 0;
  private stream?: ReturnType<typeof speak>;
  private cancelled = false;

  constructor(
    private readonly sink: SpeechOutputSink,
    private readonly opts: SpeechOutputOptions,
  ) {}

  get segmentId(): number {
    return this.opts.segmentId;
  }

  /** Streams the speech; resolves when it has all been sent or was cancelled, rejects on failure. */
  async play(): Promise<void> {
    const { segmentId, sampleRate, encoding } = this.opts;
    const channel = AUDIO_CHANNELS.speech;
    this.stream = speak(this.opts.text, this.timed(this.opts.synth), {
      lang: this.opts.lang,
      outputSampleRate: sampleRate,
      encoding,
    });
    if (this.cancelled) this.stream.cancel();
    let started = false;
    let audioMs = 0;
    const iterator = this.stream[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await this.nextChunk(iterator);
        if (next.done || this.cancelled) break;
        const chunk = next.value;
        if (!started) {
          started = true;
          this.sink.send({ type: 'audio_start', stream: 'speech', channel, sampleRate, encoding, segmentId });
        }
        const frame = new Uint8Array(AUDIO_HEADER_BYTES + chunk.data.byteLength);
        frame[0] = channel;
        frame.set(chunk.data, AUDIO_HEADER_BYTES);
        if (!this.sink.sendBinary(frame)) this.droppedFrames++;
        const now = performance.now();
        this.firstAudioAt ??= now;
        audioMs += chunk.durationMs;
        this.playbackEndsAt = this.firstAudioAt + audioMs;
      }
    } finally {
      await iterator.return?.();
      if (started) {
        this.sink.send({
          type: 'audio_end',
          stream: 'speech',
          channel,
          segmentId,
          droppedFrames: this.droppedFrames,
        });
      }
    }
  }

  cancel(): void {
    this.cancelled = true;
    this.stream?.cancel();
  }

  private nextChunk(iterator: AsyncIterator<PcmChunk>): Promise<IteratorResult<PcmChunk>> {
    const ms = this.opts.chunkTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.stream?.cancel();
        reject(new PipelineError('timeout', 'tts', { message: `speech: no audio within ${ms} ms` }));
      }, ms);
    });
    return Promise.race([iterator.next(), expired]).finally(() => clearTimeout(timer));
  }

  /** Wraps the synthesizer so the time spent in each of its steps is added to computeMs. */
  private timed(synth: Synthesizer): Synthesizer {
    const self = this;
    return {
      sampleRate: synth.sampleRate,
      async *synthesizeChunks(text: string, signal: AbortSignal) {
        const inner = synth.synthesizeChunks(text, signal)[Symbol.asyncIterator]();
        try {
          for (;;) {
            const t0 = performance.now();
            const step = await inner.next();
            self.computeMs += performance.now() - t0;
            if (step.done) return;
            yield step.value;
          }
        } finally {
          await inner.return?.();
        }
      },
    };
  }
}
