import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { writePcm16WavAtomic } from '../../scripts/data/lib/pcm16-wav.ts';
import { findPocketsphinx } from '../../scripts/eval/peers/pocketsphinx.ts';
import { hasPeer } from '../../scripts/eval/peers/tts-peers.ts';
import { evaluateTts, formatTtsReport } from '../../scripts/eval/tts/evaluate.ts';
import { pocketsphinxRecognizer, type Recognizer } from '../../scripts/eval/tts/recognizers.ts';
import { peerSystem, synthesizerSystem } from '../../scripts/eval/tts/systems.ts';
import { attachReferences, main, readSentences } from '../../scripts/eval/tts.ts';
import { ModelSynthesizer } from '../../server/stages/tts/model-synthesizer.ts';
import { griffinLimVocoder } from '../../server/stages/tts/vocoder.ts';
import { SpeechLikeMelGenerator } from '../stages/tts/model-synthesizer-doubles.ts';
import { speechLike } from '../stages/tts/synthetic-speech.ts';

const root = mkdtempSync(join(tmpdir(), 'tolk-eval-tts-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ours = () =>
  synthesizerSystem(
    'tolk double',
    new ModelSynthesizer(new SpeechLikeMelGenerator('es'), griffinLimVocoder({ iterations: 4 })),
    'es',
  );

/** Hears only the first word: round-trip WER is then exactly (words − 1) / words. */
const firstWordRecognizer: Recognizer = {
  name: 'first-word',
  async recognize(items) {
    return items.map((i) => (i.path.includes('reference') ? 'x' : 'son'));
  },
};

describe('TTS evaluation', () => {
  it('reads plain text and manifests, and matches references by written or normalised text', () => {
    writeFileSync(join(root, 'plain.txt'), 'Son 12 euros.\n\nBuenos días.\n');
    expect(readSentences(join(root, 'plain.txt'))).toEqual([
      { text: 'Son 12 euros.' },
      { text: 'Buenos días.' },
    ]);
    writeFileSync(
      join(root, 'refs.jsonl'),
      `${JSON.stringify({ audio_filepath: 'wav/a.wav', duration: 1, text: 'Son doce euros.' })}\n`,
    );
    const sentences = readSentences(join(root, 'plain.txt'));
    expect(attachReferences(sentences, join(root, 'refs.jsonl'), 'es')).toBe(1);
    expect(sentences[0].refPath).toBe(join(root, 'wav/a.wav'));
    expect(sentences[1].refPath).toBeUndefined();
  });

  it('reports RTF, first-chunk latency, round-trip WER and MCD per system, with a listening page', async () => {
    const refPath = join(root, 'ref0.wav');
    writePcm16WavAtomic(refPath, speechLike(1500, 2), 16_000);
    const wavDir = join(root, 'wavs');
    const report = await evaluateTts({
      lang: 'es',
      sentences: [{ text: 'Son 12 euros <por> noche.', refPath }, { text: 'Buenos días.' }],
      systems: [ours()],
      recognizers: [firstWordRecognizer],
      wavDir,
      listeningPage: true,
    });
    expect(report.sentences).toBe(2);
    expect(report.references).toBe(1);
    const [tolk, reference] = report.systems;
    expect(tolk.utterances).toBe(2);
    expect(tolk.rtf).toBeGreaterThan(0);
    expect(tolk.first_chunk_ms!.p50).toBeGreaterThan(0);
    // "son doce euros por noche" (5 words) + "buenos días" (2): 1 + 0 hits of 7 → 6/7 errors
    expect(tolk.round_trip['first-word'].wer).toBeCloseTo(6 / 7, 4);
    expect(tolk.mcd_utterances).toBe(1);
    expect(tolk.mcd_db).toBeGreaterThan(0);
    expect(reference.name).toBe('reference');
    expect(reference.round_trip['first-word'].wer).toBe(1); // "x" for 5 words: 5 substitutions/deletions
    const page = readFileSync(join(wavDir, 'index.html'), 'utf8');
    expect(page).toContain('Son 12 euros &lt;por&gt; noche.');
    expect(page.match(/<audio /g)).toHaveLength(3); // 2 ours + 1 reference
    expect(existsSync(join(wavDir, 'tolk_double', '0001.wav'))).toBe(true);
    expect(formatTtsReport(report)).toMatch(/tolk double .* 85\.7%/);
  });

  it('the CLI says clearly when there is no model', async () => {
    writeFileSync(join(root, 'one.txt'), 'Hola.\n');
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((m) => errors.push(String(m)));
    try {
      await main(['--text', join(root, 'one.txt'), '--lang', 'es', '--model-dir', join(root, 'no-model')]);
    } finally {
      spy.mockRestore();
    }
    expect(process.exitCode).toBe(1);
    process.exitCode = 0;
    expect(errors.join('\n')).toMatch(/no usable TTS model .*no-model[\s\S]*npm run train -- tts/);
  });

  it.skipIf(!hasPeer('flite') || !findPocketsphinx())(
    'flite slt through pocketsphinx: a real round trip (needs flite, sox, pocketsphinx)',
    async () => {
      const report = await evaluateTts({
        lang: 'en',
        sentences: [{ text: 'Where is the train station?' }, { text: 'I would like a room for two nights.' }],
        systems: [peerSystem('flite', 'en')],
        recognizers: [pocketsphinxRecognizer()!],
        wavDir: join(root, 'peer'),
      });
      const flite = report.systems[0];
      expect(flite.utterances).toBe(2);
      expect(flite.rtf).toBeGreaterThan(0);
      // slt is clear enough for pocketsphinx (measured 2/12 word errors here)
      expect(flite.round_trip.pocketsphinx.wer).toBeLessThan(0.5);
    },
    60_000,
  );
});
