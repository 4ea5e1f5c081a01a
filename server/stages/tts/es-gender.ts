/**
 * Grammatical gender of the Spanish word after a number, so "21 noches" reads "veintiuna
 * noches" and "21 euros" "veintiún euros". A small domain lexicon first, then endings;
 * function words (de, en, y…) mean the number stands alone ("el 21 de mayo" → "veintiuno").
 */
import type { EsGender } from '../../text/number-words.ts';

const FEMININE = new Set([
  'noche',
  'habitación',
  'persona',
  'hora',
  'semana',
  'maleta',
  'cama',
  'planta',
  'puerta',
  'llave',
  'libra',
  'vez',
  'calle',
  'estrella',
  'mesa',
  'tarjeta',
  'entrada',
  'salida',
  'parada',
  'línea',
  'pastilla',
  'dosis',
  'milla',
  'tarde',
  'mañana',
  'ración',
  'botella',
  'taza',
  'clase',
  'fila',
]);

const MASCULINE = new Set([
  'día',
  'mapa',
  'problema',
  'programa',
  'sistema',
  'idioma',
  'tema',
  'clima',
  'planeta',
  'euro',
  'dólar',
  'céntimo',
  'centavo',
  'penique',
  'minuto',
  'segundo',
  'año',
  'mes',
  'hotel',
  'tren',
  'autobús',
  'vuelo',
  'billete',
  'coche',
  'piso',
  'kilómetro',
  'kilo',
  'kilogramo',
  'metro',
  'litro',
  'grado',
  'huésped',
  'andén',
  'asiento',
  'pasajero',
  'niño',
  'adulto',
]);

const FUNCTION_WORDS = new Set([
  'de',
  'del',
  'en',
  'y',
  'e',
  'o',
  'u',
  'a',
  'al',
  'por',
  'para',
  'con',
  'sin',
  'que',
  'es',
  'son',
  'más',
  'menos',
  'hasta',
  'desde',
  'entre',
  'sobre',
  'como',
  'si',
  'no',
  'ya',
  'también',
  'pero',
]);

/** Singular guesses for a plural form: noches → noche, habitaciones → habitación, hoteles → hotel. */
function singulars(word: string): string[] {
  const out = [word];
  if (word.endsWith('ones')) out.push(`${word.slice(0, -4)}ón`);
  if (word.endsWith('es')) out.push(word.slice(0, -2));
  if (word.endsWith('s')) out.push(word.slice(0, -1));
  if (word.endsWith('ces')) out.push(`${word.slice(0, -3)}z`);
  return out;
}

/** Gender for the number before `nextWord`; 'n' when the number stands alone. */
export function esGenderOf(nextWord: string | undefined): EsGender {
  if (!nextWord) return 'n';
  const w = nextWord.toLowerCase();
  if (!/^[a-záéíóúüñ]+$/.test(w) || FUNCTION_WORDS.has(w)) return 'n';
  for (const s of singulars(w)) {
    if (FEMININE.has(s)) return 'f';
    if (MASCULINE.has(s)) return 'm';
  }
  if (/(a|as|ción|ciones|sión|siones|dad|dades|tad|tades|tud|tudes|umbre|umbres)$/.test(w)) return 'f';
  // A noun we do not know is more often masculine; the masculine form is also the safe default.
  return 'm';
}
