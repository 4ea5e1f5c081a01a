import { describe, expect, it } from 'vitest';
import { concatSamples } from '../../../server/audio/concat.ts';
import { LOG_MEL_CONFIG } from '../../../server/audio/log-mel.ts';
import { istftLength, stft } from '../../../server/audio/stft.ts';
import { PipelineError } from '../../../server/errors.ts';
import { griffinLim, spectralConvergence } from '../../../server/stages/tts/griffin-lim.ts';
import { melInverterFor, stftConfigFor } from '../../../server/stages/tts/griffin-lim-vocoder.ts';
import { ModelSynthesizer } from '../../../server/stages/tts/model-synthesizer.ts';
import { speak } from '../../../server/stages/tts/stream.ts';
import { griffinLimVocoder, vocodeAll } from '../../../server/stages/tts/vocoder.ts';
import { recordingVocoder, SpeechLikeMelGenerator } from './model-synthesizer-doubles.ts';

const ITER = 8;
const TEXT = 'una habitación doble para dos noches'; // 36 chars → ~2.2 s of mel

async function collect(it: AsyncIterable<Float32Array>): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('ModelSynthesizer (MelGenerator + streaming vocoder)', () => {
  it('streams blocks whose concatenation equals whole-utterance vocoding of the same mel', async () => {
    const gen = new SpeechLikeMelGenerator('es');
    const vocoder = griffinLimVocoder({ iterations: ITER });
    const synth = new ModelSynthesizer(gen, vocoder);
    const pieces = await collect(synth.synthesizeChunks(TEXT, new AbortController().signal));
    expect(pieces.length).toBeGreaterThan(2); // a 16-frame first block, then 64-frame ones
    const chunked = concatSamples(pieces);

    const { mel, frames } = await gen.generate(TEXT);
    // Same blocks whatever the push size: identical to all frames in at once.
    const all = await vocodeAll(vocoder, mel, frames);
    expect(chunked.length).toBe(all.length);
    expect(chunked.length).toBe(istftLength(frames, stftConfigFor(LOG_MEL_CONFIG)));
    let maxDiff = 0;
    for (let i = 0; i < all.length; i++) maxDiff = Math.max(maxDiff, Math.abs(all[i] - chunked[i]));
    expect(maxDiff).toBeLessThan(1e-6);

    // Against one Griffin-Lim over the whole utterance (no blocks at all): as close to the
    // target spectrum, and no clicks at the block seams.
    const cfg = stftConfigFor(LOG_MEL_CONFIG);
    const target = melInverterFor().logMelToMagnitude(mel, frames);
    const whole = griffinLim(target, frames, { cfg, iterations: ITER }).audio;
    const scWhole = spectralConvergence(target, stft(whole, cfg));
    const scChunked = spectralConvergence(target, stft(chunked, cfg));
    expect(scChunked).toBeLessThan(scWhole * 1.25 + 0.03);
    let jumpWhole = 0;
    let jump = 0;
    for (let i = 1; i < whole.length; i++) {
      jumpWhole = Math.max(jumpWhole, Math.abs(whole[i] - whole[i - 1]));
      jump = Math.max(jump, Math.abs(chunked[i] - chunked[i - 1]));
    }
    expect(jump).toBeLessThan(2 * jumpWhole);
  });

  it('hands out the first block before the rest of the sentence is vocoded', async () => {
    const vocoder = recordingVocoder(griffinLimVocoder({ iterations: ITER }));
    const gen = new SpeechLikeMelGenerator('es');
    const synth = new ModelSynthesizer(gen, vocoder);
    const it = synth.synthesizeChunks(TEXT, new AbortController().signal)[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    expect(first.value.length).toBeGreaterThan(0);
    const { frames } = await gen.generate(TEXT);
    // Only the first block (plus its look-ahead) was vocoded when it came out.
    expect(vocoder.log.blocks).toBe(1);
    expect(vocoder.log.framesPushed).toBeLessThan(frames / 3);
    expect(vocoder.log.flushes).toBe(0);
    while (!(await it.next()).done) {}
    expect(vocoder.log.framesPushed).toBe(frames);
    expect(vocoder.log.flushes).toBe(1);
  });

  it('stops within one block when the signal aborts, and yields nothing once aborted', async () => {
    const vocoder = recordingVocoder(griffinLimVocoder({ iterations: ITER }));
    const synth = new ModelSynthesizer(new SpeechLikeMelGenerator('es'), vocoder);
    const ac = new AbortController();
    const it = synth.synthesizeChunks(TEXT, ac.signal)[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    ac.abort();
    const blocksAtAbort = vocoder.log.blocks;
    expect((await it.next()).done).toBe(true);
    expect(vocoder.log.blocks).toBe(blocksAtAbort);
    expect(vocoder.log.flushes).toBe(0);

    // Aborted while the acoustic model runs: no audio, no error.
    const ac2 = new AbortController();
    const pending = collect(synth.synthesizeChunks(TEXT, ac2.signal));
    ac2.abort();
    expect(await pending).toEqual([]);
  });

  it('refuses a vocoder whose mel framing differs from the model', () => {
    const gen = new SpeechLikeMelGenerator('es');
    const vocoder = { ...griffinLimVocoder(), numMelBins: 64 };
    expect(() => new ModelSynthesizer(gen, vocoder)).toThrow(PipelineError);
    try {
      new ModelSynthesizer(gen, vocoder);
    } catch (err) {
      expect((err as PipelineError).code).toBe('model_load_failed');
      expect((err as Error).message).toMatch(/numMelBins 80 vs 64/);
    }
  });

  it('drives the streaming TTS driver: normalised chunks in, paced PCM out, cancel stops it', async () => {
    const gen = new SpeechLikeMelGenerator('es');
    const synth = new ModelSynthesizer(gen, griffinLimVocoder({ iterations: 4 }));
    const stream = speak('Son 12,50 €, por favor. Gracias.', synth, {
      lang: 'es',
      outputSampleRate: 48_000,
      encoding: 's16le',
      leadMs: 100_000, // no pacing waits in a unit test
    });
    let bytes = 0;
    for await (const chunk of stream) bytes += chunk.data.byteLength;
    expect(gen.calls.every((w) => !/\d/.test(w))).toBe(true);
    expect(gen.calls.join(' ')).toMatch(/doce euros con cincuenta/);
    expect(stream.stats.firstChunkMs).not.toBeNull();
    expect(bytes / 2 / 48_000).toBeGreaterThan(1);

    const cancelled = speak('una frase bastante larga para cortarla a mitad de camino', synth, {
      lang: 'es',
      outputSampleRate: 16_000,
      encoding: 's16le',
      leadMs: 100_000,
    });
    let chunks = 0;
    for await (const _ of cancelled) {
      if (++chunks === 2) cancelled.cancel();
    }
    expect(chunks).toBe(2);
    expect(cancelled.stats.cancelled).toBe(true);
  });
});
