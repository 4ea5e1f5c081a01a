/**
 * Spanish number, time, price and date verbalization for the corpus. Number words, with the
 * gender agreement Spanish requires ("un/una", "veintiún/veintiuna", "doscientos/doscientas"),
 * come from server/text/number-words.ts, the TTS normaliser's.
 */
import { cardinalEs, digitsToWords, MONTHS, ordinalEs } from '../../../server/text/number-words.ts';

/** `cardinalEs(n, gender)`: gender of the counted noun ('m' | 'f'), or 'n' (default) for the counting form. */
export { cardinalEs };

export function digitsEs(digits: string): string {
  return digitsToWords(digits, 'es');
}

/** Time as the article phrase: "la una y media", "las siete en punto", "las ocho menos cuarto". */
export function timeEs(hour12: number, minute: number, spoken: boolean): string {
  const article = (h: number) => (h === 1 ? 'la' : 'las');
  if (!spoken) return `${article(hour12)} ${hour12}:${String(minute).padStart(2, '0')}`;
  // Hours are feminine: "la una".
  const hourWord = (h: number) => cardinalEs(h, 'f');
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

/** "3 de marzo" written, "tres de marzo" spoken ("primero" for the 1st). */
export function dateEs(day: number, month: number, spoken: boolean): string {
  const dayWord = spoken ? (day === 1 ? ordinalEs(1) : cardinalEs(day)) : String(day);
  return `${dayWord} de ${MONTHS.es[month - 1]}`;
}
