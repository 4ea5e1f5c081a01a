/** Letter names, so codes like "IB3456" or "B12" are spelled the way people read them aloud. */
import type { Lang } from '../../text/number-words.ts';

const EN: Record<string, string> = {
  a: 'ay',
  b: 'bee',
  c: 'see',
  d: 'dee',
  e: 'ee',
  f: 'eff',
  g: 'gee',
  h: 'aitch',
  i: 'eye',
  j: 'jay',
  k: 'kay',
  l: 'el',
  m: 'em',
  n: 'en',
  o: 'oh',
  p: 'pee',
  q: 'cue',
  r: 'ar',
  s: 'ess',
  t: 'tee',
  u: 'you',
  v: 'vee',
  w: 'double you',
  x: 'ex',
  y: 'why',
  z: 'zee',
};

const ES: Record<string, string> = {
  a: 'a',
  b: 'be',
  c: 'ce',
  d: 'de',
  e: 'e',
  f: 'efe',
  g: 'ge',
  h: 'hache',
  i: 'i',
  j: 'jota',
  k: 'ka',
  l: 'ele',
  m: 'eme',
  n: 'ene',
  ñ: 'eñe',
  o: 'o',
  p: 'pe',
  q: 'cu',
  r: 'erre',
  s: 'ese',
  t: 'te',
  u: 'u',
  v: 'uve',
  w: 'uve doble',
  x: 'equis',
  y: 'i griega',
  z: 'zeta',
};

const NAMES: Record<Lang, Record<string, string>> = { en: EN, es: ES };

/** "IB" → "eye bee" (en) / "i be" (es). Unknown characters are kept as they are. */
export function spellLetters(letters: string, lang: Lang): string {
  return [...letters.toLowerCase()].map((c) => NAMES[lang][c] ?? c).join(' ');
}
