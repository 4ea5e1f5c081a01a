import { describe, expect, it } from 'vitest';
import {
  createVocabulary,
  decodeIds,
  encodeText,
  normalizeText,
} from '../../../server/stages/asr/vocabulary.ts';

describe('vocabulary', () => {
  it('puts blank at 0, then space and apostrophe', () => {
    const en = createVocabulary('en');
    expect(en.tokens.slice(0, 3)).toEqual(['<blank>', ' ', "'"]);
    expect(en.size).toBe(29);
    const es = createVocabulary('es');
    expect(es.size).toBe(36);
    for (const ch of 'áéíóúüñ') expect(es.idOf.has(ch)).toBe(true);
    expect(en.idOf.has('ñ')).toBe(false);
  });

  it('normalizes punctuation, case, apostrophes and diacritics per language', () => {
    expect(normalizeText('  Hello, World!  Don’t "stop" — ok?', 'en')).toBe("hello world don't stop ok");
    expect(normalizeText("Check-in at the café 'now'", 'en')).toBe('check in at the cafe now');
    expect(normalizeText('¿Dónde está el baño? Pingüino, À LA CARTE.', 'es')).toBe(
      'dónde está el baño pingüino a la carte',
    );
    expect(normalizeText('room 12b', 'en')).toBe('room b');
    expect(normalizeText('Mr. Dashwood', 'en')).toBe('mister dashwood');
    expect(normalizeText('Straße Øresund', 'en')).toBe('strasse oresund');
    expect(normalizeText('Sr. Pérez', 'es')).toBe('señor pérez');
  });

  it('round-trips text through ids', () => {
    const es = createVocabulary('es');
    const ids = encodeText('Mañana, ¿sí?', es);
    expect(ids.every((i) => i > 0 && i < es.size)).toBe(true);
    expect(decodeIds(ids, es)).toBe('mañana sí');
    expect(decodeIds([0, es.spaceId, ...ids, es.spaceId, es.spaceId], es)).toBe('mañana sí');
  });
});
