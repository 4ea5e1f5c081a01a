/**
 * Text normalisation for speech: turns what MT writes ("€12.50", "14:30", "IB3456", "Dr.")
 * into the words a character-input acoustic model can say. English and Spanish, with Spanish
 * gender agreement for numbers before nouns ("una habitación", "veintiún euros").
 *
 * A fixed sequence of regex passes, most specific first (dates before times before money before
 * plain numbers), each leaving only words behind so later passes cannot re-read its output.
 * Sentence punctuation survives so the splitter and the prosody still see it.
 */
import {
  cardinal,
  cardinalEn,
  cardinalEs,
  digitsToWords,
  type EsGender,
  type Lang,
  MONTHS,
  ordinalEn,
  ordinalEs,
  yearEn,
} from '../../text/number-words.ts';
import { ABBREVIATIONS } from './abbreviations.ts';
import { esGenderOf } from './es-gender.ts';
import { spellLetters } from './letters.ts';
import {
  NUMBER_SOURCE,
  parseLocaleNumber,
  readDigitGroup,
  readIntDigits,
  readNumber,
} from './number-reading.ts';

export type { Lang } from '../../text/number-words.ts';

type Pass = (text: string, lang: Lang) => string;

const NUM = `(?:${NUMBER_SOURCE})`;
/** Not preceded by a letter or digit (a number token starts here). */
const START = String.raw`(?<![\p{L}\d])`;
/** Not followed by a letter or digit. */
const END = String.raw`(?![\p{L}\d])`;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The word that follows position `at`, used for gender agreement. */
function nextWord(text: string, at: number): string | undefined {
  return /^\s+([\p{L}]+)/u.exec(text.slice(at))?.[1];
}

/** A period swallowed with an abbreviation is put back when it also ended the sentence. */
function sentencePeriod(text: string, after: number): string {
  return /^(\s*$|\s+[\p{Lu}¿¡"«])/u.test(text.slice(after)) ? '.' : '';
}

const cleanup: Pass = (text) =>
  text
    .normalize('NFC')
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[\u201c\u201d\u201e«»]/g, '"')
    .replace(/\u2026/g, '...')
    .replace(/\s+[\u2013\u2014]\s+/g, ', ')
    .replace(/[\t\r\n\f\v ]+/g, ' ')
    .trim();

const abbreviations: Pass = (text, lang) => {
  let out = text;
  if (lang === 'en') {
    // "St. John" is a saint; "Main St." a street: Street when a capitalised word that does not
    // merely start the sentence comes before it.
    out = out.replace(/(?<![\p{L}.])St\.(?=\s+\p{Lu})/gu, (m, offset: number, whole: string) => {
      const before = whole.slice(0, offset);
      const afterName = /\p{Lu}\p{L}*\s+$/u.test(before) && !/(^|[.!?]\s+)\S+\s+$/u.test(before);
      return afterName ? m : 'Saint';
    });
  }
  for (const a of ABBREVIATIONS[lang]) {
    const re = new RegExp(`(?<![\\p{L}.])${escapeRegex(a.written)}`, a.anyCase ? 'giu' : 'gu');
    out = out.replace(re, (m, offset: number, whole: string) => {
      const end = offset + m.length;
      return a.canEndSentence ? a.spoken + sentencePeriod(whole, end) : a.spoken;
    });
  }
  if (lang === 'es') out = out.replace(/(?<![\p{L}])C\/\s?(?=\p{Lu})/gu, 'calle ');
  return out;
};

function readYear(year: number, lang: Lang): string {
  return lang === 'en' ? yearEn(year) : cardinalEs(year);
}

function readDate(day: number, month: number, year: number | undefined, lang: Lang): string {
  const m = MONTHS[lang][month - 1];
  if (lang === 'en') return `${m} ${ordinalEn(day)}` + (year === undefined ? '' : `, ${yearEn(year)}`);
  return `${cardinalEs(day)} de ${m}` + (year === undefined ? '' : ` de ${cardinalEs(year)}`);
}

function expandYear(y: string): number {
  const n = Number(y);
  return y.length === 2 ? 2000 + n : n;
}

const validDate = (d: number, m: number) => d >= 1 && d <= 31 && m >= 1 && m <= 12;

const dates: Pass = (text, lang) => {
  let out = text.replace(/(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)/g, (m, y, mo, d) =>
    validDate(+d, +mo) ? readDate(+d, +mo, +y, lang) : m,
  );
  out = out.replace(/(?<![\d.,/])(\d{1,2})\/(\d{1,2})(?:\/(\d{4}|\d{2}))?(?![\d/])/g, (m, a, b, y) => {
    // Spanish is always day/month. English is month/day unless the first part cannot be a month.
    let day = +a;
    let month = +b;
    if (lang === 'en' && !(+a > 12)) [day, month] = [+b, +a];
    if (!validDate(day, month)) return m;
    return readDate(day, month, y === undefined ? undefined : expandYear(y), lang);
  });
  if (lang === 'en') {
    const months = MONTHS.en.join('|');
    out = out.replace(
      new RegExp(`\\b(${months})\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b(?:,?\\s+(\\d{4})\\b)?`, 'g'),
      (m, mon, d, y) =>
        validDate(+d, 1) ? readDate(+d, MONTHS.en.indexOf(mon) + 1, y ? +y : undefined, 'en') : m,
    );
    out = out.replace(
      new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?(${months})\\b(?:,?\\s+(\\d{4})\\b)?`, 'g'),
      (m, d, mon, y) =>
        validDate(+d, 1) ? `the ${ordinalEn(+d)} of ${mon}` + (y ? `, ${yearEn(+y)}` : '') : m,
    );
    // Decades: "the 1990s" → "the nineteen nineties", "the 80s" → "the eighties".
    out = out.replace(/(?<![\p{L}\d])(1[1-9]\d0|20\d0|'?\d0)'?s(?![\p{L}\d])/gu, (_, d: string) => {
      const n = Number(d.replace("'", ''));
      const words = d.length === 4 ? yearEn(n) : cardinalEn(n);
      return words.endsWith('y') ? `${words.slice(0, -1)}ies` : `${words}s`;
    });
    out = out.replace(
      /\b(in|since|from|until|by|of|year|circa|before|after)\s+(1[1-9]\d\d|20\d\d)(?![\d.,]\d)/gi,
      (_, w, y) => `${w} ${yearEn(+y)}`,
    );
  } else {
    out = out.replace(
      /\b(de|en|desde|hasta)\s+(\d{4})(?![\d.,]\d)/g,
      (_, w, y) => `${w} ${readYear(+y, 'es')}`,
    );
  }
  return out;
};

/**
 * Phone numbers ("+34 912 345 678", "555-1234"): at least 7 digits in groups joined by spaces or
 * dashes (a dash or a leading + is required, so "1 000" stays a number). Read digit by digit,
 * with a comma between groups so the voice pauses where the writer grouped them.
 */
const phones: Pass = (text, lang) =>
  text.replace(
    /(?<![\p{L}\d.,])(\+\d{1,3}[ -]?)?\d{2,4}(?:[ -]\d{2,4}){1,4}(?![\p{L}\d]|[.,]\d)/gu,
    (m, plus) => {
      const digits = m.replace(/\D/g, '');
      if (digits.length < 7 || (!plus && !m.includes('-'))) return m;
      const groups = m.replace(/^\+/, '').split(/[ -]+/);
      const prefix = plus ? `${lang === 'en' ? 'plus' : 'más'} ` : '';
      return prefix + groups.map((g) => digitsToWords(g, lang)).join(', ');
    },
  );

function readTimeEn(h: number, mm: number, ampm: string | undefined): string {
  const suffix = ampm ? ` ${spellLetters(`${ampm}m`, 'en')}` : '';
  let minutes: string;
  if (mm === 0) minutes = ampm ? '' : h <= 12 ? " o'clock" : ' hundred';
  else if (mm < 10) minutes = ` oh ${cardinalEn(mm)}`;
  else minutes = ` ${cardinalEn(mm)}`;
  return `${cardinalEn(h)}${minutes}${suffix}`;
}

function readTimeEs(h: number, mm: number, ampm: string | undefined): string {
  // Hours are feminine (la una, las veintiuna).
  if (!ampm) {
    if (mm === 0) return cardinalEs(h, 'f');
    return `${cardinalEs(h, 'f')} ${mm < 10 ? 'y ' : ''}${cardinalEs(mm)}`;
  }
  const h12 = h % 12 || 12;
  let minutes = '';
  if (mm === 15) minutes = ' y cuarto';
  else if (mm === 30) minutes = ' y media';
  else if (mm > 0) minutes = ` y ${cardinalEs(mm)}`;
  let part: string;
  if (ampm === 'a') part = h12 <= 5 || h12 === 12 ? 'de la madrugada' : 'de la mañana';
  else if (h12 === 12) part = 'del mediodía';
  else if (h12 <= 7) part = 'de la tarde';
  else part = 'de la noche';
  return `${cardinalEs(h12, 'f')}${minutes} ${part}`;
}

const times: Pass = (text, lang) => {
  const read = (h: number, mm: number, ampm: string | undefined) =>
    lang === 'en' ? readTimeEn(h, mm, ampm) : readTimeEs(h, mm, ampm);
  // am/pm, or an "h"/"hrs" suffix ("21:00 h" is how Spanish signs write 24-hour times).
  const suffixRe = String.raw`(?:\s?([aApP])\.?\s?[mM](\.?)|\s?(hrs?|h)(?![\p{L}\d])(\.?))?`;
  let out = text.replace(
    new RegExp(`${START}(\\d{1,2})[:.h](\\d{2})${suffixRe}(?![\\p{L}\\d]|[.,:]\\d)`, 'gu'),
    (m, hs, ms, ap, dot, hours, hoursDot, offset: number, whole: string) => {
      const h = +hs;
      const mm = +ms;
      // "3.50" is a number, not a time, unless am/pm says so.
      if (m.includes('.') && !ap && /^\d+\.\d/.test(m)) return m;
      if (h > 24 || mm > 59 || (ap && (h > 12 || h === 0))) return m;
      const period = dot || hoursDot ? sentencePeriod(whole, offset + m.length) : '';
      const hoursWord = hours ? (lang === 'en' ? ' hours' : ' horas') : '';
      return read(h, mm, ap?.toLowerCase()) + hoursWord + period;
    },
  );
  out = out.replace(
    new RegExp(`${START}(\\d{1,2})\\s?([aApP])\\.?\\s?[mM](\\.?)${END}`, 'gu'),
    (m, hs, ap, dot, offset: number, whole: string) => {
      const h = +hs;
      if (h > 12 || h === 0) return m;
      const period = dot ? sentencePeriod(whole, offset + m.length) : '';
      return read(h, 0, ap.toLowerCase()) + period;
    },
  );
  return out;
};

interface Currency {
  en: [string, string];
  enCents: [string, string];
  es: [string, string, EsGender];
  esCents: [string, string, EsGender];
}

const EUR: Currency = {
  en: ['euro', 'euros'],
  enCents: ['cent', 'cents'],
  es: ['euro', 'euros', 'm'],
  esCents: ['céntimo', 'céntimos', 'm'],
};
const USD: Currency = {
  en: ['dollar', 'dollars'],
  enCents: ['cent', 'cents'],
  es: ['dólar', 'dólares', 'm'],
  esCents: ['centavo', 'centavos', 'm'],
};
const GBP: Currency = {
  en: ['pound', 'pounds'],
  enCents: ['penny', 'pence'],
  es: ['libra', 'libras', 'f'],
  esCents: ['penique', 'peniques', 'm'],
};

const CURRENCY_BY_MARK: Record<string, Currency> = {
  '€': EUR,
  eur: EUR,
  euro: EUR,
  euros: EUR,
  $: USD,
  // Spanish writes dollar prices as "39,50 US$" (and sometimes "US$39.50").
  us$: USD,
  usd: USD,
  dollar: USD,
  dollars: USD,
  dólar: USD,
  dólares: USD,
  '£': GBP,
  gbp: GBP,
};

function readMoney(amount: string, cur: Currency, lang: Lang): string {
  const p = parseLocaleNumber(amount, lang);
  // Money has two decimals; "€12.5" means 12 euros 50 cents.
  if (p.fracDigits.length > 2) return `${readNumber(p, lang)} ${lang === 'en' ? cur.en[1] : cur.es[1]}`;
  const whole = Number(p.intDigits);
  const cents = p.fracDigits ? Number(p.fracDigits.padEnd(2, '0')) : 0;
  const parts: string[] = [];
  if (lang === 'en') {
    if (whole > 0 || cents === 0)
      parts.push(`${readIntDigits(p.intDigits, 'en')} ${cur.en[whole === 1 ? 0 : 1]}`);
    if (cents > 0) parts.push(`${cardinalEn(cents)} ${cur.enCents[cents === 1 ? 0 : 1]}`);
    return parts.join(' and ');
  }
  if (whole > 0 || cents === 0) {
    // "un millón de euros": a round million takes "de" before the noun.
    const de = whole >= 1_000_000 && whole % 1_000_000 === 0 ? 'de ' : '';
    parts.push(`${readIntDigits(p.intDigits, 'es', cur.es[2])} ${de}${cur.es[whole === 1 ? 0 : 1]}`);
  }
  if (cents > 0) parts.push(`${cardinalEs(cents, cur.esCents[2])} ${cur.esCents[cents === 1 ? 0 : 1]}`);
  return parts.join(' con ');
}

const money: Pass = (text, lang) => {
  let out = text.replace(
    new RegExp(`(US\\$|[€$£])\\s?(${NUM})${END}`, 'gu'),
    (_, mark: string, amount: string) => readMoney(amount, CURRENCY_BY_MARK[mark.toLowerCase()], lang),
  );
  out = out.replace(
    new RegExp(`${START}(${NUM})\\s?(€|US\\$|\\$|£|EUR|USD|GBP|euros?|dollars?|dólar(?:es)?)${END}`, 'giu'),
    (m, amount: string, mark: string) => {
      const cur = CURRENCY_BY_MARK[mark.toLowerCase()];
      // Whole amounts followed by the word ("21 euros") are left to the plain-number pass.
      if (/^[a-zá]/i.test(mark) && !/[.,]\d/.test(amount)) return m;
      return readMoney(amount, cur, lang);
    },
  );
  return out;
};

function signed(minus: string | undefined, words: string, lang: Lang): string {
  return minus ? `${lang === 'en' ? 'minus' : 'menos'} ${words}` : words;
}

const percentages: Pass = (text, lang) =>
  text.replace(new RegExp(`(?<![\\p{L}\\d])(-)?(${NUM})\\s?%`, 'gu'), (_, minus, n: string) => {
    const words = readNumber(parseLocaleNumber(n, lang), lang);
    return `${signed(minus, words, lang)} ${lang === 'en' ? 'percent' : 'por ciento'}`;
  });

const temperatures: Pass = (text, lang) =>
  text.replace(
    new RegExp(`${START}(-)?(${NUM})\\s?°\\s?([CF])?${END}`, 'gu'),
    (_, minus, n: string, scale) => {
      const p = parseLocaleNumber(n, lang);
      const one = p.intDigits === '1' && !p.fracDigits;
      const unit = lang === 'en' ? (one ? 'degree' : 'degrees') : one ? 'grado' : 'grados';
      const scaleWord = scale === 'C' ? ' Celsius' : scale === 'F' ? ' Fahrenheit' : '';
      return `${signed(minus, readNumber(p, lang, 'm'), lang)} ${unit}${scaleWord}`;
    },
  );

/** Unit symbol → [en singular, en plural, es singular, es plural, es gender]. */
const UNITS: Record<string, [string, string, string, string, EsGender]> = {
  'km/h': ['kilometer per hour', 'kilometers per hour', 'kilómetro por hora', 'kilómetros por hora', 'm'],
  km: ['kilometer', 'kilometers', 'kilómetro', 'kilómetros', 'm'],
  kg: ['kilogram', 'kilograms', 'kilo', 'kilos', 'm'],
  cm: ['centimeter', 'centimeters', 'centímetro', 'centímetros', 'm'],
  mm: ['millimeter', 'millimeters', 'milímetro', 'milímetros', 'm'],
  ml: ['milliliter', 'milliliters', 'mililitro', 'mililitros', 'm'],
  mg: ['milligram', 'milligrams', 'miligramo', 'miligramos', 'm'],
  min: ['minute', 'minutes', 'minuto', 'minutos', 'm'],
  m: ['meter', 'meters', 'metro', 'metros', 'm'],
  g: ['gram', 'grams', 'gramo', 'gramos', 'm'],
  l: ['liter', 'liters', 'litro', 'litros', 'm'],
  h: ['hour', 'hours', 'hora', 'horas', 'f'],
};

const units: Pass = (text, lang) => {
  const symbols = Object.keys(UNITS).map(escapeRegex).join('|');
  return text.replace(
    new RegExp(`${START}(${NUM})\\s?(${symbols})(?![\\p{L}\\d/])(\\.?)`, 'gu'),
    (_, n: string, sym: string, dot: string, offset: number, whole: string) => {
      const [enSg, enPl, esSg, esPl, gender] = UNITS[sym];
      const p = parseLocaleNumber(n, lang);
      const one = p.intDigits === '1' && !p.fracDigits;
      const unit = lang === 'en' ? (one ? enSg : enPl) : one ? esSg : esPl;
      const period = dot ? sentencePeriod(whole, offset + _.length) : '';
      return `${readNumber(p, lang, gender)} ${unit}${period}`;
    },
  );
};

const ordinals: Pass = (text, lang) => {
  // Beyond a trillion nobody says an ordinal; the leftover-digits pass reads such numbers digit by digit.
  const spellable = (n: string) => n.length <= 12;
  if (lang === 'en') {
    return text.replace(/(?<![\p{L}\d])(\d+)(?:st|nd|rd|th)(?![\p{L}\d])/gu, (m, n) =>
      spellable(n) ? ordinalEn(+n) : m,
    );
  }
  return text.replace(
    /(?<![\p{L}\d])(\d+)\.?(º|ª|er)(?![\p{L}\d])/gu,
    (m, n, mark, offset: number, whole) => {
      if (!spellable(n) || +n === 0) return m;
      if (mark === 'ª') return ordinalEs(+n, 'f');
      if (mark === 'er') return ordinalEs(+n, 'm');
      // "1.º piso" → "primer piso"; "el 1.º" → "primero".
      const g = esGenderOf(nextWord(whole, offset + m.length));
      return ordinalEs(+n, g === 'f' ? 'f' : g);
    },
  );
};

/** Words after which a 3–4 digit number is a room, gate or flight number, read in pairs. */
const CODE_CONTEXT: Record<Lang, string> = {
  en: 'room|gate|flight|platform|seat|bus|track|terminal',
  es: 'habitación|puerta|vuelo|andén|asiento|autobús|vía|terminal|línea|sala',
};

const codes: Pass = (text, lang) => {
  let out = text.replace(
    /(?<![\p{L}\d])(\p{Lu}{1,3})-?(\d{1,5})(?![\p{L}\d])/gu,
    (_, letters: string, digits: string) => `${spellLetters(letters, lang)} ${readDigitGroup(digits, lang)}`,
  );
  out = out.replace(
    /(?<![\p{L}\d])(\d{1,3})(\p{Lu})(?![\p{L}\d])/gu,
    (_, digits: string, letter: string) => `${readDigitGroup(digits, lang)} ${spellLetters(letter, lang)}`,
  );
  out = out.replace(
    new RegExp(`\\b(${CODE_CONTEXT[lang]})(\\s+)(\\d{3,4})(?![\\p{L}\\d]|[.,]\\d)`, 'giu'),
    (_, word: string, space: string, digits: string) => `${word}${space}${readDigitGroup(digits, lang)}`,
  );
  return out;
};

const ranges: Pass = (text, lang) =>
  text.replace(
    new RegExp(`${START}(${NUM})\\s?[-–]\\s?(${NUM})${END}`, 'gu'),
    (m, a: string, b: string, offset: number, whole: string) => {
      const g = lang === 'es' ? esGenderOf(nextWord(whole, offset + m.length)) : 'n';
      const to = lang === 'en' ? 'to' : 'a';
      return `${readNumber(parseLocaleNumber(a, lang), lang, g)} ${to} ${readNumber(parseLocaleNumber(b, lang), lang, g)}`;
    },
  );

const numbers: Pass = (text, lang) =>
  text.replace(
    // A minus sign counts only where a word would start ("-5", "(-5"), not in ranges ("2-3").
    new RegExp(`(?:(?<=^|[\\s(\\[¿¡"])(-))?${START}(${NUM})`, 'gu'),
    (m, minus: string | undefined, n: string, offset: number, whole: string) => {
      const g = lang === 'es' ? esGenderOf(nextWord(whole, offset + m.length)) : 'n';
      return signed(minus, readNumber(parseLocaleNumber(n, lang), lang, g), lang);
    },
  );

/**
 * Safety net for digits no pattern claimed (glued to letters: "abc123", "1e5"): read them digit
 * by digit rather than hand the acoustic model characters it has no symbol for.
 */
const leftoverDigits: Pass = (text, lang) =>
  text.replace(/\d+/g, (d, offset: number, whole: string) => {
    const before = offset > 0 && !/\s/.test(whole[offset - 1]) ? ' ' : '';
    const after = offset + d.length < whole.length && !/\s/.test(whole[offset + d.length]) ? ' ' : '';
    return before + digitsToWords(d, lang) + after;
  });

const SYMBOLS: Record<Lang, Record<string, string>> = {
  en: { '&': ' and ', '+': ' plus ', '@': ' at ', '=': ' equals ', '#': ' number ', '%': ' percent ' },
  es: { '&': ' y ', '+': ' más ', '@': ' arroba ', '=': ' igual a ', '#': ' número ', '%': ' por ciento ' },
};

const symbols: Pass = (text, lang) =>
  text
    .replace(/[&+@=#%]/g, (c) => SYMBOLS[lang][c])
    .replace(/[/\\|*_~^<>{}[\]]/g, ' ')
    .replace(/\s+([,.;:!?])/g, '$1')
    .replace(/ {2,}/g, ' ')
    .trim();

const PASSES: Pass[] = [
  cleanup,
  abbreviations,
  dates,
  phones,
  times,
  money,
  percentages,
  temperatures,
  units,
  ordinals,
  codes,
  ranges,
  numbers,
  leftoverDigits,
  symbols,
];

/** Normalises one sentence or paragraph of `lang` text into speakable words. */
export function normalizeText(text: string, lang: Lang): string {
  return PASSES.reduce((t, pass) => pass(t, lang), text);
}

export { cardinal };
