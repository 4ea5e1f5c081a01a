/**
 * Number-to-words for English and Spanish speech. Integers only here; decimals, prices and
 * times are composed from these in server/stages/tts/text-normalize.ts, and the text-corpus
 * generator (scripts/data/text/numbers-*.ts) composes its spoken forms from them too.
 *
 * Spanish gender: `gender` selects the form used before a noun of that gender:
 * 'm' → "un", "veintiún", "doscientos" (un euro, veintiún euros);
 * 'f' → "una", "veintiuna", "doscientas" (una habitación, veintiuna noches);
 * 'n' (default) → the counting form "uno", "veintiuno" (habitación veintiuno).
 */

export type Lang = 'en' | 'es';
export type EsGender = 'm' | 'f' | 'n';

/** Largest magnitude we spell; beyond it callers read digits one by one. */
export const MAX_SPELLED = 999_999_999_999;

const EN_ONES = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const EN_TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const EN_SCALES: [number, string][] = [
  [1_000_000_000, 'billion'],
  [1_000_000, 'million'],
  [1_000, 'thousand'],
];

function assertSpellable(n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > MAX_SPELLED) {
    throw new RangeError(`cannot spell ${n}: expected an integer in 0..${MAX_SPELLED}`);
  }
}

function enBelowThousand(n: number): string {
  const parts: string[] = [];
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  if (hundreds) parts.push(`${EN_ONES[hundreds]} hundred`);
  if (rest) {
    if (rest < 20) parts.push(EN_ONES[rest]);
    else parts.push(EN_TENS[Math.floor(rest / 10)] + (rest % 10 ? `-${EN_ONES[rest % 10]}` : ''));
  }
  return parts.join(' ');
}

export function cardinalEn(n: number): string {
  assertSpellable(n);
  if (n === 0) return 'zero';
  const parts: string[] = [];
  let rest = n;
  for (const [value, name] of EN_SCALES) {
    const q = Math.floor(rest / value);
    if (q) parts.push(`${enBelowThousand(q)} ${name}`);
    rest %= value;
  }
  if (rest) parts.push(enBelowThousand(rest));
  return parts.join(' ');
}

const EN_ORDINAL_IRREGULAR: Record<string, string> = {
  one: 'first',
  two: 'second',
  three: 'third',
  five: 'fifth',
  eight: 'eighth',
  nine: 'ninth',
  twelve: 'twelfth',
};

export function ordinalEn(n: number): string {
  const words = cardinalEn(n);
  // Only the last word changes: "twenty-one" → "twenty-first", "one hundred" → "one hundredth".
  const m = /([a-z]+)$/.exec(words)!;
  const last = m[1];
  let ord: string;
  if (EN_ORDINAL_IRREGULAR[last]) ord = EN_ORDINAL_IRREGULAR[last];
  else if (last.endsWith('y')) ord = `${last.slice(0, -1)}ieth`;
  else ord = `${last}th`;
  return words.slice(0, m.index) + ord;
}

/** English year reading: 1999 → "nineteen ninety-nine", 2005 → "two thousand five", 2024 → "twenty twenty-four". */
export function yearEn(n: number): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`bad year ${n}`);
  if (n < 1000 || n >= 10_000) return cardinalEn(n);
  const hi = Math.floor(n / 100);
  const lo = n % 100;
  if (n % 1000 < 10 && hi % 10 === 0) return cardinalEn(n); // 2000, 2005, 1000
  if (lo === 0) return `${cardinalEn(hi)} hundred`; // 1900
  if (lo < 10) return `${cardinalEn(hi)} oh ${cardinalEn(lo)}`; // 1905
  return `${cardinalEn(hi)} ${cardinalEn(lo)}`;
}

const ES_ONES = [
  'cero',
  'uno',
  'dos',
  'tres',
  'cuatro',
  'cinco',
  'seis',
  'siete',
  'ocho',
  'nueve',
  'diez',
  'once',
  'doce',
  'trece',
  'catorce',
  'quince',
  'dieciséis',
  'diecisiete',
  'dieciocho',
  'diecinueve',
  'veinte',
  'veintiuno',
  'veintidós',
  'veintitrés',
  'veinticuatro',
  'veinticinco',
  'veintiséis',
  'veintisiete',
  'veintiocho',
  'veintinueve',
];
const ES_TENS = ['', '', '', 'treinta', 'cuarenta', 'cincuenta', 'sesenta', 'setenta', 'ochenta', 'noventa'];
const ES_HUNDREDS = [
  '',
  'ciento',
  'doscientos',
  'trescientos',
  'cuatrocientos',
  'quinientos',
  'seiscientos',
  'setecientos',
  'ochocientos',
  'novecientos',
];

/** Applies gender to a word ending in "uno" (uno, veintiuno) or a hundreds word. */
function esGenderUnit(word: string, gender: EsGender): string {
  if (gender === 'n') return word;
  if (word === 'uno') return gender === 'm' ? 'un' : 'una';
  if (word === 'veintiuno') return gender === 'm' ? 'veintiún' : 'veintiuna';
  return word;
}

function esBelowHundred(n: number, gender: EsGender): string {
  if (n < 30) return esGenderUnit(ES_ONES[n], gender);
  const tens = ES_TENS[Math.floor(n / 10)];
  const unit = n % 10;
  return unit ? `${tens} y ${esGenderUnit(ES_ONES[unit], gender)}` : tens;
}

function esBelowThousand(n: number, gender: EsGender): string {
  if (n === 100) return 'cien';
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const parts: string[] = [];
  if (hundreds) {
    let h = ES_HUNDREDS[hundreds];
    if (gender === 'f' && hundreds > 1) h = h.replace(/os$/, 'as');
    parts.push(h);
  }
  if (rest) parts.push(esBelowHundred(rest, gender));
  return parts.join(' ');
}

/** Spanish cardinal; see the file comment for `gender`. */
export function cardinalEs(n: number, gender: EsGender = 'n'): string {
  assertSpellable(n);
  if (n === 0) return 'cero';
  const parts: string[] = [];
  const millions = Math.floor(n / 1_000_000); // Spanish "mil millones", not "billón" (10^12)
  const thousands = Math.floor((n % 1_000_000) / 1000);
  const rest = n % 1000;
  if (millions) {
    // "millón" is a masculine noun, so its multiplier is always the masculine apocopated form.
    parts.push(millions === 1 ? 'un millón' : `${esThousandsAndBelow(millions, 'm')} millones`);
  }
  if (thousands) {
    // "mil", never "un mil"; the multiplier agrees with the noun that follows (doscientas mil personas).
    parts.push(thousands === 1 ? 'mil' : `${esBelowThousand(thousands, gender === 'f' ? 'f' : 'm')} mil`);
  }
  if (rest) parts.push(esBelowThousand(rest, gender));
  return parts.join(' ');
}

function esThousandsAndBelow(n: number, gender: EsGender): string {
  const thousands = Math.floor(n / 1000);
  const rest = n % 1000;
  const parts: string[] = [];
  if (thousands) parts.push(thousands === 1 ? 'mil' : `${esBelowThousand(thousands, gender)} mil`);
  if (rest) parts.push(esBelowThousand(rest, gender));
  return parts.join(' ');
}

const ES_ORD_UNITS = [
  '',
  'primero',
  'segundo',
  'tercero',
  'cuarto',
  'quinto',
  'sexto',
  'séptimo',
  'octavo',
  'noveno',
];
const ES_ORD_TENS = [
  '',
  'décimo',
  'vigésimo',
  'trigésimo',
  'cuadragésimo',
  'quincuagésimo',
  'sexagésimo',
  'septuagésimo',
  'octogésimo',
  'nonagésimo',
];

/**
 * Spanish ordinal, 1..999 (beyond that, Spanish speakers use the cardinal).
 * 'm' apocopates before a masculine noun (primer piso, tercer día); 'n' is the standalone
 * masculine form (el primero); 'f' is feminine (primera planta).
 */
export function ordinalEs(n: number, gender: EsGender = 'n'): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`bad ordinal ${n}`);
  if (n > 999) return cardinalEs(n, gender);
  const parts: string[] = [];
  const hundreds = Math.floor(n / 100);
  if (hundreds) {
    const h = [
      '',
      'centésimo',
      'ducentésimo',
      'tricentésimo',
      'cuadringentésimo',
      'quingentésimo',
      'sexcentésimo',
      'septingentésimo',
      'octingentésimo',
      'noningentésimo',
    ][hundreds];
    parts.push(h);
  }
  const tens = Math.floor((n % 100) / 10);
  const units = n % 10;
  if (tens === 1 && units) {
    // RAE accepts "decimoprimero"; written as one word for 11..19.
    parts.push(`decimo${ES_ORD_UNITS[units]}`);
  } else {
    if (tens) parts.push(ES_ORD_TENS[tens]);
    if (units) parts.push(ES_ORD_UNITS[units]);
  }
  const last = parts.length - 1;
  if (gender === 'f') return parts.map((p) => p.replace(/o$/, 'a')).join(' ');
  if (gender === 'm')
    parts[last] = parts[last].replace(/^(.*)(primero|tercero)$/, (_, pre, w) => pre + w.slice(0, -1));
  return parts.join(' ');
}

export function cardinal(n: number, lang: Lang, gender: EsGender = 'n'): string {
  return lang === 'en' ? cardinalEn(n) : cardinalEs(n, gender);
}

const DIGITS: Record<Lang, string[]> = {
  en: EN_ONES.slice(0, 10),
  es: ES_ONES.slice(0, 10),
};

/** Reads a digit string one digit at a time: "0034" → "zero zero three four". */
export function digitsToWords(digits: string, lang: Lang): string {
  return [...digits].map((d) => DIGITS[lang][Number(d)]).join(' ');
}

/** Month names, January first: capitalised in English, lowercase in Spanish. */
export const MONTHS: Record<Lang, readonly string[]> = {
  en: [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ],
  es: [
    'enero',
    'febrero',
    'marzo',
    'abril',
    'mayo',
    'junio',
    'julio',
    'agosto',
    'septiembre',
    'octubre',
    'noviembre',
    'diciembre',
  ],
};
