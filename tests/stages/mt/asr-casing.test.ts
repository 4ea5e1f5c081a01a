import { describe, expect, it } from 'vitest';
import { restoreAsrCasing } from '../../../server/stages/mt/asr-casing.ts';

describe('restoreAsrCasing', () => {
  it('capitalises the English pronoun, contracted or not, and the first letter', () => {
    expect(restoreAsrCasing("i think i'm late so i'll call, i said", 'en')).toBe(
      "I think I'm late so I'll call, I said",
    );
    expect(restoreAsrCasing('the wifi in ibiza is slow i', 'en')).toBe('The wifi in ibiza is slow I');
  });

  it('leaves Spanish words alone apart from the first letter', () => {
    expect(restoreAsrCasing('¿dónde está la i griega', 'es')).toBe('¿Dónde está la i griega');
  });

  it('leaves cased text as it is', () => {
    expect(restoreAsrCasing('Already Cased, I think.', 'en')).toBe('Already Cased, I think.');
  });
});
