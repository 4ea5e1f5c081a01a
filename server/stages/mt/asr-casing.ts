/**
 * ASR hands MT lower-case text without punctuation. Rule-based engines read case: apertium
 * does not know "i" as the English pronoun ("i have" → "i Tiene") and copies a lower-case
 * first letter into the translation. This restores the two cases that are certain, and leaves
 * everything else (names, sentence boundaries inside the text) as it is.
 */
import type { LanguageCode } from './engine.ts';

export function restoreAsrCasing(text: string, language: LanguageCode): string {
  let out = text;
  // The English pronoun, alone or contracted (i'm, i'll, i've, i'd).
  if (language === 'en') out = out.replace(/(?<![\p{L}\p{N}'’])i(?=$|[\s'’,.;:!?])/gu, 'I');
  return out.replace(
    /^(\s*[¿¡"'«(]*)(\p{Ll})/u,
    (_, lead: string, ch: string) => lead + ch.toLocaleUpperCase(),
  );
}
