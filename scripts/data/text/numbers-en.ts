/** English number, time, price and date verbalization (US style, no "and" in cardinals). */

const ONES = [
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
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const ORDINAL_IRREGULAR: Record<string, string> = {
  one: 'first',
  two: 'second',
  three: 'third',
  five: 'fifth',
  eight: 'eighth',
  nine: 'ninth',
  twelve: 'twelfth',
};

/** 0 ≤ n < 1e6; words separated by spaces ("twenty five"), which is what speech text wants. */
export function cardinalEn(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n >= 1e6) throw new Error(`cardinalEn: out of range ${n}`);
  if (n < 20) return ONES[n];
  if (n < 100) return TENS[Math.floor(n / 10)] + (n % 10 ? ` ${ONES[n % 10]}` : '');
  if (n < 1000) return `${ONES[Math.floor(n / 100)]} hundred` + (n % 100 ? ` ${cardinalEn(n % 100)}` : '');
  return `${cardinalEn(Math.floor(n / 1000))} thousand` + (n % 1000 ? ` ${cardinalEn(n % 1000)}` : '');
}

export function ordinalEn(n: number): string {
  const words = cardinalEn(n).split(' ');
  const last = words.pop()!;
  let ord: string;
  if (ORDINAL_IRREGULAR[last]) ord = ORDINAL_IRREGULAR[last];
  else if (last.endsWith('y')) ord = `${last.slice(0, -1)}ieth`;
  else ord = `${last}th`;
  return [...words, ord].join(' ');
}

export function ordinalSuffixEn(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

/** Digits read one by one ("two zero four one"), as flight and phone numbers are spoken. */
export function digitsEn(digits: string): string {
  return [...digits].map((d) => ONES[Number(d)]).join(' ');
}

/** Room numbers the way a receptionist says them: 412 → "four twelve", 305 → "three oh five". */
export function roomNumberEn(n: number): string {
  if (n < 100) return cardinalEn(n);
  const head = Math.floor(n / 100);
  const tail = n % 100;
  if (tail === 0) return `${cardinalEn(head)} hundred`;
  return `${cardinalEn(head)} ${tail < 10 ? `oh ${ONES[tail]}` : cardinalEn(tail)}`;
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

export const MONTHS_EN = [
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
];

/** "March 3" written, "march third" spoken. */
export function dateEn(day: number, month: number, spoken: boolean): string {
  const name = MONTHS_EN[month - 1];
  return spoken ? `${name} ${ordinalEn(day)}` : `${name} ${day}`;
}
