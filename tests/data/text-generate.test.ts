import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { SIZES } from '../../scripts/data/build/sizes.ts';
import { generatePairs, type TextPair } from '../../scripts/data/text/generate-pairs.ts';
import { valueSplit } from '../../scripts/data/text/picker.ts';
import { templateSplits } from '../../scripts/data/text/templates.ts';

const hash = (rows: TextPair[]) => createHash('sha256').update(JSON.stringify(rows)).digest('hex');

describe('pair generation', () => {
  let full: ReturnType<typeof generatePairs>;
  beforeAll(() => {
    full = generatePairs(1, SIZES.full.text);
  });

  it('reaches the full size with at least 50,000 distinct pairs', () => {
    const all = [...full.train, ...full.dev, ...full.test];
    expect(all.length).toBeGreaterThanOrEqual(50_000);
    expect(new Set(all.map((p) => `${p.src}\t${p.tgt}`)).size).toBe(all.length);
    expect(full.train.length).toBe(SIZES.full.text.train);
  });

  it('is deterministic for a seed and changes with it', () => {
    const counts = { train: 1500, dev: 200, test: 200 };
    const a = generatePairs(7, counts);
    const b = generatePairs(7, counts);
    const c = generatePairs(8, counts);
    for (const s of ['train', 'dev', 'test'] as const) expect(hash(a[s])).toBe(hash(b[s]));
    expect(hash(a.train)).not.toBe(hash(c.train));
  });

  it('keeps held-out templates and slot values out of train', () => {
    const splits = templateSplits();
    expect([...splits.values()].filter((s) => s === 'test').length).toBeGreaterThanOrEqual(7);
    for (const p of full.train) {
      expect(splits.get(p.template)).toBe('train');
      expect(p.heldout_slots).toEqual([]);
    }
    // no slot value held out for dev/test is ever drawn by a train pair
    const trainSlots = new Set(full.train.flatMap((p) => p.slots));
    const heldOut = new Set([...full.dev, ...full.test].flatMap((p) => p.heldout_slots));
    expect(heldOut.size).toBeGreaterThan(20);
    expect([...heldOut].filter((s) => trainSlots.has(s))).toEqual([]);
    // and their split is the one fixed by the value hash
    for (const s of heldOut) {
      const [pool, id] = s.split(/:(.*)/s);
      expect(valueSplit(pool, id)).not.toBe('train');
    }
    // every test pair has a held-out template or a held-out value
    for (const p of full.test) {
      expect(splits.get(p.template) === 'test' || p.heldout_slots.length > 0, p.src).toBe(true);
    }
    const trainText = new Set(full.train.map((p) => p.src));
    expect(full.test.filter((p) => trainText.has(p.src))).toEqual([]);
  });

  it('emits written and spoken forms for both languages', () => {
    for (const p of [...full.train.slice(0, 500), ...full.test.slice(0, 200)]) {
      expect(p.src_spoken).toMatch(/^[a-z' ]+$/);
      expect(p.tgt_spoken).toMatch(/^[a-záéíóúüñ' ]+$/);
      expect(p.src).toMatch(/^[A-Z0-9€$]/);
      expect(p.tgt).toMatch(/[.?!]$/);
    }
    const withDigits = full.train.filter((p) => /\d/.test(p.src));
    expect(withDigits.length).toBeGreaterThan(full.train.length * 0.2);
    const domains = new Set(full.train.map((p) => p.domain));
    expect([...domains].sort()).toEqual([
      'directions',
      'emergency',
      'health',
      'hotel',
      'restaurant',
      'shopping',
      'transport',
    ]);
    const forms = new Set(full.train.map((p) => p.form));
    expect([...forms].sort()).toEqual(['negation', 'polite', 'question', 'statement']);
  });
});
