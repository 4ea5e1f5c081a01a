/**
 * Character symbol sets for the acoustic model, one per language. Input is text that already
 * went through normalizeText (no digits or symbols left), lower-cased. Ids are stable: they
 * are written into model.json with the model, and changing them invalidates trained weights.
 *
 *   0 pad · 1 end-of-text · then space, punctuation, letters
 */
import type { Lang } from '../../text/number-words.ts';

export const PAD = '_';
export const EOS = '~';
const SPACE = ' ';
/** Punctuation that changes prosody; anything else is mapped to one of these or dropped. */
const PUNCTUATION = [...`!'(),-.:;?"`];
const PUNCTUATION_ES = ['¡', '¿'];
const LETTERS = [...'abcdefghijklmnopqrstuvwxyz'];
const LETTERS_ES = [...'áéíóúüñ'];
/** English text may carry loanword accents (café, naïve); they are kept. */
const LETTERS_EN_EXTRA = [...'éï'];

export interface SymbolSet {
  lang: Lang;
  symbols: string[];
  padId: number;
  eosId: number;
}

const cache = new Map<Lang, SymbolSet>();

export function symbolSet(lang: Lang): SymbolSet {
  let set = cache.get(lang);
  if (!set) {
    const symbols =
      lang === 'es'
        ? [PAD, EOS, SPACE, ...PUNCTUATION, ...PUNCTUATION_ES, ...LETTERS, ...LETTERS_ES]
        : [PAD, EOS, SPACE, ...PUNCTUATION, ...LETTERS, ...LETTERS_EN_EXTRA];
    set = { lang, symbols, padId: 0, eosId: 1 };
    cache.set(lang, set);
  }
  return set;
}

/** Folding for characters outside the set: typographic variants and foreign accents. */
const FOLD: Record<string, string> = {
  '«': '"',
  '»': '"',
  '“': '"',
  '”': '"',
  '‘': "'",
  '’': "'",
  '–': '-',
  '—': ',',
  '…': '.',
  à: 'a',
  â: 'a',
  ä: 'a',
  ç: 'c',
  è: 'e',
  ê: 'e',
  ë: 'e',
  î: 'i',
  ì: 'i',
  ô: 'o',
  ö: 'o',
  ò: 'o',
  û: 'u',
  ù: 'u',
};

export interface Encoded {
  ids: Int32Array;
  /** Characters that had no symbol and were dropped (for logging / metrics). */
  dropped: string[];
}

/**
 * Text → symbol ids: NFC, lower-case, fold variants, collapse spaces, append end-of-text.
 * Unknown characters are dropped and reported rather than guessed.
 */
export function encodeText(text: string, lang: Lang, opts: { appendEos?: boolean } = {}): Encoded {
  const set = symbolSet(lang);
  const index = new Map(set.symbols.map((s, i) => [s, i]));
  const ids: number[] = [];
  const dropped: string[] = [];
  const spaceId = index.get(SPACE)!;
  const clean = text.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
  for (const ch of clean) {
    let id = index.get(ch);
    if (id === undefined && FOLD[ch] !== undefined) id = index.get(FOLD[ch]);
    // An English model folds Spanish letters rather than dropping names like "Peña".
    if (id === undefined) id = index.get(ch.normalize('NFD').replace(/\p{M}/gu, ''));
    if (id === undefined || id === set.padId || id === set.eosId) dropped.push(ch);
    else if (!(id === spaceId && (ids.length === 0 || ids[ids.length - 1] === spaceId))) ids.push(id);
  }
  if (ids[ids.length - 1] === spaceId) ids.pop();
  if (opts.appendEos ?? true) ids.push(set.eosId);
  return { ids: Int32Array.from(ids), dropped };
}

export function decodeIds(ids: ArrayLike<number>, lang: Lang): string {
  const { symbols, padId, eosId } = symbolSet(lang);
  let out = '';
  for (let i = 0; i < ids.length; i++) if (ids[i] !== padId && ids[i] !== eosId) out += symbols[ids[i]];
  return out;
}
