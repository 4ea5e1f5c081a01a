/**
 * Turns per-frame voiced/unvoiced decisions on the 16 kHz stream into utterances:
 * speech_start after speechStartMs of consecutive voiced frames (time = first voiced frame),
 * speech_end after hangoverMs of consecutive unvoiced frames (time = end of the last voiced
 * frame). While in speech every frame goes out as speech_audio; the preRollMs before the onset
 * is kept in a ring so the recogniser hears the start of the first phoneme.
 *
 * webrtcvad's decision is gated by frame energy, measured on the same (denoised) audio:
 * - a frame must be floorMarginDb above a running noise floor (minimum tracker) to count, so
 *   the first frames of a stream, before RNNoise has adapted to the noise, cannot open an
 *   utterance on their own;
 * - inside an utterance a frame must also be within tailRangeDb of the utterance's loudest
 *   frame: webrtcvad keeps saying "voiced" for up to ~90 ms of near silence after speech (its
 *   built-in overhang), which would make every speech_end late by that much.
 * When denoising, RNNoise's own voice probability confirms an onset: the run of voiced frames
 * that opens an utterance must contain a frame with probability ≥ confirmProbability. Residual
 * noise that webrtcvad calls voiced (RNNoise's output just after a loud utterance) has
 * probability ≈ 0, while real onsets reach ≥ 0.7 within two or three frames.
 */
import type { FrontendEvent } from './types.ts';

export interface EndpointerOptions {
  sampleRate: number;
  frameSamples: number;
  speechStartMs: number;
  hangoverMs: number;
  preRollMs: number;
  /** Energy above the running noise floor a voiced frame needs (default 6 dB). */
  floorMarginDb?: number;
  /** Inside speech, frames further than this below the utterance's peak count as silence (default 35 dB). */
  tailRangeDb?: number;
  /** How fast the noise floor may rise, in dB per second (default 3). */
  floorRiseDbPerS?: number;
  /** RNNoise voice probability one frame of an opening run needs (default 0.5). */
  confirmProbability?: number;
}

/** Frame energies are clamped here so digital silence has a finite level. */
const MIN_ENERGY_DB = -100;

export class Endpointer {
  private readonly sampleRate: number;
  private readonly frameSamples: number;
  private readonly startFrames: number;
  private readonly hangoverFrames: number;
  private readonly preRollSamples: number;
  private readonly floorMarginDb: number;
  private readonly tailRangeDb: number;
  private readonly floorRisePerFrameDb: number;
  private floorDb = Number.POSITIVE_INFINITY;
  private peakDb = MIN_ENERGY_DB;
  private readonly confirmProbability: number;
  private runConfirmed = false;
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
    this.floorMarginDb = options.floorMarginDb ?? 6;
    this.tailRangeDb = options.tailRangeDb ?? 35;
    this.floorRisePerFrameDb = ((options.floorRiseDbPerS ?? 3) * frameMs) / 1000;
    this.confirmProbability = options.confirmProbability ?? 0.5;
    this.ring = new Float32Array(this.preRollSamples + (this.startFrames + 1) * this.frameSamples);
    this.pending = new Float32Array(this.ring.length + 8 * this.frameSamples);
  }

  get speaking(): boolean {
    return this.inSpeech;
  }

  /**
   * Feeds one frame, webrtcvad's decision and RNNoise's voice probability for the frame
   * (1 when not denoising); appends any events to `events`.
   */
  frame(samples: Float32Array, vadVoiced: boolean, voiceProbability: number, events: FrontendEvent[]): void {
    const frameStart = this.position;
    this.position += this.frameSamples;
    const energyDb = this.energyDb(samples);
    const aboveFloor = energyDb >= this.floorDb + this.floorMarginDb;
    this.floorDb = Math.min(energyDb, this.floorDb + this.floorRisePerFrameDb);
    let voiced = vadVoiced && aboveFloor;
    if (!this.inSpeech) {
      this.keep(samples, frameStart);
      if (!voiced) {
        this.voicedRun = 0;
        return;
      }
      if (this.voicedRun === 0) {
        this.runStart = frameStart;
        this.runConfirmed = false;
      }
      this.voicedRun++;
      this.runConfirmed ||= voiceProbability >= this.confirmProbability;
      if (this.voicedRun < this.startFrames || !this.runConfirmed) return;
      this.inSpeech = true;
      this.peakDb = energyDb;
      this.unvoicedRun = 0;
      this.lastVoicedEnd = this.position;
      events.push({ type: 'speech_start', streamMs: this.ms(this.runStart) });
      const from = Math.max(0, this.runStart - this.preRollSamples, this.position - this.ring.length);
      for (let i = from; i < this.position; i++) this.append(this.ring[i % this.ring.length], i);
      return;
    }
    for (let i = 0; i < this.frameSamples; i++) this.append(samples[i], frameStart + i);
    if (voiced) this.peakDb = Math.max(this.peakDb, energyDb);
    voiced &&= energyDb >= this.peakDb - this.tailRangeDb;
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

  private energyDb(samples: Float32Array): number {
    let sum = 0;
    for (let i = 0; i < this.frameSamples; i++) sum += samples[i] * samples[i];
    const mean = sum / this.frameSamples;
    return mean > 0 ? Math.max(MIN_ENERGY_DB, 10 * Math.log10(mean)) : MIN_ENERGY_DB;
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
