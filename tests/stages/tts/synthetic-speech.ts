/**
 * Test material: a voiced, speech-like signal (gliding f0, harmonics shaped by two moving
 * formants, syllable-rate envelope) and a `Synthesizer` test double that turns text into that
 * signal's log-mel and vocodes it with the real chunked Griffin-Lim. Not silence, not a model.
 */
import { LOG_MEL_CONFIG, logMel } from '../../../server/audio/log-mel.ts';
import { createGriffinLimVocoder } from '../../../server/stages/tts/griffin-lim-vocoder.ts';
import type { Synthesizer } from '../../../server/stages/tts/synthesizer.ts';

export function speechLike(durationMs: number, seed = 0, sampleRate = 16000): Float32Array {
  const n = Math.round((durationMs * sampleRate) / 1000);
  const x = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    const f0 = 110 + 30 * Math.sin(2 * Math.PI * (0.7 + 0.1 * seed) * t) + 20 * t;
    phase += (2 * Math.PI * f0) / sampleRate;
    const f1 = 500 + 250 * Math.sin(2 * Math.PI * 3 * t + seed);
    const f2 = 1500 + 600 * Math.sin(2 * Math.PI * 2.1 * t + 2 * seed);
    let v = 0;
    for (let h = 1; h * f0 < 3800; h++) {
      const f = h * f0;
      const g = Math.exp(-(((f - f1) / 150) ** 2)) + 0.6 * Math.exp(-(((f - f2) / 250) ** 2)) + 0.02;
      v += g * Math.sin(h * phase);
    }
    const envelope = 0.55 + 0.45 * Math.sin(2 * Math.PI * 4 * t - Math.PI / 2);
    x[i] = 0.15 * v * envelope;
  }
  return x;
}

export interface SynthEvent {
  kind: 'start' | 'piece' | 'done' | 'aborted';
  text: string;
  samples?: number;
}

/**
 * Text → 60 ms of speech-like audio per character → log-mel → chunked Griffin-Lim, yielding each
 * vocoded piece (with a macrotask yield between pieces, as real inference would give).
 */
export class GriffinLimTestSynthesizer implements Synthesizer {
  readonly sampleRate = LOG_MEL_CONFIG.sampleRate;
  readonly events: SynthEvent[] = [];

  constructor(
    private readonly opts: { msPerChar?: number; iterations?: number; framesPerPush?: number } = {},
  ) {}

  async *synthesizeChunks(text: string, signal: AbortSignal): AsyncIterable<Float32Array> {
    this.events.push({ kind: 'start', text });
    const audio = speechLike(text.length * (this.opts.msPerChar ?? 60), text.length % 5);
    const mel = logMel(audio, { padEnd: true });
    const vocoder = createGriffinLimVocoder({ iterations: this.opts.iterations ?? 8 });
    const step = this.opts.framesPerPush ?? 16;
    for (let f = 0; f < mel.frames; f += step) {
      if (signal.aborted) {
        this.events.push({ kind: 'aborted', text });
        return;
      }
      const n = Math.min(step, mel.frames - f);
      const piece = vocoder.push(mel.data.subarray(f * mel.numMelBins, (f + n) * mel.numMelBins), n);
      await new Promise((resolve) => setImmediate(resolve));
      if (piece.length) {
        this.events.push({ kind: 'piece', text, samples: piece.length });
        yield piece;
      }
    }
    const tail = vocoder.flush();
    this.events.push({ kind: 'piece', text, samples: tail.length });
    yield tail;
    this.events.push({ kind: 'done', text });
  }
}
