/**
 * The contract between the acoustic model (text → log-mel) and whatever vocodes it. The mel is
 * exactly server/audio/log-mel.ts's: natural log of 80-band Slaney mel power, 16 kHz, 10 ms hop
 * (frame t starts at sample t·hop), so Griffin-Lim (mel-inverse.ts) or a neural vocoder can
 * invert it directly. Implemented by `loadMelGenerator(modelDir, opts)` in server/stages/tts/acoustic/mel-generator-onnx.ts.
 */
import type { OnnxRuntimeOptions, OnnxSessionCache } from '../../../models/onnx-session.ts';

export interface MelGenerateOptions {
  /** Speaking-rate factor: 2 is twice as fast (durations are divided by it). Default 1. */
  speed?: number;
  /** Aborted before the graphs run → the call rejects with an AbortError-like PipelineError. */
  signal?: AbortSignal;
}

export interface MelResult {
  /** Row-major [frames × numMelBins] natural-log mel power. */
  mel: Float32Array;
  frames: number;
  /** Frames given to each input symbol (end-of-text included); they sum to `frames`. */
  durations: number[];
}

export interface MelGenerator {
  readonly sampleRate: number;
  readonly hopSamples: number;
  readonly numMelBins: number;
  readonly lang: string;
  /** Model id from model.json (e.g. "tts-es"). */
  readonly id: string;
  /** Words only (already through normalizeText) → log-mel frames. */
  generate(words: string, opts?: MelGenerateOptions): Promise<MelResult>;
  /** Releases the ORT sessions unless they came from a shared cache. */
  dispose(): Promise<void>;
}

export interface LoadMelGeneratorOptions {
  /** ORT providers/threads (from config: runtimeOptionsFromConfig). Ignored when `sessions` is given. */
  runtime?: OnnxRuntimeOptions;
  /** Share sessions with the rest of the server; the generator then never releases them. */
  sessions?: OnnxSessionCache;
  /** Refuse inputs that would expand past this many frames (default 3000 = 30 s). */
  maxFrames?: number;
}
