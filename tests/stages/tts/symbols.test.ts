import { describe, expect, it } from 'vitest';
import { decodeIds, encodeText, symbolSet } from '../../../server/stages/tts/symbols.ts';

describe('symbols', () => {
  it('has pad 0 and end-of-text 1 and unique symbols', () => {
    for (const lang of ['en', 'es'] as const) {
      const set = symbolSet(lang);
      expect(set.symbols[set.padId]).toBe('_');
      expect(set.symbols[set.eosId]).toBe('~');
      expect(new Set(set.symbols).size).toBe(set.symbols.length);
    }
    expect(symbolSet('es').symbols).toEqual(expect.arrayContaining(['ñ', 'á', 'ü', '¿', '¡']));
  });

  it('round-trips normalised Spanish text', () => {
    const { ids, dropped } = encodeText('¿Dónde está la habitación veintiuna?', 'es');
    expect(dropped).toEqual([]);
    expect(ids[ids.length - 1]).toBe(1);
    expect(decodeIds(ids, 'es')).toBe('¿dónde está la habitación veintiuna?');
  });

  it('folds accents the language lacks and reports what it drops', () => {
    const { ids, dropped } = encodeText('Señor Peña ☺ said “hi”', 'en');
    expect(decodeIds(ids, 'en')).toBe('senor pena said "hi"');
    expect(dropped).toEqual(['☺']);
  });
});
