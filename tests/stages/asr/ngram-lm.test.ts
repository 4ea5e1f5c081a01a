import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildNgramLm,
  buildNgramLmFile,
  estimateDiscounts,
  loadNgramLm,
} from '../../../server/stages/asr/lm-builder.ts';
import { BOS, NgramLm } from '../../../server/stages/asr/ngram-lm.ts';
import { rng } from './ctc-fixtures.ts';

const DOMAIN = [
  'i would like to book a room for two nights',
  'i would like a room with a view',
  'can i book a table for two',
  'where is the train station',
  'where is the nearest pharmacy',
  'i need a taxi to the airport',
  'how much is a room for one night',
  'the train to the airport leaves at nine',
  'can i pay by card',
  'i need a doctor',
  'is breakfast included in the price',
  'where can i buy a ticket for the train',
];

function sumOverVocab(lm: NgramLm, context: string[]): number {
  let total = 0;
  for (const id of lm.predictableIds())
    total += Math.exp(
      lm.logProbIds(
        context.map((w) => lm.wordId(w)),
        id,
      ),
    );
  return total;
}

describe('n-gram LM (interpolated modified Kneser-Ney)', () => {
  const lm = buildNgramLm(DOMAIN, { order: 3 });

  it('has a proper distribution over the vocabulary for every kind of context', () => {
    for (const ctx of [
      [BOS],
      [BOS, 'i'],
      ['would', 'like'],
      ['a', 'room'],
      ['room', 'a'], // bigram context never seen as a pair
      ['zebra', 'quartz'], // unknown words
      ['the'],
      [],
    ]) {
      expect(sumOverVocab(lm, ctx)).toBeCloseTo(1, 6);
    }
  });

  it('prefers seen continuations and gives unknown words some mass', () => {
    expect(lm.logProb('like', ['i', 'would'])).toBeGreaterThan(lm.logProb('train', ['i', 'would']));
    expect(lm.logProb('room', ['book', 'a'])).toBeGreaterThan(lm.logProb('roam', ['book', 'a']));
    const unk = lm.logProb('xylophone', ['a']);
    expect(Number.isFinite(unk)).toBe(true);
    expect(unk).toBeLessThan(lm.logProb('room', ['a']));
  });

  it('gives its training text a lower perplexity than the same words shuffled', () => {
    const random = rng(3);
    const shuffled = DOMAIN.map((line) => {
      const w = line.split(' ');
      for (let i = w.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [w[i], w[j]] = [w[j], w[i]];
      }
      return w.join(' ');
    });
    const train = lm.perplexity(DOMAIN);
    const mixed = lm.perplexity(shuffled);
    expect(train).toBeLessThan(mixed);
    expect(train).toBeGreaterThan(1);
  });

  it('round-trips through compact JSON and a file', () => {
    const back = NgramLm.fromJSON(JSON.parse(JSON.stringify(lm.toJSON())));
    for (const [w, ctx] of [
      ['room', ['a']],
      ['like', ['i', 'would']],
      ['</s>', ['two', 'nights']],
      ['nope', ['the']],
    ] as const) {
      expect(back.logProb(w, [...ctx])).toBeCloseTo(lm.logProb(w, [...ctx]), 3);
    }
    const dir = mkdtempSync(join(tmpdir(), 'tolk-lm-'));
    writeFileSync(join(dir, 'text.txt'), 'Book a ROOM, please!\nA room please.\n');
    buildNgramLmFile(join(dir, 'text.txt'), join(dir, 'lm.json'), { lang: 'en', order: 2 });
    const fromFile = loadNgramLm(join(dir, 'lm.json'));
    expect(fromFile.order).toBe(2);
    expect(fromFile.hasWord('room')).toBe(true);
    expect(sumOverVocab(fromFile, ['a'])).toBeCloseTo(1, 4);
  });

  it('prunes rare n-grams and stays normalized', () => {
    const pruned = buildNgramLm(DOMAIN, { order: 3, minCounts: [1, 2, 2] });
    const size = (m: NgramLm) => m.toJSON().orders.map((o) => o.logProb.length);
    const [u, b, t] = size(pruned);
    const [u0, b0, t0] = size(lm);
    expect(u).toBe(u0);
    expect(b).toBeLessThan(b0);
    expect(t).toBeLessThan(t0);
    for (const ctx of [[BOS], [BOS, 'i'], ['would', 'like'], ['a', 'room'], ['zebra', 'the'], []]) {
      expect(sumOverVocab(pruned, ctx)).toBeCloseTo(1, 6);
    }
    // Kept n-grams still carry their context's n-gram: "i would like" was seen twice.
    expect(pruned.entry(['i', 'would', 'like'].map((w) => pruned.wordId(w)))).toBeDefined();
    expect(pruned.perplexity(DOMAIN)).toBeGreaterThan(lm.perplexity(DOMAIN));
  });

  it('estimates discounts from count-of-counts and falls back when they are sparse', () => {
    const [d1, d2, d3] = estimateDiscounts([0, 100, 40, 20, 10]);
    expect(d1).toBeGreaterThan(0);
    expect(d1).toBeLessThan(1);
    expect(d2).toBeGreaterThan(d1);
    expect(d3).toBeLessThan(3);
    expect(estimateDiscounts([0, 3, 0, 0, 0])).toEqual([0.5, 1, 1.5]);
  });

  it('rejects empty text and bad orders', () => {
    expect(() => buildNgramLm(['', '  '])).toThrow(/empty/);
    expect(() => buildNgramLm(DOMAIN, { order: 0 })).toThrow(/order/);
  });
});
