import { adj, bi, cat, isAdj, type Mode, noun, np, question, statement } from '../grammar.ts';
import { SURNAMES } from '../lexicon-shared.ts';
import { pool } from '../picker.ts';
import {
  atTime,
  clock,
  count,
  onDate,
  pickDate,
  pickPrice,
  pickTime,
  plainNumber,
  price,
  roomNumber,
} from '../slots-numeric.ts';
import { frame, stateSentence, type Template } from '../template.ts';

const ROOM_KINDS = pool('hotel-room-kind', [
  noun('single room|single rooms|habitación individual|habitaciones individuales|f'),
  noun('double room|double rooms|habitación doble|habitaciones dobles|f'),
  noun('twin room|twin rooms|habitación con dos camas|habitaciones con dos camas|f'),
  noun('suite|suites|suite|suites|f'),
  noun('family room|family rooms|habitación familiar|habitaciones familiares|f'),
  noun('quiet room|quiet rooms|habitación tranquila|habitaciones tranquilas|f'),
  noun('room with a view|rooms with a view|habitación con vistas|habitaciones con vistas|f'),
  noun('apartment|apartments|apartamento|apartamentos|m'),
]);

const AMENITIES = pool('hotel-amenity', [
  noun('towel|towels|toalla|toallas|f'),
  noun('pillow|pillows|almohada|almohadas|f'),
  noun('blanket|blankets|manta|mantas|f'),
  noun('extra bed|extra beds|cama supletoria|camas supletorias|f'),
  noun('baby cot|baby cots|cuna|cunas|f'),
  noun('hair dryer|hair dryers|secador de pelo|secadores de pelo|m'),
  noun('iron|irons|plancha|planchas|f'),
  noun('adapter|adapters|adaptador|adaptadores|m'),
  noun('toothbrush|toothbrushes|cepillo de dientes|cepillos de dientes|m'),
  noun('bar of soap|bars of soap|jabón|jabones|m'),
  noun('bottle of water|bottles of water|botella de agua|botellas de agua|f'),
  noun('key card|key cards|tarjeta de la habitación|tarjetas de la habitación|f'),
  noun('umbrella|umbrellas|paraguas|paraguas|m'),
  noun('safe|safes|caja fuerte|cajas fuertes|f'),
  noun('map of the city|maps of the city|mapa de la ciudad|mapas de la ciudad|m'),
  noun('hanger|hangers|percha|perchas|f'),
  noun('bathrobe|bathrobes|albornoz|albornoces|m'),
  noun('pair of slippers|pairs of slippers|par de zapatillas|pares de zapatillas|m'),
]);

const ROOM_PARTS = pool('hotel-room-part', [
  noun('air conditioning||aire acondicionado|aires acondicionados|m'),
  noun('heating||calefacción|calefacciones|f'),
  noun('shower|showers|ducha|duchas|f'),
  noun('toilet|toilets|inodoro|inodoros|m'),
  noun('television|televisions|televisión|televisiones|f'),
  noun('light|lights|luz|luces|f'),
  noun('window|windows|ventana|ventanas|f'),
  noun('door|doors|puerta|puertas|f'),
  noun('lock|locks|cerradura|cerraduras|f'),
  noun('minibar|minibars|minibar|minibares|m'),
  noun('kettle|kettles|hervidor|hervidores|m'),
  noun('fridge|fridges|nevera|neveras|f'),
  noun('sink|sinks|lavabo|lavabos|m'),
  noun('lamp|lamps|lámpara|lámparas|f'),
]);

const FACILITIES = pool('hotel-facility', [
  noun('pool|pools|piscina|piscinas|f'),
  noun('gym|gyms|gimnasio|gimnasios|m'),
  noun('restaurant|restaurants|restaurante|restaurantes|m'),
  noun('bar|bars|bar|bares|m'),
  noun('spa|spas|spa|spas|m'),
  noun('laundry|laundries|lavandería|lavanderías|f'),
  noun('breakfast room|breakfast rooms|sala de desayunos|salas de desayunos|f'),
  noun('reception|receptions|recepción|recepciones|f'),
  noun('elevator|elevators|ascensor|ascensores|m'),
  noun('parking lot|parking lots|aparcamiento|aparcamientos|m'),
  noun('terrace|terraces|terraza|terrazas|f'),
  noun('business center|business centers|centro de negocios|centros de negocios|m'),
]);

const ROOM_STATES = pool(
  'hotel-room-state',
  [adj('ready|listo'), adj('clean|limpio'), adj('dirty|sucio'), adj('occupied|ocupado'), adj('free|libre')],
  false,
);
const BROKEN = pool(
  'hotel-broken',
  [adj('broken|roto'), adj('dirty|sucio'), adj('very noisy|muy ruidoso')],
  false,
);

const OPEN = adj('open|abierto');
const NIGHT = noun('night|nights|noche|noches|f');
const GUEST = noun('guest|guests|huésped|huéspedes|m');
const ROOM = noun('room|rooms|habitación|habitaciones|f');
const BED = noun('bed|beds|cama|camas|f');

export const HOTEL_TEMPLATES: Template[] = [
  frame('hotel', 'action', 'book-room-nights', (p) => {
    const kind = p.from(ROOM_KINDS);
    const n = p.int(1, 14);
    return {
      phrase: (m: Mode) => cat(bi('book', 'reservar'), np(kind, 'a'), bi('for', 'para'), count(n, NIGHT, m)),
    };
  }),
  frame('hotel', 'action', 'book-room-date', (p) => {
    const kind = p.from(ROOM_KINDS);
    const d = pickDate(p);
    return { phrase: (m: Mode) => cat(bi('book', 'reservar'), np(kind, 'a'), onDate(d, m)) };
  }),
  frame('hotel', 'action', 'check-in-time', (p) => {
    const t = pickTime(p);
    return { phrase: (m: Mode) => cat(bi('check in', 'hacer el registro de entrada'), atTime(t, m)) };
  }),
  frame('hotel', 'action', 'check-out-late', (p) => {
    const t = pickTime(p);
    return { phrase: (m: Mode) => cat(bi('check out', 'dejar la habitación'), atTime(t, m)) };
  }),
  frame('hotel', 'action', 'change-room', (p) => {
    const kind = p.from(ROOM_KINDS);
    return { phrase: () => cat(bi('change to', 'cambiarme a'), np(kind, 'a')) };
  }),
  frame('hotel', 'action', 'pay-for-room', (p) => {
    const n = p.int(100, 950);
    return { phrase: (m: Mode) => cat(bi('pay for room', 'pagar la habitación'), roomNumber(n, m)) };
  }),
  frame('hotel', 'action', 'leave-luggage', (p) => {
    const t = pickTime(p);
    return {
      phrase: (m: Mode) =>
        cat(bi('leave my luggage here until', 'dejar mi equipaje aquí hasta'), clock(t, m)),
    };
  }),
  frame('hotel', 'object', 'amenity', (p) => {
    const a = p.from(AMENITIES);
    const plural = p.chance(0.3);
    return { phrase: () => np(a, 'a', plural) };
  }),
  frame('hotel', 'object', 'amenity-count', (p) => {
    const a = p.from(AMENITIES);
    const n = p.int(2, 6);
    return { phrase: (m: Mode) => cat(count(n, a, m), bi('more', 'más')) };
  }),
  frame('hotel', 'object', 'room-kind-nights', (p) => {
    const kind = p.from(ROOM_KINDS);
    const n = p.int(1, 10);
    return { phrase: (m: Mode) => cat(np(kind, 'a'), bi('for', 'para'), count(n, NIGHT, m)) };
  }),
  frame('hotel', 'sentence', 'reservation-name', (p) => {
    const s = p.from(SURNAMES);
    return {
      phrase: () =>
        statement(
          cat(bi('I have a reservation under the name', 'tengo una reserva a nombre de'), bi(s.en, s.es)),
        ),
    };
  }),
  frame('hotel', 'sentence', 'reservation-guests', (p) => {
    const n = p.int(1, 8);
    const s = p.from(SURNAMES);
    return {
      phrase: (m: Mode) =>
        statement(
          cat(
            bi('the reservation for', 'la reserva para'),
            count(n, GUEST, m),
            bi('is under', 'está a nombre de'),
            bi(s.en, s.es),
          ),
        ),
    };
  }),
  frame('hotel', 'sentence', 'room-state', (p) => {
    const plural = p.chance(0.3);
    const state = p.from(ROOM_STATES);
    const neg = p.chance(0.3);
    const asQ = !neg && p.chance(0.4);
    const subject = np(ROOM, p.one(['the', 'your', 'my'] as const), plural);
    return stateSentence(ROOM, subject, state, plural, neg, asQ);
  }),
  frame('hotel', 'sentence', 'part-broken', (p) => {
    const part = p.from(ROOM_PARTS);
    const state = p.from(BROKEN);
    const n = p.int(100, 950);
    return {
      form: 'statement',
      phrase: (m: Mode) =>
        statement(
          cat(
            np(part, 'the'),
            bi('in room', 'de la habitación'),
            roomNumber(n, m),
            isAdj(part, state, false),
          ),
        ),
    };
  }),
  frame('hotel', 'sentence', 'part-not-working', (p) => {
    const part = p.from(ROOM_PARTS);
    const plural = p.chance(0.2);
    return {
      form: 'negation',
      phrase: () =>
        statement(
          cat(
            np(part, 'the', plural),
            plural ? bi("don't work", 'no funcionan') : bi("doesn't work", 'no funciona'),
          ),
        ),
    };
  }),
  frame('hotel', 'sentence', 'facility-open', (p) => {
    const f = p.from(FACILITIES);
    const t = pickTime(p);
    const subject = np(f, 'the');
    return {
      form: 'question',
      phrase: (m: Mode) =>
        question({
          en: `is ${subject.en} open ${atTime(t, m).en}`,
          es: `${isAdj(f, OPEN, false).es} ${subject.es} ${atTime(t, m).es}`,
        }),
    };
  }),
  frame('hotel', 'sentence', 'where-facility', (p) => {
    const f = p.from(FACILITIES);
    return { form: 'question', phrase: () => question(cat(bi('where is', 'dónde está'), np(f, 'the'))) };
  }),
  frame('hotel', 'sentence', 'facility-price', (p) => {
    const f = p.from(FACILITIES);
    const pr = pickPrice(p);
    return {
      phrase: (m: Mode) =>
        statement(cat(bi('access to', 'el acceso a'), np(f, 'the'), bi('costs', 'cuesta'), price(pr, m))),
    };
  }),
  frame('hotel', 'sentence', 'room-price-night', (p) => {
    const pr = pickPrice(p);
    const kind = p.from(ROOM_KINDS);
    return {
      phrase: (m: Mode) =>
        statement(cat(np(kind, 'the'), bi('costs', 'cuesta'), price(pr, m), bi('per night', 'por noche'))),
    };
  }),
  frame('hotel', 'sentence', 'breakfast-time', (p) => {
    const a = pickTime(p);
    const b = pickTime(p);
    return {
      phrase: (m: Mode) =>
        statement(
          cat(
            bi('breakfast is served from', 'el desayuno se sirve desde'),
            clock(a, m),
            bi('to', 'hasta'),
            clock(b, m),
          ),
        ),
    };
  }),
  frame('hotel', 'sentence', 'your-room-number', (p) => {
    const n = p.int(100, 950);
    const floor = p.int(1, 9);
    return {
      phrase: (m: Mode) =>
        statement(
          cat(
            bi('your room is', 'su habitación es la'),
            roomNumber(n, m),
            bi(', on floor', ', en la planta'),
            plainNumber(floor, m),
          ),
        ),
    };
  }),
  frame('hotel', 'sentence', 'how-many-beds', (p) => {
    const kind = p.from(ROOM_KINDS);
    return {
      form: 'question',
      phrase: () =>
        question(cat(bi('how many beds does', 'cuántas camas tiene'), np(kind, 'the'), bi('have', ''))),
    };
  }),
  frame('hotel', 'sentence', 'beds-in-room', (p) => {
    const n = p.int(1, 4);
    return {
      phrase: (m: Mode) => statement(cat(bi('the room has', 'la habitación tiene'), count(n, BED, m))),
    };
  }),
];
