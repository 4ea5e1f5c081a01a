/** Numeric slots rendered both ways: digits for written text, words for spoken text. */
import type { Bi, Mode, Noun } from './grammar.ts';
import { cardinalEn, dateEn, digitsEn, priceEn, roomNumberEn, timeEn } from './numbers-en.ts';
import { cardinalEs, dateEs, digitsEs, priceEs, timeEs } from './numbers-es.ts';
import type { Picker } from './picker.ts';

export function count(n: number, x: Noun, mode: Mode): Bi {
  const en = n === 1 ? x.en : x.enPl;
  const es = n === 1 ? x.es : x.esPl;
  if (mode === 'written') return { en: `${n} ${en}`, es: `${n} ${es}` };
  return { en: `${cardinalEn(n)} ${en}`, es: `${cardinalEs(n, x.g)} ${es}` };
}

export interface ClockTime {
  hour12: number;
  minute: number;
}

export function pickTime(p: Picker): ClockTime {
  return { hour12: p.int(1, 12), minute: p.one([0, 0, 5, 10, 15, 20, 25, 30, 30, 40, 45, 50, 55]) };
}

/** "at 7:30" / "a las 7:30". */
export function atTime(t: ClockTime, mode: Mode): Bi {
  const spoken = mode === 'spoken';
  return { en: `at ${timeEn(t.hour12, t.minute, spoken)}`, es: `a ${timeEs(t.hour12, t.minute, spoken)}` };
}

export function pickPrice(p: Picker): { cents: number; currency: 'EUR' | 'USD' } {
  const units = p.one([p.int(1, 20), p.int(5, 99), p.int(10, 400)]);
  const cents = p.one([0, 0, 0, 50, 99, 25, p.int(1, 99)]);
  return { cents: units * 100 + cents, currency: p.chance(0.7) ? 'EUR' : 'USD' };
}

export function price(x: { cents: number; currency: 'EUR' | 'USD' }, mode: Mode): Bi {
  const spoken = mode === 'spoken';
  return { en: priceEn(x.cents, x.currency, spoken), es: priceEs(x.cents, x.currency, spoken) };
}

export interface CalendarDate {
  day: number;
  month: number;
}

export function pickDate(p: Picker): CalendarDate {
  const month = p.int(1, 12);
  const days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return { day: p.int(1, days), month };
}

/** "on March 3" / "el 3 de marzo". */
export function onDate(d: CalendarDate, mode: Mode): Bi {
  const spoken = mode === 'spoken';
  return { en: `on ${dateEn(d.day, d.month, spoken)}`, es: `el ${dateEs(d.day, d.month, spoken)}` };
}

/** Bare number: "412" / "four twelve" (room style in English), standalone cardinal in Spanish. */
export function roomNumber(n: number, mode: Mode): Bi {
  if (mode === 'written') return { en: String(n), es: String(n) };
  return { en: roomNumberEn(n), es: cardinalEs(n) };
}

export function plainNumber(n: number, mode: Mode): Bi {
  if (mode === 'written') return { en: String(n), es: String(n) };
  return { en: cardinalEn(n), es: cardinalEs(n) };
}

/** Digit strings read one by one (flights, phone numbers). */
export function digitString(digits: string, mode: Mode): Bi {
  if (mode === 'written') return { en: digits, es: digits };
  return { en: digitsEn(digits), es: digitsEs(digits) };
}

/** Clock time without "at": "7:30" / "las 7:30". */
export function clock(t: ClockTime, mode: Mode): Bi {
  const spoken = mode === 'spoken';
  return { en: timeEn(t.hour12, t.minute, spoken), es: timeEs(t.hour12, t.minute, spoken) };
}
