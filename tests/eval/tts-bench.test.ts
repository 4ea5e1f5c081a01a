import { describe, expect, it } from 'vitest';
import { BENCH_SENTENCES, benchVoice, glSweep } from '../../scripts/bench/tts.ts';
import { normalizeText } from '../../server/stages/tts/text-normalize.ts';
import { griffinLimVocoder } from '../../server/stages/tts/vocoder.ts';
import { SpeechLikeMelGenerator } from '../stages/tts/model-synthesizer-doubles.ts';

describe('bench tts', () => {
  it('measures model, vocoder and driver cost per stream and first-chunk latency', async () => {
    const gen = new SpeechLikeMelGenerator('es', 'tts-es', 30);
    const sentences = BENCH_SENTENCES.es.slice(0, 2);
    const { figures, mels } = await benchVoice(gen, griffinLimVocoder({ iterations: 2 }), sentences, 'es');
    expect(figures.sentences).toBe(2);
    expect(mels).toHaveLength(2);
    // The double makes 30 ms per character of the normalised text (whole chunks in the driver).
    const chars = sentences.reduce((n, s) => n + normalizeText(s, 'es').length, 0);
    expect(figures.audioSec).toBeGreaterThan(chars * 0.03 * 0.8);
    for (const v of [figures.rtfAcoustic, figures.rtfVocoder, figures.rtfDriverWall, figures.rtfDriverCpu]) {
      expect(v).toBeGreaterThan(0);
      expect(Number.isFinite(v)).toBe(true);
    }
    expect(figures.rtfModelPlusVocoder).toBeCloseTo(figures.rtfAcoustic + figures.rtfVocoder, 3);
    expect(figures.firstChunkMs.p50).toBeGreaterThan(0);
    expect(figures.firstChunkMs.max).toBeGreaterThanOrEqual(figures.firstChunkMs.p90);
    // The driver hands out the first chunk well before the sentence is done.
    expect(figures.firstChunkMs.p50 / 1000).toBeLessThan(figures.rtfDriverWall * figures.audioSec);

    const rows = glSweep(mels, [2, 16]);
    expect(rows.map((r) => r.iterations)).toEqual([2, 16]);
    // More iterations cost more CPU per second of audio.
    expect(rows[1].rtfCpu).toBeGreaterThan(rows[0].rtfCpu);
    expect(rows.every((r) => r.firstBlockMs > 0)).toBe(true);
  });
});
