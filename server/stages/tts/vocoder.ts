/**
 * What turns log-mel frames into audio for a `ModelSynthesizer`: a factory of per-utterance
 * streams. Two implement it: the Griffin-Lim baseline (below, synchronous) and the Vocos-style
 * neural vocoder (vocos-vocoder.ts, whose ONNX runs are asynchronous), so a stream may answer
 * with a promise and callers await it.
 */
import { concatSamples } from '../../audio/concat.ts';
import { LOG_MEL_CONFIG, type LogMelConfig } from '../../audio/log-mel.ts';
import type { ChunkedGriffinLimOptions } from './chunked-griffin-lim.ts';
import { createGriffinLimVocoder } from './griffin-lim-vocoder.ts';

export interface VocoderStream {
  /** Adds log-mel frames (frames × numMelBins, frame-major); returns the audio that became final. */
  push(logMel: Float32Array, frames: number): Float32Array | Promise<Float32Array>;
  /** Vocodes what is left and ends the utterance. */
  flush(): Float32Array | Promise<Float32Array>;
}

/** Griffin-Lim answers at once (benchmarks time it without awaiting). */
export interface SyncVocoderStream extends VocoderStream {
  push(logMel: Float32Array, frames: number): Float32Array;
  flush(): Float32Array;
}

export interface Vocoder<S extends VocoderStream = VocoderStream> {
  /** e.g. "griffin-lim-16" (iterations in the name, for eval/bench reports). */
  readonly name: string;
  readonly sampleRate: number;
  readonly hopSamples: number;
  readonly numMelBins: number;
  /** Frames worth pushing at a time: small enough that each block leaves as soon as it can. */
  readonly pushFrames: number;
  createStream(): S;
}

export interface GriffinLimVocoderOptions extends ChunkedGriffinLimOptions {
  mel?: LogMelConfig;
}

export function griffinLimVocoder(opts: GriffinLimVocoderOptions = {}): Vocoder<SyncVocoderStream> {
  const mel = opts.mel ?? LOG_MEL_CONFIG;
  const iterations = opts.iterations ?? 32;
  // The chunker emits a block once its look-ahead is in; pushing half a first block at a time
  // delays no block by more than that.
  const pushFrames = Math.max(1, Math.floor((opts.firstChunkFrames ?? opts.chunkFrames ?? 16) / 2));
  return {
    name: `griffin-lim-${iterations}`,
    sampleRate: mel.sampleRate,
    hopSamples: mel.hopSamples,
    numMelBins: mel.numMelBins,
    pushFrames,
    createStream: () => createGriffinLimVocoder({ ...opts, iterations, mel }),
  };
}

/** Whole-utterance vocoding through a stream (eval, tests): all frames in, one flush. */
export async function vocodeAll(
  vocoder: Vocoder,
  logMel: Float32Array,
  frames: number,
): Promise<Float32Array> {
  const stream = vocoder.createStream();
  const head = await stream.push(logMel, frames);
  return concatSamples([head, await stream.flush()]);
}
