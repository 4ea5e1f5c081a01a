/**
 * Bilingual grammar helpers: nouns and adjectives with Spanish gender/number agreement,
 * English a/an, Spanish contractions (a el → al, de el → del), sentence punctuation.
 */

export type Gender = 'm' | 'f';
export type Mode = 'written' | 'spoken';

export interface Bi {
  en: string;
  es: string;
}

export interface Noun {
  id: string;
  en: string;
  enPl: string;
  es: string;
  esPl: string;
  g: Gender;
  /** English takes "an" (vowel sound) */
  an: boolean;
}

/** "room|rooms|habitación|habitaciones|f" — plural fields may be empty to use the regular plural. */
export function noun(spec: string): Noun {
  const [en, enPl, es, esPl, g] = spec.split('|');
  if (!en || !es || (g !== 'm' && g !== 'f')) throw new Error(`bad noun spec: ${spec}`);
  return {
    id: en,
    en,
    enPl: enPl || `${en}s`,
    es,
    esPl: esPl || pluralEs(es),
    g,
    an: /^(?!one|uni|use|usu|eu)[aeiou]/i.test(en) || /^hour/i.test(en),
  };
}

/** Regular Spanish plural, dropping the written accent of -ón/-án/-és (marrón → marrones). */
export function pluralEs(word: string): string {
  if (/[aeiouáéó]$/.test(word)) return `${word}s`;
  const plain = word.replace(/ó(n)$/, 'o$1').replace(/á(n)$/, 'a$1').replace(/é(s)$/, 'e$1');
  if (word.endsWith('z')) return `${word.slice(0, -1)}ces`;
  return `${plain}es`;
}

export interface Adj {
  id: string;
  en: string;
  /** Spanish forms: m sg, f sg, m pl, f pl */
  es: [string, string, string, string];
}

/** "ready|listo": inflects -o adjectives by gender, others by number only. */
export function adj(spec: string): Adj {
  const [en, es] = spec.split('|');
  let forms: [string, string, string, string];
  if (es.endsWith('o')) {
    const stem = es.slice(0, -1);
    forms = [es, `${stem}a`, `${stem}os`, `${stem}as`];
  } else if (/[aeiouáéí]$/.test(es)) forms = [es, es, `${es}s`, `${es}s`];
  else forms = [es, es, pluralEs(es), pluralEs(es)];
  return { id: en, en, es: forms };
}

export function adjEs(a: Adj, g: Gender, plural: boolean): string {
  return a.es[(plural ? 2 : 0) + (g === 'f' ? 1 : 0)];
}

export type Det = 'the' | 'a' | 'my' | 'your' | 'this' | 'bare';

/** Noun phrase with an agreeing determiner. */
export function np(n: Noun, det: Det, plural = false): Bi {
  const en = plural ? n.enPl : n.en;
  const es = plural ? n.esPl : n.es;
  const f = n.g === 'f';
  switch (det) {
    case 'the':
      return { en: `the ${en}`, es: `${plural ? (f ? 'las' : 'los') : f ? 'la' : 'el'} ${es}` };
    case 'a':
      return plural
        ? { en: `some ${en}`, es: `${f ? 'unas' : 'unos'} ${es}` }
        : { en: `${n.an ? 'an' : 'a'} ${en}`, es: `${f ? 'una' : 'un'} ${es}` };
    case 'my':
      return { en: `my ${en}`, es: `${plural ? 'mis' : 'mi'} ${es}` };
    case 'your':
      return { en: `your ${en}`, es: `${plural ? 'sus' : 'su'} ${es}` };
    case 'this':
      return {
        en: `${plural ? 'these' : 'this'} ${en}`,
        es: `${plural ? (f ? 'estas' : 'estos') : f ? 'esta' : 'este'} ${es}`,
      };
    case 'bare':
      return { en, es };
  }
}

/** Spanish copula + agreeing adjective: "está lista", "están listos". */
export function isAdj(n: Noun, a: Adj, plural: boolean, negative = false): Bi {
  const enVerb = plural ? 'are' : 'is';
  const esVerb = plural ? 'están' : 'está';
  return {
    en: `${enVerb}${negative ? ' not' : ''} ${a.en}`,
    es: `${negative ? 'no ' : ''}${esVerb} ${adjEs(a, n.g, plural)}`,
  };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function tidyEs(s: string): string {
  return s
    .replace(/\ba el\b/g, 'al')
    .replace(/\bde el\b/g, 'del')
    .replace(/\s+/g, ' ')
    .replace(/ ([,.?!])/g, '$1')
    .trim();
}

function tidyEn(s: string): string {
  return s
    .replace(/\s+/g, ' ')
    .replace(/ ([,.?!])/g, '$1')
    .trim();
}

export function statement(b: Bi): Bi {
  return { en: `${capitalize(tidyEn(b.en))}.`, es: `${capitalize(tidyEs(b.es))}.` };
}

export function question(b: Bi): Bi {
  return { en: `${capitalize(tidyEn(b.en))}?`, es: `¿${capitalize(tidyEs(b.es))}?` };
}

export function exclamation(b: Bi): Bi {
  return { en: `${capitalize(tidyEn(b.en))}!`, es: `¡${capitalize(tidyEs(b.es))}!` };
}

/** Joins bilingual pieces with spaces. */
export function cat(...parts: (Bi | string)[]): Bi {
  const en: string[] = [];
  const es: string[] = [];
  for (const p of parts) {
    if (typeof p === 'string') {
      en.push(p);
      es.push(p);
    } else {
      en.push(p.en);
      es.push(p.es);
    }
  }
  return { en: en.join(' '), es: es.join(' ') };
}

export function bi(en: string, es: string): Bi {
  return { en, es };
}

/**
 * ASR-style text: lowercase, no punctuation, numbers already in words; keeps apostrophes
 * inside words (o'clock, don't) and Spanish letters (á é í ó ú ü ñ).
 */
export function toSpoken(text: string): string {
  return text
    .toLowerCase()
    .replace(/[¿¡?!.,;:"()«»]/g, ' ')
    .replace(/(^|\s)'|'(\s|$)/g, ' ')
    .replace(/-/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
