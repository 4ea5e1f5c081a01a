import { describe, expect, it } from 'vitest';
import { bleuFromStats, corpusBleu, tokenize13a } from '../../scripts/eval/metrics/bleu.ts';

// Expected values are sacreBLEU's own (test/test_bleu.py in mjpost/sacrebleu).
const refs = [
  ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
  ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.'],
];
const hyps = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];

describe('BLEU (sacreBLEU-compatible)', () => {
  it('matches sacreBLEU corpus BLEU on its README example (13a, two references)', () => {
    expect(corpusBleu(hyps, refs).score).toBeCloseTo(48.530827, 6);
    expect(corpusBleu(hyps, refs, { smoothing: 'none' }).score).toBeCloseTo(48.530827, 6);
    expect(corpusBleu(hyps, refs, { tokenize: 'none' }).score).toBeCloseTo(49.1919566, 6);
    expect(corpusBleu(['', '', ''], refs).score).toBe(0);
  });

  it('matches sacreBLEU compute_bleu from statistics', () => {
    const s = bleuFromStats(
      { correct: [9, 7, 5, 3], total: [10, 8, 6, 4], sysLen: 11, refLen: 11 },
      { smoothing: 'none' },
    );
    expect(s.score / 100).toBeCloseTo(0.8375922397, 9);
  });

  it('matches sacreBLEU raw_corpus_bleu cases (no tokenisation, floor smoothing, effective order)', () => {
    const raw = { tokenize: 'none', smoothing: 'floor', smoothValue: 0.01, effectiveOrder: true } as const;
    const stat = corpusBleu(['am I am a character sequence'], [['I am a symbol string sequence a a']], raw);
    expect(stat.correct).toEqual([4, 2, 1, 0]);
    expect(stat.total).toEqual([6, 5, 4, 3]);
    expect(corpusBleu(['this is a fest'], [['this is a test']], raw).score / 100).toBeCloseTo(
      0.223606797749979,
      9,
    );
    expect(corpusBleu(['test'], [['a test']], raw).score / 100).toBeCloseTo(0.3678794411714425, 9);
    expect(corpusBleu(['a little test'], [['a test']], raw).score / 100).toBeCloseTo(0.03218297948685433, 9);
    expect(
      corpusBleu(['am I am a character sequence'], [['I am a symbol string sequence a a']], {
        ...raw,
        smoothValue: undefined,
      }).score / 100,
    ).toBeCloseTo(0.1555722182, 9);
    expect(corpusBleu(['this is a test', 'another test'], [['ref1', 'ref2']], raw).score).toBe(0);
  });

  it('works out a small case by hand: brevity penalty and no smoothing', () => {
    // hyp "the cat sat on" (4 tokens) vs ref "the cat sat on the mat" (6): all n-grams match,
    // precisions 1, so BLEU = BP = exp(1 - 6/4).
    expect(
      corpusBleu(['the cat sat on'], [['the cat sat on the mat']], { smoothing: 'none' }).score,
    ).toBeCloseTo(100 * Math.exp(1 - 6 / 4), 10);
    // No 4-gram matches anywhere: 'none' gives 0, 'exp' gives 100/(2·total4) for that order.
    const hyp = ['a b c x d'];
    const ref = [['a b c y d']];
    expect(corpusBleu(hyp, ref, { smoothing: 'none' }).score).toBeCloseTo(0, 10);
    const p = [4 / 5, 2 / 4, 1 / 3, 1 / (2 * 2)];
    const expected = 100 * Math.exp(p.reduce((a, x) => a + Math.log(x), 0) / 4);
    expect(corpusBleu(hyp, ref).score).toBeCloseTo(expected, 10);
  });

  it('tokenises like mteval-v13a', () => {
    expect(tokenize13a("It wasn't surprising.")).toBe("It wasn't surprising .");
    expect(tokenize13a('It costs $5,000.00 (approx.) for 3-4 nights.')).toBe(
      'It costs $ 5,000.00 ( approx . ) for 3 - 4 nights .',
    );
    expect(tokenize13a('&quot;Hi&quot; &amp; bye')).toBe('" Hi " & bye');
  });
});
