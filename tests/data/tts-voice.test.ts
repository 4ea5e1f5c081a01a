import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readManifest } from '../../scripts/data/lib/manifest.ts';
import { readPcm16Wav } from '../../scripts/data/lib/pcm16-wav.ts';
import { missingTools } from '../../scripts/data/lib/tools.ts';
import { generatePairs } from '../../scripts/data/text/generate-pairs.ts';
import { planTtsSplit } from '../../scripts/data/tts-voice/plan.ts';
import { defaultVoiceId, resolveVoice } from '../../scripts/data/tts-voice/voices.ts';
import { buildTtsVoice } from '../../scripts/data/tts-voice.ts';
import { normalizeText } from '../../server/stages/tts/text-normalize.ts';

const haveTools = missingTools(['espeak-ng', 'sox']).length === 0;

describe('tts-voice plan (pure)', () => {
  const pairs = generatePairs(5, { train: 60, dev: 30, test: 30 });
  const voice = resolveVoice('espeak:es', 'es');

  it('reads the normalised written sentence, the same draw for the same seed', () => {
    const a = planTtsSplit(5, 'es', 'train', 10, pairs.train, voice);
    const b = planTtsSplit(5, 'es', 'train', 10, pairs.train, voice);
    expect(a).toEqual(b);
    expect(planTtsSplit(6, 'es', 'train', 10, pairs.train, voice).map((p) => p.pairId)).not.toEqual(
      a.map((p) => p.pairId),
    );
    for (const p of a) {
      expect(p.textNormalized).toBe(normalizeText(p.text, 'es'));
      expect(p.textNormalized).not.toMatch(/\d/);
    }
    expect(new Set(a.map((p) => p.textNormalized)).size).toBe(a.length);
  });

  it('picks the default voices and refuses a voice of the wrong language', () => {
    expect(defaultVoiceId('es')).toBe('espeak:es');
    expect(defaultVoiceId('en', (t) => t === 'text2wave')).toBe('festival:cmu_us_slt_arctic_hts');
    expect(defaultVoiceId('en', () => false)).toBe('flite:slt');
    expect(() => resolveVoice('espeak:es', 'en')).toThrow(/speaks es/);
    expect(() => resolveVoice('nope', 'es')).toThrow(/unknown voice/);
  });
});

describe.skipIf(!haveTools)('tts-voice build (needs espeak-ng, sox)', () => {
  const root = mkdtempSync(join(tmpdir(), 'tolk-tts-voice-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('builds a 3-utterance single-voice set with manifests, then resumes without re-rendering', async () => {
    const opts = {
      lang: 'es' as const,
      voiceId: 'espeak:es',
      out: root,
      counts: { train: 1, dev: 1, test: 1 },
      seed: 3,
      jobs: 2,
      quiet: true,
    };
    const first = await buildTtsVoice(opts);
    expect(first.failures).toEqual([]);
    expect(first.summary.made).toBe(3);
    for (const split of ['train', 'dev', 'test'] as const) {
      const rows = readManifest(join(root, `${split}.jsonl`));
      expect(rows).toHaveLength(1);
      const row = rows[0];
      expect(row.speaker).toBe('espeak:es');
      expect(row.lang).toBe('es');
      expect(row.text_normalized).toBe(normalizeText(row.text, 'es'));
      const audio = readPcm16Wav(row.audio_filepath);
      expect(audio.sampleRate).toBe(16000);
      expect(row.duration).toBeCloseTo(audio.samples.length / 16000, 3);
      expect(row.duration).toBeGreaterThan(0.3);
      // clean speech: loud enough, never clipped
      const peak = audio.samples.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
      expect(peak).toBeGreaterThan(0.05);
      expect(peak).toBeLessThan(1);
    }
    expect(first.summary.hours.train).toBeGreaterThan(0);
    const again = await buildTtsVoice(opts);
    expect(again.summary.made).toBe(0);
    expect(again.summary.skipped).toBe(3);
  });
});
