import { bi, cat, exclamation, type Mode, noun, np, question, statement } from '../grammar.ts';
import { PEOPLE } from '../lexicon-shared.ts';
import { ordinalEn, ordinalSuffixEn } from '../numbers-en.ts';
import { pool } from '../picker.ts';
import { count, digitString, plainNumber } from '../slots-numeric.ts';
import { frame, type Template } from '../template.ts';

const STOLEN = pool('emergency-stolen', [
  noun('wallet|wallets|cartera|carteras|f'),
  noun('phone|phones|móvil|móviles|m'),
  noun('passport|passports|pasaporte|pasaportes|m'),
  noun('bag|bags|bolso|bolsos|m'),
  noun('car|cars|coche|coches|m'),
  noun('bicycle|bicycles|bicicleta|bicicletas|f'),
  noun('credit card|credit cards|tarjeta de crédito|tarjetas de crédito|f'),
  noun('camera|cameras|cámara|cámaras|f'),
  noun('suitcase|suitcases|maleta|maletas|f'),
  noun('laptop|laptops|portátil|portátiles|m'),
  noun('watch|watches|reloj|relojes|m'),
  noun('key|keys|llave|llaves|f'),
]);

const SERVICES = pool('emergency-service', [
  noun('ambulance|ambulances|ambulancia|ambulancias|f'),
  noun('doctor|doctors|médico|médicos|m'),
  noun('police officer|police officers|policía|policías|m'),
  noun('firefighter|firefighters|bombero|bomberos|m'),
  noun('interpreter|interpreters|intérprete|intérpretes|m'),
  noun('lawyer|lawyers|abogado|abogados|m'),
]);

const EVENTS = pool('emergency-event', [
  { id: 'accident', en: 'there has been an accident', es: 'ha habido un accidente' },
  { id: 'fire', en: 'there is a fire', es: 'hay un incendio' },
  { id: 'fainted', en: 'someone has fainted', es: 'alguien se ha desmayado' },
  { id: 'robbed', en: 'I have been robbed', es: 'me han robado' },
  { id: 'gas', en: 'it smells of gas', es: 'huele a gas' },
  { id: 'flood', en: 'the bathroom is flooded', es: 'el baño está inundado' },
  { id: 'attack', en: 'a man is having a heart attack', es: 'un hombre está sufriendo un infarto' },
  { id: 'bleeding', en: 'she is bleeding a lot', es: 'está sangrando mucho' },
  { id: 'breathing', en: "he can't breathe", es: 'no puede respirar' },
  { id: 'fell', en: 'an old woman has fallen down', es: 'una señora mayor se ha caído' },
  { id: 'crash', en: 'two cars have crashed', es: 'han chocado dos coches' },
  { id: 'smoke', en: 'there is smoke in the corridor', es: 'hay humo en el pasillo' },
]);

const PERSON = noun('person|people|persona|personas|f');
const YEAR = noun('year|years|año|años|m');
const MINUTE = noun('minute|minutes|minuto|minutos|m');

export const EMERGENCY_TEMPLATES: Template[] = [
  frame('emergency', 'action', 'call-service', (p) => {
    const s = p.from(SERVICES);
    return { phrase: () => cat(bi('call', 'llamar a'), np(s, 'a')) };
  }),
  frame('emergency', 'action', 'report-theft', (p) => {
    const s = p.from(STOLEN);
    return { phrase: () => cat(bi('report the theft of', 'denunciar el robo de'), np(s, 'my')) };
  }),
  frame('emergency', 'action', 'cancel-card', () => ({
    phrase: () => bi('cancel my credit card', 'cancelar mi tarjeta de crédito'),
  })),
  frame('emergency', 'action', 'call-embassy', () => ({
    phrase: () => bi('call my embassy', 'llamar a mi embajada'),
  })),
  frame('emergency', 'object', 'service', (p) => {
    const s = p.from(SERVICES);
    return { phrase: () => np(s, 'a') };
  }),
  frame('emergency', 'sentence', 'help-event', (p) => {
    const e = p.from(EVENTS);
    return { form: 'statement', phrase: () => exclamation({ en: `help, ${e.en}`, es: `socorro, ${e.es}` }) };
  }),
  frame('emergency', 'sentence', 'event-at-floor', (p) => {
    const e = p.from(EVENTS);
    const n = p.int(1, 12);
    return {
      phrase: (m: Mode) =>
        statement({
          en: `${e.en} on the ${m === 'written' ? ordinalSuffixEn(n) : ordinalEn(n)} floor`,
          es: `${e.es} en la planta ${plainNumber(n, m).es}`,
        }),
    };
  }),
  frame('emergency', 'sentence', 'stolen', (p) => {
    const s = p.from(STOLEN);
    const plural = p.chance(0.25);
    return {
      phrase: () =>
        statement({
          en: `someone has stolen ${np(s, 'my', plural).en}`,
          es: `me han robado ${np(s, 'the', plural).es}`,
        }),
    };
  }),
  frame('emergency', 'sentence', 'people-injured', (p) => {
    const n = p.int(1, 9);
    return {
      phrase: (m: Mode) =>
        statement(
          cat(
            bi('there', 'hay'),
            n === 1 ? bi('is', '') : bi('are', ''),
            count(n, PERSON, m),
            n === 1 ? bi('injured', 'herida') : bi('injured', 'heridas'),
          ),
        ),
    };
  }),
  frame('emergency', 'sentence', 'person-age', (p) => {
    const who = p.from(PEOPLE);
    const age = p.int(2, 95);
    return {
      phrase: (m: Mode) =>
        statement(cat(np(who, 'my'), bi('is', 'tiene'), count(age, YEAR, m), bi('old', ''))),
    };
  }),
  frame('emergency', 'sentence', 'person-missing', (p) => {
    const who = p.from(PEOPLE);
    return {
      phrase: () =>
        statement({
          en: `I can't find ${np(who, 'my').en}`,
          es: `no encuentro a ${np(who, 'my').es}`,
        }),
      form: 'negation',
    };
  }),
  frame('emergency', 'sentence', 'call-number', (p) => {
    const num = p.one(['112', '911', '091', '061', '080']);
    return {
      phrase: (m: Mode) =>
        statement(cat(bi('call', 'llame al'), digitString(num, m), bi('right now', 'ahora mismo'))),
    };
  }),
  frame('emergency', 'sentence', 'phone-number', (p) => {
    const digits = `6${String(p.int(10000000, 99999999))}`;
    return {
      phrase: (m: Mode) =>
        statement(cat(bi('my phone number is', 'mi número de teléfono es el'), digitString(digits, m))),
    };
  }),
  frame('emergency', 'sentence', 'is-anyone-hurt', () => ({
    form: 'question',
    phrase: () => question(bi('is anyone hurt', 'hay algún herido')),
  })),
  frame('emergency', 'sentence', 'dont-move', (p) => {
    const who = p.from(PEOPLE);
    return {
      form: 'negation',
      phrase: () =>
        statement({ en: `don't move ${np(who, 'your').en}`, es: `no mueva a ${np(who, 'your').es}` }),
    };
  }),
  frame('emergency', 'sentence', 'service-coming', (p) => {
    const s = p.from(SERVICES);
    const n = p.int(2, 30);
    return {
      phrase: (m: Mode) =>
        statement(cat(np(s, 'the'), bi('will be there in', 'llegará en'), count(n, MINUTE, m))),
    };
  }),
];
