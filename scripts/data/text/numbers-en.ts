/**
 * English number, time, price and date verbalization for the corpus (US style, no "and" in
 * cardinals). Number words come from server/text/number-words.ts, the TTS normaliser's.
 */
import {
  cardinalEn as cardinalWordsEn,
  digitsToWords,
  MONTHS,
  ordinalEn as ordinalWordsEn,
} from '../../../server/text/number-words.ts';

/** Corpus text writes compounds with a space ("twenty five", "twenty third"), as speech transcripts do. */
const spaced = (words: string): string => words.replaceAll('-', ' ');

/** Words separated by spaces ("twenty five"), which is what speech text wants. */
export function cardinalEn(n: number): string {
  return spaced(cardinalWordsEn(n));
}

export function ordinalEn(n: number): string {
  return spaced(ordinalWordsEn(n));
}

export function ordinalSuffixEn(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

/** Digits read one by one ("two zero four one"), as flight and phone numbers are spoken. */
export function digitsEn(digits: string): string {
  return digitsToWords(digits, 'en');
}

/** Room numbers the way a receptionist says them: 412 → "four twelve", 305 → "three oh five". */
export function roomNumberEn(n: number): string {
  if (n < 100) return cardinalEn(n);
  const head = Math.floor(n / 100);
  const tail = n % 100;
  if (tail === 0) return `${cardinalEn(head)} hundred`;
  return `${cardinalEn(head)} ${tail < 10 ? `oh ${cardinalEn(tail)}` : cardinalEn(tail)}`;
}

/** 12-hour clock. */
export function timeEn(hour12: number, minute: number, spoken: boolean): string {
  if (!spoken) return `${hour12}:${String(minute).padStart(2, '0')}`;
  if (minute === 0) return `${cardinalEn(hour12)} o'clock`;
  if (minute < 10) return `${cardinalEn(hour12)} oh ${cardinalEn(minute)}`;
  return `${cardinalEn(hour12)} ${cardinalEn(minute)}`;
}

export type Currency = 'EUR' | 'USD';

export function priceEn(cents: number, currency: Currency, spoken: boolean): string {
  const units = Math.floor(cents / 100);
  const rest = cents % 100;
  if (!spoken) {
    const sym = currency === 'EUR' ? '€' : '$';
    return rest ? `${sym}${units}.${String(rest).padStart(2, '0')}` : `${sym}${units}`;
  }
  const unitWord = currency === 'EUR' ? (units === 1 ? 'euro' : 'euros') : units === 1 ? 'dollar' : 'dollars';
  const main = `${cardinalEn(units)} ${unitWord}`;
  return rest ? `${main} ${cardinalEn(rest)}` : main;
}

/** "March 3" written, "March third" spoken. */
export function dateEn(day: number, month: number, spoken: boolean): string {
  const name = MONTHS.en[month - 1];
  return spoken ? `${name} ${ordinalEn(day)}` : `${name} ${day}`;
}
