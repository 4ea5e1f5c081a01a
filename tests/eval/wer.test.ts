import { describe, expect, it } from 'vitest';
import {
  cer,
  charCounts,
  editCounts,
  scoreCorpus,
  snrBucket,
  wer,
  wordCounts,
} from '../../scripts/eval/metrics/wer.ts';

describe('WER / CER', () => {
  it('counts substitutions, deletions and insertions', () => {
    expect(wordCounts('the cat sat on the mat', 'the cat sit on mat')).toEqual({
      substitutions: 1,
      deletions: 1,
      insertions: 0,
      hits: 4,
      refLength: 6,
    });
    expect(wer('the cat sat on the mat', 'the cat sit on mat')).toBeCloseTo(2 / 6);
    expect(wordCounts('a b', 'x a b y')).toMatchObject({ insertions: 2, substitutions: 0, deletions: 0 });
    expect(wer('a b', 'x a b y')).toBe(1);
    expect(editCounts([...'kitten'], [...'sitting'])).toMatchObject({
      substitutions: 2,
      insertions: 1,
      deletions: 0,
    });
  });

  it('normalizes before scoring', () => {
    expect(wer('Hello, World!', 'hello world')).toBe(0);
    expect(wer("Don't stop.", 'dont stop')).toBe(0.5);
    expect(wer('¿Dónde está?', 'donde esta', 'es')).toBe(1);
    expect(wer('¿Dónde está?', 'donde esta', 'en')).toBe(0);
  });

  it('computes CER over normalized characters including spaces', () => {
    expect(charCounts('ab cd', 'ab cd')).toMatchObject({ hits: 5, refLength: 5 });
    expect(cer('ab cd', 'abcd')).toBeCloseTo(1 / 5);
    expect(cer('kitten', 'sitting')).toBeCloseTo(3 / 6);
  });

  it('handles empty references and hypotheses', () => {
    expect(wer('', '')).toBe(0);
    expect(wer('', 'noise')).toBe(1);
    expect(wer('two words', '')).toBe(1);
  });

  it('aggregates a corpus by totals and breaks it down by group', () => {
    const s = scoreCorpus([
      { ref: 'a b c d', hyp: 'a b c d', groups: { accent: 'us', snr: snrBucket(undefined) } },
      { ref: 'a b', hyp: 'a x', groups: { accent: 'scottish', snr: snrBucket(5) } },
      { ref: 'a b c d e f', hyp: 'a b c', groups: { accent: 'us', snr: snrBucket(15) } },
    ]);
    expect(s.utterances).toBe(3);
    expect(s.words.refLength).toBe(12);
    expect(s.wer).toBeCloseTo(4 / 12); // 1 sub + 3 del, not the mean of per-utterance rates
    expect(s.byGroup.accent.us).toMatchObject({ utterances: 2 });
    expect(s.byGroup.accent.us.wer).toBeCloseTo(3 / 10);
    expect(s.byGroup.accent.scottish.wer).toBeCloseTo(0.5);
    expect(Object.keys(s.byGroup.snr).sort()).toEqual(['clean', 'snr0-10', 'snr10-20']);
  });

  it('buckets SNR', () => {
    expect([undefined, null, 30, 20, 19.9, 10, 0, -3].map(snrBucket)).toEqual([
      'clean',
      'clean',
      'snr>=20',
      'snr>=20',
      'snr10-20',
      'snr10-20',
      'snr0-10',
      'snr<0',
    ]);
  });
});
