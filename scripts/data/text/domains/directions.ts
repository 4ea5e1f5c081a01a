import { bi, cat, type Mode, noun, np, question, statement } from '../grammar.ts';
import { pool } from '../picker.ts';
import { count, plainNumber } from '../slots-numeric.ts';
import { frame, type Template } from '../template.ts';

const PLACES = pool('directions-place', [
  noun('train station|train stations|estación de tren|estaciones de tren|f'),
  noun('bus station|bus stations|estación de autobuses|estaciones de autobuses|f'),
  noun('museum|museums|museo|museos|m'),
  noun('cathedral|cathedrals|catedral|catedrales|f'),
  noun('beach|beaches|playa|playas|f'),
  noun('market|markets|mercado|mercados|m'),
  noun('main square|main squares|plaza mayor|plazas mayores|f'),
  noun('post office|post offices|oficina de correos|oficinas de correos|f'),
  noun('bank|banks|banco|bancos|m'),
  noun('cash machine|cash machines|cajero automático|cajeros automáticos|m'),
  noun('pharmacy|pharmacies|farmacia|farmacias|f'),
  noun('hospital|hospitals|hospital|hospitales|m'),
  noun('police station|police stations|comisaría|comisarías|f'),
  noun('supermarket|supermarkets|supermercado|supermercados|m'),
  noun('park|parks|parque|parques|m'),
  noun('castle|castles|castillo|castillos|m'),
  noun('harbor|harbors|puerto|puertos|m'),
  noun('tourist office|tourist offices|oficina de turismo|oficinas de turismo|f'),
  noun('old town|old towns|casco antiguo|cascos antiguos|m'),
  noun('bridge|bridges|puente|puentes|m'),
  noun('church|churches|iglesia|iglesias|f'),
  noun('library|libraries|biblioteca|bibliotecas|f'),
  noun('stadium|stadiums|estadio|estadios|m'),
  noun('embassy|embassies|embajada|embajadas|f'),
  noun('shopping center|shopping centers|centro comercial|centros comerciales|m'),
  noun('university|universities|universidad|universidades|f'),
  noun('gas station|gas stations|gasolinera|gasolineras|f'),
  noun('airport|airports|aeropuerto|aeropuertos|m'),
]);

const STREETS = pool(
  'directions-street',
  [
    'Main Street|la calle Mayor',
    'Atocha Street|la calle Atocha',
    'Gran Via|la Gran Vía',
    'Sol Avenue|la avenida del Sol',
    'Constitution Square|la plaza de la Constitución',
    'Alcala Street|la calle de Alcalá',
    'Sea Promenade|el paseo marítimo',
    'Oak Street|la calle del Roble',
    'Church Street|la calle de la Iglesia',
    'Castle Road|el camino del Castillo',
    'Station Avenue|la avenida de la Estación',
    'Market Street|la calle del Mercado',
    'Liberty Avenue|la avenida de la Libertad',
    'River Road|el camino del Río',
    'Garden Street|la calle del Jardín',
    'Bridge Street|la calle del Puente',
    'Kings Avenue|la avenida de los Reyes',
    'Harbor Road|la carretera del Puerto',
    'Park Lane|el paseo del Parque',
    'Moon Street|la calle de la Luna',
  ].map((s) => {
    const [en, es] = s.split('|');
    return { id: en, en, es };
  }),
);

const TURNS = [
  bi('turn left', 'gire a la izquierda'),
  bi('turn right', 'gire a la derecha'),
  bi('go straight ahead', 'siga todo recto'),
  bi('cross the street', 'cruce la calle'),
  bi('go back', 'dé la vuelta'),
  bi('take the second left', 'tome la segunda a la izquierda'),
  bi('take the first right', 'tome la primera a la derecha'),
];

const MINUTE = noun('minute|minutes|minuto|minutos|m');
const METER = noun('meter|meters|metro|metros|m');
const BLOCK = noun('block|blocks|manzana|manzanas|f');
const STOP = noun('stop|stops|parada|paradas|f');

export const DIRECTIONS_TEMPLATES: Template[] = [
  frame('directions', 'action', 'get-to-place', (p) => {
    const pl = p.from(PLACES);
    return { phrase: () => cat(bi('get to', 'llegar a'), np(pl, 'the')) };
  }),
  frame('directions', 'action', 'find-nearest', (p) => {
    const pl = p.from(PLACES);
    return {
      phrase: () => ({
        en: `find the nearest ${pl.en}`,
        es: `encontrar ${np(pl, 'the').es} más ${pl.g === 'f' ? 'cercana' : 'cercano'}`,
      }),
    };
  }),
  frame('directions', 'action', 'walk-to-street', (p) => {
    const s = p.from(STREETS);
    return { phrase: () => cat(bi('walk to', 'ir andando a'), bi(s.en, s.es)) };
  }),
  frame('directions', 'sentence', 'where-place', (p) => {
    const pl = p.from(PLACES);
    const near = p.chance(0.5);
    return {
      form: 'question',
      phrase: () =>
        question(
          cat(bi('where is', 'dónde está'), np(pl, 'the'), near ? bi('from here', 'desde aquí') : bi('', '')),
        ),
    };
  }),
  frame('directions', 'sentence', 'is-there-near', (p) => {
    const pl = p.from(PLACES);
    return {
      form: 'question',
      phrase: () => question(cat(bi('is there', 'hay'), np(pl, 'a'), bi('near here', 'cerca de aquí'))),
    };
  }),
  frame('directions', 'sentence', 'how-far', (p) => {
    const pl = p.from(PLACES);
    return {
      form: 'question',
      phrase: () => question(cat(bi('how far is', 'a qué distancia está'), np(pl, 'the'))),
    };
  }),
  frame('directions', 'sentence', 'minutes-walk', (p) => {
    const pl = p.from(PLACES);
    const n = p.int(2, 40);
    return {
      phrase: (m: Mode) =>
        statement(cat(np(pl, 'the'), bi('is', 'está a'), count(n, MINUTE, m), bi('on foot', 'a pie'))),
    };
  }),
  frame('directions', 'sentence', 'turn-then', (p) => {
    const a = p.one(TURNS);
    const b = p.one(TURNS);
    const pl = p.from(PLACES);
    return {
      phrase: () =>
        statement(cat(a, bi(', then', ', luego'), b, bi('and you will see', 'y verá'), np(pl, 'the'))),
    };
  }),
  frame('directions', 'sentence', 'turn-at-street', (p) => {
    const a = p.one(TURNS.slice(0, 2));
    const s = p.from(STREETS);
    return { phrase: () => statement(cat(a, bi('at', 'en'), bi(s.en, s.es))) };
  }),
  frame('directions', 'sentence', 'go-meters', (p) => {
    const n = p.one([50, 100, 150, 200, 250, 300, 400, 500, 800]);
    const a = p.one(TURNS.slice(0, 2));
    return {
      phrase: (m: Mode) => statement(cat(bi('walk', 'camine'), count(n, METER, m), bi('and', 'y'), a)),
    };
  }),
  frame('directions', 'sentence', 'blocks-away', (p) => {
    const pl = p.from(PLACES);
    const n = p.int(1, 8);
    return {
      phrase: (m: Mode) =>
        statement(cat(np(pl, 'the'), bi('is', 'está a'), count(n, BLOCK, m), bi('from here', 'de aquí'))),
    };
  }),
  frame('directions', 'sentence', 'on-street', (p) => {
    const pl = p.from(PLACES);
    const s = p.from(STREETS);
    const n = p.int(1, 180);
    return {
      phrase: (m: Mode) =>
        statement({
          en: `${np(pl, 'the').en} is at ${plainNumber(n, m).en} ${s.en}`,
          es: `${np(pl, 'the').es} está en ${s.es}, número ${plainNumber(n, m).es}`,
        }),
    };
  }),
  frame('directions', 'sentence', 'bus-stops', (p) => {
    const pl = p.from(PLACES);
    const line = p.int(1, 99);
    const n = p.int(2, 9);
    return {
      phrase: (m: Mode) =>
        statement(
          cat(
            bi('take bus', 'tome el autobús'),
            plainNumber(line, m),
            bi('and get off after', 'y bájese después de'),
            count(n, STOP, m),
            bi('at', 'en'),
            np(pl, 'the'),
          ),
        ),
    };
  }),
  frame('directions', 'sentence', 'not-far', (p) => {
    const pl = p.from(PLACES);
    return {
      form: 'negation',
      phrase: () =>
        statement(
          cat(
            np(pl, 'the'),
            bi("isn't far, it's just around the corner", 'no está lejos, está a la vuelta de la esquina'),
          ),
        ),
    };
  }),
  frame('directions', 'sentence', 'lost-looking', (p) => {
    const pl = p.from(PLACES);
    const female = p.chance(0.5);
    return {
      phrase: () =>
        statement(
          cat(
            bi("I'm lost, I'm looking for", `estoy ${female ? 'perdida' : 'perdido'}, busco`),
            np(pl, 'the'),
          ),
        ),
    };
  }),
];
