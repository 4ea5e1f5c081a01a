/**
 * Test doubles for the TTS voice path: a MelGenerator that returns the real log-mel of a
 * speech-like synthesized signal (60 ms per character, durations spread over the symbols), and a
 * vocoder wrapper that records what the synthesizer asked of it. Not a voice: test material for
 * ModelSynthesizer, load-voices and the session wiring while no trained model is around.
 */
import { logMel } from '../../../server/audio/log-mel.ts';
import type {
  MelGenerateOptions,
  MelGenerator,
  MelResult,
} from '../../../server/stages/tts/mel-generator.ts';
import type { Vocoder, VocoderStream } from '../../../server/stages/tts/vocoder.ts';
import { speechLike } from './synthetic-speech.ts';

export class SpeechLikeMelGenerator implements MelGenerator {
  readonly sampleRate = 16_000;
  readonly hopSamples = 160;
  readonly numMelBins = 80;
  readonly calls: string[] = [];
  disposed = false;

  constructor(
    readonly lang: string,
    readonly id = `tts-${lang}`,
    private readonly msPerChar = 60,
  ) {}

  async generate(words: string, opts: MelGenerateOptions = {}): Promise<MelResult> {
    this.calls.push(words);
    await new Promise((r) => setTimeout(r, 1)); // inference is async in the real runner
    if (opts.signal?.aborted) throw new Error('aborted');
    const ms = (words.length * this.msPerChar) / (opts.speed ?? 1);
    const mel = logMel(speechLike(ms, words.length % 5), { padEnd: true });
    const symbols = words.length + 1;
    const durations = Array.from(
      { length: symbols },
      (_, i) => Math.floor(((i + 1) * mel.frames) / symbols) - Math.floor((i * mel.frames) / symbols),
    );
    return { mel: mel.data, frames: mel.frames, durations };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

export interface VocoderLog {
  pushes: number;
  framesPushed: number;
  /** pushes that returned audio */
  blocks: number;
  flushes: number;
}

/** Wraps a vocoder so tests can see how far vocoding had got at any moment. */
export function recordingVocoder(inner: Vocoder): Vocoder & { log: VocoderLog } {
  const log: VocoderLog = { pushes: 0, framesPushed: 0, blocks: 0, flushes: 0 };
  return {
    name: inner.name,
    sampleRate: inner.sampleRate,
    hopSamples: inner.hopSamples,
    numMelBins: inner.numMelBins,
    pushFrames: inner.pushFrames,
    log,
    createStream(): VocoderStream {
      const s = inner.createStream();
      return {
        async push(mel, frames) {
          log.pushes++;
          log.framesPushed += frames;
          const out = await s.push(mel, frames);
          if (out.length) log.blocks++;
          return out;
        },
        flush() {
          log.flushes++;
          return s.flush();
        },
      };
    },
  };
}
