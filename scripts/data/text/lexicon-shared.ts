/** Slot values shared by several domains. */
import { adj, noun } from './grammar.ts';
import { pool } from './picker.ts';

export interface Name {
  id: string;
  en: string;
  es: string;
}

function names(list: string): Name[] {
  return list.split(',').map((s) => {
    const [en, es] = s.trim().split('|');
    return { id: en, en, es: es ?? en };
  });
}

export const SURNAMES = pool(
  'surname',
  names(
    'Smith,Johnson,Brown,Taylor,Wilson,Miller,Davis,Clark,Lewis,Walker,Hall,Young,King,Wright,Scott,Green,' +
      'Baker,Adams,Nelson,Carter,Mitchell,Roberts,Turner,Phillips,Campbell,Parker,Evans,Edwards,Collins,Stewart,' +
      'Garcia|García,Martinez|Martínez,Lopez|López,Gonzalez|González,Rodriguez|Rodríguez,Perez|Pérez,' +
      'Sanchez|Sánchez,Ramirez|Ramírez,Torres,Flores,Rivera,Gomez|Gómez,Diaz|Díaz,Morales,Ortiz,Castillo,' +
      'Romero,Herrera,Medina,Vargas,Castro,Ruiz,Alvarez|Álvarez,Mendoza,Navarro,Moreno,Patel,Singh,Nguyen,' +
      'Kim,Chen,Wang,Ali,Khan,Murphy,Kelly,Sullivan,Novak,Schmidt,Rossi,Silva,Costa,Ferreira,Jensen,Larsen',
  ),
);

export const FIRST_NAMES = pool(
  'first-name',
  names(
    'Anna,Maria|María,John,James,Laura,Sofia|Sofía,Lucia|Lucía,David,Daniel,Carlos,Elena,Pablo,Sarah,' +
      'Michael,Emma,Olivia,Peter,Paul,Isabel,Miguel,Javier,Carmen,Rosa,Thomas,Emily,Hannah,Jorge,Luis,' +
      'Marta,Diego,Andrea,Victor|Víctor,Monica|Mónica,Robert,Linda,Karen,Mark,Julia,Adrian|Adrián,Ines|Inés',
  ),
);

export const CITIES = pool(
  'city',
  names(
    'Madrid,Barcelona,Seville|Sevilla,Valencia,Bilbao,Malaga|Málaga,Granada,Toledo,Salamanca,Zaragoza,' +
      'Lisbon|Lisboa,Paris|París,London|Londres,Rome|Roma,Berlin|Berlín,Mexico City|Ciudad de México,' +
      'Buenos Aires,Lima,Bogota|Bogotá,Santiago,Quito,Montevideo,Havana|La Habana,Cancun|Cancún,' +
      'New York|Nueva York,Miami,Chicago,Boston,Los Angeles|Los Ángeles,Toronto,Dublin|Dublín,' +
      'Amsterdam|Ámsterdam,Brussels|Bruselas,Geneva|Ginebra,Vienna|Viena,Prague|Praga,Athens|Atenas,' +
      'Cordoba|Córdoba,Cadiz|Cádiz,Alicante,Porto|Oporto,Marseille|Marsella,Milan|Milán,Munich|Múnich',
  ),
);

export const WEEKDAYS = pool(
  'weekday',
  names(
    'Monday|lunes,Tuesday|martes,Wednesday|miércoles,Thursday|jueves,Friday|viernes,Saturday|sábado,Sunday|domingo',
  ),
  false,
);

/** Relative times of day: written the same in both modes. */
export const DAY_PARTS = pool(
  'day-part',
  names(
    'today|hoy,tomorrow|mañana,tonight|esta noche,this morning|esta mañana,this afternoon|esta tarde,' +
      'tomorrow morning|mañana por la mañana,tomorrow night|mañana por la noche,next week|la semana que viene,' +
      'right now|ahora mismo,later|más tarde',
  ),
  false,
);

export const PEOPLE = pool('person', [
  noun('friend|friends|amigo|amigos|m'),
  noun('husband|husbands|marido|maridos|m'),
  noun('wife|wives|esposa|esposas|f'),
  noun('son|sons|hijo|hijos|m'),
  noun('daughter|daughters|hija|hijas|f'),
  noun('mother|mothers|madre|madres|f'),
  noun('father|fathers|padre|padres|m'),
  noun('brother|brothers|hermano|hermanos|m'),
  noun('sister|sisters|hermana|hermanas|f'),
  noun('grandmother|grandmothers|abuela|abuelas|f'),
  noun('grandfather|grandfathers|abuelo|abuelos|m'),
  noun('colleague|colleagues|colega|colegas|m'),
  noun('boss|bosses|jefa|jefas|f'),
  noun('boyfriend|boyfriends|novio|novios|m'),
  noun('girlfriend|girlfriends|novia|novias|f'),
]);

export const COLORS = pool(
  'color',
  [
    adj('black|negro'),
    adj('white|blanco'),
    adj('red|rojo'),
    adj('blue|azul'),
    adj('green|verde'),
    adj('gray|gris'),
    adj('yellow|amarillo'),
    adj('brown|marrón'),
  ],
  false,
);
