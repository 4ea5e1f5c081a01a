/**
 * Translated speech playback through Web Audio. Each segment's speech arrives as its own stream
 * (`audio_start` … channel-2 frames … `audio_end`); segments are spoken one after another, so
 * chunks are scheduled back to back on one timeline, tagged with their segment. `clear` stops
 * everything queued or playing (barge-in). An AnalyserNode on the output lets the page (and the
 * browser test) see that non-silent speech reached the audio graph.
 */
import { decodePcm } from '../../server/protocol/audio-codec.ts';
import type { AudioStartMessage, Encoding } from '../../server/protocol/messages.ts';

/** Head start for the first chunk of an idle queue, s (absorbs network jitter). */
const LEAD_S = 0.08;

interface Scheduled {
  segmentId: number | undefined;
  /** The page's name for the turn this speech belongs to (own or a room peer's). */
  key?: string;
  source: AudioBufferSourceNode;
  endTime: number;
}

export interface PlaybackState {
  /** Segment now audible, if any. */
  playingSegment?: number;
  /** Key given to begin() for the stream now audible. */
  playingKey?: string;
  /** Seconds of speech queued ahead of the playhead. */
  queuedS: number;
  /** Total speech samples received, and how many were non-silent. */
  receivedSamples: number;
  loudSamples: number;
}

export class SpeechPlayer {
  private readonly output: GainNode;
  private readonly analyser: AnalyserNode;
  private stream?: { segmentId?: number; key?: string; sampleRate: number; encoding: Encoding };
  private scheduled: Scheduled[] = [];
  private queueEnd = 0;
  private receivedSamples = 0;
  private loudSamples = 0;

  constructor(
    private readonly context: AudioContext,
    private readonly onChange: (state: PlaybackState) => void = () => {},
  ) {
    this.output = context.createGain();
    this.analyser = context.createAnalyser();
    this.analyser.fftSize = 1024;
    this.output.connect(this.analyser);
    this.analyser.connect(context.destination);
  }

  /** `audio_start` for the speech stream; `key` tags it (which turn is being spoken). */
  begin(message: AudioStartMessage, key?: string): void {
    this.stream = {
      segmentId: message.segmentId,
      key,
      sampleRate: message.sampleRate,
      encoding: message.encoding,
    };
  }

  /** PCM of a channel-2 frame (header already removed). Ignored outside audio_start/audio_end. */
  push(pcm: Uint8Array): void {
    if (!this.stream) return;
    let samples: Float32Array;
    try {
      samples = decodePcm(pcm, this.stream.encoding);
    } catch {
      return; // not a whole number of samples: a broken frame, nothing to play
    }
    if (samples.length === 0) return;
    this.receivedSamples += samples.length;
    for (const v of samples) if (Math.abs(v) > 1e-3) this.loudSamples++;
    const buffer = this.context.createBuffer(1, samples.length, this.stream.sampleRate);
    buffer.getChannelData(0).set(samples);
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.output);
    const startAt = Math.max(this.context.currentTime + (this.scheduled.length ? 0 : LEAD_S), this.queueEnd);
    source.start(startAt);
    const item: Scheduled = {
      segmentId: this.stream.segmentId,
      key: this.stream.key,
      source,
      endTime: startAt + buffer.duration,
    };
    this.queueEnd = item.endTime;
    this.scheduled.push(item);
    source.onended = () => {
      this.scheduled = this.scheduled.filter((s) => s !== item);
      this.report();
    };
    this.report();
  }

  /** `audio_end` of the speech stream: what was queued keeps playing. */
  end(): void {
    this.stream = undefined;
  }

  /** `clear`: drop every chunk queued or playing now. */
  clear(): void {
    for (const item of this.scheduled) {
      item.source.onended = null;
      try {
        item.source.stop();
      } catch {
        // already stopped
      }
      item.source.disconnect();
    }
    this.scheduled = [];
    this.queueEnd = 0;
    this.report();
  }

  /** Output level now, dBFS (−100 when silent). */
  levelDb(): number {
    const data = new Float32Array(this.analyser.fftSize);
    this.analyser.getFloatTimeDomainData(data);
    let peak = 0;
    for (const v of data) peak = Math.max(peak, Math.abs(v));
    return peak > 1e-5 ? 20 * Math.log10(peak) : -100;
  }

  state(): PlaybackState {
    const now = this.context.currentTime;
    const playing = this.scheduled.find((s) => s.endTime > now);
    return {
      playingSegment: playing?.segmentId,
      playingKey: playing?.key,
      queuedS: Math.max(0, this.queueEnd - now),
      receivedSamples: this.receivedSamples,
      loudSamples: this.loudSamples,
    };
  }

  private report(): void {
    this.onChange(this.state());
  }
}
