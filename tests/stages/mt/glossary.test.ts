import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createGlossary,
  loadGlossaryFile,
  mergeGlossaries,
  placeholderFor,
  protectTerms,
  restoreTerms,
  translateWithGlossary,
} from '../../../server/stages/mt/glossary.ts';

const enEs = { source: 'en', target: 'es' };
const hotel = createGlossary({
  'en-es': {
    suite: 'suite',
    'ocean suite': 'Suite Océano',
    'ocean suite balcony': 'balcón de la Suite Océano',
  },
  'es-en': { 'suite océano': 'Ocean Suite' },
});

describe('glossary', () => {
  it('protects the longest match first, case-insensitively, across any whitespace', () => {
    const p = protectTerms('Is the OCEAN   Suite balcony open, or the ocean suite?', hotel, enEs);
    expect(p.text).toBe(`Is the ${placeholderFor(0)} open, or the ${placeholderFor(1)}?`);
    expect(p.slots.map((s) => s.target)).toEqual(['balcón de la Suite Océano', 'Suite Océano']);
  });

  it('only matches whole words', () => {
    expect(protectTerms('the suites are full', hotel, enEs).slots).toHaveLength(0);
    expect(protectTerms('our suite', hotel, enEs).slots).toHaveLength(1);
  });

  it('is per direction', () => {
    expect(protectTerms('la suite océano', hotel, { source: 'es', target: 'en' }).slots[0].target).toBe(
      'Ocean Suite',
    );
    expect(protectTerms('the ocean suite', hotel, { source: 'en', target: 'fr' }).slots).toHaveLength(0);
  });

  it('restores targets and reports placeholders that did not come back exactly once', () => {
    const p = protectTerms('ocean suite and suite', hotel, enEs);
    const ok = restoreTerms(
      `la ${p.slots[0].placeholder.toLowerCase()} y la ${p.slots[1].placeholder}`,
      p.slots,
    );
    expect(ok.text).toBe('la Suite Océano y la suite');
    expect(ok.report).toEqual({ applied: ['ocean suite', 'suite'], lost: [] });

    const lost = restoreTerms(`la ${p.slots[0].placeholder} ${p.slots[0].placeholder}`, p.slots);
    expect(lost.text).toBe('la Suite Océano Suite Océano');
    expect(lost.report).toEqual({ applied: [], lost: ['ocean suite', 'suite'] });
  });

  it('wraps an engine call so every engine honours the glossary', async () => {
    const seen: string[] = [];
    const result = await translateWithGlossary('book the ocean suite', hotel, enEs, async (text) => {
      seen.push(text);
      return { text: text.replace('book the', 'reserve la'), engine: 'apertium' };
    });
    expect(seen[0]).not.toMatch(/ocean/i);
    expect(result.text).toBe('reserve la Suite Océano');
    expect(result.glossary).toEqual({ applied: ['ocean suite'], lost: [] });
    const plain = await translateWithGlossary('hello', hotel, enEs, async (t) => ({
      text: t,
      engine: 'apertium',
    }));
    expect(plain.glossary).toBeUndefined();
  });

  it('lets session terms override deployment terms', () => {
    const session = createGlossary({ 'en-es': { 'OCEAN SUITE': 'Suite del Mar' } });
    const merged = mergeGlossaries(hotel, undefined, session);
    expect(protectTerms('the ocean suite', merged, enEs).slots[0].target).toBe('Suite del Mar');
    expect(protectTerms('the ocean suite', hotel, enEs).slots[0].target).toBe('Suite Océano');
  });

  it('treats regex characters in terms literally', () => {
    const g = createGlossary({ 'en-es': { 'C++ (v2)': 'C++ (v2)', 'a.b': 'x' } });
    expect(protectTerms('use C++ (v2) not aXb', g, enEs).slots.map((s) => s.source)).toEqual(['C++ (v2)']);
  });

  it('loads and validates a glossary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tolk-gloss-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ 'en-es': { ibuprofen: 'ibuprofeno' } }));
    const g = await loadGlossaryFile(good);
    expect(protectTerms('take ibuprofen', g, enEs).slots).toHaveLength(1);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ english: { a: 'b' } }));
    await expect(loadGlossaryFile(bad)).rejects.toMatchObject({ code: 'model_load_failed' });
    await expect(loadGlossaryFile(join(dir, 'missing.json'))).rejects.toMatchObject({
      code: 'model_load_failed',
    });
  });

  it('makes distinct letter-only placeholders', () => {
    const all = Array.from({ length: 676 }, (_, i) => placeholderFor(i));
    expect(new Set(all).size).toBe(676);
    expect(all.every((p) => /^ZXQ[A-Z]{2}$/.test(p))).toBe(true);
  });
});
