import { adj, adjEs, bi, cat, type Mode, noun, np, question, statement } from '../grammar.ts';
import { COLORS } from '../lexicon-shared.ts';
import { pool } from '../picker.ts';
import { atTime, count, pickPrice, pickTime, plainNumber, price } from '../slots-numeric.ts';
import { frame, type Template } from '../template.ts';

const CLOTHES = pool('shopping-clothes', [
  noun('shirt|shirts|camisa|camisas|f'),
  noun('T-shirt|T-shirts|camiseta|camisetas|f'),
  noun('jacket|jackets|chaqueta|chaquetas|f'),
  noun('dress|dresses|vestido|vestidos|m'),
  noun('skirt|skirts|falda|faldas|f'),
  noun('sweater|sweaters|jersey|jerséis|m'),
  noun('coat|coats|abrigo|abrigos|m'),
  noun('hat|hats|sombrero|sombreros|m'),
  noun('scarf|scarves|bufanda|bufandas|f'),
  noun('pair of shoes|pairs of shoes|par de zapatos|pares de zapatos|m'),
  noun('pair of jeans|pairs of jeans|par de vaqueros|pares de vaqueros|m'),
  noun('belt|belts|cinturón|cinturones|m'),
  noun('swimsuit|swimsuits|bañador|bañadores|m'),
  noun('raincoat|raincoats|chubasquero|chubasqueros|m'),
  noun('cap|caps|gorra|gorras|f'),
]);

const GOODS = pool('shopping-goods', [
  noun('phone charger|phone chargers|cargador de móvil|cargadores de móvil|m'),
  noun('SIM card|SIM cards|tarjeta SIM|tarjetas SIM|f'),
  noun('postcard|postcards|postal|postales|f'),
  noun('stamp|stamps|sello|sellos|m'),
  noun('souvenir|souvenirs|recuerdo|recuerdos|m'),
  noun('bottle of olive oil|bottles of olive oil|botella de aceite de oliva|botellas de aceite de oliva|f'),
  noun('box of chocolates|boxes of chocolates|caja de bombones|cajas de bombones|f'),
  noun('newspaper|newspapers|periódico|periódicos|m'),
  noun('battery|batteries|pila|pilas|f'),
  noun('pair of sunglasses|pairs of sunglasses|par de gafas de sol|pares de gafas de sol|m'),
  noun('bag|bags|bolsa|bolsas|f'),
  noun('loaf of bread|loaves of bread|barra de pan|barras de pan|f'),
  noun('kilo of apples|kilos of apples|kilo de manzanas|kilos de manzanas|m'),
  noun('bottle of wine|bottles of wine|botella de vino|botellas de vino|f'),
  noun('guidebook|guidebooks|guía de viaje|guías de viaje|f'),
  noun('watch|watches|reloj|relojes|m'),
]);

const SIZES = ['small|pequeña', 'medium|mediana', 'large|grande', 'extra large|extra grande'].map((s) => {
  const [en, es] = s.split('|');
  return { en, es };
});
const FIT = pool(
  'shopping-fit',
  [
    adj('too big|demasiado grande'),
    adj('too small|demasiado pequeño'),
    adj('too expensive|demasiado caro'),
    adj('cheap|barato'),
    adj('new|nuevo'),
  ],
  false,
);

export const SHOPPING_TEMPLATES: Template[] = [
  frame('shopping', 'action', 'try-on', (p) => {
    const c = p.from(CLOTHES);
    return { phrase: () => cat(bi('try on', 'probarme'), np(c, 'this', p.chance(0.3))) };
  }),
  frame('shopping', 'action', 'return-item', (p) => {
    const c = p.from(p.chance(0.5) ? CLOTHES : GOODS);
    return { phrase: () => cat(bi('return', 'devolver'), np(c, 'this')) };
  }),
  frame('shopping', 'action', 'pay-cash', () => ({ phrase: () => bi('pay in cash', 'pagar en efectivo') })),
  frame('shopping', 'action', 'buy-count', (p) => {
    const g = p.from(GOODS);
    const n = p.int(1, 12);
    return { phrase: (m: Mode) => cat(bi('buy', 'comprar'), count(n, g, m)) };
  }),
  frame('shopping', 'object', 'clothes-color', (p) => {
    const c = p.from(CLOTHES);
    const col = p.from(COLORS);
    const plural = p.chance(0.3);
    // "a pair of shoes" takes no color here: the color would agree with "shoes", not "pair"
    if (c.es.includes(' de ')) return { phrase: () => np(c, 'a', plural) };
    return {
      phrase: () => ({
        en: plural ? `some ${col.en} ${c.enPl}` : `${/^[aeiou]/.test(col.en) ? 'an' : 'a'} ${col.en} ${c.en}`,
        es: `${np(c, 'a', plural).es} ${adjEs(col, c.g, plural)}`,
      }),
    };
  }),
  frame('shopping', 'object', 'clothes-size', (p) => {
    const c = p.from(CLOTHES);
    const sz = p.one(SIZES);
    return {
      phrase: () => ({
        en: `${np(c, 'this').en} in size ${sz.en}`,
        es: `${np(c, 'this').es} en talla ${sz.es}`,
      }),
    };
  }),
  frame('shopping', 'object', 'goods', (p) => {
    const g = p.from(GOODS);
    return { phrase: () => np(g, 'a', p.chance(0.2)) };
  }),
  frame('shopping', 'sentence', 'how-much', (p) => {
    const g = p.from(p.chance(0.5) ? CLOTHES : GOODS);
    const plural = p.chance(0.3);
    return {
      form: 'question',
      phrase: () =>
        question({
          en: `how much ${plural ? 'are' : 'is'} ${np(g, 'this', plural).en}`,
          es: `cuánto ${plural ? 'cuestan' : 'cuesta'} ${np(g, 'this', plural).es}`,
        }),
    };
  }),
  frame('shopping', 'sentence', 'it-costs', (p) => {
    const g = p.from(p.chance(0.5) ? CLOTHES : GOODS);
    const pr = pickPrice(p);
    return { phrase: (m: Mode) => statement(cat(np(g, 'the'), bi('costs', 'cuesta'), price(pr, m))) };
  }),
  frame('shopping', 'sentence', 'total-count', (p) => {
    const g = p.from(GOODS);
    const n = p.int(2, 10);
    const pr = pickPrice(p);
    return {
      phrase: (m: Mode) =>
        statement(cat(count(n, g, m), bi('cost', 'cuestan'), price(pr, m), bi('in total', 'en total'))),
    };
  }),
  frame('shopping', 'sentence', 'fit', (p) => {
    const c = p.from(CLOTHES);
    const f = p.from(FIT);
    const plural = p.chance(0.3);
    const neg = p.chance(0.3);
    const asQ = !neg && p.chance(0.3);
    const subject = np(c, p.one(['this', 'the'] as const), plural);
    const be = { en: plural ? 'are' : 'is', es: plural ? 'son' : 'es' };
    const a = { en: f.en, es: adjEs(f, c.g, plural) };
    if (asQ) return { form: 'question', phrase: () => question(cat(bi(be.en, be.es), subject, a)) };
    return {
      form: neg ? 'negation' : 'statement',
      phrase: () => statement(cat(subject, neg ? bi(`${be.en} not`, `no ${be.es}`) : be, a)),
    };
  }),
  frame('shopping', 'sentence', 'discount', (p) => {
    const n = p.one([10, 15, 20, 25, 30, 40, 50, 70]);
    const c = p.from(CLOTHES);
    const items = np(c, 'the', true);
    return {
      phrase: (m: Mode) => {
        const pct =
          m === 'written' ? bi(`${n}%`, `${n} %`) : cat(plainNumber(n, m), bi('percent', 'por ciento'));
        return statement({
          en: `there is a ${pct.en} discount on ${items.en}`,
          es: `hay un descuento del ${pct.es} en ${items.es}`,
        });
      },
    };
  }),
  frame('shopping', 'sentence', 'shop-opens', (p) => {
    const t = pickTime(p);
    return { phrase: (m: Mode) => statement(cat(bi('the shop opens', 'la tienda abre'), atTime(t, m))) };
  }),
  frame('shopping', 'sentence', 'receipt', (p) => {
    const n = p.int(1, 5);
    return {
      form: 'polite',
      phrase: (m: Mode) =>
        question(
          cat(
            bi('could you give me a receipt for the', 'me podría dar un recibo de las'),
            plainNumber(n, m),
            bi('items', 'prendas'),
          ),
        ),
    };
  }),
  frame('shopping', 'sentence', 'no-size', (p) => {
    const c = p.from(CLOTHES);
    const sz = p.one(SIZES);
    return {
      form: 'negation',
      phrase: () =>
        statement({
          en: `we don't have ${np(c, 'this').en} in size ${sz.en}`,
          es: `no tenemos ${np(c, 'this').es} en talla ${sz.es}`,
        }),
    };
  }),
];
