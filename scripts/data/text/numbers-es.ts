/**
 * Spanish number, time, price and date verbalization. Cardinals agree in gender where Spanish
 * requires it: "un/una" (and "veintiún/veintiuna"), and the hundreds "doscientos/doscientas".
 */

export type NumberGender = 'm' | 'f' | 'standalone';

const UNITS = [
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
const TENS = ['', '', '', 'treinta', 'cuarenta', 'cincuenta', 'sesenta', 'setenta', 'ochenta', 'noventa'];
const HUNDREDS = [
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

/** Applies the gender of the counted noun to a final "uno" (un / una / veintiún / veintiuna). */
function inflectOne(words: string, gender: NumberGender): string {
  if (gender === 'standalone') return words;
  if (words === 'uno') return gender === 'm' ? 'un' : 'una';
  if (words.endsWith('veintiuno')) return words.slice(0, -9) + (gender === 'm' ? 'veintiún' : 'veintiuna');
  if (words.endsWith(' uno')) return words.slice(0, -3) + (gender === 'm' ? 'un' : 'una');
  return words;
}

function below1000(n: number, gender: NumberGender): string {
  if (n === 100) return 'cien';
  const parts: string[] = [];
  const h = Math.floor(n / 100);
  const rest = n % 100;
  if (h) {
    const word = HUNDREDS[h];
    parts.push(gender === 'f' && h > 1 ? word.replace(/ientos$/, 'ientas') : word);
  }
  if (rest) {
    if (rest < 30) parts.push(UNITS[rest]);
    else parts.push(TENS[Math.floor(rest / 10)] + (rest % 10 ? ` y ${UNITS[rest % 10]}` : ''));
  }
  if (parts.length === 0) return 'cero';
  return inflectOne(parts.join(' '), gender);
}

/** 0 ≤ n < 1e6. `gender` is the gender of the noun being counted, or 'standalone'. */
export function cardinalEs(n: number, gender: NumberGender = 'standalone'): string {
  if (!Number.isInteger(n) || n < 0 || n >= 1e6) throw new Error(`cardinalEs: out of range ${n}`);
  if (n < 1000) return below1000(n, gender);
  const thousands = Math.floor(n / 1000);
  const rest = n % 1000;
  // "mil", "dos mil", "veintiún mil" / "veintiuna mil" (mil takes the gender of what follows)
  const head = thousands === 1 ? 'mil' : `${below1000(thousands, gender === 'f' ? 'f' : 'm')} mil`;
  return rest ? `${head} ${below1000(rest, gender)}` : head;
}

export function digitsEs(digits: string): string {
  return [...digits].map((d) => UNITS[Number(d)]).join(' ');
}

/** Time as the article phrase: "la una y media", "las siete en punto", "las ocho menos cuarto". */
export function timeEs(hour12: number, minute: number, spoken: boolean): string {
  const article = (h: number) => (h === 1 ? 'la' : 'las');
  if (!spoken) return `${article(hour12)} ${hour12}:${String(minute).padStart(2, '0')}`;
  const hourWord = (h: number) => (h === 1 ? 'una' : cardinalEs(h));
  if (minute === 0) return `${article(hour12)} ${hourWord(hour12)} en punto`;
  if (minute === 15) return `${article(hour12)} ${hourWord(hour12)} y cuarto`;
  if (minute === 30) return `${article(hour12)} ${hourWord(hour12)} y media`;
  if (minute === 45) {
    const next = (hour12 % 12) + 1;
    return `${article(next)} ${hourWord(next)} menos cuarto`;
  }
  return `${article(hour12)} ${hourWord(hour12)} y ${cardinalEs(minute)}`;
}

export function priceEs(cents: number, currency: 'EUR' | 'USD', spoken: boolean): string {
  const units = Math.floor(cents / 100);
  const rest = cents % 100;
  if (!spoken) {
    const amount = rest ? `${units},${String(rest).padStart(2, '0')}` : `${units}`;
    return currency === 'EUR' ? `${amount} €` : `${amount} US$`;
  }
  const unitWord = currency === 'EUR' ? (units === 1 ? 'euro' : 'euros') : units === 1 ? 'dólar' : 'dólares';
  const main = `${cardinalEs(units, 'm')} ${unitWord}`;
  return rest ? `${main} con ${cardinalEs(rest)}` : main;
}

export const MONTHS_ES = [
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
];

/** "3 de marzo" written, "tres de marzo" spoken ("primero" for the 1st). */
export function dateEs(day: number, month: number, spoken: boolean): string {
  const dayWord = spoken ? (day === 1 ? 'primero' : cardinalEs(day)) : String(day);
  return `${dayWord} de ${MONTHS_ES[month - 1]}`;
}
