import { adj, bi, cat, isAdj, type Mode, noun, np, question, statement } from '../grammar.ts';
import { CITIES, WEEKDAYS } from '../lexicon-shared.ts';
import { pool } from '../picker.ts';
import {
  atTime,
  clock,
  count,
  digitString,
  onDate,
  pickDate,
  pickPrice,
  pickTime,
  plainNumber,
  price,
} from '../slots-numeric.ts';
import { frame, stateSentence, type Template } from '../template.ts';

const TICKETS = pool('transport-ticket', [
  noun('one way ticket|one way tickets|billete de ida|billetes de ida|m'),
  noun('return ticket|return tickets|billete de ida y vuelta|billetes de ida y vuelta|m'),
  noun('first class ticket|first class tickets|billete de primera clase|billetes de primera clase|m'),
  noun('student ticket|student tickets|billete de estudiante|billetes de estudiante|m'),
  noun('child ticket|child tickets|billete infantil|billetes infantiles|m'),
  noun('day pass|day passes|abono de un día|abonos de un día|m'),
  noun('seat reservation|seat reservations|reserva de asiento|reservas de asiento|f'),
  noun('window seat|window seats|asiento de ventanilla|asientos de ventanilla|m'),
  noun('aisle seat|aisle seats|asiento de pasillo|asientos de pasillo|m'),
]);

const VEHICLES = pool('transport-vehicle', [
  noun('train|trains|tren|trenes|m'),
  noun('flight|flights|vuelo|vuelos|m'),
  noun('bus|buses|autobús|autobuses|m'),
  noun('ferry|ferries|ferri|ferris|m'),
  noun('high speed train|high speed trains|tren de alta velocidad|trenes de alta velocidad|m'),
  noun('night bus|night buses|autobús nocturno|autobuses nocturnos|m'),
  noun('shuttle|shuttles|lanzadera|lanzaderas|f'),
  noun('connection|connections|conexión|conexiones|f'),
]);

const BAGGAGE = pool('transport-baggage', [
  noun('suitcase|suitcases|maleta|maletas|f'),
  noun('backpack|backpacks|mochila|mochilas|f'),
  noun('bag|bags|bolsa|bolsas|f'),
  noun('passport|passports|pasaporte|pasaportes|m'),
  noun('boarding pass|boarding passes|tarjeta de embarque|tarjetas de embarque|f'),
  noun('ticket|tickets|billete|billetes|m'),
  noun('wallet|wallets|cartera|carteras|f'),
  noun('laptop|laptops|portátil|portátiles|m'),
  noun('stroller|strollers|cochecito|cochecitos|m'),
  noun('guitar|guitars|guitarra|guitarras|f'),
]);

const STATION_PLACES = pool('transport-place', [
  noun('ticket office|ticket offices|taquilla|taquillas|f'),
  noun('check in desk|check in desks|mostrador de facturación|mostradores de facturación|m'),
  noun('baggage claim|baggage claims|recogida de equipajes|recogidas de equipajes|f'),
  noun('waiting room|waiting rooms|sala de espera|salas de espera|f'),
  noun('taxi rank|taxi ranks|parada de taxis|paradas de taxis|f'),
  noun(
    'lost and found office|lost and found offices|oficina de objetos perdidos|oficinas de objetos perdidos|f',
  ),
  noun('security check|security checks|control de seguridad|controles de seguridad|m'),
  noun('exit|exits|salida|salidas|f'),
  noun('metro station|metro stations|estación de metro|estaciones de metro|f'),
  noun('bus stop|bus stops|parada de autobús|paradas de autobús|f'),
  noun('left luggage office|left luggage offices|consigna|consignas|f'),
  noun('information desk|information desks|punto de información|puntos de información|m'),
]);

const TRIP_STATES = pool(
  'transport-state',
  [adj('delayed|retrasado'), adj('cancelled|cancelado'), adj('full|completo'), adj('on time|puntual')],
  false,
);
const LOST = adj('lost|perdido');
const MINUTE = noun('minute|minutes|minuto|minutos|m');
const HOUR = noun('hour|hours|hora|horas|f');
const PASSENGER = noun('passenger|passengers|pasajero|pasajeros|m');
const ADULT = noun('adult|adults|adulto|adultos|m');

function flightNo(p: { int: (a: number, b: number) => number }): string {
  return String(p.int(1000, 9899));
}

export const TRANSPORT_TEMPLATES: Template[] = [
  frame('transport', 'action', 'buy-ticket-to', (p) => {
    const t = p.from(TICKETS);
    const c = p.from(CITIES);
    return { phrase: () => cat(bi('buy', 'comprar'), np(t, 'a'), bi('to', 'a'), bi(c.en, c.es)) };
  }),
  frame('transport', 'action', 'buy-tickets-count', (p) => {
    const t = p.from(TICKETS);
    const n = p.int(2, 6);
    const c = p.from(CITIES);
    return {
      phrase: (m: Mode) => cat(bi('buy', 'comprar'), count(n, t, m), bi('for', 'para'), bi(c.en, c.es)),
    };
  }),
  frame('transport', 'action', 'travel-on-date', (p) => {
    const c = p.from(CITIES);
    const d = pickDate(p);
    return { phrase: (m: Mode) => cat(bi('travel to', 'viajar a'), bi(c.en, c.es), onDate(d, m)) };
  }),
  frame('transport', 'action', 'take-vehicle-at', (p) => {
    const v = p.from(VEHICLES);
    const t = pickTime(p);
    return { phrase: (m: Mode) => cat(bi('take', 'tomar'), np(v, 'the'), atTime(t, m)) };
  }),
  frame('transport', 'action', 'change-flight', (p) => {
    const f = flightNo(p);
    const day = p.from(WEEKDAYS);
    return {
      phrase: (m: Mode) =>
        cat(
          bi('change my flight', 'cambiar mi vuelo'),
          digitString(f, m),
          bi(`to ${day.en}`, `al ${day.es}`),
        ),
    };
  }),
  frame('transport', 'action', 'check-bags', (p) => {
    const b = p.from(BAGGAGE);
    const n = p.int(1, 4);
    return { phrase: (m: Mode) => cat(bi('check in', 'facturar'), count(n, b, m)) };
  }),
  frame('transport', 'action', 'seats-together', (p) => {
    const n = p.int(2, 5);
    return {
      phrase: (m: Mode) =>
        cat(bi('book seats together for', 'reservar asientos juntos para'), count(n, PASSENGER, m)),
    };
  }),
  frame('transport', 'object', 'ticket-kind', (p) => {
    const t = p.from(TICKETS);
    const c = p.from(CITIES);
    return { phrase: () => cat(np(t, 'a'), bi('to', 'a'), bi(c.en, c.es)) };
  }),
  frame('transport', 'object', 'tickets-adults', (p) => {
    const t = p.from(TICKETS);
    const n = p.int(1, 5);
    return { phrase: (m: Mode) => cat(np(t, 'a', true), bi('for', 'para'), count(n, ADULT, m)) };
  }),
  frame('transport', 'sentence', 'when-leaves', (p) => {
    const v = p.from(VEHICLES);
    const c = p.from(CITIES);
    return {
      form: 'question',
      phrase: () =>
        question({
          en: `when does ${np(v, 'the').en} to ${c.en} leave`,
          es: `cuándo sale ${np(v, 'the').es} a ${c.es}`,
        }),
    };
  }),
  frame('transport', 'sentence', 'leaves-from-platform', (p) => {
    const v = p.from(VEHICLES);
    const c = p.from(CITIES);
    const n = p.int(1, 24);
    const t = pickTime(p);
    return {
      phrase: (m: Mode) =>
        statement(
          cat(
            np(v, 'the'),
            bi('to', 'a'),
            bi(c.en, c.es),
            bi('leaves from platform', 'sale del andén'),
            plainNumber(n, m),
            atTime(t, m),
          ),
        ),
    };
  }),
  frame('transport', 'sentence', 'which-platform', (p) => {
    const v = p.from(VEHICLES);
    const c = p.from(CITIES);
    return {
      form: 'question',
      phrase: () =>
        question({
          en: `which platform does ${np(v, 'the').en} to ${c.en} leave from`,
          es: `de qué andén sale ${np(v, 'the').es} a ${c.es}`,
        }),
    };
  }),
  frame('transport', 'sentence', 'boarding-gate', (p) => {
    const f = flightNo(p);
    const g = p.int(1, 60);
    return {
      phrase: (m: Mode) =>
        statement(
          cat(
            bi('flight', 'el vuelo'),
            digitString(f, m),
            bi('boards at gate', 'embarca por la puerta'),
            plainNumber(g, m),
          ),
        ),
    };
  }),
  frame('transport', 'sentence', 'vehicle-state', (p) => {
    const v = p.from(VEHICLES);
    const s = p.from(TRIP_STATES);
    const plural = p.chance(0.25);
    const neg = p.chance(0.3);
    const asQ = !neg && p.chance(0.4);
    const subject = np(v, 'the', plural);
    return stateSentence(v, subject, s, plural, neg, asQ);
  }),
  frame('transport', 'sentence', 'delay-minutes', (p) => {
    const v = p.from(VEHICLES);
    const n = p.int(5, 90);
    return {
      phrase: (m: Mode) =>
        statement(
          cat(np(v, 'the'), bi('is running', 'lleva'), count(n, MINUTE, m), bi('late', 'de retraso')),
        ),
    };
  }),
  frame('transport', 'sentence', 'trip-duration', (p) => {
    const c = p.from(CITIES);
    const n = p.int(1, 12);
    return {
      phrase: (m: Mode) =>
        statement(
          cat(bi('the trip to', 'el viaje a'), bi(c.en, c.es), bi('takes', 'dura'), count(n, HOUR, m)),
        ),
    };
  }),
  frame('transport', 'sentence', 'ticket-price', (p) => {
    const t = p.from(TICKETS);
    const c = p.from(CITIES);
    const pr = pickPrice(p);
    return {
      phrase: (m: Mode) =>
        statement(cat(np(t, 'a'), bi('to', 'a'), bi(c.en, c.es), bi('costs', 'cuesta'), price(pr, m))),
    };
  }),
  frame('transport', 'sentence', 'lost-item', (p) => {
    const b = p.from(BAGGAGE);
    const plural = p.chance(0.3);
    return {
      phrase: () =>
        statement({
          en: `I have lost ${np(b, 'my', plural).en}`,
          es: `he perdido ${np(b, 'my', plural).es}`,
        }),
    };
  }),
  frame('transport', 'sentence', 'item-is-lost', (p) => {
    const b = p.from(BAGGAGE);
    const plural = p.chance(0.4);
    return { phrase: () => statement(cat(np(b, 'my', plural), isAdj(b, LOST, plural))) };
  }),
  frame('transport', 'sentence', 'where-place', (p) => {
    const pl = p.from(STATION_PLACES);
    return { form: 'question', phrase: () => question(cat(bi('where is', 'dónde está'), np(pl, 'the'))) };
  }),
  frame('transport', 'sentence', 'arrives-at', (p) => {
    const f = flightNo(p);
    const c = p.from(CITIES);
    const t = pickTime(p);
    return {
      phrase: (m: Mode) =>
        statement(
          cat(
            bi('flight', 'el vuelo'),
            digitString(f, m),
            bi('from', 'procedente de'),
            bi(c.en, c.es),
            bi('arrives', 'llega'),
            atTime(t, m),
          ),
        ),
    };
  }),
  frame('transport', 'sentence', 'next-departure', (p) => {
    const v = p.from(VEHICLES);
    const t = pickTime(p);
    return {
      phrase: (m: Mode) =>
        statement({
          en: `the next ${v.en} leaves ${atTime(t, m).en}`,
          es: `${v.g === 'f' ? 'la próxima' : 'el próximo'} ${v.es} sale ${atTime(t, m).es}`,
        }),
    };
  }),
  frame('transport', 'sentence', 'gate-closes', (p) => {
    const g = p.int(1, 60);
    const t = pickTime(p);
    return {
      phrase: (m: Mode) =>
        statement(cat(bi('gate', 'la puerta'), plainNumber(g, m), bi('closes at', 'cierra a'), clock(t, m))),
    };
  }),
];
