/**
 * RNNoise (xiph) through an emscripten wasm build. One wasm module is loaded per process and
 * shared; each session gets its own DenoiseState (~18 KB) inside it. All calls are synchronous.
 * RNNoise works on 48 kHz, 480-sample frames with samples in int16 range.
 */
import { PipelineError } from '../../errors.ts';

export const RNNOISE_SAMPLE_RATE = 48_000;
export const RNNOISE_FRAME_SAMPLES = 480;

/** The emscripten exports every RNNoise build has. */
export interface RnnoiseWasm {
  HEAPF32: Float32Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  _rnnoise_create(model: number): number;
  _rnnoise_destroy(state: number): void;
  _rnnoise_process_frame(state: number, out: number, input: number): number;
}

/** A loaded RNNoise build and its measured input→output delay. */
export interface RnnoiseBuild {
  name: string;
  wasm: RnnoiseWasm;
  /**
   * Output frame k is built from input frame k − delay/480 (analysis/synthesis overlap-add):
   * 480 samples for @echogarden/rnnoise-wasm (RNNoise 0.2), 960 for @jitsi/rnnoise-wasm,
   * measured by cross-correlating clean speech in and out.
   */
  delaySamples: number;
}

let echogarden: Promise<RnnoiseBuild> | null = null;

/** The build the server uses (@echogarden/rnnoise-wasm; see docs/frontend.md for the comparison). */
export function loadRnnoise(): Promise<RnnoiseBuild> {
  echogarden ??= import('@echogarden/rnnoise-wasm')
    .then(async (m) => ({
      name: '@echogarden/rnnoise-wasm',
      wasm: (await m.default()) as RnnoiseWasm,
      delaySamples: RNNOISE_FRAME_SAMPLES,
    }))
    .catch((err: unknown) => {
      echogarden = null;
      throw new PipelineError('model_load_failed', 'frontend', {
        message: `RNNoise wasm failed to load: ${(err as Error).message}`,
        recoverable: false,
        cause: err,
      });
    });
  return echogarden;
}

/** One RNNoise state: denoises 480-sample frames in place of a caller-owned buffer. */
export class RnnoiseState {
  readonly delaySamples: number;
  private readonly wasm: RnnoiseWasm;
  private state: number;
  private readonly framePtr: number;

  constructor(build: RnnoiseBuild) {
    const wasm = build.wasm;
    this.wasm = wasm;
    this.delaySamples = build.delaySamples;
    this.state = wasm._rnnoise_create(0);
    this.framePtr = wasm._malloc(RNNOISE_FRAME_SAMPLES * 4);
    if (!this.state || !this.framePtr) {
      throw new PipelineError('stage_failed', 'frontend', { message: 'RNNoise state allocation failed' });
    }
  }

  /**
   * Denoises `frame` (480 samples in [-1, 1]) into `out` (may be the same array).
   * Returns RNNoise's own voice probability for the frame.
   */
  process(frame: Float32Array, out: Float32Array): number {
    // HEAPF32 is re-read each call: it is replaced when the shared wasm memory grows.
    const heap = this.wasm.HEAPF32;
    const base = this.framePtr >> 2;
    for (let i = 0; i < RNNOISE_FRAME_SAMPLES; i++) heap[base + i] = frame[i] * 32768;
    const voice = this.wasm._rnnoise_process_frame(this.state, this.framePtr, this.framePtr);
    const after = this.wasm.HEAPF32;
    for (let i = 0; i < RNNOISE_FRAME_SAMPLES; i++) out[i] = after[base + i] / 32768;
    return voice;
  }

  /**
   * The state's own 480-sample frame inside the wasm heap, in int16 scale. Write input there
   * (×32768), call `processInHeap`, read the denoised frame back from a fresh `heapFrame()`.
   * Saves the two staging copies of `process`. The view must be re-read after anything that can
   * grow the shared wasm memory (creating another state), so take it anew on every call.
   */
  heapFrame(): Float32Array {
    const base = this.framePtr >> 2;
    return this.wasm.HEAPF32.subarray(base, base + RNNOISE_FRAME_SAMPLES);
  }

  /** Denoises the heap frame in place; returns the voice probability. */
  processInHeap(): number {
    return this.wasm._rnnoise_process_frame(this.state, this.framePtr, this.framePtr);
  }

  destroy(): void {
    if (!this.state) return;
    this.wasm._rnnoise_destroy(this.state);
    this.wasm._free(this.framePtr);
    this.state = 0;
  }
}
