/**
 * Training pairs with placeholders: any slot value written the same way in all four texts (a
 * city, a thing, its plural) can become a placeholder on both sides; pairs without such a slot,
 * and pairs not drawn, stay as they are.
 */
import { describe, expect, it } from 'vitest';
import { type CorpusPair, withPlaceholders } from '../../scripts/train/mt/dataset.ts';

const pair = (over: Partial<CorpusPair>): CorpusPair => ({
  src: 'The old town is 6 blocks from here.',
  tgt: 'El casco antiguo está a 6 manzanas de aquí.',
  src_spoken: 'the old town is six blocks from here',
  tgt_spoken: 'el casco antiguo está a seis manzanas de aquí',
  slots: ['directions-place:old town'],
  ...over,
});

describe('withPlaceholders', () => {
  it('swaps a noun slot on all four sides for the same placeholder', () => {
    const [out] = withPlaceholders([pair({})], 1, 3);
    const ph = out.src_spoken.match(/ZXQ[A-Z]{2}/)?.[0];
    expect(ph).toBeDefined();
    expect(out.src_spoken).toBe(`the ${ph} is six blocks from here`);
    expect(out.tgt_spoken).toBe(`el ${ph} está a seis manzanas de aquí`);
    expect(out.src).toBe(`The ${ph} is 6 blocks from here.`);
    expect(out.tgt).toBe(`El ${ph} está a 6 manzanas de aquí.`);
  });

  it('uses the plural forms of a noun when the sentence has those', () => {
    const plural = pair({
      src: 'Where are the museums?',
      tgt: '¿Dónde están los museos?',
      src_spoken: 'where are the museums',
      tgt_spoken: 'dónde están los museos',
      slots: ['directions-place:museum'],
    });
    const [out] = withPlaceholders([plural], 1, 3);
    expect(out.tgt).toMatch(/^¿Dónde están los ZXQ[A-Z]{2}\?$/);
  });

  it('leaves pairs without a matching slot, and pairs not drawn, untouched', () => {
    const noSlot = pair({ slots: ['directions-place:museum'] });
    const [kept] = withPlaceholders([noSlot], 1, 3);
    expect(kept).toBe(noSlot);
    const drawn = withPlaceholders(
      Array.from({ length: 400 }, () => pair({})),
      0.25,
      7,
    ).filter((p) => p.src_spoken.includes('ZXQ')).length;
    expect(drawn).toBeGreaterThan(60);
    expect(drawn).toBeLessThan(140);
  });
});
