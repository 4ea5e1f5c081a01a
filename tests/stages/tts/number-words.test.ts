import { describe, expect, it } from 'vitest';
import { cardinalEn, cardinalEs, ordinalEn, ordinalEs, yearEn } from '../../../server/text/number-words.ts';

describe('number words', () => {
  it.each([
    [0, 'zero'],
    [13, 'thirteen'],
    [21, 'twenty-one'],
    [100, 'one hundred'],
    [115, 'one hundred fifteen'],
    [2024, 'two thousand twenty-four'],
    [1_000_000, 'one million'],
    [
      123_456_789,
      'one hundred twenty-three million four hundred fifty-six thousand seven hundred eighty-nine',
    ],
  ])('English cardinal %i', (n, words) => expect(cardinalEn(n)).toBe(words));

  it.each([
    [1, 'first'],
    [2, 'second'],
    [3, 'third'],
    [12, 'twelfth'],
    [20, 'twentieth'],
    [21, 'twenty-first'],
    [100, 'one hundredth'],
  ])('English ordinal %i', (n, words) => expect(ordinalEn(n)).toBe(words));

  it.each([
    [1999, 'nineteen ninety-nine'],
    [2000, 'two thousand'],
    [2005, 'two thousand five'],
    [2024, 'twenty twenty-four'],
    [1905, 'nineteen oh five'],
    [1900, 'nineteen hundred'],
  ])('English year %i', (n, words) => expect(yearEn(n)).toBe(words));

  it.each([
    [1, 'uno', 'un', 'una'],
    [16, 'dieciséis', 'dieciséis', 'dieciséis'],
    [21, 'veintiuno', 'veintiún', 'veintiuna'],
    [31, 'treinta y uno', 'treinta y un', 'treinta y una'],
    [100, 'cien', 'cien', 'cien'],
    [101, 'ciento uno', 'ciento un', 'ciento una'],
    [200, 'doscientos', 'doscientos', 'doscientas'],
    [500, 'quinientos', 'quinientos', 'quinientas'],
    [1000, 'mil', 'mil', 'mil'],
    [21_000, 'veintiún mil', 'veintiún mil', 'veintiuna mil'],
    [1_000_000, 'un millón', 'un millón', 'un millón'],
    [21_000_000, 'veintiún millones', 'veintiún millones', 'veintiún millones'],
    [200_300, 'doscientos mil trescientos', 'doscientos mil trescientos', 'doscientas mil trescientas'],
    [1_000_000_000, 'mil millones', 'mil millones', 'mil millones'],
  ])('Spanish cardinal %i (n/m/f)', (n, neutral, masc, fem) => {
    expect(cardinalEs(n)).toBe(neutral);
    expect(cardinalEs(n, 'm')).toBe(masc);
    expect(cardinalEs(n, 'f')).toBe(fem);
  });

  it('Spanish ordinals agree and apocopate', () => {
    expect(ordinalEs(1)).toBe('primero');
    expect(ordinalEs(1, 'm')).toBe('primer');
    expect(ordinalEs(1, 'f')).toBe('primera');
    expect(ordinalEs(3, 'm')).toBe('tercer');
    expect(ordinalEs(21, 'f')).toBe('vigésima primera');
    expect(ordinalEs(13)).toBe('decimotercero');
  });

  it('rejects what it cannot spell', () => {
    expect(() => cardinalEn(-1)).toThrow(RangeError);
    expect(() => cardinalEs(1.5)).toThrow(RangeError);
  });
});
