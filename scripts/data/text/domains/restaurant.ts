import { adj, bi, cat, type Mode, noun, np, question, statement } from '../grammar.ts';
import { SURNAMES, WEEKDAYS } from '../lexicon-shared.ts';
import { pool } from '../picker.ts';
import { atTime, count, pickPrice, pickTime, price } from '../slots-numeric.ts';
import { frame, stateSentence, type Template } from '../template.ts';

const DISHES = pool('restaurant-dish', [
  noun('salad|salads|ensalada|ensaladas|f'),
  noun('soup|soups|sopa|sopas|f'),
  noun('paella|paellas|paella|paellas|f'),
  noun('omelette|omelettes|tortilla|tortillas|f'),
  noun('steak|steaks|filete|filetes|m'),
  noun('grilled fish|grilled fish|pescado a la plancha|pescados a la plancha|m'),
  noun('roast chicken|roast chickens|pollo asado|pollos asados|m'),
  noun('sandwich|sandwiches|bocadillo|bocadillos|m'),
  noun('pizza|pizzas|pizza|pizzas|f'),
  noun('hamburger|hamburgers|hamburguesa|hamburguesas|f'),
  noun('vegetable stew|vegetable stews|guiso de verduras|guisos de verduras|m'),
  noun('cheese plate|cheese plates|tabla de quesos|tablas de quesos|f'),
  noun('dessert|desserts|postre|postres|m'),
  noun('ice cream|ice creams|helado|helados|m'),
  noun('cake|cakes|tarta|tartas|f'),
  noun('fruit salad|fruit salads|macedonia|macedonias|f'),
  noun('rice dish|rice dishes|arroz|arroces|m'),
  noun('seafood platter|seafood platters|mariscada|mariscadas|f'),
  noun('lentil soup|lentil soups|sopa de lentejas|sopas de lentejas|f'),
  noun('potato omelette|potato omelettes|tortilla de patatas|tortillas de patatas|f'),
]);

const DRINKS = pool('restaurant-drink', [
  noun('coffee|coffees|café|cafés|m'),
  noun('tea|teas|té|tés|m'),
  noun('beer|beers|cerveza|cervezas|f'),
  noun('glass of wine|glasses of wine|copa de vino|copas de vino|f'),
  noun('orange juice|orange juices|zumo de naranja|zumos de naranja|m'),
  noun('bottle of water|bottles of water|botella de agua|botellas de agua|f'),
  noun('sparkling water|sparkling waters|agua con gas|aguas con gas|f'),
  noun('lemonade|lemonades|limonada|limonadas|f'),
  noun('hot chocolate|hot chocolates|chocolate caliente|chocolates calientes|m'),
  noun('milkshake|milkshakes|batido|batidos|m'),
  noun('decaf coffee|decaf coffees|café descafeinado|cafés descafeinados|m'),
  noun('soda|sodas|refresco|refrescos|m'),
]);

const TABLEWARE = pool('restaurant-tableware', [
  noun('menu|menus|carta|cartas|f'),
  noun('fork|forks|tenedor|tenedores|m'),
  noun('knife|knives|cuchillo|cuchillos|m'),
  noun('spoon|spoons|cuchara|cucharas|f'),
  noun('napkin|napkins|servilleta|servilletas|f'),
  noun('glass|glasses|vaso|vasos|m'),
  noun('plate|plates|plato|platos|m'),
  noun('high chair|high chairs|trona|tronas|f'),
  noun("children's menu|children's menus|menú infantil|menús infantiles|m"),
  noun('bill|bills|cuenta|cuentas|f'),
]);

const TASTES = pool(
  'restaurant-taste',
  [
    adj('cold|frío'),
    adj('delicious|delicioso'),
    adj('too salty|demasiado salado'),
    adj('spicy|picante'),
    adj('cooked|hecho'),
  ],
  false,
);
const DIETS = pool('restaurant-diet', [
  { id: 'vegetarian', en: 'vegetarian', es: 'vegetariano' },
  { id: 'vegan', en: 'vegan', es: 'vegano' },
  { id: 'gluten', en: 'allergic to gluten', es: 'alérgico al gluten' },
  { id: 'nuts', en: 'allergic to nuts', es: 'alérgico a los frutos secos' },
  { id: 'lactose', en: 'lactose intolerant', es: 'intolerante a la lactosa' },
  { id: 'shellfish', en: 'allergic to shellfish', es: 'alérgico al marisco' },
]);

const PERSON = noun('person|people|persona|personas|f');
const TABLE = noun('table|tables|mesa|mesas|f');

export const RESTAURANT_TEMPLATES: Template[] = [
  frame('restaurant', 'action', 'book-table', (p) => {
    const n = p.int(1, 12);
    const t = pickTime(p);
    return {
      phrase: (m: Mode) =>
        cat(bi('book a table for', 'reservar una mesa para'), count(n, PERSON, m), atTime(t, m)),
    };
  }),
  frame('restaurant', 'action', 'book-table-day', (p) => {
    const n = p.int(2, 10);
    const d = p.from(WEEKDAYS);
    return {
      phrase: (m: Mode) =>
        cat(
          bi('book a table for', 'reservar una mesa para'),
          count(n, PERSON, m),
          bi(`on ${d.en}`, `el ${d.es}`),
        ),
    };
  }),
  frame('restaurant', 'action', 'order-dish', (p) => {
    const d = p.from(DISHES);
    return { phrase: () => cat(bi('order', 'pedir'), np(d, 'the')) };
  }),
  frame('restaurant', 'action', 'pay-by-card', () => ({
    phrase: () => bi('pay by card', 'pagar con tarjeta'),
  })),
  frame('restaurant', 'action', 'split-bill', (p) => {
    const n = p.int(2, 6);
    return {
      phrase: (m: Mode) => cat(bi('split the bill between', 'dividir la cuenta entre'), count(n, PERSON, m)),
    };
  }),
  frame('restaurant', 'action', 'sit-on-terrace', () => ({
    phrase: () => bi('sit on the terrace', 'sentarme en la terraza'),
  })),
  frame('restaurant', 'object', 'dish', (p) => {
    const d = p.from(DISHES);
    return { phrase: () => np(d, 'a') };
  }),
  frame('restaurant', 'object', 'drinks-count', (p) => {
    const d = p.from(DRINKS);
    const n = p.int(1, 6);
    return { phrase: (m: Mode) => count(n, d, m) };
  }),
  frame('restaurant', 'object', 'dish-and-drink', (p) => {
    const d = p.from(DISHES);
    const k = p.from(DRINKS);
    return { phrase: () => cat(np(d, 'a'), bi('and', 'y'), np(k, 'a')) };
  }),
  frame('restaurant', 'object', 'tableware', (p) => {
    const t = p.from(TABLEWARE);
    return { phrase: () => np(t, p.one(['a', 'the'] as const)) };
  }),
  frame('restaurant', 'object', 'table-for', (p) => {
    const n = p.int(1, 12);
    return { phrase: (m: Mode) => cat(np(TABLE, 'a'), bi('for', 'para'), count(n, PERSON, m)) };
  }),
  frame('restaurant', 'sentence', 'dish-taste', (p) => {
    const d = p.from(DISHES);
    const s = p.from(TASTES);
    const plural = p.chance(0.25);
    const neg = p.chance(0.3);
    const asQ = !neg && p.chance(0.3);
    const subject = np(d, p.one(['the', 'this', 'my'] as const), plural);
    return stateSentence(d, subject, s, plural, neg, asQ);
  }),
  frame('restaurant', 'sentence', 'dish-has', (p) => {
    const d = p.from(DISHES);
    const diet = p.from(DIETS);
    return {
      form: 'question',
      phrase: () =>
        question({
          en: `is ${np(d, 'the').en} suitable for someone ${diet.en}`,
          es: `${np(d, 'the').es} es ${d.g === 'f' ? 'apta' : 'apto'} para alguien ${diet.es}`,
        }),
    };
  }),
  frame('restaurant', 'sentence', 'i-am-diet', (p) => {
    const diet = p.from(DIETS);
    const female = p.chance(0.5);
    const esDiet = female ? diet.es.replace(/o\b/, 'a') : diet.es;
    return { phrase: () => statement({ en: `I am ${diet.en}`, es: `soy ${esDiet}` }) };
  }),
  frame('restaurant', 'sentence', 'dish-price', (p) => {
    const d = p.from(DISHES);
    const pr = pickPrice(p);
    return { phrase: (m: Mode) => statement(cat(np(d, 'the'), bi('costs', 'cuesta'), price(pr, m))) };
  }),
  frame('restaurant', 'sentence', 'bill-total', (p) => {
    const pr = pickPrice(p);
    return { phrase: (m: Mode) => statement(cat(bi('the total is', 'el total es'), price(pr, m))) };
  }),
  frame('restaurant', 'sentence', 'how-much-dish', (p) => {
    const d = p.from(DISHES);
    const plural = p.chance(0.3);
    return {
      form: 'question',
      phrase: () =>
        question({
          en: `how much ${plural ? 'do' : 'does'} ${np(d, 'the', plural).en} cost`,
          es: `cuánto ${plural ? 'cuestan' : 'cuesta'} ${np(d, 'the', plural).es}`,
        }),
    };
  }),
  frame('restaurant', 'sentence', 'reservation-at', (p) => {
    const s = p.from(SURNAMES);
    const t = pickTime(p);
    return {
      phrase: (m: Mode) =>
        statement(
          cat(
            bi('we have a table booked under', 'tenemos una mesa reservada a nombre de'),
            bi(s.en, s.es),
            atTime(t, m),
          ),
        ),
    };
  }),
  frame('restaurant', 'sentence', 'kitchen-closes', (p) => {
    const t = pickTime(p);
    return {
      phrase: (m: Mode) => statement(cat(bi('the kitchen closes', 'la cocina cierra'), atTime(t, m))),
    };
  }),
  frame('restaurant', 'sentence', 'no-dish-left', (p) => {
    const d = p.from(DISHES);
    return {
      form: 'negation',
      phrase: () => statement({ en: `sorry, there is no ${d.en} left`, es: `lo siento, no queda ${d.es}` }),
    };
  }),
];
