/** The shared BPE vocabulary: trainer and tokenizer (round trip, specials, unknown characters). */
import { describe, expect, it } from 'vitest';
import { trainBpe } from '../../scripts/train/mt/bpe-trainer.ts';
import { languageTag, placeholderToken, SubwordTokenizer } from '../../server/stages/mt/neural/subword.ts';
import { SENTENCES } from './mt-fixture.ts';

describe('subword vocabulary', () => {
  const spec = trainBpe(SENTENCES, { vocabSize: 150, languages: ['en', 'es'] });
  const tok = new SubwordTokenizer(spec);

  it('learns merges of frequent pairs, deterministically, within the size asked for', () => {
    expect(spec.tokens.length).toBeLessThanOrEqual(150);
    expect(spec.merges.length).toBeGreaterThan(20);
    expect(trainBpe(SENTENCES, { vocabSize: 150, languages: ['en', 'es'] })).toEqual(spec);
    // A frequent word becomes one piece.
    expect(tok.encode('the').length).toBe(1);
    expect(tok.encode('habitación doble').length).toBeLessThan('habitación doble'.length);
  });

  it('round-trips spoken and written text in both languages (whitespace normalised)', () => {
    for (const text of [
      ...SENTENCES,
      // Characters seen in training only (unseen ones become <unk>, tested below).
      '¿Dónde está la estación de tren?  gracias.',
      'room 10 for 3 at 10:30',
      'tren.¿Dónde',
      'pagar con tarjeta',
    ]) {
      expect(tok.decode(tok.encode(text))).toBe(text.replace(/\s+/g, ' ').trim());
    }
  });

  it('keeps language tags and placeholders as single tokens', () => {
    expect(tok.tagId('es')).toBe(spec.tokens.indexOf(languageTag('es')));
    const ids = tok.encode('book ZXQAB for two');
    expect(ids).toContain(tok.idOf(placeholderToken(1)));
    expect(tok.decode(ids)).toBe('book ZXQAB for two');
    expect(tok.decode([tok.tagId('en')!, ...ids, tok.eosId])).toBe('book ZXQAB for two');
  });

  it('maps characters never seen in training to <unk> instead of failing', () => {
    const ids = tok.encode('где');
    expect(ids.filter((id) => tok.token(id) !== '▁').every((id) => id === tok.unkId)).toBe(true);
    expect(ids).toContain(tok.unkId);
    expect(tok.encode('')).toEqual([]);
  });
});
