/**
 * Collects the translated speech a session receives (channel-2 frames between `audio_start` and
 * `audio_end`) into one mono track at a fixed output rate, segments back to back as a listener
 * hears them, and writes it as a WAV (wavefile, through server/audio/wav-io.ts). Streams that
 * arrive at another rate (room peers may send at theirs) are resampled to the output rate.
 */
import { writeFile } from 'node:fs/promises';
import { resample } from '../../server/audio/resample.ts';
import { encodeWav } from '../../server/audio/wav-io.ts';
import type { ClientEvent } from './client.ts';

export class SpeechRecorder {
  private readonly chunks: Float32Array[] = [];
  /** Samples of the stream in progress, at its own rate (resampled at its audio_end). */
  private pending: Float32Array[] = [];
  private pendingRate = 0;
  segments = 0;

  constructor(readonly outputSampleRate: number) {}

  /** Feed every client event; only speech streams are kept. */
  push(event: ClientEvent): void {
    if (event.type === 'audio_start' && event.stream === 'speech') {
      this.finishStream();
      this.pendingRate = event.sampleRate;
      this.segments++;
    } else if (event.type === 'audio' && event.stream === 'speech') {
      this.pendingRate ||= event.sampleRate;
      this.pending.push(event.samples);
    } else if (event.type === 'audio_end' && event.stream === 'speech') {
      this.finishStream();
    }
  }

  /** Seconds of speech collected so far (at the output rate). */
  get seconds(): number {
    this.finishStream();
    return this.chunks.reduce((n, c) => n + c.length, 0) / this.outputSampleRate;
  }

  samples(): Float32Array {
    this.finishStream();
    const out = new Float32Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  async writeWav(path: string): Promise<void> {
    await writeFile(path, encodeWav(this.samples(), this.outputSampleRate));
  }

  private finishStream(): void {
    if (!this.pending.length) return;
    const total = this.pending.reduce((n, c) => n + c.length, 0);
    const joined = new Float32Array(total);
    let at = 0;
    for (const c of this.pending) {
      joined.set(c, at);
      at += c.length;
    }
    // Resampled per whole stream, so no filter edges are cut into the middle of a segment.
    this.chunks.push(resample(joined, this.pendingRate, this.outputSampleRate));
    this.pending = [];
  }
}
