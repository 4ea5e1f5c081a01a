/**
 * The audio front-end of one session: input rate → 48 kHz → RNNoise → 16 kHz → webrtcvad →
 * endpointer (with denoise off: input rate → 16 kHz → webrtcvad → endpointer).
 * Every step is time-aligned (centred resampling filters, RNNoise's frame delay removed), so
 * sample i of the 16 kHz stream is stream time i/16 ms and event times need no correction.
 * Everything after creation is synchronous and reuses its buffers.
 */

import { StreamingResampler } from '../../audio/resample.ts';
import { PipelineError } from '../../errors.ts';
import { DenoiseStream } from './denoise-stream.ts';
import { Endpointer } from './endpointer.ts';
import { loadRnnoise, RNNOISE_SAMPLE_RATE, type RnnoiseBuild, RnnoiseState } from './rnnoise.ts';
import type { AudioFrontend, FrontendEvent, FrontendOptions } from './types.ts';
import { VAD_SAMPLE_RATE, VoiceDetector } from './vad.ts';

export type { AudioFrontend, FrontendEvent, FrontendOptions } from './types.ts';

export const MIN_INPUT_SAMPLE_RATE = 8000;
export const MAX_INPUT_SAMPLE_RATE = 48_000;
export const DEFAULT_PRE_ROLL_MS = 300;

function validate(o: FrontendOptions): void {
  const rate = o.inputSampleRate;
  if (!Number.isInteger(rate) || rate < MIN_INPUT_SAMPLE_RATE || rate > MAX_INPUT_SAMPLE_RATE) {
    throw new PipelineError('unsupported_sample_rate', 'frontend', {
      message: `Sample rate ${rate} is outside ${MIN_INPUT_SAMPLE_RATE}..${MAX_INPUT_SAMPLE_RATE} Hz`,
    });
  }
  const bad = (what: string) =>
    new PipelineError('stage_failed', 'frontend', { message: `Invalid front-end option: ${what}` });
  if (![0, 1, 2, 3].includes(o.vadAggressiveness)) throw bad('vadAggressiveness must be 0..3');
  if (![10, 20, 30].includes(o.vadFrameMs)) throw bad('vadFrameMs must be 10, 20 or 30');
  for (const key of ['speechStartMs', 'hangoverMs', 'preRollMs'] as const) {
    const v = o[key];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw bad(`${key} must be ≥ 0`);
  }
}

/**
 * NaN or ±Infinity (possible in f32le input) would poison RNNoise's recurrent state for the rest
 * of the session; they become silence. Returns the input itself when it is clean (the usual case).
 */
function finite(samples: Float32Array): Float32Array {
  let i = 0;
  while (i < samples.length && Number.isFinite(samples[i])) i++;
  if (i === samples.length) return samples;
  const clean = samples.slice();
  for (; i < clean.length; i++) if (!Number.isFinite(clean[i])) clean[i] = 0;
  return clean;
}

class Frontend implements AudioFrontend {
  private readonly options: FrontendOptions;
  private readonly to48k: StreamingResampler | null;
  private readonly rnnoise: RnnoiseState | null;
  private readonly denoiser: DenoiseStream | null;
  private readonly to16k: StreamingResampler;
  /** Denoised 48 kHz back to the client's rate (only with returnDenoised). */
  private readonly toInputRate: StreamingResampler | null;
  private readonly vad: VoiceDetector;
  private readonly endpointer: Endpointer;
  private readonly vadFrame: Float32Array;
  private vadFill = 0;
  /** VAD frames processed so far (frame j = stream time [j·vadFrameMs, (j+1)·vadFrameMs)). */
  private vadFrames = 0;
  private closed = false;
  private flushed = false;

  constructor(options: FrontendOptions, rnnoise: RnnoiseState | null) {
    this.options = options;
    const rate = options.inputSampleRate;
    this.rnnoise = rnnoise;
    this.to48k = rnnoise ? new StreamingResampler(rate, RNNOISE_SAMPLE_RATE) : null;
    this.denoiser = rnnoise ? new DenoiseStream(rnnoise) : null;
    this.to16k = new StreamingResampler(rnnoise ? RNNOISE_SAMPLE_RATE : rate, VAD_SAMPLE_RATE);
    this.toInputRate =
      rnnoise && options.returnDenoised ? new StreamingResampler(RNNOISE_SAMPLE_RATE, rate) : null;
    this.vad = new VoiceDetector(options.vadAggressiveness, options.vadFrameMs);
    this.vadFrame = new Float32Array(this.vad.frameSamples);
    this.endpointer = new Endpointer({
      sampleRate: VAD_SAMPLE_RATE,
      frameSamples: this.vad.frameSamples,
      speechStartMs: options.speechStartMs,
      hangoverMs: options.hangoverMs,
      preRollMs: options.preRollMs ?? DEFAULT_PRE_ROLL_MS,
    });
  }

  push(input: Float32Array): FrontendEvent[] {
    if (this.closed || this.flushed) return [];
    const samples = finite(input);
    const events: FrontendEvent[] = [];
    if (this.denoiser && this.to48k) {
      this.afterDenoise(this.denoiser.push(this.to48k.push(samples)), events);
    } else {
      if (this.options.returnDenoised && samples.length > 0) {
        events.push({
          type: 'denoised_audio',
          samples: samples.slice(),
          sampleRate: this.options.inputSampleRate,
        });
      }
      this.detect(this.to16k.push(samples), events);
    }
    this.endpointer.drain(events);
    return events;
  }

  flush(): FrontendEvent[] {
    if (this.closed || this.flushed) return [];
    this.flushed = true;
    const events: FrontendEvent[] = [];
    if (this.denoiser && this.to48k) {
      this.afterDenoise(this.denoiser.push(this.to48k.flush()), events);
      this.afterDenoise(this.denoiser.flush(), events);
      if (this.toInputRate) this.emitDenoised(this.toInputRate.flush(), events);
    }
    this.detect(this.to16k.flush(), events);
    this.endpointer.finish(this.vadFrame.subarray(0, this.vadFill), events);
    return events;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.rnnoise?.destroy();
  }

  private afterDenoise(denoised48k: Float32Array, events: FrontendEvent[]): void {
    if (this.toInputRate) this.emitDenoised(this.toInputRate.push(denoised48k), events);
    this.detect(this.to16k.push(denoised48k), events);
  }

  private emitDenoised(samples: Float32Array, events: FrontendEvent[]): void {
    if (samples.length === 0) return;
    events.push({
      type: 'denoised_audio',
      samples: samples.slice(),
      sampleRate: this.options.inputSampleRate,
    });
  }

  /** RNNoise's highest voice probability over the current VAD frame (its 10 ms frames). */
  private voiceProbability(): number {
    const per = this.options.vadFrameMs / 10;
    const first = this.vadFrames * per;
    const track = this.denoiser!.voice;
    const p = track.max(first, first + per);
    track.discardBefore(first);
    return p;
  }

  /** Cuts the 16 kHz stream into VAD frames and runs the endpointer on each. */
  private detect(audio16k: Float32Array, events: FrontendEvent[]): void {
    const frame = this.vadFrame;
    const size = frame.length;
    let i = 0;
    while (i < audio16k.length) {
      const take = Math.min(size - this.vadFill, audio16k.length - i);
      for (let k = 0; k < take; k++) frame[this.vadFill + k] = audio16k[i + k];
      this.vadFill += take;
      i += take;
      if (this.vadFill < size) break;
      this.vadFill = 0;
      const probability = this.denoiser ? this.voiceProbability() : 1;
      this.endpointer.frame(frame, this.vad.isVoiced(frame), probability, events);
      this.vadFrames++;
    }
  }
}

export interface FrontendDeps {
  /** Another RNNoise build (the bench compares builds); default @echogarden/rnnoise-wasm. */
  rnnoise?: RnnoiseBuild;
}

/** Creates one session's front-end. The RNNoise wasm module is loaded once per process. */
export async function createFrontend(
  options: FrontendOptions,
  deps: FrontendDeps = {},
): Promise<AudioFrontend> {
  validate(options);
  const rnnoise = options.denoise ? new RnnoiseState(deps.rnnoise ?? (await loadRnnoise())) : null;
  return new Frontend(options, rnnoise);
}
