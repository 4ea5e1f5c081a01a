/**
 * Streaming RNNoise at 48 kHz: frames arbitrary pushes into 480-sample frames and removes
 * the build's frame delay, so output sample i is the denoised input sample i (times stay exact).
 */
import { RNNOISE_FRAME_SAMPLES, type RnnoiseState } from './rnnoise.ts';
import { VoiceTrack } from './voice-track.ts';

export class DenoiseStream {
  private readonly rnnoise: RnnoiseState;
  private frameFill = 0;
  /** Output samples still to drop to cancel the delay. */
  private toSkip: number;
  private inCount = 0;
  private outCount = 0;
  private out = new Float32Array(4 * RNNOISE_FRAME_SAMPLES);
  /** RNNoise's voice probability per input frame (frame k = stream time [10k, 10k + 10) ms). */
  readonly voice = new VoiceTrack();

  constructor(rnnoise: RnnoiseState) {
    this.rnnoise = rnnoise;
    this.toSkip = rnnoise.delaySamples;
  }

  /** Returns the denoised samples now available (a view valid until the next call). */
  push(input: Float32Array): Float32Array {
    this.inCount += input.length;
    return this.run(input, input.length);
  }

  /** Pads with silence until every input sample has come out; returns the rest. */
  flush(): Float32Array {
    const missing = this.inCount - this.outCount;
    if (missing <= 0) return this.out.subarray(0, 0);
    // Enough zeros to complete the open frame and push the delayed frame out.
    const pad = RNNOISE_FRAME_SAMPLES - this.frameFill + this.rnnoise.delaySamples;
    const result = this.run(null, pad);
    return result.subarray(0, Math.min(result.length, missing));
  }

  /**
   * Scales input straight into RNNoise's heap frame and the denoised frame straight into the
   * output (no staging frame, no extra copies).
   */
  private run(input: Float32Array | null, n: number): Float32Array {
    const maxOut = n + this.frameFill + RNNOISE_FRAME_SAMPLES;
    if (this.out.length < maxOut) this.out = new Float32Array(2 * maxOut);
    const rnnoise = this.rnnoise;
    const out = this.out;
    let frame = rnnoise.heapFrame();
    let produced = 0;
    let i = 0;
    while (i < n) {
      const take = Math.min(n - i, RNNOISE_FRAME_SAMPLES - this.frameFill);
      const fill = this.frameFill;
      if (input) for (let k = 0; k < take; k++) frame[fill + k] = input[i + k] * 32768;
      else frame.fill(0, fill, fill + take);
      this.frameFill += take;
      i += take;
      if (this.frameFill < RNNOISE_FRAME_SAMPLES) break;
      this.frameFill = 0;
      this.voice.push(rnnoise.processInHeap());
      frame = rnnoise.heapFrame();
      const skip = Math.min(this.toSkip, RNNOISE_FRAME_SAMPLES);
      this.toSkip -= skip;
      for (let k = skip; k < RNNOISE_FRAME_SAMPLES; k++) out[produced++] = frame[k] / 32768;
    }
    this.outCount += produced;
    return out.subarray(0, produced);
  }
}
