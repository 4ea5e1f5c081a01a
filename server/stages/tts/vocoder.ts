/**
 * What turns log-mel frames into audio for a `ModelSynthesizer`: a factory of per-utterance
 * streams. The Griffin-Lim baseline is the only one today; a neural vocoder (Vocos-style) plugs
 * in behind the same shape.
 */
import { concatSamples } from '../../audio/concat.ts';
import { LOG_MEL_CONFIG, type LogMelConfig } from '../../audio/log-mel.ts';
import type { ChunkedGriffinLimOptions } from './chunked-griffin-lim.ts';
import { createGriffinLimVocoder } from './griffin-lim-vocoder.ts';

export interface VocoderStream {
  /** Adds log-mel frames (frames × numMelBins, frame-major); returns the audio that became final. */
  push(logMel: Float32Array, frames: number): Float32Array;
  /** Vocodes what is left and ends the utterance. */
  flush(): Float32Array;
}

export interface Vocoder {
  /** e.g. "griffin-lim-16" (iterations in the name, for eval/bench reports). */
  readonly name: string;
  readonly sampleRate: number;
  readonly hopSamples: number;
  readonly numMelBins: number;
  /** Frames worth pushing at a time: small enough that each block leaves as soon as it can. */
  readonly pushFrames: number;
  createStream(): VocoderStream;
}

export interface GriffinLimVocoderOptions extends ChunkedGriffinLimOptions {
  mel?: LogMelConfig;
}

export function griffinLimVocoder(opts: GriffinLimVocoderOptions = {}): Vocoder {
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
export function vocodeAll(vocoder: Vocoder, logMel: Float32Array, frames: number): Float32Array {
  const stream = vocoder.createStream();
  return concatSamples([stream.push(logMel, frames), stream.flush()]);
}
