import { describe, expect, it } from 'vitest';
import {
  cardinalEn,
  dateEn,
  ordinalEn,
  priceEn,
  roomNumberEn,
  timeEn,
} from '../../scripts/data/text/numbers-en.ts';
import { cardinalEs, dateEs, priceEs, timeEs } from '../../scripts/data/text/numbers-es.ts';

describe('English numbers', () => {
  it('cardinals and ordinals', () => {
    expect(cardinalEn(0)).toBe('zero');
    expect(cardinalEn(15)).toBe('fifteen');
    expect(cardinalEn(42)).toBe('forty two');
    expect(cardinalEn(100)).toBe('one hundred');
    expect(cardinalEn(412)).toBe('four hundred twelve');
    expect(cardinalEn(2025)).toBe('two thousand twenty five');
    expect(ordinalEn(1)).toBe('first');
    expect(ordinalEn(2)).toBe('second');
    expect(ordinalEn(12)).toBe('twelfth');
    expect(ordinalEn(20)).toBe('twentieth');
    expect(ordinalEn(23)).toBe('twenty third');
    expect(roomNumberEn(412)).toBe('four twelve');
    expect(roomNumberEn(305)).toBe('three oh five');
    expect(roomNumberEn(500)).toBe('five hundred');
  });

  it('times, prices and dates both ways', () => {
    expect(timeEn(7, 30, false)).toBe('7:30');
    expect(timeEn(7, 30, true)).toBe('seven thirty');
    expect(timeEn(9, 0, true)).toBe("nine o'clock");
    expect(timeEn(6, 5, true)).toBe('six oh five');
    expect(priceEn(1250, 'EUR', false)).toBe('€12.50');
    expect(priceEn(1250, 'EUR', true)).toBe('twelve euros fifty');
    expect(priceEn(100, 'USD', true)).toBe('one dollar');
    expect(priceEn(2000, 'USD', false)).toBe('$20');
    expect(dateEn(3, 3, false)).toBe('March 3');
    expect(dateEn(3, 3, true)).toBe('March third');
  });
});

describe('Spanish numbers', () => {
  it('cardinals agree with the gender of the counted noun', () => {
    expect(cardinalEs(1)).toBe('uno');
    expect(cardinalEs(1, 'm')).toBe('un');
    expect(cardinalEs(1, 'f')).toBe('una');
    expect(cardinalEs(21, 'm')).toBe('veintiún');
    expect(cardinalEs(21, 'f')).toBe('veintiuna');
    expect(cardinalEs(31, 'f')).toBe('treinta y una');
    expect(cardinalEs(16)).toBe('dieciséis');
    expect(cardinalEs(100)).toBe('cien');
    expect(cardinalEs(101)).toBe('ciento uno');
    expect(cardinalEs(200, 'm')).toBe('doscientos');
    expect(cardinalEs(200, 'f')).toBe('doscientas');
    expect(cardinalEs(573)).toBe('quinientos setenta y tres');
    expect(cardinalEs(1000)).toBe('mil');
    expect(cardinalEs(2021)).toBe('dos mil veintiuno');
  });

  it('times, prices and dates both ways', () => {
    expect(timeEs(7, 30, false)).toBe('las 7:30');
    expect(timeEs(7, 30, true)).toBe('las siete y media');
    expect(timeEs(1, 15, true)).toBe('la una y cuarto');
    expect(timeEs(1, 45, true)).toBe('las dos menos cuarto');
    expect(timeEs(12, 45, true)).toBe('la una menos cuarto');
    expect(timeEs(9, 0, true)).toBe('las nueve en punto');
    expect(timeEs(6, 20, true)).toBe('las seis y veinte');
    expect(priceEs(1250, 'EUR', false)).toBe('12,50 €');
    expect(priceEs(1250, 'EUR', true)).toBe('doce euros con cincuenta');
    expect(priceEs(2100, 'EUR', true)).toBe('veintiún euros');
    expect(priceEs(100, 'USD', true)).toBe('un dólar');
    expect(dateEs(3, 3, true)).toBe('tres de marzo');
    expect(dateEs(1, 5, true)).toBe('primero de mayo');
    expect(dateEs(1, 5, false)).toBe('1 de mayo');
  });
});
