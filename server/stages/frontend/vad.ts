/**
 * webrtcvad (native) on 16 kHz float audio: converts one frame to int16 in a reused buffer
 * and asks the classifier whether it is voiced.
 */
import webrtcvadModule from 'webrtcvad';

export const VAD_SAMPLE_RATE = 16_000;

// The package is CommonJS compiled from TS: under ESM the class sits under `default`,
// under CJS-style interop it is the module itself.
type VadClass = typeof webrtcvadModule.default;
const Vad: VadClass =
  (webrtcvadModule as { default?: VadClass }).default ?? (webrtcvadModule as unknown as VadClass);

export class VoiceDetector {
  readonly frameSamples: number;
  private readonly vad: InstanceType<VadClass>;
  private readonly bytes: Buffer;
  private readonly pcm: Int16Array;

  constructor(aggressiveness: 0 | 1 | 2 | 3, frameMs: 10 | 20 | 30) {
    this.frameSamples = (VAD_SAMPLE_RATE / 1000) * frameMs;
    this.vad = new Vad(VAD_SAMPLE_RATE, aggressiveness);
    this.bytes = Buffer.alloc(2 * this.frameSamples);
    this.pcm = new Int16Array(this.bytes.buffer, this.bytes.byteOffset, this.frameSamples);
  }

  /** `frame` holds exactly frameSamples samples in [-1, 1]. */
  isVoiced(frame: Float32Array): boolean {
    const pcm = this.pcm;
    for (let i = 0; i < this.frameSamples; i++) {
      const v = Math.round(frame[i] * 32768);
      pcm[i] = Math.max(-32768, Math.min(32767, v));
    }
    return this.vad.process(this.bytes);
  }
}
