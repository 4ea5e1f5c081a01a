/**
 * Contract of the audio front-end (resample → RNNoise → 16 kHz → webrtcvad endpointer).
 * The session feeds decoded mono float samples at the client's rate and gets events back
 * synchronously; all times are stream times in ms from the first sample of the session.
 */
export interface FrontendOptions {
  /** Client's sample rate (8000..48000). */
  inputSampleRate: number;
  denoise: boolean;
  /** Also emit the denoised audio (at the input rate) so the client can hear the suppressor. */
  returnDenoised: boolean;
  vadAggressiveness: 0 | 1 | 2 | 3;
  vadFrameMs: 10 | 20 | 30;
  /** Voiced audio needed before speech_start fires. */
  speechStartMs: number;
  /** Unvoiced audio needed after speech before speech_end fires. */
  hangoverMs: number;
  /** Audio before the detected onset included in speech_audio (default 300 ms). */
  preRollMs?: number;
}

export type FrontendEvent =
  | { type: 'speech_start'; streamMs: number }
  | { type: 'speech_end'; streamMs: number }
  /** 16 kHz mono audio that belongs to the current utterance (includes the pre-roll before speech_start). */
  | { type: 'speech_audio'; samples: Float32Array; streamMs: number }
  /** Denoised audio at the input rate, emitted only when returnDenoised is set. */
  | { type: 'denoised_audio'; samples: Float32Array; sampleRate: number };

export interface AudioFrontend {
  /** Feed mono float samples in [-1, 1] at inputSampleRate. */
  push(samples: Float32Array): FrontendEvent[];
  /** End of stream: closes an open utterance (speech_end) and returns what was buffered. */
  flush(): FrontendEvent[];
  /** Frees wasm / native resources. Safe to call twice. */
  close(): void;
}
