/**
 * The TTS systems an evaluation or benchmark compares, behind one shape: text in, 16 kHz audio
 * out, with the wall time of synthesis and of the first audio. Ours runs through the serving
 * driver (stages/tts/stream.ts: chunking, normalisation, resampling; pacing off), so
 * first_chunk_ms is what a session would see after the text arrives. The peers are not
 * streaming: their first audio is their whole synthesis.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concatSamples } from '../../../server/audio/concat.ts';
import { logMel } from '../../../server/audio/log-mel.ts';
import { resample } from '../../../server/audio/resample.ts';
import { readWavSync } from '../../../server/audio/wav-io.ts';
import { speak } from '../../../server/stages/tts/stream.ts';
import type { Synthesizer } from '../../../server/stages/tts/synthesizer.ts';
import { normalizeText } from '../../../server/stages/tts/text-normalize.ts';
import { type Vocoder, vocodeAll } from '../../../server/stages/tts/vocoder.ts';
import type { Lang } from '../../../server/text/number-words.ts';
import { type PeerLang, synthesizeWithPeer, type TtsPeer } from '../peers/tts-peers.ts';

export const EVAL_SAMPLE_RATE = 16_000;

export interface SynthesisRun {
  audio: Float32Array;
  /** Wall ms from the text to the last sample. */
  synthMs: number;
  /** Wall ms from the text to the first audio chunk. */
  firstChunkMs: number;
}

export interface TtsSystem {
  name: string;
  /** True when audio comes out while the sentence is still being made. */
  streaming: boolean;
  synthesize(text: string): Promise<SynthesisRun>;
  close?(): Promise<void>;
}

/** Audio at 16 kHz mono from any WAV (references may be recorded at other rates). */
export function readAudio16k(path: string): Float32Array {
  const wav = readWavSync(path);
  return wav.sampleRate === EVAL_SAMPLE_RATE
    ? wav.samples
    : resample(wav.samples, wav.sampleRate, EVAL_SAMPLE_RATE);
}

/** A tolk voice through the serving driver, written text in (it normalises, as in a session). */
export function synthesizerSystem(name: string, synth: Synthesizer, lang: Lang): TtsSystem {
  return {
    name,
    streaming: true,
    async synthesize(text) {
      const t0 = performance.now();
      const stream = speak(text, synth, {
        lang,
        outputSampleRate: EVAL_SAMPLE_RATE,
        encoding: 'f32le',
        leadMs: Number.MAX_SAFE_INTEGER, // no pacing: measure compute, not real time
        maxQueuedMs: 600_000,
      });
      const parts: Float32Array[] = [];
      let firstChunkMs = Number.NaN;
      for await (const chunk of stream) {
        if (Number.isNaN(firstChunkMs)) firstChunkMs = performance.now() - t0;
        const d = chunk.data;
        parts.push(new Float32Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength)));
      }
      return { audio: concatSamples(parts), synthMs: performance.now() - t0, firstChunkMs };
    },
  };
}

/** espeak-ng / flite, reading the same normalised words our model is given. */
export function peerSystem(peer: TtsPeer, lang: PeerLang): TtsSystem {
  const dir = mkdtempSync(join(tmpdir(), `tolk-eval-${peer}-`));
  let n = 0;
  return {
    name: peer,
    streaming: false,
    async synthesize(text) {
      const path = join(dir, `${n++}.wav`);
      // The engine's own time (the sox conversion to 16 kHz is not part of it).
      const { synthMs } = await synthesizeWithPeer(peer, normalizeText(text, lang), lang, path);
      return { audio: readAudio16k(path), synthMs, firstChunkMs: synthMs };
    },
    async close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Copy synthesis: the voice's own recording of the sentence → log-mel → the vocoder. What it
 * loses is the vocoder's share of the gap to the recordings; the rest of ours is the acoustic
 * model's. Sentences without a recording fail (and are reported as failures).
 */
export function copySynthesisSystem(
  vocoder: Vocoder,
  recordingOf: (text: string) => string | undefined,
): TtsSystem {
  return {
    name: `reference→${vocoder.name}`,
    streaming: false,
    async synthesize(text) {
      const path = recordingOf(text);
      if (!path) throw new Error(`no reference recording for "${text}"`);
      const t0 = performance.now();
      const mel = logMel(readAudio16k(path));
      const audio = await vocodeAll(vocoder, mel.data, mel.frames);
      const synthMs = performance.now() - t0;
      return { audio, synthMs, firstChunkMs: synthMs };
    },
  };
}
