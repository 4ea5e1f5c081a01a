/**
 * Turns per-frame voiced/unvoiced decisions on the 16 kHz stream into utterances:
 * speech_start after speechStartMs of consecutive voiced frames (time = first voiced frame),
 * speech_end after hangoverMs of consecutive unvoiced frames (time = end of the last voiced
 * frame). While in speech every frame goes out as speech_audio; the preRollMs before the onset
 * is kept in a ring so the recogniser hears the start of the first phoneme.
 */
import type { FrontendEvent } from './types.ts';

export interface EndpointerOptions {
  sampleRate: number;
  frameSamples: number;
  speechStartMs: number;
  hangoverMs: number;
  preRollMs: number;
}

export class Endpointer {
  private readonly sampleRate: number;
  private readonly frameSamples: number;
  private readonly startFrames: number;
  private readonly hangoverFrames: number;
  private readonly preRollSamples: number;
  /** Ring of the most recent audio while not in speech (absolute index i at i % ring.length). */
  private readonly ring: Float32Array;
  private inSpeech = false;
  private voicedRun = 0;
  private unvoicedRun = 0;
  /** Absolute sample index of the next frame. */
  private position = 0;
  private runStart = 0;
  private lastVoicedEnd = 0;
  /** Utterance audio gathered during one push, sent as one speech_audio event. */
  private pending: Float32Array;
  private pendingLength = 0;
  private pendingStart = 0;

  constructor(options: EndpointerOptions) {
    this.sampleRate = options.sampleRate;
    this.frameSamples = options.frameSamples;
    const frameMs = (1000 * options.frameSamples) / options.sampleRate;
    this.startFrames = Math.max(1, Math.ceil(options.speechStartMs / frameMs));
    this.hangoverFrames = Math.max(1, Math.ceil(options.hangoverMs / frameMs));
    this.preRollSamples = Math.round((options.preRollMs * options.sampleRate) / 1000);
    this.ring = new Float32Array(this.preRollSamples + (this.startFrames + 1) * this.frameSamples);
    this.pending = new Float32Array(this.ring.length + 8 * this.frameSamples);
  }

  get speaking(): boolean {
    return this.inSpeech;
  }

  /** Feeds one frame and its VAD decision; appends any events to `events`. */
  frame(samples: Float32Array, voiced: boolean, events: FrontendEvent[]): void {
    const frameStart = this.position;
    this.position += this.frameSamples;
    if (!this.inSpeech) {
      this.keep(samples, frameStart);
      if (!voiced) {
        this.voicedRun = 0;
        return;
      }
      if (this.voicedRun === 0) this.runStart = frameStart;
      this.voicedRun++;
      if (this.voicedRun < this.startFrames) return;
      this.inSpeech = true;
      this.unvoicedRun = 0;
      this.lastVoicedEnd = this.position;
      events.push({ type: 'speech_start', streamMs: this.ms(this.runStart) });
      const from = Math.max(0, this.runStart - this.preRollSamples, this.position - this.ring.length);
      for (let i = from; i < this.position; i++) this.append(this.ring[i % this.ring.length], i);
      return;
    }
    for (let i = 0; i < this.frameSamples; i++) this.append(samples[i], frameStart + i);
    if (voiced) {
      this.unvoicedRun = 0;
      this.lastVoicedEnd = this.position;
      return;
    }
    this.unvoicedRun++;
    if (this.unvoicedRun >= this.hangoverFrames) this.end(events);
  }

  /** Emits the utterance audio gathered so far (call at the end of every push). */
  drain(events: FrontendEvent[]): void {
    if (this.pendingLength === 0) return;
    events.push({
      type: 'speech_audio',
      samples: this.pending.slice(0, this.pendingLength),
      streamMs: this.ms(this.pendingStart),
    });
    this.pendingLength = 0;
  }

  /** End of stream: the trailing partial frame (if any) and speech_end for an open utterance. */
  finish(tail: Float32Array, events: FrontendEvent[]): void {
    if (this.inSpeech) {
      for (let i = 0; i < tail.length; i++) this.append(tail[i], this.position + i);
      this.end(events);
    }
    this.drain(events);
  }

  private end(events: FrontendEvent[]): void {
    this.drain(events);
    events.push({ type: 'speech_end', streamMs: this.ms(this.lastVoicedEnd) });
    this.inSpeech = false;
    this.voicedRun = 0;
    this.unvoicedRun = 0;
  }

  private keep(samples: Float32Array, start: number): void {
    const ring = this.ring;
    for (let i = 0; i < this.frameSamples; i++) ring[(start + i) % ring.length] = samples[i];
  }

  private append(sample: number, index: number): void {
    if (this.pendingLength === 0) this.pendingStart = index;
    if (this.pendingLength === this.pending.length) {
      const grown = new Float32Array(2 * this.pending.length);
      grown.set(this.pending);
      this.pending = grown;
    }
    this.pending[this.pendingLength++] = sample;
  }

  private ms(sampleIndex: number): number {
    return (1000 * sampleIndex) / this.sampleRate;
  }
}
