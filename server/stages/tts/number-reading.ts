/**
 * Reading written numbers aloud: locale-aware parsing ("1,500.25" in English, "1.500,25" in
 * Spanish), decimals, and digit groups for codes. Composes server/text/number-words.ts.
 */
import {
  cardinal,
  cardinalEn,
  cardinalEs,
  digitsToWords,
  type EsGender,
  type Lang,
  MAX_SPELLED,
} from '../../text/number-words.ts';

export interface ParsedNumber {
  /** Integer part as digits, separators removed. */
  intDigits: string;
  /** Fractional digits ("" when none). */
  fracDigits: string;
}

/** Matches a written number: digits, optional thousands groups, optional decimal part. */
export const NUMBER_SOURCE = String.raw`\d{1,3}(?:[.,\u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?`;

/**
 * English uses "." for decimals and "," for thousands; Spanish the reverse. A separator
 * followed by exactly three digits and used as a group separator is a thousands mark in both
 * ("1.500" is 1500 in Spanish); "3.5" in Spanish is still read as a decimal since Mexico writes it so.
 */
export function parseLocaleNumber(text: string, lang: Lang): ParsedNumber {
  const t = text.replace(/[\u00a0\u202f]/g, lang === 'en' ? ',' : '.');
  const dec = lang === 'en' ? '.' : ',';
  const thou = lang === 'en' ? ',' : '.';
  const seps = [...t.matchAll(/[.,]/g)].map((m) => m.index!);
  if (seps.length === 0) return { intDigits: t, fracDigits: '' };
  const lastSep = seps[seps.length - 1];
  const lastChar = t[lastSep];
  const tail = t.slice(lastSep + 1);
  // The last separator is decimal if it is the locale's decimal mark, or the other mark with a
  // tail that cannot be a thousands group.
  const lastIsDecimal = lastChar === dec || (lastChar === thou && tail.length !== 3 && seps.length === 1);
  if (lastIsDecimal) {
    return { intDigits: t.slice(0, lastSep).replace(/[.,]/g, ''), fracDigits: tail };
  }
  return { intDigits: t.replace(/[.,]/g, ''), fracDigits: '' };
}

/** An integer given as digits; digit-by-digit when too long to spell. */
export function readIntDigits(intDigits: string, lang: Lang, gender: EsGender = 'n'): string {
  const stripped = intDigits.replace(/^0+(?=\d)/, '');
  const n = Number(stripped);
  if (stripped.length > 12 || n > MAX_SPELLED) return digitsToWords(intDigits, lang);
  return cardinal(n, lang, gender);
}

/** English reads fraction digits one by one; Spanish reads short fractions as a number ("coma cincuenta"). */
export function readFraction(fracDigits: string, lang: Lang): string {
  if (lang === 'en') return digitsToWords(fracDigits, 'en');
  const zeros = /^0*/.exec(fracDigits)![0];
  const rest = fracDigits.slice(zeros.length);
  const words = [...zeros].map(() => 'cero');
  if (rest) words.push(rest.length <= 2 ? cardinalEs(Number(rest)) : digitsToWords(rest, 'es'));
  return words.join(' ');
}

export function readNumber(p: ParsedNumber, lang: Lang, gender: EsGender = 'n'): string {
  if (!p.fracDigits) return readIntDigits(p.intDigits, lang, gender);
  const point = lang === 'en' ? 'point' : 'coma';
  // "veintiuno coma cinco": the integer before a decimal mark takes the counting form.
  return `${readIntDigits(p.intDigits, lang, 'n')} ${point} ${readFraction(p.fracDigits, lang)}`;
}

/**
 * Digit groups as people read flight and room numbers: up to 2 digits as a number,
 * 3 as digit + pair ("305" → "three oh five"), 4 as two pairs ("3456" → "thirty-four fifty-six"),
 * longer digit by digit.
 */
export function readDigitGroup(digits: string, lang: Lang): string {
  const pair = (d: string): string => {
    if (d[0] === '0') return `${lang === 'en' ? 'oh' : 'cero'} ${digitsToWords(d[1], lang)}`;
    return lang === 'en' ? cardinalEn(Number(d)) : cardinalEs(Number(d));
  };
  if (digits.length <= 2)
    return digits[0] === '0' && digits.length === 2 ? pair(digits) : readIntDigits(digits, lang);
  if (digits.length === 3) return `${digitsToWords(digits[0], lang)} ${pair(digits.slice(1))}`;
  if (digits.length === 4) {
    if (digits.endsWith('00') && digits[0] !== '0') {
      return `${pair(digits.slice(0, 2))} ${lang === 'en' ? 'hundred' : 'cero cero'}`;
    }
    return `${pair(digits.slice(0, 2))} ${pair(digits.slice(2))}`;
  }
  return digitsToWords(digits, lang);
}
