import { describe, expect, it } from 'vitest';
import { planUtterances } from '../../scripts/data/build/plan.ts';
import { NOISES, noisesOf } from '../../scripts/data/synth/noise-bank.ts';
import { voiceCatalog } from '../../scripts/data/synth/voices.ts';
import { generatePairs } from '../../scripts/data/text/generate-pairs.ts';

const voices = voiceCatalog();
const pairs = generatePairs(3, { train: 400, dev: 100, test: 100 });

describe('voice and noise hygiene', () => {
  it('holds out whole voices and whole accents', () => {
    const ids = voices.map((v) => v.id);
    expect(new Set(ids).size).toBe(ids.length);
    const bySplit = (s: string) => new Set(voices.filter((v) => v.split === s).map((v) => v.id));
    const train = bySplit('train');
    for (const id of [...bySplit('dev'), ...bySplit('test')]) expect(train.has(id)).toBe(false);
    const trainAccents = new Set(
      voices.filter((v) => v.split === 'train' && v.lang === 'en').map((v) => v.accent),
    );
    for (const accent of ['caribbean', 'west-midlands', 'us-nyc'])
      expect(trainAccents.has(accent)).toBe(false);
    for (const lang of ['en', 'es'] as const) {
      for (const split of ['train', 'dev', 'test'] as const) {
        expect(voices.some((v) => v.lang === lang && v.split === split)).toBe(true);
      }
    }
    // generators: flite rms and festival ked are test voices
    expect(voices.find((v) => v.id === 'flite:rms')?.split).toBe('test');
    expect(voices.find((v) => v.id === 'festival:ked_diphone')?.split).toBe('test');
  });

  it('keeps test noises out of train and dev', () => {
    const testNoises = new Set(noisesOf('test').map((n) => n.id));
    expect(testNoises.size).toBeGreaterThanOrEqual(3);
    for (const n of NOISES) if (n.split !== 'test') expect(testNoises.has(n.id)).toBe(false);
  });

  it('plans each split only from its own voices, noises and sentences, deterministically', () => {
    for (const lang of ['en', 'es'] as const) {
      for (const split of ['train', 'dev', 'test'] as const) {
        const plan = planUtterances(5, lang, split, 300, pairs[split], voices);
        const noiseIds = new Set(noisesOf(split).map((n) => n.id));
        const pairIds = new Set(pairs[split].map((p) => p.id));
        for (const u of plan) {
          expect(u.voice.split).toBe(split);
          expect(u.voice.lang).toBe(lang);
          if (u.noise) expect(noiseIds.has(u.noise)).toBe(true);
          expect(pairIds.has(u.pairId)).toBe(true);
          if (u.snrDb !== null) expect(u.snrDb).toBeGreaterThanOrEqual(-5);
          if (u.snrDb !== null) expect(u.snrDb).toBeLessThanOrEqual(30);
        }
        expect(JSON.stringify(planUtterances(5, lang, split, 300, pairs[split], voices))).toBe(
          JSON.stringify(plan),
        );
      }
    }
    const train = planUtterances(5, 'en', 'train', 600, pairs.train, voices);
    const generators = new Set(train.map((u) => u.voice.generator));
    expect([...generators].sort()).toEqual(['espeak-ng', 'festival', 'flite']);
    expect(train.filter((u) => u.snrDb === null).length).toBeGreaterThan(60);
  });
});
