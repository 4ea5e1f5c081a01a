/**
 * Character vocabularies of the CTC acoustic models and the text normalization shared by
 * training targets, decoding and scoring (WER/CER). One normalization everywhere keeps the
 * model's targets and the scorer's references in the same alphabet.
 */
export type AsrLanguage = 'en' | 'es';

export const BLANK_TOKEN = '<blank>';
export const BLANK_ID = 0;

const LATIN = 'abcdefghijklmnopqrstuvwxyz';
const SPANISH_EXTRA = 'áéíóúüñ';

export interface CharVocabulary {
  readonly lang: AsrLanguage;
  /** tokens[0] is the CTC blank, tokens[1] the space, tokens[2] the apostrophe. */
  readonly tokens: readonly string[];
  readonly blankId: number;
  readonly spaceId: number;
  readonly apostropheId: number;
  readonly size: number;
  /** Character → token id; the blank has no character. */
  readonly idOf: ReadonlyMap<string, number>;
}

export function createVocabulary(lang: AsrLanguage): CharVocabulary {
  const letters = lang === 'es' ? LATIN + SPANISH_EXTRA : LATIN;
  const tokens = [BLANK_TOKEN, ' ', "'", ...letters];
  const idOf = new Map<string, number>();
  tokens.forEach((t, i) => {
    if (i !== BLANK_ID) idOf.set(t, i);
  });
  return { lang, tokens, blankId: BLANK_ID, spaceId: 1, apostropheId: 2, size: tokens.length, idOf };
}

/** Letters a language keeps with their diacritics; every other accented letter loses its mark. */
/**
 * Titles that recognizers and transcribers write either way ("Mr" / "mister"); scoring one
 * spelling against the other would count a correct word as an error. Only unambiguous ones.
 */
const SPOKEN_ABBREVIATIONS: Record<AsrLanguage, ReadonlyMap<string, string>> = {
  en: new Map([
    ['mr', 'mister'],
    ['mrs', 'missus'],
  ]),
  es: new Map([
    ['sr', 'señor'],
    ['sra', 'señora'],
  ]),
};

/** Letters NFD cannot split into a base letter and a mark. */
const LIGATURES: ReadonlyMap<string, string> = new Map([
  ['ß', 'ss'],
  ['æ', 'ae'],
  ['œ', 'oe'],
  ['ø', 'o'],
  ['ł', 'l'],
  ['đ', 'd'],
]);

function keepsDiacritic(lang: AsrLanguage, ch: string): boolean {
  return lang === 'es' && SPANISH_EXTRA.includes(ch);
}

function isLetter(ch: string): boolean {
  return /\p{L}/u.test(ch);
}

/**
 * Lowercase, fold typographic apostrophes, strip punctuation/digits/symbols to word
 * separators, strip diacritics the language does not write (English "café" → "cafe",
 * Spanish keeps á é í ó ú ü ñ), keep an apostrophe only inside a word ("don't"), collapse
 * whitespace. Digits are dropped: the corpus spells numbers as words, and a scorer must not
 * count "3" against "three" as a character match.
 */
export function normalizeText(text: string, lang: AsrLanguage): string {
  const lowered = text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`´]/g, "'");
  let out = '';
  for (const raw of lowered) {
    let ch = raw;
    const folded = LIGATURES.get(ch);
    if (folded) ch = folded;
    else if (isLetter(ch) && !keepsDiacritic(lang, ch)) {
      // NFD splits "é" into "e" + combining mark; the base letter is what we keep.
      ch = ch.normalize('NFD').replace(/\p{M}/gu, '');
    }
    if (/^[a-z]+$/.test(ch) || (ch.length === 1 && keepsDiacritic(lang, ch))) out += ch;
    else if (ch === "'") out += "'";
    else out += ' ';
  }
  // Apostrophes survive only between two letters.
  const words = out
    .split(/\s+/)
    .map((w) => w.replace(/^'+|'+$/g, '').replace(/'{2,}/g, "'"))
    .filter((w) => w.length > 0)
    .map((w) => SPOKEN_ABBREVIATIONS[lang].get(w) ?? w);
  return words.join(' ');
}

/** Normalized text → token ids (no blanks). */
export function encodeText(text: string, vocab: CharVocabulary): number[] {
  const ids: number[] = [];
  for (const ch of normalizeText(text, vocab.lang)) {
    const id = vocab.idOf.get(ch);
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

/** Token ids (already CTC-collapsed, blanks ignored) → text with single spaces, trimmed. */
export function decodeIds(ids: ArrayLike<number>, vocab: CharVocabulary): string {
  let s = '';
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id === vocab.blankId || id < 0 || id >= vocab.size) continue;
    s += vocab.tokens[id];
  }
  return s.replace(/ {2,}/g, ' ').trim();
}
