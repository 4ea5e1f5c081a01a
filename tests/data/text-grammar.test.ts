import { describe, expect, it } from 'vitest';
import {
  adj,
  cat,
  isAdj,
  noun,
  np,
  pluralEs,
  question,
  statement,
  toSpoken,
} from '../../scripts/data/text/grammar.ts';
import { count } from '../../scripts/data/text/slots-numeric.ts';

const habitacion = noun('room|rooms|habitación|habitaciones|f');
const cuarto = noun('room|rooms|cuarto|cuartos|m');
const listo = adj('ready|listo');
const libre = adj('free|libre');

function sentence(n: ReturnType<typeof noun>, a: ReturnType<typeof adj>, plural: boolean, negative = false) {
  return statement(cat(np(n, 'the', plural), isAdj(n, a, plural, negative)));
}

describe('Spanish agreement', () => {
  it('article and adjective follow gender and number', () => {
    expect(sentence(habitacion, listo, false).es).toBe('La habitación está lista.');
    expect(sentence(cuarto, listo, false).es).toBe('El cuarto está listo.');
    expect(sentence(habitacion, listo, true).es).toBe('Las habitaciones están listas.');
    expect(sentence(cuarto, listo, true).es).toBe('Los cuartos están listos.');
    expect(sentence(cuarto, listo, true, true).es).toBe('Los cuartos no están listos.');
    expect(sentence(habitacion, libre, true).es).toBe('Las habitaciones están libres.');
    expect(sentence(cuarto, listo, true).en).toBe('The rooms are ready.');
    expect(sentence(habitacion, listo, false, true).en).toBe('The room is not ready.');
  });

  it('determiners, plurals and counts', () => {
    expect(np(habitacion, 'a').es).toBe('una habitación');
    expect(np(cuarto, 'this', true).es).toBe('estos cuartos');
    expect(np(habitacion, 'this').es).toBe('esta habitación');
    expect(np(noun('adapter|adapters|adaptador|adaptadores|m'), 'a').en).toBe('an adapter');
    expect(np(noun('one way ticket|one way tickets|billete de ida|billetes de ida|m'), 'a').en).toBe(
      'a one way ticket',
    );
    expect(pluralEs('marrón')).toBe('marrones');
    expect(pluralEs('luz')).toBe('luces');
    expect(adj('brown|marrón').es).toEqual(['marrón', 'marrón', 'marrones', 'marrones']);
    expect(count(1, habitacion, 'spoken').es).toBe('una habitación');
    expect(count(21, cuarto, 'spoken').es).toBe('veintiún cuartos');
    expect(count(21, habitacion, 'spoken').es).toBe('veintiuna habitaciones');
    expect(count(3, habitacion, 'written')).toEqual({ en: '3 rooms', es: '3 habitaciones' });
  });

  it('contractions, questions and the spoken form', () => {
    const q = question(
      cat({ en: 'can I go to', es: 'puedo ir a' }, np(noun('museum|museums|museo|museos|m'), 'the')),
    );
    expect(q).toEqual({ en: 'Can I go to the museum?', es: '¿Puedo ir al museo?' });
    expect(toSpoken('¿Dónde está la estación, por favor?')).toBe('dónde está la estación por favor');
    expect(toSpoken("I'd like it at seven o'clock!")).toBe("i'd like it at seven o'clock");
  });
});
