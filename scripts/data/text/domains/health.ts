import { bi, cat, type Mode, noun, np, question, statement } from '../grammar.ts';
import { PEOPLE } from '../lexicon-shared.ts';
import { pool } from '../picker.ts';
import { atTime, clock, count, pickPrice, pickTime, plainNumber, price } from '../slots-numeric.ts';
import { frame, type Template } from '../template.ts';

const MEDICINES = pool('health-medicine', [
  noun('painkiller|painkillers|analgésico|analgésicos|m'),
  noun('aspirin|aspirins|aspirina|aspirinas|f'),
  noun('ibuprofen tablet|ibuprofen tablets|pastilla de ibuprofeno|pastillas de ibuprofeno|f'),
  noun('paracetamol tablet|paracetamol tablets|pastilla de paracetamol|pastillas de paracetamol|f'),
  noun('cough syrup|cough syrups|jarabe para la tos|jarabes para la tos|m'),
  noun('antibiotic|antibiotics|antibiótico|antibióticos|m'),
  noun('antihistamine|antihistamines|antihistamínico|antihistamínicos|m'),
  noun('sunscreen|sunscreens|protector solar|protectores solares|m'),
  noun('bandage|bandages|venda|vendas|f'),
  noun('plaster|plasters|tirita|tiritas|f'),
  noun('thermometer|thermometers|termómetro|termómetros|m'),
  noun('eye drop|eye drops|colirio|colirios|m'),
  noun('insect repellent|insect repellents|repelente de insectos|repelentes de insectos|m'),
  noun('inhaler|inhalers|inhalador|inhaladores|m'),
  noun('throat lozenge|throat lozenges|pastilla para la garganta|pastillas para la garganta|f'),
  noun('pregnancy test|pregnancy tests|prueba de embarazo|pruebas de embarazo|f'),
]);

/** Body parts for "my X hurts" (duele/duelen agree in number). */
const BODY = pool('health-body-part', [
  noun('head|heads|cabeza|cabezas|f'),
  noun('back|backs|espalda|espaldas|f'),
  noun('stomach|stomachs|estómago|estómagos|m'),
  noun('throat|throats|garganta|gargantas|f'),
  noun('ear|ears|oído|oídos|m'),
  noun('tooth|teeth|muela|muelas|f'),
  noun('knee|knees|rodilla|rodillas|f'),
  noun('foot|feet|pie|pies|m'),
  noun('arm|arms|brazo|brazos|m'),
  noun('leg|legs|pierna|piernas|f'),
  noun('chest|chests|pecho|pechos|m'),
  noun('eye|eyes|ojo|ojos|m'),
  noun('ankle|ankles|tobillo|tobillos|m'),
  noun('shoulder|shoulders|hombro|hombros|m'),
  noun('wrist|wrists|muñeca|muñecas|f'),
]);

const SYMPTOMS = pool('health-symptom', [
  { id: 'fever', en: 'a fever', es: 'fiebre' },
  { id: 'cough', en: 'a cough', es: 'tos' },
  { id: 'cold', en: 'a cold', es: 'un resfriado' },
  { id: 'rash', en: 'a rash', es: 'una erupción' },
  { id: 'diarrhea', en: 'diarrhea', es: 'diarrea' },
  { id: 'sore-throat', en: 'a sore throat', es: 'dolor de garganta' },
  { id: 'headache', en: 'a headache', es: 'dolor de cabeza' },
  { id: 'nausea', en: 'nausea', es: 'náuseas' },
  { id: 'dizzy', en: 'dizzy spells', es: 'mareos' },
  { id: 'allergy', en: 'an allergy', es: 'una alergia' },
  { id: 'sunburn', en: 'sunburn', es: 'quemaduras de sol' },
  { id: 'insomnia', en: 'insomnia', es: 'insomnio' },
  { id: 'flu', en: 'the flu', es: 'gripe' },
  { id: 'high-blood-pressure', en: 'high blood pressure', es: 'la tensión alta' },
]);

const CLINIC_STAFF = pool('health-staff', [
  noun('doctor|doctors|médico|médicos|m'),
  noun('nurse|nurses|enfermera|enfermeras|f'),
  noun('pharmacist|pharmacists|farmacéutica|farmacéuticas|f'),
  noun('dentist|dentists|dentista|dentistas|m'),
  noun('pediatrician|pediatricians|pediatra|pediatras|m'),
]);

const TABLET = noun('tablet|tablets|pastilla|pastillas|f');
const DAY = noun('day|days|día|días|m');
const HOUR = noun('hour|hours|hora|horas|f');
const DROP = noun('drop|drops|gota|gotas|f');

export const HEALTH_TEMPLATES: Template[] = [
  frame('health', 'action', 'see-staff', (p) => {
    const s = p.from(CLINIC_STAFF);
    return { phrase: () => cat(bi('see', 'ver a'), np(s, 'a')) };
  }),
  frame('health', 'action', 'appointment-at', (p) => {
    const s = p.from(CLINIC_STAFF);
    const t = pickTime(p);
    return {
      phrase: (m: Mode) => cat(bi('make an appointment with', 'pedir cita con'), np(s, 'the'), atTime(t, m)),
    };
  }),
  frame('health', 'action', 'buy-medicine', (p) => {
    const med = p.from(MEDICINES);
    return { phrase: () => cat(bi('buy', 'comprar'), np(med, 'a', p.chance(0.3))) };
  }),
  frame('health', 'action', 'refill-prescription', () => ({
    phrase: () => bi('refill my prescription', 'renovar mi receta'),
  })),
  frame('health', 'object', 'medicine', (p) => {
    const med = p.from(MEDICINES);
    return { phrase: () => np(med, 'a', p.chance(0.3)) };
  }),
  frame('health', 'object', 'medicine-for', (p) => {
    const med = p.from(MEDICINES);
    const sy = p.from(SYMPTOMS);
    return {
      phrase: () => ({
        en: `${np(med, 'a').en} for ${sy.en.replace(/^(a|an|the) /, '')}`,
        es: `${np(med, 'a').es} para ${sy.es.replace(/^(un|una|la) /, '')}`,
      }),
    };
  }),
  frame('health', 'sentence', 'body-hurts', (p) => {
    const b = p.from(BODY);
    const plural = p.chance(0.3);
    const who = p.chance(0.25) ? p.from(PEOPLE) : null;
    return {
      phrase: () => {
        const part = plural ? b.esPl : b.es;
        const art = b.g === 'f' ? (plural ? 'las' : 'la') : plural ? 'los' : 'el';
        const verb = plural ? 'duelen' : 'duele';
        if (!who)
          return statement({
            en: `my ${plural ? b.enPl : b.en} ${plural ? 'hurt' : 'hurts'}`,
            es: `me ${verb} ${art} ${part}`,
          });
        const whoEs = np(who, 'my').es;
        return statement({
          en: `my ${who.en}'s ${plural ? b.enPl : b.en} ${plural ? 'hurt' : 'hurts'}`,
          es: `a ${whoEs} le ${verb} ${art} ${part}`,
        });
      },
    };
  }),
  frame('health', 'sentence', 'have-symptom-days', (p) => {
    const sy = p.from(SYMPTOMS);
    const n = p.int(1, 10);
    return {
      phrase: (m: Mode) =>
        statement(cat(bi(`I have had ${sy.en} for`, `tengo ${sy.es} desde hace`), count(n, DAY, m))),
    };
  }),
  frame('health', 'sentence', 'person-has-symptom', (p) => {
    const who = p.from(PEOPLE);
    const sy = p.from(SYMPTOMS);
    return {
      phrase: () =>
        statement({ en: `${np(who, 'my').en} has ${sy.en}`, es: `${np(who, 'my').es} tiene ${sy.es}` }),
    };
  }),
  frame('health', 'sentence', 'dosage', (p) => {
    const n = p.int(1, 3);
    const h = p.one([4, 6, 8, 12, 24]);
    const unit = p.chance(0.75) ? TABLET : DROP;
    return {
      phrase: (m: Mode) =>
        statement(cat(bi('take', 'tome'), count(n, unit, m), bi('every', 'cada'), count(h, HOUR, m))),
    };
  }),
  frame('health', 'sentence', 'dosage-days', (p) => {
    const n = p.int(2, 14);
    const med = p.from(MEDICINES);
    return {
      phrase: (m: Mode) =>
        statement(cat(bi('take', 'tome'), np(med, 'the'), bi('for', 'durante'), count(n, DAY, m))),
    };
  }),
  frame('health', 'sentence', 'need-prescription', (p) => {
    const med = p.from(MEDICINES);
    const neg = p.chance(0.5);
    const asQ = !neg && p.chance(0.5);
    if (asQ)
      return {
        form: 'question',
        phrase: () =>
          question({
            en: `do I need a prescription for ${np(med, 'the', true).en}`,
            es: `necesito receta para ${np(med, 'the', true).es}`,
          }),
      };
    return {
      form: neg ? 'negation' : 'statement',
      phrase: () =>
        statement({
          en: `you ${neg ? "don't " : ''}need a prescription for ${np(med, 'this').en}`,
          es: `${neg ? 'no ' : ''}necesita receta para ${np(med, 'this').es}`,
        }),
    };
  }),
  frame('health', 'sentence', 'allergic-to', (p) => {
    const med = p.from(MEDICINES);
    const female = p.chance(0.5);
    return {
      phrase: () =>
        statement({
          en: `I am allergic to ${med.enPl}`,
          es: `soy ${female ? 'alérgica' : 'alérgico'} a ${np(med, 'the', true).es}`,
        }),
    };
  }),
  frame('health', 'sentence', 'medicine-price', (p) => {
    const med = p.from(MEDICINES);
    const pr = pickPrice(p);
    return { phrase: (m: Mode) => statement(cat(np(med, 'this'), bi('costs', 'cuesta'), price(pr, m))) };
  }),
  frame('health', 'sentence', 'pharmacy-open-until', (p) => {
    const t = pickTime(p);
    return {
      form: 'question',
      phrase: (m: Mode) =>
        question(cat(bi('is the pharmacy open until', 'la farmacia está abierta hasta'), clock(t, m))),
    };
  }),
  frame('health', 'sentence', 'temperature', (p) => {
    const deg = p.int(37, 40);
    return {
      phrase: (m: Mode) =>
        statement(
          cat(bi('I have a temperature of', 'tengo'), plainNumber(deg, m), bi('degrees', 'grados de fiebre')),
        ),
    };
  }),
  frame('health', 'sentence', 'where-staff', (p) => {
    const s = p.from(CLINIC_STAFF);
    return {
      form: 'question',
      phrase: () => question(cat(bi('where can I find', 'dónde puedo encontrar a'), np(s, 'a'))),
    };
  }),
];
