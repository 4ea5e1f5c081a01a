import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../../server/stages/tts/text-normalize.ts';

const en = (t: string) => normalizeText(t, 'en');
const es = (t: string) => normalizeText(t, 'es');

describe('normalizeText — English', () => {
  it.each([
    ['I have 3 bags.', 'I have three bags.'],
    ['It is 1,500 people.', 'It is one thousand five hundred people.'],
    ['Pi is 3.14.', 'Pi is three point one four.'],
    ['The 1st and 22nd floor.', 'The first and twenty-second floor.'],
    ['Meet at 14:30.', 'Meet at fourteen thirty.'],
    ['Meet at 2:30 pm.', 'Meet at two thirty pee em.'],
    ['At 9:05 or 9:00.', "At nine oh five or nine o'clock."],
    ['Leave at 9am', 'Leave at nine ay em'],
    ['It costs €12.50.', 'It costs twelve euros and fifty cents.'],
    ['It costs $3.', 'It costs three dollars.'],
    ['Only $1.01 or $0.50', 'Only one dollar and one cent or fifty cents'],
    ['It costs 12,50 €', 'It costs twelve euros and fifty cents'],
    ['£21 please', 'twenty-one pounds please'],
    ['Prices rose 15% in 2024.', 'Prices rose fifteen percent in twenty twenty-four.'],
    ['Born in 1999.', 'Born in nineteen ninety-nine.'],
    ['On 12/25/2024.', 'On December twenty-fifth, twenty twenty-four.'],
    ['On 25/12/2024.', 'On December twenty-fifth, twenty twenty-four.'],
    ['On 2024-03-05.', 'On March fifth, twenty twenty-four.'],
    ['Flight IB3456 at gate B12.', 'Flight eye bee thirty-four fifty-six at gate bee twelve.'],
    ['Room 305.', 'Room three oh five.'],
    ['Seat 12C.', 'Seat twelve see.'],
    ['Dr. Smith lives on Main St. in town.', 'Doctor Smith lives on Main Street in town.'],
    ['Visit St. John today.', 'Visit Saint John today.'],
    ['Apples, pears, etc. Then more.', 'Apples, pears, et cetera. Then more.'],
    ['It is 3.5 km away, 2 h by bus.', 'It is three point five kilometers away, two hours by bus.'],
    ['It is -5 °C, 2-3 nights.', 'It is minus five degrees Celsius, two to three nights.'],
    ['Tom & Jerry', 'Tom and Jerry'],
    ['In the 1990s and the 80s.', 'In the nineteen nineties and the eighties.'],
    ['Call 555-1234.', 'Call five five five, one two three four.'],
    ['Call +44 20 7946 0958.', 'Call plus four four, two zero, seven nine four six, zero nine five eight.'],
    ['At 3.50 dollars.', 'At three dollars and fifty cents.'],
  ])('%s', (input, expected) => {
    expect(en(input)).toBe(expected);
  });

  it('leaves no digits behind in domain sentences', () => {
    const text =
      'Your booking 4471 for 2 adults costs €345.90, check-in 15:00 on 3/4/2025, flight UX1093, 20% off.';
    expect(en(text)).not.toMatch(/\d/);
  });
});

describe('normalizeText — Spanish', () => {
  it.each([
    ['Tengo 3 maletas.', 'Tengo tres maletas.'],
    ['Reservé 1 habitación.', 'Reservé una habitación.'],
    ['Son 21 euros.', 'Son veintiún euros.'],
    ['Son 21 noches.', 'Son veintiuna noches.'],
    ['Vienen 200 personas.', 'Vienen doscientas personas.'],
    ['Vienen 1.500 personas.', 'Vienen mil quinientas personas.'],
    ['Vivo en la habitación 21.', 'Vivo en la habitación veintiuno.'],
    ['Cuesta 12,50 €.', 'Cuesta doce euros con cincuenta céntimos.'],
    ['Cuesta 21 €.', 'Cuesta veintiún euros.'],
    ['Cuesta 1 €.', 'Cuesta un euro.'],
    ['Cuesta €12.50.', 'Cuesta doce euros con cincuenta céntimos.'],
    ['Cuesta $3.', 'Cuesta tres dólares.'],
    ['Cuesta 39,50 US$ por noche.', 'Cuesta treinta y nueve dólares con cincuenta centavos por noche.'],
    ['Son US$12.', 'Son doce dólares.'],
    ['Son 21 £.', 'Son veintiuna libras.'],
    ['Vale 1.000.000 €.', 'Vale un millón de euros.'],
    ['A las 14:30.', 'A las catorce treinta.'],
    ['A la 1:00.', 'A la una.'],
    ['A las 2:30 pm.', 'A las dos y media de la tarde.'],
    ['A las 9:15 am.', 'A las nueve y cuarto de la mañana.'],
    ['Subió un 21,5 %.', 'Subió un veintiuno coma cinco por ciento.'],
    ['El 25/12/2024.', 'El veinticinco de diciembre de dos mil veinticuatro.'],
    ['El 1 de mayo.', 'El uno de mayo.'],
    ['El 1.º piso y la 3.ª planta.', 'El primer piso y la tercera planta.'],
    ['El 1er día.', 'El primer día.'],
    ['Vuelo IB3456, puerta B12.', 'Vuelo i be treinta y cuatro cincuenta y seis, puerta be doce.'],
    ['El Sr. García y la Sra. López.', 'El señor García y la señora López.'],
    ['La Dra. Pérez, Avda. de la Paz.', 'La doctora Pérez, avenida de la Paz.'],
    ['Está a 3,5 km, 1 h en tren.', 'Está a tres coma cinco kilómetros, una hora en tren.'],
    ['Pesa 21 kg.', 'Pesa veintiún kilos.'],
    ['Hace -5 °C.', 'Hace menos cinco grados Celsius.'],
    ['¿Tiene 1 maleta? ¡Sí!', '¿Tiene una maleta? ¡Sí!'],
    ['Abre a las 21:00 h.', 'Abre a las veintiuna horas.'],
    [
      'Llame al +34 912 345 678.',
      'Llame al más tres cuatro, nueve uno dos, tres cuatro cinco, seis siete ocho.',
    ],
  ])('%s', (input, expected) => {
    expect(es(input)).toBe(expected);
  });

  it('leaves no digits behind in domain sentences', () => {
    const text =
      'Su reserva 4471 para 2 adultos cuesta 345,90 €, entrada a las 15:00 el 3/4/2025, vuelo UX1093.';
    expect(es(text)).not.toMatch(/\d/);
  });
});

describe('normalizeText — robustness', () => {
  const tokens = [
    '99999999999999999',
    '12345678901234th',
    '1.º',
    '007',
    '24:00',
    '25:61',
    '3.',
    '.5',
    '€',
    '0,00 €',
    '1e5',
    '--5',
    '13/13/2020',
    '2020-13-45',
    '100%',
    '°C',
    'IB0000',
    'ABCD1234',
    '12B',
    '0th',
    '5 km/h',
    '1.000.000.000.000 €',
    '13 pm',
    '0:00 am',
    'St.',
    'etc.',
    '¿',
    '…',
    '#3',
    '1\u00a0000,5',
  ];

  it('never throws and never leaves a digit, whatever the tokens are glued into', () => {
    let seed = 7;
    const pick = (n: number) => (seed = (seed * 16807) % 2147483647) % n;
    for (let i = 0; i < 1500; i++) {
      const text = Array.from({ length: 1 + pick(6) }, () => tokens[pick(tokens.length)]).join(
        pick(2) ? ' ' : '',
      );
      for (const lang of ['en', 'es'] as const) expect(normalizeText(text, lang)).not.toMatch(/\d/);
    }
  });
});
