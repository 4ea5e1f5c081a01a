import { describe, expect, it } from 'vitest';
import { chrfFromStats, corpusChrf, sentenceChrf } from '../../scripts/eval/metrics/chrf.ts';

// Expected values are sacreBLEU's own: test/test_chrf.py in mjpost/sacrebleu (tolerance 1e-4
// there too) and the HuggingFace chrf metric card, which calls sacreBLEU with its defaults.
describe('chrF (sacreBLEU-compatible)', () => {
  it('matches sacreBLEU defaults (order 6, beta 2, no whitespace) on published examples', () => {
    expect(
      corpusChrf(
        ['The relationship between Obama and Netanyahu is not exactly friendly.'],
        [['The ties between Obama and Netanyahu are not particularly friendly.']],
      ),
    ).toBeCloseTo(61.576379378113785, 8);
    expect(
      corpusChrf(
        [
          'The relationship between cats and dogs is not exactly friendly.',
          'a good bookshop is just a genteel black hole that knows how to read.',
        ],
        [
          [
            'The relationship between dogs and cats is not exactly friendly.',
            'A good bookshop is just a genteel Black Hole that knows how to read.',
          ],
        ],
      ),
    ).toBeCloseTo(84.64214891738334, 8);
  });

  it('matches sacreBLEU effective-order cases (beta 3)', () => {
    const cases: [string[], string[], number][] = [
      [['a'], ['a'], 100],
      [[''], ['reference'], 0],
      [['a b c'], ['a b c'], 100],
      [['a b c'], ['abc'], 100],
      [[''], ['c'], 0],
      [['a', 'b'], ['a', 'c'], 50],
      [['aa'], ['ab'], 25],
    ];
    for (const [hyp, ref, expected] of cases)
      expect(corpusChrf(hyp, [ref], { beta: 3 })).toBeCloseTo(expected, 4);
  });

  it('matches sacreBLEU epsilon-smoothing and keep-whitespace cases', () => {
    const eps: [string[], string[], number][] = [
      [['abcdefg'], ['hijklmnop'], 0],
      [['aa'], ['ab'], 8.3333],
      [['a', 'b'], ['a', 'c'], 8.3333],
      [['a'], ['a'], 16.6667],
      [['a b c'], ['abc'], 50],
      [
        [' Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. '],
        ['Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.'],
        64.1302698,
      ],
    ];
    for (const [hyp, ref, expected] of eps) {
      expect(Math.abs(corpusChrf(hyp, [ref], { beta: 3, epsSmoothing: true }) - expected)).toBeLessThan(1e-4);
    }
    expect(
      corpusChrf(
        ['Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich.'],
        [['Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.']],
        { beta: 3, whitespace: true },
      ),
    ).toBeCloseTo(67.3481606, 4);
    expect(
      sentenceChrf(
        'Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.',
        ['Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.'],
        { epsSmoothing: true },
      ),
    ).toBeCloseTo(39.14078509, 4);
  });

  it('works out a small case by hand', () => {
    // hyp "ab" vs ref "abc": order 1: 2 hyp, 3 ref, 2 match; order 2: 1, 2, 1; orders 3+: hyp has
    // none, so they drop out. P = (1 + 1)/2 = 1, R = (2/3 + 1/2)/2 = 7/12.
    // F2 = 5·P·R / (4P + R) = (35/12) / (55/12) = 7/11.
    expect(corpusChrf(['a b'], [['abc']])).toBeCloseTo((100 * 7) / 11, 10);
    expect(chrfFromStats([2, 3, 2, 1, 2, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toBeCloseTo(
      (100 * 7) / 11,
      10,
    );
  });

  it('sums statistics over the corpus instead of averaging sentence scores', () => {
    const corpus = corpusChrf(['abc', 'x'], [['abc', 'y']]);
    const mean = (sentenceChrf('abc', ['abc']) + sentenceChrf('x', ['y'])) / 2;
    expect(corpus).not.toBeCloseTo(mean, 3);
    // Order 1: 4 hyp, 4 ref, 3 match; orders 2-3 come from "abc" alone (all match).
    const p = (3 / 4 + 1 + 1) / 3;
    expect(corpus).toBeCloseTo((100 * 5 * p * p) / (4 * p + p), 10);
  });

  it('counts code points, not UTF-16 units', () => {
    expect(corpusChrf(['😀'], [['😀']])).toBe(100);
  });
});
